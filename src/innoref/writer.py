"""Records to YAML text, and changes spliced into ``literature.yaml`` as text.

This module owns how innoref *writes* YAML: one record as the block-style text a
person would type (fields in :class:`~innoref.models.Reference` order, UTF-8
letters as themselves, persons as flow mappings ``- {family: Moland, given: Leif
E.}``, short lists as ``[a, b]``, long text folded with ``>-``), and the text
operations that put such a record into a file (append, replace, remove, change
single fields). It never reads or writes files, never takes locks and never
validates a record against the library: ``editing.py`` does those.

Quoting. A value is written plain only when both YAML 1.1 (PyYAML's default,
still what most tools read) and YAML 1.2 (innoref's loader) would read it back
as the same text. The decision asks the two real resolvers (PyYAML's and
yamlcore's) rather than a list of our own, so ``2013:52`` (base 60 in 1.1),
``no``/``yes``/``on``/``off``/``true``/``null``, ``007``, ``1.10`` and
``2013-04-06`` (a date in 1.1) are quoted, and so is anything with ``: `` or
`` #``, an indicator in front, or white space at either end. Quoted text is
double-quoted with YAML escapes for the characters a YAML reader would not keep
(control characters, NEL and the Unicode line and paragraph separators, which
YAML 1.1 reads as line breaks).

Why splice text instead of re-dumping the file. PyYAML's dump drops comments
and re-flows everything; a round-trip library (ruamel.yaml) keeps most of it,
but re-emits every record, is a large dependency, is many times slower than
libyaml on a 50,000-record file, and still normalises some hand-made layout.
innoref instead treats the file as a sequence of text spans:
:func:`innoref.yamlio.split_items` finds each top-level ``- `` item by a line scan
(no YAML parse), so a command copies the bytes of every record it does not touch
and writes new text only for the record it changes. Byte-for-byte preservation
is then true by construction, not by a library's best effort. Inside a changed
record, ``--set``/``--unset`` replace only the lines of the fields they change,
using the YAML node positions of that one record (comments and layout of the
other fields stay); every splice is parsed back and compared with the intended
record, and when a record's layout defeats field splicing (a flow mapping, two
fields on one line) the record is written anew instead. When the file is not a
plain block sequence at top level (a ``%YAML`` directive, ``...``), the items
are found from the YAML scanner's ``- `` tokens instead of the line scan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from innoref.records import Reference

# Fields whose text may be folded over several lines when long.
_NO_FOLD = frozenset({"key", "url", "doi", "isbn", "language", "date", "accessed", "type"})
# Numbers kept as text: written quoted when they start with a digit ("2/2011",
# "7"), so a reader of the file sees they are text, as the shipped file writes them.
_NUMBERS_AS_TEXT = frozenset({"number", "edition", "version", "volume", "issue", "pages"})
FOLD_AFTER = 100  # columns: a one-line field longer than this is folded
WRAP_AT = 80  # columns of a folded line, indentation included
FLOW_LIST_MAX = 80  # columns: a `[a, b]` list longer than this is written as a block list

_INDICATOR_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_FORBIDDEN = frozenset(",[]{}:#?")  # PyYAML ends a flow plain scalar at "?" too
_FLOW_FORBIDDEN_RE = re.compile(r"[,\[\]{}:#?]")
_ESCAPES = {
    "\\": "\\\\", '"': '\\"', "\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n",
    "\v": "\\v", "\f": "\\f", "\r": "\\r", "\x1b": "\\e", "\x85": "\\N", "\u2028": "\\L",
    "\u2029": "\\P",
}


# Characters _safe_char refuses, for searching whole texts at once.
# The complement of what YAML may hold unescaped (\x20-\x7e, \xa0-\ud7ff, \ue000-\ufefe,
# \uff00-\ufffd, above the BMP) and the line and paragraph separators: written as the small
# ranges it leaves, which compile in microseconds rather than milliseconds.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff\u2028\u2029]")
_UNSAFE_OR_TAB = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff\u2028\u2029]")
_TO_ESCAPE = re.compile('[\\\\"]|' + _UNSAFE.pattern)


def _safe_char(ch: str) -> bool:
    """A character that may stand as itself in any scalar style and is no line break
    to either YAML version (libyaml and PyYAML read NEL, LS and PS as breaks)."""
    o = ord(ch)
    if 0x20 <= o <= 0x7E:
        return True
    if o < 0xA0:
        return False
    return not (0xD800 <= o <= 0xDFFF or o in (0xFEFF, 0xFFFE, 0xFFFF, 0x2028, 0x2029))


@lru_cache(maxsize=1)
def _resolvers():
    import yaml
    from yamlcore.loader import CommonResolver

    class Core12(CommonResolver):
        pass

    Core12.init_resolvers("core")
    return yaml.resolver.Resolver(), Core12(), yaml.ScalarNode


@lru_cache(maxsize=65536)
def reads_as_text(value: str) -> bool:
    """True when YAML 1.1 and YAML 1.2 both read ``value``, written plain, as a string."""
    v11, v12, node = _resolvers()
    text = "tag:yaml.org,2002:str"
    return v11.resolve(node, value, (True, False)) == text and v12.resolve(node, value, (True, False)) == text


def plain_ok(value: str, *, flow: bool = False) -> bool:
    """True when ``value`` can be written without quotes and read back unchanged."""
    return _plain_ok(value, flow)


@lru_cache(maxsize=65536)  # names, publishers and series repeat from record to record
def _plain_ok(value: str, flow: bool) -> bool:
    if not value or value[0] in _INDICATOR_START or value != value.strip():
        return False
    if _UNSAFE.search(value):
        return False
    if ": " in value or " #" in value or value.endswith(":"):
        return False
    if flow and _FLOW_FORBIDDEN_RE.search(value):
        return False
    return reads_as_text(value)


def double_quoted(value: str) -> str:
    if not _TO_ESCAPE.search(value):
        return f'"{value}"'
    out = ['"']
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _safe_char(ch):
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def scalar(value: Any, *, flow: bool = False) -> str:
    """One value as a one-line YAML scalar: plain when safe, else double-quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    value = str(value)
    return value if plain_ok(value, flow=flow) else double_quoted(value)


