"""The record cache: parsed and validated records kept between runs, per library file.

Why: libyaml needs about 13-21 s to parse a 50,000-record ``literature.yaml`` and
Pydantic 4 s to validate it; a person who edits one record and searches again
should wait about a second, not half a minute. The YAML files stay the only
source of truth; this cache is a copy that is checked against them on every run.

What it owns: files in ``$XDG_CACHE_HOME/innoref`` (else platformdirs' user cache
dir), named by a hash of the library file's path: a manifest ``<name>.cache``
and the shards it names, ``<name>.<shard>.shard``. It never prints, never exits,
and never uses pickle: each file is a text header line, a JSON header, then
sections of JSON or plain text, so loading it cannot run code.

What is cached, per top-level item of ``literature.yaml`` (``store.split_items``):
the SHA-256 of the item's text, and, when the item was valid, the validated record
(``Reference.to_data()``), its sort keys (``library.sort_key_for``), key, themes,
year, type, language and its lines in the search index (:mod:`innoref.search`).
Items are grouped into shards of about a thousand at content-defined places (after
an item whose digest is 0 modulo 1024), and a shard file is named by its items'
digests: after an edit, only the shard holding the edited item is written again;
the manifest lists the shards in order, with the file's SHA-256 and the summary
the cross-record checks need. Each sort order's ranks are a small side file
(``<name>.rank-year.json``), made the first time ``list`` needs them.

Rules it keeps:

* A record is served only when the SHA-256 of its item text is unchanged: every
  run hashes the whole file, and when that differs, each item; an item whose text
  changed is parsed and validated again by ``store`` (YAML 1.2, the Pydantic
  models). Items that were invalid are never reused, so their problems are
  reported on every load with their true ``file:line:column``; a changed item that
  does not parse alone makes the whole file be parsed as ``store.parse_items``
  always did, so error positions are exactly those of an uncached load.
* Cross-record checks (duplicate keys, theme links) run on every load, on the
  cached keys and theme lists; a problem is reported through ``store.load`` itself.
* The cache is rebuilt silently when missing, unreadable, truncated, from another
  cache format or from other innoref code (every file carries a fingerprint of the
  modules that produce its content), or when a section's CRC does not match.
* Writes are atomic (``store.atomic_write``: temp file, fsync, rename), so two
  processes building it at once each write whole files; shards are named by their
  content, so both write the same bytes under the same name, and the last manifest
  wins. A reader keeps its shard files open, so a later rename never mixes two
  builds; shards no manifest names are deleted after two minutes.

Measured design choice (50,000 records, this 2-core machine): rebuilding Reference
models from cached JSON costs 1.4 s (``json.loads``) + 2.7 s (``model_validate``
per record; ``TypeAdapter(list[Reference]).validate_json`` 4.8 s,
``model_construct`` 10.8 s), far over the 0.6 s target for ``search`` and
``list``. So those commands work on the cached data and build (and validate
again) only the Reference models they display: the hot path hashes the library
file in place (0.03 s), reads the small JSON columns and the index blocks a query
needs. A first design kept everything in one 100 MB file; rewriting it after a
one-record edit cost about 1 s, hence the shards. ``store.load()`` (every other
command) uses the cache too, skipping YAML parsing and re-validating the cached
data into models (about 4 s for 50,000 instead of 17 s).

API::

    cache.use_catalogue(location, work)  # work(catalogue); raises DataError like store.load
    catalogue.index            # search.Index over the cached records (lazy)
    catalogue.themes           # validated Theme models
    catalogue.order(positions, sort="year", reverse=False)  # as library.sorted_references
    catalogue.cache.raw("records")  # every cached record, one JSON line per item
    catalogue.cache.json("years")   # a column of the whole library
    raws, refs, problems = cache.load_records(path)  # for store.load
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from innoref.errors import DataError, Problem

if TYPE_CHECKING:
    from innoref.models import Reference, Theme
    from innoref.search import Index
    from innoref.store import Location, RawRecord

FORMAT = 1
MAGIC = b"innoref-cache\n"
SORT_NAMES = ("year", "author", "title", "key")
# The modules whose code decides what a cached record looks like.
_SOURCES = ("models.py", "store.py", "yamlio.py", "text.py", "library.py", "search.py", "cache.py")
# Line breaks that str.splitlines (and so store.split_items) knows besides "\n".
_ODD_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
_TOP_LINE = re.compile(r"\n[^ \t#\n]")


class CacheUnusable(Exception):
    """The cache file cannot be used (missing, corrupt, other version); rebuild it."""


# --------------------------------------------------------------------------- where


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / "innoref"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("innoref", appauthor=False))


def cache_path(library_file: Path) -> Path:
    """The cache file for one library file (by its absolute path)."""
    name = hashlib.sha256(str(Path(library_file).resolve()).encode()).hexdigest()[:24]
    return cache_dir() / f"{name}.cache"


def code_fingerprint(fmt: int, sources: tuple[str, ...], *more: str) -> str:
    """Identifies the code behind a cached file: its format, innoref's version and
    the modules (file names in this package) whose rules decide what it holds."""
    from innoref import __version__

    here = Path(__file__).resolve().parent
    parts = [str(fmt), __version__, *more]
    for name in sources:
        try:
            st = (here / name).stat()
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:-")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def fingerprint() -> str:
    """Identifies the code that produced the record cache."""
    return code_fingerprint(FORMAT, _SOURCES)


# --------------------------------------------------------------------------- splitting


def split_items(text: str) -> tuple[int, list[tuple[int, str]]] | None:
    """``store.split_items``, the same result, without a Python loop over every line.

    Files with line breaks other than ``\\n`` go to ``store.split_items`` itself.
    """
    if any(ch in text for ch in _ODD_BREAKS):
        from innoref import store

        return store.split_items(text)
    starts: list[int] = []
    candidates = [0] if text and text[0] not in " \t#\n" else []
    candidates += [m.start() + 1 for m in _TOP_LINE.finditer(text)]
    for pos in candidates:
        if text[pos] == "-" and text[pos + 1:pos + 2] in (" ", "\t", "\n", ""):
            starts.append(pos)
            continue
        end = text.find("\n", pos)
        if not starts and text[pos:end if end >= 0 else None].rstrip() == "---":
            continue
        return None
    if not starts:
        return None
    items: list[tuple[int, str]] = []
    line = last = 0
    bounds = starts + [len(text)]
    for k, pos in enumerate(starts):
        line += text.count("\n", last, pos)
        last = pos
        items.append((line, text[pos:bounds[k + 1]]))
    return items[0][0], items


_ODD_BREAK_BYTES = tuple(ch.encode("utf-8") for ch in _ODD_BREAKS)
_TOP_LINE_BYTES = re.compile(rb"\n[^ \t#\n]")


def split_item_bytes(data: bytes) -> tuple[int, list[tuple[int, bytes]]] | None:
    """:func:`split_items` on the UTF-8 bytes of a file, without decoding it.

    ``[(line, chunk.decode()) for line, chunk in items]`` equals ``split_items(text)``
    (a newline byte never occurs inside a UTF-8 character, so chunks are whole
    text). Unusual files (other line breaks, odd top-level lines) return the
    answer of ``split_items`` on the decoded text. Raises UnicodeDecodeError only
    through that fallback.
    """
    if any(ch in data for ch in _ODD_BREAK_BYTES):
        return _encoded(split_items(data.decode("utf-8")))
    starts: list[int] = []
    candidates = [0] if data and data[:1] not in (b" ", b"\t", b"#", b"\n") else []
    candidates += [m.start() + 1 for m in _TOP_LINE_BYTES.finditer(data)]
    for pos in candidates:
        if data[pos:pos + 1] == b"-" and data[pos + 1:pos + 2] in (b" ", b"\t", b"\n", b""):
            starts.append(pos)
        else:  # a header line such as "---", or not a plain list: let the text decide
            return _encoded(split_items(data.decode("utf-8")))
    if not starts:
        return None
    items: list[tuple[int, bytes]] = []
    line = last = 0
    bounds = starts + [len(data)]
    for k, pos in enumerate(starts):
        line += data.count(b"\n", last, pos)
        last = pos
        items.append((line, data[pos:bounds[k + 1]]))
    return items[0][0], items


def _encoded(split: tuple[int, list[tuple[int, str]]] | None) -> tuple[int, list[tuple[int, bytes]]] | None:
    if split is None:
        return None
    return split[0], [(line, chunk.encode("utf-8")) for line, chunk in split[1]]


def _digest(chunk: bytes) -> str:
    return hashlib.sha256(chunk).hexdigest()[:32]


# --------------------------------------------------------------------------- the file


class CacheFile:
    """One file of the cache (a shard): a header and sections, read lazily and checked by CRC."""

    def __init__(self, header: dict[str, Any], read: Callable[[int, int], bytes]):
        self.header = header
        self._read = read
        self._parsed: dict[str, Any] = {}

    @classmethod
    def open(cls, path: Path, source: Path) -> "CacheFile":
        try:
            handle = open(path, "rb")
        except OSError:
            raise CacheUnusable("missing") from None
        try:
            if handle.readline() != MAGIC:
                raise CacheUnusable("not an innoref cache")
            header = json.loads(handle.readline())
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise CacheUnusable("other format")
            if header.get("fingerprint") != fingerprint() or header.get("source") != str(source):
                raise CacheUnusable("other version or file")
            base = handle.tell()
            if os.fstat(handle.fileno()).st_size != base + header["payload"]:
                raise CacheUnusable("truncated")
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            handle.close()
            raise CacheUnusable("unreadable header") from None
        except CacheUnusable:
            handle.close()
            raise
        fd = handle.fileno()

        def read(offset: int, length: int) -> bytes:
            data = os.pread(fd, length, base + offset)
            if len(data) != length:
                raise CacheUnusable("short read")
            return data

        out = cls(header, read)
        out._handle = handle  # kept open: the file we checked, even if another process replaces it
        return out

    @property
    def count(self) -> int:
        return self.header["count"]

    def raw(self, name: str) -> bytes:
        try:
            offset, length, crc = self.header["sections"][name]
        except (KeyError, ValueError):
            raise CacheUnusable(f"no section {name}") from None
        data = self._read(offset, length)
        if zlib.crc32(data) != crc:
            raise CacheUnusable(f"section {name} is corrupt")
        return data

    def size(self, name: str) -> int:
        return self.header["sections"][name][1]

    def part(self, name: str, start: int, length: int) -> bytes:
        """Bytes of one section without reading (or checking) all of it: one record."""
        offset, total, _crc = self.header["sections"][name]
        if start < 0 or length < 0 or start + length > total:
            raise CacheUnusable("record out of range")
        return self._read(offset + start, length)

    def json(self, name: str) -> Any:
        if name not in self._parsed:
            try:
                value = json.loads(self.raw(name))
            except ValueError:
                raise CacheUnusable(f"section {name} is corrupt") from None
            if name in _ROWS and (not isinstance(value, list) or len(value) != self.count):
                raise CacheUnusable(f"section {name} has the wrong length")
            self._parsed[name] = value
        return self._parsed[name]

    def lines(self, name: str) -> list[bytes]:
        found = self.raw(name).split(b"\n")[:-1]
        if len(found) != self.count:
            raise CacheUnusable(f"section {name} has the wrong length")
        return found


def _write(path: Path | None, header: dict[str, Any], sections: dict[str, bytes]) -> CacheFile:
    """Write one cache file atomically (unless ``path`` is None) and return it, from memory."""
    from innoref.files import atomic_write

    table: dict[str, list[int]] = {}
    offset = 0
    for name, data in sections.items():
        table[name] = [offset, len(data), zlib.crc32(data)]
        offset += len(data)
    header = {**header, "sections": table, "payload": offset}
    payload = b"".join(sections.values())
    if path is not None:
        try:
            atomic_write(path, MAGIC + json.dumps(header).encode() + b"\n" + payload, make_folder=True)
        except (OSError, __import__('innoref.errors').errors.InnorefError):
            pass  # a read-only or full cache folder only costs speed
    return CacheFile(header, lambda o, n: payload[o:o + n])


def _shard_path(library_file: Path, shard: str) -> Path:
    return cache_path(library_file).with_suffix(f".{shard}.shard")


class Cache:
    """One library file's cache: a manifest (``header``) and its shards, in item order.

    Items are grouped into shards at content-defined boundaries (after an item whose
    digest is 0 modulo :data:`SHARD_SPLIT`), and a shard is named by the digests of
    its items. An edit of one record therefore changes one shard of about a thousand
    items; the other shard files are reused as they are, and only the small
    manifest is rewritten with them.
    """

    def __init__(self, header: dict[str, Any], shards: list[CacheFile]):
        from itertools import accumulate

        self.header = header
        self.shards = shards
        self.count = header["count"]
        counts = [s.count for s in shards]
        if sum(counts) != self.count:
            raise CacheUnusable("shards do not add up")
        self.starts = [0, *accumulate(counts)][:len(shards)]
        self._columns: dict[str, list[Any]] = {}

    @classmethod
    def open(cls, library_file: Path, source: Path) -> "Cache":
        try:
            raw = cache_path(library_file).read_bytes()
        except OSError:
            raise CacheUnusable("missing") from None
        if not raw.startswith(MAGIC):
            raise CacheUnusable("not an innoref cache")
        try:
            header = json.loads(raw[len(MAGIC):])
            if header.get("format") != FORMAT or header.get("fingerprint") != fingerprint() \
                    or header.get("source") != str(source):
                raise CacheUnusable("other version or file")
            shards = [CacheFile.open(_shard_path(library_file, sid), source) for sid in header["shards"]]
            return cls(header, shards)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise CacheUnusable("unreadable manifest") from None

    def column(self, name: str) -> list[Any]:
        if name not in self._columns:
            out: list[Any] = []
            for shard in self.shards:
                out.extend(shard.json(name))
            self._columns[name] = out
        return self._columns[name]

    def lines(self, name: str) -> list[bytes]:
        out: list[bytes] = []
        for shard in self.shards:
            out.extend(shard.lines(name))
        return out

    def block(self, field: str) -> bytes:
        return b"".join(shard.raw(f"block.{field}") for shard in self.shards)

    def raw(self, name: str) -> bytes:
        """A line-per-item section of the whole library ("records", "sortkeys", "block.title")."""
        return b"".join(shard.raw(name) for shard in self.shards)

    def json(self, name: str) -> list[Any]:
        """A JSON column of the whole library ("keys", "years", "themes", ...)."""
        return self.column(name)

    def record(self, i: int) -> bytes:
        from bisect import bisect_right

        if not 0 <= i < self.count:
            raise CacheUnusable("record out of range")
        k = bisect_right(self.starts, i) - 1
        shard, local = self.shards[k], i - self.starts[k]
        offsets = shard.json("offsets")
        end = offsets[local + 1] if local + 1 < len(offsets) else shard.size("records")
        return shard.part("records", offsets[local], end - 1 - offsets[local])

    def theme_members(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for shard, start in zip(self.shards, self.starts):
            for tid, local in shard.json("theme_members").items():
                out.setdefault(tid, []).extend([start + i for i in local] if start else local)
        return out


# --------------------------------------------------------------------------- building


class Build:
    """The outcome of reading the library file with the cache's help.

    (Plain classes here, not dataclasses: their generated code costs milliseconds
    at import, and ``search`` on the shipped list has 0.3 s in all.)
    """

    def __init__(self, cache: Cache, problems: list[Problem], raws: Callable[[], list["RawRecord"]],
                 fresh: dict[int, "Reference"]):
        self.cache = cache
        self.problems = problems
        self.raws = raws  # every item as store.RawRecord, made on demand
        self.fresh = fresh  # models validated in this run, by item position


# The cache's per-item data, one column (list) per section, in item order.
_ROWS = ("digests", "records", "sortkeys", "keys", "themes", "years", "types", "langs")
SHARD_SPLIT = 1024  # about this many items in a shard
SHARD_MAX = 4096


def _columns() -> tuple[str, ...]:
    from innoref.search import BLOCK_FIELDS

    return _ROWS + tuple(f"block.{f}" for f in BLOCK_FIELDS)


def _row_from_ref(ref: "Reference", digest: str | None) -> dict[str, Any]:
    """One valid item's values in every column."""
    from innoref.library import sort_key_for
    from innoref.search import index_lines

    data = ref.to_data()
    row: dict[str, Any] = {
        "digests": digest,
        "records": json.dumps(data, ensure_ascii=False).encode("utf-8"),
        "sortkeys": json.dumps([sort_key_for(name)(ref) for name in SORT_NAMES], ensure_ascii=False).encode("utf-8"),
        "keys": ref.key,
        "themes": list(ref.themes),
        "years": ref.year,
        "types": ref.type.value,
        "langs": ref.language,
    }
    for f, line in index_lines(data).items():
        row[f"block.{f}"] = line.encode("utf-8")
    return row


