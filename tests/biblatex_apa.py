"""biblatex-apa as an oracle: render .bib records through pdflatex + biber + biblatex
``style=apa`` and read the reference list back from the PDF, one string per reference,
italics written as Markdown ``*...*``, so that tests can compare innoref's
``export -f apa --markup markdown`` with it line by line.

How it works (:func:`render_entries`):

1. A LaTeX document on a very wide page (200 cm, ragged right, no hyphenation) so
   that nothing is hyphenated or stretched; babel with ``american`` (en), ``norsk``
   (nb) or ``nynorsk`` (nn), its shorthands off (Norwegian babel makes ``"`` an
   active character, which breaks on a ``"`` in a field). biblatex-apa declares the
   language mapping suffix ``-apa`` itself, so babel's language alone loads
   ``american-apa.lbx``, ``norsk-apa.lbx`` or ``nynorsk-apa.lbx`` (checked in the
   log). ``hyperref`` is not loaded and biblatex-apa sets ``\\urlstyle{same}``: URLs
   and DOIs are plain text in the text font.
2. Every entry starts with a marker ``@@@<n>@@@`` (put before biblatex's own
   ``begentry`` macro, before any field is printed, so biblatex's punctuation is not
   touched), and its key is written to ``<job>.keys``; the references are then split
   at the markers, not at line ends.
3. ``pdflatex``, ``biber``, ``pdflatex``; any error stops with the tool's log.
4. ``pdftotext -bbox`` gives every word with its box; words closer than
   :data:`SPACE_GAP` are joined, others get a space (plain ``pdftotext`` guesses a
   space after an italic correction: ``*22* (1)``). ``pdftohtml -xml`` gives the same
   characters in runs marked ``<i>`` (poppler's reading of the font name). Both come
   from poppler's one text extractor, so their non-space characters are the same
   sequence (checked): each character takes the style of its twin, and an italic
   span is a maximal run of italic characters (a space inside it included).
5. :func:`normalise` removes what is not meaningful.

Bold, which biblatex uses for a missing localisation string or an undefined key, is
written ``**...**`` so that it shows. A literal ``*`` in a reference is not escaped.

A test helper, not part of innoref: it never imports innoref.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

#: innoref's ``--lang`` -> babel's language; biblatex-apa then loads ``<language>-apa.lbx``.
BABEL = {"en": "american", "nb": "norsk", "nn": "nynorsk"}

TOOLS = ("pdflatex", "biber", "pdftotext", "pdftohtml", "kpsewhich")

JOB = "apa"
MARKER = re.compile(r"@@@(\d+)@@@")

DOCUMENT = r"""\documentclass{article}
\usepackage[paperwidth=200cm,paperheight=120cm,margin=1cm]{geometry}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage{lmodern}
\usepackage[shorthands=off,%(babel)s]{babel}
\usepackage{csquotes}
\usepackage[style=apa,backend=biber]{biblatex}
\addbibresource{refs.bib}
\hyphenpenalty=10000 \exhyphenpenalty=10000
\pagestyle{empty}
\newcounter{harnessentry}
\newwrite\harnesskeys
\immediate\openout\harnesskeys=\jobname.keys
\letbibmacro{harness:begentry}{begentry}
\renewbibmacro*{begentry}{%%
  \stepcounter{harnessentry}%%
  \immediate\write\harnesskeys{\thefield{entrykey}}%%
  \mbox{@@@\arabic{harnessentry}@@@}%%
  \usebibmacro{harness:begentry}}
\begin{document}
\raggedright
%(nocite)s
\printbibliography[heading=none]
\immediate\closeout\harnesskeys
\end{document}
"""


class RenderError(RuntimeError):
    """A tool failed, or the PDF could not be read back; the message carries the log."""


def require_tools() -> None:
    """Skip the calling test when TeX Live, biblatex-apa or poppler is missing; in CI
    (``INNOREF_REQUIRE_TOOLS`` set) fail instead, as ``conftest.require_tool`` does."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing and _kpsewhich("apa.bbx") is None:
        missing.append("biblatex-apa (apa.bbx)")
    if missing:
        message = f"not installed: {', '.join(missing)}"
        if os.environ.get("INNOREF_REQUIRE_TOOLS"):
            pytest.fail(f"required in CI but {message}")
        pytest.skip(message)


def _kpsewhich(name: str) -> str | None:
    result = subprocess.run(["kpsewhich", name], capture_output=True, text=True)
    return result.stdout.strip() or None


def render(bib_text: str, keys: list[str] | None = None, lang: str = "en") -> list[str]:
    """The reference list biblatex-apa makes of ``bib_text``: one normalised string per
    reference, in biblatex-apa's order, italics as ``*...*``.

    ``keys`` are the entries to cite (``\\nocite``); ``None`` cites all of them
    (``\\nocite{*}``). ``lang`` is ``en``, ``nb`` or ``nn``.
    """
    return [text for _, text in render_entries(bib_text, keys, lang)]


