"""Finding and ranking records: a parsed query (``query.py``) as SQL over the index (``index.py``).

Matching, as the README documents it: a term matches a word that starts with it (an
FTS5 prefix query); a term of four letters or more also matches inside a word
(Norwegian writes compounds as one word: ``aktør`` finds *verkemiddelaktørar*), by
looking the term up in the index's table of distinct words; a phrase is its words in
order, the last of which may be the start of a word. ``theme:`` and bare terms also
match a theme's id and the words of its names (``themes.yaml``), and a theme's records
match with it.

Ranking: BM25 (SQLite's ``bm25()``) with the field weights of ``fields.py``, taken
three times for each term of the query: for whole words (weight 1), for starts of
words (0.6) and for matches inside words (0.3), so a whole word ranks above the start
of a word, which ranks above a match inside one; a theme match counts with the
theme's weight and the BM25 idf of its records. Ties go to the newer year, then to
the record that comes first in the file.

Pure SQL building and Python over rows: never prints, never writes.
"""

from __future__ import annotations

import difflib
import math
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Sequence

from innoref import fields
from innoref.query import MIN_INWORD, And, Everything, Lang, Node, Not, Or, Query, Text, Type, Year
from innoref.text import fold_loose, normalize

if TYPE_CHECKING:
    from innoref.records import Reference, Theme

KIND_WEIGHT = (1.0, 0.6, 0.3)  # whole word, start of a word, inside a word
_WORD = re.compile(r"\w+")
_BM25 = {table: f"bm25({table}, " + ", ".join(str(fields.BY_NAME[c].weight) for c in columns) + ")"
         for table, columns in fields.TABLES.items()}


def _quoted(words: Sequence[str]) -> str:
    return '"' + " ".join(w.replace('"', '""') for w in words) + '"'


def _columns(field: str | None) -> dict[str, tuple[str, ...]]:
    """The full-text columns a predicate looks in, by table (none: only the themes)."""
    if field is None:
        return dict(fields.TABLES)
    return {table: (field,) for table, columns in fields.TABLES.items() if field in columns}


def _scoped(table: str, columns: tuple[str, ...], expression: str) -> str:
    if columns == fields.TABLES[table]:
        return expression
    return "{" + " ".join(columns) + "} : (" + expression + ")"


# --------------------------------------------------------------------------- the themes


def theme_matches(words: tuple[str, ...], themes: Sequence["Theme"], used: Sequence[str] = ()) -> dict[str, int]:
    """Theme id -> how it matches (0 whole word, 1 start of a word, 2 inside a word), by its
    id or a word of its names. ``used``: ids records have that themes.yaml lacks (by id only)."""
    found: dict[str, int] = {}
    for theme in themes:
        kind = line_match(words, normalize(f"{theme.id} {theme.name} {theme.name_en or ''}"))
        if kind is not None:
            found[theme.id] = kind
    if not found and len(words) == 1:
        found = {tid: 0 for tid in used if fold_loose(tid) == words[0]}
    return found


def line_match(words: tuple[str, ...], line: str) -> int | None:
    """How the term or phrase ``words`` matches a line of folded words (" a b c "): 0 as whole
    words, 1 at the start of a word, 2 inside a word, None not at all."""
    needle = " ".join(words)
    at = line.find(" " + needle)
    if at >= 0:
        return 0 if line[at + 1 + len(needle):at + 2 + len(needle)] == " " else 1
    if len(words) == 1 and len(needle) >= MIN_INWORD and needle in line:
        return 2
    return None


# --------------------------------------------------------------------------- SQL


