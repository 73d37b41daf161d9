"""RIS: tagged records (``TY  - `` ... ``ER  - ``) that Zotero, EndNote and Mendeley import.

Tags as the RIS specification and Zotero's exporter use them: ``AU`` authors
("Family, Given"), ``A2`` editors, ``TI`` title, ``T2`` the journal or book
title, ``T3`` the series, ``PY``/``DA`` year and date (``YYYY/MM/DD``), ``PB``
publisher, ``CY`` place, ``IS`` the issue or report number, ``SP``/``EP``
pages, ``M3`` the kind of document, ``Y2`` the access date, ``ID`` the key.
The note and any ``extra`` fields become ``N1`` lines.

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
    if p.is_organisation:
        return str(p.name)
    out = p.family_full
    if p.given:
        out += ", " + p.given
    if p.suffix:
        out += (", " if p.given else ", , ") + p.suffix
    return out


def _ris_date(iso: str) -> str:
    parts = iso.split("-") + ["", ""]
    return f"{parts[0]}/{parts[1]}/{parts[2]}/"


def record(ref: "Reference") -> str:
    from innoref.formats.apa import page_range

    kind = TYPES[ref.type]
    if kind == "BOOK" and not ref.authors and ref.editors:
        kind = "EDBOOK"
    tags: list[tuple[str, str]] = [("TY", kind), ("ID", ref.key)]
    tags += [("AU", person(p)) for p in ref.authors]
    tags += [("A2", person(p)) for p in ref.editors]
    tags.append(("TI", ref.title))
    if ref.short_title:
        tags.append(("ST", ref.short_title))
    number, genre = ref.number, ref.genre
    if kind == "RPRT" and ref.type != "report":
        from innoref import documents

        number, genre = documents.number_text(ref), documents.series_name(ref)
    container = ref.journal or ref.booktitle
    if container:
        tags.append(("T2", container))
    if ref.series:
        tags.append(("T3", ref.series))
    if ref.year is not None:
        tags.append(("PY", str(ref.year)))
    if ref.date:
        tags.append(("DA", _ris_date(ref.date)))
    for tag, value in (("PB", ref.publisher), ("CY", ref.place), ("ET", ref.edition), ("VL", ref.volume),
                       ("IS", ref.issue or number), ("M3", genre)):
        if value:
            tags.append((tag, value))
    if ref.pages:
        first, _, last = page_range(ref.pages).partition("\u2013")
        tags.append(("SP", first))
        if last:
            tags.append(("EP", last))
    for tag, value in (("SN", ref.isbn), ("DO", ref.doi), ("UR", ref.url), ("LA", ref.language),
                       ("AB", ref.abstract)):
        if value:
            tags.append((tag, value))
    if ref.accessed:
        tags.append(("Y2", _ris_date(ref.accessed)))
    tags += [("KW", k) for k in ref.keywords]
    if ref.note:
        tags.append(("N1", ref.note))
    tags += [("N1", f"{k}: {v}") for k, v in ref.extra.items()]
    # RIS is one value per line: line breaks inside a value become spaces.
    lines = [f"{tag}  - {' '.join(str(value).split())}" for tag, value in tags]
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"


def render(refs: list["Reference"], *, options: Options = Options()) -> str:
    return "\n".join(record(r) for r in refs)