def _invalid_row(digest: str | None) -> dict[str, Any]:
    """An item that is not a valid record: never reused, empty in the index."""
    row: dict[str, Any] = dict.fromkeys(_columns(), b" ")
    row.update(digests=digest, records=b"null", sortkeys=b"null", keys=None, themes=[], years=None,
               types=None, langs=None)
    return row


def _dense_ranks(keys: list[Any], valid: list[int]) -> list[int | None]:
    ranks: list[int | None] = [None] * len(keys)
    order = sorted(valid, key=keys.__getitem__)
    rank, previous = -1, object()
    for i in order:
        if keys[i] != previous:
            rank += 1
            previous = keys[i]
        ranks[i] = rank
    return ranks


def _shard_rows(shard: CacheFile) -> list[dict[str, Any]]:
    """Every item of a shard as a row (to reuse some of them in a new shard)."""
    cols = {name: shard.lines(name) if name in ("records", "sortkeys") or name.startswith("block.")
            else shard.json(name) for name in _columns()}
    return [{name: cols[name][i] for name in cols} for i in range(shard.count)]


def _shard_sections(rows: list[dict[str, Any]]) -> dict[str, bytes]:
    from itertools import accumulate

    from innoref.search import theme_members

    def js(value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False).encode("utf-8")

    def lines(values: list[bytes]) -> bytes:
        return b"\n".join(values) + b"\n" if values else b""

    records = [r["records"] for r in rows]
    themes = [r["themes"] for r in rows]
    out = {
        "digests": js([r["digests"] for r in rows]),
        "records": lines(records),
        "offsets": js([0, *accumulate(len(r) + 1 for r in records)][:len(records)]),
        "sortkeys": lines([r["sortkeys"] for r in rows]),
        "keys": js([r["keys"] for r in rows]),
        "themes": js(themes),
        "theme_members": js(theme_members(themes)),
        "years": js([r["years"] for r in rows]),
        "types": js([r["types"] for r in rows]),
        "langs": js([r["langs"] for r in rows]),
    }
    for name in _columns():
        if name.startswith("block."):
            out[name] = lines([r[name] for r in rows])
    return out


