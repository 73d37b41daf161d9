"""YAML reading with YAML 1.2 core-schema rules, on libyaml when it is there.

PyYAML's default (YAML 1.1) reads ``2013:52`` as the base-60 integer 120832 and
``no`` as false; yamlcore's core schema does neither. On top of it, numbers are
kept as the text the user wrote (``number: 007`` stays "007", ``1.10`` stays
"1.10"), since no field of ours is a float and the models turn "2013" into a year.
Only safe tags are known: a ``!!python/...`` tag is an error, never code.
"""

from __future__ import annotations

import re

import yaml
from yamlcore import CoreLoader

try:
    from yamlcore import CCoreLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = CoreLoader  # type: ignore[misc]


_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = frozenset({"true", "True", "TRUE", "false", "False", "FALSE"})
_TAGS = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool")


class TextNumberLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """YAML 1.2 core schema; integers and floats come back as their source text."""

    def resolve(self, kind, value, implicit):  # type: ignore[override]
        """The core schema's tags, told apart by set lookups instead of a regular expression per
        scalar. Integers and floats are left as strings: they are constructed as their source text
        anyway (see below), so only null and the booleans need telling apart."""
        if kind is yaml.ScalarNode:
            if implicit[0]:
                if value in _NULLS:
                    return _TAGS[1]
                if value in _BOOLS:
                    return _TAGS[2]
            return _TAGS[0]
        return super().resolve(kind, value, implicit)


def _as_text(loader: yaml.BaseLoader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


TextNumberLoader.add_constructor("tag:yaml.org,2002:int", _as_text)
TextNumberLoader.add_constructor("tag:yaml.org,2002:float", _as_text)

YAMLError = yaml.YAMLError
MarkedYAMLError = yaml.MarkedYAMLError
MappingNode = yaml.MappingNode
SequenceNode = yaml.SequenceNode
ScalarNode = yaml.ScalarNode


def compose(text: str) -> yaml.Node | None:
    """Parse ``text`` into a node tree (with line and column marks)."""
    loader = TextNumberLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def construct(node: yaml.Node) -> object:
    """Turn a node from :func:`compose` into Python data."""
    loader = TextNumberLoader("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


def load(text: str) -> object:
    return yaml.load(text, Loader=TextNumberLoader)


# --------------------------------------------------------------------------- top-level items

_TOP = {str: re.compile(r"\n[^ \t#\n\r]"), bytes: re.compile(rb"\n[^ \t#\n\r]")}
# Line breaks that YAML knows besides "\n" and "\r\n": a lone "\r", and (in YAML 1.1, as libyaml
# reads) NEL, LS and PS. The split below knows only "\n" lines.
_LONE_CR = {str: re.compile("\r(?!\n)"), bytes: re.compile(rb"\r(?!\n)")}
ODD_BREAKS = {str: re.compile("\r(?!\n)|[\x85\u2028\u2029]"), bytes: re.compile(rb"\r(?!\n)|\xc2\x85|\xe2\x80[\xa8\xa9]")}


def split_items(text: str | bytes) -> list[tuple[int, int, str | bytes]] | None:
    """The top-level items of a block sequence: ``(first line, offset, item text)`` for each,
    the line 0-based and the offset in ``text``'s own units (characters or bytes).

    An item runs from its ``- `` at the start of a line up to the next one, so the
    comments and blank lines after a record travel with it, and the texts of all
    items together are the file from the first item on. Before the first item only
    blank lines, comments and one ``---`` may stand. Works alike on ``str`` and on
    UTF-8 ``bytes`` (a newline byte is never part of another character). None when
    the file is not laid out that way (a ``%YAML`` directive, a ``...`` document end,
    another top-level line, lines that end in a lone ``\r``): then it is read whole.

    NEL, LS and PS are line breaks to libyaml too; searching 50 MB of bytes for them
    costs more than the split, so for ``bytes`` they are the caller's to look for in
    the items it reads (:data:`ODD_BREAKS`), and ``str`` is checked here.
    """
    kind = type(text)
    if kind is str and ODD_BREAKS[str].search(text):
        return None
    if kind is bytes and b"\r" in text and _LONE_CR[bytes].search(text):
        return None
    dash, blank, marker = ("-", (" ", "\t", "\n", "\r\n", ""), "---") if kind is str else \
        (b"-", (b" ", b"\t", b"\n", b"\r\n", b""), b"---")
    starts: list[int] = []
    candidates = [0] if text[:1] and text[:1] not in ((" ", "\t", "#", "\n", "\r") if kind is str
                                                      else (b" ", b"\t", b"#", b"\n", b"\r")) else []
    candidates += [m.start() + 1 for m in _TOP[kind].finditer(text)]
    for pos in candidates:
        if text[pos:pos + 1] == dash and (text[pos + 1:pos + 2] in blank or text[pos + 1:pos + 3] in blank):
            starts.append(pos)
            continue
        end = text.find("\n" if kind is str else b"\n", pos)
        if not starts and text[pos:end if end >= 0 else None].rstrip() == marker:
            continue
        return None
    if not starts:
        return None
    items: list[tuple[int, int, str | bytes]] = []
    line = last = 0
    newline = "\n" if kind is str else b"\n"
    bounds = starts + [len(text)]
    for k, pos in enumerate(starts):
        line += text.count(newline, last, pos)
        last = pos
        items.append((line, pos, text[pos:bounds[k + 1]]))
    return items


# --------------------------------------------------------------------------- aliases

MAX_VALUES = 100_000  # values one record may expand to through aliases


def expanded_size(node: yaml.Node, limit: int = MAX_VALUES) -> int:
    """How many values ``node`` holds once every alias is expanded, up to ``limit`` + 1.

    An alias is the same node object reached twice, so nine levels of nine aliases
    (an "alias bomb") are counted in nine steps, not built: a cloned repository must
    not make innoref run out of memory.
    """
    sizes: dict[int, int] = {}

    def size(n: yaml.Node, depth: int = 0) -> int:
        known = sizes.get(id(n))
        if known is not None:
            return known
        if depth > 200:  # deeper than any record; a cycle of aliases cannot be built by YAML
            return limit + 1
        total = 1
        if isinstance(n, yaml.SequenceNode):
            for child in n.value:
                total += size(child, depth + 1)
                if total > limit:
                    break
        elif isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                total += size(k, depth + 1) + size(v, depth + 1)
                if total > limit:
                    break
        sizes[id(n)] = total = min(total, limit + 1)
        return total

    return size(node)
