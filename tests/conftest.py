"""Shared test fixtures: an isolated environment, a copy of the shipped library, a CLI runner."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "data"


@pytest.fixture(autouse=True)
def isolated(tmp_path_factory, monkeypatch):
    """No test sees the developer's own library, cache or terminal settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("INNOREF_DATA", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    work = home / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return home


@pytest.fixture
def library(tmp_path) -> Path:
    """A writable copy of the shipped reading list and themes."""
    folder = tmp_path / "lib"
    shutil.copytree(SHIPPED, folder)
    return folder


@pytest.fixture
def make_library(tmp_path):
    """Write a library from YAML text: make_library(literature, themes=None) -> folder."""

    def make(literature: str, themes: str | None = None, name: str = "custom") -> Path:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "literature.yaml").write_text(textwrap.dedent(literature), encoding="utf-8")
        if themes is None:
            shutil.copy(SHIPPED / "themes.yaml", folder / "themes.yaml")
        else:
            (folder / "themes.yaml").write_text(textwrap.dedent(themes), encoding="utf-8")
        return folder

    return make


@pytest.fixture
def cli():
    """Run innoref in-process: cli("list", data=folder) -> Result (stdout/stderr apart)."""
    from innoref.cli import load_commands

    app = load_commands()
    runner = CliRunner()

    def run(*args: str, data: Path | str | None = None, input: str | None = None, env: dict | None = None):
        argv = (["--data", str(data)] if data is not None else []) + [str(a) for a in args]
        return runner.invoke(app, argv, input=input, env=env, catch_exceptions=False)

    return run


def require_tool(name: str) -> str:
    """The path of an external tool; skip without it, except in CI (INNOREF_REQUIRE_TOOLS=1)."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("INNOREF_REQUIRE_TOOLS"):
            pytest.fail(f"{name} is required in CI but is not installed")
        pytest.skip(f"{name} is not installed")
    return path


def load(folder=None, *, strict: bool = True):
    """The library at ``folder`` (the default library with None) through its index, as every command
    reads it: ``load(folder).references()`` are its records in file order."""
    from innoref.library import open_library
    from innoref.location import locate

    return open_library(locate(folder), strict=strict)