def _fold(value: str, indent: int) -> list[str] | None:
    """``value`` wrapped for a ``>-`` block at ``indent``, or None when folding
    cannot keep the text exactly (line breaks, doubled spaces at every break)."""
    if "\n" in value or value != value.strip() or _UNSAFE.search(value):
        return None
    width = max(WRAP_AT - indent, 20)
    lines: list[str] = []
    rest = value
    while len(rest) > width:
        # Break at a single space (neighbours not white), so folding gives it back.
        cut = -1
        for i in range(min(width, len(rest) - 1), 0, -1):
            if rest[i] == " " and rest[i - 1] not in " \t" and rest[i + 1] not in " \t":
                cut = i
                break
        if cut < 0:
            for i in range(width + 1, len(rest) - 1):
                if rest[i] == " " and rest[i - 1] not in " \t" and rest[i + 1] not in " \t":
                    cut = i
                    break
        if cut < 0:
            break
        lines.append(rest[:cut])
        rest = rest[cut + 1:]
    lines.append(rest)
    if len(lines) < 2:
        return None
    return lines


def _literal(value: str) -> tuple[str, list[str]] | None:
    """``value`` (which has line breaks) as a literal block: (indicator, lines)."""
    if "\r" in value or value.startswith("\n"):
        return None
    trailing = len(value) - len(value.rstrip("\n"))
    if trailing > 1:
        return None  # `|+` would swallow the blank line that follows the record
    body = value[:-1] if trailing else value
    lines = body.split("\n")
    for line in lines:
        if line[:1] in (" ", "\t") or (line and not line.strip()):
            return None
        if _UNSAFE_OR_TAB.search(line):
            return None
    return ("|" if trailing else "|-"), lines


@dataclass(frozen=True)
class Style:
    """How a file lays out its records, so new text looks like the old."""

    indent: int = 2  # column of a record's fields ("- key:" puts them at 2)
    list_indent: int = 2  # extra spaces before "- " of a list under a field
    blank_between: bool = True  # an empty line between records
    newline: str = "\n"


