"""The library in memory: its references and themes, and questions about them.

Returns data and raises domain errors; never prints, never exits. Reading and
writing files is ``store.py``'s work.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from innoref.errors import NotFoundError, Problem, UsageError

if TYPE_CHECKING:
    from innoref.models import Reference, Theme
    from innoref.store import Location

SORT_FIELDS = ("year", "author", "title", "key")


@dataclass
class Library:
    location: "Location"
    references: list["Reference"]
    themes: list["Theme"]
    problems: list[Problem] = field(default_factory=list)
    literature_path: Path | None = None
    themes_path: Path | None = None

    def get(self, key: str) -> "Reference":
        for ref in self.references:
            if ref.key == key:
                return ref
        raise NotFoundError(f"no reference with key '{key}'" + _suggest(key, [r.key for r in self.references]))

    def theme(self, theme_id: str) -> "Theme":
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise NotFoundError(f"no theme with id '{theme_id}'" + _suggest(theme_id, [t.id for t in self.themes]))

    def theme_names(self) -> dict[str, str]:
        return {t.id: t.name for t in self.themes}

    def theme_counts(self) -> dict[str, int]:
        counts = {t.id: 0 for t in self.themes}
        for ref in self.references:
            for theme_id in ref.themes:
                counts[theme_id] = counts.get(theme_id, 0) + 1
        return counts


def _suggest(wanted: str, choices: list[str]) -> str:
    near = difflib.get_close_matches(wanted, choices, n=3, cutoff=0.5)
    if not near:
        lowered = wanted.lower()
        near = [c for c in choices if lowered in c.lower()][:3]
    return f"; did you mean {', '.join(near)}?" if near else ""


def sort_key_for(name: str):
    """A sort key function for ``list --sort``; unknown names are a usage error."""
    from innoref.text import fold

    if name == "year":
        return lambda r: (r.year is None, r.year or 0, fold(r.short_authors()), fold(r.title))
    if name == "author":
        return lambda r: (fold(r.creators[0].family_full) if r.creators else "\uffff", r.year or 0, fold(r.title))
    if name == "title":
        return lambda r: (fold(r.title), r.year or 0)
    if name == "key":
        return lambda r: r.key
    raise UsageError(f"cannot sort by '{name}'; choose one of {', '.join(SORT_FIELDS)}")


def sorted_references(refs: list["Reference"], by: str = "year", reverse: bool = False) -> list["Reference"]:
    return sorted(refs, key=sort_key_for(by), reverse=reverse)
