"""Shell completion from the library itself: keys, theme ids, types, formats, query fields, files.

Typer's mechanism (``innoref --install-completion``, ``--show-completion``) asks the
program for the words that complete the one being typed; each function here is a
parameter's ``autocompletion`` (``ctx, args, incomplete -> list``). Keys and theme ids
come from the library's index, chosen as every command chooses it (``--data`` on the
command line being completed, ``$INNOREF_DATA``, ``./data``, the user library), so a
completion costs one indexed query, not a load of the library. A library that cannot
be read completes nothing rather than print an error into the shell's line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterable

LIMIT = 200  # words offered at most: more is a screenful nobody reads


def _library(ctx: Any):
    from innoref.library import open_library
    from innoref.location import locate

    root = ctx.find_root()
    return open_library(locate(root.params.get("data")), strict=False)


def _quietly(words: Callable[[], Iterable[str]]) -> list[str]:
    try:
        return list(words())[:LIMIT]
    except Exception:  # noqa: BLE001  (completion must never break the shell's line)
        return []


def keys(ctx: Any, args: Any, incomplete: str) -> list[str]:
    """Citation keys that start with what is typed."""
    def words() -> list[str]:
        with _library(ctx) as lib:
            return lib.keys(incomplete, limit=LIMIT)

    return _quietly(words)


def themes(ctx: Any, args: Any, incomplete: str) -> list[str]:
    """Theme ids that start with what is typed."""
    def words() -> list[str]:
        with _library(ctx) as lib:
            return [t.id for t in lib.themes if t.id.startswith(incomplete)]

    return _quietly(words)


def _starting(incomplete: str, choices: Iterable[str]) -> list[str]:
    return [c for c in choices if c.startswith(incomplete)]


def types(ctx: Any, args: Any, incomplete: str) -> list[str]:
    from innoref.records import REF_TYPES

    return _starting(incomplete, REF_TYPES)


def formats(ctx: Any, args: Any, incomplete: str) -> list[str]:
    from innoref import formats as registry

    return _starting(incomplete, registry.names())


def sorts(ctx: Any, args: Any, incomplete: str) -> list[str]:
    from innoref.library import SORT_FIELDS

    return _starting(incomplete, SORT_FIELDS)


def choices(*values: str) -> Callable[..., list[str]]:
    """A completion of fixed words (``--lang en|nb|nn``)."""
    return lambda ctx, args, incomplete: _starting(incomplete, values)


def fields(ctx: Any, args: Any, incomplete: str) -> list[str]:
    """``edit --set``: a record's field names, each followed by ``=``."""
    from innoref.records import FIELDS

    return [f"{name}=" for name in FIELDS if name.startswith(incomplete)]


def field_names(ctx: Any, args: Any, incomplete: str) -> list[str]:
    """``edit --unset``: a record's field names."""
    from innoref.records import FIELDS

    return [name for name in FIELDS if name.startswith(incomplete)]


def query(ctx: Any, args: Any, incomplete: str) -> list[str]:
    """A query's last word: a field name (``auth`` offers ``author:``), or after ``theme:``,
    ``type:``, ``lang:`` or ``key:`` the values that field takes."""
    from innoref import fields as search_fields

    head, _, word = incomplete.rpartition(" ")
    prefix = f"{head} " if head else ""
    sign = "-" if word.startswith("-") else ""
    word = word[len(sign):]
    if ":" not in word:
        names = [f"{name}:" for name in search_fields.QUERY_FIELDS if name.startswith(word.lower())]
        return [prefix + sign + name for name in names]
    name, _, value = word.partition(":")
    name = search_fields.ALIASES.get(name.lower(), name.lower())
    if name == "theme":
        values = themes(ctx, args, value)
    elif name == "type":
        values = types(ctx, args, value)
    elif name == "key":
        values = keys(ctx, args, value)
    elif name == "lang":
        values = _starting(value, ("nb", "nn", "en", "sv", "da"))
    else:
        return []
    return [f"{prefix}{sign}{name}:{v}" for v in values]


def files(*suffixes: str, folders_only: bool = False) -> Callable[..., list[str]]:
    """File names that start with what is typed (folders, with a ``/``, to go on into), of these
    suffixes only when any are given (case ignored)."""
    wanted = tuple(s.lower() for s in suffixes)

    def complete(ctx: Any, args: Any, incomplete: str) -> list[str]:
        def words() -> list[str]:
            typed = os.path.expanduser(incomplete)
            folder, start = os.path.split(typed)
            out = []
            with os.scandir(folder or ".") as entries:
                for entry in sorted(entries, key=lambda e: e.name):
                    if not entry.name.startswith(start) or (entry.name.startswith(".") and not start.startswith(".")):
                        continue
                    shown = os.path.join(os.path.dirname(incomplete), entry.name)
                    if entry.is_dir():
                        out.append(shown + "/")
                    elif not folders_only and (not wanted or Path(entry.name).suffix.lower() in wanted):
                        out.append(shown)
            return out

        return _quietly(words)

    return complete
