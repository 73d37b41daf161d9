"""`innoref cited`: the bibliography of a document, built by the real tools (pdflatex + biber,
pandoc --citeproc, Word via python-docx and pandoc), and every unknown key caught by place."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from conftest import SHIPPED, require_tool
from test_tex import pdf_text, pdflatex, run

CITED = ["moland2013laeringsnettverk", "teigen2010kommunesektorens", "krd2013nyevegar", "ringholm2011innovasjonsprosesser"]
FAMILIES = {"moland2013laeringsnettverk": "Moland", "teigen2010kommunesektorens": "Teigen",
            "krd2013nyevegar": "Kommunal- og regionaldepartementet", "ringholm2011innovasjonsprosesser": "Ringholm"}


@pytest.fixture
def here(tmp_path, monkeypatch):
    """The document's folder as the current folder, so that places in messages are short."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def thesis(folder: Path, extra: str = "") -> Path:
    """A small LaTeX thesis in two files joined by \\input, for biblatex-apa and biber."""
    (folder / "chapters").mkdir(exist_ok=True)
    (folder / "thesis.tex").write_text(r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage[norsk,english]{babel}
\usepackage{csquotes}
\usepackage[style=apa,backend=biber]{biblatex}
\addbibresource{refs.bib}
\begin{document}
As \textcite{moland2013laeringsnettverk} show % not \cite{commented2020}
\input{chapters/one}
\printbibliography
\end{document}
""", encoding="utf-8")
    (folder / "chapters" / "one.tex").write_text(
        r"Innovation \parencite[see][12--14]{teigen2010kommunesektorens, krd2013nyevegar} and "
        r"\autocite{ringholm2011innovasjonsprosesser}." + extra + "\n", encoding="utf-8")
    return folder / "thesis.tex"


def test_a_latex_thesis_builds_with_biber_from_the_bib_that_cited_wrote(cli, here):
    for tool in ("pdflatex", "biber", "pdftotext"):
        require_tool(tool)
    thesis(here)
    done = cli("cited", "thesis.tex", "-o", "refs.bib", data=SHIPPED)
    assert done.exit_code == 0, done.stderr
    assert done.stderr == "wrote 4 references to refs.bib\n"
    bib = (here / "refs.bib").read_text(encoding="utf-8")
    assert [line.split("{")[1].rstrip(",") for line in bib.splitlines() if line.startswith("@")] == CITED
    pdflatex(here, "thesis")
    biber = run(["biber", "thesis"], here)
    assert biber.returncode == 0 and "ERROR" not in biber.stdout, biber.stdout[-3000:]
    pdflatex(here, "thesis")
    pdflatex(here, "thesis")
    log = (here / "thesis.log").read_text(errors="replace")
    assert "undefined" not in log.lower(), [line for line in log.splitlines() if "undefined" in line.lower()]
    text = pdf_text(here / "thesis.pdf")
    for family in FAMILIES.values():
        assert family in text


def test_a_pandoc_paper_builds_with_citeproc_from_the_csl_json_that_cited_wrote(cli, here):
    require_tool("pandoc")
    (here / "paper.md").write_text("""---
title: Innovasjon i kommunene
nocite: |
  @krd2013nyevegar
---

As @moland2013laeringsnettverk [p. 12] show, and others agree [see @teigen2010kommunesektorens, pp. 3–4;
-@ringholm2011innovasjonsprosesser]. Write to post@example.org; `@notakey` is code.

# References
""", encoding="utf-8")
    done = cli("cited", "paper.md", "-o", "refs.json", data=SHIPPED)
    assert done.exit_code == 0, done.stderr
    items = json.loads((here / "refs.json").read_text(encoding="utf-8"))
    assert [item["id"] for item in items] == ["krd2013nyevegar", "moland2013laeringsnettverk",
                                              "teigen2010kommunesektorens", "ringholm2011innovasjonsprosesser"]
    built = subprocess.run(["pandoc", "--citeproc", "--bibliography", "refs.json", "-t", "plain", "--wrap=none",
                            "paper.md"], capture_output=True, text=True, cwd=here, timeout=120)
    assert built.returncode == 0, built.stderr
    assert "not found" not in built.stderr, built.stderr
    for family in FAMILIES.values():
        assert family in built.stdout.split("References", 1)[1]


def test_a_word_reference_list_of_a_paper(cli, here):
    docx = pytest.importorskip("docx")
    (here / "paper.md").write_text("See @moland2013laeringsnettverk and @teigen2010kommunesektorens.\n")
    done = cli("cited", "paper.md", "-o", "refs.docx", "--lang", "nb", data=SHIPPED)
    assert done.exit_code == 0, done.stderr
    document = docx.Document(str(here / "refs.docx"))
    texts = [p.text for p in document.paragraphs]
    apa = cli("cited", "paper.md", "-f", "apa", "--lang", "nb", data=SHIPPED).stdout.splitlines()
    assert texts == ["Litteraturliste"] + apa
    assert len(apa) == 2 and apa[0].startswith("Moland, L. E.")


def test_an_unknown_key_is_an_error_at_its_place_with_the_nearest_keys_and_nothing_is_written(cli, here):
    thesis(here, extra=r" See \citep{moland2013} and \citet{Krd2013nyevegar}.")
    (here / "refs.bib").write_text("% the old bibliography\n")
    done = cli("cited", "thesis.tex", "-o", "refs.bib", data=SHIPPED)
    assert done.exit_code == 1
    assert done.stderr.splitlines() == [
        "chapters/one.tex:1:141: unknown key 'moland2013' (did you mean moland2013laeringsnettverk, "
        "moland2010strategisk?)",
        "chapters/one.tex:1:164: unknown key 'Krd2013nyevegar': the library has 'krd2013nyevegar', which "
        "differs only in letter case (biber matches keys exactly; classic BibTeX ignores case)",
        "error: 2 unknown keys (2 citations); nothing written",
    ]
    assert (here / "refs.bib").read_text() == "% the old bibliography\n"
    line = (here / "chapters" / "one.tex").read_text().splitlines()[0]
    assert line[140:].startswith("moland2013}") and line[163:].startswith("Krd2013nyevegar}")


def test_allow_missing_writes_what_is_found_and_warns_for_each_unknown_key(cli, here):
    thesis(here, extra=r" \cite{nosuchkey2020}")
    done = cli("cited", "thesis.tex", "-o", "refs.bib", "--allow-missing", data=SHIPPED)
    assert done.exit_code == 0
    assert done.stderr.splitlines() == ["chapters/one.tex:1:136: warning: unknown key 'nosuchkey2020'",
                                        "wrote 4 references to refs.bib"]
    assert (here / "refs.bib").read_text().count("\n@") == 4


def test_check_is_silent_when_every_key_resolves_and_lists_the_problems_when_not(cli, here):
    thesis(here)
    done = cli("cited", "thesis.tex", "--check", data=SHIPPED)
    assert (done.exit_code, done.stdout, done.stderr) == (0, "", "")
    thesis(here, extra=r" \cite{moland2013}")
    done = cli("cited", "thesis.tex", "--check", data=SHIPPED)
    assert done.exit_code == 1 and done.stdout == ""
    assert done.stderr.splitlines()[-1] == "error: 1 unknown key (1 citation)"
    assert not (here / "refs.bib").exists()


def test_an_unchanged_bibliography_leaves_the_file_alone(cli, here):
    thesis(here)
    assert cli("cited", "thesis.tex", "-o", "refs.bib", data=SHIPPED).exit_code == 0
    old = time.time() - 3600
    os.utime(here / "refs.bib", (old, old))
    before = (here / "refs.bib").stat()
    again = cli("cited", "thesis.tex", "-o", "refs.bib", data=SHIPPED)
    assert again.exit_code == 0 and again.stderr == "refs.bib is up to date (4 references)\n"
    after = (here / "refs.bib").stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)
    # A new citation changes it.
    thesis(here, extra=r" \cite{frankelius2009innovativa}")
    assert cli("cited", "thesis.tex", "-o", "refs.bib", data=SHIPPED).stderr == "wrote 5 references to refs.bib\n"
    assert (here / "refs.bib").stat().st_mtime_ns != before.st_mtime_ns


def test_the_format_follows_the_output_name_or_else_the_document(cli, here):
    (here / "paper.md").write_text("See @moland2013laeringsnettverk.\n")
    (here / "paper.tex").write_text("See \\cite{moland2013laeringsnettverk}.\n")
    for name, start in (("refs.bib", "% Exported by innoref: classic BibTeX"), ("refs.json", "["),
                        ("refs.ris", "TY  - RPRT")):
        assert cli("cited", "paper.md", "-o", name, data=SHIPPED).exit_code == 0
        assert (here / name).read_text(encoding="utf-8").startswith(start), name
    assert cli("cited", "paper.md", data=SHIPPED).stdout.startswith("[")  # Markdown: CSL-JSON for pandoc
    assert cli("cited", "paper.tex", data=SHIPPED).stdout.startswith("% Exported by innoref: classic BibTeX")
    assert cli("cited", "paper.tex", "-f", "biblatex", data=SHIPPED).stdout.startswith("% Exported by innoref: biblatex")
    unknown = cli("cited", "paper.tex", "-o", "refs.txt", data=SHIPPED)
    assert unknown.exit_code == 2 and "cannot tell the format from the name 'refs.txt'" in unknown.stderr
    assert not (here / "refs.txt").exists()


def test_nocite_star_cites_the_whole_library(cli, here):
    (here / "all.tex").write_text("\\nocite{*}\n")
    done = cli("cited", "all.tex", "-f", "bibtex", data=SHIPPED)
    assert done.exit_code == 0 and done.stdout.count("\n@") == 7


def test_aux_files_of_bibtex_and_biber(cli, here):
    (here / "a.aux").write_text("\\relax\n\\citation{moland2013laeringsnettverk,krd2013nyevegar}\n"
                                "\\abx@aux@cite{0}{teigen2010kommunesektorens}\n")
    done = cli("cited", "a.aux", data=SHIPPED)
    assert done.exit_code == 0
    assert [line for line in done.stdout.splitlines() if line.startswith("@")] == [
        "@techreport{moland2013laeringsnettverk,", "@techreport{krd2013nyevegar,", "@techreport{teigen2010kommunesektorens,"]


def test_a_document_that_cannot_be_read_is_one_clear_error(cli, here):
    done = cli("cited", "missing.tex", data=SHIPPED)
    assert done.exit_code == 1 and done.stderr == "error: missing.tex: no such file\n"
    (here / "paper.tex").write_text("\\input{nowhere}\n")
    done = cli("cited", "paper.tex", data=SHIPPED)
    assert done.exit_code == 1 and "paper.tex:1:8: cannot find the file 'nowhere'" in done.stderr
    (here / "notes.txt").write_text("@moland2013laeringsnettverk\n")
    done = cli("cited", "notes.txt", data=SHIPPED)
    assert done.exit_code == 2 and "cannot read citations from a '.txt' file" in done.stderr


def test_a_document_that_cites_nothing_gives_an_empty_bibliography_and_a_warning(cli, here):
    (here / "draft.md").write_text("Nothing cited yet.\n")
    done = cli("cited", "draft.md", "-o", "refs.json", data=SHIPPED)
    assert done.exit_code == 0
    assert done.stderr.splitlines() == ["warning: draft.md cites no references", "wrote 0 references to refs.json"]
    assert json.loads((here / "refs.json").read_text()) == []


def test_the_bibliography_is_never_written_over_the_library(cli, tmp_path, library):
    (tmp_path / "paper.tex").write_text("\\cite{moland2013laeringsnettverk}\n")
    before = (library / "literature.yaml").read_bytes()
    done = cli("cited", str(tmp_path / "paper.tex"), "-f", "bibtex", "-o", str(library / "literature.yaml"),
               data=library)
    assert done.exit_code == 1 and "is the library's own literature.yaml" in done.stderr
    assert (library / "literature.yaml").read_bytes() == before
