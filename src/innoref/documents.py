"""Norwegian public documents: NOU, Meld. St., Prop., Innst., laws and regulations.

Owns what such a document *is* in innoref: its kinds (record types), how a person may
type its designation and how it is written (``2016:16`` is ``2016: 16``, ``2009-10``
is ``2009–2010``, ``Meld.St.20`` is ``20``), what is validated (an NOU number with its
year, a session of two consecutive years, the letter of a Prop., a real date inside a
law's date code), and the designation itself, the element Norwegian APA puts where
an author stands: "NOU 2016: 16", "Meld. St. 20 (2009–2010)", "St.meld. nr. 8
(1998–99)", "Prop. 65 L (2019–2020)", "Innst. 49 S (2016–2017)".

The forms are those of the Sikt manual's guides (``shared/domain.md``): the white
papers (Meld. St.) and propositions (Prop. L, S, LS) that replaced St.meld. nr.,
Ot.prp. nr. and St.prp. nr. from the session 2009–2010 on; the older ones are
written in their own form, with the session's second year in two digits. Recommendations
(Innst.) are covered in their form since 2009–2010 only, as the guides are.

A record of these kinds keeps its parts in ordinary fields: ``number`` (the NOU's
"2016: 16", the white paper's "20", the proposition's "65 L", a law's date code
"LOV-1997-02-28-19"), ``session`` ("2009–2010"), ``short_title`` (a law's official
short title, *korttittel*: "Folketrygdloven"), ``publisher`` (the ministry or the
committee; Lovdata for laws). Pure: no I/O.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from innoref.records import Reference

# Record types, as `--type` takes them, with what each is.
KINDS = {
    "nou": "Norges offentlige utredninger (NOU 2016: 16)",
    "meld": "white paper to the Storting: Meld. St. (from 2009–2010), St.meld. nr. (before)",
    "prop": "proposition to the Storting: Prop. L, S or LS (from 2009–2010), Ot.prp. nr. or St.prp. nr. (before)",
    "innst": "recommendation of a Storting committee: Innst. S or L (from 2009–2010)",
    "lov": "a law (lov), by its short title and its date code LOV-YYYY-MM-DD-N",
    "forskrift": "a regulation (forskrift), by its title and its date code FOR-YYYY-MM-DD-N",
}
SESSION_KINDS = ("meld", "prop", "innst")
CODE_KINDS = ("lov", "forskrift")
NEW_FROM = 2009  # the session 2009–2010 is the first with Meld. St. and Prop.
LOVDATA = "Lovdata"
_CODE_PREFIX = {"lov": "LOV", "forskrift": "FOR"}
PROP_LETTERS = ("L", "S", "LS")
INNST_LETTERS = ("S", "L")


def is_public(ref_type: str | None) -> bool:
    return ref_type in KINDS


# --------------------------------------------------------------------------- sessions

_SESSION = re.compile(r"^\s*(\d{4})\s*(?:[-\u2013\u2014/]|--)\s*(\d{2}|\d{4})\s*$")


def session_years(text: str) -> tuple[int, int]:
    """The two years of a session as typed: "2009–2010", "2009-2010", "2009-10", "2009/2010"."""
    m = _SESSION.match(text)
    if not m:
        raise ValueError(f"'{text}' is not a session of the Storting (two years: 2009–2010)")
    first, second = int(m.group(1)), m.group(2)
    end = int(second) if len(second) == 4 else (first // 100) * 100 + int(second)
    if len(second) == 2 and end < first:
        end += 100  # 1999-00
    if end != first + 1:
        raise ValueError(f"'{text}' is not a session of the Storting: the second year must follow the "
                         f"first ({first}–{first + 1})")
    return first, end


def canonical_session(text: str) -> str:
    first, second = session_years(text)
    return f"{first}\u2013{second}"


# --------------------------------------------------------------------------- numbers

_NOU = re.compile(r"^\s*(?:NOU\s*)?(\d{4})\s*:\s*(\d{1,3})\s*$", re.I)
_PLAIN_NO = re.compile(r"^\s*(?:(?:Meld\.?\s*St\.?|St\.?\s*meld\.?)\s*)?(?:nr\.?\s*)?(\d{1,4})\s*$", re.I)
_PROP = re.compile(r"^\s*(?:Prop\.?\s*)?(\d{1,4})\s*(LS|L|S)\s*$", re.I)
_OLD_PROP = re.compile(r"^\s*(Ot|St)\.?\s*prp\.?\s*(?:nr\.?\s*)?(\d{1,4})\s*$", re.I)
_INNST = re.compile(r"^\s*(?:Innst\.?\s*)?(\d{1,4})\s*(S|L)\s*$", re.I)
_CODE = re.compile(r"^\s*(LOV|FOR)\s*-\s*(\d{4})-(\d{1,2})-(\d{1,2})-(\d{1,5})\s*$", re.I)


def canonical_number(kind: str, number: str, session: str | None = None) -> str:
    """The number as innoref writes it, from the ways people type it; ValueError saying why not."""
    if kind == "nou":
        m = _NOU.match(number)
        if not m:
            raise ValueError(f"'{number}' is not an NOU number (its year and number: 2016: 16)")
        return f"{m.group(1)}: {int(m.group(2))}"
    if kind == "meld":
        m = _PLAIN_NO.match(number)
        if not m:
            raise ValueError(f"'{number}' is not the number of a white paper (Meld. St. 20: write 20)")
        return str(int(m.group(1)))
    if kind == "prop":
        m = _PROP.match(number)
        if m:
            return f"{int(m.group(1))} {m.group(2).upper()}"
        old = _OLD_PROP.match(number)
        if old:  # Ot.prp. nr. 52: a proposition on a law (L); St.prp. nr. 1: to the Storting (S)
            return f"{int(old.group(2))} {'L' if old.group(1).lower() == 'ot' else 'S'}"
        raise ValueError(f"'{number}' is not the number of a proposition: its number and letter (65 L, 1 S, "
                         "12 LS), or before 2009–2010 Ot.prp. nr. 52 or St.prp. nr. 1")
    if kind == "innst":
        m = _INNST.match(number)
        if not m:
            raise ValueError(f"'{number}' is not the number of a recommendation: its number and letter (49 S, 12 L)")
        return f"{int(m.group(1))} {m.group(2).upper()}"
    if kind in CODE_KINDS:
        m = _CODE.match(number)
        prefix = _CODE_PREFIX[kind]
        if not m or m.group(1).upper() != prefix:
            raise ValueError(f"'{number}' is not the date code of a {'law' if kind == 'lov' else 'regulation'} "
                             f"({prefix}-YYYY-MM-DD-N, as Lovdata writes it: {prefix}-1997-02-28-19)")
        year, month, day = int(m.group(2)), int(m.group(3)), int(m.group(4))
        try:
            _dt.date(year, month, day)
        except ValueError:
            raise ValueError(f"'{number}' holds the date {year}-{month:02d}-{day:02d}, which does not exist") from None
        return f"{prefix}-{year}-{month:02d}-{day:02d}-{int(m.group(5))}"
    return number


def number_year(kind: str, number: str) -> int | None:
    """The year a canonical number carries: an NOU's, a law's date code's."""
    if kind == "nou":
        return int(number.split(":")[0])
    if kind in CODE_KINDS:
        return int(number.split("-")[1])
    return None


