"""The query language: text -> a tree of small predicates.

One parser serves every command that selects references (``list``, ``search``,
``export``, ``cite --scope``, ``stats``, ``page``). The API::

    from innoref.query import parse_query, QueryError
    query = parse_query('innovasjon (author:moland OR author:teigen) -year:<2000')
    query.root                        # the predicate tree: Text, Year, Type, Lang, Not, And, Or
    query & other_query               # both must match (the filter options, see cli/filters.py)
    query.scoring()                   # the text predicates that ranking and highlighting use

How a tree is matched against the library is :mod:`innoref.search` (SQL over the
index); the field names come from :mod:`innoref.fields`.

The language, as the README documents it:

* bare terms must all match (AND); ``OR`` between alternatives; parentheses group;
  ``-term``, ``-field:value``, ``-(...)`` and ``NOT term`` leave out;
* ``"quoted phrase"``: the words in that order;
* ``field:value`` with the fields in :data:`FIELDS`; values may be quoted;
* years: ``year:2013``, ``year:2010..2013``, ``year:>=2010``, ``year:<2000``,
  ``year:2010..``, ``year:..2013``.

Matching rules (the same for every text field, after :func:`innoref.text.fold_loose`):
a term matches a word that starts with it; a term of four letters or more also
matches inside a word (Norwegian writes compounds as one word); a phrase is its
words in order, the last of which may be the start of a word. A term with
punctuation inside (``May-Britt``, ``2013:52``) is the phrase of its words.

A malformed query raises :class:`QueryError` (exit 2) with the 0-based position
of the fault. This module never prints, never exits and does no I/O.
"""

from __future__ import annotations

import difflib
import re
from typing import Iterator

from innoref.errors import QueryError
from innoref.fields import ALIASES, QUERY_FIELDS as FIELDS
from innoref.text import words

__all__ = ["FIELDS", "Query", "QueryError", "parse_query", "field_predicate", "MIN_INWORD"]

# A term this long (after folding) also matches inside a word.
MIN_INWORD = 4
_FIELD = re.compile(r"([A-Za-z][A-Za-z_]*):")  # short_title: too
_YEAR = re.compile(r"^(?:(?P<op>>=|<=|>|<)?(?P<one>\d{1,4})|(?P<lo>\d{1,4})?\.\.(?P<hi>\d{1,4})?)$")
_KEYWORDS = ("OR", "AND", "NOT")


# --------------------------------------------------------------------------- predicates


class Node:
    """A predicate over the records of the library (matched by :mod:`innoref.search`).

    Nodes are small immutable values compared by their fields (``_fields``); plain
    classes rather than dataclasses, whose generated code costs a millisecond each
    at import, and every command that filters imports this module.
    """

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and all(getattr(self, f) == getattr(other, f) for f in self._fields)

    def __hash__(self) -> int:
        return hash((type(self).__name__, *(getattr(self, f) for f in self._fields)))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(repr(getattr(self, f)) for f in self._fields)})"

    def scoring(self) -> Iterator["Text"]:
        """The text predicates that make a record match (not those under NOT)."""
        return iter(())


class Everything(Node):
    __slots__ = ()

    def __str__(self) -> str:
        return "*"


class Text(Node):
    """A term (one word) or phrase (several), in one field or (field None) in all.

    ``source`` is the query text and the position of the value in it, for an error
    found only against the library (a theme that themes.yaml does not have)."""

    __slots__ = ("words", "field", "source")
    _fields = ("words", "field")

    def __init__(self, words: tuple[str, ...], field: str | None = None, source: tuple[str, int] | None = None):
        self.words = tuple(words)
        self.field = field
        self.source = source

    def scoring(self) -> Iterator["Text"]:
        yield self

    def matches_word(self, word: str) -> bool:
        """Whether one folded word of a record is (part of) what this predicate finds."""
        for term in self.words:
            if word.startswith(term) or (len(term) >= MIN_INWORD and term in word):
                return True
        return False

    def __str__(self) -> str:
        text = " ".join(self.words)
        text = f'"{text}"' if len(self.words) > 1 else text
        return f"{self.field}:{text}" if self.field else text


