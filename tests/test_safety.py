"""The safety of the data: atomic writes, one writer at a time, hand edits kept, bad input never written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import unicodedata
from pathlib import Path

import pytest

from conftest import REPO, SHIPPED, load
from innoref import editing
from innoref.location import locate, shipped_data

SHIPPED_BYTES = (SHIPPED / "literature.yaml").read_bytes()
NEW = {"type": "report", "title": "Heltid i praksis", "authors": ["Nordmann, Kari"], "year": "2024",
       "themes": ["heltid-deltid"]}


def loc(folder):
    return locate(folder)


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


# --------------------------------------------------------------------------- atomic writes


def test_a_failing_rename_leaves_the_old_file_whole_and_no_temp_file(library, monkeypatch):
    before = files_in(library)

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(Exception, match="cannot write: No space left on device; the file was not changed"):
        editing.add(loc(library), NEW)
    assert (library / "literature.yaml").read_bytes() == SHIPPED_BYTES
    assert files_in(library) == before | {".innoref.lock"}


def test_a_write_failing_half_way_leaves_the_old_file_whole(library, monkeypatch):
    import tempfile

    real = tempfile.mkstemp

    def half_then_fail(*args, **kwargs):
        fd, path = real(*args, **kwargs)
        os.write(fd, b"- key: half")
        os.close(fd)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(tempfile, "mkstemp", half_then_fail)
    with pytest.raises(Exception, match="cannot write"):
        editing.remove(loc(library), ["krd2013nyevegar"])
    assert (library / "literature.yaml").read_bytes() == SHIPPED_BYTES
    assert load(library).get("krd2013nyevegar")


KILLED = """\
import os, sys, time
from pathlib import Path
from innoref import editing
from innoref.location import locate

ready = Path(sys.argv[2])
real_fsync = os.fsync

def slow_fsync(fd):
    real_fsync(fd)
    if ".literature.yaml." in os.readlink(f"/proc/self/fd/{fd}"):  # not a cache file's write
        ready.write_text("written")  # the new text is in the temporary file, not yet renamed
        time.sleep(60)

os.fsync = slow_fsync
editing.add(locate(sys.argv[1]), {"type": "report", "title": "Drept underveis", "authors": ["Nordmann, Kari"],
            "year": "2024", "themes": ["innovasjon"]})
"""


def test_a_write_killed_part_way_leaves_the_old_file_whole(library, tmp_path):
    script = tmp_path / "killed.py"
    script.write_text(KILLED)
    ready = tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, str(script), str(library), str(ready)], cwd=REPO)
    deadline = time.monotonic() + 60
    while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ready.exists(), "the writer never got to its fsync"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert (library / "literature.yaml").read_bytes() == SHIPPED_BYTES
    assert list(library.glob(".literature.yaml.innoref-*.tmp")), "the killed writer left its temporary file"
    # The lock died with the process: the next write goes through, and clears the leftover.
    assert editing.add(loc(library), NEW).reference.key == "nordmann2024heltid"
    assert len(load(library).references()) == 8
    assert not list(library.glob(".literature.yaml.innoref-*.tmp"))


# --------------------------------------------------------------------------- one writer at a time

ADDER = """\
import sys
from innoref import editing
from innoref.location import locate

folder, who = sys.argv[1], sys.argv[2]
for i in range(50):
    editing.add(locate(folder), {"type": "report", "title": f"Rapport {who} nummer {i}",
                                       "authors": [f"Skriver{who}, Kari"], "year": "2020", "themes": ["innovasjon"]})
"""


def test_two_processes_adding_50_records_each_give_100_valid_records(library, tmp_path):
    script = tmp_path / "adder.py"
    script.write_text(ADDER)
    procs = [subprocess.Popen([sys.executable, str(script), str(library), who], cwd=REPO,
                              stderr=subprocess.PIPE, text=True) for who in ("A", "B")]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    refs = load(library).references()  # strict: every record valid, every key unique
    assert len(refs) == 7 + 100
    titles = {r.title for r in refs}
    assert all(f"Rapport {who} nummer {i}" in titles for who in "AB" for i in range(50))
    assert (library / "literature.yaml").read_bytes().startswith(SHIPPED_BYTES)


def test_concurrent_innoref_add_commands_both_land(library, tmp_path):
    def add(who: str, i: int):
        return subprocess.Popen(
            [sys.executable, "-m", "innoref", "--data", str(library), "add", "--type", "book", "--title",
             f"Bok {who}{i}", "--author", f"Forfatter{who}, Per", "--year", "2019", "--theme", "omdomme"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    for i in range(3):
        pair = [add("A", i), add("B", i)]
        for proc in pair:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
    assert len(load(library).references()) == 7 + 6


# --------------------------------------------------------------------------- the file stays the person's

HAND_MADE = """\
%YAML 1.2
---
# My reading list -- hand-edited, please keep my comments.

