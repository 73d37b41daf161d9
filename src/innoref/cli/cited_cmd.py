"""`innoref cited DOC...`: the bibliography of LaTeX, .aux and Markdown documents, every key checked."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from innoref.cli import complete

from innoref.cli.app import command, open_library

SUFFIXES = ".bib (bibtex), .json (csl-json), .ris (ris) or .docx (docx)"


def advice(unknown, *, warning: bool) -> list[str]:
    """One line per citation of an unknown key, at the place of the key itself."""
    lines = []
    label = "warning: " if warning else ""
    for u in unknown:
        if u.case_variants:
            others = ", ".join(f"'{k}'" for k in u.case_variants)
            hint = (f": the library has {others}, which differs only in letter case (biber matches keys "
                    "exactly; classic BibTeX ignores case)")
        elif u.suggestions:
            hint = f" (did you mean {', '.join(u.suggestions)}?)"
        else:
            hint = ""
        lines += [f"{c.where}: {label}unknown key '{u.key}'{hint}" for c in u.citations]
    return lines


@command("cited")
def cited_cli(
    ctx: typer.Context,
    documents: Annotated[list[str], typer.Argument(
        metavar="DOC...", autocompletion=complete.files(".tex", ".ltx", ".aux", ".md", ".markdown", ".qmd", ".rmd"),
        help="LaTeX (.tex), .aux or pandoc Markdown (.md, .qmd, .Rmd) files; \\input and "
                               "\\include are followed.")],
    fmt: Annotated[Optional[str], typer.Option(
        "--format", "-f", metavar="FORMAT", autocompletion=complete.formats,
        help="Output format, as for export. Default: from the --output name (" + SUFFIXES + "); on standard "
             "output bibtex for LaTeX, csl-json for Markdown.")] = None,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", metavar="FILE", autocompletion=complete.files(),
        help="Write to FILE (whole or not at all); an unchanged bibliography leaves the file as it is, so "
             "make and latexmk see nothing new.")] = None,
    check: Annotated[bool, typer.Option(
        "--check", help="Only check that every cited key is in the library: silent and exit 0 when it is, "
                        "the unknown keys and exit 1 when not. Writes nothing.")] = False,
    allow_missing: Annotated[bool, typer.Option(
        "--allow-missing", help="Write the bibliography of the keys found, with a warning for each unknown "
                                "key, instead of an error.")] = False,
    lang: Annotated[Optional[str], typer.Option(
        "--lang", metavar="en|nb|nn", autocompletion=complete.choices("en", "nb", "nn"), help="Language of APA terms (apa and docx). Default: en.")] = None,
    markup: Annotated[Optional[str], typer.Option(
        "--markup", metavar="text|markdown|html", autocompletion=complete.choices("text", "markdown", "html"), help="How APA italics look (apa). Default: text.")] = None,
) -> None:
    """Write the bibliography of documents: exactly the references they cite.

    innoref cited thesis.tex -o refs.bib (LaTeX with bibtex or biber), innoref cited
    paper.md -o refs.json (pandoc --citeproc), innoref cited paper.md -o refs.docx (a
    Word reference list). References come in the order they are first cited (APA and
    docx as a sorted reference list); \\nocite{*} or nocite: '@*' cites the whole
    library. An unknown key is an error with its file:line:column and the nearest keys
    (exit 1, nothing written), unless --allow-missing.
    """
    from innoref import bibliography, formats
    from innoref.cli.output import count, write_stdout
    from innoref.errors import InnorefError

    if not check:  # a wrong format or option is found before any document is read
        name = bibliography.format_for(fmt, output, documents)
        options = formats.options_for(name, lang, markup)
    lib = open_library(ctx)
    found = bibliography.of_documents(lib, documents)
    for skipped in found.cited.skipped:
        typer.echo(f"{skipped.where}: warning: cannot follow the include of '{skipped.name}' (its name is "
                   "built by a macro); its citations are not read", err=True)
    lines = advice(found.unknown, warning=allow_missing)
    for line in lines:
        typer.echo(line, err=True)
    if found.unknown and not allow_missing:
        keys = count(len(found.unknown), "unknown key")
        raise InnorefError(f"{keys} ({count(found.places, 'citation')})" + ("" if check else "; nothing written"))
    if check:
        return
    data = formats.render_output(name, found.references, options)
    if not found.cited.citations and not found.cited.cites_everything:
        files = found.cited.files
        typer.echo(f"warning: {', '.join(files)} {'cites' if len(files) == 1 else 'cite'} no references", err=True)
    if output is None:
        write_stdout(data)
        return
    from innoref.cli.app import write_output

    written = write_output(ctx, output, data, skip_unchanged=True)
    refs = count(len(found.references), "reference")
    typer.echo(f"wrote {refs} to {output}" if written else f"{output} is up to date ({refs})", err=True)

