"""`innoref edit`: --set/--unset, validation, and the whole record in $EDITOR."""

from __future__ import annotations

import sys
import textwrap

import pytest
from pathlib import Path

from conftest import SHIPPED, load
from innoref.location import locate, shipped_data

SHIPPED_TEXT = (SHIPPED / "literature.yaml").read_text(encoding="utf-8")


def refs_of(folder):
    return {r.key: r for r in load(folder).references()}


def test_set_and_unset_change_only_those_lines(cli, library):
    result = cli("edit", "teigen2010kommunesektorens", "--set", "place=Lillehammer", "--set", "number=11/2010b",
                 "--unset", "language", data=library)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.endswith("changed place, number, language of teigen2010kommunesektorens in "
                                  f"{library / 'literature.yaml'}\n")
    assert '  place: Lillehammer\n  series: ØF-rapport\n  number: "11/2010b"\n' in result.stdout
    expected = SHIPPED_TEXT.replace(
        '  publisher: Østlandsforskning\n  series: ØF-rapport\n  number: "11/2010"\n  isbn: 978-82-7356-671-3\n'
        '  language: nn\n',
        '  publisher: Østlandsforskning\n  place: Lillehammer\n  series: ØF-rapport\n  number: "11/2010b"\n'
        '  isbn: 978-82-7356-671-3\n')
    assert expected != SHIPPED_TEXT
    assert (library / "literature.yaml").read_text(encoding="utf-8") == expected


def test_lists_and_extra(cli, library):
    result = cli("edit", "moland2010strategisk", "--set", "authors=Moland, Leif E.; Bråthen, Ketil",
                 "--set", "themes=innovasjon, omdomme", "--set", "extra.pagetotal=88", data=library)
    assert result.exit_code == 0, result.stderr
    ref = refs_of(library)["moland2010strategisk"]
    assert [p.family for p in ref.authors] == ["Moland", "Bråthen"]
    assert ref.themes == ["innovasjon", "omdomme"] and ref.extra == {"pagetotal": "88"}


def test_invalid_values_are_named_and_nothing_is_written(cli, library):
    before = (library / "literature.yaml").read_bytes()
    result = cli("edit", "moland2010strategisk", "--set", "year=2010a", "--set", "url=fafo", "--unset", "title",
                 "--set", "titel=X", data=library)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: invalid record:\n"
        "  titel: unknown field (did you mean 'title'?)\n"
        "  title: a record must have a title; it cannot be unset\n"
        "  year: '2010a' is not a year (a whole number such as 2013, or n.d. for none)\n"
        "  url: 'fafo' is not a web address (expected http:// or https://host/...)\n")
    result = cli("edit", "moland2010strategisk", "--set", "year", data=library)
    assert result.exit_code == 1 and "--set 'year': write it as field=value" in result.stderr
    result = cli("edit", "moland2010", "--set", "year=2011", data=library)
    assert result.exit_code == 1 and "no reference with key 'moland2010'; did you mean moland2010strategisk" in result.stderr
    assert (library / "literature.yaml").read_bytes() == before


def _editor(tmp_path, body: str) -> str:
    """An $EDITOR: a Python script that changes the file it is given."""
    script = tmp_path / "editor.py"
    script.write_text("import sys, pathlib\npath = pathlib.Path(sys.argv[1])\ntext = path.read_text()\n"
                      + textwrap.dedent(body) + "path.write_text(text)\n")
    return f"{sys.executable} {script}"


def test_editor_gets_the_record_as_written_and_its_text_goes_in_as_written(cli, library, tmp_path):
    seen = tmp_path / "seen.yaml"
    editor = _editor(tmp_path, f"""\
        pathlib.Path({str(seen)!r}).write_text(text)
        text = text.replace("  year: 2010\\n", "  year: 2010  # checked in the catalogue\\n")
        text = text.replace("  language: nb\\n", "  place: Oslo\\n  language: nb\\n")
        """)
    result = cli("edit", "moland2010strategisk", data=library, env={"EDITOR": editor, "VISUAL": ""})
    assert result.exit_code == 0, result.stderr
    start = SHIPPED_TEXT.index("- key: moland2010strategisk")
    end = SHIPPED_TEXT.index("- key: frankelius2009innovativa")
    assert seen.read_text() == SHIPPED_TEXT[start:end].rstrip("\n") + "\n"
    text = (library / "literature.yaml").read_text(encoding="utf-8")
    assert "  year: 2010  # checked in the catalogue\n  publisher: Asplan Viak\n  place: Oslo\n" in text
    assert refs_of(library)["moland2010strategisk"].place == "Oslo"
    assert "changed place of moland2010strategisk" in result.stderr


