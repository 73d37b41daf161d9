"""`innoref stats [QUERY] [filters]`: the shape of the library at a glance.

Bar charts with Rich on a terminal, ``section<TAB>label<TAB>count`` lines in a
pipe, one JSON document with ``--json``. The counting is :mod:`innoref.stats`;
this module only prints.
"""

from __future__ import annotations

from typing import Annotated

import typer

from innoref.cli import filters
from innoref.cli.app import command, open_library

# At most this many records lacking APA fields are listed on a terminal (all in a pipe and in JSON).
LACKING_SHOWN = 20
_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(count: int, largest: int, width: int) -> str:
    """A horizontal bar ``count / largest`` of ``width`` cells, to an eighth of a cell."""
    if largest <= 0 or count <= 0:
        return ""
    eighths = max(1, round(count / largest * width * 8))
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


class _Chart:
    """One bar chart: a title, (label, count) rows, bars scaled to ``scale`` (default: the largest)."""

    def __init__(self, title: str, rows: list[tuple[str, int]], *, scale: int | None = None, note: str | None = None):
        self.title, self.rows, self.note = title, rows, note
        self.scale = scale if scale is not None else max((n for _, n in rows), default=0)

    def table(self, label_width: int, count_width: int, bar_width: int):
        from rich.table import Table

        table = Table(title=self.title, title_justify="left", title_style="bold", box=None, show_header=False,
                      padding=(0, 1), caption=self.note, caption_justify="left", caption_style="dim")
        table.add_column("label", no_wrap=True, width=label_width, overflow="ellipsis")
        table.add_column("count", justify="right", no_wrap=True, width=count_width)
        table.add_column("bar", no_wrap=True, style="cyan")
        for label, n in self.rows:
            table.add_row(label, f"{n:,}", bar(n, self.scale, bar_width))
        return table


def _print_charts(con, charts: list[_Chart]) -> None:
    """The charts one under another, their columns aligned, bars as wide as the terminal allows."""
    labels = [label for chart in charts for label, _ in chart.rows]
    label_width = min(40, max(map(len, labels), default=1))
    count_width = max((len(f"{n:,}") for chart in charts for _, n in chart.rows), default=1)
    bar_width = max(10, min(50, con.width - label_width - count_width - 6))
    for chart in charts:
        con.print(chart.table(label_width, count_width, bar_width))
        con.print()


def _summary(stats, total: int, query_text: str) -> str:
    from innoref.cli.output import count

    text = count(stats.references, "reference")
    if query_text:
        text += f" matching {query_text} (of {total:,} in the library)"
    if stats.first_year is not None:
        first, last = stats.first_year, stats.last_year
        text += f", {first}\u2013{last}" if first != last else f", {first}"
    return text


def _plain_rows(stats, top: int) -> list[tuple[str, str, object]]:
    rows: list[tuple[str, str, object]] = [("references", "", stats.references)]
    rows += [("year", b.label, b.count) for b in stats.years]
    if stats.no_year:
        rows.append(("year", "no year", stats.no_year))
    rows += [("theme", t.id, t.count) for t in stats.themes]
    rows.append(("theme", "no theme", stats.no_theme))
    publishers = stats.publishers if top == 0 else stats.publishers[:top]
    rows += [("publisher", c.label, c.count) for c in publishers]
    if len(publishers) < len(stats.publishers):
        rest = stats.publishers[len(publishers):]
        rows.append(("publisher", f"{len(rest)} others", sum(c.count for c in rest)))
    if stats.no_publisher:
        rows.append(("publisher", "no publisher", stats.no_publisher))
    rows += [("type", c.label, c.count) for c in stats.types]
    rows += [("language", c.label, c.count) for c in stats.languages]
    if stats.no_language:
        rows.append(("language", "no language", stats.no_language))
    rows += [("identifier", "doi", stats.doi), ("identifier", "url", stats.url), ("identifier", "isbn", stats.isbn),
             ("identifier", "no doi or url", stats.no_link),
             ("availability", "note", stats.availability), ("availability", "print only", stats.print_only)]
    rows += [("lacking", item.key, ",".join(item.fields)) for item in stats.lacking]
    return rows