def field_lines(name: str, value: Any, style: Style = Style(), indent: int | None = None) -> list[str]:
    """The lines (without line ends) of one ``name: value`` at ``indent``."""
    ind = style.indent if indent is None else indent
    pad = " " * ind
    head = f"{pad}{scalar(name)}:"
    if name in ("authors", "editors", "translators") and isinstance(value, list):
        sub = " " * (ind + style.list_indent)
        return [head] + [f"{sub}- {_person(p)}" for p in value]
    if name in _NUMBERS_AS_TEXT and isinstance(value, str) and value[:1].isdigit() and "\n" not in value:
        return [f"{head} {double_quoted(value)}"]
    return _value_lines(head, value, ind, style, fold=name not in _NO_FOLD)


def _person(person: Any) -> str:
    data = person.to_data() if hasattr(person, "to_data") else dict(person)
    return "{" + ", ".join(f"{scalar(k, flow=True)}: {scalar(v, flow=True)}" for k, v in data.items()) + "}"


def _value_lines(head: str, value: Any, ind: int, style: Style, fold: bool = True) -> list[str]:
    """``head`` ("  name:" or "    - ") followed by ``value`` in block style.

    ``ind`` is the column of the name, or of the "-" of a list item."""
    item = head.endswith("- ")
    sep = "" if item else " "
    if isinstance(value, dict):
        if not value:
            return [f"{head}{sep}{{}}"]
        sub = ind + 2
        body: list[str] = []
        for k, v in value.items():
            body += _value_lines(f"{' ' * sub}{scalar(str(k))}:", v, sub, style)
        if item:
            return [head + body[0][sub:]] + body[1:]  # "- first: x", the rest under it
        return [head] + body
    if isinstance(value, list):
        if not value:
            return [f"{head}{sep}[]"]
        if all(isinstance(v, str) and plain_ok(v, flow=True) for v in value):
            flow = "[" + ", ".join(value) + "]"
            if len(head) + 1 + len(flow) <= FLOW_LIST_MAX:
                return [f"{head}{sep}{flow}"]
        sub = ind + 2 if item else ind + style.list_indent
        lines = [head.rstrip()]
        for v in value:
            lines += _value_lines(" " * sub + "- ", v, sub, style, fold)
        return lines
    if isinstance(value, str):
        pad = " " * (ind + 2)
        if "\n" in value:
            literal = _literal(value)
            if literal is not None:
                indicator, body_lines = literal
                return [f"{head}{sep}{indicator}"] + [pad + line if line else "" for line in body_lines]
        one = f"{head}{sep}{scalar(value)}"
        if fold and "\n" not in value and len(one) > FOLD_AFTER:
            folded = _fold(value, ind + 2)
            if folded is not None:
                return [f"{head}{sep}>-"] + [pad + line for line in folded]
        return [one]
    return [f"{head}{sep}{scalar(value)}"]


def record_lines(ref: "Reference", style: Style = Style()) -> list[str]:
    """The record as lines: "- key: ..." then its fields, in model order."""
    lines: list[str] = []
    for name, value in ref.to_data().items():
        if name in ("authors", "editors", "translators"):
            value = getattr(ref, name)
        lines += field_lines(name, value, style)
    first = lines[0]
    lines[0] = "-" + " " * (style.indent - 1) + first[style.indent:]
    return lines


def record_text(ref: "Reference", style: Style = Style()) -> str:
    """One record as the text of a top-level item, ending in a line break."""
    return style.newline.join(record_lines(ref, style)) + style.newline


def written_positions(text: str) -> dict[str, object]:
    """Where :func:`record_text` put the key's value and each theme: (line from the record's
    first, 0-based; column, 1-based), as ``reading.positions`` finds them by parsing (a
    property test holds the two equal), for the index of a record innoref has just written."""
    lines = text.split("\n")
    key = (0, lines[0].index("key:") + len("key: ") + 1)
    themes: list[tuple[int, int]] = []
    for n, line in enumerate(lines):
        head = line.lstrip()
        if not head.startswith("themes:") or len(line) - len(head) != key[1] - len("key: ") - 1:
            continue
        rest = head[len("themes:"):]
        if rest.strip().startswith("["):  # a flow list of plain ids: [a, b]
            at = line.index("[") + 1
            for theme in rest.strip()[1:-1].split(", "):
                themes.append((n, at + 1))
                at += len(theme) + 2
        else:  # a block list: one "- id" a line (a block scalar's own lines under it)
            dash = None
            for m, item in enumerate(lines[n + 1:], start=n + 1):
                body = item.lstrip()
                indent = len(item) - len(body)
                if dash is not None and indent > dash:
                    continue  # a line of the item above ("- |" and its text)
                if not body.startswith("- "):
                    break
                dash = indent
                themes.append((m, indent + 3))
        break
    return {"key": key, "themes": themes}


