"""Classic BibTeX (``.bib``) for ``bibtex`` with any style: plain, apacite, ...

Pure ASCII: classic BibTeX slices UTF-8 bytes (an initial of "Øystein" becomes
half a character), so letters are LaTeX escapes (``{\\O}ystein``) and the LaTeX
specials are escaped. Organisations are in double braces, capitals in titles
are protected, page ranges use ``--``, reports are ``@techreport`` with
``institution``, ``type`` (the series) and ``number``, theses ``@phdthesis`` or
``@mastersthesis`` with ``school`` and ``type``, web pages ``@misc`` with
``type = {Web page}`` (no classic style knows ``@online``). Fields BibTeX styles do not
print (``isbn``, ``doi``, ``url``, ``urldate``, ``language``, ``themes``, the
record's ``extra`` fields) are written too, so a round trip keeps them.

Records in, text out: no I/O. A character with no LaTeX spelling is an error
naming the record and field.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from innoref.formats import Options
from innoref.formats._bib import RESTORABLE_CLASSIC, Dialect, _Macro, imported_type, read_type, render_entries

if TYPE_CHECKING:
    from innoref.records import Reference

DESCRIPTION = "classic BibTeX, pure ASCII with LaTeX escapes, for bibtex with any .bst (plain, apacite)"
SUFFIX = ".bib"
OPTIONS: tuple[str, ...] = ()

ENTRY_TYPES = {
    "report": "techreport", "book": "book", "article": "article", "chapter": "incollection",
    "thesis": "phdthesis", "webpage": "misc", "misc": "misc",
    # APA's other kinds as the classic entries nearest to them; innoreftype says which kind.
    "magazine": "article", "newspaper": "article", "specialissue": "article", "blogpost": "misc", "entry": "incollection",
    "pressrelease": "techreport", "presentation": "misc", "dataset": "misc", "software": "misc",
    "preprint": "misc", "manuscript": "unpublished", "film": "misc", "tvepisode": "misc", "video": "misc",
    "podcast": "misc", "podcastepisode": "misc",
    # Norwegian public documents: reports with their designation in type and number; laws @misc.
    "nou": "techreport", "meld": "techreport", "prop": "techreport", "innst": "techreport",
    "lov": "misc", "forskrift": "misc",
}

# model field -> BibTeX field, by record type ("*": every other type)
FIELD_NAMES = {
    "authors": {"*": "author"},
    "editors": {"*": "editor"},
    "translators": {"*": "translator"},  # apacite's translator
    "publisher": {"report": "institution", "thesis": "school", "*": "publisher"},
    "institution": {"thesis": "school", "*": "institution"},
    "event": {"*": "eventtitle"},
    "place": {"*": "address"},
    "series": {"report": "type", "*": "series"},
    "number": {"article": "eid", "*": "number"},  # an article's number (e123) is its eid
    "issue": {"article": "number", "*": "issue"},
    "genre": {"thesis": "type", "webpage": "type", "*": "genre"},
    # innoref's note is the reader's own, printed by no style: "annote" (biblatex's alias for
    # annotation, which biblatex-apa prints only with annotation=true; plain and apacite never),
    # which pandoc and Citation.js read, where they drop JabRef's "comment".
    "note": {"*": "annote"},
}


WEB_PAGE = "Web page"
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def entry_type(ref: "Reference") -> str:
    restored = imported_type(ref, RESTORABLE_CLASSIC)
    if restored:
        return restored
    if ref.type == "thesis" and ref.genre and re.search(r"master|magister|hovedfag", ref.genre, re.I):
        return "mastersthesis"
    return ENTRY_TYPES[ref.type]


def _special(ref: "Reference", text) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if ref.year is not None:
        out.append(("year", str(ref.year)))
    if ref.date and len(ref.date) > 4:
        out.append(("date", ref.date.replace("/..", "/")))  # biblatex's open range: 2018/
    if ref.date and ref.date[4:5] == "-":
        # The month as BibTeX's own macro (jan ... dec), which every style and reader knows; the
        # whole date is in date too, for biber and for innoref.
        out.append(("month", _Macro(_MONTHS[int(ref.date[5:7]) - 1])))
    if ref.origyear is not None:
        out.append(("originalyear", str(ref.origyear)))  # apacite: "(Original work published 1922)"
    if ref.language:
        out.append(("language", text(ref.language, "language")))
        from innoref.formats.biblatex import LANGIDS

        if ref.language in LANGIDS:  # pandoc reads the language only from langid
            out.append(("langid", LANGIDS[ref.language]))
    if ref.type == "webpage" and not ref.genre:
        # Classic styles have no @online; apacite prints a @misc's type as "[Web page]",
        # and the type tells a reader this @misc is a web page.
        out.append(("type", WEB_PAGE))
    return out


def url_escape(url: str) -> str:
    """A URL or DOI as classic BibTeX can carry it into a .bbl: pure ASCII, balanced.

    Non-ASCII letters, braces and backslashes are %-encoded as a browser would; then
    "%" and "#" are escaped, since in a .bbl "%" starts a TeX comment (``\\url``
    prints ``\\%`` as "%").
    """
    from urllib.parse import quote

    url = quote(url, safe="".join(chr(c) for c in range(33, 127) if chr(c) not in "{}\\"))
    return url.replace("%", "\\%").replace("#", "\\#")


def _reads_as(entry: str, subtype: str | None, ref: "Reference") -> str:
    """A @misc with ``type = {Web page}`` is read as a web page (importers/bibtex.py)."""
    if entry == "misc" and ref.type == "webpage" and not ref.genre:
        return "webpage"
    return read_type(entry, subtype)


DIALECT = Dialect(
    ascii=True,
    entry_type=entry_type,
    names=FIELD_NAMES,
    special=_special,
    url_escape=url_escape,
    reads_as=_reads_as,
)


def render(refs: list["Reference"], *, options: Options = Options()) -> str:
    header = "% Exported by innoref: classic BibTeX, pure ASCII with LaTeX escapes.\n\n"
    return render_entries(refs, DIALECT, header)
