"""Test helper: hypothesis strategies for records with hard names and characters.

Text mixes æ ø å, ä ö é, capitals, and every LaTeX special (& % $ # _ { } ~ ^ \\),
in single-spaced words (BibTeX, like LaTeX, reads runs of spaces as one).
"""

from __future__ import annotations

from hypothesis import strategies as st

from innoref.models import reference, validate_reference
from innoref.records import REF_TYPES, Reference

HARD = "æøåÆØÅäöéÉüß{}&%$#_~^\\"
PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-'.:"

word = st.text(alphabet=HARD + PLAIN, min_size=1, max_size=10)
text = st.lists(word, min_size=1, max_size=6).map(" ".join)
comma_text = st.lists(st.one_of(word, st.just(",")), min_size=1, max_size=6).map(" ".join)
plain_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzæøå", min_size=2, max_size=10)


@st.composite
def people(draw) -> dict:
    if draw(st.integers(0, 5)) == 0:
        return _with_role(draw, {"name": draw(text)})
    person = {"family": draw(st.one_of(word, text))}
    if draw(st.booleans()):
        person["given"] = draw(st.lists(st.text(alphabet=HARD + "abcdefgABCDEFGÆØÅ-", min_size=1, max_size=8),
                                        min_size=1, max_size=3).map(" ".join))
    if draw(st.integers(0, 4)) == 0:
        person["particle"] = draw(st.sampled_from(["van", "van der", "de", "von", "af"]))
    if draw(st.integers(0, 5)) == 0:
        person["suffix"] = draw(st.sampled_from(["Jr.", "Sr.", "III"]))
    return _with_role(draw, person)


def _with_role(draw, person: dict) -> dict:
    """A role (APA 9.10) or a username (9.8) now and then, as a film or a video has them."""
    if draw(st.integers(0, 6)) == 0:
        person["role"] = draw(st.sampled_from(["director", "Host", "executive producer", "Manus"]))
    if draw(st.integers(0, 8)) == 0:
        person["username"] = draw(plain_word)
    return person


def optional(strategy):
    return st.one_of(st.none(), strategy)


PUBLIC = ("nou", "meld", "prop", "innst", "lov", "forskrift")


@st.composite
def public_parts(draw, kind: str) -> dict:
    """The designation's parts of a Norwegian public document of ``kind``, as a person may type them
    (with the year the number carries, or none)."""
    first = draw(st.integers(2009 if kind == "innst" else 1990, 2024))
    session = draw(st.sampled_from([f"{first}-{first + 1}", f"{first}\u2013{first + 1}", f"{first}-{(first + 1) % 100:02d}"]))
    n = draw(st.integers(1, 200))
    if kind == "nou":
        return {"number": draw(st.sampled_from([f"{first}:{n}", f"{first}: {n}", f"NOU {first}:{n}"])),
                "year": draw(st.sampled_from([None, first]))}
    if kind == "meld":
        return {"number": draw(st.sampled_from([str(n), f"Meld. St. {n}"])), "session": session}
    if kind == "prop":
        letter = draw(st.sampled_from(["L", "S"] + (["LS"] if first >= 2009 else [])))
        return {"number": f"{n} {letter}", "session": session}
    if kind == "innst":
        return {"number": f"{n}{draw(st.sampled_from(['S', 'L']))}", "session": session}
    code = f"{'LOV' if kind == 'lov' else 'FOR'}-{first}-{draw(st.integers(1, 12)):02d}-{draw(st.integers(1, 28)):02d}-{n}"
    return {"number": code, "short_title": draw(text) if kind == "lov" else draw(optional(text)),
            "year": draw(st.sampled_from([None, first]))}


@st.composite
def references(draw) -> Reference:
    year = draw(optional(st.integers(1900, 2025)))
    date = None
    if year is not None and draw(st.booleans()):
        date = f"{year}-{draw(st.integers(1, 12)):02d}-{draw(st.integers(1, 28)):02d}"
        if draw(st.integers(0, 4)) == 0:  # an event's days, or a podcast still running
            date = draw(st.sampled_from([f"{date}/{year}-12-31", f"{year}/..", f"{year}-01/{year}-02"]))
    data = {
        "key": draw(st.from_regex(r"[a-z][a-z0-9]{2,12}", fullmatch=True)),
        "type": draw(st.sampled_from(REF_TYPES)),
        "title": draw(text),
        "authors": draw(st.lists(people(), max_size=4)),
        "editors": draw(st.lists(people(), max_size=2)),
        "year": year,
        "date": date,
        "translated_title": draw(optional(text)),
        "translators": draw(st.lists(people(), max_size=2)),
        "origyear": draw(optional(st.integers(1500, 1899))),
        "status": draw(optional(st.sampled_from(["in press", "submitted", "in preparation", "unpublished"]))),
        "institution": draw(optional(text)),
        "version": draw(optional(st.sampled_from(["2", "1.4.2", "v3 beta"]))),
        "event": draw(optional(text)),
        "publisher": draw(optional(text)),
        "place": draw(optional(text)),
        "series": draw(optional(text)),
        "number": draw(optional(st.from_regex(r"[0-9]{1,4}(:[0-9]{1,3})?", fullmatch=True))),
        "edition": draw(optional(st.sampled_from(["2", "3", "Rev."]))),
        "genre": draw(optional(text)),
        "journal": draw(optional(text)),
        "booktitle": draw(optional(text)),
        "volume": draw(optional(st.from_regex(r"[0-9]{1,3}", fullmatch=True))),
        "issue": draw(optional(st.from_regex(r"[0-9]{1,2}", fullmatch=True))),
        "pages": draw(optional(st.from_regex(r"[1-9][0-9]{0,2}\u2013[1-9][0-9]{0,3}", fullmatch=True))),
        "url": draw(optional(st.from_regex(r"https://example\.org/[a-z0-9_~.-]{0,12}", fullmatch=True))),
        "accessed": draw(optional(st.sampled_from(["2024-03-05", "2019-07-03"]))),
        "doi": draw(optional(st.from_regex(r"10\.[0-9]{4}/[a-z0-9_.()-]{1,12}", fullmatch=True))),
        "isbn": draw(optional(st.sampled_from(["978-82-7356-671-3", "978-91-7164-440-4"]))),
        "language": draw(optional(st.sampled_from(["nb", "nn", "sv", "en"]))),
        "abstract": draw(optional(comma_text)),
        "keywords": draw(st.lists(text, max_size=3)),
        "themes": draw(st.lists(st.sampled_from(["innovasjon", "omdomme"]), max_size=2, unique=True)),
        "note": draw(optional(comma_text)),
        "availability": draw(optional(text)),
        "extra": draw(st.dictionaries(st.sampled_from(["eprint", "mrnumber", "pagetotal", "library"]), text,
                                      max_size=2)),
    }
    if data["type"] != "thesis":
        data.pop("institution")  # a thesis's university (models: only a thesis has one)
    if data["type"] in PUBLIC:
        data.update(draw(public_parts(data["type"])))
        for name in ("date", "series", "genre"):
            data.pop(name)
    return validate_reference({k: v for k, v in data.items() if v is not None})
