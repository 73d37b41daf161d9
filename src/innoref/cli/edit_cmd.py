"""`innoref edit KEY`: change fields with --set/--unset, or the whole record in $EDITOR."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from innoref.cli import complete

from innoref.cli.app import command, location, waiting
from innoref.cli.paths import shown

_ERROR_MARK = "# innoref: "


def can_ask() -> bool:
    """A person is at a terminal to answer "Edit again?"."""
    import sys

    return sys.stdin.isatty()


@command("edit")
def edit_cli(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(metavar="KEY", autocompletion=complete.keys, help="The key of the reference to change.")],
    set_: Annotated[Optional[list[str]], typer.Option("--set", "-s", metavar="FIELD=VALUE", autocompletion=complete.fields, help='Set a field, e.g. --set year=2013, --set "authors=Moland, Leif E.; Lien, Lise", --set extra.pagetotal=123. Repeat for more.')] = None,
    unset: Annotated[Optional[list[str]], typer.Option("--unset", metavar="FIELD", autocompletion=complete.field_names, help="Remove a field (or extra.NAME). Repeat for more.")] = None,
    allow_duplicate: Annotated[bool, typer.Option("--allow-duplicate", help="Keep the change even if the record then duplicates another.")] = False,
) -> None:
    """Change one reference: --set field=value and --unset field, or the whole record in $EDITOR.

    Values are validated as `add` validates them; only the lines of the changed
    fields change in the file. Without --set or --unset, $VISUAL or $EDITOR opens
    the record's YAML (comments included); the result is validated and, on a
    terminal, you are offered to edit again when it is not valid. Exit 1 on
    invalid input, with nothing written.
    """
    from innoref import editing

    loc = location(ctx)
    if set_ or unset:
        result = editing.edit(loc, key, editing.parse_assignments(set_ or []), unset or [],
                              allow_duplicate=allow_duplicate, waiting=waiting(ctx))
        _report(result)
        return
    _edit_in_editor(loc, key, allow_duplicate, waiting(ctx))


def _report(result) -> None:
    from innoref.writer import record_text

    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if result.before is None:
        typer.echo(record_text(result.after), nl=False)
        typer.echo(f"mended {result.after.key} in {shown(result.path)}", err=True)
        return
    if not result.changed:
        typer.echo(f"no changes to {result.before.key}", err=True)
        return
    typer.echo(record_text(result.after), nl=False)
    typer.echo(f"changed {', '.join(result.changed)} of {result.after.key} in {shown(result.path)}", err=True)


def run_editor(text: str) -> str | None:
    """Open $VISUAL or $EDITOR on ``text`` in a temporary .yaml file; the saved text,
    or None when it was not changed."""
    import os
    import shlex
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    from innoref.errors import InnorefError

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or shutil.which("vi") or shutil.which("nano")
    if not editor:
        raise InnorefError("no editor: set $EDITOR, or use --set field=value")
    with tempfile.TemporaryDirectory(prefix="innoref-") as folder:
        path = Path(folder) / "record.yaml"
        path.write_text(text, encoding="utf-8")
        before = path.stat().st_mtime_ns
        try:
            code = subprocess.call([*shlex.split(editor), str(path)])
        except OSError as exc:
            raise InnorefError(f"cannot start the editor '{editor}': {exc.strerror}") from None
        if code != 0:
            raise InnorefError(f"the editor '{editor}' exited with status {code}; nothing was written")
        edited = path.read_text(encoding="utf-8")
        if path.stat().st_mtime_ns == before and edited == text:
            return None
        return edited


def _edit_in_editor(loc, key: str, allow_duplicate: bool, wait) -> None:
    from innoref import editing
    from innoref.errors import InnorefError

    original = editing.record_source(loc, key)
    text = original
    while True:
        edited = run_editor(text)
        if edited is None or edited == text == original:
            typer.echo(f"no changes to {key}", err=True)
            return
        edited = "".join(line for line in edited.splitlines(keepends=True) if not line.startswith(_ERROR_MARK))
        try:
            result = editing.replace_record(loc, key, original, edited, allow_duplicate=allow_duplicate,
                                            waiting=wait)
        except editing.EditedTextError as exc:
            typer.echo(f"error: {exc.message}", err=True)
            if not (can_ask() and typer.confirm("Edit again?", default=True, err=True)):
                typer.echo(f"nothing was written; your text is kept in {editing.keep_unsaved(key, edited)}", err=True)
                raise typer.Exit(1) from None
            text = "".join(f"{_ERROR_MARK}{line}\n" for line in exc.message.splitlines()) + edited
            continue
        except InnorefError as exc:  # the record changed meanwhile, the file cannot be written, ...
            kept = editing.keep_unsaved(key, edited)
            raise InnorefError(f"{exc.message}; your text is kept in {kept}") from None
        _report(result)
        return