def _render(con, stats, total: int, query_text: str, top: int) -> None:
    from rich.table import Table

    from innoref.cli.output import count

    con.print(f"[bold]{_summary(stats, total, query_text)}[/bold]")
    if not stats.references:
        con.print("[dim]No references match.[/dim]" if total else "[dim]No references in this library.[/dim]")
        return
    con.print()
    per = "per five years" if stats.span == 5 else "per year"
    years = [(b.label, b.count) for b in stats.years]
    if stats.no_year:
        years.append(("no year", stats.no_year))
    themes = [(t.name if t.defined else f"{t.id} (not in themes.yaml)", t.count) for t in stats.themes]
    themes.append(("no theme", stats.no_theme))
    shown = stats.publishers if top == 0 else stats.publishers[:top]
    notes = []
    if len(shown) < len(stats.publishers):
        rest = stats.publishers[len(shown):]
        notes.append(f"and {count(len(rest), 'more publisher')} with {count(sum(c.count for c in rest), 'reference')} "
                     "(--top 0 charts all)")
    if stats.no_publisher:
        # Not a bar: articles name a journal instead, and their number would dwarf the publishers.
        notes.append(f"{count(stats.no_publisher, 'reference')} name{'s' if stats.no_publisher == 1 else ''} no publisher")
    languages = [(c.label, c.count) for c in stats.languages]
    if stats.no_language:
        languages.append(("no language", stats.no_language))
    links = [("DOI", stats.doi), ("URL", stats.url), ("ISBN", stats.isbn), ("neither DOI nor URL", stats.no_link),
             ("availability note", stats.availability), ("print only", stats.print_only)]
    _print_charts(con, [
        _Chart(f"References {per}", years),
        _Chart("References per theme", themes),
        _Chart("References per publisher", [(c.label, c.count) for c in shown], note="\n".join(notes) or None),
        _Chart("References per type", [(c.label, c.count) for c in stats.types]),
        _Chart("References per language", languages),
        _Chart(f"Identifiers and availability (bars: share of {stats.references:,})", links,
               scale=stats.references, note="print only: an availability note and neither DOI nor URL"),
    ])
    if not stats.lacking:
        con.print("[bold]Every record has the fields its APA reference needs.[/bold]")
        return
    counts = ", ".join(f"{field} {n:,}" for field, n in stats.lacking_counts().items())
    con.print(f"[bold]Records lacking fields APA needs: {len(stats.lacking):,} ({counts})[/bold]")
    table = Table(header_style="bold")
    table.add_column("key", style="cyan", no_wrap=True)
    table.add_column("type", no_wrap=True)
    table.add_column("lacks")
    for item in stats.lacking[:LACKING_SHOWN]:
        table.add_row(item.key, item.type, ", ".join(item.fields))
    con.print(table)
    if len(stats.lacking) > LACKING_SHOWN:
        more = len(stats.lacking) - LACKING_SHOWN
        con.print(f"[dim]and {more:,} more; `innoref stats --json` or a pipe lists them all[/dim]")


@command("stats")
def stats_cli(
    ctx: typer.Context,
    query: filters.QueryArgument = None,
    author: filters.Author = None,
    year: filters.Year = None,
    theme: filters.Theme = None,
    type_: filters.Type = None,
    publisher: filters.Publisher = None,
    lang: filters.Lang = None,
    top: Annotated[
        int,
        typer.Option("--top", min=0, metavar="N",
                     help="Chart the N largest publishers, the rest as one sum; 0 charts all. JSON lists all."),
    ] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as one JSON document.")] = False,
) -> None:
    """Show the library's shape: references per year, theme, publisher, type and language.

    Also how many have a DOI, a URL or an ISBN, how many are print only (an
    availability note and nothing to read online), and which records lack fields
    their APA reference needs (authors, year; publisher for reports, books and
    theses; journal for articles; book title and publisher for chapters; URL for
    web pages), by key. With a QUERY or filters, only the references that match.
    Years are counted in five-year spans when they span more than 20 years.
    On a terminal these are bar charts; in a pipe, one `section<TAB>label<TAB>count`
    line each.
    """
    from innoref.cli import output
    from innoref.query import parse_query
    from innoref.stats import library_stats

    wanted = parse_query(query) & filters.build(
        author=author, year=year, theme=theme, type=type_, publisher=publisher, lang=lang
    )
    lib = open_library(ctx)
    cols = lib.columns(None if wanted.is_everything else lib.select(wanted))
    stats, total = library_stats(cols, lib.themes), lib.count
    if as_json:
        data = stats.to_json()
        output.print_json({"query": wanted.text, "library_references": total, **data})
        return
    if output.is_plain():
        output.print_plain_rows(_plain_rows(stats, top))
        return
    _render(output.console(), stats, total, wanted.text, top)