def _groups(digests: list[str | None]) -> list[list[int]]:
    """Item positions cut into shards where the content says (see :class:`Cache`)."""
    groups: list[list[int]] = []
    current: list[int] = []
    for position, digest in enumerate(digests):
        current.append(position)
        if digest is None:
            boundary = len(current) >= SHARD_SPLIT
        else:
            boundary = int(digest[-6:], 16) % SHARD_SPLIT == 0 or len(current) >= SHARD_MAX
        if boundary:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def _build(path: Path, data: bytes, sha: str, old: Cache | None, force: bool = False) -> Build:
    """Parse and validate what changed since ``old``, reuse the rest, write the cache.

    ``force`` ignores shard files already on disk (after one was found corrupt).
    """
    from innoref import store, yamlio
    from innoref.models import FIELD_NAMES, Reference

    where = str(path)
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data  # as "utf-8-sig" reads it

    def whole_text() -> str:
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = body[: exc.start].count(b"\n") + 1
            raise DataError([Problem(where, line, 1, "not UTF-8 text; save the file as UTF-8")]) from None

    split = None
    try:
        # A file that splits into plain top-level items has no conflict markers
        # (they are top-level lines); store.parse_items looks for them otherwise.
        split = split_item_bytes(body)
        if split is not None:  # the lines before the first item must be UTF-8 too
            body[: len(body) - sum(len(chunk) for _, chunk in split[1])].decode("utf-8")
    except UnicodeDecodeError:
        whole_text()  # raises the problem with its line
    problems: list[Problem] = []
    rows: list[dict[str, Any] | None] = []  # None: comes with a shard that is reused whole
    raws: dict[int, RawRecord] = {}  # items parsed in this run
    fresh: dict[int, Reference] = {}
    reused: dict[int, CacheFile] = {}  # group number -> shard file on disk
    standalone = split is not None
    failed: int | None = None  # the first changed item that does not parse alone
    if split is not None:
        items = split[1]
        digests = [_digest(chunk) for _, chunk in items]
        groups = _groups(digests)
        names = [hashlib.sha256("".join(digests[p] for p in g).encode()).hexdigest()[:32] for g in groups]
        rows = [None] * len(items)
        needed: list[int] = []
        for number, (group, name) in enumerate(zip(groups, names)):
            try:
                if force:
                    raise CacheUnusable("rebuilding")
                reused[number] = CacheFile.open(_shard_path(path, name), path)
            except CacheUnusable:
                needed.extend(group)
        old_rows: dict[str, dict[str, Any]] = {}
        if needed and old is not None and not force:
            wanted = {digests[p] for p in needed}
            try:
                for shard in old.shards:
                    if wanted.intersection(shard.json("digests")):
                        for row in _shard_rows(shard):
                            if row["digests"] in wanted and row["records"] != b"null":
                                old_rows.setdefault(row["digests"], row)
            except CacheUnusable:
                old_rows = {}
        pending: list[int] = []
        for position in needed:
            row = old_rows.get(digests[position])
            if row is not None:
                rows[position] = row  # the same bytes were read, decoded and validated before
            else:
                rows[position] = _invalid_row(digests[position])
                pending.append(position)
        for position in pending:
            start, chunk = items[position]
            try:
                item = chunk.decode("utf-8")
            except UnicodeDecodeError:
                whole_text()  # raises the problem with its line
                raise
            try:
                node = yamlio.compose(item)
                if not isinstance(node, yamlio.SequenceNode) or len(node.value) != 1:
                    raise ValueError("item does not stand alone")
                raws[position] = store.RawRecord(yamlio.construct(node.value[0]), start + 1, item, start)
            except (yamlio.YAMLError, ValueError):
                standalone = False  # as store.parse_items: the whole file decides
                failed = position
                break
    if not standalone:
        # Not a plain list of items, or an item that needs the others (anchors) or
        # has a syntax error: parse the whole file exactly as an uncached load does,
        # or, for a syntax error, from the failing item on (the same error and place).
        parsed = _tail_parse(split[1], failed, where) if split is not None and failed is not None else None
        if parsed is None:
            parsed = store.parse_items(whole_text(), where)
        problems = list(parsed.problems)
        rows = [_invalid_row(None) for _ in parsed.records]
        raws = dict(enumerate(parsed.records))
        groups = _groups([None] * len(rows))
        names = [hashlib.sha256(f"{sha}:{number}".encode()).hexdigest()[:32] for number in range(len(groups))]
        reused = {}
    for position in sorted(raws):
        raw = raws[position]
        good, more = store.validate_records(where, [raw], Reference, FIELD_NAMES)
        problems += more
        if good:
            fresh[position] = good[0]
            row = rows[position]
            rows[position] = _row_from_ref(good[0], row["digests"] if row else None)
    shards: list[CacheFile] = []
    shard_names: list[str] = []
    for number, (group, name) in enumerate(zip(groups, names)):
        if number in reused:
            shards.append(reused[number])
            shard_names.append(name)
            continue
        group_rows = [rows[p] for p in group]
        dirty = any(r["records"] == b"null" for r in group_rows)
        # A shard holding an invalid item is named apart: it is never reused whole,
        # so that item is parsed (and its problem reported) on every load.
        name = name + "-invalid" if dirty else name
        header = {"format": FORMAT, "fingerprint": fingerprint(), "source": str(path), "count": len(group)}
        shards.append(_write(_shard_path(path, name), header, _shard_sections(group_rows)))
        shard_names.append(name)
    manifest = {"format": FORMAT, "fingerprint": fingerprint(), "source": str(path), "sha256": sha,
                "count": len(rows), "shards": shard_names,
                "invalid": sum(n.endswith("-invalid") for n in shard_names), "problems": len(problems)}
    cache = Cache(manifest, shards)
    keys = [k for k in cache.column("keys") if k is not None]
    manifest["duplicate_keys"] = len(set(keys)) != len(keys)
    manifest["used_themes"] = sorted({t for ids in cache.column("themes") for t in ids})
    try:
        from innoref.files import atomic_write

        atomic_write(cache_path(path), MAGIC + json.dumps(manifest).encode() + b"\n", make_folder=True)
        _collect_garbage(path, set(shard_names))
    except (OSError, __import__('innoref.errors').errors.InnorefError):
        pass

    def all_raws() -> list[RawRecord]:
        if split is None or not standalone:
            return [raws[i] for i in sorted(raws)]
        records = cache.lines("records")
        out = []
        for position, (start, chunk) in enumerate(split[1]):
            raw = raws.get(position)
            if raw is None:
                raw = store.RawRecord(json.loads(records[position]), start + 1, chunk.decode("utf-8"), start)
            out.append(raw)
        return out

    return Build(cache, problems, all_raws, fresh)


