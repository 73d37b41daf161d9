"""CSL-JSON files (.json, as Zotero, Mendeley and citeproc-js write them) into records.

A file is a JSON array of items (a single item, or ``{"items": [...]}``, is read
too). Item types map to innoref's (``article-journal`` -> article,
``paper-conference`` -> chapter, ...); names are ``{family, given,
non-dropping-particle, suffix}`` or ``{literal}``; dates are ``date-parts``,
``raw`` or ``literal``. The key is the item's ``citation-key`` (CSL 1.0.2), else
its ``id`` when that is a usable key (Zotero's numeric or URL ids are not; then
editing.py makes one by innoref's rule). Every variable innoref does not name is
kept in ``extra`` under its CSL name. No I/O, no printing.
"""

from __future__ import annotations

import json
import re
from typing import Any

from innoref.editing import Candidate, Skipped
from innoref.errors import InnorefError
from innoref.importers import Batch, Progress, date_parts, isbn_in, language_code, put_extra

TYPES = {
    "report": "report", "book": "book", "classic": "book", "periodical": "misc",
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "article": "article", "review": "article", "review-book": "article",
    "chapter": "chapter", "paper-conference": "chapter", "entry": "chapter", "entry-dictionary": "chapter",
    "entry-encyclopedia": "chapter",
    "thesis": "thesis",
    "webpage": "webpage", "post": "webpage", "post-weblog": "webpage",
}
_USABLE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_:.+/-]*$")
NAMED = {"id", "citation-key", "type", "title", "author", "editor", "issued", "publisher", "publisher-place",
         "collection-title", "collection-number", "number", "edition", "genre", "container-title", "volume",
         "issue", "page", "URL", "accessed", "DOI", "ISBN", "language", "abstract", "keyword", "note"}


def _person(name: Any) -> dict[str, str] | None:
    if isinstance(name, str):
        return {"name": name} if name.strip() else None
    if not isinstance(name, dict):
        return None
    if name.get("literal"):
        return {"name": str(name["literal"])}
    family = str(name.get("family") or "").strip()
    given = str(name.get("given") or "").strip()
    if not family:
        return {"name": given} if given else None
    out = {"family": family}
    if given:
        out["given"] = given
    particle = " ".join(str(name[k]) for k in ("dropping-particle", "non-dropping-particle") if name.get(k))
    if particle:
        out["particle"] = particle
    if name.get("suffix"):
        out["suffix"] = str(name["suffix"])
    return out