def render_entries(bib_text: str, keys: list[str] | None = None, lang: str = "en") -> list[tuple[str, str]]:
    """As :func:`render`, each reference with its entry key: ``[(key, text), ...]``."""
    require_tools()
    if lang not in BABEL:
        raise ValueError(f"lang must be one of {', '.join(BABEL)}, not {lang!r}")
    with tempfile.TemporaryDirectory(prefix="biblatex-apa-") as tmp:
        folder = Path(tmp)
        (folder / "refs.bib").write_text(bib_text, encoding="utf-8")
        nocite = r"\nocite{*}" if keys is None else "".join(rf"\nocite{{{k}}}" for k in keys)
        (folder / f"{JOB}.tex").write_text(DOCUMENT % {"babel": BABEL[lang], "nocite": nocite}, encoding="utf-8")
        _compile(folder, lang)
        order = (folder / f"{JOB}.keys").read_text(encoding="utf-8").split()
        entries = _entries(folder / f"{JOB}.pdf")
    if len(entries) != len(order):
        raise RenderError(f"{len(order)} entries typeset but {len(entries)} found in the PDF")
    if keys is not None:
        absent = sorted(set(keys) - set(order))
        if absent:
            raise RenderError(f"not in the reference list (no such entry?): {', '.join(absent)}")
    return list(zip(order, entries))


# --------------------------------------------------------------------------- running the tools


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors="replace", timeout=120)


def _pdflatex(folder: Path) -> str:
    result = _run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{JOB}.tex"], folder)
    log = (folder / f"{JOB}.log").read_text(errors="replace") if (folder / f"{JOB}.log").exists() else ""
    lines = log.splitlines()
    errors = ["\n".join(lines[i:i + 3]) for i, line in enumerate(lines) if line.startswith("!")]
    if result.returncode != 0 or errors:
        raise RenderError("pdflatex failed:\n" + "\n".join(errors or [result.stdout[-3000:]]))
    return log


def _compile(folder: Path, lang: str) -> None:
    _pdflatex(folder)
    result = _run(["biber", JOB], folder)
    blg = (folder / f"{JOB}.blg").read_text(errors="replace") if (folder / f"{JOB}.blg").exists() else ""
    if result.returncode != 0 or "ERROR - " in blg:
        raise RenderError("biber failed:\n" + (blg or result.stdout)[-3000:])
    log = _pdflatex(folder)
    lbx = f"{BABEL[lang]}-apa.lbx"
    if lbx not in log:
        raise RenderError(f"biblatex-apa's {lbx} was not loaded")
    if "Missing character" in log:
        raise RenderError("pdflatex: a character is missing from the font:\n" +
                          "\n".join(l for l in log.splitlines() if "Missing character" in l))


# --------------------------------------------------------------------------- reading the PDF back


@dataclass(frozen=True)
class _Char:
    ch: str
    italic: bool = False
    bold: bool = False


def _styled_runs(pdf: Path) -> list[_Char]:
    """Every non-space character of the PDF, in order, with its font style (pdftohtml)."""
    xml = _run(["pdftohtml", "-xml", "-i", "-stdout", "-q", "-nodrm", str(pdf)], pdf.parent).stdout
    xml = re.sub(r"<!DOCTYPE[^>]*>", "", xml)
    out: list[_Char] = []

    def walk(node: ET.Element, italic: bool, bold: bool) -> None:
        italic = italic or node.tag == "i"
        bold = bold or node.tag == "b"
        out.extend(_Char(c, italic, bold) for c in (node.text or "") if not c.isspace())
        for child in node:
            walk(child, italic, bold)
            out.extend(_Char(c, italic, bold) for c in (child.tail or "") if not c.isspace())

    for text in ET.fromstring(xml).iter("text"):
        walk(text, False, False)
    return out


#: A gap between two words' boxes (in pt, at the document's 10 pt) that is a space.
#: An interword space is 3.33 pt and never shrinks on these ragged lines; the italic
#: correction after an italic run ("*22*(1)") is under 1.5 pt.
SPACE_GAP = 2.0


