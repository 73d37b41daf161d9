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


def _terminal(stream) -> bool:
    """What Rich decides for a stream (``TTY_COMPATIBLE``, ``FORCE_COLOR``), without importing Rich."""
    import os

    forced = os.environ.get("TTY_COMPATIBLE")
    if forced in ("0", "1"):
        return forced == "1"
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def is_plain() -> bool:
    """Standard output is not a terminal: plain tab-separated lines, and no Rich to import."""
    return not _terminal(sys.stdout)


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


def write_stdout(data: str | bytes) -> None:
    """An export on standard output: text as it is; a binary file (a Word document) only into a
    pipe or a redirect, never onto a terminal."""
    if isinstance(data, str):
        sys.stdout.write(data)
        return
    try:
        terminal = sys.stdout.isatty()
    except (AttributeError, ValueError):
        terminal = False
    if terminal:
        from innoref.errors import UsageError

        raise UsageError("this format is a binary file (a Word document), not text for a terminal; "
                         "give --output FILE.docx or redirect it: > refs.docx")
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def print_records_json(records: list[dict[str, Any]]) -> None:
    """Records (plain data: text, whole numbers, lists, mappings) as :func:`print_json` prints them,
    by pydantic-core's encoder, which writes the same text five times as fast as the standard
    library's indenting one (50,000 records with ``list --json``)."""
    from pydantic_core import to_json

    sys.stdout.write(to_json(records, indent=2).decode("utf-8") + "\n")


TITLE_MIN = 24  # a title column narrower than this breaks common words; below it, columns go
TITLE_ROOM = 28  # the publisher column is shown only when the title keeps this much


class Layout:
    """The widths of a reference table's columns at one terminal width (None: the column is left out).

    The title is what a reader reads, so it keeps at least :data:`TITLE_MIN` characters and takes
    the rest of the line; the others give way first, in this order: the publisher column
    shrinks, then goes; the authors and the key shrink by turns (the key elided in the middle,
    so its start and its end stay); last the authors go.
    """

    def __init__(self, width: int, keys: Iterable[str], lead: Iterable[int] = ()):
        self.lead = list(lead)  # the widths of columns before the key (search's score)
        longest = max((len(k) for k in keys), default=3)
        self.key: int = max(3, min(longest, 34))
        self.authors: int | None = 22
        self.year = 4
        self.publisher: int | None = 24

        def over(title: int = TITLE_MIN) -> int:
            columns = [*self.lead, self.key, self.authors, self.year, self.publisher, title]
            return 1 + sum(w + 3 for w in columns if w is not None) - width

        def shrink(name: str, least: int, title: int = TITLE_MIN) -> None:
            now = getattr(self, name)
            if now is not None and over(title) > 0:
                setattr(self, name, max(least, min(now, now - over(title))))

        # The publisher column stays only beside a title of some room (TITLE_ROOM).
        shrink("publisher", 16, TITLE_ROOM)
        if over(TITLE_ROOM) > 0:
            self.publisher = None
        shrink("authors", 16)
        shrink("key", min(self.key, 20))
        shrink("authors", 12)
        shrink("key", min(self.key, 12))
        if over() > 0:
            self.authors = None
        self.title = max(10, TITLE_MIN - over())


def elide_middle(text: str, width: int) -> str:
    """``text`` in ``width`` characters, its middle replaced by "…": ``moland…nettverk``."""
    if len(text) <= width:
        return text
    head = width // 2
    tail = width - 1 - head
    return text[:head] + "…" + (text[-tail:] if tail else "")


def reference_table(refs, title: str | None = None):
    """The references as a table that fits the terminal (see :class:`Layout`)."""
    refs = list(refs)
    layout = Layout(console_width(), [r.key for r in refs])
    table = table_for(layout, title=title)
    for ref in refs:
        table.add_row(*layout_cells(layout, texts(reference_cells(ref, key_width=layout.key))))
    return table


def console_width() -> int:
    return console().width


def table_for(layout: Layout, *, title: str | None = None, lead: Iterable[tuple[str, dict]] = ()):
    """An empty table with the columns of ``layout`` (``lead``: names and options of columns before)."""
    from rich.table import Table

    table = Table(title=title, header_style="bold")
    for (name, options), width in zip(lead, layout.lead):
        table.add_column(name, width=width, **options)
    table.add_column("key", style="cyan", no_wrap=True, width=layout.key, overflow="crop")
    if layout.authors is not None:
        table.add_column("authors", width=layout.authors, overflow="fold")
    table.add_column("year", justify="right", no_wrap=True, width=layout.year)
    table.add_column("title", width=layout.title, overflow="fold")
    if layout.publisher is not None:
        table.add_column("publisher / series", width=layout.publisher, overflow="fold")
    return table


def layout_cells(layout: Layout, cells: list) -> list:
    """The five cells of a reference (key, authors, year, title, where) for the columns ``layout`` keeps."""
    key, authors, year, title, where = cells
    out = [key] + ([authors] if layout.authors is not None else []) + [year, title]
    return out + ([where] if layout.publisher is not None else [])


def texts(values: Iterable[Any]) -> list:
    """Cells as Rich Text, so a "[b]" in a title is shown, never read as markup."""
    from rich.text import Text

    return [Text(str(v)) for v in values]


def reference_cells(ref, key_width: int | None = None) -> list[str]:
    """Key, authors, year, title, and publisher or series; the key elided to ``key_width``."""
    year = str(ref.year) if ref.year is not None else ref.session or "n.d."  # a white paper: its session
    where = ref.publisher or ref.journal or ""
    if ref.type in ("lov", "forskrift"):
        where = f"{where or 'Lovdata'} ({ref.number})"
    if ref.series:
        where = f"{where} ({ref.series}{' ' + ref.number if ref.number else ''})" if where else ref.series
    key = ref.key if key_width is None else elide_middle(ref.key, key_width)
    return [key, ref.short_authors(), year, ref.title, where]


# A progress bar appears only when the work takes longer than this (seconds).
PROGRESS_AFTER = 0.5


def stderr_is_terminal() -> bool:
    return _terminal(sys.stderr)


class DelayedProgress:
    """A Rich progress bar on stderr that shows itself only after :data:`PROGRESS_AFTER`
    seconds, and only on a terminal (never in a pipe). Rich is imported only to draw it."""

    def __init__(self) -> None:
        import time

        self.enabled = stderr_is_terminal()
        self.started = time.monotonic()
        self.progress = None

    def bar(self, label: str):
        """A ``progress(total) -> tick(n)`` callback with this label (as ``index.py`` takes)."""
        return lambda total: self(label, total)

    def __call__(self, label: str, total: int):
        import time

        if not self.enabled:
            return lambda n: None
        state = {"task": None, "done": 0}

        def tick(n: int) -> None:
            state["done"] += n
            if self.progress is None:
                if time.monotonic() - self.started < PROGRESS_AFTER:
                    return
                from rich.console import Console
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

                self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                         TimeElapsedColumn(), console=Console(stderr=True), transient=True)
                self.progress.start()
            if state["task"] is None:
                state["task"] = self.progress.add_task(label, total=total, completed=state["done"] - n)
            self.progress.advance(state["task"], n)

        return tick

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
