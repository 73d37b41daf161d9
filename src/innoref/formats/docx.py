"""The APA 7 reference list as a Word document (.docx), built with python-docx.

Owns the layout of the list in Word: a heading in the citation language, one
paragraph per reference in APA order, italics set on the runs themselves (the
rich text of ``apa.format_reference``, walked node by node), DOIs and URLs as
live hyperlinks, the document's language, and output that is the same bytes for
the same references. The words and the order are ``apa.py``'s; this module adds
none of its own but the heading.

Choices, with their reasons:

* Heading: "References" (APA 7, 2.12); "Litteraturliste" in Bokmål and Nynorsk, a
  heading that Norwegian guides to APA name for both (NTNU: "Bruk Referanseliste
  eller Litteraturliste som overskrift"; Høgskulen i Volda, in Nynorsk:
  "Litteraturliste, Kjeldeliste eller Referanseliste"). It uses Word's "Heading 1",
  restyled as APA's level-1 heading: centred, bold, the body's font and size, so
  that it shows in the navigation pane and a table of contents.
* Each reference: a hanging indent of 1.27 cm (left 1.27 cm, first line -1.27 cm)
  and double spacing with no space between paragraphs, as APA 7 (2.21, 2.24) asks
  of student and professional papers alike. The formatting is set on each
  paragraph, not only on a style, so that it survives being pasted into a thesis
  whose styles differ; the paragraphs still carry Word's "Bibliography" style name.
* Links: real hyperlinks in Word's "Hyperlink" character style (APA 7, 9.35: live
  links in the program's default display are fine). Their text is the URL itself.
* Language: w:lang on the document defaults, and the core properties' language:
  en-GB, nb-NO or nn-NO, so Word's spelling and hyphenation follow the list's words.
* Page: A4 with 2.54 cm margins (APA's one inch), as in Norway and Britain.
* The same references give the same bytes, so ``--output`` can leave an unchanged
  file alone: the zip entries carry a fixed time; the core properties carry no
  creation or modification time, unless ``SOURCE_DATE_EPOCH`` (the reproducible-
  builds convention) or ``when`` gives one. Leftovers of python-docx's template
  that would say something untrue are left out: its thumbnail, its "extended
  properties" (naming another program), its note that spelling was checked, and
  Word 2010's second copy of the styles, which would lack ours.

Records in, bytes out: never reads or writes files, never prints or exits.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from innoref.errors import UsageError
from innoref.formats import Options
from innoref.formats import apa
from innoref.formats._style import Italic, Link, Rich, Seq, String

if TYPE_CHECKING:
    from innoref.records import Reference

DESCRIPTION = "APA 7 reference list as a Word document with hanging indents (--lang en|nb|nn; needs --output)"
SUFFIX = ".docx"
OPTIONS = ("lang",)
BINARY = True  # render_bytes() makes it; render() cannot give text

HEADINGS = {"en": "References", "nb": "Litteraturliste", "nn": "Litteraturliste"}
LANGUAGE_TAGS = {"en": "en-GB", "nb": "nb-NO", "nn": "nn-NO"}
HANGING_INDENT_CM = 1.27
MARGIN_CM = 2.54
A4_TWIPS = (11906, 16838)  # 21 x 29.7 cm as Word writes it, in twentieths of a point
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)  # the earliest time a zip entry can carry


def render(refs: list["Reference"], *, options: Options = Options()) -> str:
    """A Word document is not text: ``render_bytes`` makes it, for ``--output``."""
    raise UsageError("--format docx writes a Word file, not text; give --output FILE.docx")


def render_bytes(refs: list["Reference"], *, options: Options = Options(), when: dt.datetime | None = None) -> bytes:
    """The reference list as the bytes of a .docx file; the same references give the same bytes.

    ``when`` (or else ``$SOURCE_DATE_EPOCH``) is recorded as the document's creation
    and modification time; without either the document carries none.
    """
    when = when or source_date()
    document = _new_document(options.lang, when)
    document.add_paragraph(HEADINGS[options.lang], style="Heading 1")
    letters = apa.year_suffixes(refs, options.lang)
    for ref in apa.ordered(refs, options.lang):
        _add_reference(document, apa.format_reference(ref, options.lang, letters.get(ref.key, "")))
    saved = io.BytesIO()
    document.save(saved)
    return _reproducible_zip(saved.getvalue(), when)


def source_date() -> dt.datetime | None:
    """``$SOURCE_DATE_EPOCH`` as a UTC time, or None when it is not set."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    try:
        return dt.datetime.fromtimestamp(int(value), tz=dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not {value!r}") from None


# --------------------------------------------------------------------------- rich text to runs


@dataclass(frozen=True)
class Run:
    """A stretch of text with one look: italic or not, a link or not."""

    text: str
    italic: bool = False
    url: str | None = None


def runs(text: Rich) -> list[Run]:
    """The rich text as runs, neighbours that look alike merged, empty text left out."""
    out: list[Run] = []
    for run in _walk(text, italic=False):
        if not run.text:
            continue
        if out and run.url is None and out[-1].url is None and out[-1].italic == run.italic:
            out[-1] = Run(out[-1].text + run.text, run.italic)
        else:
            out.append(run)
    return out


def _walk(node: Rich, *, italic: bool) -> Iterator[Run]:
    if isinstance(node, String):
        yield Run(node.text, italic)
    elif isinstance(node, Seq):
        for part in node.parts:
            yield from _walk(part, italic=italic)
    elif isinstance(node, Italic):
        yield from _walk(node.inner, italic=True)
    elif isinstance(node, Link):
        yield Run(node.url, italic, node.url)
    else:
        raise TypeError(f"no Word form for rich text of type {type(node).__name__}")


# --------------------------------------------------------------------------- the document


def _new_document(lang: str, when: dt.datetime | None):
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Cm, Twips

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Twips(A4_TWIPS[0]), Twips(A4_TWIPS[1])
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    _restyle_heading_as_apa_level_1(document.styles["Heading 1"])
    document.styles.add_style("Bibliography", WD_STYLE_TYPE.PARAGRAPH).base_style = document.styles["Normal"]
    _add_hyperlink_style(document.styles)
    _set_language(document, LANGUAGE_TAGS[lang])
    _set_core_properties(document, HEADINGS[lang], LANGUAGE_TAGS[lang], when)
    _leave_out_template_leftovers(document)
    return document


def _double_spaced_without_gaps(paragraph_format) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    paragraph_format.line_spacing_rule = WD_LINE_SPACING.DOUBLE
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)