def _tail_parse(items: list[tuple[int, bytes]], failed: int, where: str) -> "store.Parsed | None":
    """The whole-file parse's answer for a file whose item ``failed`` has a syntax error.

    Every item before it stands alone (it was parsed alone, now or when cached), so
    a YAML parser reading the whole file is, at that item, where a parser reading
    from that item on starts: in the top-level list, with nothing open. The first
    error is then the same, at the same place less the lines skipped, and is found
    without parsing the 25,000 records before it. None when that does not hold:
    the rest parses (the item leaned on the one before it) or the error concerns
    an alias or anchor, which may be defined earlier; then the whole file decides.
    """
    from innoref import store, yamlio

    start = items[failed][0]
    try:
        tail = b"".join(chunk for _, chunk in items[failed:]).decode("utf-8")
    except UnicodeDecodeError:
        return None
    try:
        yamlio.compose(tail)
    except yamlio.YAMLError as exc:
        said = f"{getattr(exc, 'problem', '')} {getattr(exc, 'context', '')}".lower()
        if "alias" in said or "anchor" in said:
            return None
        return store.Parsed(problems=[store._mark_problem(where, exc, start)])
    return None


def _collect_garbage(library_file: Path, keep: set[str], grace: float = 120.0) -> None:
    """Delete shard files of this library that the manifest no longer names.

    Only files older than ``grace`` seconds: another process may be writing a
    manifest that names a shard just written.
    """
    import time

    prefix = cache_path(library_file).stem + "."
    now = time.time()
    for entry in os.scandir(cache_path(library_file).parent):
        if entry.name.startswith(prefix) and entry.name.endswith(".shard"):
            if entry.name[len(prefix):-len(".shard")] in keep:
                continue
            try:
                if now - entry.stat().st_mtime > grace:
                    os.unlink(entry.path)
            except OSError:
                pass


