"""biblatex (``.bib``) in UTF-8, for biber: biblatex's own types and fields.

Reports are ``@report`` with ``institution``, ``type`` (the series, which
biblatex-apa prints before the number: "(Fafo-rapport 2013:52)") and a bare
``number``; web pages ``@online`` with ``urldate``; theses ``@thesis`` with
``type``; chapters ``@incollection``; articles ``@article`` with
``journaltitle``. Dates go in ``date`` (ISO 8601), the language in ``langid``
(babel's names: ``norsk``, ``nynorsk``, ``swedish``), places in ``location``.
Text stays UTF-8 (biber reads it and sorts æ ø å in Norwegian order); only the
LaTeX specials are escaped, capitals in titles protected, organisations in
double braces. Every other field of the record, ``extra`` included, is written
back.

Records in, text out: no I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from innoref.formats import Options
from innoref.formats._bib import RESTORABLE_BIBLATEX, Dialect, imported_type, render_entries

if TYPE_CHECKING:
    from innoref.records import Reference

DESCRIPTION = "biblatex in UTF-8 for biber: @report, @online with urldate, date, langid, ..."
SUFFIX = ".bib"
OPTIONS: tuple[str, ...] = ()

ENTRY_TYPES = {
    "report": "report", "book": "book", "article": "article", "chapter": "incollection",
    "thesis": "thesis", "webpage": "online", "misc": "misc",
    # Norwegian public documents: @report with type = {NOU} and number = {2016: 16}; laws and
    # regulations @legislation, biblatex's type for them.
    "nou": "report", "meld": "report", "prop": "report", "innst": "report",
    "lov": "legislation", "forskrift": "legislation",
    # APA's other kinds as biblatex-apa writes them: nonacademic articles, @inreference, @video and
    # @audio with the kind in entrysubtype, @presentation with eventtitle and venue.
    "magazine": "article", "newspaper": "article", "specialissue": "periodical", "blogpost": "misc",
    "entry": "inreference",
    "pressrelease": "report", "presentation": "presentation", "dataset": "dataset", "software": "software",
    "preprint": "online", "manuscript": "unpublished", "film": "video", "tvepisode": "video", "video": "video",
    "podcast": "audio", "podcastepisode": "audio",
}
SUBTYPES = {"magazine": "nonacademic", "newspaper": "nonacademic", "film": "film", "tvepisode": "tvepisode",
            "video": "video", "podcast": "podcast", "podcastepisode": "podcastepisode"}

FIELD_NAMES = {
    "authors": {"*": "author"},
    "editors": {"tvepisode": "execproducer", "*": "editor"},  # biblatex-apa's executive producer
    "translators": {"*": "translator"},
    "publisher": {"report": "institution", "thesis": "institution", "webpage": "organization",
                  "misc": "organization", "blogpost": "publisher", "*": "publisher"},
    "place": {"presentation": "venue", "*": "location"},
    "event": {"*": "eventtitle"},
    # the series an episode is part of, the blog a post is on
    "booktitle": {"tvepisode": "maintitle", "podcastepisode": "maintitle", "*": "booktitle"},
    "series": {"report": "type", "*": "series"},
    "number": {"article": "eid", "*": "number"},  # an article's number (e123) is its eid
    "issue": {"article": "number", "*": "issue"},
    "genre": {"thesis": "type", "specialissue": "issuetitle", "*": "genre"},  # biblatex-apa's [Special issue]
    # innoref's note is the reader's own, printed by no style: "annote" (biblatex's alias for
    # annotation, which biblatex-apa prints only with annotation=true; plain and apacite never),
    # which pandoc and Citation.js read, where they drop JabRef's "comment".
    "note": {"*": "annote"},
    "journal": {"blogpost": "organization", "*": "journaltitle"},
}

# ISO 639 codes -> babel language names, as biblatex's langid wants them.
LANGIDS = {
    "nb": "norsk", "no": "norsk", "nn": "nynorsk", "sv": "swedish", "da": "danish", "en": "english",
    "en-GB": "british", "en-US": "american", "de": "ngerman", "fr": "french", "fi": "finnish",
    "nl": "dutch", "es": "spanish", "it": "italian", "pt": "portuguese", "is": "icelandic",
    "se": "northernsami", "pl": "polish", "ru": "russian",
}


def entry_type(ref: "Reference") -> str:
    return imported_type(ref, RESTORABLE_BIBLATEX) or ENTRY_TYPES[ref.type]


def _special(ref: "Reference", text) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if ref.date:
        out.append(("date", ref.date.replace("/..", "/")))  # an open range: 2018/
    elif ref.year is not None:
        out.append(("date", str(ref.year)))
    if ref.origyear is not None:
        out.append(("origdate", str(ref.origyear)))
    if ref.type == "specialissue" and not ref.genre:
        out.append(("issuetitle", "Special issue"))  # what biblatex-apa prints in brackets (APA 10.1 Example 12)
    if any(p.particle for p in (*ref.authors, *ref.editors)):
        # innoref sorts and cites "van der Berg" with its particle, as written; useprefix has
        # biber and pandoc do the same.
        out.append(("options", "useprefix=true"))
    if ref.language:
        if ref.language in LANGIDS:
            out.append(("langid", LANGIDS[ref.language]))
        else:
            out.append(("language", text(ref.language, "language")))
    return out


def url_escape(url: str) -> str:
    """biber reads ``url`` and ``doi`` verbatim; only braces, which it counts, and backslashes,
    which would escape them, are %-encoded."""
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


DIALECT = Dialect(
    ascii=False,
    entry_type=entry_type,
    names=FIELD_NAMES,
    special=_special,
    url_escape=url_escape,
    entry_subtype=lambda ref: SUBTYPES.get(ref.type),
    translated_title="origtitle",
)


def render(refs: list["Reference"], *, options: Options = Options()) -> str:
    header = "% Exported by innoref: biblatex, UTF-8, for biber.\n\n"
    return render_entries(refs, DIALECT, header)
