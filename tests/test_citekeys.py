"""Reading the citation keys of LaTeX, .aux and pandoc Markdown documents, and advice for unknown keys.

Besides the unit tests on tricky inputs, two tests ask the tools themselves: LaTeX
writes the keys it saw into the .aux file, and pandoc shows its citations in its
JSON; innoref must find the same keys in the source.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from conftest import require_tool
from innoref.citekeys import (
    Citation,
    DocumentError,
    document_kind,
    read_citations,
    unknown_keys,
)
from innoref.errors import UsageError


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A folder to write documents into, as the current folder, so paths in messages are short."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return name


def keys_of(folder: Path, name: str, text: str) -> list[str]:
    return [c.key for c in read_citations([write(folder, name, text)]).citations]


def places(folder: Path, name: str, text: str) -> list[tuple[str, int, int]]:
    return [(c.key, c.line, c.column) for c in read_citations([write(folder, name, text)]).citations]


# ---------------------------------------------------------------- LaTeX: the \cite family


def test_natbib_biblatex_and_apacite_commands(folder):
    text = r"""
    \cite{c1} \citep{c2} \citet{c3} \citealp{c4} \citealt{c5} \citeauthor{c6} \citeyear{c7} \citeyearpar{c8}
    \parencite{b1} \textcite{b2} \autocite{b3} \footcite{b4} \smartcite{b5} \supercite{b6} \fullcite{b7}
    \footcitetext{b8} \citetitle{b9} \nocite{n1}
    \citeA{a1} \citeNP{a2} \shortcite{a3} \fullciteNP{a4}
    """
    assert keys_of(folder, "all.tex", text) == (
        ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"] + [f"b{i}" for i in range(1, 10)] + ["n1"]
        + ["a1", "a2", "a3", "a4"]
    )


def test_capitalised_and_starred_forms(folder):
    text = r"\Textcite{a} \Citet{b} \Parencite*{c} \citet*{d} \Citeauthor*{e} \Autocite {f}"
    assert keys_of(folder, "caps.tex", text) == ["a", "b", "c", "d", "e", "f"]


def test_words_that_contain_cite_are_not_citations(folder):
    text = r"\citestyle{apa} \setcitestyle{round} \bibliographystyle{plain} \excitement{x} \citation{aux-only}"
    assert keys_of(folder, "words.tex", text) == []


def test_several_keys_with_commas_spaces_and_punctuation(folder):
    text = r"See \citep{moland2013laeringsnettverk,  teigen:2010 , krd-2013/nye_vegar, a.b.c,}."
    assert places(folder, "keys.tex", text) == [
        ("moland2013laeringsnettverk", 1, 12), ("teigen:2010", 1, 41), ("krd-2013/nye_vegar", 1, 55),
        ("a.b.c", 1, 75),
    ]


def test_position_is_the_key_itself_on_its_own_line(folder):
    text = r"""
    First line.
    Then \parencite[see][12]{
        moland2013,
      teigen2010}
    """
    assert places(folder, "lines.tex", text) == [("moland2013", 3, 5), ("teigen2010", 4, 3)]


def test_optional_arguments_with_nested_braces_and_brackets(folder):
    text = r"""
    \citep[{see [for example]}][p.~{3]}]{a}
    \textcite[see [a] and {\emph{b}}][pp. 3--4]{b}
    \cite<e.g.,>[p.~11]{c}
    \citeauthor[{]}]{d}
    """
    assert keys_of(folder, "opt.tex", text) == ["a", "b", "c", "d"]


def test_multicite_commands_take_every_key_group(folder):
    text = r"""
    \autocites(See)(and more)[12]{a}[cf.][3]{b,c}{d} and then {not a key}.
    \Textcites{e}[p.~2]{f}
    \parencites{g} \footcites[x]{h}
    """
    assert keys_of(folder, "multi.tex", text) == ["a", "b", "c", "d", "e", "f", "g", "h"]


# ---------------------------------------------------------------- LaTeX: what is not a citation


def test_comments_are_ignored_but_escaped_percent_is_not_a_comment(folder):
    text = r"""
    % \cite{whole-line-comment}
    50\% of cases \cite{after-escaped-percent} % \cite{trailing-comment}
    a line break\\% \cite{after-line-break-is-a-comment}
    \cite{split % a comment inside the argument
      , next}
    """
    assert places(folder, "comments.tex", text) == [
        ("after-escaped-percent", 2, 21), ("split", 4, 7), ("next", 5, 5),
    ]


def test_verbatim_verb_comment_and_listings_hold_no_citations(folder):
    text = r"""
    \verb|\cite{verb}| \verb*+\citep{verbstar}+ \cite{real1}
    \begin{verbatim}
    \cite{verbatim} % not a comment either
    \end{verbatim}
    \begin{comment}
    \cite{comment-env}
    \end{comment}
    \begin{lstlisting}
    \citep{listing}
    \end{lstlisting}
    \url{https://example.org/a%20b} \cite{real2}
    \\cite{after-line-break-is-text}
    \iffalse \cite{switched-off} \fi \iffalse \cite{off} \else \cite{real3} \fi
    """
    assert keys_of(folder, "verb.tex", text) == ["real1", "real2", "real3"]


def test_macro_parameters_and_bare_commands_are_not_keys(folder):
    text = r"""
    \newcommand{\mycite}[2][]{\citep[#1]{#2}}
    \let\oldcite\cite
    \mycite{real}
    """
    assert keys_of(folder, "macro.tex", text) == []


def test_nothing_after_end_document_is_read(folder):
    text = r"""
    \begin{document}\cite{inside}\end{document}
    \cite{after}
    """
    assert keys_of(folder, "end.tex", text) == ["inside"]


def test_nocite_star_is_a_flag_not_a_key(folder):
    cited = read_citations([write(folder, "all.tex", r"\nocite{*} \nocite{a, *}")])
    assert cited.keys() == ["a"]
    assert cited.cites_everything
    assert [(c.line, c.column) for c in cited.everything] == [(1, 9), (1, 23)]


def test_a_brace_never_closed_names_its_place(folder):
    write(folder, "open.tex", "Text.\nSee \\citep[p.~3]{moland2013, \n\nmore text\n")
    with pytest.raises(DocumentError) as caught:
        read_citations(["open.tex"])
    assert caught.value.message == r"open.tex:2:17: the argument of \citep is never closed"


# ---------------------------------------------------------------- LaTeX: included files


def test_input_include_and_subfile_followed_in_reading_order(folder):
    write(folder, "thesis.tex", r"""
    \cite{first}
    \input{chapters/intro}
    \include{chapters/method}
    \input chapters/results.tex
    \subfile{chapters/appendix.tex}
    \cite{last}
    """)
    write(folder, "chapters/intro.tex", r"\cite{intro}")
    write(folder, "chapters/method.tex", "Method.\n  \\textcite{method}")
    write(folder, "chapters/results.tex", r"\citep{results}")
    write(folder, "chapters/appendix.tex", r"\documentclass[../thesis.tex]{subfiles}\begin{document}\cite{app}\end{document}")
    cited = read_citations(["thesis.tex"])
    assert [(c.key, c.where) for c in cited.citations] == [
        ("first", "thesis.tex:1:7"), ("intro", "chapters/intro.tex:1:7"), ("method", "chapters/method.tex:2:13"),
        ("results", "chapters/results.tex:1:8"), ("app", "chapters/appendix.tex:1:62"), ("last", "thesis.tex:6:7"),
    ]
    assert cited.files == ["thesis.tex", "chapters/intro.tex", "chapters/method.tex", "chapters/results.tex",
                           "chapters/appendix.tex"]


def test_input_relative_to_the_including_file_then_to_the_main_file(folder):
    write(folder, "main.tex", r"\input{chapters/one}")
    write(folder, "chapters/one.tex", r"\input{two} \input{chapters/three}")  # its own folder; main's folder
    write(folder, "chapters/two.tex", r"\cite{two}")
    write(folder, "chapters/three.tex", r"\cite{three}")
    assert [c.where for c in read_citations(["main.tex"]).citations] == [
        "chapters/two.tex:1:7", "chapters/three.tex:1:7"]


def test_input_cycles_and_repeats_read_each_file_once(folder):
    write(folder, "a.tex", r"\cite{a}\input{b}\input{a}")
    write(folder, "b.tex", r"\cite{b}\input{a.tex}\input{b}")
    cited = read_citations(["a.tex", "b.tex"])
    assert cited.keys() == ["a", "b"] and len(cited.citations) == 2
    assert cited.files == ["a.tex", "b.tex"]


def test_missing_input_names_the_file_line_and_column(folder):
    write(folder, "main.tex", "\\documentclass{article}\n\\begin{document}\n  \\input{chapters/nothere}\n")
    with pytest.raises(DocumentError) as caught:
        read_citations(["main.tex"])
    assert caught.value.message == ("main.tex:3:10: cannot find the file 'chapters/nothere' that it includes "
                                    "(looked for chapters/nothere.tex, chapters/nothere)")


def test_missing_document_is_an_error(folder):
    with pytest.raises(DocumentError) as caught:
        read_citations(["nothere.tex"])
    assert caught.value.message == "nothere.tex: no such file"


def test_input_of_a_tex_distribution_file_is_skipped(folder):
    require_tool("kpsewhich")
    write(folder, "main.tex", "\\input{glyphtounicode}\n\\cite{a}")
    assert read_citations(["main.tex"]).keys() == ["a"]


def test_input_built_by_a_macro_is_reported_as_skipped(folder):
    cited = read_citations([write(folder, "main.tex", "\\input{\\chapterdir/intro} \\input{#1}")])
    assert [(s.name, s.where) for s in cited.skipped] == [("\\chapterdir/intro", "main.tex:1:8")]


def test_latex_writes_the_same_keys_into_its_aux_file(folder):
    """pdflatex with natbib and with biblatex: the keys of the .aux are the keys innoref reads from the source."""
    require_tool("pdflatex")
    body = r"""
    As \citet{moland2013} shows % \cite{commented}
    and 50\% of \citep[see][p.~3]{a:b-c/d_e.f, g}, \Citet*[{[}x{]}][p. {3]}]{h}.
    \citealp{i,j} \citeauthor{l} \citeyear{m} \citeyearpar{n}
    \verb|\cite{verb}| \\cite{notacmd}
    \begin{verbatim}
    \cite{inverbatim}
    \end{verbatim}
    \begin{comment}
    \cite{incomment}
    \end{comment}
    \input{chap}
    \input chap2
    \url{http://x.org/a%20b} \cite{afterurl}\nocite{nc}
    \iffalse \cite{iniffalse} \input{nothere} \fi \iffalse \cite{off} \else \cite{inelse} \fi
    """
    write(folder, "chap.tex", r"\cite{inchap}")
    write(folder, "chap2.tex", r"hello \citep{inchap2}")
    natbib = r"\documentclass{article}\usepackage{natbib}\usepackage{verbatim}\usepackage{url}\begin{document}"
    biblatex = r"\documentclass{article}\usepackage[natbib]{biblatex}\usepackage{verbatim}\begin{document}"
    extra = r"\textcite{t}\Parencite*[pre][post]{p}\autocites(a)(b)[c][d]{m1}[e]{m2,m3}{m4}\fullcite{f}"
    for name, head, more in (("nat", natbib, ""), ("blx", biblatex, extra)):
        source = write(folder, f"{name}.tex", head + textwrap.dedent(body) + more + "\n\\end{document}\n")
        subprocess.run(["pdflatex", "-interaction=nonstopmode", source], cwd=folder, capture_output=True, timeout=120)
        from_source = read_citations([source])
        from_aux = read_citations([f"{name}.aux"])
        assert from_aux.keys(), f"pdflatex wrote no citations for {name}"
        assert Counter(from_source.keys()) == Counter(from_aux.keys())


# ---------------------------------------------------------------- .aux files


def test_aux_of_bibtex_and_of_both_biber_generations(folder):
    write(folder, "paper.aux", r"""
    \relax
    \citation{moland2013,teigen2010}
    \bibcite{moland2013}{1}
    \abx@aux@cite{0}{krd2013}
    \abx@aux@segm{0}{0}{krd2013}
    \abx@aux@cite{ringholm2011}
    \@input{chapter1.aux}
    """)
    write(folder, "chapter1.aux", r"\citation{frankelius2009}")
    cited = read_citations(["paper.aux"])
    assert [(c.key, c.where) for c in cited.citations] == [
        ("moland2013", "paper.aux:2:11"), ("teigen2010", "paper.aux:2:22"), ("krd2013", "paper.aux:4:18"),
        ("ringholm2011", "paper.aux:6:15"), ("frankelius2009", "chapter1.aux:1:11"),
    ]
    assert not cited.cites_everything


def test_aux_nocite_star_both_ways(folder):
    for text in (r"\citation{*}", "\\abx@aux@nociteall\n\\abx@aux@cite{0}{a}"):
        cited = read_citations([write(folder, "star.aux", text)])
        assert cited.cites_everything and "*" not in cited.keys()


def test_aux_missing_included_aux_is_an_error(folder):
    write(folder, "paper.aux", "\\relax\n\\@input{gone.aux}\n")
    with pytest.raises(DocumentError, match=r"^paper\.aux:2:9: cannot find the file 'gone\.aux'"):
        read_citations(["paper.aux"])


# ---------------------------------------------------------------- pandoc Markdown


def test_markdown_citation_forms_and_exact_places(folder):
    text = """
    As @moland2013 says [see @a, pp. 3–4; @b], and [-@c] too.
    Keys @a:b-c/d_e.f. and @{odd*key}, and @Key2013a; @ø2013.
    """
    assert places(folder, "paper.md", text) == [
        ("moland2013", 1, 5), ("a", 1, 27), ("b", 1, 40), ("c", 1, 51),
        ("a:b-c/d_e.f", 2, 7), ("odd*key", 2, 26), ("Key2013a", 2, 41), ("ø2013", 2, 52),
    ]


def test_markdown_trailing_punctuation_is_not_part_of_the_key(folder):
    text = "@a. @b: @c/ @d? @e- @f.g. @h//i @j--k @l~"
    assert keys_of(folder, "punct.md", text) == ["a", "b", "c", "d", "e", "f.g", "h//i", "j", "l"]


def test_markdown_emails_urls_and_escapes_are_not_citations(folder):
    text = """
    Mail kari@example.no, <kari.nordmann@uio.no> or ola@ntnu.no.
    See https://x.org/@foo, <https://mastodon.social/@kari>, www.x.org/@bar and e.g.@no.
    An escaped \\@not and [@yes].
    """
    assert keys_of(folder, "mail.md", text) == ["yes"]


def test_markdown_code_is_not_citations(folder):
    text = """
    Inline `@code` and ``a ` @code2`` but \\`@escaped-tick-so-this-cites`.

    ```python
    @decorator
    ```

    ~~~~
    ```
    @tilde
    ~~~~

    <!-- @html-comment
    over lines -->

        @indented-code

    - a list item [@li]

        a continued paragraph, not code, cites @cont
    """
    assert keys_of(folder, "code.md", text) == ["escaped-tick-so-this-cites", "li", "cont"]


def test_markdown_front_matter_nocite(folder):
    text = """
    ---
    title: "A paper by kari@example.no"
    # nocite: "@commented-out"
    nocite: |
      @nc1, @nc2
    ---

    Text @body.
    """
    assert places(folder, "front.md", text) == [("nc1", 5, 4), ("nc2", 5, 10), ("body", 8, 7)]


def test_markdown_nocite_list_and_everything(folder):
    cited = read_citations([write(folder, "list.qmd", """
    ---
    nocite:
    - "@a"
    - '@b'
    ---
    """)])
    assert cited.keys() == ["a", "b"] and not cited.cites_everything
    cited = read_citations([write(folder, "all.Rmd", "---\nnocite: '@*'\n---\n\nText.\n")])
    assert cited.keys() == [] and cited.cites_everything
    assert [c.where for c in cited.everything] == ["all.Rmd:2:11"]  # the "*" itself, as for \\nocite{*}


def test_markdown_without_metadata_keeps_horizontal_rules_as_text(folder):
    text = """
    Para @a.

    ---

    Para @b.

    ---
    """
    assert keys_of(folder, "rules.markdown", text) == ["a", "b"]


def test_pandoc_finds_the_same_citations(folder):
    """pandoc's own reading (its JSON) against innoref's, on a document full of traps."""
    require_tool("pandoc")
    text = textwrap.dedent("""
    ---
    title: "A paper by kari@example.no"
    nocite: |
      @nc1, @nc2
    abstract: As @inabstract says.
    ---

    # Intro

    As @moland2013 says [see @a, pp. 3–4; @b], and [-@c] too.
    Mail kari@example.no or <kari@example.no>; see <https://x.org/@foo>.
    Keys @a:b-c/d_e.f. and @{odd*key} and @Key2013a, and e.g.@no \\@esc.
    Code `@code` and ``a ` @code2`` but `unclosed @yes1

    ``` {.python}
    @fenced
    ```

    ~~~~
    ```
    @tilde
    ~~~~

        @indented

    - item [@li]

        continued @cont

    <!-- @comment
      -->
    @a@b2 (@x) text @h//i @j--k.
    (@ex) not an example marker here

    (@marker) an example marker

    end @z.
    """)
    write(folder, "traps.md", text)
    ast = json.loads(subprocess.run(["pandoc", "-f", "markdown", "-t", "json", "traps.md"], cwd=folder,
                                    capture_output=True, text=True, check=True, timeout=60).stdout)
    theirs: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("t") == "Cite":
                theirs.extend(c["citationId"] for c in node["c"][0])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(ast)
    ours = [c.key for c in read_citations(["traps.md"]).citations]
    assert "inabstract" in ours and "marker" not in ours
    assert Counter(ours) == Counter(theirs)


# ---------------------------------------------------------------- kinds and encodings


@pytest.mark.parametrize("name, kind", [
    ("a.tex", "latex"), ("a.ltx", "latex"), ("a.aux", "aux"), ("a.md", "markdown"),
    ("a.markdown", "markdown"), ("a.qmd", "markdown"), ("a.Rmd", "markdown"), ("A.TEX", "latex"),
])
def test_document_kind_follows_the_suffix(name, kind):
    assert document_kind(name) == kind


def test_unknown_suffix_is_a_usage_error(folder):
    with pytest.raises(UsageError) as caught:
        read_citations(["notes.txt"])
    assert caught.value.message == ("notes.txt: cannot read citations from a '.txt' file; "
                                    "innoref reads .tex, .ltx, .aux, .md, .markdown, .qmd, .Rmd")


def test_not_utf8_names_the_place(folder):
    (folder / "latin1.tex").write_bytes("\\cite{a}\nBr\u00e5then \\cite{b}\n".encode("latin-1"))
    with pytest.raises(DocumentError) as caught:
        read_citations(["latin1.tex"])
    assert caught.value.message == "latin1.tex:2:3: not UTF-8 text; save the file as UTF-8"


def test_windows_line_endings_and_byte_order_mark(folder):
    (folder / "win.tex").write_bytes("\ufeff\\cite{a}\r\n  \\cite{b}\r\n".encode("utf-8"))
    assert [(c.key, c.line, c.column) for c in read_citations(["win.tex"]).citations] == [
        ("a", 1, 7), ("b", 2, 9)]


# ---------------------------------------------------------------- advice for unknown keys

LIBRARY = ["bolkesjo1999fylkeskommunen", "frankelius2009innovativa", "krd2013nyevegar", "moland2010strategisk",
           "moland2013laeringsnettverk", "ringholm2011innovasjonsprosesser", "teigen2010kommunesektorens"]


def test_unknown_keys_with_their_places_and_advice(folder):
    write(folder, "paper.tex", "\\cite{moland2013laeringsnettverk}\n\\cite{moland2013}\n\\citep{Krd2013nyevegar, moland2013}")
    unknown = unknown_keys(read_citations(["paper.tex"]), LIBRARY)
    assert [(u.key, [c.where for c in u.citations], u.suggestions, u.case_variants) for u in unknown] == [
        ("moland2013", ["paper.tex:2:7", "paper.tex:3:25"], ("moland2013laeringsnettverk", "moland2010strategisk"), ()),
        ("Krd2013nyevegar", ["paper.tex:3:8"], ("krd2013nyevegar",), ("krd2013nyevegar",)),
    ]
    assert unknown[0].citations[0] == Citation("moland2013", "paper.tex", 2, 7)
