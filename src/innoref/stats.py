"""The shape of a library: counts per year, theme, publisher, type and language,
identifiers and availability, and which records lack what an APA reference needs.

Two steps. :func:`columns` reduces each record to the few facts the counts use
(:class:`Columns`, one list per fact, in library order); :func:`library_stats`
counts those facts for all records or for the positions a query selected. The
columns are small and plain (lists of text, numbers and bit flags), so they can
be kept next to the record cache and counted for 50,000 records without building
a single model. Records are ``Reference`` models or their ``to_data()`` mappings.
Pure: never reads files, prints or exits.

What "APA needs" means here (:data:`APA_NEEDS`): every reference needs authors
(or editors) and a year, else APA puts the title in the author's place or
writes "n.d."; then each type names its source: the publisher for reports,
books and chapters, the university (``publisher``) for theses, the journal for
articles, the book (``booktitle``) for chapters, the address (``url``) for web
pages, and likewise for the other kinds (a magazine's or blog's name, an episode's
series, a presentation's conference, a data set's or film's publisher). APA leaves the publisher out when it is the group author, so a record
whose first author is an organisation does not need one. A Norwegian public
document is cited by its designation, so it needs no author or year: an NOU, a
white paper, a proposition or a recommendation needs its ministry or committee
(``publisher``); a law or a regulation is published by Lovdata.

"Print only" means an availability note (``availability``) and neither a DOI
nor a URL to read the work at: the reading list's "Finnes ikke elektronisk".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

if TYPE_CHECKING:
    from innoref.records import Theme

# More years than this from the first to the last: count five-year spans.
WIDE_RANGE = 20
SPAN = 5

COMMON_NEEDS = ("authors", "year")
_PUBLIC = frozenset(("nou", "meld", "prop", "innst", "lov", "forskrift"))  # documents.KINDS
APA_NEEDS: dict[str, tuple[str, ...]] = {
    "report": ("publisher",),
    "book": ("publisher",),
    "thesis": ("publisher",),
    "chapter": ("booktitle", "publisher"),
    "article": ("journal",),
    "webpage": ("url",),
    # APA 10.1-10.13: the periodical, blog or reference work a part is in; the conference of a
    # presentation; where a data set, program, preprint, film or podcast is published.
    "magazine": ("journal",),
    "newspaper": ("journal",),
    "blogpost": ("journal", "url"),
    "specialissue": ("journal",),
    "entry": ("booktitle",),
    "pressrelease": ("publisher",),
    "presentation": ("event",),
    "dataset": ("publisher",),
    "software": ("publisher",),
    "preprint": ("publisher",),
    "manuscript": (),
    "film": ("publisher",),
    "tvepisode": ("booktitle",),
    "video": ("publisher",),
    "podcast": ("publisher",),
    "podcastepisode": ("booktitle",),
    "misc": (),
}
# Types whose publisher APA leaves out when it is the group author (theses come from universities).
_PUBLISHER_MAY_BE_AUTHOR = frozenset({"report", "book", "chapter", "webpage", "misc", "pressrelease", "dataset",
                                      "software", "podcast"})

# Bit flags of a record's identifiers and availability, one small int per record.
DOI, URL, ISBN, AVAILABILITY = 1, 2, 4, 8


# --------------------------------------------------------------------------- the facts of each record


@dataclass
class Columns:
    """The facts the counts use, one list per fact, position ``i`` for record ``i``."""

    keys: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    years: list[int | None] = field(default_factory=list)
    langs: list[str | None] = field(default_factory=list)
    themes: list[list[str]] = field(default_factory=list)
    publishers: list[str | None] = field(default_factory=list)
    flags: list[int] = field(default_factory=list)
    lacking: dict[int, tuple[str, ...]] = field(default_factory=dict)  # only records that lack something

    @property
    def count(self) -> int:
        return len(self.keys)


def _getter(record: Any):
    if isinstance(record, Mapping):
        return record.get
    return lambda name: getattr(record, name, None)


def lacking_fields(record: Any) -> tuple[str, ...]:
    """The fields an APA reference of this record's type needs and the record lacks."""
    get = _getter(record)
    kind = _text(get("type")) or "misc"
    creators = get("authors") or get("editors") or []
    out = []
    if kind in _PUBLIC:  # cited by its designation: the ministry (or committee) is its source
        return tuple(name for name in ("publisher",) if kind not in ("lov", "forskrift") and not get(name))
    if not creators:
        out.append("authors")
    if get("year") is None and get("status") != "in press":  # work in press has no year yet (APA 9.16)
        out.append("year")
    group_author = bool(creators) and bool(_getter(creators[0])("name"))
    for name in APA_NEEDS.get(kind, ()):
        if get(name):
            continue
        if name == "publisher" and group_author and kind in _PUBLISHER_MAY_BE_AUTHOR:
            continue
        out.append(name)
    return tuple(out)