def check(kind: str, number: str | None, session: str | None, year: int | None,
          short_title: str | None) -> tuple[str, str | None, int | None]:
    """(number, session, year) written the canonical way, or ValueError naming the field: ``"field: why"``."""
    if number is None:
        what = {"nou": "its year and number (2016: 16)", "meld": "its number (Meld. St. 20: 20)",
                "prop": "its number and letter (65 L)", "innst": "its number and letter (49 S)",
                "lov": "its date code (LOV-1997-02-28-19)", "forskrift": "its date code (FOR-2017-04-24-487)"}[kind]
        raise ValueError(f"number: a {kind} needs {what}")
    try:
        number = canonical_number(kind, number, session)
    except ValueError as exc:
        raise ValueError(f"number: {exc}") from None
    if kind in SESSION_KINDS:
        if session is None:
            raise ValueError(f"session: a {kind} needs the session of the Storting it belongs to (2009–2010)")
        try:
            session = canonical_session(session)
        except ValueError as exc:
            raise ValueError(f"session: {exc}") from None
        first = session_years(session)[0]
        if kind == "prop" and first < NEW_FROM and number.endswith("LS"):
            raise ValueError(f"number: Prop. {number} is of the sessions from 2009–2010 on; before, "
                             "propositions were Ot.prp. or St.prp.")
        if kind == "innst" and first < NEW_FROM:
            raise ValueError("session: recommendations (Innst.) are covered from the session 2009–2010 on; "
                             "record an older one as a report")
    elif session is not None:
        raise ValueError(f"session: only a white paper, a proposition or a recommendation has a session, not a {kind}")
    carried = number_year(kind, number)
    if carried is not None:
        if year is None:
            year = carried
        elif year != carried:
            what = "NOU" if kind == "nou" else "date code"
            raise ValueError(f"year: {year} is not the year of its {what} {number} ({carried})")
    if kind == "lov" and not (short_title and short_title.strip()):
        raise ValueError("short_title: a law is cited by its official short title (Folketrygdloven)")
    return number, session, year


