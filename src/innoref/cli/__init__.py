"""innoref's command line: one module per command, all on one Typer app.

Adding a command is adding a module named ``<name>_cmd.py`` to this package; it
registers itself with ``@app.command``. ``ORDER`` only sets where it shows in
``--help``; modules not named there come last, alphabetically.

``main()`` loads only the module of the command being run when the command line
names one (Typer builds every registered command's parameters on each start, so
loading all fourteen costs time a single command never uses); ``--help``, a bare
``innoref`` or an unknown name loads them all. ``load_commands()`` gives the app
with every command (as the tests use it).
"""

from __future__ import annotations

import importlib
import pkgutil

ORDER = ("list", "search", "show", "cite", "export", "cited", "add", "import", "edit", "remove",
         "themes", "page", "stats", "check", "info")
# Global options that take a value (the callback in app.py).
_VALUE_OPTIONS = ("--data", "--wait")


def _command_modules() -> list[str]:
    names = [m.name for m in pkgutil.iter_modules(__path__) if m.name.endswith("_cmd")]
    rank = {f"{name}_cmd": i for i, name in enumerate(ORDER)}
    return sorted(names, key=lambda n: (rank.get(n, len(ORDER)), n))


def load_commands(only: str | None = None):
    """Register the commands (or only the one named ``only``, when it exists) and return the app."""
    from innoref.cli.app import app

    modules = _command_modules()
    if only is not None and f"{only}_cmd" in modules:
        modules = [f"{only}_cmd"]
    for name in modules:
        importlib.import_module(f"innoref.cli.{name}")
    return app


def command_named(argv: list[str]) -> str | None:
    """The command a command line runs, or None when it runs none (help, version, nothing)."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in _VALUE_OPTIONS:
            i += 2
        elif arg.split("=", 1)[0] in _VALUE_OPTIONS:
            i += 1
        elif arg.startswith("-"):
            return None
        else:
            return arg
    return None


def main() -> None:
    import sys

    app = load_commands(command_named(sys.argv[1:]))
    try:
        app()
    except BrokenPipeError:  # `innoref list | head`
        sys.stderr.close()
        sys.exit(0)