def test_editor_without_changes_writes_nothing(cli, library, tmp_path):
    before = (library / "literature.yaml").read_bytes()
    result = cli("edit", "moland2010strategisk", data=library,
                 env={"EDITOR": f"{sys.executable} -c pass", "VISUAL": ""})
    assert result.exit_code == 0 and "no changes to moland2010strategisk" in result.stderr
    assert (library / "literature.yaml").read_bytes() == before


def test_an_invalid_edit_is_refused_without_a_terminal(cli, library, tmp_path):
    before = (library / "literature.yaml").read_bytes()
    editor = _editor(tmp_path, 'text = text.replace("year: 2010", "year: tjueti")\n')
    result = cli("edit", "moland2010strategisk", data=library, env={"EDITOR": editor, "VISUAL": ""})
    assert result.exit_code == 1
    assert result.stderr.startswith("error: year: 'tjueti' is not a year (a whole number such as 2013, or n.d. for none)\n"
                                    "nothing was written; your text is kept in ")
    kept = Path(result.stderr.rstrip("\n").rsplit(" ", 1)[1])
    assert "year: tjueti" in kept.read_text() and kept.name.startswith("moland2010strategisk-")
    assert (library / "literature.yaml").read_bytes() == before


def test_text_typed_while_the_record_changed_in_the_file_is_kept(cli, library, tmp_path):
    # The editor changes the record; meanwhile (while it is open) the file changes too.
    editor = _editor(tmp_path, f"""\
        lib = pathlib.Path({str(library / "literature.yaml")!r})
        lib.write_text(lib.read_text().replace("place: Stockholm", "place: Uppsala"))
        text = text.replace("place: Stockholm", "place: Göteborg")
    """)
    result = cli("edit", "frankelius2009innovativa", data=library, env={"EDITOR": editor, "VISUAL": ""})
    assert result.exit_code == 1
    assert "was changed in the file while you were editing; nothing was written; your text is kept in " \
        in result.stderr
    kept = Path(result.stderr.rstrip("\n").rsplit(" ", 1)[1])
    assert "place: Göteborg" in kept.read_text()
    assert refs_of(library)["frankelius2009innovativa"].place == "Uppsala"


def test_an_invalid_edit_can_be_edited_again_on_a_terminal(cli, library, tmp_path, monkeypatch):
    from innoref.cli import edit_cmd

    monkeypatch.setattr(edit_cmd, "can_ask", lambda: True)
    count = tmp_path / "count"
    shown = tmp_path / "second.yaml"
    editor = _editor(tmp_path, f"""\
        n = int(pathlib.Path({str(count)!r}).read_text()) if pathlib.Path({str(count)!r}).exists() else 0
        pathlib.Path({str(count)!r}).write_text(str(n + 1))
        if n == 0:
            text = text.replace("isbn: 978-91-7164-440-4", "isbn: 978-91-7164-440-5")
        else:
            pathlib.Path({str(shown)!r}).write_text(text)
            text = text.replace("440-5", "440-4").replace("place: Stockholm", "place: Göteborg")
        """)
    result = cli("edit", "frankelius2009innovativa", data=library, input="y\n",
                 env={"EDITOR": editor, "VISUAL": ""})
    assert result.exit_code == 0, result.stderr
    assert "error: isbn: '978-91-7164-440-5' is not a valid ISBN" in result.stderr
    assert shown.read_text().startswith("# innoref: isbn: '978-91-7164-440-5' is not a valid ISBN")
    ref = refs_of(library)["frankelius2009innovativa"]
    assert ref.place == "Göteborg" and ref.isbn == "978-91-7164-440-4"
    assert "# innoref:" not in (library / "literature.yaml").read_text(encoding="utf-8")


def test_edit_cannot_empty_what_add_requires(cli, library):
    before = (library / "literature.yaml").read_bytes()
    result = cli("edit", "moland2010strategisk", "--set", "authors=", "--set", "themes=", "--unset", "type",
                 data=library)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: invalid record:\n"
        "  type: a record needs its type (as `add` requires); it cannot be unset\n"
        "  authors: a record needs an author or an editor (as `add` requires); it cannot be emptied\n")
    assert (library / "literature.yaml").read_bytes() == before
    # Themes alone may be emptied: a theme is optional.
    assert cli("edit", "moland2010strategisk", "--set", "themes=", data=library).exit_code == 0
    assert refs_of(library)["moland2010strategisk"].themes == []


def test_the_editor_cannot_empty_what_add_requires(cli, library, tmp_path):
    before = (library / "literature.yaml").read_bytes()
    editor = _editor(tmp_path, """\
        import re
        text = re.sub(r"  authors:\\n(    - .*\\n)+", "", text)
    """)
    result = cli("edit", "moland2010strategisk", data=library, env={"EDITOR": editor, "VISUAL": ""})
    assert result.exit_code == 1
    assert "authors: a record needs an author or an editor" in result.stderr
    assert (library / "literature.yaml").read_bytes() == before