# --------------------------------------------------------------------------- the file as spans

_LIST_UNDER_KEY = re.compile(r"^( +)[^\s#-][^:#]*:[ \t]*\r?\n( *)- ", re.M)
_FIRST_FIELD = re.compile(r"^-( +)\S", re.M)


def detect_style(text: str, items: list[str]) -> Style:
    newline = "\r\n" if "\r\n" in text[: text.find("\n") + 1 or len(text)] else "\n"
    indent, list_indent, blank = 2, 2, True
    sample = "".join(items[:20])
    m = _FIRST_FIELD.search(sample)
    if m:
        indent = 1 + len(m.group(1))
    m = _LIST_UNDER_KEY.search(sample)
    if m:
        list_indent = max(len(m.group(2)) - len(m.group(1)), 0)
    if len(items) >= 2:
        ends_blank = sum(1 for item in items[:-1] if item.endswith(("\n\n", "\r\n\r\n")))
        blank = ends_blank * 2 >= len(items) - 1
    return Style(indent=indent, list_indent=list_indent, blank_between=blank, newline=newline)


@dataclass
class Document:
    """``literature.yaml`` as text spans: ``head`` (comments before the first
    record), one span per top-level item, each running up to the next item (so
    trailing blank lines and comments travel with the record before them), and a
    ``trailer`` from a document end marker on. ``head + "".join(items) + trailer``
    is the file, byte for byte."""

    head: str
    items: list[str]
    style: Style
    scanned: bool = False  # items found by the YAML scanner (an unusual layout)
    trailer: str = ""  # a document end marker ("...") and what follows it

    @classmethod
    def from_text(cls, text: str) -> "Document":
        from innoref import yamlio

        split = yamlio.split_items(text) if text.strip() else None
        if split is not None:
            head = text[:split[0][1]]
            items = [span for _, _, span in split]
            return cls(head, items, detect_style(text, items))
        if not _has_content(text):
            return cls(text, [], detect_style(text, []))
        head, items, trailer = _scan_items(text)
        return cls(head, items, detect_style(text, items), scanned=True, trailer=trailer)

    def text(self) -> str:
        return self.head + "".join(self.items) + self.trailer

    # Each item's text without the blank lines and top-level comments that follow it.
    def own(self, index: int) -> tuple[str, str]:
        return split_tail(self.items[index])

    def append(self, record: str) -> None:
        """Add a record at the end, separated as the file separates records."""
        nl = self.style.newline
        if self.items:
            last = self.items[-1]
            if not last.endswith("\n"):
                last += nl
            if self.style.blank_between and not _ends_blank(last):
                last += nl
            self.items[-1] = last
        elif self.head.strip():
            if not self.head.endswith("\n"):
                self.head += nl
            if not _ends_blank(self.head):
                self.head += nl
        self.items.append(record)

    def replace(self, index: int, record: str) -> None:
        """Put ``record`` in place of item ``index``, keeping what followed it."""
        _, tail = self.own(index)
        if not record.endswith("\n"):
            record += self.style.newline
        self.items[index] = record + tail

    def remove(self, index: int) -> None:
        """Take out item ``index`` and the empty lines after it; comments stay."""
        _, tail = self.own(index)
        kept = tail.lstrip("\r\n")
        if index > 0:
            self.items[index - 1] += kept
        else:
            self.head += kept
        del self.items[index]
        if index == len(self.items) and not kept:
            # The last record went: end the file as it ended before that record came.
            nl = self.style.newline
            if self.items:
                self.items[-1] = self.items[-1].rstrip("\r\n") + nl
            elif self.head.strip():
                self.head = self.head.rstrip("\r\n") + nl
            else:
                self.head = ""


_PROBE = 65536  # bytes of a large file's head and tail read to decide how to append


