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
from dataclasses import dataclass
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
class Build:
    """The outcome of reading the library file with the cache's help."""

    cache: CacheFile
    problems: list[Problem]
    raws: Callable[[], list["RawRecord"]]  # every item as store.RawRecord, made on demand
    fresh: dict[int, "Reference"]  # models validated in this run, by item position


# The cache's per-item data, one column (list) per section, in item order.
_ROWS = ("digests", "records", "sortkeys", "keys", "themes", "years", "types", "langs")


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


def _old_columns(old: CacheFile) -> dict[str, list[Any]]:
    """Every column of an earlier cache, checked to have one value per item."""
    count = old.header["count"]
    cols: dict[str, list[Any]] = {}
    for name in _columns():
        if name in ("records", "sortkeys") or name.startswith("block."):
            cols[name] = old.raw(name).split(b"\n")[:-1]
        else:
            cols[name] = old.json(name)
        if not isinstance(cols[name], list) or len(cols[name]) != count:
            raise CacheUnusable("sections disagree")
    return cols


def _assemble(sources: list[Any], old: dict[str, list[Any]] | None) -> dict[str, list[Any]]:
    """Columns for the new file: runs of reused items are copied as list slices.

    ``sources[i]`` is the old position of item ``i`` (reused) or its new row.
    One edit in 50,000 records makes three runs, not 50,000 Python steps per column.
    """
    names = _columns()
    out: dict[str, list[Any]] = {name: [] for name in names}
    i, n = 0, len(sources)
    while i < n:
        src = sources[i]
        if isinstance(src, int):
            j = i + 1
            while j < n and isinstance(sources[j], int) and sources[j] == sources[j - 1] + 1:
                j += 1
            assert old is not None
            for name in names:
                out[name].extend(old[name][src:src + (j - i)])
            i = j
        else:
            for name in names:
                out[name].append(src[name])
            i += 1
    return out


def _sections(cols: dict[str, list[Any]]) -> dict[str, bytes]:
    from itertools import accumulate

    from innoref.search import theme_members

    def js(value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False).encode("utf-8")

    def lines(values: list[bytes]) -> bytes:
        return b"\n".join(values) + b"\n" if values else b""

    records = cols["records"]
    offsets = [0, *accumulate(len(r) + 1 for r in records)][:len(records)]
    out = {
        "digests": js(cols["digests"]),
        "records": lines(records),
        "offsets": js(offsets),
        "sortkeys": lines(cols["sortkeys"]),
        "keys": js(cols["keys"]),
        "themes": js(cols["themes"]),
        "theme_members": js(theme_members(cols["themes"])),
        "years": js(cols["years"]),
        "types": js(cols["types"]),
        "langs": js(cols["langs"]),
    }
    for name in _columns():
        if name.startswith("block."):
            out[name] = lines(cols[name])
    return out


def _summary(cols: dict[str, list[Any]]) -> dict[str, Any]:
    """Facts for the cross-record checks, over every record of the file."""
    keys = [k for k in cols["keys"] if k is not None]
    return {"duplicate_keys": len(set(keys)) != len(keys),
            "used_themes": sorted({t for ids in cols["themes"] for t in ids})}


_MARKERS = ("<<<<<<<", "=======", ">>>>>>>", "|||||||")


def _conflicts(text: str, where: str) -> list[Problem]:
    from innoref import store

    # store.conflict_problems scans line by line; most files hold no marker at all.
    if not any(marker in text for marker in _MARKERS):
        return []
    return store.conflict_problems(text, where)


def _build(path: Path, data: bytes, sha: str, old: CacheFile | None) -> Build:
    """Parse and validate what changed since ``old``, reuse the rest, write the cache."""
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

    old_cols: dict[str, list[Any]] | None = None
    reuse: dict[str, int] = {}
    if old is not None:
        try:
            old_cols = _old_columns(old)
            records = old_cols["records"]
            for i, digest in enumerate(old_cols["digests"]):
                if digest is not None and records[i] != b"null":
                    reuse.setdefault(digest, i)
        except CacheUnusable:
            old_cols, reuse = None, {}
    problems: list[Problem] = []
    if any(marker.encode() in body for marker in _MARKERS):
        problems = _conflicts(whole_text(), where)
    split = None
    if not problems:
        try:
            split = split_item_bytes(body)
            if split is not None:  # the lines before the first item must be UTF-8 too
                body[: len(body) - sum(len(chunk) for _, chunk in split[1])].decode("utf-8")
        except UnicodeDecodeError:
            whole_text()  # raises the problem with its line
    sources: list[Any] = []  # per item: old position, or its new row
    raws: dict[int, RawRecord] = {}  # items parsed in this run
    fresh: dict[int, Reference] = {}
    standalone = split is not None
    if split is not None:
        pending: list[tuple[int, int, bytes, str]] = []
        for position, (start, chunk) in enumerate(split[1]):
            digest = _digest(chunk)
            hit = reuse.get(digest)
            if hit is not None:
                sources.append(hit)  # the same bytes were read, decoded and validated before
                continue
            sources.append(_invalid_row(digest))
            pending.append((position, start, chunk, digest))
        for position, start, chunk, digest in pending:
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
                break
    if not standalone:
        # Not a plain list of items, or an item that needs the others (anchors) or
        # has a syntax error: parse the whole file exactly as an uncached load does.
        parsed = store.parse_items(whole_text(), where) if not problems else store.Parsed(problems=problems)
        problems = list(parsed.problems)
        sources = [_invalid_row(None) for _ in parsed.records]
        raws = dict(enumerate(parsed.records))
    for position in sorted(raws):
        raw = raws[position]
        good, more = store.validate_records(where, [raw], Reference, FIELD_NAMES)
        problems += more
        if good:
            fresh[position] = good[0]
            sources[position] = _row_from_ref(good[0], sources[position]["digests"])
    cols = _assemble(sources, old_cols)
    header = {"format": FORMAT, "fingerprint": fingerprint(), "source": str(path), "sha256": sha,
              "count": len(sources), "invalid": sum(r == b"null" for r in cols["records"]),
              "problems": len(problems), **_summary(cols)}
    cache = _write(cache_path(path), header, _sections(cols))

    def all_raws() -> list[RawRecord]:
        if split is None or not standalone:
            return [raws[i] for i in sorted(raws)]
        out = []
        for position, (start, chunk) in enumerate(split[1]):
            raw = raws.get(position)
            if raw is None:
                raw = store.RawRecord(json.loads(cols["records"][position]), start + 1, chunk.decode("utf-8"), start)
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
