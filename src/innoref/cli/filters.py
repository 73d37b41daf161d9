"""The filter options shared by every command that selects references, defined once.

``--author``, ``--year``, ``--theme``, ``--type``, ``--publisher`` and ``--lang``
mean exactly what the query fields ``author:``, ``year:``, ... mean (see
:mod:`innoref.query`), and are combined with the query and with each other by AND.

To give a command the same options (as ``list`` and ``search`` do)::

    from innoref.cli import filters

    @app.command("export")
    def export_cli(
        ctx: typer.Context,
        query: filters.QueryArgument = None,
        author: filters.Author = None,
        year: filters.Year = None,
        theme: filters.Theme = None,
        type_: filters.Type = None,
        publisher: filters.Publisher = None,
        lang: filters.Lang = None,
    ) -> None:
        from innoref.query import parse_query
        wanted = parse_query(query) & filters.build(author=author, year=year, theme=theme,
                                                    type=type_, publisher=publisher, lang=lang)

Select through the library's index, which builds only the records you show::

        lib = open_library(ctx)
        refs = lib.references(lib.select(wanted))

The options have no one-letter forms on purpose: a query may start with "-"
(``-author:moland``), and ``-a`` would silently read that as ``--author uthor:moland``.
A query starting with "-" goes after ``--``: ``innoref list -- -author:moland``.

``build`` raises :class:`~innoref.errors.QueryError` (exit 2) for a bad value,
pointing at it: ``--year 2013..2010`` is as malformed as ``year:2013..2010``.
Like every command module, this one imports only typer at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Optional

import typer

from innoref.cli import complete
from innoref.records import TYPES_HELP

if TYPE_CHECKING:
    from innoref.query import Query

_PANEL = "Filters (combined with the query by AND)"

QueryArgument = Annotated[
    Optional[str],
    typer.Argument(
        metavar="[QUERY]",
        autocompletion=complete.query,
        help='Query: terms (all must match), "a phrase", field:value, year:2010..2013, '
        "-term or NOT term, OR, (groups). Quote it as one argument; put -- before a query "
        "that starts with '-'. See the README for the whole language.",
        show_default=False,
    ),
]
Author = Annotated[
    Optional[str],
    typer.Option("--author", metavar="NAME", rich_help_panel=_PANEL, show_default=False,
                 help="Only references with this author or editor (family or given name)."),
]
Year = Annotated[
    Optional[str],
    typer.Option("--year", metavar="YEARS", rich_help_panel=_PANEL, show_default=False,
                 help="Only these years: 2013, 2010..2013, >=2010, <2000, 2010.."),
]
Theme = Annotated[
    Optional[str],
    typer.Option("--theme", metavar="THEME", rich_help_panel=_PANEL, show_default=False, autocompletion=complete.themes,
                 help="Only references with this theme (its id or a word of its name)."),
]
Type = Annotated[
    Optional[str],
    typer.Option("--type", metavar="TYPE", rich_help_panel=_PANEL, show_default=False, autocompletion=complete.types,
                 help=f"Only this kind of work: {TYPES_HELP}."),
]
Publisher = Annotated[
    Optional[str],
    typer.Option("--publisher", metavar="NAME", rich_help_panel=_PANEL, show_default=False,
                 help="Only references from this publisher (words of its name)."),
]
Lang = Annotated[
    Optional[str],
    typer.Option("--lang", metavar="CODE", rich_help_panel=_PANEL, show_default=False,
                 autocompletion=complete.choices("nb", "nn", "en", "sv", "da"),
                 help="Only references in this language: nb, nn, sv, en, ..."),
]

# Option -> query field, in the order they are combined.
OPTIONS = {"author": "author", "year": "year", "theme": "theme", "type": "type",
           "publisher": "publisher", "lang": "lang"}


def build(
    author: str | None = None,
    year: str | None = None,
    theme: str | None = None,
    type: str | None = None,  # noqa: A002 - the option's own name
    publisher: str | None = None,
    lang: str | None = None,
) -> "Query":
    """The filters given, as one query (all of them must match; none: everything)."""
    from innoref.query import EVERYTHING, And, Query, field_predicate

    given = {"author": author, "year": year, "theme": theme, "type": type, "publisher": publisher, "lang": lang}
    parts, texts = [], []
    for option, value in given.items():
        if value is None:
            continue
        shown = f"--{option} {value}"
        # The error points into "--year 2013..2010" as it would into "year:2013..2010".
        parts.append(field_predicate(OPTIONS[option], value, shown, len(option) + 3))
        texts.append(f'{OPTIONS[option]}:"{value}"')
    if not parts:
        return EVERYTHING
    return Query(" ".join(texts), parts[0] if len(parts) == 1 else And(tuple(parts)))
