"""The citation keys of documents: what a LaTeX, .aux or pandoc Markdown file cites, and where.

Owns reading documents for their citations: LaTeX (the ``\\cite`` family of natbib,
biblatex and apacite, following ``\\input``, ``\\include`` and ``\\subfile``), the
``.aux`` files LaTeX writes for BibTeX and biber, and pandoc Markdown (``.md``,
``.qmd``, ``.Rmd``: ``[@key]``, ``@key``, ``@{key}``, and the citations of the
metadata block, ``nocite`` above all). Every key comes with the 1-based line and
column of the key itself, in characters. It also owns the advice for an unknown
key: the nearest library keys, and the key that differs only in letter case.

It reads only the files it is given and the files they include (and asks TeX's
``kpsewhich``, when installed, whether an ``\\input`` it cannot find is a file of
TeX itself, such as ``glyphtounicode``). It never prints, never exits and knows
nothing of the library's storage. Problems are raised as :class:`DocumentError` (a
document that cannot be read, with ``path:line:column``) or
:class:`~innoref.errors.UsageError` (a file kind it does not read).

The scanners work on a *masked* copy of the text: comments, verbatim and code are
overwritten with spaces (newlines kept), so that one regular expression finds the
citations and every offset is still an offset in the file.
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from innoref.errors import InnorefError, UsageError

KINDS = {".tex": "latex", ".ltx": "latex", ".aux": "aux",
         ".md": "markdown", ".markdown": "markdown", ".qmd": "markdown", ".rmd": "markdown"}


class DocumentError(InnorefError):
    """A document cannot be read: missing, not UTF-8, an included file not found, a brace never closed."""


@dataclass(frozen=True)
class Citation:
    """One citation of ``key``: the place of the key itself in a document."""

    key: str
    path: str  # as the document was named, or joined to its including file's folder
    line: int  # 1-based
    column: int  # 1-based, in characters

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Skipped:
    """An ``\\input`` whose file name is built by a macro, which a reader of the text cannot follow."""

    name: str
    path: str
    line: int
    column: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass
class CitedKeys:
    """What a set of documents cites, in reading order (an included file at its ``\\input``)."""

    citations: list[Citation] = field(default_factory=list)
    everything: list[Citation] = field(default_factory=list)  # each \nocite{*} or @*, key "*"
    files: list[str] = field(default_factory=list)  # every file read, once each
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def cites_everything(self) -> bool:
        """``\\nocite{*}`` or pandoc's ``nocite: '@*'``: the whole library is cited."""
        return bool(self.everything)

    def keys(self) -> list[str]:
        """The distinct keys, in the order they are first cited."""
        return list(self.by_key())

    def by_key(self) -> dict[str, list[Citation]]:
        """Every citation of each key, keys in the order they are first cited."""
        out: dict[str, list[Citation]] = {}
        for citation in self.citations:
            out.setdefault(citation.key, []).append(citation)
        return out


def document_kind(path: str | os.PathLike[str]) -> str:
    """``latex``, ``aux`` or ``markdown``, by the file's suffix (case ignored)."""
    suffix = Path(path).suffix.lower()
    if suffix not in KINDS:
        known = ", ".join(s if s != ".rmd" else ".Rmd" for s in KINDS)
        raise UsageError(f"{path}: cannot read citations from a '{Path(path).suffix or 'suffix-less'}' file; "
                         f"innoref reads {known}")
    return KINDS[suffix]


def read_citations(paths: Iterable[str | os.PathLike[str]]) -> CitedKeys:
    """The citations of the documents ``paths`` and of the files they include, each file read once."""
    reader = _Reader()
    for path in paths:
        kind = document_kind(path)
        reader.read(Path(path), os.path.normpath(path), kind, root=Path(path).parent, place=None)
    return reader.result


# --------------------------------------------------------------------------- reading files


@dataclass(frozen=True)
class _Event:
    """What a scanner found at ``offset``: a key, ``*`` (everything), an include, or an unfollowable include."""

    offset: int
    what: str  # "key", "include", "skipped"
    text: str


