"""`innoref themes [ID]`: the programme's themes and their references."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from innoref.cli.app import app, open_library


@app.command("themes")
def themes_cli(
    ctx: typer.Context,
    theme_id: Annotated[Optional[str], typer.Argument(metavar="[ID]", help="A theme id, to show its description and references.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the themes and how many references each has.

    With an ID: that theme's name, description and references.
    """
    from innoref.cli import output
    from innoref.library import sorted_references

    lib = open_library(ctx)
    con = output.console()
    counts = lib.theme_counts()
    if theme_id is None:
        if as_json:
            output.print_json([{**t.model_dump(exclude_none=True), "references": counts.get(t.id, 0)} for t in lib.themes])
            return
        if output.is_plain(con):
            output.print_plain_rows((t.id, t.name, counts.get(t.id, 0)) for t in lib.themes)
            return
        from rich.table import Table

        table = Table(header_style="bold")
        table.add_column("id", style="cyan", no_wrap=True)
        table.add_column("theme")
        table.add_column("English")
        table.add_column("references", justify="right")
        for t in lib.themes:
            table.add_row(*output.texts((t.id, t.name, t.name_en or "", counts.get(t.id, 0))))
        con.print(table)
        return
    theme = lib.theme(theme_id)
    refs = sorted_references([r for r in lib.references if theme.id in r.themes], "year")
    if as_json:
        output.print_json({**theme.model_dump(exclude_none=True), "references": [r.to_data() for r in refs]})
        return
    if output.is_plain(con):
        print(f"{theme.id}\t{theme.name}")
        print(output.clean(theme.description))
        output.print_plain_rows(output.reference_cells(r) for r in refs)
        return
    from rich.markup import escape

    con.print(f"[bold]{escape(theme.name)}[/bold] ({theme.id})" + (f" — {escape(theme.name_en)}" if theme.name_en else ""))
    con.print(theme.description, markup=False)
    if refs:
        con.print(output.reference_table(refs))
    else:
        con.print("[dim]No references have this theme yet.[/dim]")
