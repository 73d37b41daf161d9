"""The stats columns of a library (:class:`innoref.stats.Columns`), kept next to the record cache.

Why: ``innoref stats`` on 50,000 records should answer within a second, and
reading the records back from the record cache (:mod:`innoref.cache`) costs more
than that (the JSON of every record, abstracts included). The counts need only a
few facts per record, so those are kept in a small file of their own beside the
record cache: ``<record cache>.stats``, a header line and one JSON document.

Rules it keeps:

* It is a copy, never a source: it is used only when its header names the same
  library file content (the record cache's SHA-256 of ``literature.yaml``) and
  the same code (the record cache's fingerprint and this package's ``stats.py``);
  otherwise the columns are computed again from the record cache's records and
  the file is rewritten. Positions are those of the record cache's index, so the
  positions a query selects there are the records counted here.
* A file that is missing, unreadable or inconsistent only costs time: the
  columns are computed again. Writes are atomic (``store.atomic_write``); a
  read-only cache folder is not an error.

Never prints, never exits.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from innoref.stats import Columns, columns

if TYPE_CHECKING:
    from innoref.cache import Catalogue

MAGIC = b"innoref-stats\n"
FORMAT = 1


def stats_path(literature: Path) -> Path:
    from innoref.cache import cache_path

    path = cache_path(literature)
    return path.with_name(path.name + ".stats")


def fingerprint() -> str:
    from innoref.cache import code_fingerprint, fingerprint as cache_fingerprint

    return code_fingerprint(FORMAT, ("stats.py", "stats_cache.py"), cache_fingerprint())


def catalogue_columns(catalogue: "Catalogue") -> Columns:
    """The stats columns of the records in ``catalogue``, from the stats file when it is current."""
    if catalogue.cache is None or catalogue.literature_path is None:
        return Columns()
    header = {"format": FORMAT, "fingerprint": fingerprint(), "sha256": catalogue.cache.header.get("sha256"),
              "count": catalogue.count}
    path = stats_path(catalogue.literature_path)
    found = _read(path, header)
    if found is not None:
        return found
    cols = _compute(catalogue)
    _write(path, header, cols)
    return cols


def _compute(catalogue: "Catalogue") -> Columns:
    """Columns from the record cache's records (their ``to_data()`` JSON, one per line)."""
    from innoref.cache import CacheUnusable

    lines = catalogue.cache.raw("records").split(b"\n")[:-1]
    if len(lines) != catalogue.count:
        raise CacheUnusable("records and index disagree")
    try:
        records = [json.loads(line) for line in lines]
    except ValueError:
        raise CacheUnusable("record is corrupt") from None
    if any(r is None for r in records):
        raise CacheUnusable("an invalid record in a library that loaded")
    return columns(records)


def _read(path: Path, expected: dict[str, Any]) -> Columns | None:
    try:
        with open(path, "rb") as handle:
            if handle.readline() != MAGIC or json.loads(handle.readline()) != expected:
                return None
            body = json.loads(handle.read())
        cols = Columns(
            keys=body["keys"], types=body["types"], years=body["years"], langs=body["langs"],
            themes=body["themes"], publishers=body["publishers"], flags=body["flags"],
            lacking={int(i): tuple(fields) for i, fields in body["lacking"].items()},
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    count = expected["count"]
    lengths = {len(c) for c in (cols.keys, cols.types, cols.years, cols.langs, cols.themes, cols.publishers, cols.flags)}
    if lengths != {count} or any(not 0 <= i < count for i in cols.lacking):
        return None
    return cols


def _write(path: Path, header: dict[str, Any], cols: Columns) -> None:
    from innoref.files import atomic_write

    body = {
        "keys": cols.keys, "types": cols.types, "years": cols.years, "langs": cols.langs,
        "themes": cols.themes, "publishers": cols.publishers, "flags": cols.flags,
        "lacking": {str(i): list(fields) for i, fields in cols.lacking.items()},
    }
    data = MAGIC + json.dumps(header).encode() + b"\n" + json.dumps(body, ensure_ascii=False).encode("utf-8")
    try:
        atomic_write(path, data, make_folder=True)
    except (OSError, __import__('innoref.errors').errors.InnorefError):
        pass  # a read-only or full cache folder only costs speed
