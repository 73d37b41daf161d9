"""`innoref list [QUERY]`: the references as a table, sorted, optionally filtered."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from innoref.cli import complete

from innoref.cli import filters
from innoref.cli.app import command, open_library


@command("list")
def list_cli(
    ctx: typer.Context,
    query: filters.QueryArgument = None,
    author: filters.Author = None,
    year: filters.Year = None,
    theme: filters.Theme = None,
    type_: filters.Type = None,
    publisher: filters.Publisher = None,
    lang: filters.Lang = None,
    sort: Annotated[str, typer.Option("--sort", "-s", metavar="year|author|title|key", autocompletion=complete.sorts, help="Sort by year, author, title or key.")] = "year",
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Reverse the order.")] = False,
    limit: Annotated[Optional[int], typer.Option("--limit", "-n", metavar="N", min=1, help="Show at most this many.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array of records.")] = False,
) -> None:
    """List the references: key, authors, year, title, publisher or series.

    With a QUERY or filters, only the references that match (the query language of
    `innoref search`), in the same order. Nothing matching is an empty list, exit 0.
    On a terminal this is a table; in a pipe, one reference per line, tab-separated.
    """
    from innoref.cli import output
    from innoref.query import parse_query

    wanted = parse_query(query) & filters.build(
        author=author, year=year, theme=theme, type=type_, publisher=publisher, lang=lang
    )
    lib = open_library(ctx)
    order = lib.order(None if wanted.is_everything else lib.select(wanted), sort, reverse)
    shown = order if limit is None else order[:limit]
    if as_json:
        output.print_records_json(lib.data(shown))
        return
    refs, matching, total = lib.references(shown), len(order), lib.count
    if output.is_plain():
        output.print_plain_rows(output.reference_cells(r) for r in refs)
        return
    con = output.console()
    if not refs:
        con.print("[dim]No references match.[/dim]" if total else "[dim]No references in this library.[/dim]")
        return
    con.print(output.reference_table(refs))
    if wanted.is_everything:
        con.print(f"[dim]{len(refs)} of {output.count(total, 'reference')}[/dim]")
    else:
        con.print(f"[dim]{len(refs)} of {output.count(matching, 'matching reference')} ({total} in the library)[/dim]")
