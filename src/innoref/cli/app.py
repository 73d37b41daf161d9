"""The Typer application, its global options, and the one place errors are shown.

Command modules import only ``typer`` and this module at import time, so that
``innoref --help`` stays fast; everything heavy is imported inside the command.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from innoref.cli import complete
from typer.core import TyperGroup

from innoref import __version__


class InnorefGroup(TyperGroup):
    """The one place errors are shown: any :class:`~innoref.errors.InnorefError` becomes a
    message and its exit code. A damaged index is discarded and the command run once more
    (commands compute before they print, so nothing is shown twice)."""

    def get_params(self, ctx):  # type: ignore[override]
        from innoref.cli.params import readable_help, use_coercion

        params = super().get_params(ctx)
        use_coercion(params)
        readable_help(params)
        return params

    def format_commands(self, ctx, formatter):  # type: ignore[override]
        """The commands with the first sentence of their help, wrapped, never cut with "..."."""
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit=1_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx):  # type: ignore[override]
        import sqlite3

        from innoref.errors import InnorefError
        from innoref.index import IndexDamaged, discard

        args, protected = list(ctx.args), list(ctx._protected_args)  # the command line, for a second run
        try:
            try:
                return super().invoke(ctx)
            except (IndexDamaged, sqlite3.DatabaseError) as exc:
                if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                    raise InnorefError(f"the library's index is busy in another process ({exc}); try again") from None
                discard(location(ctx))  # damaged: the next run builds it anew from the files
                ctx.args, ctx._protected_args = list(args), list(protected)
                try:
                    return super().invoke(ctx)
                except sqlite3.DatabaseError as again:
                    raise InnorefError(f"the library's index cannot be used ({again})") from None
        except InnorefError as exc:
            typer.echo(f"error: {exc.message}", err=True)
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(
    cls=InnorefGroup,
    name="innoref",
    help=(
        "innoref: the reading list of Sammen om en bedre kommune, and your own literature "
        "on innovation in Norwegian municipalities, as YAML records you can list, search, "
        "cite and export."
    ),
    no_args_is_help=True,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    # Plain help and usage errors: Typer's Rich help imports rich.markdown and
    # markdown-it (~0.15 s), more than the rest of `innoref --help` together.
    rich_markup_mode=None,
)


def command(name: str):
    """Register a command (``@command("list")``) with innoref's command class."""
    from innoref.cli.params import InnorefCommand

    return app.command(name, cls=InnorefCommand)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"innoref {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    data: Annotated[
        Optional[str],
        typer.Option(
            "--data",
            metavar="DIR",
            autocompletion=complete.files(folders_only=True),
            help="Library folder (holding literature.yaml and themes.yaml). "
            "Default: $INNOREF_DATA, else ./data, else your user library.",
        ),
    ] = None,
    wait: Annotated[
        float,
        typer.Option(
            "--wait",
            metavar="SECONDS",
            min=0,
            show_default=False,
            help="How long a command that writes waits for the library's lock, held by another "
            "innoref, before it gives up (default 30).",
        ),
    ] = 30.0,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    ctx.obj = {"data": data, "wait": wait}


def location(ctx: typer.Context):
    """The library location chosen by --data, $INNOREF_DATA, ./data or the user library."""
    from innoref.location import locate

    root = ctx.find_root()
    data = (root.obj or {}).get("data") if root.obj else None
    return locate(data)


def open_library(ctx: typer.Context, *, strict: bool = True):
    """The library for a command, its index current (a progress bar on a terminal while a large
    index is built); a broken file raises DataError (exit 1)."""
    from innoref.cli.output import DelayedProgress
    from innoref.library import open_library as open_

    progress = DelayedProgress()
    try:
        lib = open_(location(ctx), strict=strict, progress=progress.bar("reading the library"))
    finally:
        progress.stop()
    ctx.call_on_close(lib.close)
    return lib


def waiting(ctx: typer.Context):
    """How the writing commands wait for the lock: --wait, and a line on stderr while they wait."""
    from innoref.editing import Waiting

    root = ctx.find_root()
    wait = (root.obj or {}).get("wait", 30.0)

    def say(holder: str) -> None:
        typer.echo(f"waiting for the library's lock, held by {holder} (giving up after {wait:g} s)", err=True)

    return Waiting(wait=wait, on_wait=say)


def write_output(ctx: typer.Context, path, data, *, skip_unchanged: bool = False) -> bool:
    """Write an --output file; refused when it is a file of the library in use."""
    from innoref import files

    loc = location(ctx)
    guarded = [loc.literature, loc.themes]
    guarded += [p for p in (loc.read_path("literature.yaml"), loc.read_path("themes.yaml")) if p is not None]
    return files.write_output(path, data, protected=guarded, skip_unchanged=skip_unchanged)
