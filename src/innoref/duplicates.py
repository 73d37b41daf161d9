"""Is a record already in the library? Exact duplicates and near-identical titles.

A record is a *duplicate* of another when they share a DOI (case ignored), an
ISBN (hyphens ignored, ISBN-10 and ISBN-13 of the same book equal; not for
chapters, which carry the ISBN of their book), or the same folded title, year
and first author (folded as search folds: case, accents, æ ø å and "aa"/"oe"
spellings ignored, punctuation ignored). Adding one is refused unless the user
says ``--allow-duplicate``.

A title is *near-identical* when it is not the same but a typo or two apart
(similarity of the folded titles of at least :data:`NEAR`); that only warns.

The rules work on :class:`Facts`, the few values of a record they need, so
that ``add`` can check a new record against 50,000 without building 50,000
models (see ``factcache.py``). Pure functions and an in-memory index; no I/O.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from innoref.models import Reference

NEAR = 0.9  # difflib ratio of folded titles from which two titles count as a typo apart
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def norm_text(text: str) -> str:
    """Folded loosely, punctuation and spacing ignored: the form titles are compared in."""
    from innoref.text import fold_loose

    return _NON_ALNUM.sub(" ", fold_loose(text)).strip()


def norm_doi(doi: str | None) -> str | None:
    return doi.strip().lower() if doi else None


def norm_isbn(isbn: str | None) -> str | None:
    """The ISBN-13 digits (an ISBN-10 converted), or None."""
    if not isbn:
        return None
    digits = isbn.replace("-", "").replace(" ", "").upper()
    if len(digits) == 10:
        body = "978" + digits[:9]
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body))
        return body + str((10 - total % 10) % 10)
    return digits


class Facts:
    """What the duplicate rules look at in one record (the folded title made when needed)."""

    __slots__ = ("key", "title", "year", "creator", "doi", "isbn", "_norm")

    def __init__(self, key: str, title: str, year: int | None, creator: str, doi: str | None, isbn: str | None):
        self.key = key
        self.title = title
        self.year = year
        self.creator = creator  # norm_text of the first author's (else editor's) family name or organisation
        self.doi = doi  # norm_doi
        self.isbn = isbn  # norm_isbn; None for chapters
        self._norm: str | None = None

    @classmethod
    def of(cls, ref: "Reference") -> "Facts":
        people = ref.authors or ref.editors
        creator = ""
        if people:
            p = people[0]
            creator = norm_text(p.name if p.name is not None else str(p.family))
        return cls(ref.key, ref.title, ref.year, creator, norm_doi(ref.doi),
                   norm_isbn(ref.isbn) if ref.type.value != "chapter" else None)

    @property
    def norm(self) -> str:
        if self._norm is None:
            self._norm = norm_text(self.title)
        return self._norm

    @property
    def ident(self) -> tuple[str, int | None, str]:
        return self.norm, self.year, self.creator

    def row(self) -> list:
        return [self.key, self.title, self.year, self.creator, self.doi, self.isbn]

    @classmethod
    def from_row(cls, row: list) -> "Facts":
        return cls(*row)


@dataclass(frozen=True)
class Duplicate:
    """``key`` (already there) is the same work, for ``reason``."""

    key: str
    reason: str


@dataclass(frozen=True)
class Near:
    key: str
    title: str


def near_titles(a: str, b: str) -> bool:
    """True when two folded titles are equal or a typo or two apart."""
    if a == b:
        return True
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.real_quick_ratio() >= NEAR and matcher.quick_ratio() >= NEAR and matcher.ratio() >= NEAR


@dataclass
class DuplicateIndex:
    """The duplicate rules over the records already there.

    Folded titles are made only for records that share a year and first author
    with the record checked (exact rule) or have a title of about its length
    (near rule), so one check against 50,000 records folds a few hundred titles.
    """

    facts: list[Facts] = field(default_factory=list)
    by_doi: dict[str, str] = field(default_factory=dict)
    by_isbn: dict[str, str] = field(default_factory=dict)
    by_author_year: dict[tuple, list[Facts]] = field(default_factory=dict)
    by_year: dict[int | None, list[Facts]] = field(default_factory=dict)

    @classmethod
    def of(cls, items: Iterable["Facts | Reference"]) -> "DuplicateIndex":
        index = cls()
        for item in items:
            index.add(item)
        return index

    def add(self, item: "Facts | Reference") -> Facts:
        facts = item if isinstance(item, Facts) else Facts.of(item)
        self.facts.append(facts)
        if facts.doi:
            self.by_doi.setdefault(facts.doi, facts.key)
        if facts.isbn:
            self.by_isbn.setdefault(facts.isbn, facts.key)
        self.by_author_year.setdefault((facts.year, facts.creator), []).append(facts)
        self.by_year.setdefault(facts.year, []).append(facts)
        return facts

    def exact(self, item: "Facts | Reference", *, ignore: str | None = None) -> Duplicate | None:
        """The record already there that ``item`` duplicates, if any (not ``ignore``)."""
        f = item if isinstance(item, Facts) else Facts.of(item)
        if f.doi and self.by_doi.get(f.doi, ignore) != ignore:
            return Duplicate(self.by_doi[f.doi], f"same DOI {f.doi}")
        if f.isbn and self.by_isbn.get(f.isbn, ignore) != ignore:
            return Duplicate(self.by_isbn[f.isbn], f"same ISBN {getattr(item, 'isbn', f.isbn)}")
        for other in self.by_author_year.get((f.year, f.creator), []):
            if other.key != ignore and other.norm == f.norm:
                return Duplicate(other.key, "same title, year and first author")
        return None

    def near(self, item: "Facts | Reference", *, same_year: bool = False, ignore: str | None = None,
             limit: int = 3) -> list[Near]:
        """Records whose titles are near-identical to ``item``'s (a typo apart),
        other than exact duplicates. ``same_year`` limits the search to the
        record's year (bulk imports); otherwise every title is compared, after
        cheap filters on length and on the title's first or last letters."""
        f = item if isinstance(item, Facts) else Facts.of(item)
        norm = f.norm
        length = len(f.title)
        slack = max(3, length // 10)
        head, tail = norm[:4], norm[-4:]
        pool = self.by_year.get(f.year, []) if same_year else self.facts
        found: list[Near] = []
        for other in pool:
            if abs(len(other.title) - length) > slack or other.key == ignore:
                continue
            o = other.norm
            # One typo cannot change both the first and the last four letters of a
            # title of ten or more letters (shorter ones are compared in full).
            if len(norm) >= 10 and o[:4] != head and o[-4:] != tail:
                continue
            if other.ident == f.ident or not near_titles(norm, o):
                continue
            found.append(Near(other.key, other.title))
            if len(found) >= limit:
                break
        return found


def scan(facts: list[Facts], item: "Facts | Reference", *, ignore: str | None = None,
         limit: int = 3) -> tuple[Duplicate | None, list[Near]]:
    """:meth:`DuplicateIndex.exact` and :meth:`DuplicateIndex.near` for one record,
    in one pass over ``facts`` and without building the index (``add``)."""
    f = item if isinstance(item, Facts) else Facts.of(item)
    dup_doi = dup_isbn = dup_ident = None
    for other in facts:
        if other.key == ignore:
            continue
        if f.doi and dup_doi is None and other.doi == f.doi:
            dup_doi = Duplicate(other.key, f"same DOI {f.doi}")
        elif f.isbn and dup_isbn is None and other.isbn == f.isbn:
            dup_isbn = Duplicate(other.key, f"same ISBN {getattr(item, 'isbn', f.isbn)}")
        elif dup_ident is None and other.year == f.year and other.creator == f.creator and other.norm == f.norm:
            dup_ident = Duplicate(other.key, "same title, year and first author")
    dup = dup_doi or dup_isbn or dup_ident
    near = DuplicateIndex(facts=facts).near(f, ignore=ignore, limit=limit)
    return dup, near
