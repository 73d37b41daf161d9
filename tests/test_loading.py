"""Loading the YAML files: YAML 1.2 rules, positions of problems, finding the library."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import load
from innoref import yamlio
from innoref.library import open_library
from innoref.location import locate, shipped_data
from innoref.errors import DataError


def test_yaml_12_keeps_report_numbers_and_language_no_as_text():
    data = yamlio.load("number: 2013:52\nlanguage: no\nedition: 007\nvolume: 1.10\nflag: true\n")
    assert data == {"number": "2013:52", "language": "no", "edition": "007", "volume": "1.10", "flag": True}


def test_python_tags_are_refused_not_run():
    with pytest.raises(yamlio.YAMLError):
        yamlio.load("!!python/object/apply:os.system ['echo hacked']")


def test_shipped_reading_list_loads(library):
    lib = load(library)
    assert len(lib.references()) == 7
    assert {t.id for t in lib.themes} == {"sykefravaer", "heltid-deltid", "kompetanse-rekruttering", "omdomme", "innovasjon"}
    moland = lib.get("moland2013laeringsnettverk")
    assert moland.number == "2013:52" and moland.series == "Fafo-rapport"
    assert [p.family for p in moland.authors] == ["Moland", "Lien", "Nygård", "Hofstad"]
    assert lib.get("bolkesjo1999fylkeskommunen").availability.startswith("print only")
    assert lib.get("krd2013nyevegar").authors[0].name == "Kommunal- og regionaldepartementet"
    assert {r.language for r in lib.references()} == {"nb", "nn", "sv"}


def test_unquoted_report_number_and_language_no_survive(make_library):
    folder = make_library(
        """\
        - key: a
          title: A
          number: 2013:52
          language: no
        """
    )
    ref = load(folder).get("a")
    assert ref.number == "2013:52" and ref.language == "no"


def problems_of(folder):
    with pytest.raises(DataError) as info:
        load(folder)
    return [str(p) for p in info.value.problems]


def test_problems_carry_file_line_column_key_and_field(make_library):
    folder = make_library(
        """\
        # a comment
        - key: a
          title: A
          titel: typo
          isbn: 978-82-7356-671-4
        - key: b
          type: report
          authors:
            - {family: Moland}
            - {given: Lise}
        - key: c
          title: C
          themes: [innovasjon, digitalisering]
        - key: a
          title: Again
        """
    )
    path = str(folder / "literature.yaml")
    got = problems_of(folder)
    assert f"{path}:4:3: a: titel: unknown field 'titel' (did you mean 'title'?)" in got
    assert any(p.startswith(f"{path}:5:9: a: isbn: '978-82-7356-671-4' is not a valid ISBN") for p in got)
    assert f"{path}:6:3: b: title: required field is missing" in got
    assert any(p.startswith(f"{path}:10:7: b: authors[1]: ") and "family name" in p for p in got)
    assert any(p.startswith(f"{path}:13:24: c: themes[1]: theme 'digitalisering' is not defined") for p in got)
    assert f"{path}:14:8: a: key: duplicate key 'a' (first used on line 2)" in got


def test_yaml_syntax_error_has_its_place(make_library):
    folder = make_library(
        """\
        - key: a
          title: "unclosed
        - key: b
          title: B
        """
    )
    got = problems_of(folder)
    assert len(got) == 1
    assert got[0].startswith(str(folder / "literature.yaml") + ":") and "YAML: " in got[0]


def test_conflict_markers_are_reported_by_line(make_library):
    folder = make_library(
        """\
        - key: a
        <<<<<<< HEAD
          title: Ours
        =======
          title: Theirs
        >>>>>>> branch
        """
    )
    got = problems_of(folder)
    path = str(folder / "literature.yaml")
    assert [g.split(": ")[0] for g in got] == [f"{path}:2:1", f"{path}:4:1", f"{path}:6:1"]
    assert "merge-conflict marker" in got[0]


def test_field_written_twice_is_reported(make_library):
    folder = make_library("- key: a\n  title: A\n  year: 2010\n  year: 2011\n")
    assert problems_of(folder) == [
        f"{folder / 'literature.yaml'}:4:3: YAML: found duplicate key (while constructing a mapping)"
    ]


def test_an_alias_to_an_anchor_in_another_record_is_refused_with_its_place(make_library, cli):
    # A write to one record must never break another (issue 10, item 4): records stand alone.
    folder = make_library(
        """\
        - key: a
          title: A
          publisher: &fafo Fafo
        - key: b
          title: B
          publisher: *fafo
        """
    )
    assert problems_of(folder) == [
        f"{folder / 'literature.yaml'}:6:14: b: the alias *fafo refers to an anchor in another record "
        "(line 3); a record must stand alone, so that changing one cannot break another: write the value out"]
    before = (folder / "literature.yaml").read_bytes()
    for command in (["remove", "a", "--yes"], ["edit", "a", "--set", "title=X"], ["edit", "b", "--set", "title=Y"]):
        result = cli(*command, data=folder)
        assert result.exit_code == 1 and "the alias *fafo refers to an anchor in another record" in result.stderr
    assert (folder / "literature.yaml").read_bytes() == before


def test_aliases_within_a_record_are_fine(make_library):
    folder = make_library(
        """\
        - key: a
          title: &t Tittel
          note: *t
        """
    )
    assert load(folder).get("a").note == "Tittel"


def test_an_alias_bomb_is_a_problem_not_a_hang(make_library, cli):
    levels = ["  extra:", "    l0: &l0 [x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 9):
        levels.append(f"    l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]")
    folder = make_library("- key: bomb\n  title: Bomb\n" + "\n".join(levels) + "\n- key: ok\n  title: OK\n")
    result = cli("check", data=folder)
    assert result.exit_code == 1
    assert result.stdout == (f"{folder / 'literature.yaml'}:1:1: YAML aliases in this record expand to more than "
                             "100,000 values (an alias bomb?); write the values out\n")


def test_top_level_must_be_a_list(make_library):
    folder = make_library("key: a\ntitle: A\n")
    assert "must be a list of records" in problems_of(folder)[0]


def test_empty_file_is_an_empty_library(make_library):
    folder = make_library("# nothing yet\n")
    assert load(folder).references() == []


def test_not_utf8_is_reported(make_library):
    folder = make_library("- key: a\n  title: A\n")
    (folder / "literature.yaml").write_bytes(b"- key: a\n  title: Bodo\xf8\n")
    assert "not UTF-8" in problems_of(folder)[0]


def test_locate_order(tmp_path, monkeypatch, library):
    assert locate(library).reason == "--data option"
    monkeypatch.setenv("INNOREF_DATA", str(library))
    assert locate().folder == library
    monkeypatch.delenv("INNOREF_DATA")
    cwd = tmp_path / "project"
    (cwd / "data").mkdir(parents=True)
    (cwd / "data" / "literature.yaml").write_text("[]\n")
    assert locate(cwd=cwd).folder == cwd / "data"
    user = locate(cwd=tmp_path)
    assert user.folder == Path(os.environ["XDG_DATA_HOME"]) / "innoref"
    assert user.seed == shipped_data()


def test_user_library_starts_as_shipped_reading_list(tmp_path):
    loc = locate(cwd=tmp_path)
    assert not loc.folder.exists()
    lib = open_library(loc)
    assert len(lib.references()) == 7
    assert not loc.folder.exists()  # reading never creates it


def test_a_bad_year_is_worded_alike_in_the_file_and_on_the_command_line(make_library, cli, library):
    folder = make_library("""\
        - key: a
          title: Første
          year: 2013a
        - key: b
          title: Andre
          year: n.d.
    """)
    result = cli("check", data=folder)
    assert result.exit_code == 1
    assert result.stdout == (f"{folder / 'literature.yaml'}:3:9: a: year: '2013a' is not a year "
                             "(a whole number such as 2013, or n.d. for none)\n")
    added = cli("add", "--type", "report", "--title", "X", "--author", "Berg, Jan", "--year", "2013a",
                "--no-input", data=library)
    assert added.stderr == "error: invalid record: year: '2013a' is not a year (a whole number such as 2013, or n.d. for none)\n"