def _read_library(path: Path) -> bytes:
    from innoref.errors import InnorefError

    try:
        return path.read_bytes()
    except OSError as exc:
        raise InnorefError(f"{path}: cannot read: {exc.strerror}") from None


def _file_sha(path: Path) -> str:
    import mmap

    from innoref.errors import InnorefError

    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size == 0:
                return hashlib.sha256(b"").hexdigest()
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
                return hashlib.sha256(view).hexdigest()  # hashed in place, not copied
    except OSError as exc:
        raise InnorefError(f"{path}: cannot read: {exc.strerror}") from None


# The last build of each file that found problems, by path: (file SHA-256, build).
# A command that meets a problem asks store.load for the full report, which reads
# the same unchanged file again in the same process; this spares a second build.
_WITH_PROBLEMS: dict[str, tuple[str, Build]] = {}


def refresh(path: Path, force: bool = False) -> Build:
    """Bring the cache of ``path`` up to date with the file and return it."""
    if force:
        data = _read_library(path)
        return _remember(path, hashlib.sha256(data).hexdigest(), _build(path, data, hashlib.sha256(data).hexdigest(),
                                                                        None, force=True))
    sha = _file_sha(path)
    known = _WITH_PROBLEMS.get(str(path))
    if known is not None and known[0] == sha:
        return known[1]
    try:
        cache = Cache.open(path, path)
    except CacheUnusable:
        cache = None
    if cache is not None and cache.header.get("sha256") == sha and not cache.header.get("invalid") \
            and not cache.header.get("problems"):

        def raws() -> list[RawRecord]:
            from innoref import store

            text = store.read_text(path)
            split = split_items(text)
            if split is None:  # cached whole-file parse: parse again to place problems
                return store.parse_items(text, str(path)).records
            records = cache.lines("records")
            return [store.RawRecord(json.loads(records[k]), start + 1, chunk, start)
                    for k, (start, chunk) in enumerate(split[1])]

        return Build(cache, [], raws, {})
    data = _read_library(path)
    sha = hashlib.sha256(data).hexdigest()  # again: the bytes we parse are the bytes we hash
    return _remember(path, sha, _build(path, data, sha, cache))


