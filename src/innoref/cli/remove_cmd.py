"""`innoref remove KEY...`: take references out of the library."""

from __future__ import annotations

from typing import Annotated

import typer

from innoref.cli import complete

from innoref.cli.app import command, location, waiting


def can_ask() -> bool:
    """A person is at a terminal to confirm."""
    import sys

    return sys.stdin.isatty()


@command("remove")
def remove_cli(
    ctx: typer.Context,
    keys: Annotated[list[str], typer.Argument(metavar="KEY...", autocompletion=complete.keys, help="Keys of the references to remove.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove references by key, after confirmation on a terminal.

    Without a terminal to ask on, --yes is required (exit 2 otherwise). An
    unknown key removes nothing (exit 1). Other records and comments in the file
    keep their text byte for byte.
    """
    from innoref import editing
    from innoref.errors import UsageError
    from innoref.library import open_library

    loc = location(ctx)
    if not yes:
        with open_library(loc) as lib:
            refs = [lib.get(k) for k in dict.fromkeys(keys)]
        if not can_ask():
            raise UsageError("remove asks for confirmation; there is no terminal to ask on, so add --yes")
        for ref in refs:
            typer.echo(f"  {ref.key}  {ref.short_authors()} ({ref.year or 'n.d.'}) {ref.title}", err=True)
        n = len(refs)
        if not typer.confirm(f"Remove {'this reference' if n == 1 else f'these {n} references'}?",
                             default=False, err=True):
            typer.echo("nothing removed", err=True)
            raise typer.Exit(1)
    removed = editing.remove(loc, keys, waiting=waiting(ctx))
    for ref in removed.references:
        typer.echo(f"removed {ref.key}")
