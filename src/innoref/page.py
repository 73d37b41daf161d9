"""The reading list as one self-contained web page: APA 7 references grouped by theme.

:func:`build_page` returns the whole HTML5 document as text: a header saying what
the list is and when it was made, a section per theme (its name, description
and references), a last section for references without a theme, and a filter
box. Everything is inline: no fonts, scripts, styles or images from anywhere, so
the file opens offline and from a ``file:`` URL; a Content-Security-Policy with
the hashes of the one style sheet and the one script lets the browser enforce
that. A print style sheet and a narrow-screen layout are part of the style.

The references are the APA renderer's (:mod:`innoref.formats.apa`): its rich
text rendered with HTML markup whose links are anchors. This module formats no
reference itself.

The filter narrows the list as one types, with the search's folding
(:func:`innoref.text.fold_loose`: ``brathen`` finds Bråthen, ``aarsaether``
Aarsæther, ``bolkesjoe`` Bolkesjø). Each entry's text is folded here, at build
time, into its ``data-search`` attribute; the script folds what is typed the same
way (:func:`fold_script`) and keeps the entries that contain every typed word.
Without JavaScript the filter stays hidden and the whole list is shown.

Pure: records in, text out. Never reads or writes files, prints or exits.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Sequence

from innoref.errors import UsageError
from innoref.formats._style import Html

if TYPE_CHECKING:
    from innoref.records import Reference, Theme

LANGS = ("nb", "nn", "en")


@dataclass(frozen=True)
class Words:
    """The page's own words in one language."""

    title: str
    lead_one: str
    lead_many: str  # {n}
    generated: str  # {date} {version}
    selection: str
    contents: str
    no_theme: str
    no_theme_description: str
    filter_label: str
    filter_hint: str
    showing: str  # {shown} {total}
    showing_one: str  # {shown}; the list holds one reference
    nothing: str
    availability: str
    skip: str
    count_one: str
    count_many: str  # {n}
    empty: str  # a theme with no references yet
    empty_selection: str  # a theme with none among the references the query chose


WORDS: dict[str, Words] = {
    "nb": Words(
        title="Litteraturliste",
        lead_one="1 referanse i APA 7-stil, gruppert etter tema.",
        lead_many="{n} referanser i APA 7-stil, gruppert etter tema.",
        generated="Laget {date} med innoref {version}.",
        selection="Utvalg:",
        contents="Tema",
        no_theme="Uten tema",
        no_theme_description="Referanser som ikke hører til noe tema.",
        filter_label="Filtrer lista",
        filter_hint="Skriv navn, ord fra tittelen eller år. Å, æ og ø kan skrives som a eller aa, ae og o eller oe.",
        showing="Viser {shown} av {total} referanser.",
        showing_one="Viser {shown} av 1 referanse.",
        nothing="Ingen referanser passer til filteret.",
        availability="Tilgjengelighet:",
        skip="Hopp til lista",
        count_one="1 referanse",
        count_many="{n} referanser",
        empty="Ingen referanser til dette temaet ennå.",
        empty_selection="Ingen av referansene i utvalget har dette temaet.",
    ),
    "nn": Words(
        title="Litteraturliste",
        lead_one="1 referanse i APA 7-stil, gruppert etter tema.",
        lead_many="{n} referansar i APA 7-stil, gruppert etter tema.",
        generated="Laga {date} med innoref {version}.",
        selection="Utval:",
        contents="Tema",
        no_theme="Utan tema",
        no_theme_description="Referansar som ikkje høyrer til noko tema.",
        filter_label="Filtrer lista",
        filter_hint="Skriv namn, ord frå tittelen eller år. Å, æ og ø kan skrivast som a eller aa, ae og o eller oe.",
        showing="Viser {shown} av {total} referansar.",
        showing_one="Viser {shown} av 1 referanse.",
        nothing="Ingen referansar passar til filteret.",
        availability="Tilgjengelegheit:",
        skip="Hopp til lista",
        count_one="1 referanse",
        count_many="{n} referansar",
        empty="Ingen referansar til dette temaet enno.",
        empty_selection="Ingen av referansane i utvalet har dette temaet.",
    ),
    "en": Words(
        title="Reading list",
        lead_one="1 reference in APA 7 style, grouped by theme.",
        lead_many="{n} references in APA 7 style, grouped by theme.",
        generated="Generated {date} with innoref {version}.",
        selection="Selection:",
        contents="Themes",
        no_theme="Without a theme",
        no_theme_description="References that belong to no theme.",
        filter_label="Filter the list",
        filter_hint="Type names, title words or years. Å, æ and ø may be typed as a or aa, ae, and o or oe.",
        showing="Showing {shown} of {total} references.",
        showing_one="Showing {shown} of 1 reference.",
        nothing="No references match the filter.",
        availability="Availability:",
        skip="Skip to the list",
        count_one="1 reference",
        count_many="{n} references",
        empty="No references on this theme yet.",
        empty_selection="None of the selected references has this theme.",
    ),
}

