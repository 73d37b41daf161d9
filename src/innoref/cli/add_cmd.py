"""`innoref add`: one new record, from options (and prompts on a terminal)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from innoref.cli import complete

from innoref.cli.app import command, location, waiting
from innoref.cli.paths import shown
from innoref.records import TYPES_HELP

Text = Optional[str]
Many = Optional[list[str]]


def interactive() -> bool:
    """Prompts only when a person is at a terminal (stdin and stdout)."""
    import sys

    return sys.stdin.isatty() and sys.stdout.isatty()


@command("add")
def add_cli(
    ctx: typer.Context,
    type_: Annotated[Text, typer.Option("--type", "-t", metavar="TYPE", autocompletion=complete.types, help=f"The kind of work: {TYPES_HELP}.")] = None,
    title: Annotated[Text, typer.Option("--title", help="The title as written on the work; subtitle after ': '.")] = None,
    translated_title: Annotated[Text, typer.Option("--translated-title", metavar="TITLE", help="The title in English, for a work in another language (APA 9.38): printed in brackets after it.")] = None,
    short_title: Annotated[Text, typer.Option("--short-title", metavar="TITLE", help="A law's official short title (korttittel), e.g. Folketrygdloven.")] = None,
    author: Annotated[Many, typer.Option("--author", "-a", metavar='"FAMILY, GIVEN"', help='An author, "Family, Given"; an organisation in braces, "{KS}"; a role or a channel\'s name after it, "Kjeldsen, Marit (Director)", "Lindahl, Emma [Kommunekanalen]". Repeat for more.')] = None,
    editor: Annotated[Many, typer.Option("--editor", metavar='"FAMILY, GIVEN"', help='An editor (of a TV series: its executive producer), written as --author. Repeat for more.')] = None,
    translator: Annotated[Many, typer.Option("--translator", metavar='"FAMILY, GIVEN"', help='A translator, written as --author. Repeat for more.')] = None,
    year: Annotated[Text, typer.Option("--year", "-y", metavar="YEAR", help="Year of publication, or n.d. when there is none.")] = None,
    date: Annotated[Text, typer.Option("--date", metavar="YYYY-MM-DD", help="A fuller date: YYYY-MM or YYYY-MM-DD; a range, 2019-11-21/2019-11-22, or one still open, 2018/.. (a podcast).")] = None,
    origyear: Annotated[Text, typer.Option("--origyear", metavar="YEAR", help="The original work's year, of a translation or a reprint (APA 9.41).")] = None,
    status: Annotated[Text, typer.Option("--status", autocompletion=complete.choices("in press", "submitted", "in preparation", "unpublished"), help="Not yet published: in press, submitted, in preparation or unpublished (APA 9.16, 10.8).")] = None,
    publisher: Annotated[Text, typer.Option("--publisher", help="Publisher; the institution for reports, the university for theses; the archive, database or site of a preprint, data set, video or podcast.")] = None,
    institution: Annotated[Text, typer.Option("--institution", help="A thesis's university, when --publisher is the database it is in (APA 10.6).")] = None,
    place: Annotated[Text, typer.Option("--place", help="Place of publication.")] = None,
    series: Annotated[Text, typer.Option("--series", help='Report or book series, e.g. "Fafo-rapport".')] = None,
    number: Annotated[Text, typer.Option("--number", help='Number in the series, e.g. "2013:52"; a public document\'s number: NOU 2016:16, Meld. St. 20, Prop. 65 L, LOV-1997-02-28-19.')] = None,
    session: Annotated[Text, typer.Option("--session", metavar="YYYY-YYYY", help="The Storting session of a white paper, proposition or recommendation, e.g. 2009-2010.")] = None,
    edition: Annotated[Text, typer.Option("--edition", help="Edition.")] = None,
    version: Annotated[Text, typer.Option("--version", help="The version of a data set or software, e.g. 1.4.2.")] = None,
    genre: Annotated[Text, typer.Option("--genre", help='The kind of thesis or document, e.g. "Doctoral dissertation".')] = None,
    journal: Annotated[Text, typer.Option("--journal", help="The journal, magazine, newspaper or blog.")] = None,
    booktitle: Annotated[Text, typer.Option("--booktitle", help="Title of the work a part is in: a chapter's book, an entry's reference work, an episode's series or podcast.")] = None,
    event: Annotated[Text, typer.Option("--event", help="The conference or meeting a presentation was given at.")] = None,
    volume: Annotated[Text, typer.Option("--volume", help="Volume; a TV episode's season.")] = None,
    issue: Annotated[Text, typer.Option("--issue", help="Issue (articles).")] = None,
    pages: Annotated[Text, typer.Option("--pages", help="Pages, e.g. 4-19.")] = None,
    url: Annotated[Text, typer.Option("--url", help="Web address (http:// or https://).")] = None,
    accessed: Annotated[Text, typer.Option("--accessed", metavar="YYYY-MM-DD", help="When a web page was read, YYYY-MM-DD.")] = None,
    doi: Annotated[Text, typer.Option("--doi", help="DOI, 10.NNNN/suffix (a doi.org address works too).")] = None,
    isbn: Annotated[Text, typer.Option("--isbn", help="ISBN-10 or ISBN-13; the check digit is verified.")] = None,
    lang: Annotated[Text, typer.Option("--lang", metavar="CODE", autocompletion=complete.choices("nb", "nn", "en", "sv", "da"), help="Language code: nb, nn, sv, en, ...")] = None,
    theme: Annotated[Many, typer.Option("--theme", metavar="THEME", autocompletion=complete.themes, help="A theme id from themes.yaml. Repeat for more.")] = None,
    keyword: Annotated[Many, typer.Option("--keyword", "-k", metavar="WORD", help="A keyword. Repeat for more.")] = None,
    abstract: Annotated[Text, typer.Option("--abstract", help="Abstract.")] = None,
    note: Annotated[Text, typer.Option("--note", help="A note.")] = None,
    availability: Annotated[Text, typer.Option("--availability", help='Where to get it, e.g. "print only".')] = None,
    key: Annotated[Text, typer.Option("--key", help="The citation key; made from author, year and title when left out.")] = None,
    allow_duplicate: Annotated[bool, typer.Option("--allow-duplicate", help="Add it even when the library has the same DOI, ISBN or title, year and author.")] = False,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt: fail naming the required fields that are missing.")] = False,
) -> None:
    """Add a reference; prints its key, then the record as written.

    Required: --type, --title, --author (or --editor) and --year (n.d. for
    none); for a Norwegian public document (--type nou, meld, prop, innst, lov,
    forskrift) --number instead, and --session (meld, prop, innst) or
    --short-title (lov). --theme is optional. On a terminal, missing ones are asked for, and
    so are the themes (the prompt lists them; Enter for none); otherwise, or with
    --no-input, the command fails naming what is missing. The key, when not given, is the first author's family name, the year
    and the first significant word of the title (moland2013laeringsnettverk).
    A duplicate (same DOI, ISBN, or title, year and first author) is refused
    unless --allow-duplicate; a near-identical title warns. Exit 1 on invalid
    input, with nothing written.
    """
    from innoref import editing
    from innoref.errors import InvalidInput

    values = {
        "key": key, "type": type_, "title": title, "translated_title": translated_title, "short_title": short_title,
        "authors": author or [], "editors": editor or [], "translators": translator or [], "year": year,
        "origyear": origyear, "date": date, "status": status, "publisher": publisher, "institution": institution,
        "place": place, "series": series, "number": number, "session": session, "edition": edition,
        "version": version, "genre": genre, "journal": journal, "booktitle": booktitle, "event": event,
        "volume": volume,
        "issue": issue, "pages": pages, "url": url, "accessed": accessed, "doi": doi, "isbn": isbn,
        "language": lang, "abstract": abstract, "keywords": keyword or [], "themes": theme or [], "note": note,
        "availability": availability,
    }
    values = {k: v for k, v in values.items() if v is not None and v != []}
    if year is None and date:
        values["year"] = date[:4]
    loc = location(ctx)
    missing = editing.missing_for_add(values)
    asking = not no_input and interactive()
    if missing and not asking:
        names = ", ".join(f"--{_option(m)}" for m in missing)
        raise InvalidInput(f"missing required field{'s' if len(missing) > 1 else ''}: {names}"
                           + ("" if no_input else " (no terminal to ask on)"))
    if asking:
        # On a terminal the themes are offered too (none is an answer), after what is required.
        _ask(loc, values, missing + ([] if values.get("themes") else ["themes"]))
    added = editing.add(loc, values, allow_duplicate=allow_duplicate, waiting=waiting(ctx))
    for warning in added.warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(added.reference.key)
    typer.echo(added.text, nl=False)
    typer.echo(f"added {added.reference.key} to {shown(added.path)}", err=True)


def _option(field: str) -> str:
    return {"authors": "author", "themes": "theme", "type": "type", "language": "lang",
            "short_title": "short-title"}.get(field, field.replace("_", "-"))


_PROMPTS = {
    "title": "Title",
    "authors": 'Authors ("Family, Given"; several separated by ";"; an organisation in braces)',
    "year": "Year (n.d. when there is none)",
    "number": "Number (NOU 2016: 16, Meld. St. 20, Prop. 65 L, Innst. 49 S, LOV-1997-02-28-19)",
    "session": "Session of the Storting (2009-2010)",
    "short_title": "Short title (korttittel), e.g. Folketrygdloven",
}


def _ask(loc, values: dict, missing: list[str]) -> None:
    """Prompt for each missing field until its value is valid (the type first: what else is
    required follows from it)."""
    from innoref import editing
    from innoref.library import open_library
    from innoref.records import REF_TYPES

    asked: set[str] = set()
    while True:
        todo = [m for m in editing.missing_for_add(values) if m not in asked]
        if "themes" in missing and "themes" not in asked and not values.get("themes"):
            todo.append("themes")
        if not todo:
            return
        name = todo[0]
        asked.add(name)
        while True:
            if name == "type":
                text = typer.prompt(f"Type ({', '.join(REF_TYPES)})")
            elif name in _PROMPTS:
                text = typer.prompt(_PROMPTS[name])
            else:
                with open_library(loc, reading=False) as lib:
                    themes = lib.themes
                typer.echo("Themes:")
                for i, t in enumerate(themes, start=1):
                    typer.echo(f"  {i}  {t.id:<26} {t.name}")
                text = typer.prompt("Themes (numbers or ids, separated by commas; Enter for none)",
                                    default="", show_default=False)
                ids = [t.id for t in themes]
                chosen = []
                for part in editing.split_list("themes", text):
                    chosen.append(ids[int(part) - 1] if part.isdigit() and 0 < int(part) <= len(ids) else part)
                text = ", ".join(chosen)
                bad = [c for c in chosen if c not in ids]
                if bad:
                    typer.echo(f"error: themes: {', '.join(bad)}: choose from the list", err=True)
                    continue
                if not chosen:
                    break
            problems = editing.field_errors(name, text, values)
            if problems:
                typer.echo(f"error: {problems[0]}", err=True)
                continue
            values[name] = text
            break
