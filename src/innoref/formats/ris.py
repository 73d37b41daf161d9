"""RIS: tagged records (``TY  - `` ... ``ER  - ``) that Zotero, EndNote and Mendeley import.

Tags as Zotero's RIS translator reads and writes them, checked with pandoc and
Citation.js too: ``AU`` authors ("Family, Given"; an organisation with a comma
after it), editors (``A3`` of a book, ``A2`` of a chapter, else ``ED``), ``TI`` title, ``ST`` short title, ``T2`` the journal or
book title, ``T3`` a series, ``PY``/``DA`` year and date (``YYYY/MM/DD``), ``PB``
publisher, ``CY`` place, ``IS`` the issue, ``SP``/``EP`` pages, ``M3`` the kind of
document (a report's series, Zotero's report type), ``SN`` a report's number or an
ISBN, ``Y2`` the access date, ``ID`` the key; translators ``A4``, the original year ``OP``, a version ``ET``, a presentation's event ``T2``, a
thesis's database ``DB`` (its university is then ``PB``). The note is an ``N1``
line, and so is each ``extra`` field (``N1  - extra.pagetotal: 123``); what RIS has
no tag for (roles, usernames, a date range, status, a translated title, the kind where RIS's type reads
back as another) is one more, ``N1  - innoref: {...}`` (see ``_kept``).

Records in, text out: no I/O.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from innoref.formats import Options
from innoref.records import EPISODES, IN_WORK, PERIODICAL

if TYPE_CHECKING:
    from innoref.records import Person, Reference

DESCRIPTION = "RIS records (TY ... ER) for Zotero, EndNote and Mendeley"
SUFFIX = ".ris"
OPTIONS: tuple[str, ...] = ()

TYPES = {
    "report": "RPRT", "book": "BOOK", "article": "JOUR", "chapter": "CHAP",
    "thesis": "THES", "webpage": "ELEC", "misc": "GEN",
    # Norwegian public documents: reports with the designation in M3 and SN ("NOU", "2016: 16"),
    # as a report's type and number;
    # laws and regulations as statutes (STAT), the date code in M1 (Zotero's public law number).
    "nou": "RPRT", "meld": "RPRT", "prop": "RPRT", "innst": "RPRT", "lov": "STAT", "forskrift": "STAT",
    # APA's other kinds as Zotero's RIS translator writes its item types (a TV episode is its
    # tvBroadcast, MPCT; a podcast SOUND); a preprint is an unpublished work (UNPB).
    "magazine": "MGZN", "newspaper": "NEWS", "blogpost": "BLOG", "specialissue": "JFULL", "entry": "ENCYC", "pressrelease": "RPRT",
    "presentation": "SLIDE", "dataset": "DATA", "software": "COMP", "preprint": "UNPB", "manuscript": "MANSCPT",
    "film": "MPCT", "tvepisode": "MPCT", "video": "VIDEO", "podcast": "SOUND", "podcastepisode": "SOUND",
}
# The kinds innoref's import reads a type back as, where that is not the kind written.
READ_BACK = {"MPCT": "film", "SOUND": "podcastepisode"}
# T2 is a periodical's name (its IS the issue), the work a part is in (booktitle), else a series.
# innoref's fields with no RIS tag, kept in the innoref note.
# (A translated title too: Citation.js reads RIS's TT as the title itself.)
KEPT = ("translated_title", "status", "themes", "availability")
# And what the note holds only when RIS's tag holds another value (or the value is a range, or a
# note that would read as fields).
KEPT_IF_NEEDED = ("note", "genre", "event", "journal", "booktitle", "date", "edition", "version", "issue",
                  "number", "volume")


def person(p: "Person") -> str:
    """ "Family, Given"; an organisation with a comma after it, as EndNote writes it, so that a
    reader splitting at the comma finds one name with nothing given (Zotero reads it as an
    organisation, pandoc and Citation.js as one family name), never a person "K.-. og."."""
    if p.is_organisation:
        return f"{p.name},"
    out = p.family_full
    if p.given:
        out += ", " + p.given
    if p.suffix:
        out += (", " if p.given else ", , ") + p.suffix
    return out


def _ris_date(iso: str) -> str:
    parts = iso.split("-") + ["", ""]
    return f"{parts[0]}/{parts[1]}/{parts[2]}/"


EXTRA_PREFIX = "extra."  # "N1  - extra.pagetotal: 123": a field of the record's extra
_MISREAD_NOTE = re.compile(r"^(?:extra\.[^:\s]+: |ISBN: \S+$|innoref: )")
KEPT_PREFIX = "innoref: "  # "N1  - innoref: {...}": what RIS has no tag for (_kept)


def read_back(ref: "Reference", kind: str) -> str:
    """The kind innoref's RIS import reads ``kind`` back as (importers/ris.py)."""
    if kind == "RPRT" and ref.type in ("report", "pressrelease"):
        from innoref.formats._kept import report_read_back

        return report_read_back(ref)
    return READ_BACK.get(kind, ref.type)


