"""`innoref page [QUERY] [filters] --output FILE.html`: the reading list as one web page.

The page itself is :func:`innoref.page.build_page`; this module chooses the
references, the time of generation and the file, and writes it whole.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from innoref.cli import complete

from innoref.cli import filters
from innoref.cli.app import command, open_library


def generation_time():
    """Now, in local time; ``SOURCE_DATE_EPOCH`` (reproducible builds) fixes it."""
    import os
    from datetime import datetime, timezone

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now().astimezone()


@command("page")
def page_cli(
    ctx: typer.Context,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", metavar="FILE.html", show_default=False, autocompletion=complete.files(".html", ".htm"),
                     help="Write the page to this file (whole or not at all); '-' writes to standard output."),
    ],
    query: filters.QueryArgument = None,
    author: filters.Author = None,
    year: filters.Year = None,
    theme: filters.Theme = None,
    type_: filters.Type = None,
    publisher: filters.Publisher = None,
    lang: Annotated[
        str,
        typer.Option("--lang", metavar="nb|nn|en", autocompletion=complete.choices("nb", "nn", "en"),
                     help="Language of the page and of the APA terms: nb (bokmål), nn (nynorsk) or en. "
                     "To choose references by language, use the query: lang:sv."),
    ] = "nb",
    title: Annotated[
        Optional[str],
        typer.Option("--title", metavar="TEXT", help="The page's heading. Default: Litteraturliste (Reading list)."),
    ] = None,
) -> None:
    """Write the reading list as one self-contained web page, grouped by theme.

    Each theme is a section with its name and description and its references as
    APA 7 entries (DOIs and URLs as links, availability notes shown); references
    without a theme come last. The page needs nothing from the network, prints
    well, fits a phone, and has a filter box that narrows the list as you type
    (brathen finds Bråthen). With a QUERY or filters, only the references that
    match. A query that matches nothing is an error, and nothing is written.
    """
    from innoref import __version__
    from innoref.errors import NotFoundError
    from innoref.page import build_page, check_lang
    from innoref.query import parse_query

    check_lang(lang)
    wanted = parse_query(query) & filters.build(author=author, year=year, theme=theme, type=type_, publisher=publisher)
    lib = open_library(ctx)
    refs = lib.references(None if wanted.is_everything else lib.select(wanted))
    if not refs and lib.count:
        raise NotFoundError(f"no references match '{wanted.text}'; no page written")
    text = build_page(refs, lib.themes, lang=lang, generated=generation_time(), version=__version__,
                      title=title, selection=wanted.text)
    if str(output) == "-":
        typer.echo(text, nl=False)
        return
    from innoref.cli.app import write_output

    write_output(ctx, output, text)
    sections = len({t for r in refs for t in r.themes} & {t.id for t in lib.themes})
    from innoref.cli.output import count as counted

    typer.echo(f"wrote {counted(len(refs), 'reference')} in {counted(sections, 'theme')} to {output}", err=True)
