"""innoref's command line: one module per command, all on one Typer app.

Adding a command is adding a module named ``<name>_cmd.py`` to this package; it
registers itself with ``@app.command``. ``ORDER`` only sets where it shows in
``--help``; modules not named there come last, alphabetically.
"""

from __future__ import annotations

import importlib
import pkgutil

from innoref.cli.app import app

ORDER = ("list", "search", "show", "cite", "export", "add", "import", "edit", "remove",
         "themes", "page", "stats", "check", "info")


def _command_modules() -> list[str]:
    names = [m.name for m in pkgutil.iter_modules(__path__) if m.name.endswith("_cmd")]
    rank = {f"{name}_cmd": i for i, name in enumerate(ORDER)}
    return sorted(names, key=lambda n: (rank.get(n, len(ORDER)), n))


for _name in _command_modules():
    importlib.import_module(f"innoref.cli.{_name}")


def main() -> None:
    import sys

    try:
        app()
    except BrokenPipeError:  # `innoref list | head`
        sys.stderr.close()
        sys.exit(0)