def _remember(path: Path, sha: str, build: Build) -> Build:
    if build.problems:
        _WITH_PROBLEMS[str(path)] = (sha, build)
    else:
        _WITH_PROBLEMS.pop(str(path), None)
    return build


# --------------------------------------------------------------------------- for store.load


def load_records(path: Path) -> tuple[list["RawRecord"], list["Reference"], list[Problem]]:
    """What ``store.load`` needs from ``literature.yaml``: items, valid models, problems.

    Equal to parsing with ``store.parse_items`` and validating with
    ``store.validate_records``, but the items whose text is unchanged since the
    last run come from the cache (re-validated from their cached data).
    """
    from innoref.models import Reference

    force = False
    for attempt in (1, 2):
        build = refresh(path, force=force)
        try:
            refs = []
            for position, record in enumerate(build.cache.lines("records")):
                if position in build.fresh:
                    refs.append(build.fresh[position])
                elif record != b"null":
                    refs.append(Reference.model_validate(json.loads(record)))
            return build.raws(), refs, build.problems
        except (CacheUnusable, ValueError):
            if attempt == 2:
                raise
            force = True
    raise AssertionError("unreachable")


def _discard(path: Path) -> None:
    """Forget the cache of ``path``: its manifest, shards and side files."""
    prefix = cache_path(path).stem + "."
    try:
        for entry in os.scandir(cache_path(path).parent):
            if entry.name.startswith(prefix) or entry.name == cache_path(path).name:
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass
    except OSError:
        pass


