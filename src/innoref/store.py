"""Where the library lives, reading its YAML files, and writing them safely.

This module owns the files: finding the library folder, splitting
``literature.yaml`` into its top-level records, parsing them with YAML 1.2 rules,
validating them into models (writing files is ``files.py``'s work). It never prints and never
exits; every problem becomes a :class:`~innoref.errors.Problem`.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from innoref.errors import DataError, Problem

LITERATURE = "literature.yaml"
THEMES = "themes.yaml"
ENV_VAR = "INNOREF_DATA"

_CONFLICT = re.compile(r"^(<{7}|={7}|>{7}|\|{7})(?: |$)", re.M)
_ITEM_START = re.compile(r"^-(?:[ \t]|$)")


# --------------------------------------------------------------------------- finding


@dataclass(frozen=True)
class Location:
    """The library folder in use and why it was chosen."""

    folder: Path
    reason: str
    # Where records are read from while the folder has none of its own yet
    # (a user library before its first write starts as the shipped reading list).
    seed: Path | None = None

    @property
    def literature(self) -> Path:
        return self.folder / LITERATURE

    @property
    def themes(self) -> Path:
        return self.folder / THEMES

    def read_path(self, name: str) -> Path | None:
        """The file to read for ``name``: the folder's own, else the seed's, else None."""
        own = self.folder / name
        if own.exists():
            return own
        if self.seed is not None and (self.seed / name).exists():
            return self.seed / name
        if name == THEMES and (shipped_data() / THEMES).exists():
            # A library without its own themes uses the programme's themes.
            return shipped_data() / THEMES
        return None


def shipped_data() -> Path:
    """The programme's reading list and themes as shipped with innoref."""
    here = Path(__file__).resolve().parent
    inside = here / "data"  # in an installed wheel
    if (inside / LITERATURE).exists():
        return inside
    return here.parent.parent / "data"  # in a source checkout


def user_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME")
    if base:
        return Path(base) / "innoref"
    from platformdirs import user_data_dir as _udd

    return Path(_udd("innoref", appauthor=False))