# --------------------------------------------------------------------------- the designation


def _session_text(session: str, old: bool) -> str:
    first, second = session_years(session)
    return f"{first}\u2013{second % 100:02d}" if old else f"{first}\u2013{second}"


def designation(ref: "Reference") -> str:
    """The document's designation, where Norwegian APA puts an author: "NOU 2016: 16",
    "Meld. St. 20 (2009–2010)", "St.meld. nr. 8 (1998–99)", "Prop. 65 L (2019–2020)",
    "Ot.prp. nr. 52 (2004–05)", "Innst. 49 S (2016–2017)"; a law's short title; a
    regulation's short title, else its title."""
    kind, number, session = ref.type, ref.number or "", ref.session
    if kind == "nou":
        return f"NOU {number}"
    if kind in CODE_KINDS:
        return ref.short_title or ref.title
    old = session is not None and session_years(session)[0] < NEW_FROM
    when = f" ({_session_text(session, old)})" if session else ""
    if kind == "meld":
        return f"St.meld. nr. {number}{when}" if old else f"Meld. St. {number}{when}"
    if kind == "prop":
        digits, letter = (number.split(" ") + [""])[:2]
        if old:
            return f"{'Ot' if letter == 'L' else 'St'}.prp. nr. {digits}{when}"
        return f"Prop. {number}{when}"
    if kind == "innst":
        return f"Innst. {number}{when}"
    raise ValueError(f"not a public document: {kind}")


def series_name(ref: "Reference") -> str:
    """The designation's name without its number: "NOU", "Meld. St.", "St.meld.", "Prop.", "Ot.prp.",
    "Innst.", "Lov", "Forskrift" (the report type in BibTeX, CSL-JSON and RIS)."""
    text = designation(ref) if ref.type not in CODE_KINDS else ("Lov" if ref.type == "lov" else "Forskrift")
    return re.split(r" (?:nr\. )?\d", text, maxsplit=1)[0]


def number_text(ref: "Reference") -> str:
    """The number after :func:`series_name`, with the session: "2016: 16", "20 (2009–2010)", "nr. 8 (1998–99)"."""
    full = designation(ref)
    return full[len(series_name(ref)):].strip() if ref.type not in CODE_KINDS else (ref.number or "")


def identity(ref: "Reference") -> str:
    """What makes two records the same document: its kind, number and session."""
    return f"{ref.type} {ref.number or ''} {ref.session or ''}".strip().lower()


def key_base(ref: "Reference") -> str:
    """A key from the designation: nou2016-16, meldst20-2009-2010, stmeld8-1998-1999, prop65l-2019-2020,
    innst49s-2016-2017; a law by its short title and year (folketrygdloven1997); a regulation by its
    date code (forskrift2017-04-24-487)."""
    from innoref.keys import ascii_word

    kind, number = ref.type, ref.number or ""
    if kind == "nou":
        return "nou" + number.replace(": ", "-")
    if kind == "lov":
        return ascii_word(ref.short_title or ref.title) + str(ref.year or "")
    if kind == "forskrift":
        return "forskrift" + number[len("FOR-"):]
    name = ascii_word(series_name(ref))
    digits = ascii_word(number.split(" ")[0] if name.endswith("prp") else number)  # otprp52, not otprp52l
    session = (ref.session or "").replace("\u2013", "-")
    return f"{name}{digits}-{session}" if session else f"{name}{digits}"