- key: a   # the first one I read
  type: report
  title: 'Single-quoted, as I like it'
  authors: ["Berg, Jan", "{KS}"]
  year: 2001
  number: 2013:52          # unquoted, YAML 1.2 keeps it as text
  themes:
  - innovasjon

# ----- read later -----
- key: b
  title: >
    A folded title
    written by hand
  year: 2002
-   key: c
    title: Indented my own way
    note: |
      Two lines
      kept as they are.
...
"""


def _spans(text: str) -> dict[str, str]:
    from innoref.writer import Document

    doc = Document.from_text(text)
    out = {}
    for item in doc.items:
        own, _ = __import__("innoref.writer", fromlist=["split_tail"]).split_tail(item)
        key = own.split("key:", 1)[1].split()[0]
        out[key] = own
    return out


def test_hand_edits_and_comments_survive_every_command_byte_for_byte(make_library, cli):
    folder = make_library(HAND_MADE)
    path = folder / "literature.yaml"
    original = _spans(HAND_MADE)
    assert cli("add", "--type", "book", "--title", "Ny bok", "--author", "Dahl, Ola", "--year", "2020",
               "--theme", "innovasjon", data=folder).exit_code == 0
    assert cli("edit", "b", "--set", "year=2003", data=folder).exit_code == 0
    assert cli("remove", "c", "--yes", data=folder).exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith(HAND_MADE[: HAND_MADE.index("- key: b")])  # header, comments and record a untouched
    assert original["a"] in text and "# ----- read later -----\n- key: b\n" in text
    assert "  title: >\n    A folded title\n    written by hand\n  year: 2003\n" in text
    assert "Indented my own way" not in text and text.endswith("  themes: [innovasjon]\n...\n")
    assert [r.key for r in load(folder).references()] == ["a", "b", "dahl2020ny"]
    assert load(folder).get("a").number == "2013:52"


def test_git_diff_after_add_shows_only_the_new_record(library, cli):
    git = ["git", "-c", "user.email=t@example.org", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], cwd=library, check=True)
    subprocess.run([*git, "add", "."], cwd=library, check=True)
    subprocess.run([*git, "commit", "-qm", "start"], cwd=library, check=True)
    assert cli("add", "--type", "book", "--title", "Ny bok", "--author", "Dahl, Ola", "--year", "2020",
               "--theme", "innovasjon", data=library).exit_code == 0
    diff = subprocess.run([*git, "diff", "--numstat", "--", "literature.yaml"], cwd=library, check=True,
                          capture_output=True, text=True).stdout
    assert diff.split()[:2] == ["8", "0"]  # eight lines added (a blank line and the record), none removed


# --------------------------------------------------------------------------- bad input never writes


@pytest.mark.parametrize("args", [
    ["add", "--type", "report", "--title", "X", "--author", "Berg, Jan", "--year", "2001", "--theme", "innovasjon",
     "--isbn", "123"],
    ["add", "--type", "report", "--title", "X", "--no-input"],
    ["add", "--type", "report", "--title", "Læringsnettverk og innovasjon i kommunene", "--author", "Moland, Leif",
     "--year", "2013", "--theme", "innovasjon"],
    ["edit", "moland2010strategisk", "--set", "year=never"],
    ["edit", "moland2010strategisk", "--set", "key=teigen2010kommunesektorens"],
    ["remove", "moland2010strategisk", "nope", "--yes"],
    ["import", str(REPO / "tests" / "fixtures" / "kommune.bib"), "--theme", "nope"],
])
def test_bad_input_writes_nothing(cli, library, args):
    path = library / "literature.yaml"
    stat = path.stat()
    before = files_in(library)
    result = cli(*args, data=library)
    assert result.exit_code == 1 and result.stderr.startswith("error: ")
    assert path.read_bytes() == SHIPPED_BYTES and path.stat().st_mtime_ns == stat.st_mtime_ns
    assert files_in(library) - {".innoref.lock"} == before


def test_an_import_failing_part_way_leaves_the_library_as_it_was(cli, make_library, monkeypatch):
    from innoref import writer

    real = writer.record_text
    calls = {"n": 0}

    def fail_on_the_fifth(ref, style=writer.Style()):
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError(28, "No space left on device")
        return real(ref, style)

    library = make_library("# nothing yet\n")
    monkeypatch.setattr(writer, "record_text", fail_on_the_fifth)
    with pytest.raises(OSError):
        cli("import", REPO / "tests" / "fixtures" / "kommune.bib", data=library)
    assert calls["n"] == 5
    assert (library / "literature.yaml").read_bytes() == b"# nothing yet\n"


def test_a_folder_that_cannot_be_made_is_an_error_not_a_traceback(cli, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = cli("add", "--type", "book", "--title", "X", "--author", "Berg, Jan", "--year", "2001",
                 "--theme", "innovasjon", data=blocker / "lib")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {blocker / 'lib'}: cannot create or lock the library folder: ")


# --------------------------------------------------------------------------- keys: one spelling, a sane length

NFC_KEY = "bråthen2010x"
NFD_KEY = unicodedata.normalize("NFD", NFC_KEY)


def _nfd_library(make_library):
    return make_library(f"""\
        - key: {NFD_KEY}
          type: report
          title: Strategisk kompetanseutvikling
          authors: ["Bråthen, Magne"]
          year: 2010
          themes: [innovasjon]
        """)


def test_a_key_typed_in_nfc_or_nfd_is_one_key(cli, make_library):
    assert NFC_KEY != NFD_KEY
    folder = _nfd_library(make_library)
    for typed in (NFC_KEY, NFD_KEY):
        shown = cli("show", typed, data=folder)
        assert shown.exit_code == 0 and NFC_KEY in shown.stdout, shown.stderr
        found = cli("list", f"key:{typed}", data=folder)
        assert found.stdout.startswith(NFC_KEY + "\t")
    # A second record with the other spelling is the same key, so a duplicate.
    added = cli("add", "--key", NFC_KEY, "--type", "report", "--title", "Noe annet", "--author", "Nordmann, Kari",
                "--year", "2011", data=folder)
    assert added.exit_code == 1 and f"key: '{NFC_KEY}' is taken" in added.stderr, added.stderr
    # edit and remove find it by either spelling too.
    edited = cli("edit", NFC_KEY, "--set", "year=2011", data=folder)
    assert edited.exit_code == 0, edited.stderr
    assert "year: 2011" in (folder / "literature.yaml").read_text(encoding="utf-8")


def test_two_records_whose_keys_differ_only_in_normal_form_are_a_duplicate_key(cli, make_library):
    folder = make_library(f"""\
        - key: {NFD_KEY}
          type: report
          title: A
          authors: ["Bråthen, Magne"]
          year: 2010
        - key: {NFC_KEY}
          type: report
          title: B
          authors: ["Bråthen, Magne"]
          year: 2011
        """)
    checked = cli("check", data=folder)
    assert checked.exit_code == 1
    assert f"duplicate key '{NFC_KEY}' (first used on line 1)" in checked.stdout


def test_a_key_longer_than_a_person_would_type_is_refused(cli, library):
    long_key = "a" * 100_000
    added = cli("add", "--key", long_key, "--type", "report", "--title", "T", "--author", "Nordmann, Kari",
                "--year", "2011", data=library)
    assert added.exit_code == 1
    assert "a key of 100,000 characters is too long (at most 100)" in added.stderr
    assert long_key not in added.stderr  # the message does not repeat 100 KB back
    assert (library / "literature.yaml").read_bytes() == SHIPPED_BYTES


def test_classic_bibtex_refuses_a_key_outside_ascii_and_names_it(cli, make_library, tmp_path):
    folder = _nfd_library(make_library)
    out = tmp_path / "refs.bib"
    done = cli("export", "--format", "bibtex", "-o", out, data=folder)
    assert done.exit_code == 1
    assert (f"{NFC_KEY}: key: classic BibTeX needs a key in plain ASCII" in done.stderr
            and f"--set key=brathen2010x" in done.stderr), done.stderr
    assert not out.exists()
    # biblatex (for biber, UTF-8) writes it as it is.
    done = cli("export", "--format", "biblatex", data=folder)
    assert done.exit_code == 0 and f"@report{{{NFC_KEY}," in done.stdout