def _text(value: Any) -> Any:
    return getattr(value, "value", value)  # an Enum (Reference.type) as its text


def flags_of(record: Any) -> int:
    get = _getter(record)
    return (DOI if get("doi") else 0) | (URL if get("url") else 0) | (ISBN if get("isbn") else 0) | (
        AVAILABILITY if get("availability") else 0)


def columns(records: Iterable[Any]) -> Columns:
    """The facts of ``records`` (``Reference`` models or ``to_data()`` mappings), in their order."""
    out = Columns()
    for position, record in enumerate(records):
        get = _getter(record)
        out.keys.append(str(get("key")))
        out.types.append(_text(get("type")) or "misc")
        out.years.append(get("year"))
        out.langs.append(get("language") or None)
        out.themes.append(list(get("themes") or ()))
        out.publishers.append(" ".join((get("publisher") or "").split()) or None)
        out.flags.append(flags_of(record))
        missing = lacking_fields(record)
        if missing:
            out.lacking[position] = missing
    return out


# --------------------------------------------------------------------------- the counts


@dataclass(frozen=True)
class YearBin:
    """References from ``first`` to ``last`` (one year, or a five-year span)."""

    label: str
    first: int
    last: int
    count: int


@dataclass(frozen=True)
class Count:
    label: str
    count: int


@dataclass(frozen=True)
class ThemeCount:
    id: str
    name: str
    count: int
    defined: bool = True  # False: used by records but not in themes.yaml


@dataclass(frozen=True)
class Lacking:
    """A record that lacks fields an APA reference of its type needs."""

    key: str
    type: str
    fields: tuple[str, ...]


@dataclass
class LibraryStats:
    references: int
    span: int  # 1: one bar per year; 5: five-year spans
    years: list[YearBin]
    no_year: int
    themes: list[ThemeCount]
    no_theme: int
    publishers: list[Count]
    no_publisher: int
    types: list[Count]
    languages: list[Count]
    no_language: int
    doi: int
    url: int
    isbn: int
    no_link: int  # neither DOI nor URL
    availability: int  # with an availability note
    print_only: int  # an availability note and neither DOI nor URL
    lacking: list[Lacking] = field(default_factory=list)
    first_year: int | None = None
    last_year: int | None = None

    def lacking_counts(self) -> dict[str, int]:
        """How many records lack each field, common fields first, then in type order."""
        counts: Counter[str] = Counter(f for item in self.lacking for f in item.fields)
        order = list(COMMON_NEEDS) + [f for needs in APA_NEEDS.values() for f in needs]
        return {f: counts[f] for f in dict.fromkeys(order) if counts[f]}

    def to_json(self) -> dict[str, Any]:
        return {
            "references": self.references,
            "years": {
                "span": self.span,
                "first": self.first_year,
                "last": self.last_year,
                "counts": [asdict(b) for b in self.years],
                "no_year": self.no_year,
            },
            "themes": [asdict(t) for t in self.themes],
            "no_theme": self.no_theme,
            "publishers": [{"publisher": c.label, "count": c.count} for c in self.publishers],
            "no_publisher": self.no_publisher,
            "types": [{"type": c.label, "count": c.count} for c in self.types],
            "languages": [{"language": c.label, "count": c.count} for c in self.languages],
            "no_language": self.no_language,
            "identifiers": {"doi": self.doi, "url": self.url, "isbn": self.isbn, "no_link": self.no_link},
            "availability": {"with_note": self.availability, "print_only": self.print_only},
            "lacking": [{"key": x.key, "type": x.type, "fields": list(x.fields)} for x in self.lacking],
            "lacking_counts": self.lacking_counts(),
        }


