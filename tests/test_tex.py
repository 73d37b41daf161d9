"""The BibTeX and biblatex exports in the real tools: pdflatex + bibtex (plain, apacite)
and pdflatex + biber (biblatex, style=apa), read back from the PDF with pdftotext.

Each test compiles one document holding every entry (LaTeX runs are slow), and asserts:
no error from any tool, every entry typeset, every author's family name in the PDF text.
Outside CI a missing tool skips the test; in CI (INNOREF_REQUIRE_TOOLS=1) it fails.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from conftest import require_tool, load
from innoref.location import locate, shipped_data
from innoref.formats import render
from innoref.models import reference, validate_reference
from innoref.records import Reference

HERE = Path(__file__).parent

# Every hard character the exports must carry, in names and titles.
HARD = reference(
    key="hard2020",
    type="article",
    title="Æ ø å ä ö é & 50% $5 #1 a_b ~x ^y \\z {braces} -- «q» “d” Über? Åpninger i Ørsta",
    authors=["Østby, Øystein", "van der Berg, Jan", {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
             "Ellingsen, May-Britt", "{Smith & Sons and Partners}", "Ødegård, Åse"],
    year=2020,
    journal="Tidsskrift for Æ & Ø",
    volume="22",
    issue="1",
    pages="4-19",
    doi="10.1000/abc_def",
    url="https://example.org/a_b?x=1&y=2%20#frag",
    accessed="2024-03-05",
    language="nb",
    extra={"eprint": "1234_5"},
)


def references(tmp_path_factory) -> list[Reference]:
    refs = []
    for source in (HERE.parent / "data" / "literature.yaml", HERE / "golden" / "apa-edge.yaml"):
        folder = tmp_path_factory.mktemp("lib")
        shutil.copy(source, folder / "literature.yaml")
        refs += load(folder).references()
    # APA 6 (apacite) and biblatex-apa shorten lists of 8 and 21+ authors; the 22 authors of
    # Kalnay et al. cannot all be in the PDF, so that record stays out of these documents.
    return [r for r in refs if len(r.authors) < 8] + [HARD]


@pytest.fixture(scope="module")
def refs(tmp_path_factory):
    return references(tmp_path_factory)


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors="replace", timeout=300)


def pdflatex(cwd: Path, name: str) -> None:
    result = run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", name + ".tex"], cwd)
    log = (cwd / f"{name}.log").read_text(errors="replace")
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert result.returncode == 0 and not errors, errors or result.stdout[-2000:]
    assert "Missing character" not in log


def pdf_text(pdf: Path) -> str:
    require_tool("pdftotext")
    text = run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], pdf.parent).stdout
    text = unicodedata.normalize("NFKC", text)  # ligatures (ﬁ) as letters
    return " ".join(text.replace("-\n", "-").split())


def family_names(refs: list[Reference]) -> set[str]:
    names = set()
    for ref in refs:
        for p in ref.authors + ref.editors:
            names.add(p.name if p.is_organisation else p.family_full)
    return names


PREAMBLE = r"""\documentclass[a4paper]{article}
\usepackage[margin=2cm]{geometry}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage[norsk,nynorsk,swedish,english]{babel}
\hyphenpenalty=10000 \exhyphenpenalty=10000 \sloppy
"""


@pytest.mark.parametrize("style", ["plain", "apacite"])
def test_bibtex_export_with_pdflatex_and_bibtex(refs, tmp_path, style):
    for tool in ("pdflatex", "bibtex"):
        require_tool(tool)
    (tmp_path / "refs.bib").write_text(render("bibtex", refs), encoding="ascii")
    package = r"\usepackage{apacite}" if style == "apacite" else ""
    (tmp_path / "doc.tex").write_text(
        PREAMBLE + package + r"""
\usepackage{url}\usepackage{hyperref}
\begin{document}
\nocite{*}
\bibliographystyle{""" + style + r"""}
\bibliography{refs}
\end{document}
""", encoding="utf-8")
    pdflatex(tmp_path, "doc")
    result = run(["bibtex", "doc"], tmp_path)
    blg = (tmp_path / "doc.blg").read_text(errors="replace")
    assert result.returncode in (0, 1) and "error message" not in blg, blg
    pdflatex(tmp_path, "doc")
    pdflatex(tmp_path, "doc")
    bbl = (tmp_path / "doc.bbl").read_text(errors="replace")
    assert len(re.findall(r"\\bibitem", bbl)) == len(refs)
    text = pdf_text(tmp_path / "doc.pdf")
    missing = sorted(n for n in family_names(refs) if n not in text)
    assert not missing, text
    for key in ("Læringsnettverk og innovasjon i kommunene", "Åpninger i Ørsta", "50% $5 #1 a_b ~x ^y \\z {braces}"):
        assert key in text


def test_biblatex_export_with_pdflatex_and_biber(refs, tmp_path):
    for tool in ("pdflatex", "biber"):
        require_tool(tool)
    (tmp_path / "refs.bib").write_text(render("biblatex", refs), encoding="utf-8")
    (tmp_path / "doc.tex").write_text(
        PREAMBLE + r"""\usepackage{csquotes}
\usepackage[style=apa,backend=biber]{biblatex}
\addbibresource{refs.bib}
\begin{document}
\nocite{*}
\printbibliography
\end{document}
""", encoding="utf-8")
    pdflatex(tmp_path, "doc")
    result = run(["biber", "doc"], tmp_path)
    assert result.returncode == 0 and "ERROR" not in result.stdout, result.stdout[-3000:]
    pdflatex(tmp_path, "doc")
    pdflatex(tmp_path, "doc")
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    # biblatex-apa writes each entry once per sorting list: compare the set of keys.
    assert set(re.findall(r"\\entry\{([^}]*)\}", bbl)) == {r.key for r in refs}
    text = pdf_text(tmp_path / "doc.pdf")
    missing = sorted(n for n in family_names(refs) if n not in text)
    assert not missing, text
    # biber keeps UTF-8 and biblatex-apa puts the report series before the bare number.
    assert "Læringsnettverk og innovasjon i kommunene (Fafo-rapport" in text
    assert "50% $5 #1 a_b ~x ^y \\z {braces}" in text