# The language themes.yaml is written in (names and descriptions).
THEME_LANG = "nb"


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise UsageError(f"unknown page language '{lang}'; choose one of {', '.join(LANGS)}")
    return lang


# --------------------------------------------------------------------------- folding, in Python and in the script


def _strip_marks(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def special_letters() -> dict[str, str]:
    """Lower-case letters whose folding is not "drop the accent" (æ -> ae, ø -> o, ß -> ss),
    found by asking :func:`innoref.text.fold` about every Latin letter, so the script
    cannot drift from it."""
    from innoref.text import fold

    out = {}
    for code in range(0xC0, 0x250):
        ch = chr(code)
        if ch.lower() != ch or not ch.isalpha():
            continue
        if fold(ch) != _strip_marks(ch):
            out[ch] = fold(ch)
    return out


def fold_script() -> str:
    """A JavaScript function ``fold(text)`` equal to :func:`innoref.text.fold_loose`."""
    specials = json.dumps(special_letters(), ensure_ascii=False, sort_keys=True)
    letters = "".join(special_letters())
    return (
        f"var SPECIAL = {specials};\n"
        "function fold(text) {\n"
        # as fold(): lower case; letters that do not decompose spelt out; accents dropped
        f"  text = text.toLowerCase().replace(/[{letters}]/g, function (c) {{ return SPECIAL[c]; }});\n"
        "  text = text.normalize('NFKD').replace(/\\p{Mn}/gu, '');\n"
        # as fold_loose(): the two-letter spellings of one Scandinavian letter
        "  return text.split('aa').join('a').split('oe').join('o');\n"
        "}\n"
    )


def search_text(text: str) -> str:
    """An entry's ``data-search``: its words, folded as the search folds them, between spaces."""
    from innoref.text import words

    return " " + " ".join(words(text)) + " "


# --------------------------------------------------------------------------- the references


class _PageHtml(Html):
    """The APA renderer's HTML markup with its links as anchors; the link text is the
    address itself, so it says where it goes."""

    def link(self, url: str) -> str:
        return f'<a href="{html.escape(url, quote=True)}">{html.escape(url, quote=False)}</a>'


_BACKEND = _PageHtml()


@dataclass(frozen=True)
class Entry:
    key: str
    html: str  # the APA reference with markup
    text: str  # the same as plain text
    availability: str | None


def entries(refs: Sequence["Reference"], scope: Sequence["Reference"], lang: str) -> list[Entry]:
    """``refs`` in APA order as page entries; a/b letters are assigned among ``scope``."""
    from innoref.formats import apa

    letters = apa.year_suffixes(scope, lang)
    out = []
    for ref in apa.ordered(refs, lang):
        rich = apa.format_reference(ref, lang, letters.get(ref.key, ""))
        out.append(Entry(ref.key, rich.render(_BACKEND), rich.plain(), ref.availability))
    return out


# --------------------------------------------------------------------------- the page

STYLE = """\
:root { color-scheme: light; --ink: #1b1b1b; --muted: #4a4a4a; --link: #0a4f8c; --rule: #c9c9c9;
  --note-ink: #5c3b00; --note-bg: #fff4d6; --paper: #ffffff; }
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: var(--paper); color: var(--ink); line-height: 1.55;
  font: 1.0625rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.page { max-width: 50rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
.skip { position: absolute; left: -999rem; }
.skip:focus { left: 1rem; top: 1rem; background: var(--paper); padding: .5rem; }
a { color: var(--link); }
a:focus-visible, input:focus-visible { outline: 3px solid var(--link); outline-offset: 2px; }
header { border-bottom: 2px solid var(--ink); margin-bottom: 1.5rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 .5rem; }
h2 { font-size: 1.4rem; line-height: 1.25; margin: 2.25rem 0 .5rem; }
.lead { font-size: 1.125rem; margin: 0 0 .25rem; }
.meta, .description, .count, .alt, .empty { color: var(--muted); }
.empty { font-style: italic; }
.alt { font-weight: normal; }
.meta { margin: 0 0 1rem; }
nav ul { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: .2rem 2rem; }
nav li { margin: .15rem 0; }
nav h2 { margin-top: 1rem; font-size: 1.1rem; }
.filter { margin: 1.5rem 0; padding: 1rem; border: 1px solid var(--rule); border-radius: .5rem; }
.filter label { display: block; font-weight: 600; margin-bottom: .35rem; }
.filter input { width: 100%; font: inherit; padding: .5rem .6rem; color: var(--ink); background: var(--paper);
  border: 2px solid var(--muted); border-radius: .35rem; }
.filter p { margin: .4rem 0 0; font-size: .95rem; color: var(--muted); }
.filter .status { color: var(--ink); font-weight: 600; }
ol.refs { list-style: none; padding: 0; margin: 0; }
.ref { margin: 0 0 .9rem; }
.apa { margin: 0; padding-left: 2rem; text-indent: -2rem; font-family: Georgia, "Times New Roman", serif;
  overflow-wrap: anywhere; }
.availability { display: inline-block; margin: .3rem 0 0 2rem; padding: .1rem .5rem; border-radius: .3rem;
  color: var(--note-ink); background: var(--note-bg); font-size: .95rem; }
.nothing { font-weight: 600; }
@media (max-width: 40rem) {
  body { font-size: 1rem; }
  .page { padding: 1rem .85rem 2rem; }
  h1 { font-size: 1.6rem; }
  h2 { font-size: 1.25rem; margin-top: 1.75rem; }
  .apa { padding-left: 1.25rem; text-indent: -1.25rem; }
  .availability { margin-left: 1.25rem; }
  nav ul { display: block; }
}
@media print {
  :root { --ink: #000; --muted: #222; --link: #000; }
  body { font: 11pt/1.4 Georgia, "Times New Roman", serif; }
  .page { max-width: none; padding: 0; }
  .filter, .skip, nav { display: none !important; }
  a { text-decoration: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .ref { break-inside: avoid; page-break-inside: avoid; }
  .availability { background: none; padding: 0; border: 0; color: #000; font-style: italic; }
}
"""

_SCRIPT = """\
(function () {
  'use strict';
  %(fold)s
  var box = document.getElementById('filter');
  var input = document.getElementById('filter-input');
  var status = document.getElementById('filter-status');
  var nothing = document.getElementById('filter-nothing');
  var entries = Array.prototype.slice.call(document.querySelectorAll('li.ref'));
  var sections = Array.prototype.slice.call(document.querySelectorAll('section.theme'));
  var total = %(total)d;
  var showing = %(showing)s;
  function apply() {
    var terms = fold(input.value).match(/[\\p{L}\\p{N}_]+/gu) || [];
    var shown = {};
    entries.forEach(function (li) {
      var text = li.getAttribute('data-search');
      var keep = terms.every(function (t) { return text.indexOf(t) >= 0; });
      li.hidden = !keep;
      if (keep) { shown[li.getAttribute('data-key')] = true; }
    });
    sections.forEach(function (section) {
      var visible = section.querySelector('li.ref:not([hidden])') !== null;
      var shownNow = visible || terms.length === 0;  // an empty theme shows while nothing is typed
      section.hidden = !shownNow;
      var link = document.querySelector('nav a[href="#' + section.id + '"]');
      if (link) { link.parentNode.hidden = !shownNow; }
    });
    var count = Object.keys(shown).length;
    status.textContent = showing.replace('{shown}', count).replace('{total}', total);
    nothing.hidden = count > 0;
  }
  input.addEventListener('input', apply);
  box.hidden = false;
  if (input.value) { apply(); }
})();
"""


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _anchor(theme_id: str) -> str:
    return "tema-" + theme_id


@dataclass
class _Group:
    """One section of the page: a theme, or the references without one."""

    anchor: str
    heading: str  # markup
    description: str  # markup: a paragraph, or nothing
    refs: list["Reference"]


def build_page(
    refs: Sequence["Reference"],
    themes: Sequence["Theme"],
    *,
    lang: str = "nb",
    generated: datetime,
    version: str,
    title: str | None = None,
    selection: str = "",
) -> str:
    """The reading list ``refs`` as one HTML5 document, grouped by ``themes`` (in their order).

    Themes that no reference in ``refs`` belongs to are left out; references with no
    theme (or only themes not in ``themes``) come last under "Uten tema". A reference
    with two themes is listed under both. ``selection`` is the query that chose the
    references, shown in the header when given.
    """
    from innoref.formats import apa

    words = WORDS[check_lang(lang)]
    # Theme names and descriptions are Norwegian (bokmål): say so where the page is not.
    theme_lang = "" if lang == THEME_LANG else f' lang="{THEME_LANG}"'
    known = {t.id for t in themes}
    groups: list[_Group] = []
    for theme in themes:
        members = [r for r in refs if theme.id in r.themes]  # none: the section says so
        if lang == "en" and theme.name_en:
            heading = f"{_e(theme.name_en)} <span class=\"alt\" lang=\"{THEME_LANG}\">({_e(theme.name)})</span>"
        else:
            heading = f"<span{theme_lang}>{_e(theme.name)}</span>" if theme_lang else _e(theme.name)
        description = f'<p class="description"{theme_lang}>{_e(theme.description)}</p>' if theme.description else ""
        groups.append(_Group(_anchor(theme.id), heading, description, members))
    loose = [r for r in refs if not any(t in known for t in r.themes)]
    if loose:
        groups.append(_Group("uten-tema", _e(words.no_theme),
                             f'<p class="description">{_e(words.no_theme_description)}</p>', loose))

    page_title = title or words.title
    lead = words.lead_one if len(refs) == 1 else words.lead_many.format(n=len(refs))
    when = apa.TERMS[lang].long_date(generated.year, generated.month, generated.day)
    made = words.generated.format(date=f'<time datetime="{_e(generated.isoformat(timespec="seconds"))}">{_e(when)}</time>',
                                  version=_e(version))
    body: list[str] = []
    add = body.append
    add('<a class="skip" href="#lista">' + _e(words.skip) + "</a>")
    add('<div class="page">')
    add("<header>")
    add(f"<h1>{_e(page_title)}</h1>")
    add(f'<p class="lead">{_e(lead)}</p>')
    meta = made
    if selection.strip():
        meta += f" {_e(words.selection)} <code>{_e(selection.strip())}</code>"
    add(f'<p class="meta">{meta}</p>')
    add("</header>")
    if len(groups) > 1:
        add('<nav aria-labelledby="innhold-overskrift">')
        add(f'<h2 id="innhold-overskrift">{_e(words.contents)}</h2>')
        add("<ul>")
        for group in groups:
            n = len(group.refs)
            count = words.count_one if n == 1 else words.count_many.format(n=n)
            add(f'<li><a href="#{group.anchor}">{group.heading}</a> <span class="count">({_e(count)})</span></li>')
        add("</ul>")
        add("</nav>")
    add('<main id="lista">')
    add('<div class="filter" id="filter" role="search" hidden>')
    add(f'<label for="filter-input">{_e(words.filter_label)}</label>')
    add('<input type="search" id="filter-input" autocomplete="off" spellcheck="false" '
        'aria-describedby="filter-hint filter-status">')
    add(f'<p id="filter-hint">{_e(words.filter_hint)}</p>')
    total = len({r.key for r in refs})
    showing = words.showing_one if total == 1 else words.showing
    add(f'<p class="status" id="filter-status" role="status">'
        f"{_e(showing.format(shown=total, total=total))}</p>")
    add("</div>")
    add(f'<p class="nothing" id="filter-nothing" hidden>{_e(words.nothing)}</p>')
    for group in groups:
        add(f'<section class="theme" id="{group.anchor}" aria-labelledby="{group.anchor}-h">')
        add(f'<h2 id="{group.anchor}-h">{group.heading}</h2>')
        if group.description:
            add(group.description)
        if not group.refs:
            add(f'<p class="empty">{_e(words.empty_selection if selection.strip() else words.empty)}</p>')
            add("</section>")
            continue
        add('<ol class="refs">')
        for entry in entries(group.refs, refs, lang):
            searchable = entry.text + (" " + entry.availability if entry.availability else "") + " " + entry.key
            add(f'<li class="ref" data-key="{_e(entry.key)}" data-search="{_e(search_text(searchable))}">')
            add(f'<p class="apa">{entry.html}</p>')
            if entry.availability:
                add(f'<p class="availability"><strong>{_e(words.availability)}</strong> {_e(entry.availability)}</p>')
            add("</li>")
        add("</ol>")
        add("</section>")
    add("</main>")
    add("</div>")

    script = _SCRIPT % {"fold": fold_script(), "total": total, "showing": json.dumps(showing, ensure_ascii=False)}
    csp = f"default-src 'none'; style-src {_csp_hash(STYLE)}; script-src {_csp_hash(script)}"
    head = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="innoref {_e(version)}">',
        f"<title>{_e(page_title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
    ]
    tail = [f"<script>{script}</script>", "</body>", "</html>"]
    return "\n".join(head + body + tail) + "\n"