def _restyle_heading_as_apa_level_1(style) -> None:
    """Centred, bold, in the body's font, size and colour (APA 7, 2.27); still Word's Heading 1."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    properties = style.element.rPr
    for tag in ("w:rFonts", "w:color", "w:sz", "w:szCs"):
        for child in properties.findall(qn(tag)):
            properties.remove(child)
    style.font.bold = True
    style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _double_spaced_without_gaps(style.paragraph_format)


def _add_hyperlink_style(styles) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import RGBColor

    style = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    style.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)  # Word's own blue for links
    style.font.underline = True


def _set_language(document, tag: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = defaults.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        defaults.append(lang)
    lang.set(qn("w:val"), tag)
    theme_lang = document.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), tag)


def _set_core_properties(document, title: str, tag: str, when: dt.datetime | None) -> None:
    from docx.oxml.ns import qn

    properties = document.core_properties
    properties.title = title
    properties.language = tag
    properties.author = ""
    properties.comments = ""  # python-docx's template says "generated by python-docx"
    properties.last_modified_by = ""
    properties.revision = 1
    if when is not None:
        properties.created = properties.modified = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return
    element = properties._element  # python-docx has no way to remove a property but its XML
    for tag_name in ("dcterms:created", "dcterms:modified"):
        for child in element.findall(qn(tag_name)):
            element.remove(child)


def _leave_out_template_leftovers(document) -> None:
    """python-docx's template brings a thumbnail of another document, extended properties
    naming "Microsoft Macintosh Word" and a note that spelling was checked, none of them true
    here; and Word 2010's copy of the styles (stylesWithEffects), which would not have ours."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn

    for rels, unwanted in ((document.part.package.rels, (RT.THUMBNAIL, RT.EXTENDED_PROPERTIES)),
                           (document.part.rels, (STYLES_WITH_EFFECTS,))):
        for rel_id, rel in list(rels.items()):
            if rel.reltype in unwanted:
                rels.pop(rel_id)
    for proof_state in document.settings.element.findall(qn("w:proofState")):
        document.settings.element.remove(proof_state)


def _add_reference(document, text: Rich) -> None:
    from docx.shared import Cm

    paragraph = document.add_paragraph(style="Bibliography")
    layout = paragraph.paragraph_format
    layout.left_indent = Cm(HANGING_INDENT_CM)
    layout.first_line_indent = -Cm(HANGING_INDENT_CM)
    _double_spaced_without_gaps(layout)
    for run in runs(text):
        if run.url is not None:
            _add_hyperlink(paragraph, run)
        else:
            _add_run(paragraph, run)


def _add_run(paragraph, run: Run):
    added = paragraph.add_run(run.text)
    if run.italic:
        added.italic = True
    return added


def _add_hyperlink(paragraph, run: Run) -> None:
    """A w:hyperlink around a run in the Hyperlink style; python-docx reads these but cannot add them."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    relation = paragraph.part.relate_to(run.url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relation)
    link.set(qn("w:history"), "1")
    added = _add_run(paragraph, run)
    added.style = "Hyperlink"
    added._r.addprevious(link)  # move the run into the hyperlink, at the run's place
    link.append(added._r)


def _reproducible_zip(data: bytes, when: dt.datetime | None) -> bytes:
    """The same zip with every entry stamped ``when`` (or 1980-01-01) and no system-specific fields.

    python-docx stamps each entry with the time of saving; with a fixed stamp the
    bytes depend only on the content (and on this machine's zlib).
    """
    stamp = max(when.astimezone(dt.timezone.utc), ZIP_EPOCH) if when else ZIP_EPOCH
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            target.writestr(entry, source.read(item.filename))
    return out.getvalue()
