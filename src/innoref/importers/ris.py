"""RIS files (.ris, as EndNote, Zotero and library catalogues write them) into records.

RIS is line-based: ``TY  - RPRT`` opens an entry, ``ER  -`` closes it, each
line between is a two-letter tag and a value. This reader keeps line numbers,
so an entry that cannot be read is reported by its line; an entry left open
at the next ``TY`` or at the end of the file is still read (with a warning), and
a line outside any entry is reported. (rispy, tried first, drops entries without
``ER`` and files with a BOM and CRLF line ends without a word, so it is not used
here.) Types map to innoref's (``RPRT`` -> report, ``JOUR`` -> article, ...);
tags innoref does not name are kept in ``extra`` under a readable name. No I/O.
"""

from __future__ import annotations

import json
import re
from typing import Any

from innoref.editing import Candidate, Skipped
from innoref.formats._kept import PRESS, ours, restore
from innoref.formats.apa import kind_description
from innoref.formats.ris import KEPT, KEPT_IF_NEEDED, KEPT_PREFIX
from innoref.records import EPISODES, IN_WORK, PERIODICAL
from innoref.formats.ris import TYPES as WRITTEN
from innoref.importers import Batch, Progress, date_parts, isbn_in, language_code, put_extra

TYPES = {
    "RPRT": "report", "BOOK": "book", "EBOOK": "book", "EDBOOK": "book", "CTLG": "book",
    "JOUR": "article", "EJOUR": "article", "JFULL": "specialissue", "INPR": "article", "ABST": "article",
    "MGZN": "magazine", "NEWS": "newspaper", "BLOG": "blogpost",
    "CHAP": "chapter", "ECHAP": "chapter", "CONF": "chapter", "CPAPER": "chapter",
    "DICT": "entry", "ENCYC": "entry",
    "THES": "thesis",
    "ELEC": "webpage", "WEB": "webpage",
    "SLIDE": "presentation", "DATA": "dataset", "DBASE": "dataset", "COMP": "software", "UNPB": "preprint",
    "MANSCPT": "manuscript", "UNPD": "manuscript", "MPCT": "film", "ADVS": "film", "VIDEO": "video",
    "SOUND": "podcastepisode",
    "STAT": "misc", "BILL": "misc",  # a law or regulation with its date code is read as one (documents.recognise)
}
# Names for tags kept in extra (the tag itself for any other).
TAG_NAMES = {
    "AD": "author-address", "AN": "accession-number", "CN": "call-number", "DB": "database",
    "DP": "database-provider", "LB": "label", "NV": "number-of-volumes", "OP": "original-publication",
    "RI": "reviewed-item", "RN": "research-notes", "RP": "reprint-edition", "SE": "section",
    "TA": "translated-author", "C1": "custom1",
    "C2": "custom2", "C3": "custom3", "C4": "custom4", "C5": "custom5", "C6": "custom6", "C7": "custom7",
    "C8": "custom8", "L1": "file", "L2": "fulltext-url", "L4": "figure", "A3": "series-editors", "CA": "caption", "J2": "journal-abbreviation", "M1": "misc1", "M2": "misc2",
}
# What innoref's export keeps in its note (formats/ris.py).
_OWN = KEPT + KEPT_IF_NEEDED
_LINE = re.compile(r"^([A-Z][A-Z0-9])\s{1,2}-(?: (.*)|\s*)$")


def _lines(text: str):
    for n, line in enumerate(text.splitlines(), start=1):
        yield n, line.rstrip()


