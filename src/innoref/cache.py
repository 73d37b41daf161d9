"""The record cache: parsed and validated records kept between runs, per library file.

Why: libyaml needs about 13-21 s to parse a 50,000-record ``literature.yaml`` and
Pydantic 4 s to validate it; a person who edits one record and searches again
should wait about a second, not half a minute. The YAML files stay the only
source of truth; this cache is a copy that is checked against them on every run.

What it owns: one file per library file, in ``$XDG_CACHE_HOME/innoref`` (else
platformdirs' user cache dir), named by a hash of the library file's path. It
never prints, never exits, and never uses pickle: the file is a text header line,
a JSON header, then sections of JSON or plain text, so loading it cannot run code.

What is cached, per top-level item of ``literature.yaml`` (``store.split_items``):
the SHA-256 of the item's text, and, when the item was valid, the validated record
(``Reference.to_data()``), its sort keys (``library.sort_key_for``) and its lines in
the search index (:mod:`innoref.search`). Whole-library sections hold the keys,
years, types, languages and themes; each sort order's ranks are a small side file
(``<name>.rank-year.json``), made the first time ``list`` needs them.

Rules it keeps:

* A record is served only when the SHA-256 of its item text is unchanged; an item
  whose text changed, or any item of a file whose hash differs, is parsed and
  validated again by ``store`` (YAML 1.2, the Pydantic models). Items that were
  invalid are never cached, so their problems are reported on every load with
  their true ``file:line:column``; a changed item that does not parse alone makes
  the whole file be parsed as ``store.parse_items`` always did, so error positions
  are exactly those of an uncached load.
* Cross-record checks (duplicate keys, theme links) run on every load, on the
  cached keys and theme lists; a problem is reported through ``store.load`` itself.
* The cache is rebuilt silently when missing, unreadable, truncated, from another
  cache format or from other innoref code (the header carries a fingerprint of the
  modules that produce its content), or when a section's CRC does not match.
* Writes are atomic (``store.atomic_write``: temp file, fsync, rename), so two
  processes building it at once each write a whole file and the last one wins;
  a reader keeps its open file, so it never sees half of one and half of another.

Measured design choice (50,000 records, this 2-core machine): rebuilding Reference
models from cached JSON costs 1.4 s (``json.loads``) + 2.7 s (``model_validate``
per record; ``TypeAdapter(list[Reference]).validate_json`` 4.8 s,
``model_construct`` 10.8 s), far over the 0.6 s target for ``search`` and
``list``. So those commands work on the cached data and build (and validate
again) only the Reference models they display: the hot path reads the library
file once to hash it (0.05 s), the small JSON sections, and the index blocks a
query needs. ``store.load()`` (every other command) uses the cache too, skipping
YAML parsing and re-validating the cached data into models.

API::

    cache.use_catalogue(location, work)  # work(catalogue); raises DataError like store.load
    catalogue.index            # search.Index over the cached records (lazy)
    catalogue.themes           # validated Theme models
    catalogue.order(positions, sort="year", reverse=False)  # as library.sorted_references
    raws, refs, problems = cache.load_records(path)  # for store.load
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zlib
from dataclasses import dataclass, field
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
_ODD_BREAKS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
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


def fingerprint() -> str:
    """Identifies the code that produced a cache: format, version, and our modules' files."""
    from innoref import __version__

    here = Path(__file__).resolve().parent
    parts = [str(FORMAT), __version__]
    for name in _SOURCES:
        try:
            st = (here / name).stat()
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:-")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


# --------------------------------------------------------------------------- splitting


def split_items(text: str) -> tuple[int, list[tuple[int, str]]] | None:
    """``store.split_items``, the same result, without a Python loop over every line.

    Files with line breaks other than ``\\n`` go to ``store.split_items`` itself.
    """
    if _ODD_BREAKS.search(text):
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


def _digest(chunk: str) -> str:
    return hashlib.sha256(chunk.encode("utf-8")).hexdigest()[:32]


# --------------------------------------------------------------------------- the file


class CacheFile:
    """Sections of one cache file, read lazily and checked by CRC."""

    def __init__(self, header: dict[str, Any], read: Callable[[int, int], bytes]):
        self.header = header
        self._read = read
        self._parsed: dict[str, Any] = {}

    @classmethod
    def open(cls, path: Path, source: Path, expect_sha: str | None = None) -> "CacheFile":
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
            if expect_sha is not None and header.get("sha256") != expect_sha:
                raise CacheUnusable("library changed")
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

    def text(self, name: str) -> str:
        try:
            return self.raw(name).decode("utf-8")
        except UnicodeDecodeError:
            raise CacheUnusable(f"section {name} is corrupt") from None

    def json(self, name: str) -> Any:
        if name not in self._parsed:
            try:
                self._parsed[name] = json.loads(self.raw(name))
            except ValueError:
                raise CacheUnusable(f"section {name} is corrupt") from None
        return self._parsed[name]


