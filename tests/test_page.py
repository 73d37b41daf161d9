"""`innoref page` as HTML: structure, language, no external resources, headings in order,
every APA line, availability notes, links, folding for the filter, contrast, the CLI."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from innoref.text import fold_loose

FIXED = {"SOURCE_DATE_EPOCH": "1709647380"}  # 2024-03-05 14:03 UTC
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: "Node | None"):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list["Node | str"] = []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag: str, **attrs: str) -> list["Node"]:
        return [n for n in self.iter() if n.tag == tag and all(n.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


class Tree(HTMLParser):
    """A strict little tree builder: every element closed, in order."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root
        self.decls: list[str] = []
        self.errors: list[str] = []
        self.feed(text)
        self.close()
        if self.current is not self.root:
            self.errors.append(f"<{self.current.tag}> never closed")

    def handle_decl(self, decl):
        self.decls.append(decl)

    def handle_starttag(self, tag, attrs):
        names = [k for k, _ in attrs]
        if len(names) != len(set(names)):
            self.errors.append(f"<{tag}> repeats an attribute")
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.errors.append(f"<{tag}/>: self-closing syntax")

    def handle_endtag(self, tag):
        if tag in VOID:
            self.errors.append(f"</{tag}> closes a void element")
        elif self.current.tag != tag:
            self.errors.append(f"</{tag}> closes <{self.current.tag}>")
        else:
            self.current = self.current.parent

    def handle_data(self, data):
        self.current.children.append(data)


@pytest.fixture
def make_page(cli, tmp_path):
    def make(data: Path, *args: str) -> tuple[str, Tree]:
        out = tmp_path / "lista.html"
        result = cli("page", "--output", str(out), *args, data=data, env=FIXED)
        assert result.exit_code == 0, result.stderr
        text = out.read_text(encoding="utf-8")
        return text, Tree(text)

    return make


def references(folder: Path):
    from conftest import load

    return load(str(folder)).references()


def test_valid_html5_structure(make_page, library):
    text, tree = make_page(library)
    assert text.startswith("<!DOCTYPE html>\n")
    assert tree.decls == ["DOCTYPE html"] and tree.errors == []
    (html,) = [c for c in tree.root.children if isinstance(c, Node)]
    assert html.tag == "html" and html.attrs["lang"] == "nb"
    assert [c.tag for c in html.children if isinstance(c, Node)] == ["head", "body"]
    head, body = html.find_all("head")[0], html.find_all("body")[0]
    assert head.find_all("meta", charset="utf-8") and head.find_all("meta", name="viewport")
    assert [t.text() for t in head.find_all("title")] == ["Litteraturliste"]
    assert [m.tag for m in body.find_all("main")] == ["main"] and body.find_all("header")
    ids = [n.attrs["id"] for n in tree.root.iter() if "id" in n.attrs]
    assert len(ids) == len(set(ids))  # ids are unique
    for a in tree.root.find_all("a"):
        href = a.attrs["href"]
        assert not href.startswith("#") or href[1:] in ids  # every in-page link has its target
    label = tree.root.find_all("label")[0]
    assert label.attrs["for"] in ids and tree.root.find_all("input")[0].attrs["id"] == label.attrs["for"]


def test_nothing_external(make_page, make_library):
    folder = make_library(WITH_LINKS)
    text, tree = make_page(folder)
    for node in tree.root.iter():
        if node.tag in ("script", "img", "iframe", "source", "audio", "video", "embed", "object"):
            assert "src" not in node.attrs
        assert node.tag != "link"  # no style sheets, icons or fonts from elsewhere
    styles = [n.text() for n in tree.root.find_all("style")]
    assert len(styles) == 1 and "@import" not in styles[0] and "url(" not in styles[0] and "@font-face" not in styles[0]
    scripts = [n.text() for n in tree.root.find_all("script")]
    assert len(scripts) == 1 and "http" not in scripts[0] and "fetch(" not in scripts[0]
    external = [a.attrs["href"] for a in tree.root.find_all("a") if not a.attrs["href"].startswith("#")]
    assert external == ["https://doi.org/10.1080/12345678.2015.1050000", "https://www.regjeringen.no/nye-vegar"]
    # The browser enforces it: the policy allows only this style sheet and this script, by hash.
    (csp,) = [m.attrs["content"] for m in tree.root.find_all("meta") if m.attrs.get("http-equiv") == "Content-Security-Policy"]

    def digest(body: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"

    assert csp == f"default-src 'none'; style-src {digest(styles[0])}; script-src {digest(scripts[0])}"


def heading_levels(tree: Tree) -> list[int]:
    return [int(n.tag[1]) for n in tree.root.iter() if re.fullmatch(r"h[1-6]", n.tag)]


def test_headings_in_order_grouped_by_theme(make_page, library):
    _, tree = make_page(library)
    levels = heading_levels(tree)
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:]))
    sections = tree.root.find_all("section")
    # Every theme of themes.yaml has its section, in the file's order: the programme's four main
    # themes and innovation, whether or not the list has references for them yet.
    assert [s.attrs["id"] for s in sections] == ["tema-sykefravaer", "tema-heltid-deltid",
                                                 "tema-kompetanse-rekruttering", "tema-omdomme", "tema-innovasjon"]
    assert [s.find_all("h2")[0].text() for s in sections] == [
        "Sykefravær og nærvær", "Heltid–deltid (heltidskultur)", "Kompetanse og rekruttering", "Omdømme", "Innovasjon"]
    assert "frivillig sektor og næringsliv" in sections[4].find_all("p")[0].text()  # the theme's description
    keys = [[li.attrs["data-key"] for li in s.find_all("li")] for s in sections]
    assert keys[0] == keys[1] == keys[3] == []
    for empty in (sections[0], sections[1], sections[3]):
        assert empty.find_all("p")[-1].text() == "Ingen referanser til dette temaet ennå."
    assert keys[2] == ["moland2010strategisk"]
    assert len(keys[4]) == 7 and keys[4][0] == "bolkesjo1999fylkeskommunen"  # APA order: Bolkesjø first
    nav = tree.root.find_all("nav")[0]
    assert [a.text() for a in nav.find_all("a")] == [s.find_all("h2")[0].text() for s in sections]
    assert "(0 referanser)" in nav.text()


