"""APA 7: the reference list and in-text citations, in English and Norwegian.

The rules are the APA *Publication Manual* (7th ed.) as its reference examples
show them, and for ``nb``/``nn`` Sikt's *Norsk APA-manual* (the CSL style
``norsk-apa-manual``): no comma before "&" in the reference list, "og" in
narrative citations, "u.å.", "(Red.)", "I", "s.", "(3. utg.)", "Hentet ... fra".
The words of each language are data (:data:`TERMS`); the shape of each
reference type is a template (:data:`TEMPLATES`) built from ``_style``'s
combinators, and the markup (text, Markdown, HTML) is a backend chosen at the end.

Pure: records in, text out. Never reads files, prints or exits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field as dc_field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable
from urllib.parse import quote

from innoref.documents import CODE_KINDS, LOVDATA, SESSION_KINDS, designation, is_public, lower_in_text
from innoref.formats import Options
from innoref.records import IN_WORK, PERIODICAL
from innoref.formats._style import (
    BACKENDS,
    Italic,
    Link,
    Missing,
    needs,
    Rich,
    String,
    bracket,
    first_of,
    italic,
    join,
    join_,
    optional,
    paren,
    sentence,
    seq,
    toplevel,
    when,
    words,
)
from innoref.formats._style import field as f

if TYPE_CHECKING:
    from innoref.records import Person, Reference

DESCRIPTION = "APA 7 reference list, one reference per line (--lang en|nb|nn, --markup text|markdown|html)"
SUFFIX = ".txt"
OPTIONS = ("lang", "markup")

# --------------------------------------------------------------------------- the words of each language

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
_MONTHS_NO = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
              "september", "oktober", "november", "desember")


def _ordinal_en(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def _date_en(y: int, m: int | None, d: int | None) -> str:
    if m and d:
        return f"{_MONTHS_EN[m - 1]} {d}, {y}"
    return f"{_MONTHS_EN[m - 1]} {y}" if m else str(y)


def _date_no(y: int, m: int | None, d: int | None) -> str:
    if m and d:
        return f"{d}. {_MONTHS_NO[m - 1]} {y}"
    return f"{_MONTHS_NO[m - 1]} {y}" if m else str(y)


@dataclass(frozen=True)
class Terms:
    """What differs between English APA and Sikt's Norwegian APA."""

    amp_comma: bool  # comma before "&" in the reference list: "Moland, L. E., ... , & Hofstad, T."
    and_word: str  # narrative citations: "Frankelius and Utbult (2009)"
    no_date: str
    editor: str
    editors: str
    in_word: str
    page: str
    pages: str
    edition_numbered: str  # {n} is the number, {ordinal} its English ordinal
    edition_word: str  # after a non-numeric edition: "Rev. ed."
    report_no: str
    thesis: str  # when a thesis has no genre
    retrieved: str  # {date} {url}
    long_date: Any  # (y, m, d) -> "March 5, 2024"
    month_day: Any  # (m, d) -> "March 5" in "(2024, March 5)"
    quotes: tuple[str, str]
    article: str  # an article number in place of pages: "Article e123"
    chapter: str = "Chapter"  # a chapter as a locator in a citation: "(Moland et al., 2013, Chapter 4)"
    paragraph: str = "para."  # a paragraph as a locator: "(Helsedirektoratet, 2015, para. 3)"
    translator: str = "Trans."  # "(K. Holm, Trans.)" (APA 9.39)
    volume: str = "Vol."  # "(2nd ed., Vol. 2)" (APA 9.20)
    version: str = "Version"  # "(Version 1.4.2)" (APA 10.9, 10.10)
    in_press: str = "in press"  # in place of the year (APA 9.16)
    original: str = "Original work published {year}"  # after a translation or reprint (APA 9.41)
    present: str = "present"  # an open range: "(2018–present)" (APA 10.13 Example 93)
    season_episode: str = "Season {season}, Episode {episode}"  # a TV episode (APA 10.12 Example 87)
    episode_no: str = "No. {n}"  # a podcast episode (APA 10.13 Example 94)
    publication_no: str = "Publication No. {n}"  # a thesis in a database (APA 10.6 Example 65)
    roles: dict = dc_field(default_factory=dict)  # a role's word: director -> Director
    descriptions: dict = dc_field(default_factory=dict)  # a kind's description in brackets
    manuscripts: dict = dc_field(default_factory=dict)  # a manuscript's description, by its status
    theses: dict = dc_field(default_factory=dict)  # the English kinds of thesis an import gives, in this language


# The descriptions the manual's examples give each kind (9.21; 10.4-10.13), and a manuscript's by
# its status (10.8).
_DESCRIPTIONS = {"dataset": "Data set", "software": "Computer software", "film": "Film", "video": "Video",
                 "podcast": "Audio podcast", "podcastepisode": "Audio podcast episode",
                 "tvepisode": "TV series episode", "presentation": "Paper presentation",
                 "pressrelease": "Press release", "specialissue": "Special issue"}
_MANUSCRIPTS = {None: "Unpublished manuscript", "unpublished": "Unpublished manuscript",
                "submitted": "Manuscript submitted for publication", "in preparation": "Manuscript in preparation"}