def _write(path: Path, header: dict[str, Any], sections: dict[str, bytes]) -> CacheFile:
    """Write the cache atomically and return it, served from memory."""
    from innoref.store import atomic_write

    table: dict[str, list[int]] = {}
    offset = 0
    for name, data in sections.items():
        table[name] = [offset, len(data), zlib.crc32(data)]
        offset += len(data)
    header = {**header, "sections": table, "payload": offset}
    payload = b"".join(sections.values())
    try:
        atomic_write(path, MAGIC + json.dumps(header).encode() + b"\n" + payload)
    except OSError:
        pass  # a read-only or full cache folder only costs speed
    return CacheFile(header, lambda o, n: payload[o:o + n])


# --------------------------------------------------------------------------- building


@dataclass
class _Entry:
    """One item of the library file as the cache sees it."""

    digest: str | None  # None: not reusable by its text alone (whole-file parse)
    record: bytes | None  # JSON of to_data(); None when the item is invalid
    sortkey: bytes | None  # JSON of the sort keys
    lines: dict[str, bytes] | None  # index lines by block field, UTF-8
    key: str | None = None
    themes: list[str] = field(default_factory=list)
    year: int | None = None
    type: str | None = None
    lang: str | None = None


@dataclass
class Build:
    """The outcome of reading the library file with the cache's help."""

    cache: CacheFile
    problems: list[Problem]
    raws: Callable[[], list["RawRecord"]]  # every item as store.RawRecord, made on demand
    fresh: dict[int, "Reference"]  # models validated in this run, by item position


def _entry_from_ref(ref: "Reference", digest: str | None) -> _Entry:
    from innoref.library import sort_key_for
    from innoref.search import index_lines

    data = ref.to_data()
    return _Entry(
        digest=digest,
        record=json.dumps(data, ensure_ascii=False).encode("utf-8"),
        sortkey=json.dumps([sort_key_for(name)(ref) for name in SORT_NAMES], ensure_ascii=False).encode("utf-8"),
        lines={f: line.encode("utf-8") for f, line in index_lines(data).items()},
        key=ref.key,
        themes=list(ref.themes),
        year=ref.year,
        type=ref.type.value,
        lang=ref.language,
    )


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


def _summary(entries: list[_Entry]) -> dict[str, Any]:
    """Facts for the cross-record checks, over every record of the file."""
    keys = [e.key for e in entries if e.key is not None]
    return {"duplicate_keys": len(set(keys)) != len(keys),
            "used_themes": sorted({t for e in entries for t in e.themes})}


def _sections(entries: list[_Entry]) -> dict[str, bytes]:
    from innoref.search import BLOCK_FIELDS, theme_members

    def js(value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False).encode("utf-8")

    records = [e.record or b"null" for e in entries]
    offsets, at = [], 0
    for rec in records:
        offsets.append(at)
        at += len(rec) + 1
    sortkeys = [e.sortkey or b"null" for e in entries]
    out = {
        "digests": js([e.digest for e in entries]),
        "records": b"".join(r + b"\n" for r in records),
        "offsets": js(offsets),
        "sortkeys": b"".join(k + b"\n" for k in sortkeys),
        "keys": js([e.key for e in entries]),
        "themes": js([e.themes for e in entries]),
        "theme_members": js(theme_members(e.themes for e in entries)),
        "years": js([e.year for e in entries]),
        "types": js([e.type for e in entries]),
        "langs": js([e.lang for e in entries]),
    }
    empty = {f: b" " for f in BLOCK_FIELDS}
    for f in BLOCK_FIELDS:
        out[f"block.{f}"] = b"".join((e.lines or empty)[f] + b"\n" for e in entries)
    return out


def _old_entries(old: CacheFile) -> dict[str, _Entry]:
    """The valid, reusable entries of an earlier cache, by item digest."""
    from innoref.search import BLOCK_FIELDS

    digests = old.json("digests")
    records = old.raw("records").split(b"\n")
    sortkeys = old.raw("sortkeys").split(b"\n")
    keys, themes, years = old.json("keys"), old.json("themes"), old.json("years")
    types, langs = old.json("types"), old.json("langs")
    blocks = {f: old.raw(f"block.{f}").split(b"\n") for f in BLOCK_FIELDS}
    if not (len(digests) == len(keys) == len(records) - 1 == len(sortkeys) - 1):
        raise CacheUnusable("sections disagree")
    out: dict[str, _Entry] = {}
    for i, digest in enumerate(digests):
        if digest is None or records[i] == b"null" or digest in out:
            continue
        out[digest] = _Entry(digest, records[i], sortkeys[i], {f: blocks[f][i] for f in BLOCK_FIELDS},
                             keys[i], themes[i], years[i], types[i], langs[i])
    return out


