"""The derived index: one SQLite database per library, kept in step with its YAML files record by record.

``literature.yaml`` and ``themes.yaml`` are the only source of truth; this database
is a copy of what reading them gives (validated records, their problems, the columns
that filters, sorting, duplicate checks and ``stats`` use, and a full-text index),
checked against the files on every run:

* **Unchanged files cost a stat.** The database keeps each file's size, modification
  and change times, inode and SHA-256. When the stat is the same, and was taken when
  the file was old enough that a later write could not leave the same times behind
  (the "racy" window git knows), the index is current. Otherwise the file is hashed,
  and only when its content differs is it read again.
* **A changed file costs the items that changed.** The file is split into its
  top-level items (:func:`innoref.yamlio.split_items`), each item is hashed, and an
  item whose hash the database knows keeps its row; a new or changed item is parsed
  and validated again (``reading.py``, the Pydantic models). Items that had problems
  are read again on every change, so their problems keep their true place.
* **Disposable.** A database that is missing, corrupt, from another innoref or
  another version of PyYAML, yamlcore or Pydantic (all in its fingerprint), is
  rebuilt without a word. A cache folder that cannot be written gives an in-memory
  database: slower, never wrong. Two processes refreshing at once take turns
  (``BEGIN IMMEDIATE``, WAL, a busy timeout); readers read the last committed state;
  a killed build leaves the last committed state.

Full-text search: FTS5 over the text of each search field (``fields.py``), folded as
``text.py`` folds it (``Bråthen`` = ``brathen`` = ``braathen``), with a prefix index
and a table of the distinct words, for matching inside compounds. It never prints or
exits; progress is reported through a callback.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from innoref import fields as search_fields
from innoref.errors import DataError, InnorefError, Problem
from innoref.location import LITERATURE, THEMES, Location

if TYPE_CHECKING:
    from innoref.reading import Item
    from innoref.records import Reference, Theme

SCHEMA = 2
# Sources whose rules decide what the index holds; a change to any rebuilds it.
_SOURCES = ("index.py", "records.py", "models.py", "reading.py", "yamlio.py", "text.py", "fields.py",
            "duplicates.py", "stats.py", "keys.py", "documents.py")
_PACKAGES = ("yaml", "_yaml", "yamlcore", "pydantic", "pydantic_core")
# Seconds: a stat taken this soon after the file's last change is not trusted alone, since
# another write in the same clock tick could leave the same times. File systems that keep
# nanoseconds advance them at least every few milliseconds; one that keeps whole seconds
# (an mtime with no nanoseconds: FAT, HFS+, ext3) gets two seconds.
RACY_FINE, RACY_COARSE = 0.05, 2.0
BUSY_TIMEOUT = 300_000  # milliseconds another process may hold the write lock (a cold build)
Progress = Callable[[int], Callable[[int], None]]  # progress(total) -> tick(n)


class IndexDamaged(InnorefError):
    """The database file is damaged; the caller discards it and runs again."""


# --------------------------------------------------------------------------- where and what


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / "innoref"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("innoref", appauthor=False))


def database_path(location: Location) -> Path:
    """The index of the library at ``location`` (by the folder's absolute path)."""
    name = hashlib.sha256(os.fsencode(os.path.realpath(location.folder))).hexdigest()[:24]
    return cache_dir() / f"index-{name}.sqlite3"


def fingerprint() -> str:
    """Identifies the code behind an index: innoref's sources, the schema, SQLite and the
    versions of the parsing and validating libraries (by their installed files)."""
    import importlib.util

    from innoref import __version__

    here = Path(__file__).resolve().parent
    parts = [str(SCHEMA), __version__, sqlite3.sqlite_version]
    for name in _SOURCES:
        try:
            st = (here / name).stat()
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:-")
    for package in _PACKAGES:
        try:
            spec = importlib.util.find_spec(package)
            st = os.stat(spec.origin) if spec and spec.origin else None
            parts.append(f"{package}:{st.st_size}:{st.st_mtime_ns}" if st else f"{package}:-")
        except (ImportError, ValueError, OSError):
            parts.append(f"{package}:-")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


# --------------------------------------------------------------------------- the database


_TABLES = f"""
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records (
    id INTEGER PRIMARY KEY,
    pos INTEGER NOT NULL,          -- place in the file, 0-based
    line INTEGER NOT NULL,         -- 1-based line of the item's "- "
    digest BLOB NOT NULL,          -- of the item's bytes
    key TEXT,                      -- NULL: the item is not a valid record (see contents.flaws)
    written_key TEXT,              -- the item's key as written, valid record or not (duplicate keys)
    type TEXT, year INTEGER, lang TEXT,
    sort_authors TEXT, sort_creator TEXT, sort_title TEXT,
    doi TEXT, isbn TEXT, doc TEXT, creator TEXT, title_norm TEXT, tlen INTEGER,
    publisher TEXT, flags INTEGER, lacking TEXT
);
-- The record itself, apart from the small columns above, so that scanning records stays cheap.
CREATE TABLE contents (
    id INTEGER PRIMARY KEY,        -- records.id
    data TEXT,                     -- the record (records.Reference.to_data) as JSON
    flaws TEXT,                    -- the item's problems (reading.Flaw), as JSON
    at TEXT                        -- where its key and themes stand, as JSON
);
CREATE INDEX records_pos ON records(pos);
CREATE INDEX records_key ON records(key);
CREATE INDEX records_written_key ON records(written_key);
CREATE INDEX records_doi ON records(doi) WHERE doi IS NOT NULL;
CREATE INDEX records_isbn ON records(isbn) WHERE isbn IS NOT NULL;
CREATE INDEX records_doc ON records(doc) WHERE doc IS NOT NULL;
CREATE INDEX records_ident ON records(year, creator);
CREATE INDEX records_tlen ON records(tlen);
CREATE TABLE record_themes (theme TEXT NOT NULL, record INTEGER NOT NULL, PRIMARY KEY (theme, record)) WITHOUT ROWID;
CREATE INDEX record_themes_record ON record_themes(record);
CREATE TABLE themes (pos INTEGER PRIMARY KEY, id TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE terms (term TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
""" + "".join(
    f"CREATE VIRTUAL TABLE {table} USING fts5({', '.join(columns)}, content='', "
    "tokenize=\"unicode61 remove_diacritics 0 tokenchars '_'\", prefix='2 3');\n"
    for table, columns in search_fields.TABLES.items())


def _connect(path: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT / 1000, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT}")
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


def _discard(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(f"{path}{suffix}")
        except OSError:
            pass


def _has_fts5(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.probe USING fts5(x)")
        conn.execute("DROP TABLE temp.probe")
        return True
    except sqlite3.OperationalError:
        return False


def _create(conn: sqlite3.Connection, print_: str) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():  # else: made meanwhile
            for statement in _TABLES.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (print_,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _usable(conn: sqlite3.Connection, print_: str) -> bool:
    """True when the database holds an index made by this code (False: make it again)."""
    row = conn.execute("SELECT value FROM meta WHERE name = 'fingerprint'").fetchone()
    return row is not None and row[0] == print_


def _open_file(path: Path, print_: str) -> sqlite3.Connection | None:
    """The database at ``path`` made by this code, or None when it holds another's (then discarded)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = _connect(path)
    try:
        # WAL is kept in the file once set; setting it again would want a lock another process may hold.
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
            _require_fts5(conn)
            _create(conn, print_)
        elif not _usable(conn, print_):
            conn.close()
            _discard(path)
            return None
        return conn
    except BaseException:
        conn.close()
        raise


def _busy(exc: Exception) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)


def connect(location: Location) -> sqlite3.Connection:
    """The library's index database, made anew when it is missing, damaged or from other code;
    an in-memory one when the cache folder cannot hold it (read-only, full)."""
    print_ = fingerprint()
    path = database_path(location)
    deadline = time.monotonic() + 30  # making a database takes moments; a build waits in refresh()
    tries = 0
    while tries < 3:
        try:
            conn = _open_file(path, print_)
        except sqlite3.DatabaseError as exc:
            if _busy(exc):
                # Another process is making the database (journal mode, tables), which SQLite's
                # busy handler does not always wait for: wait here.
                if time.monotonic() > deadline:
                    raise InnorefError(f"{path}: the index is busy in another process ({exc})") from None
                time.sleep(0.02)
                continue
            tries += 1
            if isinstance(exc, sqlite3.OperationalError) and not path.exists():
                break  # the folder cannot hold a database
            _discard(path)  # not a database, or damaged: made anew
            continue
        except OSError:
            break
        if conn is not None:
            return conn
        tries += 1
    conn = _connect(":memory:")
    _require_fts5(conn)
    _create(conn, print_)
    return conn


def _require_fts5(conn: sqlite3.Connection) -> None:
    if not _has_fts5(conn):
        raise InnorefError(
            f"this Python's SQLite ({sqlite3.sqlite_version}) was built without FTS5, which innoref's search "
            "index needs; use a Python whose sqlite3 module has FTS5 (python.org, Debian, Ubuntu, Fedora and "
            "Homebrew builds have it)"
        )


# --------------------------------------------------------------------------- the file's state


def _stat_state(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


@dataclass
class FileState:
    """What the index last knew of a library file."""

    path: str
    stat: list[int]
    sha256: str
    checked: float  # when the stat was taken (time.time())

    def trusted(self, path: Path, st: os.stat_result) -> bool:
        """The file is the one the index holds, by its stat alone."""
        if str(path) != self.path or _stat_state(st) != self.stat:
            return False
        # A write in the same clock tick as the last one could leave the same stat behind:
        # trust the stat only when it was taken well after the file last changed.
        racy = RACY_COARSE if st.st_mtime_ns % 1_000_000_000 == 0 else RACY_FINE
        return self.checked - max(st.st_mtime_ns, st.st_ctime_ns) / 1e9 > racy

    def to_json(self) -> str:
        return json.dumps([self.path, self.stat, self.sha256, self.checked])

    @classmethod
    def from_json(cls, text: str | None) -> "FileState | None":
        try:
            path, stat, sha, checked = json.loads(text or "")
            return cls(path, stat, sha, checked)
        except (ValueError, TypeError):
            return None


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InnorefError(f"{path}: cannot read: {exc.strerror}") from None


def _digest(chunk: bytes) -> bytes:
    return hashlib.sha256(chunk).digest()[:16]


# --------------------------------------------------------------------------- one record's rows


_SEP = "\x1f"  # between fields while one record's text is folded in one go


def _folded_texts(ref: "Reference") -> list[str]:
    """The folded words of each full-text column (``text.words``), one fold for the whole record."""
    from innoref.text import fold_loose, normalize

    texts = list(search_fields.texts(ref).values())
    joined = _SEP.join(texts)
    if joined.count(_SEP) != len(texts) - 1:  # a control character in a record: field by field
        return [normalize(text).strip() for text in texts]
    return [" ".join(_WORD.findall(part)) for part in fold_loose(joined).split(_SEP)]


_INWORD = [search_fields.COLUMNS.index(c) for c in search_fields.INWORD]
_WORD = re.compile(r"\w+")


def _vocabulary(texts: list[str]) -> set[str]:
    """The distinct words of a record that matching inside words looks through."""
    return set(" ".join(texts[i] for i in _INWORD).split())


def _derived(ref: "Reference") -> dict[str, Any]:
    """The columns of one valid record: filters, sort keys, duplicate facts, stats."""
    from innoref import duplicates, stats
    from innoref.text import fold

    people = ref.creators
    first = people[0] if people else None
    facts = duplicates.Facts.of(ref)
    return {
        # A white paper, proposition or recommendation with no year of its own counts under the first
        # year of its session, in year: filters, sorting and stats.
        "type": ref.type, "year": ref.year if ref.year is not None or not ref.session else int(ref.session[:4]),
        "lang": ref.language,
        "sort_authors": fold(ref.short_authors()), "sort_creator": fold(first.family_full) if first else None,
        "sort_title": fold(ref.title),
        "doi": facts.doi, "isbn": facts.isbn, "doc": facts.doc, "creator": facts.creator, "title_norm": facts.norm,
        "tlen": len(facts.norm),
        "publisher": " ".join((ref.publisher or "").split()) or None, "flags": stats.flags_of(ref),
        "lacking": ",".join(stats.lacking_fields(ref)) or None,
    }


_COLUMNS = ("type", "year", "lang", "sort_authors", "sort_creator", "sort_title", "doi", "isbn", "doc", "creator",
            "title_norm", "tlen", "publisher", "flags", "lacking")
_INSERT = (f"INSERT INTO records (pos, line, digest, key, written_key, {', '.join(_COLUMNS)}) "
           f"VALUES ({', '.join('?' * (5 + len(_COLUMNS)))})")
_CONTENT = "INSERT INTO contents (id, data, flaws, at) VALUES (?, ?, ?, ?)"
_FTS_INSERT = {table: f"INSERT INTO {table} (rowid, {', '.join(cols)}) VALUES (?, {', '.join('?' * len(cols))})"
               for table, cols in search_fields.TABLES.items()}
_FTS_DELETE = {table: f"INSERT INTO {table} ({table}, rowid, {', '.join(cols)}) "
                      f"VALUES ('delete', ?, {', '.join('?' * len(cols))})"
               for table, cols in search_fields.TABLES.items()}
_TABLE_COLUMNS = {table: [search_fields.COLUMNS.index(c) for c in cols] for table, cols in search_fields.TABLES.items()}


def _fts(conn: sqlite3.Connection, statements: dict[str, str], rowid: int, texts: list[str]) -> None:
    for table, sql in statements.items():
        conn.execute(sql, (rowid, *(texts[i] for i in _TABLE_COLUMNS[table])))


class _Writer:
    """Rows in, one batch at a time: records, their full text, their themes, the word counts."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.terms: Counter[str] = Counter()

    def insert(self, pos: int, line: int, digest: bytes, ref: "Reference | None",
               flaws: list, at: dict | None) -> None:
        if ref is None:
            written = at.pop("written", None) if at else None
            rowid = self.conn.execute(_INSERT, (pos, line, digest, None, written)
                                      + (None,) * len(_COLUMNS)).lastrowid
            self.conn.execute(_CONTENT, (rowid, None, json.dumps([f.__dict__ for f in flaws]), json.dumps(at)))
            return
        derived = _derived(ref)
        row = (pos, line, digest, ref.key, ref.key) + tuple(derived[c] for c in _COLUMNS)
        rowid = self.conn.execute(_INSERT, row).lastrowid
        self.conn.execute(_CONTENT, (rowid, json.dumps(ref.to_data(), ensure_ascii=False), None, json.dumps(at)))
        texts = _folded_texts(ref)
        _fts(self.conn, _FTS_INSERT, rowid, texts)
        self.terms.update(_vocabulary(texts))
        if ref.themes:
            self.conn.executemany("INSERT OR IGNORE INTO record_themes VALUES (?, ?)",
                                  [(t, rowid) for t in ref.themes])

    def delete(self, rowids: list[int]) -> None:
        from innoref.records import Reference

        for chunk in _chunks(rowids, 500):
            marks = ",".join("?" * len(chunk))
            for rowid, data in self.conn.execute(f"SELECT id, data FROM contents WHERE id IN ({marks})", chunk):
                if data is None:
                    continue
                texts = _folded_texts(Reference.from_data(json.loads(data)))
                _fts(self.conn, _FTS_DELETE, rowid, texts)
                self.terms.subtract(_vocabulary(texts))
            self.conn.execute(f"DELETE FROM record_themes WHERE record IN ({marks})", chunk)
            self.conn.execute(f"DELETE FROM contents WHERE id IN ({marks})", chunk)
            self.conn.execute(f"DELETE FROM records WHERE id IN ({marks})", chunk)

    def finish(self) -> None:
        """Word counts into ``terms`` (the vocabulary that in-word matching looks through)."""
        changes = [(term, n) for term, n in self.terms.items() if n]
        self.conn.executemany("INSERT INTO terms VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET n = n + excluded.n",
                              changes)
        self.conn.execute("DELETE FROM terms WHERE n <= 0")
        self.terms.clear()


def _chunks(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


# --------------------------------------------------------------------------- refreshing


@dataclass
class _Item:
    pos: int
    line: int  # 1-based
    chunk: bytes
    digest: bytes


def _read_one(item: "Item"):
    """(record or None, flaws, where its key and themes stand; for an invalid record, the key as
    written, so that a duplicate of it is still found)."""
    from innoref import reading

    ref, flaws = reading.validate_reference(item)
    if ref is not None:
        return ref, flaws, reading.positions(item, ref)
    key = item.data.get("key") if isinstance(item.data, dict) else None
    if not isinstance(key, str):
        return None, flaws, None
    return None, flaws, {"written": key, "key": reading.locate(item, ("key",))}


class Refresher:
    """Brings the index of one library in step with its files (under the database's write lock)."""

    def __init__(self, conn: sqlite3.Connection, location: Location, progress: Progress | None = None):
        self.conn = conn
        self.location = location
        self.progress = progress

    def meta(self, name: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set_meta(self, name: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))

    # -- the entry point

    def refresh(self) -> None:
        """Make the index current; a no-op (two stats and a hash of themes.yaml) when it is."""
        lit = self.location.read_path(LITERATURE)
        themes = self.location.read_path(THEMES)
        theme_bytes = _read_bytes(themes) if themes else b""
        theme_state = f"{themes}:{hashlib.sha256(theme_bytes).hexdigest()}"
        st = self._stat(lit)
        if self._current(lit, st, theme_state):
            return
        import gc

        gc.disable()  # reading thousands of records makes no cycles; collecting would only slow it
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            st = self._stat(lit)  # again, now that no other process can be writing the index
            changed = False
            if self.meta("themes") != theme_state:
                self._load_themes(themes)
                self.set_meta("themes", theme_state)
                changed = True
            state = FileState.from_json(self.meta("literature"))
            if lit is None:
                if state is not None or changed or self.meta("problems") is None:
                    self._replace_all([])
                    self.conn.execute("DELETE FROM meta WHERE name = 'literature'")
                    changed = True
            elif state is None or not state.trusted(lit, st):
                data = _read_bytes(lit)
                sha = hashlib.sha256(data).hexdigest()
                if state is None or state.sha256 != sha or state.path != str(lit):
                    self._refresh_items(lit, data)
                    changed = True
                self.set_meta("literature", FileState(str(lit), _stat_state(st), sha, time.time()).to_json())
            if changed or self.meta("problems") is None:
                self._check_across(lit, themes)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        finally:
            gc.enable()

    def _stat(self, path: Path | None) -> os.stat_result | None:
        if path is None:
            return None
        try:
            return os.stat(path)
        except OSError as exc:
            raise InnorefError(f"{path}: cannot read: {exc.strerror}") from None

    def _current(self, lit: Path | None, st: os.stat_result | None, theme_state: str) -> bool:
        if self.meta("themes") != theme_state or self.meta("problems") is None:
            return False
        state = FileState.from_json(self.meta("literature"))
        if lit is None:
            return state is None
        return state is not None and state.trusted(lit, st)

    # -- themes

    def _load_themes(self, path: Path | None) -> None:
        from innoref import reading

        themes, problems = reading.read_themes(path) if path is not None else ([], [])
        self.conn.execute("DELETE FROM themes")
        self.conn.executemany("INSERT INTO themes VALUES (?, ?, ?)",
                              [(i, t.id, json.dumps(t.to_data(), ensure_ascii=False)) for i, t in enumerate(themes)])
        self.set_meta("theme_problems", json.dumps([p.__dict__ for p in problems]))

    # -- records

    def _replace_all(self, rows: list[tuple]) -> None:
        writer = _Writer(self.conn)
        writer.delete([r[0] for r in self.conn.execute("SELECT id FROM records")])
        self.conn.execute("DELETE FROM terms")
        writer.terms.clear()
        for row in rows:
            writer.insert(*row)
        writer.finish()

    def _refresh_items(self, path: Path, data: bytes) -> None:
        from innoref import yamlio

        body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
        split = yamlio.split_items(body)
        if split is None:
            self._refresh_whole(path, data)
            return
        self._check_utf8(path, body[:split[0][1]], 0)  # the comments before the first record
        self.set_meta("file_problems", "[]")
        items = [_Item(pos, line + 1, chunk, _digest(chunk)) for pos, (line, _, chunk) in enumerate(split)]
        known: dict[bytes, list[int]] = {}
        placed: dict[int, tuple[int, int, int]] = {}
        invalid: list[int] = []
        for rowid, digest, valid, pos, line in self.conn.execute(
                "SELECT id, digest, key IS NOT NULL, pos, line FROM records"):
            if valid:
                known.setdefault(digest, []).append(rowid)
                placed[rowid] = (pos, line)
            else:
                invalid.append(rowid)
        kept: list[tuple[int, int, int, int]] = []
        fresh: list[_Item] = []
        for item in items:
            ids = known.get(item.digest)
            if ids:
                rowid = ids.pop()
                if placed[rowid] != (item.pos, item.line):
                    kept.append((item.pos, item.line, rowid))
            else:
                fresh.append(item)
        writer = _Writer(self.conn)
        writer.delete(invalid + [rowid for ids in known.values() for rowid in ids])
        self.conn.executemany("UPDATE records SET pos = ?, line = ? WHERE id = ?", kept)
        if fresh and not self._read_fresh(path, items, fresh, writer):
            self._refresh_whole(path, data)
            return
        writer.finish()

    def _read_fresh(self, path: Path, items: list[_Item], fresh: list[_Item], writer: _Writer) -> bool:
        """Parse and validate new or changed items; False when only the whole file can be read."""
        from innoref import reading, yamlio

        tick = self.progress(len(fresh)) if self.progress and len(fresh) > 200 else (lambda n: None)
        texts: list[tuple[int, str]] | None = None  # the whole file's items as text, when a failure needs it
        for item in fresh:
            if yamlio.ODD_BREAKS[bytes].search(item.chunk):
                return False  # NEL, LS or PS: lines that libyaml counts and the split does not
            text = self._text(path, item)
            parsed = reading.read_item(text, item.line - 1)
            if parsed.flaws and parsed.node is None:  # a YAML error, or an item that leans on others
                if texts is None:
                    texts = [(i.line - 1, self._text(path, i)) for i in items]
                flaw = reading.alias_flaw(parsed.flaws[0], texts, item.pos)
                if flaw is None:
                    flaw = reading.place_failure(texts, item.pos)
                    if flaw is None:
                        return False  # the rest of the file parses: only the whole file can say
                parsed.flaws = [reading.with_key(flaw, text)]
            ref, flaws, at = _read_one(parsed)
            writer.insert(item.pos, item.line, item.digest, ref, flaws, at)
            tick(1)
        return True

    def _text(self, path: Path, item: _Item) -> str:
        from innoref import reading

        return reading.decode(item.chunk, str(path), item.line - 1)

    def _check_utf8(self, path: Path, data: bytes, first_line: int) -> None:
        from innoref import reading

        reading.decode(data, str(path), first_line)

    def _refresh_whole(self, path: Path, data: bytes) -> None:
        """A file that does not split into standalone items: parsed whole, every row anew."""
        from innoref import reading

        text = reading.decode(data, str(path))
        items, problems = reading.read_whole(text, str(path))
        rows = []
        for pos, item in enumerate(items):
            ref, flaws, at = _read_one(item)
            rows.append((pos, item.line + 1, _digest(item.text.encode("utf-8")), ref, flaws, at))
        self._replace_all(rows)
        self.set_meta("file_problems", json.dumps([p.__dict__ for p in problems]))

    # -- what only the whole library can tell

    def _check_across(self, lit: Path | None, themes: Path | None) -> None:
        """Every problem of the library, in file order: themes.yaml's, each item's own, duplicate
        keys and themes that themes.yaml does not define."""
        import difflib

        from innoref.reading import Flaw

        where = str(lit) if lit else LITERATURE
        problems: list[Problem] = [Problem(**p) for p in json.loads(self.meta("theme_problems") or "[]")]
        problems += [Problem(**p) for p in json.loads(self.meta("file_problems") or "[]")]
        for line, flaws in self.conn.execute("SELECT r.line, c.flaws FROM records r JOIN contents c ON c.id = r.id "
                                             "WHERE r.key IS NULL ORDER BY r.pos"):
            problems += [Flaw(**f).placed(where, line) for f in json.loads(flaws)]
        dup_keys = [k for (k,) in self.conn.execute(
            "SELECT written_key FROM records WHERE written_key IS NOT NULL GROUP BY written_key HAVING count(*) > 1")]
        for key in dup_keys:
            rows = self.conn.execute("SELECT r.line, c.at FROM records r JOIN contents c ON c.id = r.id "
                                     "WHERE r.written_key = ? ORDER BY r.pos", (key,)).fetchall()
            first = rows[0][0]
            for line, at in rows[1:]:
                rel, col = json.loads(at)["key"]
                problems.append(Problem(where, line + rel, col, f"duplicate key '{key}' (first used on line {first})",
                                        key=key, field="key"))
        known = sorted(i for (i,) in self.conn.execute("SELECT id FROM themes"))
        for line, data, at in self.conn.execute(
                "SELECT r.line, c.data, c.at FROM records r JOIN contents c ON c.id = r.id WHERE r.id IN "
                "(SELECT record FROM record_themes WHERE theme NOT IN (SELECT id FROM themes)) ORDER BY r.pos"):
            record = json.loads(data)
            spots = json.loads(at)["themes"]
            for i, theme in enumerate(record.get("themes", [])):
                if theme in known:
                    continue
                guess = difflib.get_close_matches(theme, known, n=1)
                hint = f" (did you mean '{guess[0]}'?)" if guess else f" (known: {', '.join(known) or 'none'})"
                rel, col = spots[i]
                problems.append(Problem(where, line + rel, col, f"theme '{theme}' is not defined in themes.yaml{hint}",
                                        key=record["key"], field=f"themes[{i}]"))
        theme_file = str(themes) if themes else THEMES
        problems.sort(key=lambda p: (p.path != theme_file, p.path, p.line, p.column))
        self.set_meta("problems", json.dumps([p.__dict__ for p in problems]))

    # -- after innoref itself appended records

    def appended(self, path: Path, before: bytes, data: bytes, records: list["Reference"], known: str | None) -> bool:
        """The index after ``records`` were appended to the file that was ``before`` and is now
        ``data``, by innoref, under the library's lock. ``known`` is the index's state of the file
        before the write (``meta('literature')``). Only the tail is looked at: the last item the
        index held (read again if its trailing lines changed) and the new ones, which are the
        validated records innoref wrote (the writer's round-trip tests hold that their text reads
        back as them), so they are not parsed again. False when that cannot be done exactly (then
        :meth:`refresh`)."""
        from innoref import reading, writer, yamlio

        count = len(records)

        sha = hashlib.sha256(data).hexdigest()
        start = _last_item(before)
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            now = self.meta("literature")
            state = FileState.from_json(now)
            if state is not None and state.sha256 == sha:
                self.conn.execute("COMMIT")  # another process has read the new file meanwhile
                return True
            row = self.conn.execute("SELECT id, pos, line, digest, key IS NOT NULL FROM records "
                                    "ORDER BY pos DESC LIMIT 1").fetchone()
            rows = _Writer(self.conn)
            if row is None and start is None and now == known:
                # The file held no record (a new library): every item of the new text is new.
                body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
                split = yamlio.split_items(body)
                if split is None or len(split) != count:
                    self.conn.execute("ROLLBACK")
                    return False
                items = [_Item(n, rel + 1, chunk, _digest(chunk)) for n, (rel, _, chunk) in enumerate(split)]
                new = items
            else:
                # The index must hold the old file, its last record the last item of the old bytes.
                fits = now == known and row is not None and row[4] and start is not None and \
                    row[3] == _digest(before[start:]) and data.startswith(before[:start])
                split = yamlio.split_items(data[start:]) if fits else None
                if split is None or len(split) != count + 1:
                    self.conn.execute("ROLLBACK")
                    return False
                rowid, pos, line = row[:3]
                items = [_Item(pos + n, line + rel, chunk, _digest(chunk)) for n, (rel, _, chunk) in enumerate(split)]
                new = items[1:]
            if new is not items and row[3] != items[0].digest:  # its blank lines at the end changed: read it again
                rows.delete([rowid])
                parsed = reading.read_item(self._text(path, items[0]), items[0].line - 1)
                if parsed.flaws:
                    self.conn.execute("ROLLBACK")
                    return False
                rows.insert(items[0].pos, items[0].line, items[0].digest, *_read_one(parsed))
            for item, ref in zip(new, records):
                text = self._text(path, item)
                rows.insert(item.pos, item.line, item.digest, ref, [], writer.written_positions(text))
            rows.finish()
            st = os.stat(path)
            self.set_meta("literature", FileState(str(path), _stat_state(st), sha, time.time()).to_json())
            self._check_across(path, self.location.read_path(THEMES))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return True


def _last_item(data: bytes) -> int | None:
    """Where the last top-level item of a file starts (a "- " at the start of a line), or None."""
    end = len(data)
    while True:
        at = data.rfind(b"\n-", 0, end)
        if at < 0:
            return 0 if data[:1] == b"-" and data[1:2] in (b" ", b"\t", b"\n", b"\r", b"") else None
        if data[at + 2:at + 3] in (b" ", b"\t", b"\n", b"\r", b""):
            return at + 1
        end = at


# --------------------------------------------------------------------------- opening


def open_index(location: Location, *, progress: Progress | None = None) -> sqlite3.Connection:
    """The current index of the library at ``location`` (refreshed as needed)."""
    conn = connect(location)
    try:
        Refresher(conn, location, progress).refresh()
    except sqlite3.DatabaseError as exc:
        conn.close()
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            raise InnorefError(f"the index of {location.folder} is busy: {exc}") from None
        raise IndexDamaged(f"the index is damaged ({exc})") from None
    return conn


def discard(location: Location) -> None:
    """Forget the library's index (it is rebuilt on the next run)."""
    _discard(database_path(location))


def problems_of(conn: sqlite3.Connection) -> list[Problem]:
    row = conn.execute("SELECT value FROM meta WHERE name = 'problems'").fetchone()
    return [Problem(**p) for p in json.loads(row[0])] if row else []


def raise_problems(conn: sqlite3.Connection) -> None:
    found = problems_of(conn)
    if found:
        raise DataError(found)
