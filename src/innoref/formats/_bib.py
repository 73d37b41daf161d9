"""What BibTeX and biblatex export share: names, titles, the entry layout, and the field plan.

A dialect (``bibtex.py``, ``biblatex.py``) describes itself as a :class:`Dialect`:
entry types per record type, the name of each field per record type, and how
text is escaped (pure ASCII for classic BibTeX, UTF-8 for biber). This module
turns a record into an entry by that description, and writes back every field
the record holds, ``extra`` included, so nothing imported is lost on export.

No I/O. A value that cannot be written raises :class:`~innoref.errors.InvalidInput`
naming the record and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from innoref.errors import InvalidInput
from innoref.latex import LatexError, to_latex

if TYPE_CHECKING:
    from innoref.records import Person, Reference

_FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_:.+/-]*$")

# Imported entry types (kept in ``extra.entrytype``) that export writes again, each
# with the record type an import reads it as. Only types whose fields mean the same
# as those written for that record type are here (an @manual's publisher is its
# "organization", so it stays a report); an entry whose record type was changed
# since the import is written as its new type.
RESTORABLE_CLASSIC = {"inproceedings": "chapter", "conference": "chapter", "proceedings": "book"}
RESTORABLE_BIBLATEX = {
    **RESTORABLE_CLASSIC,
    "inbook": "chapter", "bookinbook": "chapter", "suppbook": "chapter",
    "suppcollection": "chapter", "collection": "book", "mvbook": "book", "mvcollection": "book",
    "mvproceedings": "book", "reference": "book", "mvreference": "book", "suppperiodical": "article",
}

# Entry types -> innoref's types, as an import reads them (importers/bibtex.py), the entry's
# entrysubtype first: biblatex-apa's nonacademic articles are magazine articles, its @video and
# @audio say which kind in entrysubtype.
READ_TYPES = {
    "article": "article", "periodical": "specialissue", "suppperiodical": "article",
    "book": "book", "mvbook": "book", "booklet": "book", "collection": "book", "mvcollection": "book",
    "proceedings": "book", "mvproceedings": "book", "reference": "book", "mvreference": "book",
    "inbook": "chapter", "bookinbook": "chapter", "incollection": "chapter", "inproceedings": "chapter",
    "conference": "chapter", "inreference": "entry", "suppbook": "chapter", "suppcollection": "chapter",
    "techreport": "report", "report": "report", "manual": "report",
    "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
    "online": "webpage", "electronic": "webpage", "www": "webpage",
    "dataset": "dataset", "software": "software", "presentation": "presentation", "unpublished": "manuscript",
    "video": "video", "movie": "film", "audio": "podcast", "music": "podcast",
}
READ_SUBTYPES = {
    ("article", "nonacademic"): "magazine", ("article", "magazine"): "magazine",
    ("article", "newspaper"): "newspaper", ("video", "film"): "film", ("video", "tvepisode"): "tvepisode",
    ("video", "video"): "video", ("audio", "podcast"): "podcast", ("audio", "podcastepisode"): "podcastepisode",
}
# innoref's own field, written when neither the entry type nor its subtype says which kind of work
# the record is (a classic @misc that is a data set, a biblatex @article that is a newspaper's).
KIND_FIELD = "innoreftype"
# The fields biber reads verbatim (biblatex's data model), as an import reads them.
VERBATIM = frozenset({"url", "doi", "eprint", "file", "pdf", "verba", "verbb", "verbc", "urlraw"})


def read_type(entry_type: str, subtype: str | None = None) -> str:
    """The innoref type an import gives an entry of this type and subtype."""
    kind = entry_type.lower()
    return READ_SUBTYPES.get((kind, (subtype or "").strip().lower()), READ_TYPES.get(kind, "misc"))


def imported_type(ref: "Reference", restorable: dict[str, str]) -> str | None:
    """The entry type the record was imported as, when export can write it again."""
    kind = ref.extra.get("entrytype")
    if isinstance(kind, str) and restorable.get(kind.lower()) == ref.type:
        return kind.lower()
    return None


# APA's statuses (records: status) as biblatex's pubstate keys.
PUBSTATES = {"in press": "inpress", "submitted": "submitted", "in preparation": "inpreparation",
             "unpublished": "unpublished"}


_AND = re.compile(r"(?:^|\s)and(?:\s|$)", re.I)
_NAME_SPECIAL = re.compile(r"([\\{}&%$#_~^<>|\"])")


@dataclass(frozen=True)
class Dialect:
    ascii: bool
    entry_type: Callable[["Reference"], str]
    # model field -> dialect field name, per record type ("*" for every type)
    names: dict[str, dict[str, str]]
    # model fields the dialect writes its own way (dates, language, ...)
    special: Callable[["Reference", Callable[[str], str]], list[tuple[str, str]]]
    url_escape: Callable[[str], str]
    skip: frozenset[str] = field(default_factory=frozenset)
    # the entry's subtype (biblatex-apa's nonacademic, film, podcast, ...), or None
    entry_subtype: Callable[["Reference"], str | None] = lambda ref: None
    # where a title's translation goes: "englishtitle" (apacite's field), or "origtitle" for
    # biblatex-apa, which has the translation in title and the original title in origtitle
    translated_title: str = "englishtitle"
    # the type an import reads the entry as (read_type, unless the dialect's fields say more)
    reads_as: Callable[[str, str | None, "Reference"], str] = lambda entry, subtype, ref: read_type(entry, subtype)

    def field_name(self, model_field: str, ref_type: str) -> str:
        by_type = self.names.get(model_field, {})
        return by_type.get(ref_type, by_type.get(WRITTEN_AS.get(ref_type, ""), by_type.get("*", model_field)))


# Norwegian public documents take the fields of the entry they are written as: reports (an
# institution, a type and a number), laws and regulations @misc (@legislation in biblatex).
WRITTEN_AS = {"nou": "report", "meld": "report", "prop": "report", "innst": "report",
               "lov": "misc", "forskrift": "misc",
               # APA's other kinds take the fields of the kind they are nearest to.
               "magazine": "article", "newspaper": "article", "specialissue": "article", "entry": "chapter", "pressrelease": "report",
               "manuscript": "report", "preprint": "webpage", "blogpost": "misc"}
_PUBLIC_KINDS = frozenset(("nou", "meld", "prop", "innst", "lov", "forskrift"))  # documents.KINDS


class Writer:
    """Turns one record into the text of one entry in a dialect."""

    def __init__(self, dialect: Dialect):
        self.d = dialect

    def text(self, value: str, ref: "Reference", name: str, *, squeeze: bool = True) -> str:
        try:
            return to_latex(" ".join(value.split()) if squeeze else value, ascii=self.d.ascii)
        except LatexError as exc:
            hint = "; export --format biblatex writes UTF-8 and can hold it" if self.d.ascii else ""
            raise InvalidInput(f"{ref.key}: {name}: {exc}{hint}") from None

    def name_text(self, value: str, ref: "Reference", name: str) -> str:
        """Text for a name list: each escaped special in its own braces (``{\\&}``), which
        BibTeX and bibtexparser both take as one character, never as a separator."""
        if not _NAME_SPECIAL.search(value):
            return self.text(value, ref, name)
        runs = _NAME_SPECIAL.split(" ".join(value.split()))
        return "".join(
            ("{" + self.text(run, ref, name) + "}") if i % 2 else self.text(run, ref, name, squeeze=False)
            for i, run in enumerate(runs) if run
        )

    def title(self, value: str, ref: "Reference", name: str) -> str:
        """Words with capitals in braces, so no style lower-cases them: ``{L{\\ae}ringsnettverk}``."""
        words = value.split()
        encoded = self.text(" ".join(words), ref, name).split(" ")
        if len(encoded) != len(words):  # an escape with a space in it: word by word
            encoded = [self.text(word, ref, name) for word in words]
        return " ".join("{" + e + "}" if not w.islower() and any(ch.isupper() for ch in w) else e
                        for w, e in zip(words, encoded))

    def person(self, p: "Person", ref: "Reference", name: str) -> str:
        if p.is_organisation:
            return "{" + self.name_text(str(p.name), ref, name) + "}"  # {{Organisation}}: never split into names

        def part(value: str, *, family: bool = False) -> str:
            encoded = self.name_text(value, ref, name)
            risky = "," in value or bool(_AND.search(value))
            if family and (" " in value.strip() or not value[:1].isupper()):
                # BibTeX would read a lower-case or several-word family name as "von" + last;
                # given names stay unbraced so that BibTeX can still make their initials.
                risky = True
            return "{" + encoded + "}" if risky else encoded

        family = part(str(p.family), family=True)
        if p.particle:
            family = self.name_text(p.particle, ref, name) + " " + family
        if p.suffix:
            # "von Last, Jr, First"; with no given name an empty group keeps the parts apart.
            return f"{family}, {part(p.suffix)}, {part(p.given) if p.given else '{}'}"
        if p.given:
            return f"{family}, {part(p.given)}"
        if p.particle or family.startswith("{"):
            # Alone, "van Berg" could read "van" as a given name and "{de la Cruz}" as an
            # organisation; an empty given name says "a person, and this is the family name".
            return f"{family}, {{}}"
        return family

    def people(self, people: list["Person"], ref: "Reference", name: str) -> str:
        return " and ".join(self.person(p, ref, name) for p in people)

    def annotations(self, people: list["Person"], ref: "Reference", name: str) -> list[tuple[str, str]]:
        """Roles and usernames as biber's item annotations, which biblatex-apa prints:
        ``author+an:role = {1=Director}``, ``author+an:username = {1="Kommunekanalen"}``."""
        out = []
        for part, quoted in (("role", False), ("username", True)):
            items = []
            for i, p in enumerate(people, start=1):
                value = getattr(p, part)
                if value:
                    if any(ch in value for ch in '";=,{}'):
                        raise InvalidInput(f"{ref.key}: {name}: the {part} '{value}' cannot be a biber "
                                           f"annotation (no quotes, semicolons, commas, = or braces)")
                    text = self.text(value, ref, name)
                    items.append(f'{i}="{text}"' if quoted else f"{i}={text}")
            if items:
                out.append((f"{name}+an:{part}", ";".join(items)))
        return out

    def fields(self, ref: "Reference") -> list[tuple[str, str]]:
        kind = ref.type
        out: list[tuple[str, str]] = []
        esc = lambda name: (lambda v: self.text(v, ref, name))  # noqa: E731
        subtype = self.d.entry_subtype(ref)
        if subtype:
            out.append(("entrysubtype", subtype))
        # (a public document is known again by its designation: documents.recognise)
        if kind not in _PUBLIC_KINDS and self.d.reads_as(self.d.entry_type(ref), subtype, ref) != ref.type:
            out.append((KIND_FIELD, kind))
        for model_field in ("authors", "editors", "translators"):
            people = getattr(ref, model_field)
            if people:
                bib = self.d.field_name(model_field, kind)
                out.append((bib, self.people(people, ref, bib)))
                out += self.annotations(people, ref, bib)
        titles = [("title", ref.title), ("booktitle", ref.booktitle)]
        if ref.translated_title:
            if self.d.translated_title == "origtitle" and not ref.translators:
                # (a translated work's origtitle is its original's title: then englishtitle)
                titles[0:1] = [("origtitle", ref.title), ("title", ref.translated_title)]
            else:
                titles.append(("englishtitle", ref.translated_title))
        for model_field, value in titles:
            if value:
                bib = self.d.field_name(model_field, kind)
                out.append((bib, self.title(value, ref, bib)))
        out += self.d.special(ref, lambda v, n="": self.text(v, ref, n or "field"))
        if ref.status:
            out.append(("pubstate", PUBSTATES[ref.status]))
        plain = ("publisher", "institution", "place", "series", "number", "edition", "version", "genre", "journal",
                 "event", "volume", "issue", "isbn", "abstract", "note", "availability")
        public = kind in _PUBLIC_KINDS
        for model_field in plain:
            value = getattr(ref, model_field)
            if value and model_field not in self.d.skip and not (public and model_field == "number"):
                bib = self.d.field_name(model_field, kind)
                if model_field == "publisher" and kind == "thesis" and ref.institution:
                    bib = "publisher"  # a thesis in a database: the university is its institution
                out.append((bib, esc(bib)(str(value))))
        if public:
            from innoref import documents

            # The whole designation in type: apacite and biblatex-apa print a report's type in
            # parentheses after its title, "(Meld. St. 20 (2009–2010))", but a number of its own
            # with "No."/"Nr." before it. A law's date code stays its number. An import reads the
            # document back from them (documents.recognise).
            if kind in documents.CODE_KINDS:
                out.append(("type", esc("type")(documents.series_name(ref))))
                out.append(("number", esc("number")(ref.number)))
            else:
                out.append(("type", esc("type")(documents.designation(ref))))
        if ref.short_title:
            out.append(("shorttitle", self.title(ref.short_title, ref, "shorttitle")))
        if ref.pages:
            from innoref.formats.apa import page_range

            pieces = page_range(ref.pages).split("\u2013")
            out.append(("pages", "--".join(esc("pages")(p) for p in pieces)))
        if ref.doi:
            out.append(("doi", self.d.url_escape(ref.doi)))
        if ref.url:
            out.append(("url", self.d.url_escape(ref.url)))
        if ref.accessed:
            out.append(("urldate", ref.accessed))
        if ref.keywords:
            out.append(("keywords", esc("keywords")(", ".join(ref.keywords))))
        if ref.themes:
            out.append(("themes", esc("themes")(", ".join(ref.themes))))
        taken = {name.lower() for name, _ in out}
        for key, value in ref.extra.items():
            if key.lower() in taken or key.lower() in ("key", "entrytype", "id"):
                continue
            if not _FIELD_NAME.match(key):
                raise InvalidInput(f"{ref.key}: extra.{key}: '{key}' cannot be a BibTeX field name")
            text = _extra_text(value, ref, key)
            # A field biber reads verbatim (eprint, file) is written as a URL is, not as LaTeX.
            verbatim = key.lower() in VERBATIM and not self.d.ascii
            out.append((key, self.d.url_escape(text) if verbatim else esc(key)(text)))
            taken.add(key.lower())
        return out

    def entry(self, ref: "Reference") -> str:
        if self.d.ascii and not ref.key.isascii():
            raise InvalidInput(_non_ascii_key(ref.key))
        lines = [f"@{self.d.entry_type(ref)}{{{ref.key},"]
        lines += [f"  {name} = {value}," if isinstance(value, _Macro) else f"  {name} = {{{value}}},"
                  for name, value in self.fields(ref)]
        lines.append("}")
        return "\n".join(lines) + "\n"


def _non_ascii_key(key: str) -> str:
    """Classic BibTeX and LaTeX's \\cite read a key as bytes; a letter outside ASCII in it breaks
    \\cite under pdflatex and sorts apart in bibtex. A key is how documents cite a record, so it
    is not changed behind the user's back: the message names it and the two ways out."""
    from innoref.text import fold

    ascii_key = "".join(c if c.isascii() else fold(c) for c in key)
    return (f"{key}: key: classic BibTeX needs a key in plain ASCII, and '{key}' is not; rename it "
            f"(innoref edit '{key}' --set key={ascii_key}) or export --format biblatex, which biber "
            f"reads in UTF-8")


class _Macro(str):
    """A value written bare, as a BibTeX macro: ``month = apr``."""


def _extra_text(value: Any, ref: "Reference", key: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return ", ".join(str(v) for v in value)
    raise InvalidInput(f"{ref.key}: extra.{key}: a {type(value).__name__} cannot be written as a BibTeX field")


def render_entries(refs: list["Reference"], dialect: Dialect, header: str) -> str:
    writer = Writer(dialect)
    return header + "\n".join(writer.entry(r) for r in refs)
