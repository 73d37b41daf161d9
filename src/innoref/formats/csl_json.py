"""CSL-JSON: the citation items that citeproc-js (Zotero), Pandoc and citeproc-py read.

One item per record, ``id`` = the key. Names are ``family``/``given`` with the
particle as ``non-dropping-particle`` (so "van der Berg" sorts and prints as
written) and ``suffix``; organisations are ``literal``. Dates are
``date-parts``. A report's series goes in ``genre`` with its number in ``number``
(Zotero's report type and number: CSL's APA prints "(Fafo-rapport 2013:52)"); other
series in ``collection-title``; the kind of document in ``genre``. CSL has no
place for other fields, so the record's ``extra`` fields go into ``note`` as
``key: value`` lines, where citeproc-js and Zotero look for them.

Records in, text out: no I/O.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from innoref.formats import Options

if TYPE_CHECKING:
    from innoref.records import Person, Reference

DESCRIPTION = "CSL-JSON items (id = key) for citeproc-js, Zotero, Pandoc and citeproc-py"
SUFFIX = ".json"
OPTIONS: tuple[str, ...] = ()

TYPES = {
    "report": "report", "book": "book", "article": "article-journal", "chapter": "chapter",
    "thesis": "thesis", "webpage": "webpage", "misc": "document",
    # Norwegian public documents: reports whose genre and number make the designation ("NOU",
    # "2016: 16"; "Meld. St.", "20 (2009–2010)"), as Zotero shows a report's type and number;
    # laws and regulations are CSL's legislation (Zotero's statute), the date code their number.
    "nou": "report", "meld": "report", "prop": "report", "innst": "report",
    "lov": "legislation", "forskrift": "legislation",
}


_PLAIN = ("report", "book", "article", "chapter", "thesis", "webpage", "misc")


def name(p: "Person") -> dict[str, str]:
    if p.is_organisation:
        return {"literal": str(p.name)}
    out = {"family": str(p.family)}
    if p.given:
        out["given"] = p.given
    if p.particle:
        out["non-dropping-particle"] = p.particle
    if p.suffix:
        out["suffix"] = p.suffix
    return out


def date_parts(text: str) -> dict[str, Any]:
    return {"date-parts": [[int(x) for x in text.split("-")]]}


def item(ref: "Reference") -> dict[str, Any]:
    from innoref.formats.apa import page_range

    out: dict[str, Any] = {"id": ref.key, "type": TYPES[ref.type], "title": ref.title}
    if ref.authors:
        out["author"] = [name(p) for p in ref.authors]
    if ref.editors:
        out["editor"] = [name(p) for p in ref.editors]
    if ref.date:
        out["issued"] = date_parts(ref.date)
    elif ref.year is not None:
        out["issued"] = date_parts(str(ref.year))
    container = ref.journal or ref.booktitle
    simple = {
        "publisher": ref.publisher, "publisher-place": ref.place, "collection-title": ref.series,
        "number": ref.number, "edition": ref.edition, "genre": ref.genre, "container-title": container,
        "volume": ref.volume, "issue": ref.issue, "URL": ref.url, "DOI": ref.doi, "ISBN": ref.isbn,
        "language": ref.language, "abstract": ref.abstract,
    }
    if ref.type == "report" and ref.series and not ref.genre:
        # A report's series is its kind, as Zotero's reportType: CSL styles print the genre with
        # the number, "(Fafo-rapport 2013:52)", and a collection-title after it.
        simple.update({"genre": ref.series, "collection-title": None})
    if ref.type in TYPES and ref.type not in _PLAIN:
        from innoref import documents

        if ref.type in documents.CODE_KINDS:
            simple.update({"number": ref.number, "title-short": ref.short_title, "genre": ref.genre})
        else:
            simple.update({"genre": documents.series_name(ref), "number": documents.number_text(ref)})
    elif ref.short_title:
        simple["title-short"] = ref.short_title
    out.update({k: v for k, v in simple.items() if v})
    if ref.pages:
        out["page"] = page_range(ref.pages).replace("\u2013", "-")
    if ref.accessed:
        out["accessed"] = date_parts(ref.accessed)
    if ref.keywords:
        out["keyword"] = ", ".join(ref.keywords)
    notes = [ref.note] if ref.note else []
    notes += [f"{k}: {v}" for k, v in ref.extra.items()]
    if notes:
        out["note"] = "\n".join(notes)
    return out


def render(refs: list["Reference"], *, options: Options = Options()) -> str:
    return json.dumps([item(r) for r in refs], ensure_ascii=False, indent=2) + "\n"
