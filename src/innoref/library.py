"""The library as every command sees it: one front end over the index.

:func:`open_library` brings the index (``index.py``) in step with the files and gives
a :class:`Library`: get a record by key, select by query, search, order, count,
count per theme, the columns ``stats`` counts, the records an APA a/b letter is
decided among, and the duplicate facts ``add`` checks. Records are built only for
what a command shows or writes (``show`` builds one; ``export`` the ones it exports).

Returns data and raises domain errors; never prints, never exits.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from innoref.errors import NotFoundError, UsageError

if TYPE_CHECKING:
    from innoref.duplicates import Duplicate, Facts, Near
    from innoref.location import Location
    from innoref.query import Query
    from innoref.records import Reference, Theme
    from innoref.search import Hits
    from innoref.stats import Columns

SORT_FIELDS = {
    # --sort NAME: the columns, as library.py's ORDER BY (ties: the file's order).
    "year": ("r.year IS NULL", "r.year", "r.sort_authors", "r.sort_title"),
    "author": ("r.sort_creator IS NULL", "r.sort_creator", "coalesce(r.year, 0)", "r.sort_title"),
    "title": ("r.sort_title", "coalesce(r.year, 0)"),
    "key": ("r.key",),
}


class Library:
    """One library, current with its files (see :func:`open_library`)."""

    def __init__(self, location: "Location", conn: sqlite3.Connection, problems: list):
        from innoref.location import LITERATURE, THEMES

        self.location = location
        self.conn = conn
        self.problems = problems
        self.literature_path: Path | None = location.read_path(LITERATURE)
        self.themes_path: Path | None = location.read_path(THEMES)
        self._themes: list["Theme"] | None = None

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- counts and themes

    @property
    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM records WHERE key IS NOT NULL").fetchone()[0]

    @property
    def themes(self) -> list["Theme"]:
        if self._themes is None:
            from innoref.records import Theme

            self._themes = [Theme.from_data(json.loads(d)) for (d,) in
                            self.conn.execute("SELECT data FROM themes ORDER BY pos")]
        return self._themes

    def theme(self, theme_id: str) -> "Theme":
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        from innoref.keys import suggest_keys

        near = suggest_keys(theme_id, [t.id for t in self.themes])
        raise NotFoundError(f"no theme with id '{theme_id}'" + (f"; did you mean {', '.join(near)}?" if near else ""))

    def theme_names(self) -> dict[str, str]:
        return {t.id: t.name for t in self.themes}

    def theme_counts(self) -> dict[str, int]:
        counts = {t.id: 0 for t in self.themes}
        for theme, n in self.conn.execute("SELECT theme, count(*) FROM record_themes GROUP BY theme"):
            counts[theme] = n
        return counts

    # -- records

    def _records(self, sql: str, params: Sequence[Any] = ()) -> list["Reference"]:
        from innoref.records import Reference

        return [Reference.from_data(json.loads(data)) for (data,) in self.conn.execute(sql, params)]

    def get(self, key: str) -> "Reference":
        """The record with ``key``; an unknown key suggests the nearest keys."""
        import unicodedata

        key = unicodedata.normalize("NFC", key)
        found = self._records("SELECT c.data FROM records r JOIN contents c ON c.id = r.id WHERE r.key = ? "
                              "ORDER BY r.pos LIMIT 1", (key,))
        if found:
            return found[0]
        raise NotFoundError(self.missing_message(key))

    def missing_message(self, key: str) -> str:
        """What to say of a key no record has: the nearest keys."""
        near = self.suggest(key)
        return f"no reference with key '{key}'" + (f"; did you mean {', '.join(near)}?" if near else "")

    def by_keys(self, keys: Iterable[str]) -> dict[str, "Reference"]:
        """The records of those ``keys`` that the library holds, by key (keys in NFC)."""
        import unicodedata

        from innoref.records import Reference

        wanted = list(dict.fromkeys(unicodedata.normalize("NFC", k) for k in keys))
        found: dict[str, Reference] = {}
        for start in range(0, len(wanted), 500):  # SQLite's limit on parameters is 999 in old builds
            chunk = wanted[start:start + 500]
            rows = self.conn.execute(
                f"SELECT r.key, c.data FROM records r JOIN contents c ON c.id = r.id "
                f"WHERE r.key IN ({','.join('?' * len(chunk))}) ORDER BY r.pos", chunk)
            for key, data in rows:
                found.setdefault(key, Reference.from_data(json.loads(data)))
        return found

    def has(self, key: str) -> bool:
        return self.conn.execute("SELECT 1 FROM records WHERE key = ?", (key,)).fetchone() is not None

    def suggest(self, key: str, limit: int = 3) -> list[str]:
        """Keys near ``key``: those it starts or that start it, then close spellings (keys.suggest_keys)
        among the keys that share its first two letters (all keys, in a small library)."""
        from innoref.keys import suggest_keys

        if self.count <= 5000:
            pool = [k for (k,) in self.conn.execute("SELECT key FROM records WHERE key IS NOT NULL ORDER BY pos")]
        else:
            head = key[:2]
            pool = [k for (k,) in self.conn.execute(
                "SELECT key FROM records WHERE key >= ? AND key < ? ORDER BY pos", (head, head + "\U0010ffff"))]
        return suggest_keys(key, pool, limit)

    def keys(self, prefix: str = "", limit: int | None = None) -> list[str]:
        """Keys starting with ``prefix``, in key order (for completion)."""
        return [k for (k,) in self.conn.execute(
            "SELECT key FROM records WHERE key >= ? AND key < ? ORDER BY key LIMIT ?",
            (prefix, prefix + "\U0010ffff", -1 if limit is None else limit))]

    def references(self, ids: Iterable[int] | None = None) -> list["Reference"]:
        """The records with these row ids, in that order (all of them in file order: None)."""
        if ids is None:
            return self._records("SELECT c.data FROM records r JOIN contents c ON c.id = r.id "
                                 "WHERE r.key IS NOT NULL ORDER BY r.pos")
        from innoref.records import Reference

        return [Reference.from_data(d) for d in self.data(ids)]

    def json_texts(self, ids: Iterable[int]) -> list[str]:
        """The records' data as JSON text."""
        ids = list(ids)
        by_id: dict[int, str] = {}
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            by_id.update(self.conn.execute(
                f"SELECT id, data FROM contents WHERE id IN ({','.join('?' * len(chunk))})", chunk).fetchall())
        return [by_id[i] for i in ids if by_id.get(i) is not None]

    def data(self, ids: Iterable[int]) -> list[dict[str, Any]]:
        """The records' data as dicts, without building records."""
        return [json.loads(text) for text in self.json_texts(ids)]

    def select(self, query: "Query") -> list[int]:
        """Row ids of the records that match, in file order."""
        from innoref.search import select

        return select(self.conn, query, self.themes)

    def order(self, ids: Iterable[int] | None, sort: str = "year", reverse: bool = False) -> list[int]:
        """Row ids sorted as ``list --sort`` sorts (ties in file order, also when reversed); None: all."""
        if sort not in SORT_FIELDS:
            raise UsageError(f"cannot sort by '{sort}'; choose one of {', '.join(SORT_FIELDS)}")
        direction = " DESC" if reverse else ""
        order = ", ".join(f"{c}{direction}" for c in SORT_FIELDS[sort]) + ", r.pos"
        rows = [i for (i,) in self.conn.execute(f"SELECT r.id FROM records r WHERE r.key IS NOT NULL ORDER BY {order}")]
        if ids is None:
            return rows
        wanted = set(ids)
        return [i for i in rows if i in wanted]

    def with_theme(self, theme_id: str) -> list[int]:
        """Row ids of the records that have this theme, in file order."""
        return [i for (i,) in self.conn.execute(
            "SELECT r.id FROM records r JOIN record_themes t ON t.record = r.id WHERE t.theme = ? ORDER BY r.pos",
            (theme_id,))]

    def search(self, query: "Query", limit: int | None = None) -> "Hits":
        from innoref.search import search

        return search(self.conn, query, self.themes, limit)

    # -- what commands need of many records

    def columns(self, ids: Iterable[int] | None = None) -> "Columns":
        """The facts ``stats`` counts, for these records (all: None)."""
        from innoref.stats import Columns

        cols = Columns()
        themes: dict[int, list[str]] = {}
        for theme, record in self.conn.execute("SELECT theme, record FROM record_themes"):
            themes.setdefault(record, []).append(theme)
        wanted = None if ids is None else set(ids)
        for rowid, key, kind, year, lang, publisher, flags, lacking in self.conn.execute(
                "SELECT id, key, type, year, lang, publisher, flags, lacking "
                "FROM records WHERE key IS NOT NULL ORDER BY pos"):
            if wanted is not None and rowid not in wanted:
                continue
            if lacking:
                cols.lacking[len(cols.keys)] = tuple(lacking.split(","))
            cols.keys.append(key)
            cols.types.append(kind)
            cols.years.append(year)
            cols.langs.append(lang)
            cols.themes.append(themes.get(rowid, []))
            cols.publishers.append(publisher)
            cols.flags.append(flags)
        return cols

    def letter_scope(self, refs: Iterable["Reference"]) -> list["Reference"]:
        """The records an APA 2013a/2013b letter (or "et al." length) of ``refs`` is decided
        among: those of the same year with the same first author or editor."""
        from innoref.duplicates import Facts

        pairs = {(r.year, Facts.of(r).creator) for r in refs}
        found: dict[str, "Reference"] = {}
        for year, creator in pairs:
            sql = "SELECT c.data FROM records r JOIN contents c ON c.id = r.id WHERE r.key IS NOT NULL " \
                "AND r.creator = ? AND r.year " + ("IS NULL" if year is None else "= ?")
            for ref in self._records(sql, [creator] + ([] if year is None else [year])):
                found.setdefault(ref.key, ref)
        return list(found.values())

    def facts(self, where: str = "1", params: Sequence[Any] = ()) -> list["Facts"]:
        from innoref.duplicates import Facts

        return [Facts(*row) for row in self.conn.execute(
            "SELECT r.key, json_extract(c.data, '$.title'), r.year, r.creator, r.doi, r.isbn, r.doc, r.title_norm "
            f"FROM records r JOIN contents c ON c.id = r.id WHERE r.key IS NOT NULL AND {where}", params)]

    def duplicates(self, ref: "Reference", *, ignore: str | None = None) -> tuple["Duplicate | None", list["Near"]]:
        """The record ``ref`` would duplicate (same DOI, ISBN, or title, year and first author), and
        records whose titles are a typo or two away; ``ignore`` is the record's own key (edit)."""
        from innoref.duplicates import SHIFT, Duplicate, Facts, near_among

        mine = Facts.of(ref)
        dup = None
        if mine.doi:
            hit = self.facts("r.doi = ? AND r.key IS NOT ?", (mine.doi, ignore))
            dup = dup or (Duplicate(hit[0].key, f"same DOI {mine.doi}") if hit else None)
        if mine.isbn and dup is None:
            hit = self.facts("r.isbn = ? AND r.key IS NOT ?", (mine.isbn, ignore))
            dup = Duplicate(hit[0].key, f"same ISBN {ref.isbn}") if hit else None
        if mine.doc and dup is None:
            from innoref.documents import designation

            hit = self.facts("r.doc = ? AND r.key IS NOT ?", (mine.doc, ignore))
            dup = Duplicate(hit[0].key, f"the same document, {designation(ref)}") if hit else None
        if dup is None:
            hit = [f for f in self.facts("r.year IS ? AND r.creator = ? AND r.key IS NOT ?",
                                         (mine.year, mine.creator, ignore))
                   if f.norm == mine.norm]
            dup = Duplicate(hit[0].key, "same title, year and first author") if hit else None
        near: list["Near"] = []
        if len(mine.norm) >= 10:
            pool = self.facts("r.tlen BETWEEN ? AND ?", (len(mine.norm) - SHIFT, len(mine.norm) + SHIFT))
            near = [n for n in near_among(mine, pool, ignore=ignore) if dup is None or n.key != dup.key]
        return dup, near


def open_library(location: "Location", *, strict: bool = True, progress=None, reading: bool = True) -> Library:
    """The library at ``location``, its index brought up to date.

    With ``strict`` (every command but ``check`` and ``info``) a library with any problem
    raises :class:`~innoref.errors.DataError` listing all of them, each with its
    ``file:line:column``; without it they are on ``Library.problems``. A folder named by
    ``--data`` must be a library when ``reading`` (a command that writes makes it).
    """
    from innoref import index
    from innoref.errors import DataError

    if reading:
        location.require_library()
    conn = index.open_index(location, progress=progress)
    problems = index.problems_of(conn)
    if problems and strict:
        conn.close()
        raise DataError(problems)
    return Library(location, conn, problems)
