"""The derived index (index.py): fresh per record, disposable, safe with several processes (issue 9)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, SHIPPED, load
from innoref import index, reading
from innoref.location import locate


def database(folder: Path) -> Path:
    return index.database_path(locate(folder))


def parsed_items(monkeypatch) -> list[str]:
    """Record the text of every item that is parsed from here on."""
    seen: list[str] = []
    real = reading.read_item

    def counting(text, first_line):
        seen.append(text)
        return real(text, first_line)

    monkeypatch.setattr(reading, "read_item", counting)
    return seen


def test_the_index_lives_in_the_cache_folder_never_in_the_library(library, cli, isolated):
    before = {p.name for p in library.iterdir()}
    assert cli("list", data=library).exit_code == 0
    path = database(library)
    assert path.parent == isolated / "cache" / "innoref" and path.exists()
    assert {p.name for p in library.iterdir()} == before


def test_an_unchanged_library_is_not_parsed_again(library, monkeypatch):
    load(library)
    seen = parsed_items(monkeypatch)
    assert len(load(library).references()) == 7
    assert seen == []


def test_an_edit_reads_again_only_the_edited_record(library, monkeypatch):
    load(library)
    path = library / "literature.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("place: Stockholm", "place: Uppsala"),
                    encoding="utf-8")
    seen = parsed_items(monkeypatch)
    lib = load(library)
    assert lib.get("frankelius2009innovativa").place == "Uppsala"
    assert len(seen) == 1 and "key: frankelius2009innovativa" in seen[0]


def test_a_same_size_edit_with_its_old_times_put_back_is_seen(library):
    load(library)
    path = library / "literature.yaml"
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("place: Stockholm", "place: Göteborg"[:len("place: Stockholm")]), encoding="utf-8")
    assert path.stat().st_size == st.st_size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # as `cp -p` or `touch -r` would leave it
    assert load(library).get("frankelius2009innovativa").place != "Stockholm"


def test_moved_records_keep_their_rows_and_their_true_places(make_library, cli):
    folder = make_library("""\
        - key: a
          title: A
        - key: b
          title: B
          year: 20x4
    """)
    assert ":5:9: b: year:" in cli("check", data=folder).stdout
    path = folder / "literature.yaml"
    path.write_text("- key: new\n  title: New\n  note: >-\n    two\n    lines\n" + path.read_text(), encoding="utf-8")
    result = cli("check", data=folder)
    assert f"{path}:10:9: b: year: '20x4' is not a year" in result.stdout
    index.discard(locate(folder))
    assert cli("check", data=folder).stdout == result.stdout  # as a fresh build reports it


def test_records_that_swap_places_are_listed_in_the_new_order(make_library, cli):
    folder = make_library("- key: a\n  title: A\n- key: b\n  title: B\n")
    assert [r.key for r in load(folder).references()] == ["a", "b"]
    (folder / "literature.yaml").write_text("- key: b\n  title: B\n- key: a\n  title: A\n", encoding="utf-8")
    assert [r.key for r in load(folder).references()] == ["b", "a"]
    assert cli("export", "-f", "json", data=folder).stdout.index('"b"') < \
        cli("export", "-f", "json", data=folder).stdout.index('"a"')


def test_a_theme_removed_from_themes_yaml_is_noticed(library, cli):
    assert cli("list", data=library).exit_code == 0
    themes = library / "themes.yaml"
    text = themes.read_text(encoding="utf-8")
    start = text.index("- id: innovasjon")
    themes.write_text(text[:start], encoding="utf-8")
    result = cli("list", data=library)
    assert result.exit_code == 1 and "theme 'innovasjon' is not defined in themes.yaml" in result.stderr


@pytest.mark.parametrize("damage", [
    b"not a database at all" * 100,
    b"",
    b"SQLite format 3\x00" + b"\x00" * 200,
])
def test_a_damaged_database_is_rebuilt_without_a_word(library, cli, damage):
    cli("list", data=library)
    path = database(library)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(damage)
    result = cli("search", "brathen", data=library)
    assert result.exit_code == 0 and result.stderr == ""
    assert "moland2010strategisk" in result.stdout


def test_damage_found_while_reading_rebuilds_and_answers(library, cli):
    cli("list", data=library)
    path = database(library)
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE contents")  # as if pages of the file were lost
    conn.commit()
    conn.close()
    result = cli("show", "moland2010strategisk", data=library)
    assert result.exit_code == 0 and result.stderr == "" and "Strategisk kompetanseutvikling" in result.stdout


def test_an_index_made_by_other_code_is_made_again(library, cli, monkeypatch):
    cli("list", data=library)
    conn = sqlite3.connect(database(library))
    conn.execute("UPDATE meta SET value = 'from another innoref' WHERE name = 'fingerprint'")
    conn.execute("DELETE FROM records")  # what it holds must not be used
    conn.commit()
    conn.close()
    assert len(load(library).references()) == 7


def test_the_fingerprint_names_the_parsing_libraries():
    assert "pydantic" in index._PACKAGES and "yaml" in index._PACKAGES and "yamlcore" in index._PACKAGES


def test_an_unwritable_cache_folder_only_costs_speed(library, cli, isolated):
    cache = isolated / "cache"
    cache.mkdir(exist_ok=True)
    (cache / "innoref").write_text("a file where the folder should be")
    result = cli("search", "brathen", data=library)
    assert result.exit_code == 0 and result.stderr == ""
    assert "moland2010strategisk" in result.stdout


def test_a_read_only_cache_folder_only_costs_speed(library, cli, isolated, monkeypatch):
    monkeypatch.setattr(index, "_open_file", lambda path, print_: (_ for _ in ()).throw(
        sqlite3.OperationalError("attempt to write a readonly database")))
    result = cli("list", data=library)
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 7


def test_without_fts5_the_message_says_what_to_do(library, cli, monkeypatch):
    monkeypatch.setattr(index, "_has_fts5", lambda conn: False)
    result = cli("list", data=library)
    assert result.exit_code == 1
    assert "was built without FTS5, which innoref's search index needs" in result.stderr
    assert "Traceback" not in result.stderr


BUILDER = """\
import sys
from innoref.library import open_library
from innoref.location import locate
lib = open_library(locate(sys.argv[1]))
print(lib.count, len(lib.references()))
"""


def _generated(tmp_path: Path, n: int) -> Path:
    sys.path.insert(0, str(REPO / "benchmarks"))
    import generate

    return generate.generate(n, tmp_path / "big")


def test_processes_building_the_index_at_once_agree(tmp_path):
    folder = _generated(tmp_path, 1500)
    script = tmp_path / "build.py"
    script.write_text(BUILDER)
    procs = [subprocess.Popen([sys.executable, str(script), str(folder)], stdout=subprocess.PIPE, text=True, cwd=REPO)
             for _ in range(3)]
    outs = [p.communicate(timeout=300)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert outs == ["1500 1500"] * 3
    assert load(folder).count == 1500


def test_a_killed_build_leaves_an_index_that_the_next_run_completes(tmp_path):
    folder = _generated(tmp_path, 3000)
    script = tmp_path / "build.py"
    script.write_text(BUILDER)
    proc = subprocess.Popen([sys.executable, str(script), str(folder)], cwd=REPO)
    time.sleep(1.0)  # part-way through reading 3,000 records
    proc.kill()
    proc.wait()
    lib = load(folder)
    assert lib.count == 3000 and len({r.key for r in lib.references()}) == 3000


def test_a_reader_during_a_rebuild_sees_a_whole_library(tmp_path):
    folder = _generated(tmp_path, 1500)
    assert load(folder).count == 1500
    text = (folder / "literature.yaml").read_text(encoding="utf-8")
    (folder / "literature.yaml").write_text(text.replace("type: report", "type: book"), encoding="utf-8")
    script = tmp_path / "build.py"
    script.write_text(BUILDER)
    writer = subprocess.Popen([sys.executable, str(script), str(folder)], stdout=subprocess.PIPE, text=True, cwd=REPO)
    reader = subprocess.Popen([sys.executable, str(script), str(folder)], stdout=subprocess.PIPE, text=True, cwd=REPO)
    assert writer.communicate(timeout=300)[0].strip() == "1500 1500"
    assert reader.communicate(timeout=300)[0].strip() == "1500 1500"
    assert not any(r.type == "report" for r in load(folder).references())


def test_a_long_build_shows_a_progress_bar_on_a_terminal_only(tmp_path, cli, monkeypatch):
    from innoref.cli import output

    folder = _generated(tmp_path, 400)
    monkeypatch.setattr(output, "PROGRESS_AFTER", 0.0)
    result = cli("list", "--limit", "1", data=folder, env={"TTY_COMPATIBLE": "1"})
    assert result.exit_code == 0 and "reading the library" in result.stderr
    index.discard(locate(folder))
    result = cli("list", "--limit", "1", data=folder)
    assert result.exit_code == 0 and result.stderr == ""


def test_search_runs_in_the_database(library):
    lib = load(library)
    tables = {name for (name,) in lib.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"records", "contents", "record_themes", "themes", "terms", "words", "codes"} <= tables
    hits = lib.search(__import__("innoref.query", fromlist=["parse_query"]).parse_query("aktør"))
    assert {r.key for r in lib.references(h.id for h in hits)} == {"teigen2010kommunesektorens",
                                                                   "bolkesjo1999fylkeskommunen"}


def test_one_read_path_and_no_import_cycle():
    """No second loader: the storage, query and search modules import each other one way only."""
    import ast

    src = REPO / "src" / "innoref"
    names = ("location", "yamlio", "reading", "records", "models", "fields", "index", "query", "search", "library")
    imports: dict[str, set[str]] = {}
    for name in names:
        tree = ast.parse((src / f"{name}.py").read_text(encoding="utf-8"))
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("innoref."):
                found.add(node.module.split(".")[1])
            if isinstance(node, ast.ImportFrom) and node.module == "innoref":
                found.update(a.name for a in node.names)
        imports[name] = found & set(names)

    def reaches(a: str, b: str, seen: set[str]) -> bool:
        return any(n == b or (n not in seen and reaches(n, b, seen | {n})) for n in imports[a])

    cycles = [(a, b) for a in names for b in imports[a] if reaches(b, a, {b})]
    assert cycles == []
    assert not (src / "store.py").exists() and not (src / "cache.py").exists()


def test_add_reads_only_the_record_it_appends(library, monkeypatch):
    from innoref import editing

    load(library)
    seen = parsed_items(monkeypatch)
    editing.add(locate(library), {"type": "report", "title": "Heltid i praksis", "authors": ["Nordmann, Kari"],
                                  "year": "2024"})
    assert any("nordmann2024heltid" in text for text in seen)
    assert len(seen) <= 3  # the new record (its text read back), and perhaps the record before it
    seen.clear()
    assert load(library).get("nordmann2024heltid").title == "Heltid i praksis"
    assert seen == []  # the index already holds the file as written