def _build(path: Path, data: bytes, sha: str, old: CacheFile | None) -> Build:
    """Parse and validate what changed since ``old``, reuse the rest, write the cache."""
    from innoref import store, yamlio
    from innoref.models import FIELD_NAMES, Reference

    where = str(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError([Problem(where, line, 1, "not UTF-8 text; save the file as UTF-8")]) from None
    reuse: dict[str, _Entry] = {}
    if old is not None:
        try:
            reuse = _old_entries(old)
        except CacheUnusable:
            reuse = {}
    problems = store.conflict_problems(text, where)
    split = None if problems else split_items(text)
    entries: list[_Entry] = []
    raws: dict[int, RawRecord] = {}  # items parsed in this run
    fresh: dict[int, Reference] = {}
    standalone = split is not None
    if split is not None:
        pending: list[tuple[int, int, str, str]] = []
        for position, (start, chunk) in enumerate(split[1]):
            digest = _digest(chunk)
            hit = reuse.get(digest)
            if hit is not None:
                entries.append(hit)
                continue
            entries.append(_Entry(digest, None, None, None))
            pending.append((position, start, chunk, digest))
        for position, start, chunk, digest in pending:
            try:
                node = yamlio.compose(chunk)
                if not isinstance(node, yamlio.SequenceNode) or len(node.value) != 1:
                    raise ValueError("item does not stand alone")
                raws[position] = store.RawRecord(yamlio.construct(node.value[0]), start + 1, chunk, start)
            except (yamlio.YAMLError, ValueError):
                standalone = False  # as store.parse_items: the whole file decides
                break
    if not standalone:
        # Not a plain list of items, or an item that needs the others (anchors) or
        # has a syntax error: parse the whole file exactly as an uncached load does.
        parsed = store.parse_items(text, where) if not problems else store.Parsed(problems=problems)
        problems = list(parsed.problems)
        entries = [_Entry(None, None, None, None) for _ in parsed.records]
        raws = dict(enumerate(parsed.records))
    for position in sorted(raws):
        raw = raws[position]
        good, more = store.validate_records(where, [raw], Reference, FIELD_NAMES)
        problems += more
        if good:
            fresh[position] = good[0]
            entries[position] = _entry_from_ref(good[0], entries[position].digest)
    header = {"format": FORMAT, "fingerprint": fingerprint(), "source": str(path), "sha256": sha,
              "count": len(entries), "invalid": sum(e.record is None for e in entries),
              "problems": len(problems), **_summary(entries)}
    cache = _write(cache_path(path), header, _sections(entries))

    def all_raws() -> list[RawRecord]:
        if split is None or not standalone:
            return [raws[i] for i in sorted(raws)]
        out = []
        for position, (start, chunk) in enumerate(split[1]):
            raw = raws.get(position)
            if raw is None:
                record = json.loads(entries[position].record)
                raw = store.RawRecord(record, start + 1, chunk, start)
            out.append(raw)
        return out

    return Build(cache, problems, all_raws, fresh)


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


def refresh(path: Path) -> Build:
    """Bring the cache of ``path`` up to date with the file and return it."""
    sha = _file_sha(path)
    target = cache_path(path)
    try:
        cache = CacheFile.open(target, path)
    except CacheUnusable:
        data = _read_library(path)
        return _build(path, data, hashlib.sha256(data).hexdigest(), None)
    if cache.header.get("sha256") == sha and not cache.header.get("invalid") and not cache.header.get("problems"):

        def raws() -> list[RawRecord]:
            from innoref import store

            text = store.read_text(path)
            split = split_items(text)
            if split is None:  # cached whole-file parse: parse again to place problems
                return store.parse_items(text, str(path)).records
            records = cache.raw("records").split(b"\n")
            return [store.RawRecord(json.loads(records[k]), start + 1, chunk, start)
                    for k, (start, chunk) in enumerate(split[1])]

        return Build(cache, [], raws, {})
    data = _read_library(path)
    sha = hashlib.sha256(data).hexdigest()  # again: the bytes we parse are the bytes we hash
    return _build(path, data, sha, cache)


# --------------------------------------------------------------------------- for store.load


def load_records(path: Path) -> tuple[list["RawRecord"], list["Reference"], list[Problem]]:
    """What ``store.load`` needs from ``literature.yaml``: items, valid models, problems.

    Equal to parsing with ``store.parse_items`` and validating with
    ``store.validate_records``, but the items whose text is unchanged since the
    last run come from the cache (re-validated from their cached data).
    """
    from innoref.models import Reference

    for attempt in (1, 2):
        build = refresh(path)
        try:
            records = build.cache.raw("records").split(b"\n")
            refs = []
            for position, record in enumerate(records[:-1]):
                if position in build.fresh:
                    refs.append(build.fresh[position])
                elif record != b"null":
                    refs.append(Reference.model_validate(json.loads(record)))
            return build.raws(), refs, build.problems
        except (CacheUnusable, ValueError):
            if attempt == 2:
                raise
            _discard(path)
    raise AssertionError("unreachable")


def _discard(path: Path) -> None:
    try:
        os.unlink(cache_path(path))
    except OSError:
        pass


# --------------------------------------------------------------------------- for list and search


class CachedSource:
    """A search.IndexSource over a cache file."""

    def __init__(self, cache: CacheFile, fresh: dict[int, "Reference"]):
        self.cache = cache
        self.fresh = fresh
        self.count = cache.header["count"]

    def block(self, field: str) -> bytes:
        return self.cache.raw(f"block.{field}")  # checked by its CRC

    def years(self) -> list[int | None]:
        return self.cache.json("years")

    def types(self) -> list[str]:
        return self.cache.json("types")

    def langs(self) -> list[str | None]:
        return self.cache.json("langs")

    def theme_members(self) -> dict[str, list[int]]:
        return self.cache.json("theme_members")

    def reference(self, i: int) -> "Reference":
        if i in self.fresh:
            return self.fresh[i]
        from innoref.models import Reference

        offsets = self.cache.json("offsets")
        if not 0 <= i < len(offsets):
            raise CacheUnusable("record out of range")
        end = offsets[i + 1] if i + 1 < len(offsets) else self.cache.size("records")
        line = self.cache.part("records", offsets[i], end - 1 - offsets[i])
        try:
            data = json.loads(line)
        except ValueError:
            raise CacheUnusable("record is corrupt") from None
        # Validated again, from data that was valid when its text was last read.
        return Reference.model_validate(data)


@dataclass
class Catalogue:
    """The library as ``list`` and ``search`` see it: a search index over the cache."""

    location: "Location"
    themes: list["Theme"]
    index: "Index"
    cache: CacheFile
    literature_path: Path | None

    @property
    def count(self) -> int:
        return self.index.count

    def _ranks(self, sort: str) -> list[int | None]:
        """Each record's place in the order ``sort``, kept in a small file of its own.

        Computed from the cached sort keys the first time a build is listed in that
        order (so an edit does not pay for four sorts it may not need), then reused
        while the library file and the code are unchanged.
        """
        header = self.cache.header
        target = cache_path(self.literature_path).with_suffix(f".rank-{sort}.json")
        try:
            saved = json.loads(target.read_bytes())
            if (saved["sha256"], saved["fingerprint"]) == (header["sha256"], header["fingerprint"]) \
                    and len(saved["ranks"]) == self.count:
                return saved["ranks"]
        except (OSError, ValueError, KeyError, TypeError):
            pass
        lines = self.cache.raw("sortkeys").split(b"\n")[:-1]
        try:
            keys = json.loads(b"[" + b",".join(lines) + b"]")
        except ValueError:
            raise CacheUnusable("sort keys are corrupt") from None
        n = SORT_NAMES.index(sort)
        valid = [i for i, k in enumerate(keys) if k is not None]
        ranks = _dense_ranks([k[n] if k is not None else None for k in keys], valid)
        record = {"sha256": header["sha256"], "fingerprint": header["fingerprint"], "ranks": ranks}
        try:
            from innoref.store import atomic_write

            atomic_write(target, json.dumps(record))
        except OSError:
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
            return work(_open_catalogue(location))
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
        store.atomic_write(target, json.dumps(record, ensure_ascii=False))
    except OSError:
        pass
    return themes


def _open_catalogue(location: "Location") -> Catalogue:
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
        return Catalogue(location, themes, empty, None, None)  # type: ignore[arg-type]
    build = refresh(lit_path)
    if build.problems:
        fail()
    # The cross-record checks, on every load: the key and theme summary was taken
    # over all records of exactly this file (by hash), cached or read anew.
    header = build.cache.header
    if header["duplicate_keys"] or not set(header["used_themes"]) <= {t.id for t in themes}:
        fail()
    index = Index(CachedSource(build.cache, build.fresh), themes)
    return Catalogue(location, themes, index, build.cache, lit_path)
