"""The APA reference list as a Word document: read back with python-docx, and converted by pandoc.

The text of the document must be the text of `innoref export -f apa`, line for
line, and its italics must be where `--markup markdown` puts *...*.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.text.hyperlink import Hyperlink

from conftest import SHIPPED, load as load_library, require_tool
from innoref import formats
from innoref.errors import UsageError
from innoref.formats import Options
from innoref.formats import docx as word
from innoref.formats._style import Italic, Link, Markdown, Seq, String

EDGE = Path(__file__).parent / "golden" / "apa-edge.yaml"
LANGS = ("en", "nb", "nn")


def load(folder: Path):
    """The records of a library folder, in file order."""
    return load_library(folder).references()


@pytest.fixture
def shipped():
    return load(SHIPPED)


@pytest.fixture
def edge_folder(tmp_path) -> Path:
    """The APA edge cases (DOIs, URLs, italic volumes, a/b letters) as a library folder."""
    folder = tmp_path / "edge"
    folder.mkdir()
    shutil.copy(EDGE, folder / "literature.yaml")
    return folder


def opened(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def as_markdown(paragraph) -> str:
    """A paragraph's runs written as innoref's Markdown backend writes rich text."""
    backend = Markdown()
    out = []
    for item in paragraph.iter_inner_content():
        if isinstance(item, Hyperlink):
            assert item.text == item.url
            out.append(backend.link(item.url))
        elif item.italic:
            out.append(backend.italic(backend.text(item.text)))
        else:
            out.append(backend.text(item.text))
    return "".join(out)


# ---------------------------------------------------------------- read back with python-docx


@pytest.mark.parametrize("lang, heading", [("en", "References"), ("nb", "Litteraturliste"), ("nn", "Litteraturliste")])
def test_a_heading_and_one_paragraph_per_reference(shipped, lang, heading):
    document = opened(word.render_bytes(shipped, options=Options(lang=lang)))
    paragraphs = document.paragraphs
    assert len(paragraphs) == len(shipped) + 1
    assert paragraphs[0].text == heading and paragraphs[0].style.name == "Heading 1"
    assert {p.style.name for p in paragraphs[1:]} == {"Bibliography"}


def test_heading_looks_like_apa_level_1(shipped):
    style = opened(word.render_bytes(shipped)).styles["Heading 1"]
    assert style.font.bold is True
    assert style.font.size is None and style.font.name is None  # the body's size and font
    assert style.font.color.type is None  # the body's colour, not the template's blue
    assert style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_hanging_indent_and_double_spacing_on_every_reference(shipped):
    for paragraph in opened(word.render_bytes(shipped)).paragraphs[1:]:
        layout = paragraph.paragraph_format
        assert layout.left_indent == Cm(1.27) and layout.first_line_indent == -Cm(1.27)
        assert layout.line_spacing_rule == WD_LINE_SPACING.DOUBLE
        assert layout.space_before == 0 and layout.space_after == 0


@pytest.mark.parametrize("lang", LANGS)
def test_italics_are_where_markdown_export_has_them(cli, shipped, lang):
    expected = cli("export", "-f", "apa", "--markup", "markdown", "--lang", lang, data=SHIPPED).stdout.splitlines()
    document = opened(word.render_bytes(shipped, options=Options(lang=lang)))
    assert [as_markdown(p) for p in document.paragraphs[1:]] == expected
    assert all(any(run.italic for run in p.runs) for p in document.paragraphs[1:])  # every title


def test_italics_and_links_of_the_edge_cases(cli, edge_folder):
    refs = load(edge_folder)
    expected = cli("export", "-f", "apa", "--markup", "markdown", data=edge_folder).stdout.splitlines()
    document = opened(word.render_bytes(refs))
    assert [as_markdown(p) for p in document.paragraphs[1:]] == expected
    links = [link for p in document.paragraphs for link in p.hyperlinks]
    assert links and all(link.url.startswith("https://") for link in links)
    assert all(run.style.name == "Hyperlink" for link in links for run in link.runs)
    assert any(link.url == "https://doi.org/10.1037/ppm0000185" for link in links)


@pytest.mark.parametrize("lang, tag", [("en", "en-GB"), ("nb", "nb-NO"), ("nn", "nn-NO")])
def test_document_language(shipped, lang, tag):
    document = opened(word.render_bytes(shipped, options=Options(lang=lang)))
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == tag
    assert document.settings.element.find(qn("w:themeFontLang")).get(qn("w:val")) == tag
    assert document.core_properties.language == tag


def test_a4_with_apa_margins(shipped):
    section = opened(word.render_bytes(shipped)).sections[0]
    assert (round(section.page_width.cm, 2), round(section.page_height.cm, 2)) == (21.0, 29.7)
    assert {section.left_margin, section.right_margin, section.top_margin, section.bottom_margin} == {Cm(2.54)}


# ---------------------------------------------------------------- the same bytes for the same references


def test_the_same_references_give_the_same_bytes(shipped, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = word.render_bytes(shipped)
    assert word.render_bytes(load(SHIPPED)) == first
    assert word.render_bytes(list(reversed(shipped))) == first  # APA order, whatever the input order
    assert word.render_bytes(shipped[:-1]) != first
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert {item.date_time for item in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = package.read("docProps/core.xml").decode()
    assert "dcterms:created" not in core and "dcterms:modified" not in core
    assert "python-docx" not in core


def test_source_date_epoch_is_the_creation_time(shipped, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    data = word.render_bytes(shipped)
    assert data == word.render_bytes(shipped)
    properties = opened(data).core_properties
    assert properties.created == properties.modified == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.timezone.utc)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert {item.date_time for item in package.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH must be a whole number"):
        word.render_bytes(shipped)


def test_template_leftovers_are_left_out(shipped):
    with zipfile.ZipFile(io.BytesIO(word.render_bytes(shipped))) as package:
        names = set(package.namelist())
        settings = package.read("word/settings.xml").decode()
    assert not names & {"docProps/thumbnail.jpeg", "docProps/app.xml", "word/stylesWithEffects.xml"}
    assert "w:proofState" not in settings


# ---------------------------------------------------------------- converted by pandoc


def pandoc_plain(data: bytes, tmp_path: Path) -> list[str]:
    require_tool("pandoc")
    path = tmp_path / "references.docx"
    path.write_bytes(data)
    done = subprocess.run(["pandoc", "-f", "docx", "-t", "plain", "--wrap=none", str(path)],
                          capture_output=True, text=True, check=True, timeout=60)
    return [line for line in done.stdout.splitlines() if line.strip()]


@pytest.mark.parametrize("lang", LANGS)
def test_pandoc_reads_the_text_of_export_apa(cli, shipped, tmp_path, lang):
    expected = cli("export", "-f", "apa", "--lang", lang, data=SHIPPED)  # innoref --data data export -f apa
    lines = pandoc_plain(word.render_bytes(shipped, options=Options(lang=lang)), tmp_path)
    assert lines == [word.HEADINGS[lang]] + expected.stdout.splitlines()


def test_pandoc_reads_the_edge_cases_with_their_links(cli, edge_folder, tmp_path):
    expected = cli("export", "-f", "apa", data=edge_folder).stdout.splitlines()
    assert pandoc_plain(word.render_bytes(load(edge_folder)), tmp_path) == ["References"] + expected


# ---------------------------------------------------------------- the format module


def test_format_module_attributes():
    assert formats.get("docx") is word
    assert "docx" in formats.names()
    assert (word.SUFFIX, word.OPTIONS, word.BINARY) == (".docx", ("lang",), True)
    assert word.DESCRIPTION


def test_render_as_text_is_a_usage_error(shipped):
    with pytest.raises(UsageError, match="--output"):
        formats.render("docx", shipped)


def test_runs_merge_neighbours_and_keep_links_apart():
    text = Seq((String("A. "), Italic(Seq((String("Title"), String(": More")))), String(""), String(". "),
                Link("https://x.org/a"), Link("https://x.org/b")))
    assert word.runs(text) == [
        word.Run("A. "), word.Run("Title: More", italic=True), word.Run(". "),
        word.Run("https://x.org/a", url="https://x.org/a"), word.Run("https://x.org/b", url="https://x.org/b"),
    ]