def record(ref: "Reference") -> str:
    import json

    from innoref.formats._kept import kept
    from innoref.formats.apa import page_range

    kind = TYPES[ref.type]  # an edited book is a BOOK with editors, as Zotero writes it (not EDBOOK)
    tags: list[tuple[str, str]] = [("TY", kind), ("ID", ref.key)]
    tags += [("AU", person(p)) for p in ref.authors]
    # Editors as Zotero's translator writes them, which Citation.js follows: a book's are A3 (its
    # A2 is a series editor), a chapter's and an encyclopedia's A2, a film's or series' producers
    # A3; any other's ED, which Zotero and pandoc read. Translators A4.
    editor_tag = {"BOOK": "A3", "CHAP": "A2", "ENCYC": "A2", "MPCT": "A3", "VIDEO": "A3"}.get(kind, "ED")
    tags += [(editor_tag, person(p)) for p in ref.editors]
    tags += [("A4", person(p)) for p in ref.translators]
    tags.append(("TI", ref.title))
    if ref.short_title:
        tags.append(("ST", ref.short_title))
    number, genre, series, isbn = ref.number, ref.genre, ref.series, ref.isbn
    if not genre:
        from innoref.formats.apa import kind_description

        genre = kind_description(ref.type, ref.status)  # M3: the kind in words ("Film"), as Zotero's types
    more: tuple[str, ...] = ()
    if kind == "RPRT" and ref.type not in ("report", "pressrelease"):
        from innoref import documents

        number, genre = documents.number_text(ref), documents.series_name(ref)
    elif kind == "RPRT" and series and not genre:
        genre, series = series, None  # a report's series is its type (Zotero's reportType): M3
    elif kind == "RPRT" and genre and not series and ref.type == "report":
        more += ("genre",)  # a report's M3 is read as its series: one with a genre and no series says so
    # T2: a periodical's name, a presentation's meeting (Zotero's meetingName), else the work it is part of.
    container = "journal" if ref.type in PERIODICAL else "event" if kind == "SLIDE" else \
        "booktitle" if ref.type in IN_WORK else ""
    more += tuple(name for name in ("journal", "booktitle", "event") if name != container and getattr(ref, name))
    if container and getattr(ref, container):
        tags.append(("T2", getattr(ref, container)))
    if series:
        tags.append(("T3", series))
    if ref.year is not None:
        tags.append(("PY", str(ref.year)))
    ranged = ref.date is not None and "/" in ref.date
    if ref.date and not ranged:
        tags.append(("DA", _ris_date(ref.date)))
    elif ranged:
        more += ("date",)  # RIS has no date range
    if ref.origyear is not None:
        tags.append(("OP", str(ref.origyear)))
    report_number = kind == "RPRT" and number
    # M1: a law's date code (Zotero's public law number) and an episode's number (its episodeNumber).
    in_m1 = kind == "STAT" or ref.type in EPISODES
    # A thesis in a database: the university is PB, the database DB (Name of Database).
    publisher, database = (ref.institution, ref.publisher) if ref.institution else (ref.publisher, None)
    edition = ref.version if kind in ("COMP", "DATA") else ref.edition  # ET is a program's version
    if kind in ("COMP", "DATA") and ref.edition:
        more += ("edition",)
    elif ref.version and kind not in ("COMP", "DATA"):
        more += ("version",)
    # IS: a periodical's issue, else a number (a report's is SN, a law's M1); the other is kept.
    issue = ref.issue if ref.type in PERIODICAL else None if report_number or in_m1 else number
    if ref.type in PERIODICAL and number and not (report_number or in_m1):
        more += ("number",)
    elif ref.type not in PERIODICAL and ref.issue:
        more += ("issue",)
    volume = ref.volume
    if kind == "RPRT" and volume:
        volume, more = None, more + ("volume",)  # a report's VL is its number to EndNote
    for tag, value in (("PB", publisher), ("CY", ref.place), ("ET", edition), ("VL", volume), ("IS", issue),
                       ("M1", number if in_m1 else None), ("M3", genre), ("DB", database)):
        if value:
            tags.append((tag, value))
    if ref.pages:
        first, _, last = page_range(ref.pages).partition("\u2013")
        tags.append(("SP", first))
        if last:
            tags.append(("EP", last))
    # SN: a report's number (Zotero's reportNumber, Citation.js's number), else the ISBN; a
    # report's ISBN then goes in a note, as Zotero files what a report has no field for.
    sn = number if report_number else isbn
    for tag, value in (("SN", sn), ("DO", ref.doi), ("UR", ref.url), ("LA", ref.language), ("AB", ref.abstract)):
        if value:
            tags.append((tag, value))
    if ref.accessed:
        tags.append(("Y2", _ris_date(ref.accessed)))
    tags += [("KW", k) for k in ref.keywords]
    if ref.note:
        tags.append(("N1", ref.note))
        if "\n" in ref.note or _MISREAD_NOTE.match(ref.note):
            more += ("note",)  # RIS has one line per value, and these lines read as fields
    if report_number and isbn:
        tags.append(("N1", f"ISBN: {isbn}"))
    tags += [("N1", f"{EXTRA_PREFIX}{k}: {v}") for k, v in ref.extra.items()]
    own = kept(ref, read_back(ref, kind), KEPT + more)
    if own:
        tags.append(("N1", f"{KEPT_PREFIX}{json.dumps(own, ensure_ascii=False)}"))
    # RIS is one value per line: line breaks inside a value become spaces.
    lines = [f"{tag}  - {' '.join(str(value).split())}" for tag, value in tags]
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"


def render(refs: list["Reference"], *, options: Options = Options()) -> str:
    return "\n".join(record(r) for r in refs)
