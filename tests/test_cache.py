"""The record cache: never serves changed text, survives corruption, versions and races."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from innoref import cache, store
from innoref.errors import DataError


def cache_file(folder: Path) -> Path:
    """The cache's manifest for the library in ``folder``."""
    return cache.cache_path(folder / "literature.yaml")


def shard_files(folder: Path) -> list[Path]:
    manifest = json.loads(cache_file(folder).read_bytes()[len(cache.MAGIC):])
    return [cache.cache_path(folder / "literature.yaml").with_suffix(f".{name}.shard") for name in manifest["shards"]]


def open_cache(folder: Path) -> "cache.Cache":
    lit = (folder / "literature.yaml").resolve()
    return cache.Cache.open(lit, lit)


def keys_of(result) -> list[str]:
    return [line.split("\t")[0] for line in result.stdout.splitlines()]


def reload(folder: Path):
    return store.load(store.locate(folder))


def uncached_problems(folder: Path) -> list[str]:
    """What an uncached load reports: parse and validate the whole file anew."""
    shutil.rmtree(cache.cache_dir(), ignore_errors=True)
    try:
        store.load(store.locate(folder))
    except DataError as exc:
        return [str(p) for p in exc.problems]
    return []


def test_cache_lives_in_xdg_cache_home(library, cli, isolated):
    assert cli("list", data=library).exit_code == 0
    path = cache_file(library)
    assert path.parent == isolated / "cache" / "innoref"
    assert path.exists()


def test_cached_load_equals_an_uncached_load(library):
    first = [r.to_data() for r in reload(library).references]  # builds the cache
    assert cache_file(library).exists()
    second = [r.to_data() for r in reload(library).references]  # served from it
    assert first == second
    parsed = store.parse_items((library / "literature.yaml").read_text(encoding="utf-8"), "x")
    from innoref.models import FIELD_NAMES, Reference

    fresh, _ = store.validate_records("x", parsed.records, Reference, FIELD_NAMES)
    assert [r.to_data() for r in fresh] == second


def test_an_edited_record_is_served_as_edited(library, cli):
    assert cli("search", "lardomar", data=library).exit_code == 0
    path = library / "literature.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("lärdomar från åtta kommuner", "erfaringar frå åtte kommunar"), encoding="utf-8")
    assert cli("search", "lardomar", data=library).exit_code == 1
    result = cli("search", "erfaringar", data=library)
    assert result.exit_code == 0
    assert "erfaringar frå åtte kommunar" in result.stdout
    assert "erfaringar frå åtte kommunar" in reload(library).get("frankelius2009innovativa").title
    assert "lärdomar" not in cli("show", "frankelius2009innovativa", data=library).stdout


def test_only_changed_items_are_parsed_again(library, monkeypatch):
    reload(library)
    path = library / "literature.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Lise", "Lisa"), encoding="utf-8")
    from innoref import yamlio

    parsed: list[str] = []
    real = yamlio.compose
    monkeypatch.setattr(yamlio, "compose", lambda text: parsed.append(text) or real(text))
    lib = reload(library)
    records = [text for text in parsed if text.startswith("- key:")]  # themes.yaml is parsed too
    assert len(records) == 1 and "Lisa" in records[0]
    assert lib.get("moland2013laeringsnettverk").authors[1].given == "Lisa"


def test_moved_records_keep_their_cache_and_true_positions(library, cli):
    reload(library)
    path = library / "literature.yaml"
    text = path.read_text(encoding="utf-8")
    head, first = text.split("\n- key: moland2013", 1)
    body = "- key: moland2013" + first
    items = body.split("\n\n- key: ")
    items = [items[0]] + ["- key: " + i for i in items[1:]]
    items.reverse()
    # the (cached) first record is now last, and broken by a new unknown field
    items[-1] = items[-1].replace("  year: 2013\n", "  year: 2013\n  yaer: 2013\n")
    path.write_text(head + "\n" + "\n\n".join(i.rstrip("\n") for i in items) + "\n", encoding="utf-8")
    result = cli("check", data=library)
    assert result.exit_code == 1
    cached_report = result.stdout
    assert cached_report.splitlines() == uncached_problems(library)
    line = path.read_text(encoding="utf-8").splitlines().index("  yaer: 2013") + 1
    assert f"literature.yaml:{line}:3: moland2013laeringsnettverk: yaer: unknown field 'yaer'" in cached_report


