"""Writing files without losing anything: outputs a person names, symlinked libraries, temporary
files, read-only files, the lock (issue 10, items 1, 2, 3, 7 and 13)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, SHIPPED, load
from innoref import editing, files
from innoref.location import locate, shipped_data
from innoref.errors import InnorefError

SHIPPED_BYTES = (SHIPPED / "literature.yaml").read_bytes()
NEW = {"type": "report", "title": "Heltid i praksis", "authors": ["Nordmann, Kari"], "year": "2024",
       "themes": ["heltid-deltid"]}


def test_atomic_write_replaces_whole_or_not_at_all(tmp_path, monkeypatch):
    target = tmp_path / "f.yaml"
    target.write_text("old\n")
    files.atomic_write(target, "new\n")
    assert target.read_text() == "new\n"

    def boom(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(InnorefError, match="No space left on device; nothing was written"):
        files.atomic_write(target, "half\n")
    assert target.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["f.yaml"]  # no temp file left behind


# --------------------------------------------------------------------------- 1. an output that is the library


@pytest.mark.parametrize("command", [["export", "-f", "bibtex"], ["page"]])
@pytest.mark.parametrize("name", ["literature.yaml", "themes.yaml"])
def test_an_output_that_is_a_library_file_is_refused(cli, library, tmp_path, command, name):
    before = {p: p.read_bytes() for p in library.iterdir()}
    (tmp_path / "link").symlink_to(library / name)
    os.link(library / name, tmp_path / "hard")
    ways = [library / name, library / ".." / library.name / name, tmp_path / "link", tmp_path / "hard"]
    for path in ways:
        result = cli(*command, "--output", str(path), data=library)
        assert result.exit_code == 1, path
        assert f"is the library's own {name}; refusing to write" in result.stderr
        assert "Traceback" not in result.stderr
    assert {p: p.read_bytes() for p in library.iterdir() if p in before} == before


def test_an_output_over_a_user_library_not_yet_created_is_refused(cli, isolated):
    # The user library reads as the shipped list until its first write: its own file
    # does not exist yet, and an export must not become it.
    target = isolated / "data" / "innoref" / "literature.yaml"
    result = cli("export", "-f", "bibtex", "--output", str(target))
    assert result.exit_code == 1 and "refusing to write" in result.stderr
    assert not target.exists()


# --------------------------------------------------------------------------- 2. outputs that are not regular files


def test_a_character_device_is_written_to_not_replaced(cli, library):
    result = cli("export", "-f", "bibtex", "--output", "/dev/null", data=library)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_fifo_is_written_as_a_stream(cli, library, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    result = cli("export", "-f", "ris", "--output", str(fifo), data=library)
    out, _ = reader.communicate(timeout=20)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert out.count(b"ER  - ") == 7


def test_a_symlink_is_written_through_to_its_target(cli, library, tmp_path):
    target = tmp_path / "real.bib"
    target.write_text("old\n")
    os.chmod(target, 0o640)
    link = tmp_path / "refs.bib"
    link.symlink_to(target)
    result = cli("export", "-f", "bibtex", "--output", str(link), data=library)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text().startswith("% Exported by innoref")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # a regular file keeps its mode


def test_a_new_output_file_gets_the_umask_mode_not_0600(cli, library, tmp_path):
    old = os.umask(0o022)
    try:
        result = cli("export", "-f", "bibtex", "--output", str(tmp_path / "new.bib"), data=library)
    finally:
        os.umask(old)
    assert result.exit_code == 0
    assert stat.S_IMODE((tmp_path / "new.bib").stat().st_mode) == 0o644


@pytest.mark.parametrize("command", [["export", "-f", "bibtex"], ["page"]])
def test_unwritable_outputs_are_one_clear_error(cli, library, tmp_path, command):
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    folder = tmp_path / "folder"
    folder.mkdir()
    cases = {
        a_file / "under.bib": "a part of the path is a file, not a folder",
        folder: "is a folder",
    }
    for path, message in cases.items():
        result = cli(*command, "--output", str(path), data=library)
        assert result.exit_code == 1, path
        assert message in result.stderr and "Traceback" not in result.stderr
    assert a_file.read_text() == "x"


def test_a_full_disk_is_one_clear_error(cli, library, tmp_path, monkeypatch):
    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    result = cli("export", "-f", "bibtex", "--output", str(tmp_path / "x.bib"), data=library)
    assert result.exit_code == 1
    assert result.stderr == f"error: {tmp_path / 'x.bib'}: cannot write: No space left on device; nothing was written\n"


def test_an_unchanged_output_is_left_alone_when_asked(tmp_path):
    target = tmp_path / "refs.bib"
    assert files.write_output(target, "same\n", skip_unchanged=True) is True
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    assert files.write_output(target, "same\n", skip_unchanged=True) is False
    assert target.stat().st_mtime_ns == 1_000_000_000
    assert files.write_output(target, "other\n", skip_unchanged=True) is True
    assert target.read_text() == "other\n"


# --------------------------------------------------------------------------- 3. a symlinked literature.yaml


def test_add_writes_through_a_symlinked_library_file(cli, library, tmp_path):
    elsewhere = tmp_path / "kept-elsewhere.yaml"
    (library / "literature.yaml").rename(elsewhere)
    (library / "literature.yaml").symlink_to(elsewhere)
    result = cli("add", "--type", "report", "--title", "Heltid i praksis", "--author", "Nordmann, Kari",
                 "--year", "2024", "--theme", "heltid-deltid", data=library)
    assert result.exit_code == 0, result.stderr
    assert (library / "literature.yaml").is_symlink()
    assert "nordmann2024heltid" in elsewhere.read_text()
    assert len(load(library).references()) == 8


# --------------------------------------------------------------------------- 7. the user's own files


def test_only_innoref_temp_files_are_removed(library):
    mine = library / ".literature.yaml.backup.tmp"
    mine.write_text("my own notes")
    leftover = library / ".literature.yaml.innoref-abc12_xy.tmp"
    leftover.write_text("half a write")
    editing.add(locate(library), NEW)
    assert mine.read_text() == "my own notes"
    assert not leftover.exists()


def test_a_read_only_library_is_not_written_over(cli, library):
    path = library / "literature.yaml"
    os.chmod(path, 0o444)
    try:
        result = cli("add", "--type", "report", "--title", "Heltid i praksis", "--author", "Nordmann, Kari",
                     "--year", "2024", "--theme", "heltid-deltid", data=library)
        assert result.exit_code == 1
        assert "is read-only (mode 0444); nothing was written" in result.stderr
        assert path.read_bytes() == SHIPPED_BYTES
    finally:
        os.chmod(path, 0o644)


# --------------------------------------------------------------------------- 13. waiting for the lock

HOLDER = """\
import sys, time
from pathlib import Path
from innoref import files
with files.locked(Path(sys.argv[1]), what="innoref import"):
    Path(sys.argv[2]).write_text("held")
    time.sleep(float(sys.argv[3]))
