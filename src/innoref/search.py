"""Ranked search: records prepared for matching (:class:`Index`) and BM25-style scoring.

API (stable; used by ``search``, ``list`` and later commands)::

    from innoref.search import search, Index
    hits = search(refs, parse_query("innovasjon kommune"), themes)   # list[Hit], best first
    hit.reference, hit.score, hit.matched                              # Reference, float, words
    index = Index.from_references(refs, themes)                        # reuse for many queries

An :class:`Index` holds, for every searchable field, one block of UTF-8 text with
one line per record: the record's words folded by :func:`innoref.text.normalize`,
each line starting and ending with a space. Finding a term is one ``bytes.find``
pass over a block (in C); word boundaries are the spaces around a hit, and no
Python work is done for records that do not match. The record cache
(:mod:`innoref.cache`) stores these blocks, so a cached library of 50,000
records is searched without building 50,000 models: only the hits that are
shown become :class:`~innoref.models.Reference` objects.

Scoring: for each matched text predicate, every field adds
``weight * idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average))``
where ``tf`` is the number of occurrences in the field times 1 when the first is a
whole word, 0.6 when it starts a word and 0.3 when it is inside a word, so whole
words rank above in-word matches; title and
authors weigh most (:data:`WEIGHTS`). Ties go to the newer year. This module
returns data; it never prints.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import cached_property
from typing import TYPE_CHECKING, Any, Iterable, Protocol, Sequence

from innoref.query import MIN_INWORD
from innoref.text import fold_loose, normalize

if TYPE_CHECKING:
    from innoref.models import Reference, Theme
    from innoref.query import Query, Text

# Fields a bare term looks in; "theme" is matched through the theme list, the
# others are text blocks.
SEARCH_FIELDS = ("title", "author", "keyword", "theme", "abstract", "note", "publisher",
                 "series", "journal", "key", "year", "other")
BLOCK_FIELDS = tuple(f for f in SEARCH_FIELDS if f != "theme")
WEIGHTS = {
    "title": 3.0, "author": 3.0, "keyword": 1.5, "theme": 1.2, "abstract": 1.0, "note": 0.8,
    "publisher": 1.0, "series": 1.0, "journal": 1.0, "key": 1.0, "year": 0.5, "other": 0.5,
}
KIND_WEIGHT = (1.0, 0.6, 0.3)  # whole word, start of a word, inside a word
K1, B = 1.2, 0.75
_WORD = re.compile(r"\w+")


def _people(people: Iterable[dict[str, str]]) -> str:
    return "; ".join(" ".join(v for v in p.values() if v) for p in people)


def _join(*parts: Any) -> str:
    return " ".join(str(p) for p in parts if p)


def field_sources(data: dict[str, Any]) -> dict[str, str]:
    """The text of each block field of one record, from its ``to_data()`` dict."""
    extra = data.get("extra") or {}
    return {
        "title": data.get("title") or "",
        "author": _people((data.get("authors") or []) + (data.get("editors") or [])),
        "keyword": "; ".join(data.get("keywords") or []),
        "abstract": data.get("abstract") or "",
        "note": _join(data.get("note"), data.get("availability")),
        "publisher": data.get("publisher") or "",
        "series": _join(data.get("series"), data.get("number")),
        "journal": _join(data.get("journal"), data.get("booktitle")),
        "key": data.get("key") or "",
        "year": _join(data.get("year"), data.get("date")),
        "other": _join(data.get("place"), data.get("genre"), data.get("isbn"), data.get("doi"),
                       data.get("url"), data.get("edition"), data.get("volume"), data.get("issue"),
                       data.get("pages"), *(v for v in extra.values() if isinstance(v, (str, int)))),
    }


_SEP = "\x1f"  # between fields while one record is folded in one go


def index_lines(data: dict[str, Any]) -> dict[str, str]:
    """One record's line in each block (without the newline): :func:`normalize` of each field."""
    sources = field_sources(data)
    joined = _SEP.join(sources.values())
    if _SEP in "".join(sources.values()):  # pragma: no cover - a control character in a record
        return {name: normalize(text) for name, text in sources.items()}
    # One fold for the whole record instead of one per field (the cold build folds 50,000).
    parts = fold_loose(joined).split(_SEP)
    out = {}
    for name, part in zip(sources, parts):
        found = _WORD.findall(part)
        out[name] = " " + " ".join(found) + " " if found else " "
    return out