def _date(value: Any) -> tuple[int | None, str | None, bool]:
    """(year, date, whole): whole is False when part of the date could not be kept."""
    if isinstance(value, str):
        year, date = date_parts(value)
        return year, date, date == value.strip()
    if not isinstance(value, dict):
        return None, None, False
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        first = [str(p) for p in parts[0][:3]]
        try:
            nums = [int(p) for p in first]
        except ValueError:
            return None, None, False
        year, date = date_parts("-".join(f"{n:02d}" if i else str(n) for i, n in enumerate(nums)))
        return year, date, len(parts) == 1 and date is not None and date.count("-") == len(nums) - 1
    for key in ("raw", "literal"):
        if isinstance(value.get(key), str):
            year, date = date_parts(value[key])
            return year, date, date == value[key].strip()
    return None, None, False


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def convert(item: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    kind = str(item.get("type") or "")
    rtype = TYPES.get(kind, "misc")
    data["type"] = rtype
    if kind and kind != rtype:
        put_extra(data, "entrytype", kind)
    if item.get("title"):
        data["title"] = _text(item["title"]).strip()
    for csl, model in (("author", "authors"), ("editor", "editors")):
        names = item.get(csl)
        if isinstance(names, list):
            people = [p for p in (_person(n) for n in names) if p]
            if people:
                data[model] = people
    if "issued" in item:
        year, date, whole = _date(item["issued"])
        if year:
            data["year"] = year
            if date and date != str(year):
                data["date"] = date
        if not whole:
            put_extra(data, "issued", item["issued"] if isinstance(item["issued"], str) else json.dumps(item["issued"], ensure_ascii=False))
    if "accessed" in item:
        _, date, whole = _date(item["accessed"])
        if date and len(date) == 10:
            data["accessed"] = date
        else:
            put_extra(data, "accessed", json.dumps(item["accessed"], ensure_ascii=False))
    simple = {"publisher": "publisher", "publisher-place": "place", "collection-title": "series",
              "edition": "edition", "genre": "genre", "volume": "volume", "page": "pages", "URL": "url",
              "abstract": "abstract", "note": "note"}
    for csl, model in simple.items():
        if item.get(csl) not in (None, ""):
            data[model] = _text(item[csl]).strip()
    number = item.get("number") or item.get("collection-number")
    if number not in (None, ""):
        data["issue" if rtype == "article" and not item.get("issue") else "number"] = _text(number)
        if item.get("number") and item.get("collection-number"):
            put_extra(data, "collection-number", _text(item["collection-number"]))
    if item.get("issue") not in (None, ""):
        data["issue"] = _text(item["issue"])
    container = item.get("container-title")
    if container:
        if rtype == "article":
            data["journal"] = _text(container)
        elif rtype == "chapter":
            data["booktitle"] = _text(container)
        else:
            put_extra(data, "container-title", _text(container))
    if item.get("DOI"):
        data["doi"] = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", str(item["DOI"]).strip(), flags=re.I)
    if item.get("ISBN"):
        text = _text(item["ISBN"])
        isbn = isbn_in(text)
        if isbn:
            data["isbn"] = isbn
        if isbn is None or isbn != text.strip():
            put_extra(data, "ISBN", text)
            if isbn is None:
                notes.append(f"ISBN '{text}' has no valid ISBN; kept in extra.ISBN")
    if item.get("language"):
        code = language_code(str(item["language"]))
        if code:
            data["language"] = code
        else:
            put_extra(data, "language", str(item["language"]))
    if item.get("keyword"):
        data["keywords"] = [k.strip() for k in re.split(r"[,;]", _text(item["keyword"])) if k.strip()]
    for name, value in item.items():
        if name not in NAMED and value not in (None, "", [], {}):
            if isinstance(value, (dict, list)) and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                value = json.dumps(value, ensure_ascii=False)
            put_extra(data, name, value if isinstance(value, (str, list)) else str(value))
    return data


def read(text: str, progress: Progress | None = None) -> Batch:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InnorefError(f"not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    if isinstance(doc, dict):
        doc = doc.get("items", [doc]) if "items" in doc or "type" in doc or "title" in doc else None
    if not isinstance(doc, list):
        raise InnorefError("a CSL-JSON file holds a list of items ([{\"type\": ..., \"title\": ...}, ...])")
    batch = Batch()
    tick = progress("reading items", len(doc)) if progress else (lambda n: None)
    for n, item in enumerate(doc, start=1):
        if not isinstance(item, dict):
            batch.skipped.append(Skipped(f"item {n}", "not a JSON object", n))
            tick(1)
            continue
        key = item.get("citation-key") or item.get("id")
        key = str(key) if key is not None else None
        usable = key if key and _USABLE_ID.match(key) and "://" not in key and not re.match(r"^\d", key) else None
        where = key if key else f"item {n}"
        notes: list[str] = []
        if key and usable is None:
            notes.append(f"id '{key}' is not usable as a key; a key was made by innoref's rule")
        try:
            data = convert(item, notes)
        except Exception as exc:  # noqa: BLE001 - one odd item must not stop the import
            batch.skipped.append(Skipped(where, f"cannot read the item ({type(exc).__name__}: {exc})", n))
            tick(1)
            continue
        batch.candidates.append(Candidate(usable, data, where, notes, rank=len(item), line=n))
        tick(1)
    return batch
