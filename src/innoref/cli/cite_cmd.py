"""`innoref cite KEY...`: the APA in-text citation of one or more references."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from innoref.cli import complete

from innoref.cli.app import command, open_library


def cite_text(lib, keys: list[str], *, narrative: bool, lang: str, markup: str, scope: str | None) -> str:
    """The citation; a/b letters are assigned among the library, or among ``scope``'s matches."""
    from innoref.errors import UsageError
    from innoref.formats import Options, apa
    from innoref.query import parse_query

    options = Options(lang=lang, markup=markup)  # validates both
    cited, locators = [], {}
    for typed in keys:
        key, _, locator = typed.partition(",")  # a key holds no comma: KEY,12 is page 12 of KEY
        ref = lib.get(key)
        cited.append(ref)
        if locator:
            try:
                apa.locator_text(locator, options.lang)
            except ValueError as exc:
                raise UsageError(f"{typed}: {exc}") from None
            locators[ref.key] = locator
    # Letters (2010a, 2010b) and "et al." lengths are decided among works of the same year and
    # first author: those of the whole library, or of the references matching --scope.
    pool = lib.references(lib.select(parse_query(scope))) if scope else lib.letter_scope(cited)
    return apa.citation(cited, pool, narrative=narrative, lang=options.lang, markup=options.markup,
                        locators=locators)


@command("cite")
def cite_cli(
    ctx: typer.Context,
    keys: Annotated[list[str], typer.Argument(metavar="KEY[,PLACE]...", autocompletion=complete.keys,
                                                help="Keys of the references to cite, each with a place in the work "
                                                     "after a comma when you cite one: KEY,12 (a page), KEY,12-14, "
                                                     "KEY,ch4 (a chapter), KEY,§14-4 (a section), KEY,para3.")],
    narrative: Annotated[
        bool, typer.Option("--narrative", "-n", help="Narrative form: Moland et al. (2013) instead of (Moland et al., 2013).")
    ] = False,
    lang: Annotated[
        str, typer.Option("--lang", metavar="en|nb|nn", autocompletion=complete.choices("en", "nb", "nn"), help="en: 'and'; nb/nn: 'og' in narrative citations, 'u.å.' for no date.")
    ] = "en",
    markup: Annotated[
        str, typer.Option("--markup", metavar="text|markdown|html", autocompletion=complete.choices("text", "markdown", "html"), help="How italic titles (works with no author) look.")
    ] = "text",
    scope: Annotated[
        Optional[str],
        typer.Option("--scope", metavar="QUERY", autocompletion=complete.query,
                     help="Assign the 2010a/2010b letters among the references matching QUERY "
                          "(the references of your document) instead of the whole library."),
    ] = None,
) -> None:
    """Print the APA 7 in-text citation of one or more references.

    Several keys make one citation, in reference-list order, separated by semicolons:
    (Moland et al., 2013; Teigen et al., 2010). A place after the key's comma is written
    the APA way in the citation's language: moland2013laeringsnettverk,12 gives
    (Moland et al., 2013, p. 12), with --lang nb (Moland et al., 2013, s. 12). Works by the same authors in the same
    year get a, b, ... as in the reference list. An unknown key is an error (exit 1).
    """
    lib = open_library(ctx)
    typer.echo(cite_text(lib, keys, narrative=narrative, lang=lang, markup=markup, scope=scope))
