"""Test helper: read a BibTeX/biblatex export back with bibtexparser 2 into innoref records.

Uses bibtexparser's parser, its name splitting (``split_multiple_persons_names``,
``parse_single_name_into_parts``) and pylatexenc decoding (``innoref.latex.decoder``,
the decoder bibtexparser's ``LatexDecodingMiddleware`` takes). The field names are
the dialect module's own tables, read in reverse, so a test compares what the
file says with the record it came from.
"""

from __future__ import annotations

import bibtexparser
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

from innoref.latex import from_latex
from innoref.documents import recognise
from innoref.models import reference, validate_reference
from innoref.records import FIELDS, Reference

_ORG_OPEN = "{"


def _balanced_whole(text: str) -> bool:
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0 and i < len(text) - 1:
            return False
    return depth == 0


def read_people(raw: str) -> list[dict]:
    out = []
    for name in split_multiple_persons_names(raw):
        name = name.strip()
        if name.startswith("{") and name.endswith("}") and _balanced_whole(name):
            out.append({"name": from_latex(name[1:-1])})
            continue
        parts = parse_single_name_into_parts(name, strict=True)
        person = {"family": from_latex(" ".join(parts.last))}
        if parts.first and from_latex(" ".join(parts.first)):
            person["given"] = from_latex(" ".join(parts.first))
        if parts.von:
            person["particle"] = from_latex(" ".join(parts.von))
        if parts.jr:
            person["suffix"] = from_latex(" ".join(parts.jr))
        out.append(person)
    return out


def read(text: str, module) -> list[Reference]:
    """The records a .bib text holds, mapped back through ``module``'s tables."""
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    plain = ("report", "book", "article", "chapter", "thesis", "webpage", "misc")
    types = {v: k for k, v in module.ENTRY_TYPES.items() if k in plain}
    types.update(mastersthesis="thesis", legislation="misc")
    refs = []
    for entry in library.entries:
        kind = types[entry.entry_type.lower()]
        if module.__name__.endswith(".bibtex") and kind == "misc" and "type" in entry.fields_dict:
            kind = "webpage"  # classic BibTeX: a @misc with a type is a web page
            if entry.fields_dict["type"].value == module.WEB_PAGE:
                entry.pop("type")
        back = {}
        for model_field, by_type in module.FIELD_NAMES.items():
            back[by_type.get(kind, by_type.get("*", model_field))] = model_field
        data: dict = {"key": entry.key, "type": kind, "extra": {}}
        for f in entry.fields:
            name, raw = f.key, f.value
            if name in ("author", "editor"):
                data[back[name]] = read_people(raw)
            elif name == "year":
                data["year"] = int(raw)
            elif name == "date":
                data["date"] = raw
                data["year"] = int(raw[:4])
            elif name == "langid":
                from innoref.formats.biblatex import LANGIDS

                data["language"] = data.get("language") or {v: k for k, v in reversed(list(LANGIDS.items()))}[raw]
            elif name == "language":
                data["language"] = from_latex(raw)
            elif name == "month" or (name == "options" and raw == "useprefix=true"):
                continue  # the month is in date too; useprefix is what innoref does anyway
            elif name in ("doi", "url"):
                # URLs are verbatim (as \url reads them), with "%" and "#" escaped in classic BibTeX.
                data[name] = raw.replace("\\%", "%").replace("\\#", "#") if module.DIALECT.ascii else raw
            elif name == "urldate":
                data["accessed"] = raw
            elif name in ("keywords", "themes"):
                data[name] = [w.strip() for w in from_latex(raw).split(",")]
            elif name in back:
                data[back[name]] = from_latex(raw)
            elif name == "type":  # a @misc's or @legislation's type: "Lov"
                data["genre"] = from_latex(raw)
            elif name == "shorttitle":
                data["short_title"] = from_latex(raw)
            elif name in FIELDS and name not in ("extra", "key", "type"):
                data[name] = from_latex(raw)
            else:
                data["extra"][name] = from_latex(raw)
        if data.get("date") and len(data["date"]) == 4:
            del data["date"]
        refs.append(validate_reference(recognise(data)))  # a report of type "NOU" is an NOU
    return refs
