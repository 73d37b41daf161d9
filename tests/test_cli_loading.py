"""Starting the CLI: only the command being run is loaded; help still lists every command."""

from __future__ import annotations

import subprocess
import sys

import pytest

from innoref.cli import command_named


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["search", "brathen"], "search"),
        (["--data", "lib", "search", "--limit", "3", "x"], "search"),
        (["--data=lib", "show", "k"], "show"),
        (["--help"], None),
        (["--version"], None),
        (["--data", "lib"], None),
        ([], None),
        (["serch"], "serch"),
    ],
)
def test_command_named(argv, expected):
    assert command_named(argv) == expected


LOADED = """
import sys
from innoref.cli import main
sys.argv = ["innoref"] + sys.argv[1:]
try:
    main()
except SystemExit:
    pass
print(sorted(m.rsplit(".", 1)[1] for m in sys.modules if m.startswith("innoref.cli.") and m.endswith("_cmd")), file=sys.stderr)
"""


def loaded_commands(*argv: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    done = subprocess.run([sys.executable, "-c", LOADED, *argv], capture_output=True, text=True, check=False)
    return done, eval(done.stderr.strip().splitlines()[-1])  # a list literal printed above


def test_a_command_loads_only_its_own_module(library):
    done, loaded = loaded_commands("--data", str(library), "show", "krd2013nyevegar")
    assert done.returncode == 0, done.stderr
    assert "key\tkrd2013nyevegar" in done.stdout
    assert loaded == ["show_cmd"]


def test_help_and_unknown_commands_see_every_command(library):
    done, loaded = loaded_commands("--help")
    assert {"list_cmd", "search_cmd", "export_cmd", "add_cmd", "page_cmd", "info_cmd"} <= set(loaded)
    assert "search" in done.stdout and "export" in done.stdout
    done, loaded = loaded_commands("serch", "x")
    assert "Did you mean 'search'?" in done.stderr
    assert len(loaded) >= 14
