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
from functools import lru_cache
from dataclasses import dataclass, field as dc_field
from typing import TYPE_CHECKING, Any, Iterable
from urllib.parse import quote

from innoref.documents import CODE_KINDS, LOVDATA, SESSION_KINDS, designation, is_public, lower_in_text
from innoref.formats import Options
from innoref.formats._style import (
    BACKENDS,
    Italic,
    Link,
    Missing,
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


TERMS: dict[str, Terms] = {
    # APA Publication Manual, 7th ed.: Sections 9.8, 9.17, 9.41, 10.2, 10.3, 10.16.
    "en": Terms(
        amp_comma=True, and_word="and", no_date="n.d.", editor="Ed.", editors="Eds.",
        in_word="In", page="p.", pages="pp.", edition_numbered="{ordinal} ed.", edition_word="ed.",
        report_no="Report No.", thesis="Thesis", retrieved="Retrieved {date}, from ",
        long_date=_date_en,
        month_day=lambda m, d: f"{_MONTHS_EN[m - 1]} {d}" if d else _MONTHS_EN[m - 1],
        quotes=("\u201c", "\u201d"), article="Article",
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
    ),
}
# Nynorsk: the same manual's rules; the two words that differ in Nynorsk are "henta" and "frå"
# (the CSL locale nn-NO says "henta" and "frå"; "u.å." and "red." are the same in both).
TERMS["nn"] = Terms(**{**TERMS["nb"].__dict__, "retrieved": "Henta {date} frå "})

# --------------------------------------------------------------------------- names


@lru_cache(maxsize=16384)
def initials(given: str) -> str:
    """APA initials of every given name: "Leif E." -> "L. E.", "May-Britt" -> "M.-B."."""
    out = []
    for word in re.split(r"[\s.]+", given):
        if not word:
            continue
        parts = [p for p in word.split("-") if p]
        letters = []
        for part in parts:
            letter = next((ch for ch in part if ch.isalpha()), "")
            if letter:
                letters.append(letter + ".")
        if letters:
            out.append("-".join(letters))
    return " ".join(out)


def name_inverted(p: "Person") -> str:
    """Reference-list form: "Ure, O. B.", "van der Berg, J.", "King, M. L., Jr."; organisations whole."""
    if p.is_organisation:
        return str(p.name)
    out = p.family_full
    if p.given and initials(p.given):
        out += ", " + initials(p.given)
    if p.suffix:
        out += ", " + p.suffix
    return out


def name_normal(p: "Person") -> str:
    """Editors after "In": "S. P. Osborne", "H. L. Roediger III"."""
    if p.is_organisation:
        return str(p.name)
    parts = [initials(p.given)] if p.given and initials(p.given) else []
    parts.append(p.family_full)
    if p.suffix:
        parts.append(p.suffix)
    return " ".join(parts)


def list_names(names: list[str], t: Terms, *, inverted: bool) -> str:
    """Up to 20 names with "&" before the last; 21 or more: the first 19, ". . .", the last."""
    if len(names) == 1:
        return names[0]
    if len(names) >= 21:
        return ", ".join(names[:19]) + ", . . . " + names[-1]
    # "Frankelius, P., & Utbult, M." (inverted) but "S. P. Osborne & L. Brown" (normal order, two).
    comma = t.amp_comma and (inverted or len(names) > 2)
    return ", ".join(names[:-1]) + ("," if comma else "") + " & " + names[-1]


# --------------------------------------------------------------------------- ordering and a/b letters


def collate(text: str, lang: str) -> str:
    """A sort key: English folds æ ø å to a e/o/a; Norwegian puts æ ø å after z, as its alphabet does."""
    text = unicodedata.normalize("NFC", text.lower())
    if lang in ("nb", "nn"):
        text = text.translate(str.maketrans({"æ": "{", "ä": "{", "ø": "|", "ö": "|", "å": "}"}))
        text = unicodedata.normalize("NFKD", text)
        return "".join(ch for ch in text if not unicodedata.combining(ch))
    from innoref.text import fold

    return fold(text)


_ARTICLE = re.compile(r"^(?:the|an?)\s+", re.I)


def _title_key(title: str, lang: str) -> str:
    # APA 9.44/9.47: ignore an initial "A", "An" or "The" when ordering by title.
    return collate(_ARTICLE.sub("", title), lang)


def _creators(ref: "Reference") -> list["Person"]:
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
        groups.setdefault((_identity(ref), ref.year), []).append(ref)
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
    when = (0, 0) if ref.year is None else (1, ref.year)
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
    if ref.authors:
        return String(list_names([name_inverted(p) for p in ref.authors], ctx.t, inverted=True))
    if ref.editors:
        label = ctx.t.editor if len(ref.editors) == 1 else ctx.t.editors
        return String(list_names([name_inverted(p) for p in ref.editors], ctx.t, inverted=True) + f" ({label})")
    raise Missing("authors")


def has_creators(ctx: Ctx) -> bool:
    return bool(_creators(ctx.ref))


def year_text(ref: "Reference", t: Terms, suffix: str) -> str:
    if ref.year is None:
        return t.no_date + (f"-{suffix}" if suffix else "")
    return f"{ref.year}{suffix}"


def date(ctx: Ctx) -> Rich:
    """"(2013)", "(2013a)", "(n.d.)"; web pages with a fuller date: "(2018, February 25)"."""
    text = year_text(ctx.ref, ctx.t, ctx.suffix)
    ref = ctx.ref
    if ref.type == "webpage" and ref.date and len(ref.date) >= 7:
        month = int(ref.date[5:7])
        day = int(ref.date[8:10]) if len(ref.date) == 10 else None
        text += ", " + ctx.t.month_day(month, day)
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
    """ "S. P. Osborne & L. Brown (Eds.)," after "In"."""
    eds = ctx.ref.editors
    if not eds:
        raise Missing("editors")
    label = ctx.t.editor if len(eds) == 1 else ctx.t.editors
    return String(list_names([name_normal(p) for p in eds], ctx.t, inverted=False) + f" ({label}),")


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
    return String(ctx.ref.genre or ctx.t.thesis)


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


def _reference(title_part, *source) -> Any:
    """Author. (Date). Title. Source. Link — or, with no author, Title. (Date). Source. Link."""
    rest = [optional[s] for s in source] + [optional[link]]
    return first_of[
        when(test=has_creators)[toplevel[sentence[creators], sentence[date], sentence[title_part], *rest]],
        toplevel[sentence[title_part], sentence[date], *rest],
    ]


_italic_title = italic[f("title")]
_genre = optional[bracket[f("genre")]]

TEMPLATES = {
    # *Title* (Series Number). Publisher.  — APA 10.4; Sikt "Rapporter".
    "report": _reference(
        words[_italic_title, optional[paren[join_(sep=", ")[optional[edition], optional[series_number]]]], _genre],
        sentence[publisher],
    ),
    # *Title* (3rd ed.). Publisher.  — APA 10.2.
    "book": _reference(
        words[_italic_title, optional[paren[edition]], _genre],
        sentence[publisher],
    ),
    # Title. *Journal*, *22*(1), 4–19.  — APA 10.1.
    "article": _reference(
        words[f("title"), _genre],
        sentence[join_(sep=", ")[
            italic[f("journal")],
            optional[join_[optional[italic[f("volume")]], optional[paren[f("issue")]]]],
            optional[first_of[pages_plain, article_number]],
        ]],
    ),
    # Title. In S. P. Osborne & L. Brown (Eds.), *Book* (pp. 301–310). Publisher.  — APA 10.3.
    "chapter": _reference(
        words[f("title"), _genre],
        sentence(sep=" ")[
            in_word, optional[editors_in], italic[f("booktitle")],
            optional[paren[join_(sep=", ")[optional[edition], optional[pages_labelled]]]],
        ],
        sentence[publisher],
    ),
    # *Title* [Doctoral dissertation]. University.  — APA 10.6.
    "thesis": _reference(
        words[_italic_title, bracket[thesis_genre]],
        sentence[publisher],
    ),
    # *Title*. Site. Retrieved March 5, 2024, from https://…  — APA 10.16.
    "webpage": _reference(
        words[_italic_title, _genre],
        sentence[publisher],
    ),
    "misc": _reference(
        words[_italic_title, optional[paren[join_(sep=", ")[optional[edition], optional[series_number]]]], _genre],
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


def _cite_title(ref: "Reference", t: Terms) -> Rich:
    # APA 8.14: no author: the title, italic where the reference italicises it, else in quotes.
    if ref.type in ("article", "chapter"):
        return String(t.quotes[0] + ref.title + t.quotes[1])
    return Italic(String(ref.title))


def _cite_names(ref: "Reference", t: Terms, *, narrative: bool, shown: int = 1) -> Rich:
    names = _families(ref)
    if not names:
        return _cite_title(ref, t)
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
    return year_text(ref, t, suffix)


def _cite_head(ref: "Reference", t: Terms, narrative: bool, shown: int) -> Rich:
    if ref.type in CODE_KINDS:  # "(Folketrygdloven, 1997)"; narrative "folketrygdloven (1997)"
        name = designation(ref)
        return String(lower_in_text(name) if narrative else name)
    if is_public(ref.type):
        return String(designation(ref))
    return _cite_names(ref, t, narrative=narrative, shown=shown)


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
        head = _cite_head(ref, t, narrative, _shown_names(ref, everyone))
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
    inner = join((seq(head, *([", " + ", ".join(whens)] if whens else [])) for head, whens, _, _ in groups), "; ")
    return backend.line(seq("(", inner, ")").render(backend))


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
