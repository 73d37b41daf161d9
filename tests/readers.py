"""Real readers of innoref's export files, for tests: what pandoc and Citation.js read.

Each reader runs the external program on a file and returns what it read as a list of
CSL-JSON items (dicts), so a test can hold them against the record the file came from:

- ``pandoc(path, fmt)``: the ``pandoc`` on PATH (Debian bookworm's 2.17).
- ``pandoc3(path, fmt)``: pandoc 3 from PyPI's ``pypandoc-binary``; it also reads RIS.
- ``citationjs(path, fmt)``: Citation.js, run by node on ``tests/node/read.js``.
- ``pandoc_apa(csl_json_path, lang)``: the reference list ``pandoc --citeproc`` renders
  with the CSL style ``apa`` (``norsk-apa-manual`` for nb and nn), one line each.
- ``compare(ours, theirs, fields)``: the differences between two items, as text.

``fmt`` is innoref's export format name: ``bibtex``, ``biblatex``, ``csl-json`` or
``ris``. A reader that lacks its program skips the test, and fails it instead when
``INNOREF_REQUIRE_TOOLS`` is set, as ``conftest.require_tool`` does. This module only
runs readers and compares; it never writes files outside the temporary ones it is given.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import require_tool

NODE_DIR = Path(__file__).resolve().parent / "node"
CSL_STYLES = Path("/usr/share/citation-style-language/styles")  # Debian: citation-style-language-styles

# innoref's format names -> the reader's own input format names
PANDOC_FORMATS = {"bibtex": "bibtex", "biblatex": "biblatex", "csl-json": "csljson", "ris": "ris"}
CITATIONJS_FORMATS = {"bibtex": "bibtex", "biblatex": "biblatex", "csl-json": "csljson", "ris": "ris"}

# lang -> (CSL style file, citeproc locale)
APA_STYLES = {
    "en": ("apa.csl", "en-US"),
    "nb": ("norsk-apa-manual.csl", "nb-NO"),
    "nn": ("norsk-apa-manual.csl", "nn-NO"),
}


def require(condition: bool, what: str) -> None:
    """Skip the test when ``condition`` is false, or fail it in CI (INNOREF_REQUIRE_TOOLS)."""
    if condition:
        return
    if os.environ.get("INNOREF_REQUIRE_TOOLS"):
        pytest.fail(f"{what} is required in CI but is not installed")
    pytest.skip(f"{what} is not installed")


def _run(argv: list[str], *, stdin: str | None = None) -> str:
    """Run a reader; its stdout, or an AssertionError that shows what it said."""
    done = subprocess.run(argv, input=stdin, capture_output=True, encoding="utf-8", timeout=120, check=False)
    if done.returncode != 0:
        raise AssertionError(f"{argv[0]} exited {done.returncode}: {done.stderr.strip()}")
    return done.stdout


def _format(table: dict[str, str], fmt: str, reader: str) -> str:
    if fmt not in table:
        raise ValueError(f"{reader} does not read {fmt!r} (it reads {', '.join(table)})")
    return table[fmt]


def pandoc_binary() -> str:
    """The pandoc on PATH (Debian's 2.17 in CI)."""
    return require_tool("pandoc")


def pandoc3_binary() -> str:
    """The pandoc 3 that PyPI's pypandoc-binary ships, at ``pypandoc/files/pandoc``."""
    spec = importlib.util.find_spec("pypandoc")
    binary = Path(spec.origin).parent / "files" / "pandoc" if spec and spec.origin else None
    require(binary is not None and binary.is_file(), "pandoc 3 (pip install pypandoc-binary)")
    return str(binary)


def version(binary: str) -> str:
    """The first line of ``binary --version``, e.g. 'pandoc 2.17.1.1'."""
    return _run([binary, "--version"]).splitlines()[0]


def _pandoc_read(binary: str, path: Path, fmt: str) -> list[dict]:
    pandoc_fmt = _format(PANDOC_FORMATS, fmt, "pandoc")
    if pandoc_fmt == "ris" and version(binary).startswith("pandoc 2."):
        raise ValueError("pandoc 2 does not read RIS; use pandoc3()")
    # -s: pandoc 2.17 writes the bibliography only for a standalone document
    return json.loads(_run([binary, str(path), "-s", "-f", pandoc_fmt, "-t", "csljson"]))


def pandoc(path: Path | str, fmt: str) -> list[dict]:
    """What the pandoc on PATH reads from a bibtex, biblatex or csl-json file."""
    return _pandoc_read(pandoc_binary(), Path(path), fmt)


def pandoc3(path: Path | str, fmt: str) -> list[dict]:
    """What pandoc 3 reads from a bibtex, biblatex, csl-json or ris file."""
    return _pandoc_read(pandoc3_binary(), Path(path), fmt)


def citationjs(path: Path | str, fmt: str) -> list[dict]:
    """What Citation.js reads from a bibtex, biblatex, csl-json or ris file.

    Needs node and ``npm ci --prefix tests/node``. Citation.js adds ``citation-key``
    (the BibTeX key) beside ``id``; it is kept, as Citation.js wrote it.
    """
    node = require_tool("node")
    require((NODE_DIR / "node_modules" / "@citation-js" / "core").is_dir(), "Citation.js (npm ci --prefix tests/node)")
    citation_fmt = _format(CITATIONJS_FORMATS, fmt, "Citation.js")
    return json.loads(_run([node, str(NODE_DIR / "read.js"), citation_fmt, str(path)]))


def pandoc_apa(csl_json_path: Path | str, lang: str = "en", *, binary: str | None = None) -> list[str]:
    """The APA reference list pandoc --citeproc renders from a CSL-JSON file, one string each.

    ``en`` uses the CSL style ``apa`` with en-US, ``nb`` and ``nn`` the style
    ``norsk-apa-manual`` with nb-NO or nn-NO, all from Debian's
    citation-style-language-styles. Plain text: italics are not marked, and each line is
    stripped (pandoc 2.17 ends them with a space). ``binary``
    picks another pandoc (e.g. ``pandoc3_binary()``); the default is the one on PATH.
    """
    style_file, locale = APA_STYLES[lang]
    style = CSL_STYLES / style_file
    require(style.is_file(), f"the CSL style {style} (apt-get install citation-style-language-styles)")
    binary = binary or pandoc_binary()
    document = f'---\nnocite: "@*"\nlang: {locale}\n---\n'
    argv = [binary, "-f", "markdown", "-t", "plain", "--wrap=none", "--citeproc",
            "--bibliography", str(csl_json_path), "--csl", str(style)]  # fmt: skip
    text = _run(argv, stdin=document)
    return [" ".join(line.strip() for line in p.splitlines()).strip() for p in text.split("\n\n") if p.strip()]


def write_csl_json(items: list[dict]) -> Path:
    """Items in a temporary ``.json`` file, for a reader that takes a path; the caller deletes it."""
    handle, name = tempfile.mkstemp(suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(items, out, ensure_ascii=False)
    return Path(name)


def by_id(items: list[dict]) -> dict[str, dict]:
    """Items keyed by their ``id``."""
    return {item["id"]: item for item in items}


def _show(value) -> str:
    """A CSL value as a person would write it: names 'Family, Given', dates 2013-04-06."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "; ".join(_show(v) for v in value)
    if isinstance(value, dict) and "date-parts" in value:
        parts = value["date-parts"]
        return "/".join("-".join(f"{int(p):02d}" if i else str(p) for i, p in enumerate(part)) for part in parts)
    if isinstance(value, dict) and ({"family", "given", "literal"} & value.keys()):
        if "literal" in value:
            return f"{{{value['literal']}}}"
        particle = value.get("non-dropping-particle") or value.get("dropping-particle")
        family = f"{particle} {value.get('family', '')}" if particle else value.get("family", "")
        return f"{family}, {value['given']}" if value.get("given") else f"{{{family}}}"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def compare(ours: dict, theirs: dict, fields: list[str] | None = None) -> list[str]:
    """Field-by-field differences between our item and the reader's, one line each.

    ``fields`` limits the comparison (default: every field either has, but ``id`` and
    ``citation-key``). An organisation reads the same as ``{"literal": ...}`` or a bare
    ``{"family": ...}``: both show as ``{Name}``. An empty list means they agree.
    """
    if fields is None:
        fields = sorted((ours.keys() | theirs.keys()) - {"id", "citation-key"})
    lines = []
    for field in fields:
        mine, read = ours.get(field), theirs.get(field)
        if mine is None and read is None:
            continue
        if mine is None:
            lines.append(f"{field}: only theirs: {_show(read)!r}")
        elif read is None:
            lines.append(f"{field}: lost (ours {_show(mine)!r})")
        elif _show(mine) != _show(read):
            lines.append(f"{field}: ours {_show(mine)!r}, theirs {_show(read)!r}")
    return lines