class Year(Node):
    __slots__ = _fields = ("low", "high")

    def __init__(self, low: int | None, high: int | None):
        self.low = low
        self.high = high

    def __str__(self) -> str:
        return f"year:{self.low or ''}..{self.high or ''}"


class Type(Node):
    __slots__ = _fields = ("value",)

    def __init__(self, value: str):
        self.value = value

    def __str__(self) -> str:
        return f"type:{self.value}"


class Lang(Node):
    __slots__ = _fields = ("value",)

    def __init__(self, value: str):
        self.value = value

    def __str__(self) -> str:
        return f"lang:{self.value}"


class Not(Node):
    __slots__ = _fields = ("child",)

    def __init__(self, child: Node):
        self.child = child

    def __str__(self) -> str:
        return f"-{self.child}" if not isinstance(self.child, (And, Or)) else f"-({self.child})"


class And(Node):
    __slots__ = _fields = ("children",)

    def __init__(self, children: tuple[Node, ...]):
        self.children = tuple(children)

    def scoring(self) -> Iterator[Text]:
        for child in self.children:
            yield from child.scoring()

    def __str__(self) -> str:
        return " ".join(f"({c})" if isinstance(c, Or) else str(c) for c in self.children)


class Or(Node):
    __slots__ = _fields = ("children",)

    def __init__(self, children: tuple[Node, ...]):
        self.children = tuple(children)

    def scoring(self) -> Iterator[Text]:
        for child in self.children:
            yield from child.scoring()

    def __str__(self) -> str:
        return " OR ".join(f"({c})" if isinstance(c, And) else str(c) for c in self.children)


# --------------------------------------------------------------------------- the query


class Query:
    """A parsed query: its text and the predicate tree (``root``)."""

    __slots__ = ("text", "root")

    def __init__(self, text: str, root: Node):
        self.text = text
        self.root = root

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Query) and (self.text, self.root) == (other.text, other.root)

    def __hash__(self) -> int:
        return hash((self.text, self.root))

    def __repr__(self) -> str:
        return f"Query({self.text!r}, {self.root!r})"

    @property
    def is_everything(self) -> bool:
        return isinstance(self.root, Everything)

    def scoring(self) -> list[Text]:
        """The text predicates whose matches are ranked and highlighted."""
        return list(dict.fromkeys(self.root.scoring()))

    def __and__(self, other: "Query") -> "Query":
        if other.is_everything:
            return self
        if self.is_everything:
            return other
        parts = [c for q in (self, other) for c in (q.root.children if isinstance(q.root, And) else (q.root,))]
        text = " ".join(t for t in (self.text.strip(), other.text.strip()) if t)
        return Query(text, And(tuple(parts)))

    def __str__(self) -> str:
        return str(self.root)


EVERYTHING = Query("", Everything())


# --------------------------------------------------------------------------- parsing


class _Token:
    __slots__ = ("kind", "pos", "value", "field", "negated", "quoted", "value_pos")

    def __init__(self, kind: str, pos: int, value: str = "", field: str | None = None,
                 negated: bool = False, quoted: bool = False, value_pos: int = 0):
        self.kind = kind  # "(" ")" "-(" "OR" "AND" "NOT" or "term"
        self.pos = pos
        self.value = value
        self.field = field
        self.negated = negated
        self.quoted = quoted
        self.value_pos = value_pos


