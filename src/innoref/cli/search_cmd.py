"""`innoref search QUERY`: the references that match, best first, matched words highlighted."""

from __future__ import annotations

from typing import Annotated

import typer

from innoref.cli import complete, filters
from innoref.cli.app import command, open_library


def highlighted(text: str, test):
    """``text`` as Rich Text with the words that ``test`` accepts in bold yellow."""
    import re
    import unicodedata

    from rich.text import Text

    text = unicodedata.normalize("NFC", text)
    out = Text(text)
    for m in re.finditer(r"\w+", text):
        if test(m.group()):
            out.stylize("bold yellow", m.start(), m.end())
    return out


def _any(*tests):
    return lambda word: any(t(word) for t in tests)


@command("search")
def search_cli(
    ctx: typer.Context,
    query: Annotated[
        str,
        typer.Argument(
            metavar="QUERY",
            autocompletion=complete.query,
            help='Terms (all must match), "a phrase", field:value, year:2010..2013, -term or '
            "NOT term, OR, (groups). Quote it as one argument; put -- before a query that "
            "starts with '-'. See the README for the whole language.",
            show_default=False,
        ),
    ],
    author: filters.Author = None,
    year: filters.Year = None,
    theme: filters.Theme = None,
    type_: filters.Type = None,
    publisher: filters.Publisher = None,
    lang: filters.Lang = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most this many results.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array: score, matched words, record.")] = False,
) -> None:
    """Search the references; best matches first, matched words highlighted.

    Ranking is BM25-style: title and authors weigh most, then keywords, abstract and
    notes; whole words rank above matches inside a word; ties go to the newer year.
    Matching ignores case, accents and æ/ø/å spellings (brathen finds Bråthen).
    Exit 0 with results, 1 when nothing matches (like grep), 2 for a malformed query.
    """
    from innoref.cli import output
    from innoref.errors import UsageError
    from innoref.query import parse_query
    from innoref.search import matched_words

    wanted = parse_query(query) & filters.build(
        author=author, year=year, theme=theme, type=type_, publisher=publisher, lang=lang
    )
    if wanted.is_everything:
        raise UsageError("nothing to search for: give a query with at least one word (or a filter)")

    lib = open_library(ctx)
    hits = lib.search(wanted, limit=limit)
    total, size = hits.total, lib.count
    shown = list(zip(lib.references(h.id for h in hits), (h.score for h in hits)))
    if as_json:
        predicates = wanted.scoring()
        output.print_json([{"score": score, "matched": matched_words(ref, predicates), "reference": ref.to_data()}
                           for ref, score in shown])
    if not shown:
        typer.echo(f"no references match {wanted.text!r}", err=True)
        raise typer.Exit(1)
    if as_json:
        return
    if output.is_plain():
        output.print_plain_rows([f"{score:.3f}", *output.reference_cells(ref)] for ref, score in shown)
        return
    con = output.console()
    from innoref.search import word_test
    predicates = wanted.scoring()
    tests = {f: word_test(predicates, f) for f in ("key", "author", "title", "publisher", "series", "journal")}
    where = _any(tests["publisher"], tests["series"], tests["journal"])
    layout = output.Layout(con.width, [ref.key for ref, _ in shown], lead=[5])
    table = output.table_for(layout, lead=[("score", {"justify": "right", "no_wrap": True})])
    for ref, score in shown:
        key, authors, year_, title, place = output.reference_cells(ref, key_width=layout.key)
        cells = [highlighted(key, tests["key"]), highlighted(authors, tests["author"]), year_,
                 highlighted(title, tests["title"]), highlighted(place, where)]
        table.add_row(f"{score:.2f}", *output.layout_cells(layout, cells))
    con.print(table)
    con.print(f"[dim]{len(shown)} of {output.count(total, 'matching reference')} ({size} in the library)[/dim]")
