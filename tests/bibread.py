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
from innoref.formats._bib import VERBATIM
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
    plain = ("report", "book", "article", "chapter", "thesis", "webpage", "misc", "entry", "presentation",
             "dataset", "software", "manuscript", "video", "specialissue")
    types: dict = {}
    for k, v in module.ENTRY_TYPES.items():  # @incollection: a chapter, unless innoreftype says an entry
        if k in plain:
            types.setdefault(v, k)
    types.update(mastersthesis="thesis", legislation="misc", audio="podcast", misc="misc")
    subtypes: dict = {}
    for k, v in getattr(module, "SUBTYPES", {}).items():  # nonacademic: a magazine, unless innoreftype says
        subtypes.setdefault((module.ENTRY_TYPES[k], v), k)
    refs = []
    for entry in library.entries:
        fields = entry.fields_dict
        kind = types[entry.entry_type.lower()]
        if "entrysubtype" in fields:  # biblatex-apa's nonacademic articles, films, podcasts
            kind = subtypes.get((entry.entry_type.lower(), entry.pop("entrysubtype").value), kind)
        if "innoreftype" in fields:  # innoref's own: the kind the entry type does not say
            kind = entry.pop("innoreftype").value
        if module.__name__.endswith(".bibtex") and kind == "misc" and "type" in entry.fields_dict:
            kind = "webpage"  # classic BibTeX: a @misc with a type is a web page
            if entry.fields_dict["type"].value == module.WEB_PAGE:
                entry.pop("type")
        back = {}
        for model_field, by_type in module.FIELD_NAMES.items():  # the first field named so: publisher
            back.setdefault(module.DIALECT.field_name(model_field, kind), model_field)
        if kind == "thesis" and "publisher" in fields:  # a thesis in a database: institution is the university
            back[module.DIALECT.field_name("institution", kind)] = "institution"
        if kind == "specialissue" and fields.get("issuetitle") and fields["issuetitle"].value == "Special issue":
            entry.pop("issuetitle")  # biblatex-apa's label of every special issue, not a genre of its own
        data: dict = {"key": entry.key, "type": kind, "extra": {}}
        annotations = {}
        for f in entry.fields:
            name, raw = f.key, f.value
            if "+an:" in name:
                annotations[name] = raw
            elif name in back and back[name] in ("authors", "editors", "translators"):
                data[back[name]] = read_people(raw)
            elif name == "origtitle":  # biblatex-apa: the original title, its translation in title
                data["origtitle"] = from_latex(raw)
            elif name == "englishtitle":
                data["translated_title"] = from_latex(raw)
            elif name in ("origdate", "originalyear"):
                data["origyear"] = int(raw)
            elif name == "pubstate":
                data["status"] = {"inpress": "in press", "inpreparation": "in preparation"}.get(raw, raw)
            elif name == "year":
                data["year"] = int(raw)
            elif name == "date":
                data["date"] = raw + ".." if raw.endswith("/") else raw  # biblatex's open range: 2018/
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
            elif name in VERBATIM and not module.DIALECT.ascii:
                # biber reads eprint and the like verbatim; innoref %-encodes the braces and backslashes.
                data["extra"][name] = raw.replace("%7B", "{").replace("%7D", "}").replace("%5C", "\\")
            else:
                data["extra"][name] = from_latex(raw)
        if data.get("date") and len(data["date"]) == 4:
            del data["date"]
        if "origtitle" in data:
            data["translated_title"], data["title"] = data.pop("title"), data.pop("origtitle")
        for name, raw in annotations.items():  # author+an:role = {1=Director}: the person's role
            field, part = name.split("+an:")
            for item in raw.split(";"):
                n, value = item.split("=", 1)
                data[back[field]][int(n) - 1][part] = from_latex(value.strip('"'))
        refs.append(validate_reference(recognise(data)))  # a report of type "NOU" is an NOU
    return refs