def test_every_reference_as_its_apa_line(make_page, library):
    from innoref.formats import apa

    _, tree = make_page(library)
    refs = references(library)
    shown = {}
    for li in tree.root.find_all("li"):
        if "ref" in li.classes():
            (p,) = [n for n in li.find_all("p") if "apa" in n.classes()]
            shown[li.attrs["data-key"]] = p
    assert set(shown) == {r.key for r in refs}
    for ref in refs:
        assert shown[ref.key].text() == apa.reference_line(ref, refs, lang="nb")
        italic = shown[ref.key].find_all("i")
        assert [i.text() for i in italic] == [ref.title]  # reports and books: the title in italics
    assert "Moland, L. E., Lien, L., Nygård, L. & Hofstad, T. (2013)." in shown["moland2013laeringsnettverk"].text()


def test_availability_note_for_the_telemarksforsking_report(make_page, library):
    _, tree = make_page(library)
    notes = {}
    for li in tree.root.find_all("li"):
        for p in li.find_all("p"):
            if "availability" in p.classes():
                notes[li.attrs["data-key"]] = p.text()
    assert notes == {"bolkesjo1999fylkeskommunen": "Tilgjengelighet: print only (Finnes ikke elektronisk)"}


def test_filter_text_is_folded_as_the_search_folds(make_page, library):
    _, tree = make_page(library)
    search = {li.attrs["data-key"]: li.attrs["data-search"] for li in tree.root.find_all("li") if "data-key" in li.attrs}
    for typed, key in (("brathen", "moland2010strategisk"), ("aarsaether", "ringholm2011innovasjonsprosesser"),
                       ("bolkesjoe", "bolkesjo1999fylkeskommunen"), ("Østlandsforskning", "teigen2010kommunesektorens")):
        assert fold_loose(typed) in search[key]
        assert [k for k, text in search.items() if fold_loose(typed) in text] == [key]
    filter_box = tree.root.find_all("div", id="filter")[0]
    assert "hidden" in filter_box.attrs  # shown by its script; without JavaScript the list is simply all there


WITH_LINKS = """\
- key: hansen2015artikkel
  type: article
  title: Innovasjon i kommunal sektor
  authors: ["Hansen, Kari", "Bråthen, Ketil"]
  year: 2015
  journal: Stat & Styring
  volume: "25"
  issue: "2"
  pages: 10-14
  doi: 10.1080/12345678.2015.1050000
  themes: [innovasjon]
- key: krd2013nettside
  type: webpage
  title: Nye vegar til framtidas velferd
  authors: ["{Kommunal- og regionaldepartementet}"]
  year: 2013
  url: https://www.regjeringen.no/nye-vegar
- key: vike2001nye
  type: report
  title: <Nye> tider & gamle
  authors: ["Vike, Halvard"]
  year: 2001
  publisher: Telemarksforsking
"""


def test_links_say_where_they_go_and_references_without_a_theme_come_last(make_page, make_library):
    folder = make_library(WITH_LINKS)
    text, tree = make_page(folder)
    for a in tree.root.find_all("a"):
        if not a.attrs["href"].startswith("#"):
            assert a.text() == a.attrs["href"]  # the link's text is where it goes
    sections = tree.root.find_all("section")
    assert [s.attrs["id"] for s in sections][-2:] == ["tema-innovasjon", "uten-tema"]
    assert sections[-1].find_all("h2")[0].text() == "Uten tema"
    assert [li.attrs["data-key"] for li in sections[-1].find_all("li")] == ["krd2013nettside", "vike2001nye"]
    assert "<i>&lt;Nye&gt; tider &amp; gamle</i>" in text  # text is escaped, never markup
    article = sections[-2].find_all("li")[0]
    assert [i.text() for i in article.find_all("i")] == ["Stat & Styring", "25"]  # journal and volume in italics