class Compiler:
    """The SQL of one query over the index: which records match, and (for ``search``) how well."""

    def __init__(self, conn: sqlite3.Connection, themes: Sequence["Theme"]):
        self.conn = conn
        self.themes = list(themes)
        self._inside: dict[str, list[str]] = {}
        self._used: list[str] | None = None

    def inside(self, term: str) -> list[str]:
        """Words of the index that hold ``term`` after their first letter."""
        if term not in self._inside:
            self._inside[term] = [t for (t,) in self.conn.execute(
                "SELECT term FROM terms WHERE instr(term, ?) > 1", (term,))]
        return self._inside[term]

    def used_themes(self) -> list[str]:
        if self._used is None:
            self._used = [t for (t,) in self.conn.execute("SELECT DISTINCT theme FROM record_themes")]
        return self._used

    def matching(self, text: Text) -> dict[str, str]:
        """The FTS5 expression a text predicate matches by, for each table it looks in."""
        parts = [_quoted(text.words) + " *"]
        if len(text.words) == 1 and len(text.words[0]) >= MIN_INWORD:
            parts += [_quoted([w]) for w in self.inside(text.words[0])]
        return {table: _scoped(table, columns, " OR ".join(parts)) for table, columns in _columns(text.field).items()}

    def themed(self, text: Text) -> dict[str, int]:
        if text.field not in (None, "theme"):
            return {}
        return theme_matches(text.words, self.themes, self.used_themes())

    def where(self, node: Node) -> tuple[str, list[Any]]:
        """A condition on ``records r`` that holds exactly for the records ``node`` selects
        (never NULL, so that NOT leaves out exactly what matches)."""
        if isinstance(node, Everything):
            return "1", []
        if isinstance(node, Text):
            parts, params = [], []
            for table, expression in self.matching(node).items():
                parts.append(f"r.id IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)")
                params.append(expression)
            themes = self.themed(node)
            if themes:
                parts.append(f"r.id IN (SELECT record FROM record_themes WHERE theme IN ({','.join('?' * len(themes))}))")
                params += list(themes)
            elif node.field == "theme":
                self.unknown_theme(node)
            return ("(" + " OR ".join(parts) + ")" if parts else "0"), params
        if isinstance(node, Year):
            low = -1 if node.low is None else node.low
            high = 1 << 30 if node.high is None else node.high
            return "coalesce(r.year BETWEEN ? AND ?, 0)", [low, high]
        if isinstance(node, Type):
            return "r.type = ?", [node.value]
        if isinstance(node, Lang):
            return "coalesce(lower(r.lang) = ? OR lower(r.lang) GLOB ?, 0)", [node.value, node.value + "-*"]
        if isinstance(node, Not):
            sql, params = self.where(node.child)
            return f"NOT ({sql})", params
        if isinstance(node, (And, Or)):
            glue = " AND " if isinstance(node, And) else " OR "
            sqls, params = [], []
            for child in node.children:
                sql, more = self.where(child)
                sqls.append(f"({sql})")
                params += more
            return glue.join(sqls), params
        raise TypeError(f"no SQL for {node!r}")  # pragma: no cover

    def unknown_theme(self, node: Text) -> None:
        """A theme that no record could have is an error (exit 2), as an unknown type is."""
        from innoref.errors import QueryError

        known = [t.id for t in self.themes]
        typed = " ".join(node.words)
        guess = difflib.get_close_matches(typed, known, n=1, cutoff=0.5)
        hint = f"; did you mean '{guess[0]}'?" if guess else f"; the themes are {', '.join(known) or 'none'}"
        query, pos = node.source or (typed, 0)
        raise QueryError(f"no theme '{typed}' in themes.yaml (by id or a word of its name){hint}", query, pos)

    def count(self, expressions: dict[str, str]) -> int:
        """How many records match any of these expressions (one per table)."""
        if not expressions:
            return 0
        union = " UNION ".join(f"SELECT rowid FROM {table} WHERE {table} MATCH ?" for table in expressions)
        return self.conn.execute(f"SELECT count(*) FROM ({union})", list(expressions.values())).fetchone()[0]

    def scores(self, predicates: Sequence[Text], total: int) -> list[tuple[str, list[Any]]]:
        """Queries of (id, score part) rows: each predicate's BM25, by kind of match (each its own
        statement: SQLite computes ``bm25()`` only in a query that an FTS5 match drives).

        Each term or phrase has one idf, from the number of records it matches in text:
        ``ln(1 + (N - n + 0.5) / (n + 0.5))``, never zero (SQLite's ``bm25()`` clamps the
        idf of a word in more than half the records to nearly nothing, and would rank every
        record alike for a common term; its value is scaled to this idf). Matches at the
        start of words count BM25 (a whole word fully, the start of a word 0.6); a match
        inside a word counts 0.3 of the idf.
        """
        parts: list[tuple[str, list[Any]]] = []
        for text in predicates:
            matching = self.matching(text)
            matched = self.count(matching)
            weight = idf(matched, total) if matched else 0.0
            for table, columns in _columns(text.field).items():
                if not matched:
                    break
                start = _scoped(table, columns, _quoted(text.words) + " *")
                started = self.count({table: start})
                if started:
                    parts.append((f"SELECT rowid, -? * {_BM25[table]} * CASE WHEN rowid IN (SELECT rowid FROM {table} "
                                  f"WHERE {table} MATCH ?) THEN ? ELSE ? END FROM {table} WHERE {table} MATCH ?",
                                  [weight / _clamped_idf(started, total), _scoped(table, columns, _quoted(text.words)),
                                   KIND_WEIGHT[0], KIND_WEIGHT[1], start]))
                inside = self.count({table: matching[table]}) - started
                if inside > 0:
                    parts.append((f"SELECT rowid, ? FROM {table} WHERE {table} MATCH ? "
                                  f"AND rowid NOT IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)",
                                  [KIND_WEIGHT[2] * weight, matching[table], start]))
            themes = self.themed(text)
            if themes:
                members = self.conn.execute(
                    f"SELECT count(DISTINCT record) FROM record_themes WHERE theme IN ({','.join('?' * len(themes))})",
                    list(themes)).fetchone()[0]
                for tid, kind in themes.items():
                    parts.append(("SELECT record, ? FROM record_themes WHERE theme = ?",
                                  [fields.BY_NAME["theme"].weight * KIND_WEIGHT[kind] * idf(members, total), tid]))
        return parts


