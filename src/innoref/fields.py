"""The one table of search fields: what ``field:value`` means, what each field holds, how much it weighs.

Everything else derives from :data:`FIELDS`: the query language's field names and
aliases (``query.py``), the columns of the full-text index and the text that goes into
them (``index.py``), the ranking weights (``search.py``), shell completion of
``author:`` and the like, and the list of fields in the README (a test compares them).
Adding a search field is adding a line here.

Pure: no I/O. ``text_of`` reads a :class:`~innoref.records.Reference`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from innoref.records import Person, Reference


_KEY_PARTS = re.compile(r"[^\W\d_]+|\d+")


def _join(*parts: object) -> str:
    return " ".join(str(p) for p in parts if p)


def person_text(p: "Person") -> str:
    """A person as a phrase can be typed: "Jan van der Berg" and "van der Berg, Jan" are both in
    "Jan van der Berg Jan" (the given name once more, not the whole name twice, which would make
    every record with many authors look long to the ranking)."""
    if p.name is not None:
        return _join(p.name, p.username)
    return _join(p.given, p.family_full, p.suffix, p.given, p.username)


def _people(ref: "Reference") -> str:
    """The authors, editors and translators (with a channel's name); a public document's designation
    (NOU 2016: 16) stands first, as in APA."""
    people = " ; ".join(person_text(p) for p in (*ref.authors, *ref.editors, *ref.translators))
    if ref.type in ("nou", "meld", "prop", "innst", "lov", "forskrift"):
        from innoref.documents import designation

        return " ; ".join(part for part in (designation(ref), people) if part)
    return people


def _other(ref: "Reference") -> str:
    extra = (v for v in ref.extra.values() if isinstance(v, (str, int)) and not isinstance(v, bool))
    return _join(ref.place, ref.genre, ref.isbn, ref.doi, ref.url, ref.edition, ref.version, ref.volume, ref.issue,
                 ref.pages, ref.institution, *extra)


@dataclass(frozen=True)
class SearchField:
    name: str
    help: str  # what it finds, for the README, --help and completion
    weight: float = 0.0  # in the ranking (0: not ranked)
    kind: str = "text"  # text, theme (via the theme list), year (ranges), type, lang (exact values)
    text: Callable[["Reference"], str] | None = None  # the field's text in the full-text index
    aliases: tuple[str, ...] = ()
    queryable: bool = True  # may be named in a query (field:value)
    inword: bool = True  # its words are looked through for matches inside words
    # The full-text table: "words" for what a record says, "codes" for its key, year and numbers,
    # kept apart so that an ISBN or a long key does not count as text that dilutes a match (BM25
    # weighs a match by the length of the record's text in its table).
    table: str = "words"


FIELDS: tuple[SearchField, ...] = (
    SearchField("title", "title (a law's short title, a title's translation)", 3.0,
                text=lambda r: _join(r.title, r.short_title, r.translated_title), aliases=("short_title",)),
    SearchField("author", "author (any author, editor or translator, family or given name, a channel's name; a "
                "public document's designation)", 3.0, text=_people,
                aliases=("authors", "editor", "editors", "translator", "translators")),
    SearchField("keyword", "keywords", 1.5, text=lambda r: "; ".join(r.keywords), aliases=("keywords",)),
    SearchField("theme", "theme (id or any word of its name)", 1.2, kind="theme", aliases=("themes",)),
    SearchField("abstract", "abstract", 1.0, text=lambda r: r.abstract or ""),
    SearchField("note", "note (and availability)", 0.8, text=lambda r: _join(r.note, r.availability),
                aliases=("notes", "availability")),
    SearchField("publisher", "publisher", 1.0, text=lambda r: r.publisher or ""),
    SearchField("series", "report series and number (a session, a law's date code)", 1.0,
                text=lambda r: _join(r.series, r.number, r.session), aliases=("number", "session")),
    SearchField("journal", "journal, magazine, newspaper or blog; the book, reference work or series a part "
                "is in; a presentation's conference", 1.0, text=lambda r: _join(r.journal, r.booktitle, r.event),
                aliases=("booktitle", "event")),
    # A key is one word to the tokenizer; its runs of letters and of digits are words too, so
    # that key:laerings finds moland2013laeringsnettverk by the start of a word.
    SearchField("key", "citation key", 1.0, text=lambda r: _join(r.key, *_KEY_PARTS.findall(r.key)), inword=False, table="codes"),
    SearchField("year", "year: 2013, 2010..2013, >=2010, <2000, 2010..", 0.5, kind="year",
                text=lambda r: _join(r.year, r.date), table="codes"),
    SearchField("type", "type: report, book, article, chapter, thesis, webpage, magazine, newspaper, blogpost, "
                "entry, pressrelease, presentation, dataset, software, preprint, manuscript, film, tvepisode, "
                "video, podcast, podcastepisode, nou, meld, prop, innst, lov, forskrift, misc", kind="type"),
    SearchField("lang", "language code: nb, nn, sv, en", kind="lang", aliases=("language",)),
    SearchField("other", "place, genre, ISBN, DOI, URL, edition, version, volume, issue, pages, extra fields", 0.5,
                text=_other, queryable=False, table="codes"),
)

BY_NAME = {f.name: f for f in FIELDS}
# The columns of the full-text index, in order, and of each of its two tables.
COLUMNS = tuple(f.name for f in FIELDS if f.text is not None)
TABLES = {table: tuple(f.name for f in FIELDS if f.text is not None and f.table == table)
          for table in ("words", "codes")}
# Where a bare term looks: every ranked field (text columns and the themes).
SEARCHED = tuple(f.name for f in FIELDS if f.weight)
QUERY_FIELDS = {f.name: f.help for f in FIELDS if f.queryable}
# The columns whose words make the vocabulary that matching inside words looks through.
INWORD = tuple(f.name for f in FIELDS if f.text is not None and f.inword)
ALIASES = {alias: f.name for f in FIELDS for alias in f.aliases}


def texts(ref: "Reference") -> dict[str, str]:
    """The text of each full-text column for one record (before folding)."""
    return {f.name: f.text(ref) for f in FIELDS if f.text is not None}