class _Reader:
    def __init__(self) -> None:
        self.result = CitedKeys()
        self.seen: set[Path] = set()

    def read(self, path: Path, shown: str, kind: str, root: Path, place: str | None) -> None:
        identity = path.resolve()
        if identity in self.seen:
            return  # read once: a second \input of a file, or a cycle
        self.seen.add(identity)
        text = _read_text(path, shown, place)
        self.result.files.append(shown)
        lines = _LineIndex(text)
        try:
            events = list(_SCANNERS[kind](text))
        except _DocumentSyntax as exc:
            line, column = lines.position(exc.offset)
            raise DocumentError(f"{shown}:{line}:{column}: {exc.message}") from None
        for event in events:
            line, column = lines.position(event.offset)
            if event.what == "key":
                citation = Citation(event.text, shown, line, column)
                (self.result.everything if event.text == "*" else self.result.citations).append(citation)
            elif event.what == "skipped":
                self.result.skipped.append(Skipped(event.text, shown, line, column))
            else:
                self._include(event.text, path, shown, kind, root, f"{shown}:{line}:{column}")

    def _include(self, name: str, including: Path, shown: str, kind: str, root: Path, where: str) -> None:
        candidates = _include_candidates(name, including.parent, root, kind)
        for candidate in candidates:
            if candidate.is_file():
                display = os.path.normpath(Path(os.path.dirname(shown)) / os.path.relpath(candidate, including.parent))
                self.read(candidate, display, kind, root, where)
                return
        if kind == "latex" and _in_tex_distribution(name):
            return  # \input{glyphtounicode}: a file of TeX itself, with no citations of yours
        tried = ", ".join(os.path.normpath(c) for c in candidates)
        raise DocumentError(f"{where}: cannot find the file '{name}' that it includes (looked for {tried})")


def _include_candidates(name: str, folder: Path, root: Path, kind: str) -> list[Path]:
    """Where an included file may be: LaTeX tries ``name.tex`` before ``name``; relative to the
    including file's folder first, then to the first document's folder (where LaTeX runs)."""
    names = [name + ".tex", name] if kind == "latex" and not name.endswith(".tex") else [name]
    folders = [folder] if folder.resolve() == root.resolve() else [folder, root]
    return [d / n for d in folders for n in names]


