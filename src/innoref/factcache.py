"""What ``add`` must know of a library, cached per exact file content.

Adding one record needs the keys (a new key must be free), the duplicate facts
of every record (:class:`~innoref.duplicates.Facts`: DOI, ISBN, folded title,
year, first author) and the theme ids the records use, and it needs to know the
file is valid. Building 50,000 Reference models for that costs seconds even
with the record cache (``cache.py`` measured 4 s to rebuild them), so this
module keeps those facts in a small JSON file beside the record cache, keyed by
the SHA-256 of ``literature.yaml``'s bytes:

* the facts are written only from records that were just validated in full
  (``store.load``, strict), or by ``add`` itself after it appended one validated
  record to a file whose facts it had (it knows the new bytes, so it knows their
  hash); so a hit means "this exact file was valid, and these are its facts";
* any other change to the file (a hand edit, ``edit``, ``remove``, ``import``, a
  ``git checkout``) changes the hash, and the next ``add`` validates the whole
  file again (through ``store.load``) before it writes;
* a fingerprint of the modules that decide validity and folding (models, store,
  yamlio, text, duplicates, this one) is part of the file, so new rules rebuild it;
* an unreadable, truncated or foreign file is ignored and rebuilt, and it is
  written atomically; a read-only cache folder only costs speed.

It never prints or exits, and never unpickles: the file is plain JSON.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from innoref.duplicates import Facts

FORMAT = 1
_SOURCES = ("models.py", "store.py", "yamlio.py", "text.py", "duplicates.py", "factcache.py")


def fingerprint() -> str:
    from innoref.cache import code_fingerprint

    return code_fingerprint(FORMAT, _SOURCES)


def facts_path(library_file: Path) -> Path:
    from innoref.cache import cache_path

    path = cache_path(library_file)
    return path.with_name(path.stem + ".facts.json")


@dataclass
class Kept:
    """The facts of one exact library file, as read from the cache."""

    facts: list["Facts"]
    themes: set[str]
    rows: bytes  # the rows as stored: one JSON array per line


def load(library_file: Path, sha: str) -> Kept | None:
    """The facts of the file whose bytes hash to ``sha``, or None."""
    from innoref.duplicates import Facts

    try:
        data = facts_path(library_file).read_bytes()
        end = data.index(b"\n")
        head = json.loads(data[:end])
        if not (isinstance(head, dict) and head.get("format") == FORMAT and head.get("sha256") == sha
                and head.get("fingerprint") == fingerprint() and head.get("source") == str(library_file)):
            return None
        rows = data[end + 1:]
        if len(rows) != head["size"] or hashlib.sha256(rows).hexdigest() != head["rows"]:
            return None
        parsed = json.loads(b"[" + rows.rstrip(b"\n").replace(b"\n", b",") + b"]") if rows else []
        if len(parsed) != head["count"]:
            return None
        return Kept([Facts.from_row(row) for row in parsed], set(head["themes"]), rows)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def row_bytes(facts: list["Facts"]) -> bytes:
    return b"".join(json.dumps(f.row(), ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
                    for f in facts)


def save(library_file: Path, sha: str, count: int, rows: bytes, themes: set[str]) -> None:
    """Keep the facts (``rows``, from :func:`row_bytes`) of the valid file whose bytes hash to ``sha``."""
    from innoref.files import atomic_write

    head = {"format": FORMAT, "fingerprint": fingerprint(), "source": str(library_file), "sha256": sha,
            "count": count, "size": len(rows), "rows": hashlib.sha256(rows).hexdigest(), "themes": sorted(themes)}
    try:
        atomic_write(facts_path(library_file), json.dumps(head, ensure_ascii=False).encode("utf-8") + b"\n" + rows, make_folder=True)
    except (OSError, __import__('innoref.errors').errors.InnorefError):
        pass


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
