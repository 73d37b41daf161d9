"""`innoref check`: validate both files and report every problem with its place."""

from __future__ import annotations

import typer

from innoref.cli.app import command, open_library


@command("check")
def check_cli(ctx: typer.Context) -> None:
    """Validate literature.yaml and themes.yaml and report every problem.

    Each problem is printed as path:line:column: key: field: message. Exit 1 when
    anything is wrong; exit 0 with a one-line summary when the library is clean.
    """
    from innoref.cli import output

    lib = open_library(ctx, strict=False)
    if lib.problems:
        for problem in lib.problems:
            typer.echo(str(problem))
        n = len(lib.problems)
        typer.echo(f"{n} problem{'s' if n != 1 else ''} found", err=True)
        from innoref.errors import mend_hint

        hint = mend_hint(lib.problems)
        if hint:
            typer.echo(hint.lstrip("\n"), err=True)
        raise typer.Exit(1)
    typer.echo(
        f"ok: {output.count(lib.count, 'reference')} and {output.count(len(lib.themes), 'theme')}, no problems "
        f"({lib.literature_path or lib.location.literature})"
    )