TERMS: dict[str, Terms] = {
    # APA Publication Manual, 7th ed.: Sections 9.8, 9.17, 9.41, 10.2, 10.3, 10.16.
    "en": Terms(
        amp_comma=True, and_word="and", no_date="n.d.", editor="Ed.", editors="Eds.",
        in_word="In", page="p.", pages="pp.", edition_numbered="{ordinal} ed.", edition_word="ed.",
        report_no="Report No.", thesis="Thesis", retrieved="Retrieved {date}, from ",
        long_date=_date_en,
        month_day=lambda m, d: f"{_MONTHS_EN[m - 1]} {d}" if d else _MONTHS_EN[m - 1],
        quotes=("\u201c", "\u201d"), article="Article",
        # APA 9.10 and the examples of 10.12-10.13: the roles as the manual writes them.
        roles={"director": "Director", "writer": "Writer", "host": "Host", "producer": "Producer",
               "executive producer": "Executive Producer"},
        descriptions=_DESCRIPTIONS, manuscripts=_MANUSCRIPTS,
    ),
    # Sikt, Norsk APA-manual (APA 7), as on sokogskriv.no: "Gullestad, S. E. & Killingmo, B. (2013).
    # *Underteksten* (2. utg.)", "I I. B. Jørgensen & N. Askeland (Red.), ... (s. 157–178)",
    # "(2018, 26. september)", "u.å.", "Hentet 22. juni 2018 fra https://...".
    "nb": Terms(
        amp_comma=False, and_word="og", no_date="u.å.", editor="Red.", editors="Red.",
        in_word="I", page="s.", pages="s.", edition_numbered="{n}. utg.", edition_word="utg.",
        report_no="Rapport nr.", thesis="Avhandling", retrieved="Hentet {date} fra ",
        long_date=_date_no,
        month_day=lambda m, d: f"{d}. {_MONTHS_NO[m - 1]}" if d else _MONTHS_NO[m - 1],
        quotes=("\u00ab", "\u00bb"), article="Artikkel", chapter="kap.", paragraph="avsn.",
        # Where the guides say nothing: the CSL project's nb-NO locale, which the CSL style
        # norsk-apa-manual uses ("Overs.", "Bd.", "Versjon", "i trykk"), and biblatex-apa's
        # norsk-apa.lbx ("Opprinnelig publisert", "Regissør", "Manus", "Utøvende produsent").
        translator="Overs.", volume="Bd.", version="Versjon", in_press="i trykk",
        original="Opprinnelig publisert {year}", present="i dag", season_episode="Sesong {season}, episode {episode}",
        episode_no="Nr. {n}", publication_no="Publikasjonsnr. {n}",
        roles={"director": "Regissør", "writer": "Manus", "host": "Vert", "producer": "Produsent",
               "executive producer": "Utøvende produsent"},
        # No Norwegian source names these descriptions: they stay as the manual has them, and a
        # record's own genre replaces them ("Datasett").
        descriptions=_DESCRIPTIONS, manuscripts=_MANUSCRIPTS,
        # biblatex-apa's norsk-apa.lbx (phdthesis, mathesis)
        theses={"Doctoral dissertation": "Doktoravhandling", "Master's thesis": "Masteroppgave"},
    ),
}
# Nynorsk: the same manual's rules; the two words that differ in Nynorsk are "henta" and "frå"
# (the CSL locale nn-NO says "henta" and "frå"; "u.å." and "red." are the same in both).
TERMS["nn"] = Terms(**{**TERMS["nb"].__dict__, "retrieved": "Henta {date} frå ", "translator": "Oms.",
                        "original": "Opphavleg publisert {year}",
                        "roles": {**TERMS["nb"].roles, "executive producer": "Utøvande produsent"},
                        "theses": {**TERMS["nb"].theses, "Master's thesis": "Masteroppgåve"}})

# --------------------------------------------------------------------------- names


@lru_cache(maxsize=16384)
def initials(given: str) -> str:
    """APA initials of every given name: "Leif E." -> "L. E.", "May-Britt" -> "M.-B."."""
    out = []
    for word in re.split(r"[\s.]+", given):
        if not word:
            continue
        parts = [p for i, p in enumerate(word.split("-")) if p and (i == 0 or not p[:1].islower())]
        letters = []  # "Mary-jo" is "M." (APA 9.8): a lower-case part after a hyphen has no initial
        for part in parts:
            letter = next((ch for ch in part if ch.isalpha()), "")
            if letter:
                letters.append(letter + ".")
        if letters:
            out.append("-".join(letters))
    return " ".join(out)


def name_inverted(p: "Person", t: "Terms | None" = None) -> str:
    """Reference-list form: "Ure, O. B.", "van der Berg, J.", "King, M. L., Jr."; organisations whole;
    a username in brackets and a role in parentheses after it: "Lindahl, E. [Kommunekanalen]",
    "Kjeldsen, M. (Director)" (APA 9.8, 9.10)."""
    if p.is_organisation:
        out = str(p.name)
    else:
        out = p.family_full
        if p.given and initials(p.given):
            out += ", " + initials(p.given)
        if p.suffix:
            out += ", " + p.suffix
    if p.username:
        out += f" [{p.username}]"
    if p.role:
        out += f" ({role_word(p.role, t)})"
    return out


def role_word(role: str, t: "Terms | None") -> str:
    """A role as the citation language writes it: director is Director, Regissør."""
    words = t.roles if t is not None else TERMS["en"].roles
    return words.get(role.strip().lower(), role)


def name_normal(p: "Person") -> str:
    """Editors after "In": "S. P. Osborne", "H. L. Roediger III"."""
    if p.is_organisation:
        return str(p.name)
    parts = [initials(p.given)] if p.given and initials(p.given) else []
    parts.append(p.family_full)
    if p.suffix:
        parts.append(p.suffix)
    return " ".join(parts)


def list_names(names: list[str], t: Terms, *, inverted: bool, first_is_group: bool = False) -> str:
    """Up to 20 names with "&" before the last; 21 or more: the first 19, ". . .", the last."""
    if len(names) == 1:
        return names[0]
    if len(names) >= 21:
        return ", ".join(names[:19]) + ", . . . " + names[-1]
    # "Frankelius, P., & Utbult, M." (inverted) but "S. P. Osborne & L. Brown" (normal order, two):
    # the comma before "&" of two names separates the first one's initials (APA 9.8), so two
    # group authors have none: "Kommunenes Sentralforbund & Arbeids- og velferdsdirektoratet".
    comma = t.amp_comma and ((inverted and not (len(names) == 2 and first_is_group)) or len(names) > 2)
    return ", ".join(names[:-1]) + ("," if comma else "") + " & " + names[-1]


