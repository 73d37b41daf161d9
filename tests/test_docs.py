"""The README and --help stay true: set-up commands, CI, every command documented."""

from __future__ import annotations

import re

import pytest

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def code_blocks(lang: str | None = None) -> list[str]:
    pattern = r"```(\w*)\n(.*?)```"
    return [body for tag, body in re.findall(pattern, README, re.S) if lang is None or tag == lang]


def test_readme_starts_with_the_two_setup_commands():
    first, second = code_blocks()[:2]
    assert first.strip() == "pip install . && innoref list"
    assert second.strip() == 'pip install ".[test]" && pytest'


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text()
    test_command = code_blocks()[1].strip()
    assert test_command in ci.splitlines()


def test_every_command_has_help_and_a_readme_entry(cli):
    import typer.main

    from innoref.cli import load_commands

    group = typer.main.get_command(load_commands())
    names = sorted(group.commands)
    assert {"list", "show", "themes", "check", "info"} <= set(names)
    for name in names:
        command = group.commands[name]
        assert command.help and command.help.strip(), f"{name} has no help text"
        result = cli(name, "--help")
        assert result.exit_code == 0 and "Usage:" in result.stdout
        assert f"innoref {name}" in README, f"README has no entry for `innoref {name}`"


def test_every_option_has_help(cli):
    import typer.main

    from innoref.cli import load_commands

    group = typer.main.get_command(load_commands())
    for name, command in group.commands.items():
        for param in command.params:
            if param.param_type_name == "option" and param.name != "help":
                assert getattr(param, "help", None), f"innoref {name} {param.opts[0]} has no help"


def test_readme_record_examples_are_valid():
    from innoref import yamlio
    from innoref.models import validate_reference

    blocks = [b for b in code_blocks("yaml") if b.lstrip().startswith("- key:")]
    assert len(blocks) >= 2
    for block in blocks:
        for data in yamlio.load(block):
            validate_reference(data)


def test_readme_lists_the_search_fields_of_the_one_table():
    from innoref.fields import FIELDS

    rows = re.findall(r"^\| `(\w+)`( \([^|]*\))? \| ([^|]+) \| ([^|]+) \|$", README, re.M)
    listed = {name: (re.findall(r"`(\w+)`", aliases), what.strip(), weight.strip())
              for name, aliases, what, weight in rows}
    queryable = [f for f in FIELDS if f.queryable]
    assert [name for name in listed if name in {f.name for f in FIELDS}] == [f.name for f in queryable]
    for f in queryable:
        aliases, what, weight = listed[f.name]
        assert aliases == list(f.aliases), f.name
        assert what == f.help, f.name
        assert weight == (f"{f.weight:g}" if f.weight else "—"), f.name
    other = next(f for f in FIELDS if not f.queryable)
    assert f"weight {other.weight:g})" in README


PYTHON_TYPE = re.compile(r"<(str|int|float|bool|path|file|text|list\[[^\]]*\]|[a-z]+ range)>|\{[a-z_]+\}")


@pytest.mark.parametrize("columns", ["60", "80", "100"])
def test_help_names_things_not_python_types_and_cuts_nothing(cli, columns):
    import typer.main

    from innoref.cli import load_commands

    group = typer.main.get_command(load_commands())
    top = cli("--help", env={"COLUMNS": columns})
    assert top.exit_code == 0
    listed = top.stdout.split("Commands:", 1)[1]
    assert "..." not in listed, listed
    for name in group.commands:
        assert f"  {name} " in listed
        page = cli(name, "--help", env={"COLUMNS": columns}).stdout
        assert not PYTHON_TYPE.search(page), f"innoref {name} --help shows a type: {PYTHON_TYPE.search(page)[0]}"
    add = cli("add", "--help", env={"COLUMNS": "100"}).stdout
    assert '-a, --author "FAMILY, GIVEN"' in add and "-t, --type TYPE" in add and "--no-input  " in add
    assert "Usage: innoref cite [OPTIONS] KEY[,PLACE]..." in cli("cite", "--help").stdout
    assert "Usage: innoref list [OPTIONS] [QUERY]" in cli("list", "--help").stdout
    assert "-s, --sort year|author|title|key" in cli("list", "--help", env={"COLUMNS": "100"}).stdout
