"""Rendering for the terminal: Rich tables on a terminal, plain text in pipes.

When stdout is not a terminal (or ``TTY_COMPATIBLE=0``), commands print one record
per line, tab-separated, with no colour or box drawing, so grep and cut work.
Rich honours ``NO_COLOR``.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Iterable


def console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def is_plain(con) -> bool:
    return not con.is_terminal


def count(n: int, noun: str, plural: str | None = None) -> str:
    """ "1 reference", "7 references", "1,204 themes"."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def clean(value: Any) -> str:
    """One-line text for a tab-separated cell."""
    return " ".join(str(value).split()) if value is not None else ""


def print_plain_rows(rows: Iterable[Iterable[Any]]) -> None:
    out = sys.stdout
    for row in rows:
        out.write("\t".join(clean(cell) for cell in row) + "\n")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def reference_table(refs, title: str | None = None):
    from rich.table import Table

    table = Table(title=title, header_style="bold", expand=True)
    table.add_column("key", style="cyan", no_wrap=True)
    table.add_column("authors", max_width=22)
    table.add_column("year", justify="right", no_wrap=True)
    table.add_column("title", ratio=1)
    table.add_column("publisher / series", max_width=24)
    for ref in refs:
        table.add_row(*texts(reference_cells(ref)))
    return table


def texts(values: Iterable[Any]) -> list:
    """Cells as Rich Text, so a "[b]" in a title is shown, never read as markup."""
    from rich.text import Text

    return [Text(str(v)) for v in values]


def reference_cells(ref) -> list[str]:
    year = str(ref.year) if ref.year is not None else "n.d."
    where = ref.publisher or ref.journal or ""
    if ref.series:
        where = f"{where} ({ref.series}{' ' + ref.number if ref.number else ''})" if where else ref.series
    return [ref.key, ref.short_authors(), year, ref.title, where]