# --------------------------------------------------------------------------- ordering and a/b letters


_NOT_LETTER = re.compile(r"[^\w]|_")


@lru_cache(maxsize=1 << 16)  # names repeat across a library: each is folded once
def collate(text: str, lang: str) -> str:
    """A sort key: English folds æ ø å to a e/o/a; Norwegian puts æ ø å after z, as its alphabet does,
    and "aa" with "å" ("Aas" after "Øye"), as Unicode CLDR's Norwegian collation and biber do.
    Letter by letter (APA 9.44): spaces, hyphens and apostrophes do not count, so "de Onís" falls
    between Denzin and Devlin, "MacCallum" before "M'Carthy", "Villafuerte" before "Villa-Lobos"."""
    text = _NOT_LETTER.sub("", unicodedata.normalize("NFC", text.lower()))
    if lang in ("nb", "nn"):
        text = text.replace("aa", "å").translate(str.maketrans({"æ": "{", "ä": "{", "ø": "|", "ö": "|", "å": "}"}))
        text = unicodedata.normalize("NFKD", text)
        return "".join(ch for ch in text if not unicodedata.combining(ch))
    from innoref.text import fold

    return fold(text)


_ARTICLE = re.compile(r"^(?:the|an?)\s+", re.I)


def _title_key(title: str, lang: str) -> str:
    # APA 9.44/9.47: ignore an initial "A", "An" or "The" when ordering by title.
    return collate(_ARTICLE.sub("", title), lang)


def _creators(ref: "Reference") -> list["Person"]:
    # The editors of a work in another are that work's ("In E. Zalta (Ed.), *Encyclopedia*"): with no
    # author, the title moves to the author's place (APA 9.12; 10.3 Example 49), not the editors.
    if ref.type in IN_WORK:
        return list(ref.authors)
    return list(ref.authors or ref.editors)


def _identity(ref: "Reference") -> tuple:
    """Who the work is by, as APA compares it for a/b letters: names and initials in order."""
    if is_public(ref.type):
        return ("document", designation(ref).casefold())
    people = _creators(ref)
    if not people:
        return ("title", ref.title.casefold())
    return tuple(
        ("org", p.name.casefold()) if p.is_organisation
        else (p.family_full.casefold(), initials(p.given or "").casefold(), (p.suffix or "").casefold())
        for p in people
    )


def year_suffixes(refs: Iterable["Reference"], lang: str = "en") -> dict[str, str]:
    """Letters for works by the same author(s) in the same year, assigned in title order.

    APA 9.47: "2012a", "2012b"; with no date, "n.d.-a", "n.d.-b". Only keys that
    need a letter are in the result.
    """
    groups: dict[tuple, list["Reference"]] = {}
    for ref in refs:
        # By the date as printed: "2018", "2018–present", "in press" and "n.d." are each their own.
        groups.setdefault((_identity(ref), year_text(ref, TERMS["en"], "")), []).append(ref)
    out: dict[str, str] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda r: (_title_key(r.title, lang), r.key))
        for i, ref in enumerate(members):
            out[ref.key] = _letters(i)
    return out