# --------------------------------------------------------------------------- for list and search


class CachedSource:
    """A search.IndexSource over the cache."""

    def __init__(self, cache: Cache, fresh: dict[int, "Reference"]):
        self.cache = cache
        self.fresh = fresh
        self.count = cache.count

    def block(self, field: str) -> bytes:
        return self.cache.block(field)  # each shard's part checked by its CRC

    def years(self) -> list[int | None]:
        return self.cache.column("years")

    def types(self) -> list[str]:
        return self.cache.column("types")

    def langs(self) -> list[str | None]:
        return self.cache.column("langs")

    def theme_members(self) -> dict[str, list[int]]:
        return self.cache.theme_members()

    def reference(self, i: int) -> "Reference":
        if i in self.fresh:
            return self.fresh[i]
        from innoref.models import Reference

        try:
            data = json.loads(self.cache.record(i))
        except ValueError:
            raise CacheUnusable("record is corrupt") from None
        # Validated again, from data that was valid when its text was last read.
        return Reference.model_validate(data)


class Catalogue:
    """The library as ``list`` and ``search`` see it: a search index over the cache."""

    def __init__(self, location: "Location", themes: list["Theme"], index: "Index", cache: Cache | None,
                 literature_path: Path | None):
        self.location = location
        self.themes = themes
        self.index = index
        self.cache = cache
        self.literature_path = literature_path

    @property
    def count(self) -> int:
        return self.index.count

    def _ranks(self, sort: str) -> list[int | None]:
        """Each record's place in the order ``sort``, kept in a small file of its own.

        Computed from the cached sort keys the first time a build is listed in that
        order (so an edit does not pay for four sorts it may not need), then reused
        while the library file and the code are unchanged.
        """
        assert self.cache is not None and self.literature_path is not None
        header = self.cache.header
        target = cache_path(self.literature_path).with_suffix(f".rank-{sort}.json")
        try:
            saved = json.loads(target.read_bytes())
            if (saved["sha256"], saved["fingerprint"]) == (header["sha256"], header["fingerprint"]) \
                    and len(saved["ranks"]) == self.count:
                return saved["ranks"]
        except (OSError, ValueError, KeyError, TypeError):
            pass
        lines = self.cache.lines("sortkeys")
        try:
            keys = json.loads(b"[" + b",".join(lines) + b"]")
        except ValueError:
            raise CacheUnusable("sort keys are corrupt") from None
        n = SORT_NAMES.index(sort)
        valid = [i for i, k in enumerate(keys) if k is not None]
        ranks = _dense_ranks([k[n] if k is not None else None for k in keys], valid)
        record = {"sha256": header["sha256"], "fingerprint": header["fingerprint"], "ranks": ranks}
        try:
            from innoref.files import atomic_write

            atomic_write(target, json.dumps(record), make_folder=True)
        except (OSError, __import__('innoref.errors').errors.InnorefError):
            pass
        return ranks

    def order(self, positions: Any, sort: str = "year", reverse: bool = False) -> list[int]:
        """Positions sorted as ``library.sorted_references`` sorts their records."""
        if sort not in SORT_NAMES:
            from innoref.library import sort_key_for

            sort_key_for(sort)  # raises the usage error naming the choices
        if self.cache is None:
            return sorted(positions)
        ranks = self._ranks(sort)
        if reverse:  # sorted(..., reverse=True) keeps equal records in file order
            return sorted(positions, key=lambda i: (-ranks[i], i))
        return sorted(positions, key=lambda i: (ranks[i], i))


