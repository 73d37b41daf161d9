"""CSL-JSON files (.json, as Zotero, Mendeley and citeproc-js write them) into records; and
innoref's own ``export --format json``, read as the records it holds.

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
from innoref.formats._kept import PRESS, ours, restore
from innoref.formats.apa import kind_description
from innoref.formats.csl_json import KEPT, KEPT_IF_NEEDED, NOTE_FIELD
from innoref.formats.csl_json import TYPES as WRITTEN
from innoref.importers import Batch, Progress, date_or_range, date_parts, isbn_in, language_code, put_extra
from innoref.records import PERIODICAL

TYPES = {
    "report": "report", "book": "book", "classic": "book", "periodical": "specialissue",
    "article-journal": "article", "article-magazine": "magazine", "article-newspaper": "newspaper",
    "article": "preprint",  # CSL 1.0.2: "a preprint, working paper, or other unpublished article"
    "review": "article", "review-book": "article",
    "chapter": "chapter", "paper-conference": "chapter",
    "entry": "entry", "entry-dictionary": "entry", "entry-encyclopedia": "entry",
    "thesis": "thesis",
    "webpage": "webpage", "post": "webpage", "post-weblog": "blogpost",
    "speech": "presentation", "dataset": "dataset", "software": "software", "manuscript": "manuscript",
    "motion_picture": "film", "broadcast": "tvepisode", "song": "podcastepisode",
    "legislation": "misc",  # a law with its date code is read as one (documents.recognise)
}
# What innoref's export keeps in an item's custom (formats/csl_json.py).
_OWN = KEPT + KEPT_IF_NEEDED
_USABLE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_:.+/-]*$")
NAMED = {"id", "citation-key", "type", "title", "title-short", "author", "editor", "issued", "publisher", "publisher-place",
         "collection-title", "collection-number", "number", "edition", "genre", "container-title", "volume",
         "issue", "page", "URL", "accessed", "DOI", "ISBN", "language", "abstract", "keyword", "note", "annote",
         "translator", "original-date", "version", "status", "event-title", "event", "event-place", "archive",
         "custom"}


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
    if isinstance(parts, list) and 0 < len(parts) <= 2 and all(isinstance(p, list) and p for p in parts):
        try:
            dates = ["-".join(f"{int(n):02d}" if i else str(int(n)) for i, n in enumerate(p[:3])) for p in parts]
        except (TypeError, ValueError):
            return None, None, False
        year, date = date_or_range("/".join(dates))
        return year, date, date == "/".join(dates) and all(len(p) <= 3 for p in parts)
    for key in ("raw", "literal"):
        if isinstance(value.get(key), str):
            year, date = date_parts(value[key])
            return year, date, date == value[key].strip()
    return None, None, False


class _Odd(Exception):
    """A variable whose value has a shape CSL does not give it (an object where text belongs)."""


def _text(value: Any) -> str:
    """A variable's text: text and numbers as they are, a list of them joined; else :class:`_Odd`."""
    if isinstance(value, bool) or value is None:
        raise _Odd
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
        return ", ".join(str(v) for v in value)
    raise _Odd