def lower_in_text(short_title: str) -> str:
    """A law's short title in running text: lower case ("folketrygdloven"), but Grunnloven keeps
    its capital (the guides' rule for narrative citations)."""
    if short_title.casefold() == "grunnloven":
        return short_title
    return short_title[:1].lower() + short_title[1:]


# --------------------------------------------------------------------------- read back from other formats

# The report types (BibTeX type, CSL genre, RIS M3) that name a public document.
_SERIES = {"nou": "nou", "meld. st.": "meld", "meld.st.": "meld", "st.meld.": "meld", "prop.": "prop",
           "ot.prp.": "prop", "st.prp.": "prop", "innst.": "innst", "lov": "lov", "forskrift": "forskrift"}
# A whole designation in one value: "NOU 2016: 16", "Meld. St. 20 (2009–2010)", "Ot.prp. nr. 52 (2004–05)".
_DESIGNATION = re.compile(r"^\s*(?P<series>NOU|Meld\.\s*St\.|St\.\s*meld\.|Prop\.|Ot\.\s*prp\.|St\.\s*prp\.|Innst\.)"
                          r"\s+(?:nr\.\s*)?(?P<number>\d.*)$", re.I)
_NUMBER_SESSION = re.compile(r"^(?P<number>.+?)\s*(?:\((?P<session>\d{4}\s*[-\u2013/]+\s*\d{2,4})\))?\s*$")


def recognise(data: dict) -> dict:
    """Imported values (a report, or a law written as legislation) that are a Norwegian public
    document, as one: its series ("NOU", "Meld. St.", "Ot.prp.", "Lov") and number ("2016: 16",
    "20 (2009–2010)", "nr. 8 (1998–99)", "LOV-1997-02-28-19") become its kind, number and session.
    Anything that does not read as a designation is left as it was."""
    kind = data.get("type")
    extra = data.get("extra") if isinstance(data.get("extra"), dict) else {}
    # Where another tool's file names the kind: the series (BibTeX's report type), the genre (CSL,
    # RIS M3), or a BibTeX type kept in extra because the entry had a series too.
    found = [(f, v) for f, v in (("series", data.get("series")), ("genre", data.get("genre")),
                                 ("extra.type", extra.get("type")))
             if isinstance(v, str) and (v.strip().lower() in _SERIES or _DESIGNATION.match(v))]
    field_name, series = found[0] if found else (None, None)
    number = data.get("number")
    if series is not None and not isinstance(number, str):  # the whole designation in one field
        whole = _DESIGNATION.match(series)
        if whole:
            number, series = whole.group("number"), whole.group("series")
    if not isinstance(number, str):
        return data
    if kind not in KINDS:
        if kind not in ("report", "misc", "book", "webpage", None):
            return data
        code = _CODE.match(number)
        if series is not None:
            kind = _SERIES.get(series.strip().lower())
            if kind is None:  # a whole designation ("St.prp. 0") beside a number of its own: not one
                return data
        elif code:  # legislation with its date code: LOV-... is a law, FOR-... a regulation
            kind = "lov" if code.group(1).upper() == "LOV" else "forskrift"
        else:
            return data
    parts = _NUMBER_SESSION.match(number)
    number, session = parts.group("number"), parts.group("session") or data.get("session")
    if series and series.strip().lower() in ("ot.prp.", "st.prp."):
        number = f"{series.strip()} {number}"
    try:
        number, session, _ = check(kind, number, session, None, data.get("short_title"))
    except ValueError:
        return data
    out = {k: v for k, v in data.items() if k != field_name}
    if field_name == "extra.type":
        out["extra"] = {k: v for k, v in extra.items() if k != "type"}
    out.update(type=kind, number=number)
    if session:
        out["session"] = session
    return out