@pytest.mark.parametrize(
    "old, new",
    [
        ("  title: Strategisk kompetanseutvikling i kommunene\n",
         '  title: "Strategisk kompetanseutvikling i kommunene\n'),  # unclosed quote
        ("  year: 2010\n  publisher: Asplan Viak\n", "  year: 2010\n publisher: Asplan Viak\n"),  # bad indent
        ("  isbn: 978-82-7356-671-3\n", "  isbn: 978-82-7356-671-4\n"),  # check digit
        ("  year: 1999\n", "  year: nineteen\n"),
        ("- key: krd2013nyevegar\n", "- key: moland2010strategisk\n"),  # duplicate of a cached key
        ("  themes: [innovasjon]\n  availability", "  themes: [innovasjn]\n  availability"),
    ],
)
def test_a_broken_edit_of_a_cached_library_is_reported_exactly_as_uncached(library, cli, old, new):
    assert cli("list", data=library).exit_code == 0  # everything cached
    path = library / "literature.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    for command in (("list",), ("search", "innovasjon"), ("check",)):
        result = cli(*command, data=library)
        assert result.exit_code == 1
    report = cli("check", data=library).stdout.splitlines()
    assert report and report == uncached_problems(library)
    listed = cli("list", data=library)
    assert report[0] in listed.stderr  # search and list say the same, with file:line:col


def test_theme_removed_from_themes_yaml_is_caught_with_cached_records(library, cli):
    assert cli("search", "innovasjon", data=library).exit_code == 0
    themes = library / "themes.yaml"
    text = themes.read_text(encoding="utf-8")
    themes.write_text(text[: text.index("- id: kompetanse-rekruttering")] + text[text.index("- id: omdomme"):],
                      encoding="utf-8")
    result = cli("search", "innovasjon", data=library)
    assert result.exit_code == 1
    assert "theme 'kompetanse-rekruttering' is not defined in themes.yaml" in result.stderr


