"""CLI tests of list, show, themes, check and info on shipped, empty and broken libraries."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conftest import load

KEYS_BY_YEAR = [
    "bolkesjo1999fylkeskommunen",
    "frankelius2009innovativa",
    "moland2010strategisk",
    "teigen2010kommunesektorens",
    "ringholm2011innovasjonsprosesser",
    "krd2013nyevegar",
    "moland2013laeringsnettverk",
]


def keys(stdout: str) -> list[str]:
    return [line.split("\t")[0] for line in stdout.splitlines()]


# ---------------------------------------------------------------- list


def test_list_plain_in_a_pipe_is_tab_separated(cli, library):
    result = cli("list", data=library)
    assert result.exit_code == 0
    assert keys(result.stdout) == KEYS_BY_YEAR
    line = result.stdout.splitlines()[-1]
    assert line == "moland2013laeringsnettverk\tMoland et al.\t2013\tLæringsnettverk og innovasjon i kommunene\tFafo (Fafo-rapport 2013:52)"
    assert "\x1b[" not in result.stdout and "│" not in result.stdout


def test_list_sort_reverse_limit(cli, library):
    assert keys(cli("list", "--sort", "key", data=library).stdout) == sorted(KEYS_BY_YEAR)
    assert keys(cli("list", "--sort", "author", "--limit", "2", data=library).stdout) == [
        "bolkesjo1999fylkeskommunen", "frankelius2009innovativa"]
    assert keys(cli("list", "--reverse", "-n", "1", data=library).stdout) == ["moland2013laeringsnettverk"]
    titles = [line.split("\t")[3] for line in cli("list", "--sort", "title", data=library).stdout.splitlines()]
    assert titles[0].startswith("Den innovativa") and titles[-1].startswith("Strategisk")


def test_list_bad_sort_is_a_usage_error(cli, library):
    result = cli("list", "--sort", "colour", data=library)
    assert result.exit_code == 2
    assert "cannot sort by 'colour'" in result.stderr


def test_list_json(cli, library):
    records = json.loads(cli("list", "--json", data=library).stdout)
    assert [r["key"] for r in records] == KEYS_BY_YEAR
    moland = records[-1]
    assert moland["number"] == "2013:52"
    assert moland["authors"][0] == {"family": "Moland", "given": "Leif E."}


def test_list_rich_table_on_a_terminal(cli, library):
    result = cli("list", data=library, env={"TTY_COMPATIBLE": "1", "NO_COLOR": "1", "COLUMNS": "200"})
    assert result.exit_code == 0
    assert "\x1b[36m" not in result.stdout  # NO_COLOR: the key column is not cyan
    text = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    assert "┃ key" in text and "│ moland2013laeringsnettverk" in text
    assert "Læringsnettverk og innovasjon i kommunene" in text
    assert text.rstrip().endswith("7 of 7 references")


def test_list_empty_library(cli, make_library):
    empty = make_library("")
    assert cli("list", data=empty).stdout == ""
    result = cli("list", data=empty, env={"TTY_COMPATIBLE": "1"})
    assert result.exit_code == 0 and "No references in this library" in result.stdout


@pytest.mark.parametrize("command", [["list"], ["check"], ["search", "x"], ["show", "x"], ["stats"], ["info"]])
def test_a_data_option_that_is_not_a_library_is_an_error_for_reading(cli, library, tmp_path, command):
    # A typo in CI must not read as an empty library that passes `check` (issue 10, item 10).
    missing = tmp_path / "no" / "such" / "dir"
    result = cli(*command, data=missing)
    assert result.exit_code == 1
    assert result.stderr == (f"error: --data {missing}: no such folder (a command that writes, such as add "
                             "or import, creates it)\n")
    assert not missing.exists()  # reading never creates the folder
    result = cli(*command, data=library / "literature.yaml")
    assert result.exit_code == 1
    assert result.stderr == (f"error: --data {library / 'literature.yaml'}: a file, not a library folder "
                             f"(did you mean --data {library}?)\n")
    bare = tmp_path / "bare"
    bare.mkdir()
    result = cli(*command, data=bare)
    assert result.exit_code == 1 and "not a library: it holds no literature.yaml" in result.stderr


# ---------------------------------------------------------------- show


def test_show_every_field_with_theme_names(cli, library):
    result = cli("show", "moland2010strategisk", data=library)
    assert result.exit_code == 0
    rows = dict(line.split("\t", 1) for line in result.stdout.splitlines() if "\t" in line)
    assert rows["authors"] == (
        "Moland, Leif E.; Bråthen, Ketil; Ure, Odd Bjørn; Renå, Helge; Skattum, Christian; Sollien, Tone H."
    )
    assert rows["themes"] == "Kompetanse og rekruttering (kompetanse-rekruttering); Innovasjon (innovasjon)"
    assert rows["publisher"] == "Asplan Viak"


def test_show_unknown_key_suggests_nearest(cli, library):
    result = cli("show", "moland2013", data=library)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no reference with key 'moland2013'; did you mean ")
    assert "moland2013laeringsnettverk" in result.stderr
    assert "Traceback" not in result.stderr


def test_show_json(cli, library):
    data = json.loads(cli("show", "krd2013nyevegar", "--json", data=library).stdout)
    assert data["authors"] == [{"name": "Kommunal- og regionaldepartementet"}]
    assert data["date"] == "2013-04-06"


# ---------------------------------------------------------------- themes


def test_themes_with_counts(cli, library):
    result = cli("themes", data=library)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "sykefravaer\tSykefravær og nærvær\t0",
        "heltid-deltid\tHeltid–deltid (heltidskultur)\t0",
        "kompetanse-rekruttering\tKompetanse og rekruttering\t1",
        "omdomme\tOmdømme\t0",
        "innovasjon\tInnovasjon\t7",
    ]


def test_theme_detail_lists_its_references(cli, library):
    result = cli("themes", "kompetanse-rekruttering", data=library)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "kompetanse-rekruttering\tKompetanse og rekruttering"
    assert keys(lines[2])[0] == "moland2010strategisk" and len(lines) == 3


def test_unknown_theme(cli, library):
    result = cli("themes", "innovation", data=library)
    assert result.exit_code == 1
    assert "no theme with id 'innovation'; did you mean innovasjon?" in result.stderr


# ---------------------------------------------------------------- check


def test_check_clean(cli, library):
    result = cli("check", data=library)
    assert result.exit_code == 0
    assert result.stdout.startswith("ok: 7 references and 5 themes, no problems")


BROKEN = {
    "bad YAML syntax": ("- key: a\n  title: [unclosed\n", "literature.yaml:3:1: a: YAML: "),
    "missing title": ("- key: a\n  year: 2010\n", "literature.yaml:1:3: a: title: required field is missing"),
    "unknown field": (
        "- key: a\n  title: A\n  titel: A\n",
        "literature.yaml:3:3: a: titel: unknown field 'titel' (did you mean 'title'?)",
    ),
    "bad ISBN": (
        "- key: a\n  title: A\n  isbn: 978-82-7356-671-0\n",
        "literature.yaml:3:9: a: isbn: '978-82-7356-671-0' is not a valid ISBN (wrong length or check digit)",
    ),
    "undefined theme": (
        "- key: a\n  title: A\n  themes: [innovasion]\n",
        "literature.yaml:3:12: a: themes[0]: theme 'innovasion' is not defined in themes.yaml (did you mean 'innovasjon'?)",
    ),
    "duplicate key": (
        "- key: a\n  title: A\n- key: a\n  title: B\n",
        "literature.yaml:3:8: a: key: duplicate key 'a' (first used on line 1)",
    ),
    "conflict markers": (
        "<<<<<<< HEAD\n- key: a\n  title: A\n=======\n- key: a\n  title: B\n>>>>>>> other\n",
        "literature.yaml:1:1: git merge-conflict marker '<<<<<<<' left in the file; resolve the conflict",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_check_reports_broken_files_precisely(cli, make_library, case):
    text, expected = BROKEN[case]
    folder = make_library(text)
    result = cli("check", data=folder)
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(str(folder / expected.split(":")[0]) + ":")
    assert first[len(str(folder)) + 1:].startswith(expected)
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("command", [["list"], ["show", "a"], ["themes"], ["info"]])
def test_every_loading_command_reports_a_broken_file_like_check(cli, make_library, command):
    folder = make_library(BROKEN["unknown field"][0])
    result = cli(*command, data=folder)
    if command == ["info"]:
        assert result.exit_code == 0 and "problems\t1 (run `innoref check`)" in result.stdout
        return
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {folder / 'literature.yaml'}:3:3: a: titel: unknown field 'titel'")
    assert "run `innoref check`" in result.stderr


def test_broken_themes_file_is_reported(cli, make_library):
    folder = make_library("- key: a\n  title: A\n", themes="- id: x\n  name: X\n- id: x\n  name: Y\n")
    result = cli("check", data=folder)
    assert result.exit_code == 1
    assert f"{folder / 'themes.yaml'}:3:7: x: id: duplicate theme id 'x' (first used on line 1)" in result.stdout


# ---------------------------------------------------------------- info


def test_info_says_which_library_and_why(cli, library):
    result = cli("info", data=library)
    rows = dict(line.split("\t", 1) for line in result.stdout.splitlines())
    assert rows["library"] == str(library)
    assert rows["chosen by"] == "--data option"
    assert rows["references"] == "7" and rows["themes defined"] == "5"
    from innoref import __version__

    assert rows["innoref"] == __version__


def test_info_for_a_user_library_not_created_yet(cli):
    result = cli("info")
    rows = dict(line.split("\t", 1) for line in result.stdout.splitlines())
    assert "not created yet" in rows["chosen by"]
    assert rows["references"] == "7"


def test_environment_variable_picks_the_library(cli, library):
    result = cli("info", env={"INNOREF_DATA": str(library)})
    assert "$INNOREF_DATA" in result.stdout


def test_usage_errors_exit_2(cli):
    assert cli("list", "--limit", "0").exit_code == 2
    assert cli("frobnicate").exit_code == 2


def test_python_dash_m_works(library):
    result = subprocess.run(
        [sys.executable, "-m", "innoref", "--data", str(library), "list", "--limit", "1"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("bolkesjo1999fylkeskommunen\t")


def test_square_brackets_in_titles_are_shown_not_read_as_markup(cli, make_library):
    folder = make_library("- key: a\n  title: Notes on [b]old and [link=x]links[/link]\n")
    env = {"TTY_COMPATIBLE": "1", "NO_COLOR": "1", "COLUMNS": "200"}
    for command in (["list"], ["show", "a"]):
        result = cli(*command, data=folder, env=env)
        text = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
        assert "[b]old and [link=x]links[/link]" in text, command


def test_counts_are_worded_in_the_singular_for_one(make_library, cli, tmp_path):
    folder = make_library("- key: a\n  title: Eneste\n  year: 2001\n", themes="- id: t\n  name: Tema\n")
    assert cli("check", data=folder).stdout.startswith("ok: 1 reference and 1 theme, no problems")
    out = tmp_path / "a.bib"
    assert cli("export", "-f", "bibtex", "-o", str(out), data=folder).stderr == f"wrote 1 reference to {out}\n"
    page = cli("page", "-o", str(tmp_path / "a.html"), data=folder)
    assert page.stderr == f"wrote 1 reference in 0 themes to {tmp_path / 'a.html'}\n"


@pytest.mark.parametrize("columns", [60, 80, 100, 140])
@pytest.mark.parametrize("command", [["list"], ["search", "kommune"], ["themes", "innovasjon"]])
def test_tables_fit_the_terminal_and_every_title_can_be_read(cli, library, columns, command):
    env = {"TTY_COMPATIBLE": "1", "COLUMNS": str(columns), "NO_COLOR": "1"}
    shown = cli(*command, data=library, env=env)
    assert shown.exit_code == 0, shown.stderr
    lines = re.sub(r"\x1b\[[0-9;]*m", "", shown.stdout).splitlines()
    assert max(len(line) for line in lines) <= columns
    header = next(line for line in lines if "title" in line)
    start = header.index("title") - 1
    end = header.index("┃", start)
    column = " ".join(line[start:end] for line in lines if line.startswith("│"))
    assert "…" not in column
    words = column.split()
    for ref in load(library).references():
        if command[0] != "search" or "kommun" in ref.title.lower():
            for word in ref.title.split():
                assert word in words, (word, columns)
    keys = [line.split("│")[1 + (command[0] == "search")].strip() for line in lines if line.startswith("│")]
    assert any(k.startswith("moland") for k in keys)  # the key's start stays
    if columns >= 140:
        assert "publisher / series" in header and "authors" in header
    if columns >= 80:
        assert "authors" in header