def append_bytes(raw: bytes, ref: "Reference") -> tuple[bytes, bool]:
    """``raw`` (a literature.yaml's bytes) with ``ref`` appended as :meth:`Document.append`
    would, without decoding or splitting a large file whole: the style comes from
    its head, the separator from its tail, and both ends must be plain record
    lists (else the whole file is read as a :class:`Document`). The flag is True
    when the file had an unusual layout (the caller should verify the whole text)."""
    if len(raw) > 2 * _PROBE:
        head = raw[:_PROBE]
        head = head[: head.rfind(b"\n") + 1].decode("utf-8-sig", errors="strict")
        tail = raw[-_PROBE:]
        tail = tail[tail.find(b"\n") + 1:].decode("utf-8", errors="strict")
        from innoref import yamlio

        head_split = yamlio.split_items(head)
        if head_split is not None and _plain_tail(tail):
            items = [span for _, _, span in head_split]
            style = detect_style(head, items)
            nl = style.newline
            out = tail
            if not out.endswith("\n"):
                out += nl
            if style.blank_between and not _ends_blank(out):
                out += nl
            sep = out[len(tail):]
            return raw + (sep + record_text(ref, style)).encode("utf-8"), False
    bom = raw.startswith(b"\xef\xbb\xbf")
    doc = Document.from_text(raw.decode("utf-8-sig"))
    doc.append(record_text(ref, doc.style))
    return (b"\xef\xbb\xbf" if bom else b"") + doc.text().encode("utf-8"), doc.scanned


def _plain_tail(tail: str) -> bool:
    """The end of a file is block-list items only (no "..." or other top-level line)."""
    return all(line[:1] in ("", " ", "\t", "#", "\r") or line.startswith(("- ", "-\t")) or line.rstrip() == "-"
               for line in tail.split("\n"))


def _ends_blank(text: str) -> bool:
    return text.endswith("\n\n") or text.endswith("\r\n\r\n")


def _has_content(text: str) -> bool:
    """True when the text holds anything but blank lines, comments and "---"."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and stripped != "---":
            return True
    return False


_TAIL_LINE = re.compile(r"^(?:[ \t]*|#.*)\r?\n?$")


def split_tail(item: str) -> tuple[str, str]:
    """An item's own text, and the blank lines and column-0 comments after it."""
    lines = item.splitlines(keepends=True)
    cut = len(lines)
    while cut > 1 and _TAIL_LINE.match(lines[cut - 1]):
        cut -= 1
    return "".join(lines[:cut]), "".join(lines[cut:])