DAMAGE = [
    lambda b: b"",  # empty
    lambda b: b[: len(b) // 2],  # truncated
    lambda b: b"not a cache at all\n",
    lambda b: cache.MAGIC + b"{broken json\n" + b[b.index(b"\n", len(cache.MAGIC)) + 1:],
    lambda b: b[:-40] + bytes(x ^ 0x55 for x in b[-40:]),  # bytes flipped at the end
    lambda b: b[: len(b) - 300] + b"X" * 300 if len(b) > 400 else b"X" * len(b),  # same size, garbage inside
]
DAMAGE_IDS = ["empty", "truncated", "foreign", "bad-header", "flipped", "garbage"]


@pytest.mark.parametrize("which", ["manifest", "shard"])
@pytest.mark.parametrize("damage", DAMAGE, ids=DAMAGE_IDS)
def test_corrupt_cache_is_rebuilt_silently(library, cli, damage, which):
    good = cli("search", "kommune", data=library)
    assert good.exit_code == 0
    path = cache_file(library) if which == "manifest" else shard_files(library)[0]
    path.write_bytes(damage(path.read_bytes()))
    for command in (("search", "kommune"), ("list",), ("show", "krd2013nyevegar")):
        result = cli(*command, data=library)
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
    assert cli("search", "kommune", data=library).stdout == good.stdout
    whole = open_cache(library)  # whole and valid again
    assert len(whole.lines("records")) == 7


def test_corrupt_block_found_while_searching_is_rebuilt(library, cli):
    good = cli("search", "innovasjon", data=library).stdout
    path = shard_files(library)[0]
    data = bytearray(path.read_bytes())
    header_line = data.split(b"\n")[1]
    header = json.loads(header_line)
    base = len(cache.MAGIC) + len(header_line) + 1
    offset, length, _ = header["sections"]["block.title"]
    data[base + offset + 5] ^= 0x01
    path.write_bytes(bytes(data))
    result = cli("search", "innovasjon", data=library)
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout == good


def test_cache_from_another_version_is_ignored(library, cli, monkeypatch):
    assert cli("search", "kommune", data=library).exit_code == 0
    # Every file claims another version, and holds another record: it must not be served.
    for path in [cache_file(library), *shard_files(library)]:
        raw = path.read_bytes()
        raw = raw.replace(cache.fingerprint().encode(), b"0" * len(cache.fingerprint()))
        path.write_bytes(raw.replace("Læringsnettverk".encode(), "Forgiftningsnett".encode()))
    result = cli("search", "forgiftningsnett", data=library)
    assert result.exit_code == 1
    assert cli("search", "laeringsnettverk", data=library).exit_code == 0
    assert open_cache(library).header["fingerprint"] == cache.fingerprint()
    # Another format number is ignored too.
    monkeypatch.setattr(cache, "FORMAT", cache.FORMAT + 1)
    assert cli("search", "laeringsnettverk", data=library).exit_code == 0
    assert open_cache(library).header["format"] == cache.FORMAT


def test_cache_is_text_and_json_never_pickle(library, cli):
    assert cli("list", data=library).exit_code == 0
    manifest = cache_file(library).read_bytes()
    assert manifest.startswith(cache.MAGIC)
    json.loads(manifest[len(cache.MAGIC):])
    for path in shard_files(library):
        raw = path.read_bytes()
        assert raw.startswith(cache.MAGIC)
        header_line = raw.split(b"\n")[1]
        header = json.loads(header_line)
        base = len(cache.MAGIC) + len(header_line) + 1
        for name, (offset, length, _) in header["sections"].items():
            section = raw[base + offset: base + offset + length].decode("utf-8")
            if name in ("records", "sortkeys"):
                for line in section.splitlines():
                    json.loads(line)
            elif not name.startswith("block."):
                json.loads(section)
    source = Path(cache.__file__).read_text(encoding="utf-8")
    assert "import pickle" not in source and "marshal" not in source and "shelve" not in source


def test_an_edit_rewrites_one_shard_not_the_library(tmp_path, isolated):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import generate

    folder = generate.generate(6000, tmp_path / "lib")
    store.load(store.locate(folder))
    assert open_cache(folder).header["invalid"] == 0
    before = {p: p.stat().st_mtime_ns for p in shard_files(folder)}
    assert len(before) > 2
    path = folder / "literature.yaml"
    text = path.read_text(encoding="utf-8")
    middle = text.index("\n  title: ", len(text) // 2) + 1
    path.write_text(text[:middle] + "  title: Endra tittel\n" + text[text.index("\n", middle) + 1:], encoding="utf-8")
    refs = store.load(store.locate(folder)).references
    assert sum(r.title == "Endra tittel" for r in refs) == 1
    after = shard_files(folder)
    assert len(set(after) - set(before)) == 1  # one new shard; the others are the same files
    assert all(before[p] == p.stat().st_mtime_ns for p in after if p in before)


def test_an_unwritable_cache_folder_only_costs_speed(library, cli, isolated):
    (isolated / "cache").mkdir(exist_ok=True)
    (isolated / "cache" / "innoref").write_text("a file where the cache folder should be")
    for _ in range(2):
        result = cli("search", "innovasjon", data=library)
        assert result.exit_code == 0 and result.stderr == ""
        assert "moland2013laeringsnettverk" in result.stdout
    assert cli("list", "--json", data=library).exit_code == 0


_RACE = """
import sys
from innoref.cli import main
sys.argv = ["innoref", "--data", sys.argv[1], "list", "--json"]
main()
"""


def test_processes_building_the_cache_at_once_do_not_corrupt_it(tmp_path, isolated):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import generate

    folder = generate.generate(1500, tmp_path / "lib")
    env = {**os.environ, "XDG_CACHE_HOME": str(isolated / "cache")}
    script = tmp_path / "race.py"
    script.write_text(_RACE)
    for round_ in range(2):
        if round_ == 1:  # second round: all of them rebuild after an edit, at once
            path = folder / "literature.yaml"
            path.write_text(path.read_text(encoding="utf-8").replace("keywords: [", "keywords: [nytt, ", 3), encoding="utf-8")
        procs = [subprocess.Popen([sys.executable, str(script), str(folder)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
        outputs = [p.communicate(timeout=300) for p in procs]
        assert all(p.returncode == 0 for p in procs), [err for _, err in outputs]
        assert all(err == b"" for _, err in outputs)
        records = [json.loads(out) for out, _ in outputs]
        assert all(r == records[0] for r in records) and len(records[0]) == 1500
        expected = [r.to_data() for r in store.load(store.locate(folder)).references]
        assert sorted(json.dumps(r, sort_keys=True) for r in records[0]) == sorted(
            json.dumps(r, sort_keys=True) for r in expected)
    whole = open_cache(folder)  # one whole cache: manifest and every shard it names
    assert len(whole.lines("records")) == 1500
    assert not [p for p in cache.cache_dir().iterdir() if p.name.endswith(".tmp")]


# --------------------------------------------------------------------------- splitting


def test_fast_split_equals_store_split_on_real_files(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import generate

    for text in (
        (Path(store.shipped_data()) / "literature.yaml").read_text(encoding="utf-8"),
        (generate.generate(200, tmp_path / "g") / "literature.yaml").read_text(encoding="utf-8"),
        "---\n- key: a\n  title: A\n",
        "# only a comment\n",
        "",
        "key: a\n",
        "- a\n-\n- b\n",
        "-not an item\n",
        "- key: a\n  title: A\r\n- key: b\n",
        "\n\n- key: a\n#c\n\t- x\n- key: b",
        "---\u00a0\n- key: a\n",
        "- key: ø\n  title: «Å»\n- key: b\n",
    ):
        assert cache.split_items(text) == store.split_items(text), text
        assert decoded(cache.split_item_bytes(text.encode("utf-8"))) == store.split_items(text), text


def decoded(split):
    return None if split is None else (split[0], [(line, chunk.decode("utf-8")) for line, chunk in split[1]])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["- key: a\n", "  title: x\n", "#c\n", "\n", "---\n", "-\n", "-x\n", "- \n",
                                 "\t- y\n", "k: v\n", " ---\n", "- z", "  - w\n", "\u2028\n", "ø\n", "---\u00a0\n", "\r\n"]), max_size=12))
def test_fast_split_equals_store_split(lines):
    text = "".join(lines)
    assert cache.split_items(text) == store.split_items(text)
    assert decoded(cache.split_item_bytes(text.encode("utf-8"))) == store.split_items(text)


def test_non_utf8_bytes_in_an_edited_cached_library_are_placed(library, cli):
    assert cli("list", data=library).exit_code == 0
    path = library / "literature.yaml"
    data = path.read_bytes()
    broken = data.replace("Skålholt".encode(), "Sk\xe5lholt".encode("latin-1"))
    path.write_bytes(broken)
    line = broken[: broken.index(b"Sk\xe5lholt")].count(b"\n") + 1
    result = cli("search", "innovasjon", data=library)
    assert result.exit_code == 1
    assert f"literature.yaml:{line}:1: not UTF-8 text; save the file as UTF-8" in result.stderr
    cached = cli("check", data=library).stderr
    assert uncached_problems(library) == [f"{library / 'literature.yaml'}:{line}:1: not UTF-8 text; save the file as UTF-8"]
    assert uncached_problems(library)[0] in cached


def test_an_unchanged_library_is_not_parsed_again(tmp_path, monkeypatch, cli):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import generate

    folder = generate.generate(3000, tmp_path / "lib")
    assert cli("search", "innovasjon", data=folder).exit_code == 0

    def no_build(*args, **kwargs):
        raise AssertionError("the cache was rebuilt for an unchanged file")

    monkeypatch.setattr(cache, "_build", no_build)
    assert cli("search", "innovasjon", data=folder).exit_code == 0
    assert cli("list", "--limit", "20", data=folder).exit_code == 0


def test_invalid_records_are_reported_on_every_load(library, cli):
    path = library / "literature.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  year: 1999\n", "  year: 1066\n"), encoding="utf-8")
    for _ in range(3):
        result = cli("search", "innovasjon", data=library)
        assert result.exit_code == 1
        assert "bolkesjo1999fylkeskommunen: year: year 1066 is not between 1450" in result.stderr


def test_syntax_error_deep_in_a_big_cached_library_is_placed_as_uncached(tmp_path, cli):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import generate

    folder = generate.generate(400, tmp_path / "lib")
    assert cli("list", "--limit", "1", data=folder).exit_code == 0
    path = folder / "literature.yaml"
    text = path.read_text(encoding="utf-8")
    for broken in ('  title: "Uavsluttet sitat\n', "  title: [ein, liste\n", "  title: a: b: c\n"):
        middle = text.index("\n  title: ", len(text) // 2) + 1
        path.write_text(text[:middle] + broken + text[text.index("\n", middle) + 1:], encoding="utf-8")
        cached = cli("check", data=folder)
        assert cached.exit_code == 1
        assert cached.stdout.splitlines() == uncached_problems(folder), broken
        path.write_text(text, encoding="utf-8")
        assert cli("list", "--limit", "1", data=folder).exit_code == 0


def test_alias_to_an_anchor_in_another_record_is_read_as_yaml_reads_it(make_library, cli):
    folder = make_library("""\
        - key: a
          title: Første
          publisher: &fafo Fafo
        - key: b
          title: Andre
          publisher: Fafo
        """)
    assert cli("list", data=folder).exit_code == 0
    path = folder / "literature.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  publisher: Fafo\n", "  publisher: *fafo\n"),
                    encoding="utf-8")
    result = cli("list", "publisher:fafo", data=folder)
    assert result.exit_code == 0
    assert sorted(line.split("\t")[0] for line in result.stdout.splitlines()) == ["a", "b"]
