"""`innoref import FILE`: BibTeX/biblatex, CSL-JSON or RIS records into the library."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from innoref.cli import complete

from innoref.cli.app import command, location, waiting
from innoref.cli.paths import shown

@command("import")
def import_cli(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", autocompletion=complete.files(".bib", ".bibtex", ".json", ".ris", ".txt"), help="The file to import: .bib, .json (CSL-JSON) or .ris.")],
    theme: Annotated[Optional[str], typer.Option("--theme", metavar="THEME", autocompletion=complete.themes, help="Give every imported record this theme id.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n", help="Check and report everything, but write nothing.")] = False,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", metavar="bibtex|csl-json|ris", autocompletion=complete.choices("bibtex", "csl-json", "ris"), help="bibtex, csl-json or ris, when the file name does not tell.")] = None,
    allow_duplicate: Annotated[bool, typer.Option("--allow-duplicate", help="Import entries even when the library (or the file) has the same work.")] = False,
    keep_case: Annotated[bool, typer.Option("--keep-case", help="Keep BibTeX titles in title case as written (by default an English one is put in sentence case, as APA writes it, and reported).")] = False,
) -> None:
    """Import records from BibTeX/biblatex, CSL-JSON (Zotero) or RIS.

    Ends with a summary: imported N, skipped M, and each skipped entry by its
    key (or line) with the reason. The file's keys are kept; a key already taken
    gets a suffix and is reported. Fields innoref does not name are kept in
    extra. All records are written in one go: a failure part-way leaves the
    library as it was. Exit 1 when the file cannot be read, or holds nothing that
    could be imported (a file whose entries are all in the library already is exit 0).
    """
    from innoref import editing
    from innoref.importers import read_file

    loc = location(ctx)
    from innoref.cli.output import DelayedProgress

    progress = DelayedProgress()
    try:
        batch = read_file(file, fmt, progress, keep_case=keep_case)
        report = editing.import_candidates(
            loc, batch.candidates, batch.skipped, theme=theme, dry_run=dry_run,
            allow_duplicate=allow_duplicate, progress=progress("checking and writing", len(batch.candidates)),
            waiting=waiting(ctx),
        )
    finally:
        progress.stop()
    _summary(report, file)
    if report.nothing_importable:
        typer.echo(f"error: {file.name} holds no entry that could be imported", err=True)
        raise typer.Exit(1)


def _summary(report, file: Path) -> None:
    n, m = len(report.imported), len(report.skipped)
    head = f"imported {n}, skipped {m}" if not report.dry_run else f"would import {n}, skip {m} (dry run: nothing written)"
    typer.echo(f"{head} from {file.name}")
    if report.skipped:
        typer.echo("skipped:")
        for s in report.skipped:
            typer.echo(f"  {s}")
    if report.renamed:
        typer.echo("renamed:")
        for old, new, why in report.renamed:
            typer.echo(f"  {old} -> {new} ({why})")
    if report.warnings:
        typer.echo("warnings:")
        for w in report.warnings:
            typer.echo(f"  {w}")
    if report.path is not None:
        typer.echo(f"written to {shown(report.path)}", err=True)