def locate(data_option: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Location:
    """Find the library: --data, then $INNOREF_DATA, then ./data, then the user's library."""
    if data_option:
        return Location(Path(data_option).expanduser(), "--data option")
    env = os.environ.get(ENV_VAR)
    if env:
        return Location(Path(env).expanduser(), f"${ENV_VAR}")
    cwd = cwd or Path.cwd()
    local = cwd / "data"
    if (local / LITERATURE).exists():
        return Location(local, "data/literature.yaml in the current folder")
    user = user_data_dir()
    if (user / LITERATURE).exists():
        return Location(user, "the user's library")
    return Location(
        user,
        "the user's library (not created yet: it starts as the programme's reading list)",
        seed=shipped_data(),
    )


# --------------------------------------------------------------------------- reading


@dataclass
class RawRecord:
    """One top-level item of a YAML file before validation."""

    data: Any
    line: int  # 1-based line of the item's "- "
    text: str  # the item's own source text (for locating fields on error)
    line_offset: int  # 0-based line at which ``text`` starts in the file


@dataclass
class Parsed:
    records: list[RawRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def conflict_problems(text: str, path: str) -> list[Problem]:
    problems = []
    for m in _CONFLICT.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        problems.append(
            Problem(path, line, 1, f"git merge-conflict marker '{m.group(1)}' left in the file; resolve the conflict")
        )
    return problems


def split_items(text: str) -> tuple[int, list[tuple[int, str]]] | None:
    """Split a top-level block sequence at its items.

    Returns the number of header lines and ``(first_line, text)`` for each item,
    or None when the file is not a plain top-level block sequence (then it is
    parsed whole).
    """
    lines = text.splitlines(keepends=True)
    starts: list[int] = []
    for i, line in enumerate(lines):
        ch = line[:1]
        if ch in (" ", "\t", "#", "\n", "\r", ""):
            continue
        if _ITEM_START.match(line):
            starts.append(i)
        elif line.rstrip() == "---" and not starts:
            continue
        else:
            return None
    if not starts:
        return None
    items = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        items.append((start, "".join(lines[start:end])))
    return starts[0], items


def _mark_problem(path: str, exc: Exception, line_offset: int = 0) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"YAML: {problem}" + (f" ({context})" if context else "")
    if mark is None:
        return Problem(path, 0, 0, message)
    return Problem(path, mark.line + 1 + line_offset, mark.column + 1, message)


def parse_items(text: str, path: str) -> Parsed:
    """Parse a YAML file whose top level is a list of mappings."""
    from innoref import yamlio

    out = Parsed()
    out.problems = conflict_problems(text, path)
    if out.problems:
        return out
    split = split_items(text)
    if split is not None:
        _, items = split
        try:
            for start, chunk in items:
                node = yamlio.compose(chunk)
                if not isinstance(node, yamlio.SequenceNode) or len(node.value) != 1:
                    raise ValueError("item does not stand alone")
                item = node.value[0]
                out.records.append(RawRecord(yamlio.construct(item), start + 1, chunk, start))
            return out
        except (yamlio.YAMLError, ValueError):
            # Anchors across items, odd layouts, syntax errors: the whole file
            # decides, and gives the error its true place.
            out.records = []
    try:
        node = yamlio.compose(text)
    except yamlio.YAMLError as exc:
        out.problems.append(_mark_problem(path, exc))
        return out
    if node is None:
        return out
    if not isinstance(node, yamlio.SequenceNode):
        out.problems.append(
            Problem(path, node.start_mark.line + 1, node.start_mark.column + 1,
                    "the file must be a list of records, each starting with '- '")
        )
        return out
    try:
        for item in node.value:
            out.records.append(RawRecord(yamlio.construct(item), item.start_mark.line + 1, text, 0))
    except yamlio.YAMLError as exc:
        out.problems.append(_mark_problem(path, exc))
    return out


@lru_cache(maxsize=8)
def _compose(text: str):
    # Reporting many problems in one file must not re-parse it for each problem.
    from innoref import yamlio

    return yamlio.compose(text)


def _field_nodes(raw: RawRecord):
    """The record's node, re-parsed from its text, for positions."""
    from innoref import yamlio

    node = _compose(raw.text)
    if raw.line_offset == 0 and raw.text and isinstance(node, yamlio.SequenceNode):
        # Whole-file parse: find the item that starts on this line.
        for item in node.value:
            if item.start_mark.line + 1 == raw.line:
                return item, 0
    if isinstance(node, yamlio.SequenceNode) and node.value:
        return node.value[0], raw.line_offset
    return None, raw.line_offset


def locate_field(raw: RawRecord, loc: tuple[Any, ...], *, key_itself: bool = False) -> tuple[int, int]:
    """Line and column (1-based) of the value at ``loc`` in the record."""
    from innoref import yamlio

    node, offset = _field_nodes(raw)
    if node is None:
        return raw.line, 1
    mark = node.start_mark
    for part in loc:
        if isinstance(node, yamlio.MappingNode):
            found = None
            for k, v in node.value:
                if k.value == part:
                    found = (k, v)
            if found is None:
                break
            k, v = found
            mark = k.start_mark if key_itself and part == loc[-1] else v.start_mark
            node = v
        elif isinstance(node, yamlio.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            mark = node.start_mark
        else:
            break
    return mark.line + 1 + offset, mark.column + 1


# --------------------------------------------------------------------------- validating


def _loc_text(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _pydantic_problems(path: str, raw: RawRecord, exc: Any, known: tuple[str, ...], key: str | None) -> list[Problem]:
    from innoref.models import error_messages

    problems = []
    for loc, message, kind in error_messages(exc, known):
        if kind == "extra_forbidden":
            line, col = locate_field(raw, loc, key_itself=True)
        elif kind == "missing":
            line, col = locate_field(raw, loc[:-1])
        else:
            line, col = locate_field(raw, loc)
        problems.append(Problem(path, line, col, message, key=key, field=_loc_text(loc) or None))
    return problems


def validate_records(path: str, raws: list[RawRecord], model: type, known: tuple[str, ...]) -> tuple[list[Any], list[Problem]]:
    """Validate raw items into ``model`` instances, collecting every problem."""
    from pydantic import ValidationError

    good, problems = [], []
    for raw in raws:
        key = raw.data.get("key") if isinstance(raw.data, dict) else None
        key = key if isinstance(key, str) else (raw.data.get("id") if isinstance(raw.data, dict) else None)
        if not isinstance(raw.data, dict):
            problems.append(Problem(path, raw.line, 1, "a record must be a mapping of fields (field: value)"))
            continue
        try:
            good.append(model.model_validate(raw.data))
        except ValidationError as exc:
            problems.extend(_pydantic_problems(path, raw, exc, known, key))
    return good, problems


# --------------------------------------------------------------------------- loading


def read_text(path: Path) -> str:
    from innoref.errors import InnorefError

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InnorefError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError([Problem(str(path), line, 1, "not UTF-8 text; save the file as UTF-8")]) from None


def load(location: Location, *, strict: bool = True):
    """Read and validate the library at ``location``.

    With ``strict`` (the default) any problem raises :class:`DataError` listing all
    of them; without it the problems are returned on the library (``check``).
    """
    from innoref.library import Library
    from innoref.models import FIELD_NAMES, Reference, Theme

    problems: list[Problem] = []
    themes: list[Theme] = []
    refs: list[Reference] = []
    raws: list[RawRecord] = []
    theme_path = location.read_path(THEMES)
    if theme_path is not None:
        parsed = parse_items(read_text(theme_path), str(theme_path))
        problems += parsed.problems
        themes, more = validate_records(str(theme_path), parsed.records, Theme, tuple(Theme.model_fields))
        problems += more
        problems += _unique(str(theme_path), parsed.records, themes, "id", "theme id")
    lit_path = location.read_path(LITERATURE)
    if lit_path is not None:
        # The record cache parses and validates only items whose text changed
        # (parse_items + validate_records), and reuses the rest; see cache.py.
        from innoref import cache

        raws, refs, more = cache.load_records(lit_path)
        problems += more
        problems += _unique(str(lit_path), raws, refs, "key", "key")
        problems += _theme_links(str(lit_path), raws, refs, {t.id for t in themes})
    problems.sort(key=lambda p: (p.path != str(theme_path), p.path, p.line, p.column))
    if problems and strict:
        raise DataError(problems)
    return Library(
        location=location,
        references=refs,
        themes=themes,
        problems=problems,
        literature_path=lit_path,
        themes_path=theme_path,
    )


def _raw_by_key(raws: list[RawRecord], attr: str) -> dict[str, RawRecord]:
    out: dict[str, RawRecord] = {}
    for raw in raws:
        if isinstance(raw.data, dict) and isinstance(raw.data.get(attr), str):
            out.setdefault(raw.data[attr], raw)
    return out


def _unique(path: str, raws: list[RawRecord], items: list[Any], attr: str, label: str) -> list[Problem]:
    seen: dict[str, RawRecord] = {}
    problems = []
    for raw in raws:
        value = raw.data.get(attr) if isinstance(raw.data, dict) else None
        if not isinstance(value, str):
            continue
        if value in seen:
            line, col = locate_field(raw, (attr,))
            problems.append(
                Problem(path, line, col, f"duplicate {label} '{value}' (first used on line {seen[value].line})",
                        key=value, field=attr)
            )
        else:
            seen[value] = raw
    return problems


def _theme_links(path: str, raws: list[RawRecord], refs: list[Any], theme_ids: set[str]) -> list[Problem]:
    problems = []
    by_key = _raw_by_key(raws, "key")
    for ref in refs:
        for i, theme in enumerate(ref.themes):
            if theme not in theme_ids:
                raw = by_key[ref.key]
                line, col = locate_field(raw, ("themes", i))
                guess = difflib.get_close_matches(theme, sorted(theme_ids), n=1)
                hint = f" (did you mean '{guess[0]}'?)" if guess else f" (known: {', '.join(sorted(theme_ids)) or 'none'})"
                problems.append(Problem(path, line, col, f"theme '{theme}' is not defined in themes.yaml{hint}",
                                        key=ref.key, field=f"themes[{i}]"))
    return problems
