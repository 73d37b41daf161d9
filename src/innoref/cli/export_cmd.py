"""`innoref export [QUERY] --format FORMAT`: the library, or the references that match, in a citation format."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from innoref.cli import complete

from innoref.cli import filters
from innoref.cli.app import command, open_library


def export_text(lib, query_text: str | None, fmt: str, lang: str | None, markup: str | None,
                extra_query=None) -> tuple[str | bytes, int]:
    """The export (text, or bytes for a binary format) and how many references it holds; raises domain errors."""
    from innoref import formats
    from innoref.errors import NotFoundError
    from innoref.query import parse_query

    options = formats.options_for(fmt, lang, markup)
    query = parse_query(query_text)
    if extra_query is not None:
        query = query & extra_query  # the filter options, combined with the query by AND
    refs = lib.references(None if query.is_everything else lib.select(query))
    if not refs and lib.count:
        raise NotFoundError(f"no references match {query.text!r}; nothing exported")
    return formats.render_output(fmt, refs, options), len(refs)


def _format_help() -> str:
    from innoref import formats

    return "Output format: " + ", ".join(formats.names()) + "."


@command("export")
def export_cli(
    ctx: typer.Context,
    query: filters.QueryArgument = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", autocompletion=complete.formats, help=_format_help())] = ...,  # type: ignore[assignment]
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", metavar="FILE", autocompletion=complete.files(),
                     help="Write to FILE (whole or not at all) instead of standard output."),
    ] = None,
    lang: Annotated[
        Optional[str],
        typer.Option("--lang", metavar="en|nb|nn", autocompletion=complete.choices("en", "nb", "nn"),
                     help="Language of APA terms: en (APA 7), nb or nn (Sikt's Norsk APA-manual). Default: en."),
    ] = None,
    markup: Annotated[
        Optional[str],
        typer.Option("--markup", metavar="text|markdown|html", autocompletion=complete.choices("text", "markdown", "html"),
                     help="How APA italics look: text (none), markdown (*...*) or html (<i>...</i>). Default: text."),
    ] = None,
    author: filters.Author = None,
    year: filters.Year = None,
    theme: filters.Theme = None,
    type_: filters.Type = None,
    publisher: filters.Publisher = None,
) -> None:
    """Export references as bibtex, biblatex, csl-json, ris, apa, docx or json.

    Without a QUERY or filters the whole library is exported. (Here --lang is the
    language of APA's words; to export references in one language, query lang:nb.) The APA reference list comes in
    APA order, one reference per line (docx: a Word document of it, to --output or a
    redirect); the other formats keep the library's order.
    An unknown format or a query that matches nothing is an error, and nothing is written.
    """
    lib = open_library(ctx)
    wanted = filters.build(author=author, year=year, theme=theme, type=type_, publisher=publisher)
    text, count = export_text(lib, query, fmt, lang, markup, extra_query=wanted)
    if output is None:
        from innoref.cli.output import write_stdout

        write_stdout(text)
        return
    from innoref.cli.app import write_output

    write_output(ctx, output, text)
    from innoref.cli.output import count as counted

    typer.echo(f"wrote {counted(count, 'reference')} to {output}", err=True)
