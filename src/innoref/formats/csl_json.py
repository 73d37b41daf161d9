"""CSL-JSON: the citation items that citeproc-js (Zotero), Pandoc and citeproc-py read.

One item per record, ``id`` = the key. Names are ``family``/``given`` with the
particle as ``non-dropping-particle`` (so "van der Berg" sorts and prints as
written) and ``suffix``; organisations are ``literal``. Dates are
``date-parts``. A report's series goes in ``genre`` with its number in ``number``
(Zotero's report type and number: CSL's APA prints "(Fafo-rapport 2013:52)"); other
series in ``collection-title``; the kind of document in ``genre``. Translators,
the original year (``original-date``), version, status and a presentation's event
(``event-title``) have CSL variables; a thesis's university is its ``publisher``
and the database its ``archive``. What CSL has no place for (roles, usernames, a
title's translation, an open date range, the kind where CSL's type reads back as
another) goes in ``custom`` (see ``_kept``). The record's ``extra`` fields go into
``note`` as ``key: value`` lines, where citeproc-js and Zotero look for them.

Records in, text out: no I/O.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from innoref.formats import Options
from innoref.records import PERIODICAL

if TYPE_CHECKING:
    from innoref.records import Person, Reference

DESCRIPTION = "CSL-JSON items (id = key) for citeproc-js, Zotero, Pandoc and citeproc-py"
SUFFIX = ".json"
OPTIONS: tuple[str, ...] = ()

TYPES = {
    "report": "report", "book": "book", "article": "article-journal", "chapter": "chapter",
    "thesis": "thesis", "webpage": "webpage", "misc": "document",
    "magazine": "article-magazine", "newspaper": "article-newspaper", "blogpost": "post-weblog",
    "specialissue": "periodical",
    "entry": "entry-encyclopedia", "pressrelease": "report", "presentation": "speech", "dataset": "dataset",
    "software": "software", "preprint": "article", "manuscript": "manuscript", "film": "motion_picture",
    "video": "motion_picture", "tvepisode": "broadcast", "podcast": "song", "podcastepisode": "song",
    # Norwegian public documents: reports whose genre and number make the designation ("NOU",
    # "2016: 16"; "Meld. St.", "20 (2009–2010)"), as Zotero shows a report's type and number;
    # laws and regulations are CSL's legislation (Zotero's statute), the date code their number.
    "nou": "report", "meld": "report", "prop": "report", "innst": "report",
    "lov": "legislation", "forskrift": "legislation",
}


NOTE_FIELD = re.compile(r"^([A-Za-z][\w.+/-]*): (.+)$")  # a "name: value" line of a note is a field
# innoref's fields with no CSL variable, kept in custom.
KEPT = ("translated_title", "themes", "availability")
# And what custom holds only when CSL's variable holds another value: the other container, a report's
# genre that would read as its series, a note that would read as fields, an open date range.
KEPT_IF_NEEDED = ("date", "journal", "booktitle", "genre", "note")
# A periodical's container-title is its name (journal); the others' the work's they are part of
# (booktitle). The other of the two, if a record has it, is kept in custom.


def read_back(ref: "Reference", csl_type: str) -> str:
    """The kind innoref's CSL-JSON import reads ``csl_type`` back as (importers/csl_json.py): a
    motion picture as a film, a song as a podcast episode, an article with no container as a
    preprint, a report of a press genre as a press release; the others as they were written."""
    if csl_type == "motion_picture":
        return "film"
    if csl_type == "song":
        return "podcastepisode"
    if csl_type == "article":
        return "article" if (ref.journal if ref.type in PERIODICAL else ref.booktitle) else "preprint"
    if csl_type == "report" and ref.type in ("report", "pressrelease"):
        from innoref.formats._kept import report_read_back

        return report_read_back(ref)
    return ref.type


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
    """A date, or a closed range as two dates (an open one is its start: the range is kept in custom)."""
    return {"date-parts": [[int(x) for x in part.split("-")] for part in text.split("/") if part != ".."]}


def item(ref: "Reference") -> dict[str, Any]:
    from innoref import documents
    from innoref.formats.apa import kind_description, page_range

    out: dict[str, Any] = {"id": ref.key, "type": TYPES[ref.type], "title": ref.title}
    for csl, people in (("author", ref.authors), ("editor", ref.editors), ("translator", ref.translators)):
        if people:
            out[csl] = [name(p) for p in people]
    if ref.date:
        out["issued"] = date_parts(ref.date)
    elif ref.year is not None:
        out["issued"] = date_parts(str(ref.year))
    if ref.origyear is not None:
        out["original-date"] = date_parts(str(ref.origyear))
    container, other = ("journal", "booktitle") if ref.type in PERIODICAL else ("booktitle", "journal")
    container = getattr(ref, container)
    publisher, archive = (ref.institution, ref.publisher) if ref.institution else (ref.publisher, None)
    simple = {
        "publisher": publisher, "archive": archive, "publisher-place": ref.place, "collection-title": ref.series,
        "number": ref.number, "edition": ref.edition, "genre": ref.genre, "container-title": container,
        "volume": ref.volume, "issue": ref.issue, "version": ref.version, "status": ref.status,
        "event-title": ref.event, "URL": ref.url, "DOI": ref.doi, "ISBN": ref.isbn,
        "language": ref.language, "abstract": ref.abstract,
    }
    public = documents.is_public(ref.type)
    if not ref.genre and not public:
        # The kind in words, as CSL's APA prints it in brackets ("[Film]", "[Press release]").
        simple["genre"] = kind_description(ref.type, ref.status)
    if ref.type == "presentation":
        simple.update({"event-place": ref.place, "publisher-place": None})  # where it was given
    if ref.type == "report" and ref.series and not ref.genre:
        # A report's series is its kind, as Zotero's reportType: CSL styles print the genre with
        # the number, "(Fafo-rapport 2013:52)", and a collection-title after it.
        simple.update({"genre": ref.series, "collection-title": None})
    if public:
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
    from innoref.formats._kept import kept

    # A report's genre is read as its series (Zotero's report type): one that has no series says so.
    misread = ("genre",) if ref.type == "report" and ref.genre and not ref.series else ()
    if ref.note and any(NOTE_FIELD.match(line) for line in ref.note.splitlines()):
        misread += ("note",)  # a line of the note that reads as a field (Zotero's "name: value")
    custom = kept(ref, read_back(ref, out["type"]), KEPT + (other,) + misread)
    if ref.date and ref.date.endswith("/.."):
        custom["date"] = ref.date
    if custom:
        out["custom"] = custom
    return out


def render(refs: list["Reference"], *, options: Options = Options()) -> str:
    return json.dumps([item(r) for r in refs], ensure_ascii=False, indent=2) + "\n"
