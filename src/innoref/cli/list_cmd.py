"""`innoref list`: the references as a table, sorted."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from innoref.cli.app import app, open_library


@app.command("list")
def list_cli(
    ctx: typer.Context,
    sort: Annotated[str, typer.Option("--sort", "-s", help="Sort by year, author, title or key.")] = "year",
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Reverse the order.")] = False,
    limit: Annotated[Optional[int], typer.Option("--limit", "-n", min=1, help="Show at most this many.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array of records.")] = False,
) -> None:
    """List the references: key, authors, year, title, publisher or series.

    On a terminal this is a table; in a pipe, one reference per line, tab-separated.
    """
    from innoref.cli import output
    from innoref.library import sorted_references

    lib = open_library(ctx)
    refs = sorted_references(lib.references, sort, reverse)
    if limit is not None:
        refs = refs[:limit]
    if as_json:
        output.print_json([r.to_data() for r in refs])
        return
    con = output.console()
    if output.is_plain(con):
        output.print_plain_rows(output.reference_cells(r) for r in refs)
        return
    if not refs:
        con.print("[dim]No references in this library.[/dim]")
        return
    con.print(output.reference_table(refs))
    total = len(lib.references)
    con.print(f"[dim]{len(refs)} of {total} references[/dim]")