def use_catalogue(location: "Location", work: Callable[[Catalogue], Any]) -> Any:
    """Run ``work(catalogue)`` on the library at ``location`` and return its result.

    Raises DataError like ``store.load``. A cache found corrupt while ``work`` reads
    it is discarded and ``work`` runs once more on a rebuilt one, so the caller
    never sees it; ``work`` should only compute (print after it returns).
    """
    for attempt in (1, 2):
        try:
            return work(_open_catalogue(location, force=attempt == 2))
        except CacheUnusable:
            lit = location.read_path("literature.yaml")
            if attempt == 2 or lit is None:
                raise
            _discard(lit)
    raise AssertionError("unreachable")


def _themes(path: Path) -> list["Theme"] | None:
    """The themes in ``path``, validated; None when the file has any problem.

    The themes' data is cached beside the records (keyed by the file's SHA-256),
    which spares the YAML parser on the common path; it is validated again.
    """
    from innoref import store
    from innoref.models import Theme

    data = _read_library(path)
    sha = hashlib.sha256(data).hexdigest()
    target = cache_path(path).with_suffix(".themes.json")
    try:
        cached = json.loads(target.read_bytes())
        if cached["format"] == FORMAT and cached["fingerprint"] == fingerprint() and cached["sha256"] == sha:
            return [Theme.model_validate(t) for t in cached["themes"]]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    parsed = store.parse_items(store.read_text(path), str(path))
    themes, more = store.validate_records(str(path), parsed.records, Theme, tuple(Theme.model_fields))
    if parsed.problems or more or len({t.id for t in themes}) != len(themes):
        return None
    record = {"format": FORMAT, "fingerprint": fingerprint(), "sha256": sha,
              "themes": [t.model_dump(exclude_none=True) for t in themes]}
    try:
        __import__("innoref.files").files.atomic_write(target, json.dumps(record, ensure_ascii=False), make_folder=True)
    except (OSError, __import__('innoref.errors').errors.InnorefError):
        pass
    return themes


def _open_catalogue(location: "Location", force: bool = False) -> Catalogue:
    from innoref import store
    from innoref.models import Theme
    from innoref.search import Index, MemorySource

    def fail() -> None:
        store.load(location, strict=True)  # raises DataError with every problem, in place
        raise AssertionError("store.load found no problem where the cache did")

    themes: list[Theme] = []
    theme_path = location.read_path(store.THEMES)
    if theme_path is not None:
        themes = _themes(theme_path)
        if themes is None:
            fail()
    lit_path = location.read_path(store.LITERATURE)
    if lit_path is None:
        empty = Index(MemorySource([]), themes)
        return Catalogue(location, themes, empty, None, None)
    build = refresh(lit_path, force=force)
    if build.problems:
        fail()
    # The cross-record checks, on every load: the key and theme summary was taken
    # over all records of exactly this file (by hash), cached or read anew.
    header = build.cache.header
    if header["duplicate_keys"] or not set(header["used_themes"]) <= {t.id for t in themes}:
        fail()
    index = Index(CachedSource(build.cache, build.fresh), themes)
    return Catalogue(location, themes, index, build.cache, lit_path)
