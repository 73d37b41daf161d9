"""`innoref info`: which library is in use, why, and what it holds."""

from __future__ import annotations

from typing import Annotated

import typer

from innoref.cli.app import command, location, open_library


def library_info(ctx, loc) -> dict:
    """Facts about the library at ``loc``: paths, counts, version."""
    from innoref import __version__

    lib = open_library(ctx, strict=False)
    return {
        "version": __version__,
        "library": str(loc.folder),
        "reason": loc.reason,
        "exists": loc.folder.exists(),
        "literature": str(lib.literature_path) if lib.literature_path else None,
        "themes": str(lib.themes_path) if lib.themes_path else None,
        "references": lib.count,
        "theme_count": len(lib.themes),
        "problems": len(lib.problems),
    }


@command("info")
def info_cli(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Say which library is in use and why, what it holds, and the version.

    The library is chosen by --data, else $INNOREF_DATA, else ./data/literature.yaml,
    else your user library (which starts as the programme's reading list).
    """
    from innoref.cli import output

    info = library_info(ctx, location(ctx))
    if as_json:
        output.print_json(info)
        return
    folder = info["library"] + ("" if info["exists"] else " (does not exist yet; created by the first command that writes)")
    rows = [
        ("innoref", info["version"]),
        ("library", folder),
        ("chosen by", info["reason"]),
        ("literature", info["literature"] or "none yet"),
        ("themes", info["themes"] or "none"),
        ("references", str(info["references"])),
        ("themes defined", str(info["theme_count"])),
    ]
    if info["problems"]:
        rows.append(("problems", f"{info['problems']} (run `innoref check`)"))
    if output.is_plain():
        output.print_plain_rows(rows)
        return
    con = output.console()
    from rich.table import Table

    table = Table(show_header=False, box=None)
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column(overflow="fold")  # a path is never cut short
    for k, v in rows:
        table.add_row(*output.texts((k, v)))
    con.print(table)
