"""How the writing commands name the file they wrote: relative to the current folder when inside it."""

from __future__ import annotations

from pathlib import Path


def shown(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
