"""Where the library lives: the folder in use, why it was chosen, and the files to read.

The order (documented in the README): ``--data DIR``, then ``$INNOREF_DATA``, then a
``data/literature.yaml`` in the current folder, then the user's library
(``$XDG_DATA_HOME/innoref``), which reads as the shipped reading list until its
first write. A folder chosen by name (``--data``, ``$INNOREF_DATA``) must be a
library for a command that reads (:meth:`Location.require_library`); a command
that writes creates it. Never prints, never exits, never creates anything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from innoref.errors import InnorefError

LITERATURE = "literature.yaml"
THEMES = "themes.yaml"
ENV_VAR = "INNOREF_DATA"


@dataclass(frozen=True)
class Location:
    """The library folder in use and why it was chosen."""

    folder: Path
    reason: str
    # Where records are read from while the folder has none of its own yet
    # (a user library before its first write starts as the shipped reading list).
    seed: Path | None = None
    named: bool = False  # chosen by --data or $INNOREF_DATA (not found by looking)

    @property
    def literature(self) -> Path:
        return self.folder / LITERATURE

    @property
    def themes(self) -> Path:
        return self.folder / THEMES

    def read_path(self, name: str) -> Path | None:
        """The file to read for ``name``: the folder's own, else the seed's, else None."""
        own = self.folder / name
        if own.exists():
            return own
        if self.seed is not None and (self.seed / name).exists():
            return self.seed / name
        if name == THEMES and (shipped_data() / THEMES).exists():
            # A library without its own themes uses the programme's themes.
            return shipped_data() / THEMES
        return None

    def require_library(self) -> None:
        """A folder named by --data or $INNOREF_DATA must be a library for a command that
        reads it: a typo must not read as an empty library that passes ``check``."""
        if not self.named:
            return
        how = "--data" if self.reason == "--data option" else f"${ENV_VAR}"
        if self.folder.is_file():
            hint = f" (did you mean {how} {self.folder.parent}?)" if self.folder.name == LITERATURE else ""
            raise InnorefError(f"{how} {self.folder}: a file, not a library folder{hint}")
        if not self.folder.is_dir():
            raise InnorefError(f"{how} {self.folder}: no such folder (a command that writes, such as add "
                               "or import, creates it)")
        if not (self.folder / LITERATURE).exists():
            raise InnorefError(f"{how} {self.folder}: not a library: it holds no {LITERATURE} (add or "
                               "import creates one)")


def shipped_data() -> Path:
    """The programme's reading list and themes as shipped with innoref."""
    here = Path(__file__).resolve().parent
    inside = here / "data"  # in an installed wheel
    if (inside / LITERATURE).exists():
        return inside
    return here.parent.parent / "data"  # in a source checkout


def user_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME")
    if base:
        return Path(base) / "innoref"
    from platformdirs import user_data_dir as _udd

    return Path(_udd("innoref", appauthor=False))


def locate(data_option: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Location:
    """Find the library: --data, then $INNOREF_DATA, then ./data, then the user's library."""
    if data_option:
        return Location(Path(data_option).expanduser(), "--data option", named=True)
    env = os.environ.get(ENV_VAR)
    if env:
        return Location(Path(env).expanduser(), f"${ENV_VAR}", named=True)
    cwd = cwd or Path.cwd()
    local = cwd / "data"
    if (local / LITERATURE).exists():
        return Location(local, "data/literature.yaml in the current folder")
    user = user_data_dir()
    if (user / LITERATURE).exists():
        return Location(user, "the user's library")
    return Location(
        user,
        "the user's library (not created yet: it starts as the programme's reading list)",
        seed=shipped_data(),
    )
