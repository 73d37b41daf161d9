"""`innoref show KEY`: every field of one reference."""

from __future__ import annotations

from typing import Annotated

import typer

from innoref.cli import complete

from innoref.cli.app import command, open_library


def describe(ref, theme_names: dict[str, str]) -> list[tuple[str, str]]:
    """(field, text) pairs for every field the reference has, themes by name."""
    rows: list[tuple[str, str]] = []
    for name, value in ref.to_data().items():
        if name in ("authors", "editors", "translators"):
            text = "; ".join(p.display() for p in getattr(ref, name))
        elif name == "themes":
            text = "; ".join(f"{theme_names.get(t, t)} ({t})" for t in value)
        elif name == "keywords":
            text = "; ".join(value)
        elif name == "extra":
            for k, v in value.items():
                rows.append((f"extra.{k}", str(v)))
            continue
        else:
            text = str(value)
        rows.append((name, text))
    return rows


@command("show")
def show_cli(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(metavar="KEY", autocompletion=complete.keys, help="The reference's key.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the record as JSON.")] = False,
) -> None:
    """Show every field of one reference, with its themes by name and its APA reference.

    An unknown key is an error (exit 1) that suggests the nearest keys.
    """
    from innoref.cli import output

    lib = open_library(ctx)
    ref = lib.get(key)
    if as_json:
        output.print_json(ref.to_data())
        return
    rows = describe(ref, lib.theme_names())
    from innoref.formats.apa import reference_line

    # The APA 7 reference, with its 2010a/2010b letter among the whole library (as `cite` gives it).
    rows.append(("apa", reference_line(ref, lib.letter_scope([ref]))))
    if output.is_plain():
        output.print_plain_rows(rows)
        return
    con = output.console()
    from rich.table import Table

    table = Table(show_header=False, box=None, padding=(0, 1))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column(overflow="fold")
    for name, text in rows:
        table.add_row(*output.texts((name, text)))
    con.print(table)