"""


def _hold(library: Path, tmp_path: Path, seconds: float) -> subprocess.Popen:
    script = tmp_path / "holder.py"
    script.write_text(HOLDER)
    ready = tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, str(script), str(library), str(ready), str(seconds)], cwd=REPO)
    deadline = time.monotonic() + 30
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert ready.exists()
    return proc


def test_a_writer_says_who_holds_the_lock_and_gives_up_after_wait(cli, library, tmp_path):
    proc = _hold(library, tmp_path, 30)
    try:
        start = time.monotonic()
        result = cli("--wait", "1.5", "add", "--type", "report", "--title", "Heltid i praksis",
                     "--author", "Nordmann, Kari", "--year", "2024", "--theme", "heltid-deltid", data=library)
        took = time.monotonic() - start
    finally:
        proc.kill()
        proc.wait()
    assert result.exit_code == 1
    assert f"waiting for the library's lock, held by innoref import (pid {proc.pid}, since " in result.stderr
    assert f"is held by innoref import (pid {proc.pid}" in result.stderr
    assert "gave up after 1.5 s and nothing was written (wait longer with --wait SECONDS)" in result.stderr
    assert 1.4 < took < 10
    assert (library / "literature.yaml").read_bytes() == SHIPPED_BYTES


def test_a_writer_waits_for_a_short_hold_and_then_writes(cli, library, tmp_path):
    proc = _hold(library, tmp_path, 1.5)
    try:
        result = cli("add", "--type", "report", "--title", "Heltid i praksis", "--author", "Nordmann, Kari",
                     "--year", "2024", "--theme", "heltid-deltid", data=library)
    finally:
        proc.wait()
    assert result.exit_code == 0, result.stderr
    assert "waiting for the library's lock" in result.stderr
    assert "nordmann2024heltid" in (library / "literature.yaml").read_text()