def theme_members(theme_lists: Iterable[Sequence[str]]) -> dict[str, list[int]]:
    """Theme id -> positions of the records that have it."""
    from collections import defaultdict

    out: defaultdict[str, list[int]] = defaultdict(list)
    for i, ids in enumerate(theme_lists):
        if len(ids) == 1:
            out[ids[0]].append(i)
        else:
            for tid in dict.fromkeys(ids):
                out[tid].append(i)
    return dict(out)


class IndexSource(Protocol):
    """Where an Index gets its records: the references in memory, or the cache."""

    count: int

    def block(self, field: str) -> bytes: ...
    def years(self) -> list[int | None]: ...
    def types(self) -> list[str]: ...
    def langs(self) -> list[str | None]: ...
    def theme_members(self) -> dict[str, list[int]]: ...
    def reference(self, i: int) -> "Reference": ...


class MemorySource:
    """An IndexSource over Reference objects."""

    def __init__(self, refs: Sequence["Reference"]):
        self.refs = list(refs)
        self.count = len(self.refs)

    @cached_property
    def _lines(self) -> list[dict[str, str]]:
        return [index_lines(r.to_data()) for r in self.refs]

    def block(self, field: str) -> bytes:
        return "".join(lines[field] + "\n" for lines in self._lines).encode("utf-8")

    def years(self) -> list[int | None]:
        return [r.year for r in self.refs]

    def types(self) -> list[str]:
        return [r.type.value for r in self.refs]

    def langs(self) -> list[str | None]:
        return [r.language for r in self.refs]

    def theme_members(self) -> dict[str, list[int]]:
        return theme_members(r.themes for r in self.refs)

    def reference(self, i: int) -> "Reference":
        return self.refs[i]


def _scan(block: bytes, words: tuple[str, ...], average: float) -> dict[int, float]:
    """Line number -> BM25 term-frequency part (``tf * (k1 + 1) / (tf + k1 * norm)``).

    One ``find`` per matching line (not per occurrence). ``tf`` is the number of
    occurrences in the line times the weight of the first one's kind: a whole word
    (``" t "``), the start of a word (``" t"``) or inside a word. Blocks are UTF-8
    bytes, searched without decoding.
    """
    needle = " ".join(words).encode("utf-8")
    anywhere = len(words) == 1 and len(needle) >= MIN_INWORD
    pattern = needle if anywhere else b" " + needle
    shift = 0 if anywhere else 1
    size = len(needle)
    find, rfind, count = block.find, block.rfind, block.count
    w_whole, w_start, w_inside = KIND_WEIGHT
    k1_plus, base, per_char = K1 + 1, K1 * (1 - B), K1 * B / average
    space, newline = 32, b"\n"
    out: dict[int, float] = {}
    line = last = 0
    pos = find(pattern)
    while pos >= 0:
        begin = rfind(newline, 0, pos) + 1
        end = find(newline, pos)
        line += count(newline, last, begin)
        last = begin
        start = pos + shift
        if block[start - 1] == space:
            weight = w_whole if block[start + size] == space else w_start
        else:
            weight = w_inside
        tf = count(pattern, pos, end) * weight
        out[line] = tf * k1_plus / (tf + base + per_char * (end - begin))
        pos = find(pattern, end)
    return out


class Index:
    """Records prepared for matching and ranking; see the module docstring."""

    def __init__(self, source: IndexSource, themes: Sequence["Theme"] = ()):
        self.source = source
        self.count = source.count
        self.themes = list(themes)
        self._blocks: dict[str, bytes] = {}
        self._hits: dict[tuple[str, tuple[str, ...]], dict[int, float]] = {}

    @classmethod
    def from_references(cls, refs: Sequence["Reference"], themes: Sequence["Theme"] = ()) -> "Index":
        return cls(MemorySource(refs), themes)

    def block(self, field: str) -> bytes:
        if field not in self._blocks:
            self._blocks[field] = self.source.block(field)
        return self._blocks[field]

    @cached_property
    def years(self) -> list[int | None]:
        return self.source.years()

    @cached_property
    def types(self) -> list[str]:
        return self.source.types()

    @cached_property
    def langs(self) -> list[str | None]:
        return self.source.langs()

    @cached_property
    def theme_members(self) -> dict[str, list[int]]:
        return self.source.theme_members()

    def reference(self, i: int) -> "Reference":
        return self.source.reference(i)

    def average_length(self, field: str) -> float:
        return max((len(self.block(field)) - self.count) / max(self.count, 1), 1.0)

    def field_hits(self, field: str, words: tuple[str, ...]) -> dict[int, float]:
        """Record position -> BM25 term-frequency part, for the records matching in ``field``."""
        key = (field, words)
        if key not in self._hits:
            if field == "theme":
                self._hits[key] = self._theme_hits(words)
            else:
                self._hits[key] = _scan(self.block(field), words, self.average_length(field))
        return self._hits[key]

    def text_hits(self, fields: Iterable[str], words: tuple[str, ...]) -> dict[str, dict[int, float]]:
        return {f: hits for f in fields if (hits := self.field_hits(f, words))}

    def _theme_hits(self, words: tuple[str, ...]) -> dict[int, float]:
        # A theme matches by its id or any word of its names; its records inherit the match.
        best: dict[str, float] = {}
        for theme in self.themes:
            text = (normalize(f"{theme.id} {theme.name} {theme.name_en or ''}") + "\n").encode("utf-8")
            found = _scan(text, words, len(text) - 1)
            if found:
                best[theme.id] = found[0]
        if not best and len(words) == 1:
            # Theme ids used in records but missing from themes.yaml still match by id.
            best = {tid: 1.0 for tid in self.theme_members if fold_loose(tid) == words[0]}
        out: dict[int, float] = {}
        for tid, value in best.items():
            for i in self.theme_members.get(tid, ()):
                if out.get(i, 0.0) < value:
                    out[i] = value
        return out