def _as_json(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _names(csl: str, value: Any, data: dict[str, Any], notes: list[str]) -> list[dict[str, str]]:
    """The persons of a name variable; what cannot be read as a name is kept in extra, with a note."""
    from innoref.records import parse_person

    if isinstance(value, str):  # "author": "Kari Nordmann": one name, written as text
        notes.append(f"{csl}: a text, not a list of names; read as the name '{value.strip()}'")
        return [parse_person(value)] if value.strip() else []
    if isinstance(value, dict):
        notes.append(f"{csl}: one name, not a list of names; read as one name")
        value = [value]
    if not isinstance(value, list):
        put_extra(data, csl, _as_json(value))
        notes.append(f"{csl}: not a list of names; kept in extra.{csl}")
        return []
    people = []
    for i, name in enumerate(value):
        person = _person(name)
        if person is None:
            if name not in (None, "", {}):
                put_extra(data, csl, _as_json(name))
                notes.append(f"{csl}[{i}]: not a name ({_as_json(name)[:40]}); kept in extra.{csl}")
            continue
        people.append(person)
    return people


def convert(item: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """innoref field values from one CSL item. A variable whose value has an odd shape (an
    object where text belongs) is kept in ``extra`` as JSON, with a note naming it."""
    data: dict[str, Any] = {}
    odd: list[str] = []

    def text(name: str) -> str | None:
        value = item.get(name)
        if value in (None, "", []):
            return None
        try:
            return _text(value).strip()
        except _Odd:
            odd.append(name)
            return None

    kind = str(item.get("type") or "")
    rtype = TYPES.get(kind, "misc")
    if kind == "article" and item.get("container-title"):
        rtype = "article"  # an article in a journal, typed as CSL 1.0's generic article
    if rtype == "report" and PRESS.search(text("genre") or ""):
        rtype = "pressrelease"
    custom = ours(item.get("custom"), _OWN)  # innoref's own, or None
    if custom and "type" in custom:
        rtype = custom["type"]  # innoref's own kind, where CSL's type reads back as another
    data["type"] = rtype
    if kind and kind != WRITTEN.get(rtype):
        put_extra(data, "entrytype", kind)  # a type innoref's export would not write again
    title = text("title")
    if title:
        data["title"] = title
    # A film's director and a series' executive producer, as Zotero writes them, when no author or editor is.
    people_of = (("author", "authors", None), ("director", "authors", "Director"), ("editor", "editors", None),
                 ("executive-producer", "editors", None), ("translator", "translators", None))
    for csl, model, role in people_of:
        if item.get(csl) not in (None, "", []):
            people = _names(csl, item[csl], data, notes)
            if people and model not in data:
                data[model] = [dict(p, role=role) if role else p for p in people]
            elif people:
                put_extra(data, csl, _as_json(item[csl]))
    if "issued" in item:
        year, date, whole = _date(item["issued"])
        if year:
            data["year"] = year
            if date and date != str(year):
                data["date"] = date
        if not whole:
            put_extra(data, "issued", item["issued"] if isinstance(item["issued"], str) else json.dumps(item["issued"], ensure_ascii=False))
    if "original-date" in item:
        year, _, whole = _date(item["original-date"])
        if year and whole:
            data["origyear"] = year
        else:
            put_extra(data, "original-date", _as_json(item["original-date"]))
    if "accessed" in item:
        _, date, whole = _date(item["accessed"])
        if date and len(date) == 10:
            data["accessed"] = date
        else:
            put_extra(data, "accessed", json.dumps(item["accessed"], ensure_ascii=False))
    simple = {"title-short": "short_title", "publisher": "publisher", "publisher-place": "place",
              "collection-title": "series",
              "edition": "edition", "genre": "genre", "volume": "volume", "page": "pages", "URL": "url",
              "abstract": "abstract", "version": "version", "event": "event", "event-title": "event",
              "event-place": "place"}
    for csl, model in simple.items():
        value = text(csl)
        if value:
            data[model] = value
    if "pages" in data:
        from innoref.formats.apa import page_range

        data["pages"] = page_range(data["pages"])  # "4-19", as CSL writes a range, is 4–19
    # The note holds Zotero's Extra as "name: value" lines (innoref writes its extra fields so);
    # the rest is the note. An annote (BibTeX's annotation, as pandoc and Citation.js read it) too.
    lines = []
    note = text("note") or ""
    own_note = custom.get("note") if custom else None
    if isinstance(own_note, str) and note.startswith(own_note):
        note = note[len(own_note):]  # innoref's own note, kept whole in custom: the rest are fields
    for line in note.splitlines():
        named = NOTE_FIELD.match(line)
        if named and named.group(1) not in NAMED:
            put_extra(data, named.group(1), named.group(2))
        else:
            lines.append(line)  # blank lines too: a note's paragraphs
    annote = text("annote")
    lines = "\n".join(lines).strip("\n").split("\n") if any(line.strip() for line in lines) else []
    if lines or annote:
        data["note"] = "\n".join(lines) if lines else annote
        if lines and annote:
            put_extra(data, "annote", annote)
    status = text("status")
    if status:
        from innoref.models import STATUS_WORDS

        if " ".join(status.lower().split()) in STATUS_WORDS:
            data["status"] = status
        else:
            put_extra(data, "status", status)
    archive = text("archive")
    if archive and rtype == "thesis" and data.get("publisher"):
        data["institution"], data["publisher"] = data["publisher"], archive  # the university, the database
    elif archive:
        put_extra(data, "archive", archive)
    if data.get("genre") and data["genre"] == kind_description(rtype, data.get("status")):
        del data["genre"]  # the kind's own description ("Film"), as innoref's export writes it for CSL's APA
    if rtype == "report" and data.get("genre") and "series" not in data and not (
            custom and "genre" in custom):
        data["series"] = data.pop("genre")  # a report's genre is its series: Fafo-rapport (Zotero's reportType)
    number, collection_number, issue = text("number"), text("collection-number"), text("issue")
    if number or collection_number:
        data["number"] = number or collection_number  # an article's number (e123) is no issue
        if number and collection_number:
            put_extra(data, "collection-number", collection_number)
    if issue:
        data["issue"] = issue
    container = text("container-title")
    if container:
        data["journal" if rtype in PERIODICAL else "booktitle"] = container
    doi = text("DOI")
    if doi:
        data["doi"] = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", doi, flags=re.I)
    isbn_text = text("ISBN")
    if isbn_text:
        isbn = isbn_in(isbn_text)
        if isbn:
            data["isbn"] = isbn
        if isbn is None or isbn != isbn_text:
            put_extra(data, "ISBN", isbn_text)
            if isbn is None:
                notes.append(f"ISBN '{isbn_text}' has no valid ISBN; kept in extra.ISBN")
    language = text("language")
    if language:
        code = language_code(language)
        if code:
            data["language"] = code
        else:
            put_extra(data, "language", language)
    keywords = text("keyword")
    if keywords:
        data["keywords"] = [k.strip() for k in re.split(r"[,;]", keywords) if k.strip()]
    if "custom" in item and not restore(data, item["custom"], _OWN):
        put_extra(data, "custom", _as_json(item["custom"]))
    for name in odd:
        put_extra(data, name, _as_json(item[name]))
        notes.append(f"{name}: not text ({_as_json(item[name])[:40]}); kept in extra.{name}")
    for name, value in item.items():
        if name not in NAMED and value not in (None, "", [], {}):
            if isinstance(value, (dict, list)) and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                value = json.dumps(value, ensure_ascii=False)
            put_extra(data, name, value if isinstance(value, (str, list)) else str(value))
    return data


def _innoref_record(item: Any) -> bool:
    """An item of innoref's own ``export --format json``: a record by its key, with a kind of innoref's."""
    from innoref.records import REF_TYPES

    return isinstance(item, dict) and isinstance(item.get("key"), str) and item.get("type") in REF_TYPES \
        and "id" not in item and "citation-key" not in item


def _records(doc: list[dict[str, Any]], progress: Progress | None) -> Batch:
    """innoref's own JSON records, field for field as in literature.yaml (checked as any import is)."""
    batch = Batch()
    tick = progress("reading records", len(doc)) if progress else (lambda n: None)
    for n, item in enumerate(doc, start=1):
        data = {k: v for k, v in item.items() if k != "key"}
        batch.candidates.append(Candidate(item["key"], data, item["key"], [], rank=len(item), line=n))
        tick(1)
    return batch


def read(text: str, progress: Progress | None = None) -> Batch:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InnorefError(f"not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise InnorefError("the JSON nests deeper than any CSL-JSON item does; nothing was imported") from None
    if isinstance(doc, dict):
        doc = doc.get("items", [doc]) if "items" in doc or "type" in doc or "title" in doc else None
    if not isinstance(doc, list):
        raise InnorefError("a CSL-JSON file holds a list of items ([{\"type\": ..., \"title\": ...}, ...])")
    if doc and all(_innoref_record(item) for item in doc):
        return _records(doc, progress)
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
        except RecursionError:
            batch.skipped.append(Skipped(where, "nests deeper than any CSL-JSON item does", n))
            tick(1)
            continue
        except Exception as exc:  # noqa: BLE001 - one odd item must not stop the import
            batch.skipped.append(Skipped(where, f"cannot read the item ({type(exc).__name__}: {exc})", n))
            tick(1)
            continue
        batch.candidates.append(Candidate(usable, data, where, notes, rank=len(item), line=n))
        tick(1)
    return batch