def _scan_items(text: str) -> tuple[str, list[str], str]:
    """Find top-level items from the YAML scanner's "- " tokens."""
    import yaml

    from innoref import yamlio
    from innoref.errors import InnorefError

    depth = 0
    starts: list[int] = []
    end = len(text)
    for token in yaml.scan(text, Loader=yamlio.TextNumberLoader):
        if isinstance(token, (yaml.BlockSequenceStartToken, yaml.BlockMappingStartToken,
                              yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
            depth += 1
        elif isinstance(token, (yaml.BlockEndToken, yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)):
            depth -= 1
        elif isinstance(token, yaml.BlockEntryToken) and depth == 1:
            starts.append(token.start_mark.index)
        elif isinstance(token, yaml.DocumentEndToken) and starts:
            end = text.rfind("\n", 0, token.start_mark.index) + 1
    if not starts:
        raise InnorefError(
            "literature.yaml is not a block list of records ('- key: ...' items); "
            "innoref can only change a file laid out that way"
        )
    line_starts = [text.rfind("\n", 0, s) + 1 for s in starts]
    if any(text[ls:s].strip() for ls, s in zip(line_starts, starts)):
        raise InnorefError("literature.yaml has records that do not start a line; innoref cannot change it safely")
    head = text[: line_starts[0]]
    items = [text[a:b] for a, b in zip(line_starts, line_starts[1:] + [end])]
    return head, items, text[end:]  # a document end marker stays at the end


# --------------------------------------------------------------------------- one record's fields


_AFTER_VALUE = re.compile(r"\s+(#.*?)\s*$")
_AFTER_KEY = re.compile(r"\s*:\s+(#.*?)\s*$")
_AFTER_INDICATOR = re.compile(r"[|>][-+0-9]*\s+(#.*?)\s*$")


def _end_of_line_comment(first_line: str, key, value) -> str | None:
    """The comment at the end of a field's first line ("publisher: Fafo  # checked"), if any."""
    line = key.start_mark.line
    text = first_line.rstrip("\r\n")
    if value.start_mark.line == line and value.end_mark.line == line:
        m = _AFTER_VALUE.match(text, value.end_mark.column)  # after a scalar or [flow, list]
    elif value.start_mark.line == line and getattr(value, "style", None) in ("|", ">"):
        m = _AFTER_INDICATOR.match(text, value.start_mark.column)  # "note: >-  # ..."
    else:
        m = _AFTER_KEY.match(text, key.end_mark.column)  # "authors:  # ..." over a block list
    return m.group(1) if m else None


def _field_spans(item: str) -> list[tuple[str, int, int, int, str | None]] | None:
    """(name, first line, end line, column, end-of-line comment) for each field of the
    item's record, the end excluding trailing blank and comment lines; None when the
    layout does not allow changing fields one by one."""
    from innoref import yamlio

    try:
        node = yamlio.compose(item)
    except yamlio.YAMLError:
        return None
    if not isinstance(node, yamlio.SequenceNode) or len(node.value) != 1:
        return None
    mapping = node.value[0]
    if not isinstance(mapping, yamlio.MappingNode) or mapping.flow_style:
        return None
    lines = item.splitlines(keepends=True)
    own_end = len(split_tail(item)[0].splitlines())
    starts = []
    for k, _ in mapping.value:
        if not isinstance(k, yamlio.ScalarNode):
            return None
        starts.append((k.value, k.start_mark.line, k.start_mark.column))
    if [s[1] for s in starts] != sorted({s[1] for s in starts}) or starts[0][1] != 0:
        return None  # two fields on one line, or the first field not on the "- " line
    values = [v for _, v in mapping.value]
    spans = []
    for i, (name, line, col) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else own_end
        block_scalar = isinstance(values[i], yamlio.ScalarNode) and values[i].style in ("|", ">")
        # Blank lines and comments before the next field belong to that field,
        # except inside a block scalar, where "# ..." is text.
        while end > line + 1 and (
            not lines[end - 1].strip() or (not block_scalar and lines[end - 1].lstrip().startswith("#"))
        ):
            end -= 1
        comment = _end_of_line_comment(lines[line], mapping.value[i][0], values[i])
        spans.append((name, line, end, col, comment))
    return spans


def change_fields(item: str, ref: "Reference", names: list[str], style: Style) -> str | None:
    """The item's text with the fields ``names`` set to their values in ``ref``
    (or removed when ``ref`` leaves them empty), other lines kept as they are; a
    comment at the end of a changed field's first line stays at the end of its new
    first line. None when the record's layout does not allow it."""
    from innoref.records import FIELDS as FIELD_NAMES

    spans = _field_spans(item)
    if spans is None:
        return None
    own, tail = split_tail(item)
    lines = own.splitlines(keepends=True)
    nl = style.newline
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += nl
    col = spans[0][3]
    data = ref.to_data()
    present = {s[0]: s for s in spans}
    # Work from the bottom up so earlier line numbers stay right.
    edits: list[tuple[int, int, int, list[str]]] = []
    for name in names:
        new = field_lines(name, getattr(ref, name) if name in ("authors", "editors", "translators") else data.get(name), style, col) \
            if name in data else []
        if name in present:
            _, start, end, _, comment = present[name]
            if comment and new:
                new = [f"{new[0]}  {comment}"] + new[1:]
            if start == 0 and new:
                new = [lines[0][:col] + new[0][col:]] + new[1:]
            elif start == 0:
                return None  # removing the first field would take the "- " with it
            edits.append((start, end, FIELD_NAMES.index(name), new))
        elif new:
            order = FIELD_NAMES.index(name)
            before = [s for s in spans if s[0] in FIELD_NAMES and FIELD_NAMES.index(s[0]) < order]
            at = max(s[2] for s in before) if before else None
            if at is None:
                return None
            edits.append((at, at, order, new))
    # From the bottom up, so earlier line numbers stay right; fields inserted at
    # one place go in model order.
    for start, end, _, new in sorted(edits, key=lambda e: (e[0], e[1], e[2]), reverse=True):
        lines[start:end] = [line + nl for line in new]
    return "".join(lines) + tail
