"""`innoref themes [ID]`: the programme's themes and their references."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from innoref.cli import complete

from innoref.cli.app import command, open_library


@command("themes")
def themes_cli(
    ctx: typer.Context,
    theme_id: Annotated[Optional[str], typer.Argument(metavar="[ID]", autocompletion=complete.themes, help="A theme id, to show its description and references.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the themes and how many references each has.

    With an ID: that theme's name, description and references.
    """
    from innoref.cli import output

    lib = open_library(ctx)
    counts = lib.theme_counts()
    if theme_id is None:
        if as_json:
            output.print_json([{**t.to_data(), "references": counts.get(t.id, 0)} for t in lib.themes])
            return
        if output.is_plain():
            output.print_plain_rows((t.id, t.name, counts.get(t.id, 0)) for t in lib.themes)
            return
        con = output.console()
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
    refs = lib.references(lib.order(lib.with_theme(theme.id), "year"))
    if as_json:
        output.print_json({**theme.to_data(), "references": [r.to_data() for r in refs]})
        return
    if output.is_plain():
        print(f"{theme.id}\t{theme.name}")
        print(output.clean(theme.description))
        output.print_plain_rows(output.reference_cells(r) for r in refs)
        return
    con = output.console()
    from rich.markup import escape

    con.print(f"[bold]{escape(theme.name)}[/bold] ({theme.id})" + (f" — {escape(theme.name_en)}" if theme.name_en else ""))
    con.print(theme.description, markup=False)
    if refs:
        con.print(output.reference_table(refs))
    else:
        con.print("[dim]No references have this theme yet.[/dim]")
