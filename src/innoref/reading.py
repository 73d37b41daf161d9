"""Reading ``literature.yaml`` and ``themes.yaml``: items, YAML 1.2 parsing, validation, and
every problem with its ``file:line:column``.

The file is a list of top-level items (:func:`innoref.yamlio.split_items`), and each
item is parsed on its own, so that the index (``index.py``) re-reads only the items
whose text changed. That is exact: an item that parses alone parses the same way in
the whole file. An item that does not stand alone is one of three things, told apart
here: a YAML error (placed where a parser reading the whole file would place it: one
reading from that item on), an alias to an anchor in another record (refused: a record
must stand alone, or changing one record could break another), or, rarely, text that
only the whole file makes sense of; then the whole file is parsed, as for files that do
not split at all (a ``%YAML`` directive, a ``...`` document end).

Problems of an item are kept relative to the item's first line (:class:`Flaw`), since
the item's place in the file moves when records before it change. This module returns
data; it never prints, exits or writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from innoref import yamlio
from innoref.errors import DataError, InnorefError, Problem

_CONFLICT = re.compile(r"^(<{7}|={7}|>{7}|\|{7})(?: |$)", re.M)


@dataclass(frozen=True)
class Flaw:
    """A problem in one item, its line counted from the item's first line (0 = that line)."""

    line: int
    column: int  # 1-based
    message: str
    key: str | None = None
    field: str | None = None

    def placed(self, path: str, first_line: int) -> Problem:
        """The problem in the file, for an item whose first line (1-based) is ``first_line``."""
        return Problem(path, first_line + self.line, self.column, self.message, key=self.key, field=self.field)


@dataclass
class Item:
    """One top-level item, parsed (``data``, ``node``) or not (``flaws`` say why)."""

    line: int  # 0-based line of its "- " in the file
    text: str
    data: Any = None
    node: Any = None
    flaws: list[Flaw] = field(default_factory=list)
    origin: int = 0  # the line that ``node``'s marks count as the item's first (a whole-file parse's)