def test_end_of_line_comments_of_changed_fields_stay(cli, make_library):
    folder = make_library("""\
        - key: a
          type: report  # checked against the catalogue
          title: Tittel
          authors:  # as printed on the cover
            - {family: Nordmann, given: Kari}
          year: 2013
          publisher: Fafo   # not Fafo AIS
          note: >-  # from the programme's page
            Kort.
    """)
    result = cli("edit", "a", "--set", "publisher=Fafo AIS", "--set", "authors=Nordmann, Kari; Lien, Lise",
                 "--set", "note=Lengre notat.", "--set", "type=book", data=folder)
    assert result.exit_code == 0, result.stderr
    text = (folder / "literature.yaml").read_text()
    assert "  type: book  # checked against the catalogue\n" in text
    assert "  authors:  # as printed on the cover\n    - {family: Nordmann, given: Kari}\n    - {family: Lien" in text
    assert "  publisher: Fafo AIS  # not Fafo AIS\n" in text
    assert "  note: Lengre notat.  # from the programme's page\n" in text
    ref = refs_of(folder)["a"]
    assert ref.publisher == "Fafo AIS" and ref.note == "Lengre notat." and len(ref.authors) == 2


BROKEN_TAIL = """
- key: broken2020
  type: report
  title: "Halvferdig rapport
  authors: ["Nordmann, Kari"]
  year: 2020
"""
INVALID_TAIL = """
- key: invalid2020
  type: report
  title: Ugyldig ISBN  # from the catalogue
  authors: ["Nordmann, Kari"]
  year: 2020
  isbn: 978-82-7356-671-4
"""


@pytest.mark.parametrize("tail, key, fix", [
    (BROKEN_TAIL, "broken2020", 'text = text.replace(\'"Halvferdig rapport\', \'"Halvferdig rapport"\')\n'),
    (INVALID_TAIL, "invalid2020", 'text = text.replace("  isbn: 978-82-7356-671-4\\n", "")\n'),
])
def test_a_broken_record_is_mended_in_the_editor(cli, library, tmp_path, tail, key, fix):
    path = library / "literature.yaml"
    path.write_text(SHIPPED_TEXT + tail, encoding="utf-8")
    # Every command refuses the library, and says how to mend it.
    listed = cli("list", data=library)
    assert listed.exit_code == 1
    assert f": {key}: " in listed.stderr and f"to mend a record in $EDITOR: innoref edit {key}" in listed.stderr
    checked = cli("check", data=library)
    assert checked.exit_code == 1 and f"to mend a record in $EDITOR: innoref edit {key}" in checked.stderr
    # --set cannot reach it; the editor form can.
    assert cli("edit", key, "--set", "year=2021", data=library).exit_code == 1
    seen = tmp_path / "seen.yaml"
    editor = _editor(tmp_path, f"pathlib.Path({str(seen)!r}).write_text(text)\n" + fix)
    mended = cli("edit", key, data=library, env={"EDITOR": editor, "VISUAL": ""})
    assert mended.exit_code == 0, mended.stderr
    assert seen.read_text() == tail.lstrip("\n")  # the record's text as it stood, broken
    assert mended.stderr.endswith(f"mended {key} in {path}\n")
    assert cli("check", data=library).exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith(SHIPPED_TEXT)  # the rest of the file as it was
    assert refs_of(library)[key].title in ("Halvferdig rapport", "Ugyldig ISBN")
    if key == "invalid2020":
        assert "  title: Ugyldig ISBN  # from the catalogue\n" in text  # the person's comment stays


def test_a_mend_that_is_still_broken_writes_nothing_and_keeps_the_text(cli, library, tmp_path):
    path = library / "literature.yaml"
    path.write_text(SHIPPED_TEXT + BROKEN_TAIL, encoding="utf-8")
    before = path.read_bytes()
    editor = _editor(tmp_path, 'text = text.replace("year: 2020", "year: tjue")\n')
    result = cli("edit", "broken2020", data=library, env={"EDITOR": editor, "VISUAL": "",
                                                          "XDG_STATE_HOME": str(tmp_path / "state")})
    assert result.exit_code == 1
    assert "your text is kept in" in result.stderr
    assert path.read_bytes() == before
    assert list((tmp_path / "state" / "innoref" / "unsaved").iterdir())


def test_a_valid_record_is_not_edited_while_another_is_broken(cli, library, tmp_path):
    path = library / "literature.yaml"
    path.write_text(SHIPPED_TEXT + BROKEN_TAIL, encoding="utf-8")
    before = path.read_bytes()
    editor = _editor(tmp_path, 'text = text.replace("year: 2010", "year: 2011")\n')
    result = cli("edit", "moland2010strategisk", data=library, env={"EDITOR": editor, "VISUAL": ""})
    assert result.exit_code == 1 and "broken2020: YAML" in result.stderr
    assert "your text is kept" not in result.stderr  # refused before the editor opened
    assert path.read_bytes() == before