def _text(pdf: Path) -> str:
    """The PDF's text with a space wherever the typesetting has one (pdftotext's word
    boxes, joined by :data:`SPACE_GAP`; a new line is a space too)."""
    xhtml = _run(["pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-"], pdf.parent).stdout
    xhtml = re.sub(r"<!DOCTYPE[^>]*>", "", xhtml)
    out: list[str] = []
    last = None  # (page, yMin, xMax) of the word before
    for page_no, page in enumerate(ET.fromstring(xhtml).iter("{http://www.w3.org/1999/xhtml}page")):
        for word in page.iter("{http://www.w3.org/1999/xhtml}word"):
            x0, y0, x1 = (float(word.get(a)) for a in ("xMin", "yMin", "xMax"))
            same_line = last is not None and last[0] == page_no and abs(last[1] - y0) < 1.0
            if last is not None and not (same_line and x0 - last[2] < SPACE_GAP):
                out.append(" ")
            out.append(word.text or "")
            last = (page_no, y0, x1)
    return "".join(out)


def _entries(pdf: Path) -> list[str]:
    """The references in the PDF, split at the markers, as Markdown."""
    text = _text(pdf)
    styled = _styled_runs(pdf)
    plain = [c for c in text if not c.isspace()]
    if plain != [c.ch for c in styled]:
        raise RenderError("pdftotext and pdftohtml read different characters from the PDF")
    chars: list[_Char] = []
    it = iter(styled)
    for c in text:
        chars.append(_Char(" ") if c.isspace() else next(it))
    flat = "".join(c.ch for c in chars)
    starts = list(MARKER.finditer(flat))
    entries = []
    for n, m in enumerate(starts):
        end = starts[n + 1].start() if n + 1 < len(starts) else len(chars)
        entries.append(normalise(_markdown(chars[m.end():end])))
    return entries


def _markdown(chars: list[_Char]) -> str:
    """Characters with styles -> text with ``*italic*`` and ``**bold**`` spans; a space
    belongs to a span only when the characters on both sides do."""
    def style(i: int) -> tuple[bool, bool]:
        c = chars[i]
        if c.ch != " ":
            return (c.italic, c.bold)
        before = next((chars[j] for j in range(i - 1, -1, -1) if chars[j].ch != " "), None)
        after = next((chars[j] for j in range(i + 1, len(chars)) if chars[j].ch != " "), None)
        if before is None or after is None:
            return (False, False)
        return (before.italic and after.italic, before.bold and after.bold)

    out, current = [], (False, False)
    for i, c in enumerate(chars):
        wanted = style(i)
        if wanted != current:
            out.append(_close(current) + _open(wanted))
            current = wanted
        out.append(c.ch)
    out.append(_close(current))
    return "".join(out)


def _open(style: tuple[bool, bool]) -> str:
    return ("**" if style[1] else "") + ("*" if style[0] else "")


def _close(style: tuple[bool, bool]) -> str:
    return ("*" if style[0] else "") + ("**" if style[1] else "")


# --------------------------------------------------------------------------- normalisation

_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
              "\ufb05": "st", "\ufb06": "st"}
_SPACES = {"\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ", "\u2002": " ", "\u2003": " "}
_INVISIBLE = {"\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": ""}
_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
           "\u201c": '"', "\u201d": '"', "\u201e": '"'}
_TABLE = str.maketrans({**_LIGATURES, **_SPACES, **_INVISIBLE, **_QUOTES})


def normalise(text: str) -> str:
    """What a comparison should not see, removed; apply it to both sides.

    - Unicode NFC (an "å" is one character however it was extracted);
    - ligature glyphs (ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ) as their letters;
    - non-breaking, thin and other fixed-width spaces as a plain space; soft hyphens,
      zero-width spaces and joiners removed;
    - curly quotes as straight ones (’ ‘ ‚ ′ -> ', “ ” „ -> "): TeX prints every ' as
      ’, so the glyph says nothing about the source; guillemets « » are kept, they are
      the Norwegian quotation marks;
    - an ellipsis, whether the character …, three dots or spaced dots, as ". . ."
      (APA's spelling; biblatex prints ``\\ldots``, three dots with kerns of about
      1.7 pt, narrower than :data:`SPACE_GAP`, so they are read back as "...");
    - a Markdown autolink ``<https://...>`` as its bare URL (innoref's Markdown writes
      links so; the PDF has the URL as plain text);
    - runs of white space as one space, none at either end;
    - two italic spans with only white space between them as one span
      (``*a* *b*`` -> ``*a b*``): the same print, written two ways.

    Dashes (-, –, —) are meaningful in APA and are kept as they are.
    """
    text = unicodedata.normalize("NFC", text).translate(_TABLE)
    text = _ELLIPSIS.sub(". . .", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = " ".join(text.split())
    return _ADJACENT_SPANS.sub(r"\1", text)


_ELLIPSIS = re.compile(r"\u2026|\.[ \u00a0\u2009\u202f]?\.[ \u00a0\u2009\u202f]?\.")
_AUTOLINK = re.compile(r"<(https?://[^\s<>]+)>")
_ADJACENT_SPANS = re.compile(r"(?<![*\s])\*(\s+)\*(?![*\s])")