def _in_tex_distribution(name: str) -> bool:
    """Whether TeX's own file search (``kpsewhich``) finds ``name``; False without TeX installed."""
    import shutil
    import subprocess

    if shutil.which("kpsewhich") is None:
        return False
    try:
        found = subprocess.run(["kpsewhich", name if name.endswith(".tex") else name + ".tex"],
                               capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return found.returncode == 0 and bool(found.stdout.strip())


def _read_text(path: Path, shown: str, place: str | None) -> str:
    where = f"{place}: " if place else ""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DocumentError(f"{where}{shown}: no such file") from None
    except IsADirectoryError:
        raise DocumentError(f"{where}{shown}: is a folder, not a document") from None
    except OSError as exc:
        raise DocumentError(f"{where}{shown}: cannot be read ({exc.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[line_start:exc.start].decode("utf-8", "replace")) + 1
        raise DocumentError(f"{shown}:{line}:{column}: not UTF-8 text; save the file as UTF-8") from None


class _LineIndex:
    """Offsets to 1-based (line, column)."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def _blanked(text: str) -> str:
    """``text`` as spaces, its newlines kept, so offsets and line numbers stay as they were."""
    return " " * len(text) if "\n" not in text else re.sub(r"[^\n]", " ", text)


def _blank_matches(pattern: re.Pattern[str], text: str) -> str:
    return pattern.sub(lambda m: _blanked(m.group()), text)


# --------------------------------------------------------------------------- LaTeX


def _with_capitals(names: str) -> frozenset[str]:
    words = names.split()
    return frozenset(words + [w[0].upper() + w[1:] for w in words])


# natbib, biblatex and apacite; each also in its capitalised form (\Textcite, \Citet, \Citeauthor).
CITE_COMMANDS = _with_capitals("""
    cite citet citep citealt citealp citeauthor citefullauthor citeyear citeyearpar citenum citetalias citepalias
    parencite footcite footcitetext textcite smartcite autocite supercite fullcite footfullcite citetitle citedate
    citeurl nocite citeA citeNP citeANP citeauthorNP citeyearNP fullciteA fullciteNP fullciteANP shortcite
    shortciteA shortciteNP shortciteANP
""")
# biblatex's multicite commands: (pre)(post) for the whole, then [pre][post]{keys} as often as wanted.
MULTICITE_COMMANDS = _with_capitals("cites parencites footcites footcitetexts smartcites textcites supercites autocites")
INPUT_COMMANDS = frozenset({"input", "include", "subfile"})

# What LaTeX does not read as text, in the order it meets them: a comment runs to the end of
# the line; a control symbol (\% \\ \{ \}) is two characters, so "\%" starts no comment
# and "\\cite" is a line break and the word "cite"; verbatim text and URLs hold no commands;
# "\iffalse ... \fi", the usual way to switch a passage off, is skipped up to its \else or \fi
# (a conditional nested inside it is not counted).
_LATEX_HIDDEN = re.compile(
    r"%[^\n]*"
    r"|\\iffalse(?![A-Za-z@]).*?(?=\\(?:else|fi)(?![A-Za-z@]))"
    r"|\\verb\*?([^A-Za-z\s*])[^\n]*?\1"
    r"|\\begin\{(verbatim\*?|Verbatim\*?|lstlisting|minted|comment)\}.*?\\end\{\2\}"
    r"|\\(?:url|href|path)\{[^{}\n]*\}"
    r"|\\[^A-Za-z\n]",
    re.S,
)
_LATEX_COMMAND = re.compile(r"\\([A-Za-z]*[cC]ite[A-Za-z]*|input|include|subfile)(?![A-Za-z@])\*?")
_END_DOCUMENT = re.compile(r"\\end\s*\{document\}")
_SPACE = re.compile(r"\s*")
_BARE_FILE_NAME = re.compile(r"[^\s{}%\\]+")
_CLOSER = {"{": "}", "[": "]", "(": ")", "<": ">"}
_DELIMITERS = {opener: re.compile("[" + re.escape(opener + closer + "{}") + "]") for opener, closer in _CLOSER.items()}


class _Unclosed(Exception):
    def __init__(self, offset: int):
        self.offset = offset


class _DocumentSyntax(Exception):
    """Raised inside a scanner; the reader turns it into a DocumentError with the place."""

    def __init__(self, offset: int, message: str):
        self.offset = offset
        self.message = message


def _masked_latex(text: str) -> str:
    """``text`` with comments, verbatim, URLs and control symbols blanked, and nothing after ``\\end{document}``."""
    masked = _blank_matches(_LATEX_HIDDEN, text)
    end = _END_DOCUMENT.search(masked)
    return masked if end is None else masked[: end.end()] + _blanked(masked[end.end():])


def _scan_latex(text: str) -> Iterator[_Event]:
    masked = _masked_latex(text)
    for command in _LATEX_COMMAND.finditer(masked):
        name = command.group(1)
        try:
            if name in CITE_COMMANDS:
                yield from _keys_of_groups(masked, _cite_groups(masked, command.end()))
            elif name in MULTICITE_COMMANDS:
                yield from _keys_of_groups(masked, _multicite_groups(masked, command.end()))
            elif name in INPUT_COMMANDS:
                yield from _input_of(masked, command.end(), bare_allowed=name == "input")
        except _Unclosed as exc:
            raise _DocumentSyntax(exc.offset, f"the argument of \\{name} is never closed") from None


def _group_end(t: str, start: int) -> int:
    """The offset after the group that opens at ``start``. Braces nest inside every kind of group;
    inside [ ] ( ) < >, that same bracket also nests outside braces: ``[see {]} [a]]``."""
    opener = t[start]
    depth = braces = 0
    for m in _DELIMITERS[opener].finditer(t, start):
        c = m.group()
        if c == "{":
            braces += 1
        elif c == "}":
            braces -= 1
            if braces < 0:
                break
        elif braces == 0:
            depth += 1 if c == opener else -1
        else:
            continue
        if braces == 0 and (opener == "{" or depth == 0):
            return m.end()
    raise _Unclosed(start)


def _optional_groups(t: str, i: int, openers: str) -> int:
    """Skip optional arguments opening with one of ``openers``; the offset after them and spaces."""
    i = _SPACE.match(t, i).end()
    while i < len(t) and t[i] in openers:
        if t[i] == "<":
            try:
                i = _group_end(t, i)  # apacite's <prefix>
            except _Unclosed:
                return len(t)  # a lone "<" after \cite is text, not apacite's prefix
        else:
            i = _group_end(t, i)
        i = _SPACE.match(t, i).end()
    return i


def _cite_groups(t: str, i: int) -> list[tuple[int, int]]:
    """The key group of one citation command after ``<pre>[pre][post]``: (start, end) inside the braces."""
    i = _optional_groups(t, i, "<[")
    if i >= len(t) or t[i] != "{":
        return []  # \cite with no argument: inside a macro definition such as \let\mycite\cite
    end = _group_end(t, i)
    return [(i + 1, end - 1)]


def _multicite_groups(t: str, i: int) -> list[tuple[int, int]]:
    i = _optional_groups(t, i, "(")
    groups = []
    while True:
        j = _optional_groups(t, i, "[")
        if j >= len(t) or t[j] != "{":
            return groups
        end = _group_end(t, j)
        groups.append((j + 1, end - 1))
        i = end


def _keys_of_groups(t: str, groups: list[tuple[int, int]]) -> Iterator[_Event]:
    for start, end in groups:
        for m in re.finditer(r"[^,]+", t[start:end]):
            key = m.group().strip()
            if key and "#" not in key and "\\" not in key:  # "#1" is a macro's parameter, not a key
                yield _Event(start + m.start() + len(m.group()) - len(m.group().lstrip()), "key", key)


def _input_of(t: str, i: int, *, bare_allowed: bool) -> Iterator[_Event]:
    i = _SPACE.match(t, i).end()
    if i < len(t) and t[i] == "{":
        end = _group_end(t, i)
        raw = t[i + 1: end - 1]
        name, offset = raw.strip(), i + 1 + len(raw) - len(raw.lstrip())
    elif bare_allowed and (bare := _BARE_FILE_NAME.match(t, i)):  # the primitive: \input chapter1
        name, offset = bare.group(), i
    else:
        return
    if not name or "#" in name:
        return  # a macro's parameter: \newcommand\chapter[1]{\input{#1}}
    if "\\" in name or name.startswith("|"):
        yield _Event(offset, "skipped", name)  # \input{\dir/intro}, or a shell escape
    else:
        yield _Event(offset, "include", name)


# --------------------------------------------------------------------------- .aux files

# \citation{a,b} (BibTeX); \abx@aux@cite{0}{key} (biblatex for biber today: the refsection,
# then the key) and \abx@aux@cite{key} (older biblatex); \nocite{*} is \citation{*} or
# \abx@aux@nociteall; \@input{chapter.aux} for each \include.
_AUX = re.compile(
    r"\\citation\{(?P<bibtex>[^}]*)\}"
    r"|(?P<all>\\abx@aux@nociteall)(?![A-Za-z@])"
    r"|\\abx@aux@cite\{(?P<first>[^}]*)\}(?:\{(?P<second>[^}]*)\})?"
    r"|\\@input\{(?P<input>[^}]*)\}"
)


def _scan_aux(text: str) -> Iterator[_Event]:
    for m in _AUX.finditer(text):
        if m.group("input") is not None:
            yield _Event(m.start("input"), "include", m.group("input").strip())
            continue
        if m.group("all"):
            yield _Event(m.start(), "key", "*")
            continue
        group = "bibtex" if m.group("bibtex") is not None else "second" if m.group("second") is not None else "first"
        yield from _keys_of_groups(text, [(m.start(group), m.end(group))])


# --------------------------------------------------------------------------- pandoc Markdown

_FENCE_OPEN = re.compile(r"[ \t]*(`{3,}|~{3,})(.*)")
_LIST_ITEM = re.compile(r" {0,3}(?:[-*+]|\d+[.)]|#[.)])[ \t]")
_YAML_OPEN = "---"
_YAML_CLOSE = ("---", "...")
_BLOCK_SCALAR_FIELD = re.compile(r"[^\s#][^:]*:[ \t]*[|>][-+0-9]*[ \t]*(?:#.*)?$")
_EXAMPLE_MARKER = re.compile(r" {0,3}\(@[\w-]*\)(?=[ \t])")

# Inline places with no citations: code spans (closed by a run of exactly as many backticks,
# within one paragraph), HTML comments, autolinks and bare URLs (https://x.org/@kari).
_MARKDOWN_INLINE_HIDDEN = re.compile(
    r"(?<![\\`])(?P<ticks>`+)(?!`)(?:(?!\n[ \t]*\n).)*?(?<!`)(?P=ticks)(?!`)"
    r"|<!--.*?-->"
    r"|<[A-Za-z][A-Za-z0-9+.-]*:[^\s<>]*>"
    r"|(?<![\w.])(?:(?:https?|ftps?|file)://|www\.)[^\s<>]*",
    re.S,
)
# Pandoc's rule: a key starts with a letter, digit or _, then letters, digits and _, with the
# punctuation :.#$%&-+?<>~/ allowed only inside (before a letter, digit or _), and "//" kept
# (@https://...); or any characters but spaces in braces: @{odd*key}. "@*" is everything.
_MARKDOWN_CITE = re.compile(
    r"@(?:\{(?P<braced>[^\s{}]*(?:\{[^\s{}]*\}[^\s{}]*)*)\}"
    r"|(?P<key>\w(?:\w|[:.#$%&\-+?<>~/](?=\w)|[:/](?=/))*)"
    r"|(?P<all>\*))"
)


def _masked_markdown(text: str) -> str:
    """``text`` with code blocks, metadata fences and comments, example-list markers, and inline
    code, HTML comments and URLs blanked."""
    return _blank_matches(_MARKDOWN_INLINE_HIDDEN, "".join(_markdown_blocks(text.splitlines(keepends=True))))


def _markdown_blocks(lines: list[str]) -> Iterator[str]:
    """The lines, with fenced and indented code blocks, the fences and comments of metadata
    blocks, and the "(@label)" that starts an item of an example list blanked."""
    i, in_list, in_examples = 0, False, False
    previous_blank = True
    while i < len(lines):
        line = lines[i]
        fence = _FENCE_OPEN.match(line)
        if fence and not (fence.group(1)[0] == "`" and "`" in fence.group(2)):
            end = _fence_end(lines, i, fence.group(1))
            yield from (_blanked(x) for x in lines[i:end])
            i, previous_blank = end, False
            continue
        if line.rstrip() == _YAML_OPEN and previous_blank and i + 1 < len(lines) and lines[i + 1].strip():
            end = _metadata_end(lines, i)
            if end is not None:
                yield from _metadata_lines(lines[i:end])
                i, previous_blank = end, False
                continue
        blank = not line.strip()
        indented = line.startswith(("    ", "\t"))
        marker = _EXAMPLE_MARKER.match(line)
        in_examples = bool(marker) and (previous_blank or in_examples)
        if in_examples:
            line = _blanked(line[: marker.end()]) + line[marker.end():]
        if _LIST_ITEM.match(line):
            in_list = True
        elif not blank and not indented and previous_blank:
            in_list = False  # a paragraph after a blank line, not indented under the item, ends the list
        if not blank and indented and previous_blank and not in_list:
            yield _blanked(line)  # an indented code block (inside a list it would be a paragraph)
            i += 1
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith(("    ", "\t"))):
                yield _blanked(lines[i])
                i += 1
            previous_blank = not lines[i - 1].strip()
            continue
        yield line
        previous_blank = blank
        i += 1


def _fence_end(lines: list[str], start: int, fence: str) -> int:
    """The index after the closing fence: the same character, at least as many; unclosed runs to the end."""
    closing = re.compile(r"[ \t]*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*\r?\n?$")
    for j in range(start + 1, len(lines)):
        if closing.match(lines[j]):
            return j + 1
    return len(lines)


def _metadata_end(lines: list[str], start: int) -> int | None:
    """The index after a YAML metadata block opening at ``start``, if it closes and holds a mapping."""
    import yaml

    for j in range(start + 1, len(lines)):
        if lines[j].rstrip() in _YAML_CLOSE:
            try:
                value = yaml.safe_load("".join(lines[start + 1: j]))
            except yaml.YAMLError:
                return None
            return j + 1 if isinstance(value, dict) else None
    return None


def _metadata_lines(block: list[str]) -> Iterator[str]:
    """A metadata block as pandoc reads it: every value is Markdown, and citeproc cites what any
    field cites (``nocite`` is the usual place, but an ``abstract`` counts too). The fences and
    YAML comments are blanked; a "#" line inside a block scalar (``abstract: |``) is text."""
    yield _blanked(block[0])
    in_block_scalar = False
    for line in block[1:-1]:
        if line[:1].strip():  # a top-level field (or a comment) at the left margin
            in_block_scalar = bool(_BLOCK_SCALAR_FIELD.match(line.rstrip()))
        comment = line.lstrip().startswith("#") and not (in_block_scalar and line[:1] in " \t")
        yield _blanked(line) if comment else line
    yield _blanked(block[-1])


def _scan_markdown(text: str) -> Iterator[_Event]:
    masked = _masked_markdown(text)
    last_end = -1
    for m in _MARKDOWN_CITE.finditer(masked):
        start = m.start()
        before = masked[start - 1] if start else " "
        # pandoc: no citation right after a word ("kari@example.no"), a "." or a backslash ("\@"),
        # unless that word is the key of a citation just before: "@a@b" cites both.
        if start != last_end and (before.isalnum() or before in ".\\"):
            continue
        if m.group("all"):
            yield _Event(start + 1, "key", "*")
        elif m.group("braced"):
            yield _Event(m.start("braced"), "key", m.group("braced"))
        elif m.group("key"):
            yield _Event(m.start("key"), "key", m.group("key"))
        last_end = m.end()


_SCANNERS = {"latex": _scan_latex, "aux": _scan_aux, "markdown": _scan_markdown}


# --------------------------------------------------------------------------- advice for unknown keys

@dataclass(frozen=True)
class UnknownKey:
    """A cited key the library does not hold, every place it is cited, and what it may have meant."""

    key: str
    citations: tuple[Citation, ...]
    suggestions: tuple[str, ...]
    case_variants: tuple[str, ...]


def unknown_keys(cited: CitedKeys, known: Iterable[str],
                 suggest: Callable[[str], list[str]] | None = None) -> list[UnknownKey]:
    """The cited keys not in ``known``, in the order they are first cited, each with advice:
    ``suggest(key)`` (by default :func:`innoref.keys.suggest_keys` over ``known``) and the keys
    that differ only in letter case."""
    from innoref.keys import suggest_keys

    library = set(known)
    missing = {key: places for key, places in cited.by_key().items() if key not in library}
    if not missing:
        return []
    by_folded: dict[str, list[str]] = {}
    for k in library:
        by_folded.setdefault(k.casefold(), []).append(k)
    near = suggest or (lambda key: suggest_keys(key, library))
    return [
        UnknownKey(key, tuple(places), tuple(near(key)),
                   tuple(sorted(k for k in by_folded.get(key.casefold(), ()) if k != key)))
        for key, places in missing.items()
    ]
