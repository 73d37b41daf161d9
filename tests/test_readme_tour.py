"""The README's tour, re-run from its own commands: every `$ innoref ...` example gives the output shown.

The README's examples run in a clone of the repository: a folder whose ``data/`` is
the shipped list (and ``tests/fixtures/`` the example files), kept in git; each
section (``## ...``) starts from a fresh copy. A code block that
follows a line ending in "`NAME`:" is the file NAME, written into the folder before
the commands after it run. Blocks tagged ``text`` show a terminal (``TTY_COMPATIBLE``,
100 columns; a command with a pipe is still a pipe), blocks tagged ``console`` a
script or a pipe. A line "…" in an output stands for any number of lines. Commands
other than innoref, git and ``echo $?`` are shown, not run (pandoc, pdflatex).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import REPO, SHIPPED

README = (REPO / "README.md").read_text(encoding="utf-8")
SHOWN_HOME = "/home/me/innoref"  # where the README's outputs say the folder is
COLUMNS = "100"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@dataclass
class Example:
    command: str
    output: list[str]
    terminal: bool
    line: int  # in the README


@dataclass
class Section:
    title: str
    steps: list = field(default_factory=list)  # Example or ("file", name, text)


def sections() -> list[Section]:
    out = [Section("(top)")]
    lines = README.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            out.append(Section(line[3:]))
        fence = re.match(r"```(\w*)$", line)
        if fence:
            end = lines.index("```", i + 1)
            body = lines[i + 1:end]
            before = next((lines[k] for k in range(i - 1, -1, -1) if lines[k].strip()), "")
            named = re.search(r"`([\w./-]+)`:$", before)
            if named and fence.group(1) in ("yaml", "latex", "markdown", "bibtex", "sh") and not body[0].startswith("$"):
                out[-1].steps.append(("file", named.group(1), "\n".join(body) + "\n"))
            elif fence.group(1) in ("text", "console"):
                out[-1].steps += examples(body, terminal=fence.group(1) == "text", first_line=i + 2)
            i = end
        i += 1
    return [s for s in out if s.steps]


def examples(body: list[str], *, terminal: bool, first_line: int) -> list[Example]:
    found: list[Example] = []
    i = 0
    while i < len(body):
        if not body[i].startswith("$ "):
            i += 1
            continue
        start = i
        command = body[i][2:]
        while command.endswith("\\"):
            i += 1
            command = command[:-1] + " " + body[i].strip()
        i += 1
        output = []
        while i < len(body) and not body[i].startswith("$ "):
            output.append(body[i])
            i += 1
        found.append(Example(command, output, terminal, first_line + start))
    return found


@lru_cache(maxsize=None)
def innoref_bin() -> str:
    path = shutil.which("innoref", path=str(Path(sys.executable).parent)) or shutil.which("innoref")
    if path is None:
        pytest.skip("the innoref script is not installed")
    return str(Path(path).parent)


def fresh_folder(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(SHIPPED, root / "data")
    (root / "tests" / "fixtures").mkdir(parents=True)
    for name in ("kommune.bib",):  # the README's example files from the repository
        shutil.copy(REPO / "tests" / "fixtures" / name, root / "tests" / "fixtures" / name)
    if shutil.which("git"):
        git(root, "init", "-q")
        git(root, "add", ".")
        git(root, "commit", "-qm", "The shipped list")
    return root


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, env=git_env(), capture_output=True)


def git_env() -> dict[str, str]:
    return {**os.environ, "GIT_AUTHOR_NAME": "Me", "GIT_AUTHOR_EMAIL": "me@example.org",
            "GIT_COMMITTER_NAME": "Me", "GIT_COMMITTER_EMAIL": "me@example.org",
            "GIT_AUTHOR_DATE": "2024-03-05T14:03:00Z", "GIT_COMMITTER_DATE": "2024-03-05T14:03:00Z",
            "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}


def run(example: Example, root: Path, home: Path) -> tuple[int, list[str], list[str]]:
    env = {k: v for k, v in git_env().items() if k not in ("INNOREF_DATA", "TTY_COMPATIBLE", "FORCE_COLOR")}
    env.update({"PATH": innoref_bin() + os.pathsep + env.get("PATH", ""), "HOME": str(home),
                "XDG_DATA_HOME": str(home / "data"), "XDG_CACHE_HOME": str(home / "cache"),
                "XDG_STATE_HOME": str(home / "state"), "COLUMNS": COLUMNS, "NO_COLOR": "1",
                "SOURCE_DATE_EPOCH": "1709647380", "LC_ALL": "C.UTF-8"})
    if example.terminal and "|" not in example.command:
        env["TTY_COMPATIBLE"] = "1"
    done = subprocess.run(["bash", "-c", example.command], cwd=root, env=env, capture_output=True, text=True,
                          timeout=120)

    def lines(text: str) -> list[str]:
        text = _ANSI.sub("", text).replace(str(root), SHOWN_HOME)
        return [line.rstrip() for line in text.splitlines()]

    return done.returncode, lines(done.stdout), lines(done.stderr)


def matches(expected: list[str], out: list[str], err: list[str]) -> bool:
    """Whether ``expected`` is the two streams interleaved, each in its order ("…" skips lines of either)."""
    expected = [line.rstrip() for line in expected]

    @lru_cache(maxsize=None)
    def fit(e: int, o: int, r: int) -> bool:
        if e == len(expected):
            return o == len(out) and r == len(err)
        line = expected[e]
        if line == "…":
            return any(fit(e + 1, k, j) for k in range(o, len(out) + 1) for j in range(r, len(err) + 1))
        return ((o < len(out) and out[o] == line and fit(e + 1, o + 1, r))
                or (r < len(err) and err[r] == line and fit(e + 1, o, r + 1)))

    return fit(0, 0, 0)


TOUR = sections()


@pytest.mark.parametrize("section", TOUR, ids=[s.title for s in TOUR])
def test_the_readme_section_runs_as_shown(section, tmp_path, request):
    if shutil.which("bash") is None:
        pytest.skip("needs bash")
    # A folder whose path is as long as the README's /home/me/innoref, so that lines wrap alike.
    short = Path(tempfile.mkdtemp(prefix="ir-", dir="/tmp"))
    request.addfinalizer(lambda: shutil.rmtree(short, ignore_errors=True))
    root = fresh_folder(short if len(str(short)) == len(SHOWN_HOME) else tmp_path / "innoref")
    home = tmp_path / "home"
    status = 0
    checked = 0
    for step in section.steps:
        if isinstance(step, tuple):
            _, name, text = step
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
            continue
        words = step.command.split()
        if step.command == "echo $?":
            assert step.output == [str(status)], f"README line {step.line}"
            continue
        if words[0] == "git" and shutil.which("git") is None:
            continue
        if words[0] not in ("innoref", "git"):
            continue  # shown, not run: pandoc, pdflatex
        status, out, err = run(step, root, home)
        assert matches(step.output, out, err), (
            f"README line {step.line}: $ {step.command}\n--- README shows:\n" + "\n".join(step.output)
            + "\n--- innoref prints (stdout, then stderr):\n" + "\n".join(out) + "\n---\n" + "\n".join(err))
        checked += 1
    assert checked or all(isinstance(s, tuple) for s in section.steps)