def test_other_languages(make_page, library):
    text, tree = make_page(library, "--lang", "en")
    assert tree.root.find_all("html")[0].attrs["lang"] == "en"
    assert tree.root.find_all("title")[0].text() == "Reading list"
    assert "7 references in APA 7 style, grouped by theme." in text and "Generated" in text and "March 5, 2024" in text
    h2 = [h.text() for h in tree.root.find_all("h2")]
    assert h2 == ["Themes", "Sickness absence and presence at work (Sykefravær og nærvær)",
                  "Full-time and part-time work (Heltid–deltid (heltidskultur))",
                  "Skills and recruitment (Kompetanse og rekruttering)", "Reputation (Omdømme)", "Innovation (Innovasjon)"]
    assert "No references on this theme yet." in text
    descriptions = [p for p in tree.root.find_all("p") if "description" in p.classes()]
    assert all(p.attrs.get("lang") == "nb" for p in descriptions)  # the themes' words are Norwegian
    assert "Frankelius, P., &amp; Utbult, M. (2009)." in text  # English APA: comma before "&"
    text, tree = make_page(library, "--lang", "nn")
    assert tree.root.find_all("html")[0].attrs["lang"] == "nn"
    assert "7 referansar i APA 7-stil" in text and "Laga" in text and "Tilgjengelegheit:" in text


def test_query_filters_title_and_the_date(make_page, library):
    text, tree = make_page(library, "--theme", "kompetanse", "--title", "Anbefalt litteratur")
    # One reference, listed under each of its two themes.
    assert [li.attrs["data-key"] for li in tree.root.find_all("li") if "data-key" in li.attrs] == [
        "moland2010strategisk", "moland2010strategisk"]
    assert [s.attrs["id"] for s in tree.root.find_all("section")] == [
        "tema-sykefravaer", "tema-heltid-deltid", "tema-kompetanse-rekruttering", "tema-omdomme", "tema-innovasjon"]
    assert "Ingen av referansene i utvalget har dette temaet." in text  # a selection: none of those chosen
    assert "Ingen referanser til dette temaet ennå." not in text
    assert tree.root.find_all("h1")[0].text() == "Anbefalt litteratur"
    assert "1 referanse i APA 7-stil" in text and "Utvalg: <code>theme:&quot;kompetanse&quot;</code>" in text
    assert 'Laget <time datetime="2024-03-05T14:03:00+00:00">5. mars 2024</time>' in text
    assert "Viser 1 av 1 referanse." in text
    again, _ = make_page(library, "--theme", "kompetanse", "--title", "Anbefalt litteratur")
    assert again == text  # SOURCE_DATE_EPOCH: the same page byte for byte
    text, tree = make_page(library, "bolkesjoe", "--year", "<2000")
    assert [li.attrs["data-key"] for li in tree.root.find_all("li") if "data-key" in li.attrs] == [
        "bolkesjo1999fylkeskommunen"]
    assert heading_levels(tree) == [1, 2, 2, 2, 2, 2, 2]  # the contents, then every theme


def test_cli_errors_write_nothing(cli, library, tmp_path):
    out = tmp_path / "lista.html"
    out.write_text("the old page", encoding="utf-8")
    result = cli("page", "--output", str(out), "nosuchword", data=library)
    assert result.exit_code == 1 and result.stderr == "error: no references match 'nosuchword'; no page written\n"
    result = cli("page", "--output", str(out), "--lang", "de", data=library)
    assert result.exit_code == 2 and "unknown page language 'de'; choose one of nb, nn, en" in result.stderr
    result = cli("page", "--output", str(out), "year:..", data=library)
    assert result.exit_code == 2 and "bad query" in result.stderr
    assert out.read_text(encoding="utf-8") == "the old page"
    result = cli("page", data=library)
    assert result.exit_code == 2 and "--output" in result.stderr


def test_cli_writes_and_reports(cli, library, tmp_path):
    out = tmp_path / "site" / "lista.html"
    result = cli("page", "-o", str(out), data=library)
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == f"wrote 7 references in 2 themes to {out}\n"
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    result = cli("page", "-o", "-", "bolkesjoe", data=library)
    assert result.exit_code == 0 and result.stdout.startswith("<!DOCTYPE html>")
    assert "Finnes ikke elektronisk" in result.stdout and "Strategisk" not in result.stdout


def _luminance(colour: str) -> float:
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_enough_contrast():
    """WCAG 2 AA: text at least 4.5:1 against its background (AAA, 7:1, for body text)."""
    from innoref.page import STYLE

    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", STYLE.split("@media")[0]))
    assert contrast(colours["ink"], colours["paper"]) >= 7
    assert contrast(colours["muted"], colours["paper"]) >= 7
    assert contrast(colours["link"], colours["paper"]) >= 7
    assert contrast(colours["note-ink"], colours["note-bg"]) >= 7
    assert contrast("#1b1b1b", "#000000") < 2  # the check can fail