def idf(matched: int, total: int) -> float:
    """BM25's inverse document frequency, as Lucene has it: never zero or below."""
    return math.log(1 + (total - matched + 0.5) / (matched + 0.5))


def _clamped_idf(matched: int, total: int) -> float:
    """The idf inside SQLite's bm25() (divided out: see :meth:`Compiler.scores`)."""
    clamped = math.log((total - matched + 0.5) / (matched + 0.5))
    return clamped if clamped > 0 else 1e-6


# --------------------------------------------------------------------------- what was matched


def word_test(predicates: Sequence[Text], field: str) -> Callable[[str], bool]:
    """A function telling whether a word (as written) in ``field`` is matched."""
    relevant = [p for p in predicates if p.field is None or p.field == field]

    def test(word: str) -> bool:
        folded = fold_loose(word)
        return any(p.matches_word(folded) for p in relevant)

    return test


def matched_words(ref: "Reference", predicates: Sequence[Text]) -> list[str]:
    """Words of ``ref`` (as written) that the text predicates match, each once, in field order."""
    seen: dict[str, None] = {}
    for field, text in fields.texts(ref).items():
        test = word_test(predicates, field)
        for m in _WORD.finditer(unicodedata.normalize("NFC", text)):
            if test(m.group()):
                seen.setdefault(m.group(), None)
    return list(seen)


@dataclass
class Hit:
    """One search result: the record's row id and its score."""

    id: int
    score: float


class Hits(list):
    """The hits shown (best first) and, as ``total``, how many records matched."""

    total: int = 0


def select(conn: sqlite3.Connection, query: Query, themes: Sequence["Theme"]) -> list[int]:
    """Row ids of the records ``query`` selects, in file order."""
    where, params = Compiler(conn, themes).where(query.root)
    return [i for (i,) in conn.execute(
        f"SELECT r.id FROM records r WHERE r.key IS NOT NULL AND ({where}) ORDER BY r.pos", params)]


def search(conn: sqlite3.Connection, query: Query, themes: Sequence["Theme"], limit: int | None = None) -> Hits:
    """The records matching ``query``, best first; ``total`` says how many matched."""
    compiler = Compiler(conn, themes)
    where, params = compiler.where(query.root)
    selected = f"SELECT r.id FROM records r WHERE r.key IS NOT NULL AND ({where})"
    total = conn.execute(f"SELECT count(*) FROM ({selected})", params).fetchone()[0]
    size = conn.execute("SELECT count(*) FROM records WHERE key IS NOT NULL").fetchone()[0]
    parts = compiler.scores(query.scoring(), size)
    out = Hits()
    out.total = total
    wanted = total if limit is None else min(limit, total)
    if parts:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS hits (id INTEGER NOT NULL, s REAL NOT NULL)")
        conn.execute("DELETE FROM temp.hits")
        for sql, part_params in parts:
            conn.execute("INSERT INTO temp.hits " + sql, part_params)
        rows = conn.execute(
            "SELECT r.id, sc.score FROM (SELECT id, sum(s) AS score FROM temp.hits GROUP BY id) sc "
            f"JOIN records r ON r.id = sc.id WHERE r.key IS NOT NULL AND ({where}) "
            "ORDER BY sc.score DESC, r.year IS NULL, r.year DESC, r.pos LIMIT ?", params + [wanted])
        out.extend(Hit(rowid, round(score, 3)) for rowid, score in rows)
    if len(out) < wanted:  # records that match with no text (year:2010, NOT ...): score 0, newest first
        shown = {h.id for h in out}
        for (rowid,) in conn.execute(selected + " ORDER BY r.year IS NULL, r.year DESC, r.pos", params):
            if rowid not in shown:
                out.append(Hit(rowid, 0.0))
                if len(out) >= wanted:
                    break
    return out