def _canonical_field(name: str, query: str, pos: int) -> str:
    lowered = name.lower()
    if lowered in FIELDS:
        return lowered
    if lowered in ALIASES:
        return ALIASES[lowered]
    guess = difflib.get_close_matches(lowered, list(FIELDS) + list(ALIASES), n=1, cutoff=0.6)
    if guess:
        hint = f"; did you mean '{ALIASES.get(guess[0], guess[0])}:'?"
    else:
        hint = f"; known fields: {', '.join(FIELDS)}"
    raise QueryError(f"unknown field '{name}'{hint}", query, pos)


def _tokens(query: str) -> list[_Token]:
    out: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "()":
            out.append(_Token(ch, i))
            i += 1
            continue
        start = i
        negated = False
        if ch == "-":
            nxt = query[i + 1] if i + 1 < n else ""
            if nxt == "(":
                out.append(_Token("-(", i))
                i += 2
                continue
            if not nxt or nxt.isspace() or nxt == ")":
                raise QueryError("'-' must be followed by what to leave out", query, i)
            negated = True
            i += 1
        field = None
        m = _FIELD.match(query, i)
        if m and not query.startswith("//", m.end()):  # "https://..." is a term, not a field
            field = _canonical_field(m.group(1), query, i)
            i = m.end()
            if i >= n or query[i].isspace() or query[i] in "()":
                raise QueryError(f"'{m.group(1)}:' needs a value after the colon", query, i)
        if query[i] == '"':
            close = query.find('"', i + 1)
            if close < 0:
                raise QueryError("unclosed quote: add the closing \"", query, i)
            value, value_pos, quoted = query[i + 1:close], i + 1, True
            i = close + 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in '()"':
                j += 1
            value, value_pos, quoted = query[i:j], i, False
            i = j
        if not quoted and field is None and not negated and value in _KEYWORDS:
            out.append(_Token(value, start))
            continue
        out.append(_Token("term", start, value, field, negated, quoted, value_pos))
    return out


def _year(value: str, query: str, pos: int) -> Year:
    m = _YEAR.match(value.strip())
    if not m:
        raise QueryError(
            f"'{value}' is not a year or year range (write 2013, 2010..2013, >=2010, <2000 or 2010..)", query, pos
        )
    if m.group("one"):
        year, op = int(m.group("one")), m.group("op")
        return {
            None: Year(year, year), ">=": Year(year, None), ">": Year(year + 1, None),
            "<=": Year(None, year), "<": Year(None, year - 1),
        }[op]
    low = int(m.group("lo")) if m.group("lo") else None
    high = int(m.group("hi")) if m.group("hi") else None
    if low is None and high is None:
        raise QueryError("'..' needs a year on at least one side (2010.., ..2013)", query, pos)
    if low is not None and high is not None and low > high:
        raise QueryError(
            f"year range {low}..{high} is empty: it ends before it starts (did you mean {high}..{low}?)", query, pos
        )
    return Year(low, high)