def year_bins(counts: Mapping[int, int]) -> tuple[int, list[YearBin]]:
    """Counts per year from the first year to the last, zeros included; five-year
    spans (1995–1999, 2000–2004, ...) when the range is wider than :data:`WIDE_RANGE` years."""
    if not counts:
        return 1, []
    first, last = min(counts), max(counts)
    if last - first + 1 <= WIDE_RANGE:
        return 1, [YearBin(str(y), y, y, counts.get(y, 0)) for y in range(first, last + 1)]
    bins = []
    for start in range(first - first % SPAN, last + 1, SPAN):
        end = start + SPAN - 1
        total = sum(counts.get(y, 0) for y in range(start, end + 1))
        bins.append(YearBin(f"{start}\u2013{end}", start, end, total))
    return SPAN, bins


def _ranked(counter: Mapping[str, int]) -> list[Count]:
    # Most first; ties alphabetically, so the output is the same on every run.
    return [Count(label, n) for label, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0].casefold(), kv[0]))]


def library_stats(cols: Columns, themes: Sequence["Theme"] = (), positions: Iterable[int] | None = None) -> LibraryStats:
    """Count the records at ``positions`` (all when None); ``themes`` gives names and order."""
    if positions is None:
        chosen = range(cols.count)
        pick = lambda column: column  # noqa: E731
    else:
        chosen = sorted(set(positions))
        pick = lambda column: [column[i] for i in chosen]  # noqa: E731
    total = len(chosen)

    years = Counter(pick(cols.years))
    no_year = years.pop(None, 0)
    span, bins = year_bins(years)

    theme_lists = pick(cols.themes)
    no_theme = sum(1 for ids in theme_lists if not ids)
    used = Counter(chain.from_iterable(dict.fromkeys(ids) for ids in theme_lists))  # a theme named twice counts once
    theme_counts = [ThemeCount(t.id, t.name, used.get(t.id, 0)) for t in themes]
    known = {t.id for t in themes}
    theme_counts += [ThemeCount(tid, tid, n, defined=False) for tid, n in sorted(used.items()) if tid not in known]

    publishers = Counter(pick(cols.publishers))
    no_publisher = publishers.pop(None, 0)
    languages = Counter(pick(cols.langs))
    no_language = languages.pop(None, 0)

    by_flags = Counter(pick(cols.flags))

    def having(test) -> int:
        return sum(n for flags, n in by_flags.items() if test(flags))

    wanted = cols.lacking.keys() if positions is None else cols.lacking.keys() & set(chosen)
    lacking = [Lacking(cols.keys[i], cols.types[i], cols.lacking[i]) for i in sorted(wanted)]
    return LibraryStats(
        references=total,
        span=span,
        years=bins,
        no_year=no_year,
        themes=theme_counts,
        no_theme=no_theme,
        publishers=_ranked(publishers),
        no_publisher=no_publisher,
        types=_ranked(Counter(pick(cols.types))),
        languages=_ranked(languages),
        no_language=no_language,
        doi=having(lambda f: f & DOI),
        url=having(lambda f: f & URL),
        isbn=having(lambda f: f & ISBN),
        no_link=having(lambda f: not f & (DOI | URL)),
        availability=having(lambda f: f & AVAILABILITY),
        print_only=having(lambda f: f & AVAILABILITY and not f & (DOI | URL)),
        lacking=lacking,
        first_year=min(years) if years else None,
        last_year=max(years) if years else None,
    )


def stats_of(records: Iterable[Any], themes: Sequence["Theme"] = ()) -> LibraryStats:
    """:func:`library_stats` of every record in ``records``."""
    return library_stats(columns(records), themes)