def read_text(path: Path) -> str:
    """A library file's text (UTF-8, a byte order mark dropped), or the problem."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InnorefError(f"{path}: cannot read: {exc.strerror}") from None
    return decode(data, str(path))


def decode(data: bytes, path: str, first_line: int = 0) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = first_line + data[: exc.start].count(b"\n") + 1
        raise DataError([Problem(path, line, 1, "not UTF-8 text; save the file as UTF-8")]) from None


def conflict_problems(text: str, path: str) -> list[Problem]:
    return [Problem(path, text.count("\n", 0, m.start()) + 1, 1,
                    f"git merge-conflict marker '{m.group(1)}' left in the file; resolve the conflict")
            for m in _CONFLICT.finditer(text)]


def _yaml_flaw(exc: Exception, line_offset: int = 0) -> Flaw:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"YAML: {problem}" + (f" ({context})" if context else "")
    if mark is None:
        return Flaw(0, 1, message)
    return Flaw(mark.line + line_offset, mark.column + 1, message)


def _bounded(node: Any) -> list[Flaw]:
    if yamlio.expanded_size(node) > yamlio.MAX_VALUES:
        return [Flaw(0, 1, f"YAML aliases in this record expand to more than {yamlio.MAX_VALUES:,} values "
                           "(an alias bomb?); write the values out")]
    return []


_KEY_LINE = re.compile(r"""^-?[ \t]*key:[ \t]*(["']?)([^"'#\s]+)\1[ \t]*(?:#.*)?$""", re.M)


def written_key(text: str) -> str | None:
    """The key an item's text gives on its first "key:" line, read as text: the record a YAML
    error belongs to, when the YAML cannot say."""
    import unicodedata

    m = _KEY_LINE.search(text)
    return unicodedata.normalize("NFC", m.group(2)) if m else None


def with_key(flaw: Flaw, text: str) -> Flaw:
    """``flaw`` naming the record whose text ``text`` is, when it does not already."""
    from dataclasses import replace

    return flaw if flaw.key is not None else replace(flaw, key=written_key(text))


def read_item(text: str, first_line: int) -> Item:
    """One item on its own; ``flaws`` hold its YAML problem when it does not stand alone."""
    item = Item(first_line, text)
    try:
        node = yamlio.compose(text)
    except yamlio.YAMLError as exc:
        item.flaws = [with_key(_yaml_flaw(exc), text)]
        return item
    if not isinstance(node, yamlio.SequenceNode) or len(node.value) != 1:
        item.flaws = [Flaw(0, 1, "YAML: the item does not stand alone")]
        return item
    item.node = node.value[0]
    if "*" in text:  # without an alias nothing can expand: spare the walk
        item.flaws = _bounded(item.node)
    if not item.flaws:
        try:
            item.data = yamlio.construct(item.node)
        except yamlio.YAMLError as exc:  # a tag such as !!python/object is refused, never run
            item.flaws = [_yaml_flaw(exc)]
    return item


def place_failure(items: list[tuple[int, str]], failed: int) -> Flaw | None:
    """The whole-file parser's first error, for a file whose item ``failed`` does not parse alone.

    Every item before it stands alone, so a parser of the whole file is, at that item,
    where a parser reading from that item on starts. The error of that parse is the
    whole file's, less the lines skipped. None when the rest parses (the item leaned
    on the text after it): then only the whole file can say.
    """
    tail = "".join(chunk for _, chunk in items[failed:])
    try:
        yamlio.compose(tail)
    except yamlio.YAMLError as exc:
        return _yaml_flaw(exc)
    return None


_ALIAS_AT = re.compile(r"\*([^\s,\[\]{}]+)")


def alias_flaw(flaw: Flaw, items: list[tuple[int, str]], failed: int) -> Flaw | None:
    """A clearer flaw for an alias whose anchor is in another record (refused: see the module)."""
    if "undefined alias" not in flaw.message:
        return None
    lines = items[failed][1].splitlines()
    text = lines[flaw.line] if flaw.line < len(lines) else ""
    m = _ALIAS_AT.match(text, max(flaw.column - 1, 0)) or _ALIAS_AT.search(text)
    if m is None:
        return None
    name = m.group(1)
    anchor = re.compile(r"&" + re.escape(name) + r"(?![^\s,\[\]{}])")
    for n, (line, chunk) in enumerate(items):
        found = anchor.search(chunk)
        if found and n != failed:
            where = line + chunk.count("\n", 0, found.start()) + 1
            return Flaw(flaw.line, flaw.column,
                        f"the alias *{name} refers to an anchor in another record (line {where}); a record "
                        "must stand alone, so that changing one cannot break another: write the value out")
    return None


def read_whole(text: str, path: str) -> tuple[list[Item], list[Problem]]:
    """Every item of a file read whole (it does not split into items, or an item leans on
    the text after it). Items carry their node; positions are the file's (line 0 based)."""
    problems = conflict_problems(text, path)
    if problems:
        return [], problems
    try:
        node = yamlio.compose(text)
    except yamlio.YAMLError as exc:
        return [], [_yaml_flaw(exc).placed(path, 1)]
    if node is None:
        return [], []
    if not isinstance(node, yamlio.SequenceNode):
        return [], [Problem(path, node.start_mark.line + 1, node.start_mark.column + 1,
                            "the file must be a list of records, each starting with '- '")]
    items = []
    lines = text.splitlines(keepends=True)
    starts = [n.start_mark.line for n in node.value] + [len(lines)]
    for i, item_node in enumerate(node.value):
        first = item_node.start_mark.line
        item = Item(first, "".join(lines[first:starts[i + 1]]), node=item_node, origin=first)
        item.flaws = _bounded(item_node)
        if not item.flaws:
            try:
                item.data = yamlio.construct(item_node)
            except yamlio.YAMLError as exc:
                item.flaws = [_yaml_flaw(exc, -first)]
        items.append(item)
    return items, []


# --------------------------------------------------------------------------- positions and validation


def locate(item: Item, loc: tuple[Any, ...], *, key_itself: bool = False) -> tuple[int, int]:
    """Line (0-based, from the item's first line) and column (1-based) of the value at ``loc``."""
    node = item.node
    if node is None:
        return 0, 1
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
    return mark.line - item.origin, mark.column + 1


def loc_text(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validation_flaws(item: Item, exc: Any, known: tuple[str, ...], key: str | None) -> list[Flaw]:
    from innoref.models import error_messages

    flaws = []
    for loc, message, kind in error_messages(exc, known):
        if kind == "extra_forbidden":
            line, col = locate(item, loc, key_itself=True)
        elif kind == "missing":
            line, col = locate(item, loc[:-1])
        else:
            line, col = locate(item, loc)
        flaws.append(Flaw(line, col, message, key=key, field=loc_text(loc) or None))
    return flaws


def _key_of(data: Any, name: str) -> str | None:
    value = data.get(name) if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def validate_reference(item: Item):
    """The item's record, or None and its flaws (the item's YAML flaws when it did not parse)."""
    from pydantic import ValidationError

    from innoref.models import FIELD_NAMES, validate_reference as validate

    if item.flaws:
        return None, item.flaws
    if not isinstance(item.data, dict):
        return None, [Flaw(0, 1, "a record must be a mapping of fields (field: value)")]
    try:
        return validate(item.data), []
    except ValidationError as exc:
        return None, validation_flaws(item, exc, FIELD_NAMES, _key_of(item.data, "key"))


def positions(item: Item, ref: Any) -> dict[str, Any]:
    """Where the record's key and each of its themes stand (for problems across records)."""
    return {"key": locate(item, ("key",)),
            "themes": [locate(item, ("themes", i)) for i in range(len(ref.themes))]}


# --------------------------------------------------------------------------- themes.yaml


def read_themes(path: Path) -> tuple[list[Any], list[Problem]]:
    """The themes of a themes.yaml, validated, and every problem (unique ids included)."""
    from pydantic import ValidationError

    from innoref.models import validate_theme

    text = read_text(path)
    where = str(path)
    problems = conflict_problems(text, where)
    if problems:
        return [], problems
    split = yamlio.split_items(text)
    if split is None:
        items, problems = read_whole(text, where)
    else:
        items = [read_item(chunk, line) for line, _, chunk in split]
        if any(i.flaws for i in items):
            items, problems = read_whole(text, where)
    themes, seen = [], {}
    for item in items:
        if item.flaws:
            problems += [f.placed(where, item.line + 1) for f in item.flaws]
            continue
        theme_id = _key_of(item.data, "id")
        if not isinstance(item.data, dict):
            problems.append(Problem(where, item.line + 1, 1, "a theme must be a mapping of fields (field: value)"))
            continue
        try:
            theme = validate_theme(item.data)
        except ValidationError as exc:
            from innoref.models import ThemeModel

            problems += [f.placed(where, item.line + 1)
                         for f in validation_flaws(item, exc, tuple(ThemeModel.model_fields), theme_id)]
            continue
        if theme.id in seen:
            line, col = locate(item, ("id",))
            problems.append(Problem(where, item.line + 1 + line, col,
                                    f"duplicate theme id '{theme.id}' (first used on line {seen[theme.id]})",
                                    key=theme.id, field="id"))
            continue
        seen[theme.id] = item.line + 1
        themes.append(theme)
    return themes, sorted(problems, key=lambda p: (p.line, p.column))