def read(text: str, progress: Progress | None = None) -> Batch:
    batch = Batch()
    entries: list[tuple[int, list[tuple[str, str]], list[str]]] = []
    current: list[tuple[str, str]] | None = None
    notes: list[str] = []
    start = 0
    for n, line in _lines(text.lstrip("\ufeff")):
        m = _LINE.match(line)
        if m is None:
            if not line.strip():
                continue
            if current is not None and current:
                # A wrapped value: the line continues the tag before it.
                tag, value = current[-1]
                current[-1] = (tag, f"{value} {line.strip()}".strip())
            else:
                batch.skipped.append(Skipped(f"line {n}", f"not a RIS line and outside any entry: {line.strip()[:40]}", n))
            continue
        tag, value = m.group(1), (m.group(2) or "").strip()
        if tag == "TY":
            if current is not None:
                notes.append(f"no ER line before the next TY on line {n}; the entry ends there")
                entries.append((start, current, notes))
            current, notes, start = [("TY", value)], [], n
        elif tag == "ER":
            if current is None:
                batch.skipped.append(Skipped(f"line {n}", "ER without an entry before it", n))
            else:
                entries.append((start, current, notes))
                current = None
        elif current is None:
            batch.skipped.append(Skipped(f"line {n}", f"{tag} line outside any entry (an entry starts with TY)", n))
        else:
            current.append((tag, value))
    if current is not None:
        notes.append("the file ends without an ER line; the entry was read to the end")
        entries.append((start, current, notes))
    tick = progress("reading entries", len(entries)) if progress else (lambda n: None)
    for line, tags, notes in entries:
        ids = [v for t, v in tags if t == "ID" and v]
        key = ids[0] if ids else None
        where = key or f"line {line}"
        try:
            data = convert(tags, notes)
        except Exception as exc:  # noqa: BLE001 - one odd entry must not stop the import
            batch.skipped.append(Skipped(where, f"cannot read the entry ({type(exc).__name__}: {exc})", line))
            tick(1)
            continue
        batch.candidates.append(Candidate(key, data, where, notes, rank=len(tags), line=line))
        tick(1)
    return batch