def field_predicate(field: str, value: str, query: str | None = None, pos: int = 0) -> Node:
    """The predicate for ``field:value``; raises QueryError with ``pos`` on a bad value.

    ``field`` may be an alias (``authors``, ``language``); ``query``/``pos`` say where
    the value stands, for the error message (the value itself by default).
    """
    query = value if query is None else query
    field = _canonical_field(field, query, pos) if field not in FIELDS else field
    if field == "year":
        return _year(value, query, pos)
    if field == "type":
        from innoref.records import REF_TYPES

        folded = value.strip().lower()
        if folded not in REF_TYPES:
            guess = difflib.get_close_matches(folded, REF_TYPES, n=1)
            hint = f"; did you mean '{guess[0]}'?" if guess else f"; choose one of {', '.join(REF_TYPES)}"
            raise QueryError(f"unknown type '{value}'{hint}", query, pos)
        return Type(folded)
    if field == "lang":
        code = value.strip().lower()
        if not re.fullmatch(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*", code):
            raise QueryError(f"'{value}' is not a language code such as nb, nn, sv or en", query, pos)
        return Lang(code)
    found = tuple(words(value))
    if not found:
        raise QueryError(f"'{field}:' needs letters or digits to search for", query, pos)
    return Text(found, field, (query, pos))


# How deep parentheses and NOT may nest: far beyond any query a person types, and far
# inside Python's recursion limit (a query of 2,000 NOTs is an error, not a crash).
MAX_DEPTH = 100


class _Parser:
    def __init__(self, query: str):
        self.query = query
        self.tokens = _tokens(query)
        self.i = 0

    def deeper(self, depth: int, pos: int) -> int:
        if depth >= MAX_DEPTH:
            raise self.error(f"the query nests parentheses or NOT more than {MAX_DEPTH} deep", pos)
        return depth + 1

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def error(self, message: str, pos: int) -> QueryError:
        return QueryError(message, self.query, pos)

    def parse(self) -> Node:
        node = self.parse_or(depth=0)
        tok = self.peek()
        if tok is not None:  # only a ')' can stop the top level early
            raise self.error("unmatched ')': no '(' before it", tok.pos)
        return node

    def parse_or(self, depth: int) -> Node:
        parts = [self.parse_and(depth)]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.i += 1
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OR", ")"):
                raise self.error("OR needs a term after it", tok.pos)
            parts.append(self.parse_and(depth))
        parts = [p for p in parts if p is not None]
        if any(isinstance(p, Everything) for p in parts):
            return Everything()
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def parse_and(self, depth: int) -> Node:
        parts: list[Node] = []
        seen_term = False
        while (tok := self.peek()) is not None and tok.kind not in ("OR", ")"):
            if tok.kind == "AND":
                self.i += 1
                continue
            seen_term = True
            node = self.parse_unary(depth)
            if node is not None:
                parts.append(node)
        tok = self.peek()
        if not seen_term:
            if tok is not None and tok.kind == "OR":
                raise self.error("OR needs a term before it", tok.pos)
            if tok is not None and tok.kind == ")" and depth > 0:
                raise self.error("empty parentheses: put a term between '(' and ')'", tok.pos)
        if not parts:
            return Everything()
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def parse_unary(self, depth: int) -> Node | None:
        tok = self.peek()
        assert tok is not None
        if tok.kind == "NOT":
            self.i += 1
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OR", ")", "AND"):
                raise self.error("NOT needs a term after it", tok.pos)
            inner = self.parse_unary(self.deeper(depth, tok.pos))
            return Not(inner) if inner is not None else None
        if tok.kind == "-(":
            self.i += 1
            return Not(self.parse_group(tok.pos + 1, depth))
        if tok.kind == "(":
            self.i += 1
            return self.parse_group(tok.pos, depth)
        self.i += 1
        leaf = self.leaf(tok)
        if leaf is None:
            return None
        return Not(leaf) if tok.negated else leaf

    def parse_group(self, open_pos: int, depth: int) -> Node:
        depth = self.deeper(depth, open_pos)
        if self.peek() is None:
            raise self.error("unclosed '(': add the closing ')'", open_pos)
        if self.peek().kind == ")":
            raise self.error("empty parentheses: put a term between '(' and ')'", open_pos)
        node = self.parse_or(depth)
        tok = self.peek()
        if tok is None or tok.kind != ")":
            raise self.error("unclosed '(': add the closing ')'", open_pos)
        self.i += 1
        return node

    def leaf(self, tok: _Token) -> Node | None:
        if tok.field is not None:
            return field_predicate(tok.field, tok.value, self.query, tok.value_pos)
        found = tuple(words(tok.value))
        if not found:
            if tok.quoted:
                raise self.error("the quotes hold no letters or digits to search for", tok.pos)
            return None  # a lone dash or colon pasted from a title: nothing to look for
        return Text(found)


def parse_query(text: str | None) -> Query:
    """Parse query text; an empty query matches everything. Raises QueryError."""
    text = text or ""
    if not text.strip():
        return EVERYTHING
    return Query(text, _Parser(text).parse())