def _letters(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        letters = chr(ord("a") + rem) + letters
    return letters


def _name_key(p: "Person", lang: str) -> tuple:
    if p.is_organisation:
        return (collate(str(p.name), lang),)
    return (collate(p.family_full, lang), collate(initials(p.given or ""), lang))


def sort_key(ref: "Reference", lang: str = "en") -> tuple:
    """APA 9.44–9.48: by names letter by letter (one author before the same author with
    others), then year (n.d. first), then title; works with no author by title."""
    people = _creators(ref)
    if is_public(ref.type):  # by its first element, the designation, as any other entry
        head = ((collate(designation(ref), lang),),)
    else:
        head = tuple(_name_key(p, lang) for p in people) if people else ((_title_key(ref.title, lang),),)
    # No date first, then by year, then works in press (APA 9.46).
    when = (2, 0) if ref.status == "in press" else (0, 0) if ref.year is None else (1, ref.year)
    return (head, when, _title_key(ref.title, lang), ref.key)


def ordered(refs: Iterable["Reference"], lang: str = "en") -> list["Reference"]:
    return sorted(refs, key=lambda r: sort_key(r, lang))


# --------------------------------------------------------------------------- pieces of a reference


@dataclass
class Ctx:
    ref: "Reference"
    lang: str
    t: Terms
    suffix: str = ""
    extra: dict = dc_field(default_factory=dict)


def _is_group_author(ctx: Ctx, name: str) -> bool:
    from innoref.text import fold

    return any(p.is_organisation and fold(str(p.name)) == fold(name) for p in _creators(ctx.ref))


def creators(ctx: Ctx) -> Rich:
    ref = ctx.ref
    people = ref.authors or ref.editors
    if not people:
        raise Missing("authors")
    names = list_names([name_inverted(p, ctx.t) for p in people], ctx.t, inverted=True,
                       first_is_group=people[0].is_organisation)
    if ref.authors:
        return String(names)
    if all(p.role for p in ref.editors):  # the roles are said with each name
        return String(names)
    label = ctx.t.editor if len(ref.editors) == 1 else ctx.t.editors
    return String(names + f" ({label})")


def has_creators(ctx: Ctx) -> bool:
    return bool(_creators(ctx.ref))


def year_text(ref: "Reference", t: Terms, suffix: str) -> str:
    """The year of a reference: "2013a", "n.d.", "in press"; a range "2018–2019", "2018–present"."""
    if ref.status == "in press":
        return t.in_press + (f"-{suffix}" if suffix else "")
    if ref.year is None:
        return t.no_date + (f"-{suffix}" if suffix else "")
    if ref.date and "/" in ref.date:
        start, end = ref.date.split("/")
        if end == "..":  # letters as after "n.d." (APA 9.47): "2018–present-a"
            return f"{ref.year}\u2013{t.present}" + (f"-{suffix}" if suffix else "")
        if end[:4] != start[:4] and ref.type not in DATED:
            return f"{ref.year}\u2013{end[:4]}{suffix}"
    return f"{ref.year}{suffix}"


# Kinds whose reference carries the day or month, as the manual's examples do (APA 9.14;
# 10.1 Examples 15-17, 10.4 Example 59, 10.5, 10.12-10.13, 10.16); the others their year.
DATED = frozenset({"magazine", "newspaper", "blogpost", "webpage", "pressrelease", "presentation", "video",
                   "podcastepisode", "tvepisode", "entry"})


def _day_month(t: Terms, iso: str) -> str:
    month = int(iso[5:7])
    day = int(iso[8:10]) if len(iso) == 10 else None
    return t.month_day(month, day)


def _range_text(t: Terms, start: str, end: str) -> str:
    """The month and day of a range within one year: "November 21–22", "November 30–December 1";
    Norwegian "21.–22. november", "30. november–1. desember"."""
    if len(start) < 7 or len(end) < 7:
        return ""
    norwegian = t is not TERMS["en"]
    if start[5:7] == end[5:7] and len(start) == len(end) == 10:
        if norwegian:
            return f"{int(start[8:10])}.\u2013{_day_month(t, end)}"
        return f"{_day_month(t, start)}\u2013{int(end[8:10])}"
    return f"{_day_month(t, start)}\u2013{_day_month(t, end)}"


def date(ctx: Ctx) -> Rich:
    """"(2013)", "(2013a)", "(n.d.)", "(in press)"; a dated kind with its day: "(2018, February 25)",
    a range "(2019, November 21–22)", an open range "(2018–present)"."""
    ref = ctx.ref
    text = year_text(ref, ctx.t, ctx.suffix)
    if ref.type in DATED and ref.date and ref.status != "in press":
        start, _, end = ref.date.partition("/")
        if end and end != ".." and end[:4] == start[:4]:
            within = _range_text(ctx.t, start, end)
            if within:
                text += ", " + within
        elif end and end != ".." and len(start) >= 7:  # across a year's end: "2019, December 30–2020, January 2"
            text += f", {_day_month(ctx.t, start)}\u2013{end[:4]}, {_day_month(ctx.t, end)}"
        elif not end and len(start) >= 7:
            text += ", " + _day_month(ctx.t, start)
    return String(f"({text})")


def edition(ctx: Ctx) -> Rich:
    value = (ctx.ref.edition or "").strip()
    if not value or value == "1":
        raise Missing("edition")  # APA: first editions are not mentioned
    if value.isdigit():
        return String(ctx.t.edition_numbered.format(n=value, ordinal=_ordinal_en(int(value))))
    if re.search(r"\b(ed|utg)\.?$", value, re.I):
        return String(value)
    return String(f"{value} {ctx.t.edition_word}")


def series_number(ctx: Ctx) -> Rich:
    """A report's series and number: "Fafo-rapport 2013:52", or "Report No. 7" with no series."""
    series, number = ctx.ref.series, ctx.ref.number
    if series and number:
        return String(f"{series} {number}")
    if number:
        return String(f"{ctx.t.report_no} {number}")
    if series:
        return String(series)
    raise Missing("series")


@needs(lambda ctx: bool(ctx.ref.series))
def misc_series(ctx: Ctx) -> Rich:
    if not ctx.ref.series:
        raise Missing("series")
    return series_number(ctx)


def page_range(pages: str) -> str:
    """Hyphens between page numbers as an en dash: "4-19" and "4--19" -> "4–19"."""
    return re.sub(r"\s*(?:-{1,3}|\u2013|\u2014)\s*", "\u2013", pages.strip())


def pages_labelled(ctx: Ctx) -> Rich:
    if not ctx.ref.pages:
        raise Missing("pages")
    pages = page_range(ctx.ref.pages)
    several = "\u2013" in pages or "," in pages
    return String(f"{ctx.t.pages if several else ctx.t.page} {pages}")


def pages_plain(ctx: Ctx) -> Rich:
    if not ctx.ref.pages:
        raise Missing("pages")
    return String(page_range(ctx.ref.pages))


def article_number(ctx: Ctx) -> Rich:
    """APA 9.27: an article number where there are no pages: "Article e0123" (Sikt: "Artikkel 99")."""
    if not ctx.ref.number:
        raise Missing("number")
    return String(f"{ctx.t.article} {ctx.ref.number}")


def publisher(ctx: Ctx) -> Rich:
    """The publisher, left out when it is the group author (APA 10.1, 9.24)."""
    name = ctx.ref.publisher
    if not name or _is_group_author(ctx, name):
        raise Missing("publisher")
    return String(name)


def editors_in(ctx: Ctx) -> Rich:
    """ "S. P. Osborne & L. Brown (Eds.)," after "In"; people with a role each with theirs: "A. Fjeld
    (Executive Producer)," (APA 10.12 Example 87)."""
    eds = ctx.ref.editors
    if not eds:
        raise Missing("editors")
    # A TV series' editors are its executive producers (biblatex-apa's execproducer).
    default = "executive producer" if ctx.ref.type == "tvepisode" else None
    if all(p.role or default for p in eds):
        names = [f"{name_normal(p)} ({role_word(p.role or default, ctx.t)})" for p in eds]
        return String(list_names(names, ctx.t, inverted=False) + ",")
    label = ctx.t.editor if len(eds) == 1 else ctx.t.editors
    return String(list_names([name_normal(p) for p in eds], ctx.t, inverted=False) + f" ({label}),")


def _people_with(people: list["Person"], t: Terms, label: str) -> str:
    """ "P. Strand, Ed.", "K. Holm & O. Berg, Trans." (APA 9.39, 10.2 Example 29)."""
    return list_names([name_normal(p) for p in people], t, inverted=False) + f", {label}"


@needs(lambda ctx: bool(ctx.ref.translators or ctx.ref.editors and ctx.ref.authors))
def roles_part(ctx: Ctx) -> Rich:
    """After an authored work's title: its editors and translators, "(P. Strand, Ed.; K. Holm, Trans.)"."""
    ref, t = ctx.ref, ctx.t
    parts = []
    if ref.authors and ref.editors and ref.type in ("book", "report", "thesis", "misc", "manuscript"):
        parts.append(_people_with(ref.editors, t, t.editor if len(ref.editors) == 1 else t.editors))
    if ref.translators:
        parts.append(_people_with(ref.translators, t, t.translator))
    if not parts:
        raise Missing("roles")
    return String("; ".join(parts))


@needs(lambda ctx: bool(ctx.ref.volume))
def volume_part(ctx: Ctx) -> Rich:
    if not ctx.ref.volume:
        raise Missing("volume")
    return String(f"{ctx.t.volume} {ctx.ref.volume}")


@needs(lambda ctx: bool(ctx.ref.version))
def version_part(ctx: Ctx) -> Rich:
    if not ctx.ref.version:
        raise Missing("version")
    return String(f"{ctx.t.version} {ctx.ref.version}")


@needs(lambda ctx: bool(ctx.ref.number))
def episode_part(ctx: Ctx) -> Rich:
    """ "Season 2, Episode 4" of a TV episode; "No. 57" of a podcast episode."""
    ref = ctx.ref
    if ref.type == "tvepisode" and ref.volume and ref.number:
        return String(ctx.t.season_episode.format(season=ref.volume, episode=ref.number))
    if ref.number:
        return String(ctx.t.episode_no.format(n=ref.number))
    raise Missing("number")


@needs(lambda ctx: bool(ctx.ref.number and ctx.ref.institution))
def publication_number(ctx: Ctx) -> Rich:
    """A thesis's number in the database that published it: "Publication No. 28123456" (APA 10.6)."""
    if not (ctx.ref.number and ctx.ref.institution):
        raise Missing("number")
    return String(ctx.t.publication_no.format(n=ctx.ref.number))


def title_part(ctx: Ctx, *, italic_title: bool) -> Rich:
    """The title, italic when the work stands alone (APA 9.19), with its translation in brackets
    (9.38); a description in brackets in place of a title is never italic (9.22)."""
    ref = ctx.ref
    described = ref.title.startswith("[") and ref.title.endswith("]")
    out: Rich = Italic(String(ref.title)) if italic_title and not described else String(ref.title)
    if ref.translated_title:
        out = seq(out, f" [{ref.translated_title}]")
    return out


def kind_description(ref_type: str, status: str | None, terms: Terms | None = None) -> str | None:
    """The manual's word for a kind of work ("Data set", "Film", "Press release"), a manuscript's by
    its status, in English unless ``terms`` say otherwise; None for a kind that has none. Exports
    write it where a record has no genre."""
    t = terms or TERMS["en"]
    if ref_type == "manuscript":  # one in press is no longer unpublished: "(in press)" says it (APA 9.16)
        return None if status == "in press" else t.manuscripts.get(status, t.manuscripts[None])
    return t.descriptions.get(ref_type)


def description(ctx: Ctx) -> Rich:
    """The kind of work in brackets (APA 9.21): the record's genre, else the manual's word for its kind."""
    words = ctx.ref.genre or kind_description(ctx.ref.type, ctx.ref.status, ctx.t)
    if words is None:
        raise Missing("genre")
    return String(words)


@needs(lambda ctx: ctx.ref.origyear is not None)
def original_date(ctx: Ctx) -> Rich:
    """ "(Original work published 1922)" after a translation or a reprint (APA 9.41)."""
    if ctx.ref.origyear is None:
        raise Missing("origyear")
    return String(f"({ctx.t.original.format(year=ctx.ref.origyear)})")


def event_place(ctx: Ctx) -> Rich:
    """A presentation's conference and its place: "Nordic Conference on Local Government Research, Bergen"."""
    parts = [p for p in (ctx.ref.event, ctx.ref.place) if p]
    if not parts:
        raise Missing("event")
    return String(", ".join(parts))


def thesis_bracket(ctx: Ctx) -> Rich:
    """ "[Doctoral dissertation, University of Oslo]" when the thesis is published elsewhere (a
    database, a repository: its publisher), else "[Doctoral dissertation]" (APA 10.6)."""
    kind = thesis_kind(ctx)
    return String(f"{kind}, {ctx.ref.institution}" if ctx.ref.institution else kind)


def thesis_kind(ctx: Ctx) -> str:
    genre = ctx.ref.genre
    return ctx.t.theses.get(genre, genre) if genre else ctx.t.thesis


def doi_url(doi: str) -> str:
    # APA 9.34: DOIs as https://doi.org/ links; characters a URL may not hold are %-encoded.
    return "https://doi.org/" + quote(doi, safe="/:;()[]._-~!$&'*+,=@?")


def link(ctx: Ctx) -> Rich:
    """DOI, else URL; an undated page read on a known day: "Retrieved March 5, 2024, from URL"."""
    ref = ctx.ref
    if ref.doi:
        return Link(doi_url(ref.doi))
    if not ref.url:
        raise Missing("url")
    url = Link(ref.url)
    if ref.accessed and ref.year is None:
        parts = [int(x) for x in ref.accessed.split("-")]
        while len(parts) < 3:
            parts.append(None)  # type: ignore[arg-type]
        when = ctx.t.long_date(*parts)
        return seq(ctx.t.retrieved.format(date=when), url)
    return url


def thesis_genre(ctx: Ctx) -> Rich:
    return String(thesis_kind(ctx))


def in_word(ctx: Ctx) -> Rich:
    return String(ctx.t.in_word)


def designation_part(ctx: Ctx) -> Rich:
    """A public document's designation where an author stands: "NOU 2016: 16", "Meld. St. 20 (2009–2010)",
    a law's short title."""
    return String(designation(ctx.ref))


def lovdata(ctx: Ctx) -> Rich:
    """Where a law or regulation is published: its publisher field, else Lovdata."""
    return String(ctx.ref.publisher or LOVDATA)


# --------------------------------------------------------------------------- the templates


def _reference(title, *source) -> Any:
    """Author. (Date). Title. Source. Link (Original work published …) — or, with no author,
    Title. (Date). Source. Link (APA 9.12)."""
    rest = [optional[s] for s in source] + [optional[link], optional[original_date]]
    return first_of[
        when(test=has_creators)[toplevel[sentence[creators], sentence[date], sentence[title], *rest]],
        toplevel[sentence[title], sentence[date], *rest],
    ]


def _title(italic_title: bool) -> Any:
    return lambda ctx: title_part(ctx, italic_title=italic_title)


_italic_title = italic[f("title")]
_described = optional[bracket[description]]
_stand_alone = _title(True)
_part_of = _title(False)
# (D. Wright, Ed.; R. Hurley, Trans.; 2nd ed., Vol. 1)  — APA 9.39, 9.20, 10.2 Example 29.
_book_parens = optional[paren[join_(sep="; ")[
    optional[roles_part], optional[join_(sep=", ")[optional[edition], optional[volume_part]]]]]]
_periodical = sentence[join_(sep=", ")[
    italic[f("journal")],
    optional[join_[optional[italic[f("volume")]], optional[paren[f("issue")]]]],
    optional[first_of[pages_plain, article_number]],
]]
# In E. Editor (Ed.), *Book* (2nd ed., Vol. 3, pp. 3–66).  — APA 10.3.
_in_container = sentence(sep=" ")[
    in_word, optional[editors_in], italic[f("booktitle")],
    optional[paren[join_(sep=", ")[optional[edition], optional[volume_part], optional[pages_labelled]]]],
]

TEMPLATES = {
    # *Title* (Series Number) [Description]. Publisher.  — APA 10.4; Sikt "Rapporter".
    "report": _reference(
        words[_stand_alone, optional[paren[join_(sep="; ")[optional[roles_part], optional[join_(sep=", ")[
            optional[edition], optional[series_number]]]]]], _described],
        sentence[publisher],
    ),
    # *Title* [Press release]. Publisher.  — APA 10.4 Example 59 (with its day).
    "pressrelease": _reference(words[_stand_alone, _described], sentence[publisher]),
    # *Title* (P. Strand, Ed.; K. Holm, Trans.; 3rd ed., Vol. 2). Publisher.  — APA 10.2.
    "book": _reference(words[_stand_alone, _book_parens, _described], sentence[publisher]),
    # Title [Translation] [Description]. *Journal*, *22*(1), 4–19.  — APA 10.1 (9.38 translations).
    "article": _reference(words[_part_of, _described], _periodical),
    # Title. *Magazine*, *31*(6), 18–23.  — APA 10.1 Example 15, with its day; Example 16 newspapers.
    "magazine": _reference(words[_part_of, _described], _periodical),
    "newspaper": _reference(words[_part_of, _described], _periodical),
    # Editor, A. (Ed.). (2018). Title [Special issue]. *Journal*, *9*(2).  — APA 10.1 Example 12.
    "specialissue": _reference(words[_part_of, _described], _periodical),
    # Title. *Blog*. URL  — APA 10.1 Example 17.
    "blogpost": _reference(words[_part_of, _described], sentence[italic[f("journal")]]),
    # Title (K. Holm, Trans.). In E. Editor (Ed.), *Book* (pp. 1–9). Publisher.  — APA 10.3 (Example 42).
    "chapter": _reference(
        words[_part_of, optional[paren[roles_part]], _described], _in_container, sentence[publisher]),
    # Title. In E. Editor (Ed.), *Reference work*. Publisher.  — APA 10.3 Examples 47-49.
    "entry": _reference(words[_part_of, _described], _in_container, sentence[publisher]),
    # *Title* [Paper presentation]. Conference, Place.  — APA 10.5 Examples 61-62.
    "presentation": _reference(words[_stand_alone, _described], sentence[event_place]),
    # *Title* (Publication No. 28123456) [Doctoral dissertation, University]. Database.  — APA 10.6.
    "thesis": _reference(
        words[_stand_alone, optional[paren[publication_number]], bracket[thesis_bracket]], sentence[publisher]),
    # *Title* (Version 2) [Data set]. Publisher.  — APA 10.9 Example 75; 10.10 Example 77 software.
    "dataset": _reference(words[_stand_alone, optional[paren[version_part]], _described], sentence[publisher]),
    "software": _reference(words[_stand_alone, optional[paren[version_part]], _described], sentence[publisher]),
    # *Title*. Archive.  — APA 10.8 Example 73 (a preprint); 10.8 Examples 70-72 manuscripts.
    "preprint": _reference(words[_stand_alone, _described], sentence[publisher]),
    "manuscript": _reference(words[_stand_alone, _described], sentence[publisher]),
    # Director (Director). (2017). *Title* [Film]. Company.  — APA 10.12 Example 84; 88-90 videos.
    "film": _reference(words[_stand_alone, _described], sentence[publisher]),
    "video": _reference(words[_stand_alone, _described], sentence[publisher]),
    # Title (Season 2, Episode 4) [TV series episode]. In A. Fjeld (Executive Producer), *Series*. Company.
    # — APA 10.12 Example 87; a podcast episode (No. 57) In *Podcast*, 10.13 Example 94.
    "tvepisode": _reference(
        words[_part_of, optional[paren[episode_part]], _described],
        sentence(sep=" ")[in_word, optional[editors_in], italic[f("booktitle")]], sentence[publisher]),
    "podcastepisode": _reference(
        words[_part_of, optional[paren[episode_part]], _described],
        sentence(sep=" ")[in_word, optional[editors_in], italic[f("booktitle")]], sentence[publisher]),
    # Host (Host). (2018–present). *Podcast* [Audio podcast]. Publisher.  — APA 10.13 Example 93.
    "podcast": _reference(words[_stand_alone, _described], sentence[publisher]),
    # *Title*. Site. Retrieved March 5, 2024, from https://…  — APA 10.16.
    "webpage": _reference(words[_stand_alone, _described], sentence[publisher]),
    # A misc's number is no report number (APA 10.4 is for reports): only a series prints it.
    "misc": _reference(
        words[_stand_alone, optional[paren[join_(sep="; ")[optional[roles_part], optional[join_(sep=", ")[
            optional[edition], optional[volume_part], optional[misc_series]]]]]], _described],
        sentence[publisher],
    ),
    # Norwegian public documents, as the guides of Sikt's Norsk APA-manual print them
    # (shared/domain.md): the designation in the author's place.
    # NOU 2016: 16. (2016). *Title*. Ministry. URL
    "nou": toplevel[sentence[designation_part], sentence[date], sentence[_italic_title],
                    optional[sentence[publisher]], optional[link]],
    # Meld. St. 20 (2009–2010). *Title*. Ministry. URL  — no separate year; St.meld. nr. 8 (1998–99) before.
    "meld": toplevel[sentence[designation_part], sentence[_italic_title], optional[sentence[publisher]],
                     optional[link]],
    # Folketrygdloven. (1997). *Lov om folketrygd* (LOV-1997-02-28-19). Lovdata. URL
    "lov": toplevel[sentence[designation_part], sentence[date], sentence[words[_italic_title, paren[f("number")]]],
                    sentence[lovdata], optional[link]],
}
TEMPLATES["prop"] = TEMPLATES["innst"] = TEMPLATES["meld"]  # Prop. 65 L (2019–2020). / Innst. 49 S (2016–2017).
TEMPLATES["forskrift"] = TEMPLATES["lov"]  # its short title, else its title, as the author element


def format_reference(ref: "Reference", lang: str = "en", suffix: str = "") -> Rich:
    """One reference as rich text; ``suffix`` is its a/b letter among the references shown."""
    ctx = Ctx(ref=ref, lang=lang, t=TERMS[lang], suffix=suffix)
    return TEMPLATES[ref.type].format(ctx)


def reference_line(ref: "Reference", scope: Iterable["Reference"] | None = None, *, lang: str = "en",
                   markup: str = "text") -> str:
    """One reference as a line, with its a/b letter among ``scope`` (default: itself alone)."""
    letters = year_suffixes(scope if scope is not None else [ref], lang)
    backend = BACKENDS[markup]
    return backend.line(format_reference(ref, lang, letters.get(ref.key, "")).render(backend))


def render(refs: list["Reference"], *, options: Options = Options()) -> str:
    """The reference list: APA order, one reference per line."""
    letters = year_suffixes(refs, options.lang)
    backend = BACKENDS[options.markup]
    lines = [backend.line(format_reference(r, options.lang, letters.get(r.key, "")).render(backend))
             for r in ordered(refs, options.lang)]
    return "".join(line + "\n" for line in lines)


# --------------------------------------------------------------------------- in-text citations


def _families(ref: "Reference") -> list[str]:
    return [p.family_full for p in _creators(ref)]


# Kinds whose title is part of a larger work: roman in the reference, in quotes in a citation.
PART_OF = frozenset(PERIODICAL + IN_WORK)


def _cite_title(ref: "Reference", t: Terms) -> Rich:
    # APA 8.14: no author: the title, italic where the reference italicises it, else in quotes.
    if ref.type in PART_OF:
        return String(t.quotes[0] + ref.title + t.quotes[1])
    return Italic(String(ref.title))


def _cite_names(ref: "Reference", t: Terms, *, narrative: bool, shown: int = 1, initials_first: bool = False) -> Rich:
    names = _families(ref)
    if not names:
        return _cite_title(ref, t)
    if initials_first:  # APA 8.20: first authors of one surname told apart: "J. M. Taylor"
        names = [name_normal(_creators(ref)[0])] + names[1:]
    amp = t.and_word if narrative else "&"
    if len(names) == 1:
        return String(names[0])
    if len(names) == 2:
        return String(f"{names[0]} {amp} {names[1]}")
    if shown >= len(names) - 1:
        # APA 8.18: when only the last author tells two works apart, name every author.
        serial = "," if t.amp_comma else ""
        return String(", ".join(names[:-1]) + f"{serial} {amp} " + names[-1])
    if shown <= 1:
        return String(f"{names[0]} et al.")
    return String(", ".join(names[:shown]) + ", et al.")


def _shown_names(ref: "Reference", scope: list["Reference"]) -> int:
    """How many names tell ``ref`` apart from other works of the same year that would
    otherwise cite alike (APA 8.18: "Kapoor, Bloom, Montez, et al., 2017")."""
    mine = _families(ref)
    if len(mine) < 3:
        return 1
    rivals = [
        _families(o) for o in scope
        if o.key != ref.key and o.year == ref.year and _identity(o) != _identity(ref)
        and len(_families(o)) >= 3 and _families(o)[0] == mine[0]
    ]
    shown = 1
    while shown < len(mine) and any(r[:shown] == mine[:shown] for r in rivals):
        shown += 1
    return shown


_LOCATOR = re.compile(
    r"^(?:(?P<page>(?:pp?|s|side|page)\.?\s*)?(?P<pages>\d+[a-z]?(?:\s*(?:-{1,2}|\u2013)\s*\d+[a-z]?)?)"
    r"|(?:ch|chapter|kap|kapittel)\.?\s*(?P<chapter>\d+(?:\.\d+)*)"
    r"|\u00a7\s*(?P<section>\d+[a-z]?(?:-\d+[a-z]?)?)"
    r"|(?:para|avsn|avsnitt|\u00b6)\.?\s*(?P<paragraph>\d+))$", re.I)


def locator_text(locator: str, lang: str = "en") -> str:
    """A place in the work, the APA way in ``lang``: "12" is "p. 12" (Norwegian "s. 12"), "12-14"
    "pp. 12–14" ("s. 12–14"), "ch4" "Chapter 4" ("kap. 4"), "§14-4" "§ 14-4", "para3" "para. 3"
    ("avsn. 3"). Anything else is a ValueError saying what is understood."""
    t = TERMS[lang]
    m = _LOCATOR.match(locator.strip())
    if not m:
        raise ValueError(f"'{locator}' is not a place in a work: write a page (12), pages (12-14), a chapter "
                         "(ch4 or kap4), a section (§14-4) or a paragraph (para3 or avsn3)")
    if m.group("pages"):
        pages = page_range(m.group("pages"))
        return f"{t.pages if chr(0x2013) in pages else t.page} {pages}"
    if m.group("chapter"):
        return f"{t.chapter} {m.group('chapter')}"
    if m.group("section"):
        return f"\u00a7 {m.group('section')}"
    return f"{t.paragraph} {m.group('paragraph')}"


def _cite_year(ref: "Reference", t: Terms, suffix: str) -> str | None:
    """The year of a citation; none for an NOU, a white paper, a proposition or a recommendation,
    whose designation says when ("(NOU 2016: 16, s. 10)", "(Meld. St. 20 (2009–2010))")."""
    if ref.type == "nou" or ref.type in SESSION_KINDS:
        return None
    if ref.origyear is not None and ref.year is not None:  # APA 8.15: "(Freud, 1923/1961)"
        return f"{ref.origyear}/{year_text(ref, t, suffix)}"
    return year_text(ref, t, suffix)


def _same_surname(ref: "Reference", scope: list["Reference"]) -> bool:
    """Whether another work's first author has this one's surname but other initials (APA 8.20)."""
    mine = _creators(ref)
    if not mine or mine[0].is_organisation:
        return False
    first = mine[0]
    for other in scope:
        people = _creators(other)
        if other.key != ref.key and people and not people[0].is_organisation \
                and people[0].family_full == first.family_full \
                and initials(people[0].given or "") != initials(first.given or ""):
            return True
    return False


def _cite_head(ref: "Reference", t: Terms, narrative: bool, shown: int, initials_first: bool = False) -> Rich:
    if ref.type in CODE_KINDS:  # "(Folketrygdloven, 1997)"; narrative "folketrygdloven (1997)"
        name = designation(ref)
        return String(lower_in_text(name) if narrative else name)
    if is_public(ref.type):
        return String(designation(ref))
    return _cite_names(ref, t, narrative=narrative, shown=shown, initials_first=initials_first)


def citation(cited: list["Reference"], scope: Iterable["Reference"], *, narrative: bool = False,
             lang: str = "en", markup: str = "text", locators: dict[str, str] | None = None) -> str:
    """The in-text citation of ``cited``, letters assigned among ``scope``.

    Parenthetical: "(Moland et al., 2013; Teigen et al., 2010)", works in
    reference-list order, one author group's years together: "(Judge & Kammeyer-Mueller,
    2012a, 2012b)". Narrative: "Frankelius and Utbult (2009)"; "og" in Norwegian.
    ``locators`` give a place in a work by key (:func:`locator_text`): "(Moland et al.,
    2013, p. 12)", "(NOU 2016: 16, s. 10)", "(Folketrygdloven, 1997, § 14-4)".
    """
    t = TERMS[lang]
    locators = locators or {}
    pool = {r.key: r for r in scope}
    for ref in cited:
        pool.setdefault(ref.key, ref)
    everyone = list(pool.values())
    letters = year_suffixes(everyone, lang)
    unique = list({r.key: r for r in cited}.values())
    groups: list[tuple[Rich, list[str], tuple, "Reference"]] = []
    for ref in ordered(unique, lang):
        head = _cite_head(ref, t, narrative, _shown_names(ref, everyone), _same_surname(ref, everyone))
        parts = [p for p in (_cite_year(ref, t, letters.get(ref.key, "")),
                             locator_text(locators[ref.key], lang) if ref.key in locators else None) if p]
        when = ", ".join(parts)
        ident = _identity(ref)
        if groups and groups[-1][2] == ident and when:
            groups[-1][1].append(when)
        else:
            groups.append((head, [when] if when else [], ident, ref))
    backend = BACKENDS[markup]
    if narrative:
        items = [_narrative(head, whens, ref) for head, whens, _, ref in groups]
        if len(items) > 2:
            last = f", {t.and_word} " if t.amp_comma else f" {t.and_word} "
            text = join(items, ", ", last)
        else:
            text = join(items, "", None) if len(items) == 1 else join(items, f" {t.and_word} ")
        return backend.line(text.render(backend))
    inner = join((_parenthetical(head, whens, t) for head, whens, _, _ in groups), "; ")
    return backend.line(seq("(", inner, ")").render(backend))


def _parenthetical(head: Rich, whens: list[str], t: Terms) -> Rich:
    """ "Moland et al., 2013"; a title in quotes takes the comma inside them in English, as
    American usage has it: ("List of oldest companies," 2019) (APA 8.14); Norwegian outside."""
    if not whens:
        return head
    text = head.plain()
    if t.amp_comma and text.endswith(t.quotes[1]):
        return String(f"{text[:-1]},{t.quotes[1]} " + ", ".join(whens))
    return seq(head, ", " + ", ".join(whens))


def _narrative(head: Rich, whens: list[str], ref: "Reference") -> Rich:
    """"Moland et al. (2013, p. 12)", "NOU 2016: 16 (s. 10)"; a designation that ends in its
    session takes the place inside: "Meld. St. 20 (2009–2010, s. 49)"."""
    if not whens:
        return head
    inside = ", ".join(whens)
    text = head.plain()
    if ref.type in SESSION_KINDS and text.endswith(")"):
        return String(f"{text[:-1]}, {inside})")
    return seq(head, f" ({inside})")
