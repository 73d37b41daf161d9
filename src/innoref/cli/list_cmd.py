"""`innoref list [QUERY]`: the references as a table, sorted, optionally filtered."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from innoref.cli import filters
from innoref.cli.app import app, location


@app.command("list")
def list_cli(
    ctx: typer.Context,
    query: filters.QueryArgument = None,
    author: filters.Author = None,
    year: filters.Year = None,
    theme: filters.Theme = None,
    type_: filters.Type = None,
    publisher: filters.Publisher = None,
    lang: filters.Lang = None,
    sort: Annotated[str, typer.Option("--sort", "-s", help="Sort by year, author, title or key.")] = "year",
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Reverse the order.")] = False,
    limit: Annotated[Optional[int], typer.Option("--limit", "-n", min=1, help="Show at most this many.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array of records.")] = False,
) -> None:
    """List the references: key, authors, year, title, publisher or series.

    With a QUERY or filters, only the references that match (the query language of
    `innoref search`), in the same order. Nothing matching is an empty list, exit 0.
    On a terminal this is a table; in a pipe, one reference per line, tab-separated.
    """
    from innoref import cache
    from innoref.cli import output
    from innoref.query import parse_query

    wanted = parse_query(query) & filters.build(
        author=author, year=year, theme=theme, type=type_, publisher=publisher, lang=lang
    )

    def work(catalogue):
        found = range(catalogue.count) if wanted.is_everything else wanted.select(catalogue.index)
        order = catalogue.order(found, sort, reverse)
        shown = order if limit is None else order[:limit]
        return [catalogue.index.reference(i) for i in shown], len(order), catalogue.count

    refs, matching, total = cache.use_catalogue(location(ctx), work)
    if as_json:
        output.print_json([r.to_data() for r in refs])
        return
    con = output.console()
    if output.is_plain(con):
        output.print_plain_rows(output.reference_cells(r) for r in refs)
        return
    if not refs:
        con.print("[dim]No references match.[/dim]" if total else "[dim]No references in this library.[/dim]")
        return
    con.print(output.reference_table(refs))
    if wanted.is_everything:
        con.print(f"[dim]{len(refs)} of {output.count(total, 'reference')}[/dim]")
    else:
        con.print(f"[dim]{len(refs)} of {output.count(matching, 'matching reference')} ({total} in the library)[/dim]")
