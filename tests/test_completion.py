"""Shell completion: commands, options, and from the library itself (keys, themes, types, formats,
query fields, files), through Typer's completion requests and through the bash script itself."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SHIPPED


def complete(cli, words: str, *, data: Path | None = SHIPPED, env: dict | None = None) -> list[str]:
    """What bash's Tab offers after ``words`` (the last one is being typed; a trailing space starts
    a new one), as Typer's completion request answers it."""
    line = "innoref" + (f" --data {data}" if data is not None else "") + " " + words
    cword = len(line.split()) - (0 if line.endswith(" ") else 1)
    result = cli(env={"_INNOREF_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(cword),
                      **(env or {})})
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return [w for w in result.stdout.splitlines() if w]


def test_commands_and_options(cli):
    assert complete(cli, "ci") == ["cite", "cited"]
    assert "--narrative" in complete(cli, "cite --n")
    assert complete(cli, "list --so") == ["--sort"]


def test_keys_of_the_library_for_show_cite_edit_and_remove(cli):
    for command in ("show", "cite", "edit", "remove"):
        assert complete(cli, f"{command} mol") == ["moland2010strategisk", "moland2013laeringsnettverk"], command
    assert complete(cli, "cite krd2013nyevegar te") == ["teigen2010kommunesektorens"]
    assert len(complete(cli, "show ")) == 7


def test_keys_of_the_library_named_by_data(cli, make_library):
    folder = make_library("""\
        - key: own2020rapport
          type: report
          title: Egen rapport
          authors: ["Nordmann, Kari"]
          year: 2020
        """)
    assert complete(cli, "show o", data=folder) == ["own2020rapport"]
    assert complete(cli, "show o", data=None, env={"INNOREF_DATA": str(folder)}) == ["own2020rapport"]


def test_theme_ids_types_formats_sorts_and_languages(cli):
    assert complete(cli, "list --theme ") == ["sykefravaer", "heltid-deltid", "kompetanse-rekruttering",
                                              "omdomme", "innovasjon"]
    assert complete(cli, "themes in") == ["innovasjon"]
    assert complete(cli, "add --theme h") == ["heltid-deltid"]
    assert complete(cli, "list --type th") == ["thesis"]
    assert complete(cli, "export --format b") == ["biblatex", "bibtex"]
    assert complete(cli, "cited paper.tex -f c") == ["csl-json"]
    assert complete(cli, "list --sort a") == ["author"]
    assert complete(cli, "cite x --lang n") == ["nb", "nn"]
    assert complete(cli, "export -f apa --markup m") == ["markdown"]


def test_query_fields_and_their_values(cli):
    assert complete(cli, "search auth") == ["author:"]
    assert complete(cli, "list ye") == ["year:"]
    assert complete(cli, "search ti") == ["title:"]
    assert complete(cli, "search theme:komp") == ["theme:kompetanse-rekruttering"]
    assert complete(cli, "search type:rep") == ["type:report"]
    assert complete(cli, "search key:krd") == ["key:krd2013nyevegar"]
    assert complete(cli, "search -author:mol") == []  # a leading "-" is an option to the shell's eyes


def test_fields_for_edit(cli):
    assert complete(cli, "edit krd2013nyevegar --set ye") == ["year="]
    assert complete(cli, "edit krd2013nyevegar --unset acc") == ["accessed"]


def test_files_where_a_command_takes_files(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("refs.bib", "zotero.json", "notes.txt", "paper.tex", "paper.md", "thesis.aux", "image.png"):
        (tmp_path / name).write_text("")
    (tmp_path / "chapters").mkdir()
    (tmp_path / ".hidden.bib").write_text("")
    assert complete(cli, "import ") == ["chapters/", "notes.txt", "refs.bib", "zotero.json"]
    assert complete(cli, "cited ") == ["chapters/", "paper.md", "paper.tex", "thesis.aux"]
    assert complete(cli, "cited paper.tex -o r") == ["refs.bib"]
    assert complete(cli, "page -o ") == ["chapters/"]
    assert complete(cli, "--data ch", data=None) == ["chapters/"]
    (tmp_path / "chapters" / "one.tex").write_text("")
    assert complete(cli, "cited chapters/") == ["chapters/one.tex"]


def test_a_broken_library_completes_nothing_and_says_nothing(cli, make_library):
    folder = make_library("- key: a\n  title: [unclosed\n")
    assert complete(cli, "show ", data=folder) == []
    assert complete(cli, "show ", data=folder / "nowhere") == []


def test_the_bash_script_completes_keys(tmp_path):
    bash = shutil.which("bash")
    innoref = shutil.which("innoref", path=str(Path(sys.executable).parent)) or shutil.which("innoref")
    if bash is None or innoref is None:
        pytest.skip("needs bash and the innoref script")
    script = subprocess.run([innoref], env={**os.environ, "_INNOREF_COMPLETE": "source_bash"},
                            capture_output=True, text=True, timeout=60).stdout
    assert "complete -o default -F _innoref_completion innoref" in script
    probe = (script + f"\nPATH={Path(innoref).parent}:$PATH\n"
             f"COMP_WORDS=(innoref --data {SHIPPED} show mol); COMP_CWORD=4\n"
             "_innoref_completion innoref\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n")
    done = subprocess.run([bash, "--norc", "--noprofile", "-c", probe], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert done.stdout.split() == ["moland2010strategisk", "moland2013laeringsnettverk"], done.stderr