class Hit:
    """One search result: where it is in the index, its score, and (on demand) the record."""

    __slots__ = ("index", "position", "score", "_predicates", "_reference")

    def __init__(self, index: Index, position: int, score: float, predicates: list["Text"]):
        self.index = index
        self.position = position
        self.score = score
        self._predicates = predicates
        self._reference: "Reference | None" = None

    @property
    def reference(self) -> "Reference":
        if self._reference is None:
            self._reference = self.index.reference(self.position)
        return self._reference

    @property
    def matched(self) -> list[str]:
        """The words of the record (as written) that the query matched."""
        return matched_words(self.reference, self._predicates)

    def __repr__(self) -> str:
        return f"Hit({self.reference.key!r}, score={self.score})"


def word_test(predicates: Sequence["Text"], field: str):
    """A function telling whether a word (as written) in ``field`` is matched."""
    relevant = [p for p in predicates if p.field is None or p.field == field]

    def test(word: str) -> bool:
        folded = fold_loose(word)
        return any(p.matches_word(folded) for p in relevant)

    return test


def matched_words(ref: "Reference", predicates: Sequence["Text"]) -> list[str]:
    """Words of ``ref`` (as written) that the text predicates match, each once, in field order."""
    seen: dict[str, None] = {}
    sources = field_sources(ref.to_data())
    for field in BLOCK_FIELDS:
        test = word_test(predicates, field)
        for m in _WORD.finditer(unicodedata.normalize("NFC", sources[field])):
            if test(m.group()):
                seen.setdefault(m.group(), None)
    return list(seen)


def score(index: Index, predicates: Sequence["Text"]) -> dict[int, float]:
    """BM25-style scores, for every record that a text predicate matches."""
    total = max(index.count, 1)
    scores: dict[int, float] = {}
    get = scores.get
    for pred in predicates:
        by_field = index.text_hits(pred.fields, pred.words)
        n = len(set().union(*by_field.values())) if by_field else 0
        idf = math.log(1 + (total - n + 0.5) / (n + 0.5))
        for field, hits in by_field.items():
            weight = WEIGHTS[field] * idf
            for i, part in hits.items():
                scores[i] = get(i, 0.0) + weight * part
    return scores


class Hits(list):
    """The hits shown (best first) and, as ``total``, how many records matched."""

    total: int = 0


def search(source: "Index | Sequence[Reference]", query: "Query", themes: Sequence["Theme"] = (),
           limit: int | None = None) -> Hits:
    """The records matching ``query``, best first (ties: newer year first).

    ``source`` is a list of references or a prepared :class:`Index` (the cache gives
    one). With ``limit``, only the best ``limit`` hits are returned; ``total`` says
    how many matched. A hit's ``reference`` is built when it is first used.
    """
    import heapq

    index = source if isinstance(source, Index) else Index.from_references(source, themes)
    found = query.select(index)
    predicates = query.scoring()
    scores = score(index, predicates)
    get, years = scores.get, index.years
    candidates = found
    if limit is not None and len(found) > limit:
        # Only records scoring at least the limit-th best score can be shown.
        floor = heapq.nlargest(limit, (get(i, 0.0) for i in found))[-1]
        candidates = [i for i in found if get(i, 0.0) >= floor]
    ranked = sorted((-get(i, 0.0), -(years[i] or -10**6), i) for i in candidates)[:limit]
    out = Hits(Hit(index, i, round(-s, 3), predicates) for s, _, i in ranked)
    out.total = len(found)
    return out