def convert(tags: list[tuple[str, str]], notes: list[str]) -> dict[str, Any]:
    values: dict[str, list[str]] = {}
    for tag, value in tags:
        if value:
            values.setdefault(tag, []).append(value)

    def one(*names: str) -> str | None:
        for name in names:
            if values.get(name):
                used.add(name)
                return values[name][0]
        return None

    used: set[str] = {"TY", "ID"}
    data: dict[str, Any] = {}
    kind = (values.get("TY") or ["GEN"])[0].upper()
    rtype = TYPES.get(kind, "misc")
    # innoref's own note of what RIS has no tag for (formats/ris.py): the kind first, which
    # decides where T2 and IS go.
    # It is the last N1 line that starts so: a note of the user's may start so too.
    own: Any = None
    own_line = next((i for i in range(len(values.get("N1", [])) - 1, -1, -1)
                     if values["N1"][i].startswith(KEPT_PREFIX)), None)
    if own_line is not None:
        try:
            own = ours(json.loads(values["N1"][own_line][len(KEPT_PREFIX):]), _OWN)
        except ValueError:
            own = None
    genre_text = (values.get("M3") or [""])[0]
    if rtype == "report" and PRESS.search(genre_text):
        rtype = "pressrelease"
    if own and "type" in own:
        rtype = own["type"]
    data["type"] = rtype
    if kind != WRITTEN.get(rtype):
        put_extra(data, "entrytype", kind)  # a type innoref's export would not write again
    if kind == "INPR":
        data["status"] = "in press"
    title = one("TI", "T1", "CT") if rtype == "chapter" else one("TI", "T1", "CT", "BT")
    if title:
        data["title"] = title
    short = one("ST")
    if short:
        data["short_title"] = short
    # In the order they stand: A1 (the old tag) and AU may be mixed in one record. Editors as
    # Zotero maps them: a book's are A3 (its A2 are series editors), a chapter's A2, else ED or A2.
    authors = [v for t, v in tags if t in ("AU", "A1") and v]
    book = kind in ("BOOK", "EBOOK", "EDBOOK", "MPCT", "VIDEO")  # a film's or series' producers are A3 too
    editor_tags = ("ED", "A3") if book else ("ED", "A2")
    editors = [v for t, v in tags if t in editor_tags and v]
    if kind == "EDBOOK" and authors and not editors:
        authors, editors = [], authors  # an edited book's AU are its editors (EndNote, Zotero)
    used.update({"AU", "A1", *editor_tags})
    if authors:
        data["authors"] = [_person(a) for a in authors]
    if editors:
        data["editors"] = [_person(e) for e in editors]
    translators = [v for t, v in tags if t == "A4" and v]  # Zotero's translators
    used.add("A4")
    if translators:
        data["translators"] = [_person(t) for t in translators]
    translated = one("TT")
    if translated:
        data["translated_title"] = translated  # RIS's translated title (innoref writes it in its note)
    original = one("OP")
    if original and re.fullmatch(r"\d{4}", original):
        data["origyear"] = int(original)
    elif original:
        put_extra(data, "original-publication", original)
    when = one("PY", "Y1")
    exact = one("DA")
    for text in (exact, when):
        if text:
            year, date = date_parts(text)
            if year and "year" not in data:
                data["year"] = year
            if date and date != str(year) and "date" not in data:
                data["date"] = date
            if not year:
                put_extra(data, "date-text", text)
    secondary = one("T2")
    # The journal's full name (JF, or T2 as Zotero writes it) before its abbreviation (JO, JA).
    full = one("JF")
    abbreviated = one("JO", "JA")
    if rtype in PERIODICAL:
        name = full or secondary or abbreviated
        if name:
            data["journal"] = name
        if full and secondary and full != secondary:
            put_extra(data, "secondary-title", secondary)
        if abbreviated and abbreviated != name:
            put_extra(data, "journal-abbreviation", abbreviated)
    elif rtype in IN_WORK:
        if secondary or values.get("BT"):
            data["booktitle"] = secondary or one("BT")
    elif rtype == "presentation" and secondary:
        data["event"] = secondary  # the meeting (Zotero's meetingName)
    elif secondary:
        data["series"] = secondary
    journal = full or abbreviated
    if journal and rtype not in PERIODICAL:
        put_extra(data, "journal", journal)
    series = one("T3")
    if series:
        if "series" in data:
            put_extra(data, "tertiary-title", series)
        else:
            data["series"] = series
    volume, issue = one("VL"), one("IS")
    if rtype in ("report", "pressrelease"):
        # Report numbers come in IS (Zotero) or VL (EndNote).
        if issue or volume:
            data["number"] = issue or volume
        if issue and volume:
            data["volume"] = volume
    else:
        if volume:
            data["volume"] = volume
        if issue:
            data["issue" if rtype in PERIODICAL else "number"] = issue
    first, last = one("SP"), one("EP")
    if first:
        data["pages"] = f"{first}–{last}" if last and last != first else first
    elif last:
        data["pages"] = last
    if (kind in ("STAT", "BILL") or rtype in EPISODES) and one("M1") and "number" not in data:
        # A law's number (Zotero's public law number, LOV-1997-02-28-19); an episode's (its episodeNumber).
        data["number"] = one("M1")
    kind_of_work = values.get("M3", [None])[0]
    if kind_of_work and re.match(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?10\.\d{4,9}/\S+$", kind_of_work, re.I) \
            and not values.get("DO"):
        values["DO"] = [re.sub(r"^doi:\s*", "", kind_of_work, flags=re.I)]  # M3 - doi:10.1063/...: a DOI
        values["M3"] = values["M3"][1:]
        if not values["M3"]:
            del values["M3"]
    edition = "version" if rtype in ("software", "dataset") else "edition"  # ET is a program's version
    for tag, name in (("PB", "publisher"), ("CY", "place"), ("PP", "place"), ("ET", edition), ("M3", "genre"),
                      ("AB", "abstract"), ("N2", "abstract")):
        value = one(tag)
        if value and name not in data:
            data[name] = value
        elif value:
            put_extra(data, TAG_NAMES.get(tag, tag), value)
    database = one("DB")
    if database and rtype == "thesis" and data.get("publisher"):
        data["institution"], data["publisher"] = data["publisher"], database  # the university, the database
    elif database:
        put_extra(data, "database", database)
    if rtype == "report" and data.get("genre") and "series" not in data and not (
            own and "genre" in own):
        data["series"] = data.pop("genre")  # a report's type (M3) is its series: Fafo-rapport
    urls = values.get("UR", [])
    used.add("UR")
    if urls:
        data["url"] = urls[0]
        if len(urls) > 1:
            put_extra(data, "urls", urls[1:])
    doi = one("DO")
    if doi:
        data["doi"] = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", doi, flags=re.I)
    accessed = one("Y2")
    if accessed:
        _, date = date_parts(accessed)
        if date and len(date) == 10:
            data["accessed"] = date
        else:
            put_extra(data, "access-date", accessed)
    for sn in values.get("SN", []):
        isbn = isbn_in(sn)
        if rtype in ("report", "pressrelease") and not (isbn and isbn == sn.strip()) and "number" not in data:
            data["number"] = sn.strip()  # a report's SN is its number (Zotero's reportNumber)
            continue
        if isbn and "isbn" not in data:
            data["isbn"] = isbn
        if isbn is None or isbn != sn.strip():
            put_extra(data, "issn" if re.match(r"^\d{4}-?\d{3}[\dXx]$", sn.strip()) else "SN", sn)
    used.add("SN")
    language = one("LA")
    if language:
        code = language_code(language)
        if code:
            data["language"] = code
        else:
            put_extra(data, "language", language)
    keywords = values.get("KW", [])
    used.add("KW")
    if keywords:
        data["keywords"] = [k.strip() for kw in keywords for k in re.split(r"[;]", kw) if k.strip()]
    notes_text = []
    # The note as innoref wrote it, kept whole in its own note when RIS could not hold it (line
    # breaks, or a line that reads as a field): its N1 line is that note, not a field.
    kept_note = own.get("note") if own and isinstance(own.get("note"), str) else None
    for i, line in enumerate(values.get("N1", [])):
        extra = re.match(r"^extra\.([^:\s]+): (.*)$", line)  # innoref's own extra fields
        isbn = re.match(r"^ISBN: (\S+)$", line)
        if kept_note is not None and line == " ".join(kept_note.split()):
            kept_note = None
        elif i == own_line and own is not None:
            if not restore(data, own, _OWN):
                put_extra(data, "innoref", line[len(KEPT_PREFIX):])
                notes.append("an innoref note that innoref did not write; kept in extra.innoref")
        elif extra:
            put_extra(data, extra.group(1), extra.group(2))
        elif isbn and isbn_in(isbn.group(1)) and "isbn" not in data:
            data["isbn"] = isbn_in(isbn.group(1))
        else:
            notes_text.append(line)
    used.add("N1")
    if data.get("genre") and data["genre"] == kind_description(rtype, data.get("status")):
        del data["genre"]  # the kind's own description ("Film"), as innoref's export writes it in M3
    if notes_text and "note" not in data:
        data["note"] = "\n".join(notes_text)
    elif notes_text:
        put_extra(data, "notes", "\n".join(notes_text))
    for tag, items in values.items():
        if tag not in used:
            put_extra(data, TAG_NAMES.get(tag, tag), items if len(items) > 1 else items[0])
    return data


def _person(text: str) -> dict[str, str]:
    """RIS writes "Family, Given" or "Family, Given, Suffix" (innoref and EndNote write "Family, , Jr."
    when there is no given name), particles before the family name; an organisation or a name
    RIS does not split has no comma, or one at its end. Nothing else is read into it: brackets
    and braces are part of the name."""
    from innoref.records import PARTICLES

    text = " ".join(text.split()).rstrip(",").rstrip()
    if "," not in text:
        return {"name": text}
    family, _, rest = text.partition(",")
    given, _, suffix = rest.partition(",")
    words = family.split()
    i = 0
    while i < len(words) - 1 and words[i] in PARTICLES:
        i += 1
    out = {"family": " ".join(words[i:])}
    if i:
        out["particle"] = " ".join(words[:i])
    if given.strip():
        out["given"] = given.strip()
    if suffix.strip():
        out["suffix"] = suffix.strip()
    if not out["family"]:
        return {"name": text}
    return out
