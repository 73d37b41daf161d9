"""Is a record already in the library? Exact duplicates and near-identical titles.

A record is a *duplicate* of another when they share a DOI (case ignored), an
ISBN (hyphens ignored, ISBN-10 and ISBN-13 of the same book equal; not for
chapters, which carry the ISBN of their book), a public document's designation
(NOU 2016: 16; a law's date code), or the same folded title, year
and first author (folded as search folds: case, accents, æ ø å and "aa"/"oe"
spellings ignored, punctuation ignored). Adding one is refused unless the user
says ``--allow-duplicate``.

A title is *near-identical* when it is not the same but a typo or two apart: the
folded titles differ by at most one edit (an inserted, deleted or changed letter) when
the shorter has 10 to 19 letters, two when it has 20 or more (shorter titles only count
when equal). That only warns. Finding them is sub-quadratic: a title within two edits
of another shares one of the other's three thirds, at nearly the same place
(the pigeonhole filter of PassJoin), so candidates come from a dictionary of thirds,
and only those are measured.

The rules work on :class:`Facts`, the few values of a record they need, so that
``add`` can check a new record against 50,000 without building 50,000 records (the
index keeps the facts as columns). Pure functions and in-memory indexes; no I/O.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from innoref.models import Reference

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def norm_text(text: str) -> str:
    """Folded loosely, punctuation and spacing ignored: the form titles are compared in."""
    from innoref.text import fold_loose

    return _NON_ALNUM.sub(" ", fold_loose(text)).strip()


# A chapter or an entry shares its book's ISBN and may carry its DOI: neither makes it the book.
PARTS = frozenset({"chapter", "entry"})


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

    __slots__ = ("key", "title", "year", "creator", "doi", "isbn", "doc", "_norm")

    def __init__(self, key: str, title: str, year: int | None, creator: str, doi: str | None, isbn: str | None,
                 doc: str | None = None, norm: str | None = None):
        self.key = key
        self.title = title
        self.year = year
        self.creator = creator  # norm_text of the first author's (else editor's) family name or organisation
        self.doi = doi  # norm_doi
        self.isbn = isbn  # norm_isbn; None for chapters
        self.doc = doc  # a public document's designation (documents.identity): the same one is the same work
        self._norm = norm  # norm_text of the title (made when first needed)

    @classmethod
    def of(cls, ref: "Reference") -> "Facts":
        people = ref.authors or ref.editors
        creator = ""
        if people:
            p = people[0]
            creator = norm_text(p.name if p.name is not None else str(p.family))
        from innoref.documents import identity, is_public

        # A chapter or an entry may carry its book's DOI, as it carries its ISBN: neither tells one
        # part from another (the same part twice is found by title, year and author).
        doi = norm_doi(ref.doi) if ref.type not in PARTS else None
        return cls(ref.key, ref.title, ref.year, creator, doi,
                   norm_isbn(ref.isbn) if ref.type not in PARTS else None,
                   identity(ref) if is_public(ref.type) else None)

    @property
    def norm(self) -> str:
        if self._norm is None:
            self._norm = norm_text(self.title)
        return self._norm

    @property
    def ident(self) -> tuple[str, int | None, str]:
        return self.norm, self.year, self.creator


def _designated(item: "Facts | Reference") -> str:
    from innoref.documents import designation

    return f", {designation(item)}" if not isinstance(item, Facts) else ""


@dataclass(frozen=True)
class Duplicate:
    """``key`` (already there) is the same work, for ``reason``."""

    key: str
    reason: str


@dataclass(frozen=True)
class Near:
    key: str
    title: str


def allowed_edits(length: int) -> int:
    """How many edits apart two titles may be and still be near-identical (by the shorter's length)."""
    return 0 if length < 10 else 1 if length < 20 else 2


SHIFT = 2  # the most edits the filter allows for


def thirds(norm: str) -> tuple[tuple[int, str], ...]:
    """A title's three consecutive parts (start, text), which the near filter looks up."""
    n = len(norm)
    cuts = (0, n // 3, 2 * n // 3, n)
    return tuple((cuts[i], norm[cuts[i]:cuts[i + 1]]) for i in range(3))


def may_be_near(query: str, other: str) -> bool:
    """The pigeonhole filter: False only when the titles are surely more than two edits apart.

    Two edits change at most two of ``other``'s thirds, so one third stands unchanged in
    ``query``, shifted by at most two places."""
    for start, part in thirds(other):
        for shift in range(-SHIFT, SHIFT + 1):
            at = start + shift
            if 0 <= at and query[at:at + len(part)] == part:
                return True
    return False


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b``, or ``limit + 1`` once it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        low = max(1, i - limit)
        high = min(len(b), i + limit)
        if low > 1:
            current[low - 1] = limit + 1
        for j in range(low, high + 1):
            cost = 0 if ca == b[j - 1] else 1
            current[j] = min(previous[j] + 1 if j <= i - 1 + limit else limit + 1,
                             current[j - 1] + 1, previous[j - 1] + cost)
        for j in range(high + 1, len(b) + 1):
            current[j] = limit + 1
        if min(current[max(0, low - 1):high + 1]) > limit:
            return limit + 1
        previous = current
    return previous[len(b)]


def near_titles(a: str, b: str) -> bool:
    """True when two folded titles are a typo or two apart (not equal)."""
    if a == b:
        return False
    limit = allowed_edits(min(len(a), len(b)))
    return limit > 0 and may_be_near(a, b) and edit_distance(a, b, limit) <= limit


def near_among(item: "Facts", candidates: Iterable["Facts"], *, ignore: str | None = None,
               limit: int = 3) -> list[Near]:
    """Candidates whose titles are near-identical to ``item``'s, other than exact duplicates."""
    norm = item.norm
    found: list[Near] = []
    for other in candidates:
        if other.key == ignore or abs(len(other.norm) - len(norm)) > SHIFT:
            continue
        if other.ident == item.ident or not near_titles(norm, other.norm):
            continue
        found.append(Near(other.key, other.title))
        if len(found) >= limit:
            break
    return found


@dataclass
class DuplicateIndex:
    """The duplicate rules over many records in memory (a bulk import, its file and the library).

    Exact rules by dictionary; near-identical titles by a dictionary of the titles' thirds
    (:func:`thirds`), so each check looks at the few titles that could be a typo apart.
    """

    facts: list[Facts] = field(default_factory=list)
    by_doi: dict[str, str] = field(default_factory=dict)
    by_isbn: dict[str, str] = field(default_factory=dict)
    by_doc: dict[str, str] = field(default_factory=dict)
    by_author_year: dict[tuple, list[Facts]] = field(default_factory=dict)
    by_third: dict[tuple[int, int, str], list[Facts]] = field(default_factory=lambda: defaultdict(list))

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
        if facts.doc:
            self.by_doc.setdefault(facts.doc, facts.key)
        self.by_author_year.setdefault((facts.year, facts.creator), []).append(facts)
        if len(facts.norm) >= 10:
            for number, (_, part) in enumerate(thirds(facts.norm)):
                self.by_third[(len(facts.norm), number, part)].append(facts)
        return facts

    def exact(self, item: "Facts | Reference", *, ignore: str | None = None) -> Duplicate | None:
        """The record already there that ``item`` duplicates, if any (not ``ignore``)."""
        f = item if isinstance(item, Facts) else Facts.of(item)
        if f.doi and self.by_doi.get(f.doi, ignore) != ignore:
            return Duplicate(self.by_doi[f.doi], f"same DOI {f.doi}")
        if f.isbn and self.by_isbn.get(f.isbn, ignore) != ignore:
            return Duplicate(self.by_isbn[f.isbn], f"same ISBN {getattr(item, 'isbn', f.isbn)}")
        if f.doc and self.by_doc.get(f.doc, ignore) != ignore:
            return Duplicate(self.by_doc[f.doc], "the same document" + _designated(item))
        for other in self.by_author_year.get((f.year, f.creator), []):
            if other.key != ignore and other.norm == f.norm:
                return Duplicate(other.key, "same title, year and first author")
        return None

    def candidates(self, norm: str) -> list[Facts]:
        """Titles that may be within two edits of ``norm`` (by the pigeonhole filter)."""
        seen: dict[int, Facts] = {}
        for length in range(len(norm) - SHIFT, len(norm) + SHIFT + 1):
            if length < 10:
                continue
            for number, (start, part) in enumerate(thirds("x" * length)):
                size = len(part)
                for shift in range(-SHIFT, SHIFT + 1):
                    at = start + shift
                    if at < 0:
                        continue
                    for other in self.by_third.get((length, number, norm[at:at + size]), ()):
                        seen.setdefault(id(other), other)
        return list(seen.values())

    def near(self, item: "Facts | Reference", *, same_year: bool = False, ignore: str | None = None,
             limit: int = 3) -> list[Near]:
        """Records whose titles are near-identical to ``item``'s (a typo apart), other than exact
        duplicates; ``same_year`` only among works of its year (a bulk import)."""
        f = item if isinstance(item, Facts) else Facts.of(item)
        if len(f.norm) < 10:
            return []
        pool = self.candidates(f.norm)
        if same_year:
            pool = [other for other in pool if other.year == f.year]
        return near_among(f, pool, ignore=ignore, limit=limit)
