"""RIS: tagged records (``TY  - `` ... ``ER  - ``) that Zotero, EndNote and Mendeley import.

Tags as Zotero's RIS translator reads and writes them, checked with pandoc and
Citation.js too: ``AU`` authors ("Family, Given"; an organisation with a comma
after it), editors (``A3`` of a book, ``A2`` of a chapter, else ``ED``), ``TI`` title, ``ST`` short title, ``T2`` the journal or
book title, ``T3`` a series, ``PY``/``DA`` year and date (``YYYY/MM/DD``), ``PB``
publisher, ``CY`` place, ``IS`` the issue, ``SP``/``EP`` pages, ``M3`` the kind of
document (a report's series, Zotero's report type), ``SN`` a report's number or an
ISBN, ``Y2`` the access date, ``ID`` the key. The note is an ``N1`` line, and so is
each ``extra`` field (``N1  - extra.pagetotal: 123``).

Records in, text out: no I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from innoref.formats import Options

if TYPE_CHECKING:
    from innoref.records import Person, Reference

DESCRIPTION = "RIS records (TY ... ER) for Zotero, EndNote and Mendeley"
SUFFIX = ".ris"
OPTIONS: tuple[str, ...] = ()

TYPES = {
    "report": "RPRT", "book": "BOOK", "article": "JOUR", "chapter": "CHAP",
    "thesis": "THES", "webpage": "ELEC", "misc": "GEN",
    # Norwegian public documents: reports with the designation in M3 and IS ("NOU", "2016: 16");
    # laws and regulations as statutes (STAT), the date code in IS.
    "nou": "RPRT", "meld": "RPRT", "prop": "RPRT", "innst": "RPRT", "lov": "STAT", "forskrift": "STAT",
}


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


def record(ref: "Reference") -> str:
    from innoref.formats.apa import page_range

    kind = TYPES[ref.type]  # an edited book is a BOOK with editors, as Zotero writes it (not EDBOOK)
    tags: list[tuple[str, str]] = [("TY", kind), ("ID", ref.key)]
    tags += [("AU", person(p)) for p in ref.authors]
    # Editors as Zotero's translator writes them, which Citation.js follows: a book's are A3 (its
    # A2 is a series editor), a chapter's A2; any other's ED, which Zotero and pandoc read.
    editor_tag = {"BOOK": "A3", "CHAP": "A2"}.get(kind, "ED")
    tags += [(editor_tag, person(p)) for p in ref.editors]
    tags.append(("TI", ref.title))
    if ref.short_title:
        tags.append(("ST", ref.short_title))
    number, genre, series, isbn = ref.number, ref.genre, ref.series, ref.isbn
    if kind == "RPRT" and ref.type != "report":
        from innoref import documents

        number, genre = documents.number_text(ref), documents.series_name(ref)
    elif kind == "RPRT" and series and not genre:
        genre, series = series, None  # a report's series is its type (Zotero's reportType): M3
    container = ref.journal or ref.booktitle
    if container:
        tags.append(("T2", container))
    if series:
        tags.append(("T3", series))
    if ref.year is not None:
        tags.append(("PY", str(ref.year)))
    if ref.date:
        tags.append(("DA", _ris_date(ref.date)))
    report_number = kind == "RPRT" and number
    statute = kind == "STAT"  # a law's date code is its M1, Zotero's public law number
    for tag, value in (("PB", ref.publisher), ("CY", ref.place), ("ET", ref.edition), ("VL", ref.volume),
                       ("IS", ref.issue or (None if report_number or statute else number)),
                       ("M1", number if statute else None), ("M3", genre)):
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
    if report_number and isbn:
        tags.append(("N1", f"ISBN: {isbn}"))
    tags += [("N1", f"{EXTRA_PREFIX}{k}: {v}") for k, v in ref.extra.items()]
    # RIS is one value per line: line breaks inside a value become spaces.
    lines = [f"{tag}  - {' '.join(str(value).split())}" for tag, value in tags]
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"


def render(refs: list["Reference"], *, options: Options = Options()) -> str:
    return "\n".join(record(r) for r in refs)
