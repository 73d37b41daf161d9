"""The records innoref keeps: Reference, Person, Theme.

This module owns the shape of a record and the rules a single record must obey
(ISBN check digits, DOI and URL shape, a sensible year). It does no I/O and knows
nothing of files, terminals or other records: rules that need the whole library
(unique keys, theme ids that exist) live in ``library.py``.
"""

from __future__ import annotations

import datetime as _dt
import re
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class RefType(str, Enum):
    report = "report"
    book = "book"
    article = "article"
    chapter = "chapter"
    thesis = "thesis"
    webpage = "webpage"
    misc = "misc"  # the catch-all: anything the other types do not describe


REF_TYPES = tuple(t.value for t in RefType)

# Words that belong to a family name but are written in lower case before it.
_PARTICLES = {
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "le", "la",
    "af", "av", "zu", "ten", "ter", "op", "dos", "das",
}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` where it is not inside braces."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts]


class Person(BaseModel):
    """An author or editor: a person (family/given, with particle and suffix) or
    an organisation written whole in ``name``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    family: str | None = None
    given: str | None = None
    particle: str | None = None
    suffix: str | None = None
    name: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, str):
            return parse_person(data)
        return data

    @model_validator(mode="after")
    def _one_kind(self) -> "Person":
        if self.name is not None:
            if any((self.family, self.given, self.particle, self.suffix)):
                raise ValueError("an organisation (name) takes no family, given, particle or suffix")
            if not self.name.strip():
                raise ValueError("name must not be empty")
        elif not (self.family and self.family.strip()):
            raise ValueError("a person needs a family name (or an organisation its name)")
        return self

    @property
    def is_organisation(self) -> bool:
        return self.name is not None

    @property
    def family_full(self) -> str:
        """Family name with its particle, as sorted and cited: "van der Berg"."""
        if self.name is not None:
            return self.name
        return f"{self.particle} {self.family}" if self.particle else str(self.family)

    def display(self) -> str:
        """"Family, Given" (with particle and suffix), or the organisation's name."""
        if self.name is not None:
            return self.name
        out = self.family_full
        if self.given:
            out += f", {self.given}"
        if self.suffix:
            out += f", {self.suffix}"
        return out


def parse_person(text: str) -> dict[str, str]:
    """Read a name as BibTeX writes it.

    ``{Kommunal- og regionaldepartementet}`` is an organisation; ``Family, Given``,
    ``von Family, Jr., Given`` and ``Given von Family`` are persons.
    """
    text = " ".join(text.split())
    if text.startswith("{") and text.endswith("}") and _balanced_whole(text):
        return {"name": text[1:-1].strip()}
    parts = _split_top(text, ",")
    suffix = None
    if len(parts) == 1:
        words = _split_top(parts[0], " ")
        # "Given von Family": the family name is the last word, with any particle words before it.
        i = len(words) - 1
        while i > 0 and words[i - 1].lower() in _PARTICLES:
            i -= 1
        given = " ".join(words[:i]) if i > 0 else None
        particle = " ".join(words[i:-1]) or None
        family = words[-1] if words else ""
    else:
        family_part = parts[0]
        if len(parts) == 2:
            if parts[1].lower() in _SUFFIXES:  # "King, Jr."
                suffix, given = parts[1], None
            else:
                given = parts[1] or None
        elif parts[1].lower() in _SUFFIXES:  # BibTeX's "von Last, Jr, First"
            suffix, given = parts[1], ", ".join(parts[2:]) or None
        else:  # "Last, First, Jr."
            given, suffix = parts[1] or None, ", ".join(parts[2:]) or None
        words = family_part.split(" ")
        j = 0
        while j < len(words) - 1 and words[j].lower() in _PARTICLES:
            j += 1
        particle = " ".join(words[:j]) or None
        family = " ".join(words[j:])
    out = {"family": _strip_braces(family)}
    if given:
        out["given"] = _strip_braces(given)
    if particle:
        out["particle"] = particle
    if suffix:
        out["suffix"] = suffix
    return out


def _balanced_whole(text: str) -> bool:
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0 and i < len(text) - 1:
            return False
    return depth == 0


def _strip_braces(text: str) -> str:
    return text.replace("{", "").replace("}", "")


class Theme(BaseModel):
    """One of the programme's themes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1)
    name_en: str | None = None
    description: str = ""


_ISBN_CHARS = re.compile(r"^[0-9Xx -]+$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", re.I)
# RFC 3986: a URL holds only these characters, and "%" only to start an escape (anything
# else is percent-encoded), so a value can never close a Markdown <autolink> or an HTML attribute.
_URL_CHARS = "A-Za-z0-9._~:/?#\\[\\]@!$&'()*+,;=\\-"
_HOST = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})+"
_URL = re.compile(rf"^https?://(?:{_HOST}\.{_HOST}|localhost(?::\d+)?)(?:[/?#](?:[{_URL_CHARS}]|%[0-9A-Fa-f]{{2}})*)?$")
_URL_UNSAFE = re.compile(rf"[^{_URL_CHARS}%]|%(?![0-9A-Fa-f]{{2}})")
_KEY = re.compile(r"^[^\s,{}()\"'#%~\\=]+$")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_TEXT_INTS = ("number", "edition", "volume", "issue", "pages")
# How people write "no date" (n.d., Norwegian u.å.): no year.
NO_DATE = ("nd", "n.d.", "n. d.", "u.å.", "u. å.", "ua", "u.a.", "none", "")


def encode_url(text: str) -> str:
    """A web address with what RFC 3986 does not allow percent-encoded: spaces, quotes,
    angle brackets, non-ASCII letters (as UTF-8): ``https://no.wikipedia.org/wiki/Bråthen``
    gives ``.../Br%C3%A5then``. A "%" that starts no escape is encoded too."""
    from urllib.parse import quote

    return _URL_UNSAFE.sub(lambda m: quote(m.group(0), safe=""), text.strip())


def isbn_is_valid(isbn: str) -> bool:
    """True when the ISBN-10 or ISBN-13 check digit is right."""
    digits = isbn.replace("-", "").replace(" ", "").upper()
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        total = sum((10 - i) * int(d) for i, d in enumerate(digits[:9]))
        total += 10 if digits[9] == "X" else int(digits[9])
        return total % 11 == 0
    if len(digits) == 13 and digits.isdigit():
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits))
        return total % 10 == 0
    return False


def max_year() -> int:
    return _dt.date.today().year + 2


# The order of fields here is the order in which records are written.
class Reference(BaseModel):
    """One piece of literature."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)

    key: str
    type: RefType = RefType.misc
    title: str
    authors: list[Person] = Field(default_factory=list)
    editors: list[Person] = Field(default_factory=list)
    year: int | None = None
    date: str | None = None  # a fuller date, YYYY-MM-DD, when known
    publisher: str | None = None  # the institution for reports, the university for theses
    place: str | None = None
    series: str | None = None
    number: str | None = None
    edition: str | None = None
    genre: str | None = None  # the kind of thesis or document: "Doctoral dissertation"
    journal: str | None = None
    booktitle: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    url: str | None = None
    accessed: str | None = None  # when a web page was read, YYYY-MM-DD
    doi: str | None = None
    isbn: str | None = None
    language: str | None = None
    abstract: str | None = None
    keywords: list[str] = Field(default_factory=list)
    themes: list[str] = Field(default_factory=list)
    note: str | None = None
    availability: str | None = None
    extra: dict[str, Any] = Field(default_factory=dict)

    @field_validator("key")
    @classmethod
    def _key_shape(cls, v: str) -> str:
        if not _KEY.fullmatch(v):
            raise ValueError(
                "a key may not contain spaces, commas, braces, quotes or any of # % ~ \\ ="
            )
        return v

    @field_validator("title")
    @classmethod
    def _title_nonempty(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("title must not be empty")
        return v

    @field_validator(*_TEXT_INTS, mode="before")
    @classmethod
    def _int_as_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v

    @field_validator("year", mode="before")
    @classmethod
    def _year_text(cls, v: Any) -> Any:
        # One wording wherever a year is read: the file, `add --year`, `edit --set year=`.
        if v is None or (isinstance(v, int) and not isinstance(v, bool)):
            return v
        text = str(v).strip()
        if text.lower() in NO_DATE:
            return None
        if not text.isdigit():
            raise ValueError(f"'{v}' is not a year (a whole number such as 2013, or n.d. for none)")
        return int(text)

    @field_validator("year")
    @classmethod
    def _year_sense(cls, v: int | None) -> int | None:
        if v is not None and not 1450 <= v <= max_year():
            raise ValueError(f"year {v} is not between 1450 and {max_year()}")
        return v

    @field_validator("date", "accessed")
    @classmethod
    def _date_shape(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if not _DATE.fullmatch(v):
            raise ValueError(f"'{v}' is not a date written YYYY, YYYY-MM or YYYY-MM-DD")
        parts = [int(p) for p in v.split("-")]
        try:
            _dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        except ValueError:
            raise ValueError(f"'{v}' is not a real date") from None
        return v

    @field_validator("isbn")
    @classmethod
    def _isbn_check(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if not _ISBN_CHARS.fullmatch(v) or not isbn_is_valid(v):
            raise ValueError(f"'{v}' is not a valid ISBN (wrong length or check digit)")
        return v

    @field_validator("doi")
    @classmethod
    def _doi_shape(cls, v: str | None) -> str | None:
        if v is None:
            return v
        bare = _DOI_PREFIX.sub("", v.strip())
        if not _DOI.fullmatch(bare):
            raise ValueError(f"'{v}' is not a DOI (expected 10.NNNN/suffix)")
        return bare

    @field_validator("url")
    @classmethod
    def _url_shape(cls, v: str | None) -> str | None:
        if v is not None and not _URL.fullmatch(v):
            bad = _URL_UNSAFE.search(v) if v.startswith(("http://", "https://")) else None
            if bad:
                raise ValueError(f"'{v}' holds '{bad.group(0)}', which a web address may not hold "
                                 "(RFC 3986); write it percent-encoded")
            raise ValueError(f"'{v}' is not a web address (expected http:// or https://host/...)")
        return v

    @field_validator("language")
    @classmethod
    def _lang_shape(cls, v: str | None) -> str | None:
        if v is not None and not _LANG.fullmatch(v):
            raise ValueError(f"'{v}' is not a language code such as nb, nn, sv or en")
        return v

    @model_validator(mode="after")
    def _year_matches_date(self) -> "Reference":
        if self.date and self.year is None:
            self.year = int(self.date[:4])
        elif self.date and self.year is not None and int(self.date[:4]) != self.year:
            raise ValueError(f"date {self.date} does not fall in year {self.year}")
        return self

    # --- conveniences for display; formats have their own, fuller rules ---

    @property
    def creators(self) -> list[Person]:
        return self.authors or self.editors

    def short_authors(self) -> str:
        people = self.creators
        if not people:
            return ""
        first = people[0].family_full
        if len(people) == 1:
            return first
        if len(people) == 2:
            return f"{first} & {people[1].family_full}"
        return f"{first} et al."

    def to_data(self) -> dict[str, Any]:
        """The record as plain data in field order, leaving out empty fields."""
        out: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if value is None or value == [] or value == {}:
                continue
            if name in ("authors", "editors"):
                value = [p.model_dump(exclude_none=True) for p in value]
            elif isinstance(value, Enum):
                value = value.value
            out[name] = value
        return out


FIELD_NAMES = tuple(Reference.model_fields)
PERSON_FIELDS = ("family", "given", "particle", "suffix", "name")


def error_messages(exc: Any, known: tuple[str, ...] = FIELD_NAMES) -> list[tuple[tuple[Any, ...], str, str]]:
    """Pydantic's errors as ``(location, message, kind)``, worded for a person.

    The one place where a broken rule gets its words, for the file (``check``, with a
    ``file:line:column``) and the command line (``add``, ``edit``) alike. ``location``
    is the path to the value (``("authors", 1, "family")``), without pydantic's
    names of union branches; ``kind`` is pydantic's error type ("missing",
    "extra_forbidden", ...). ``known`` are the top-level fields, for did-you-mean.
    """
    import difflib

    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and (
            p.startswith("function-") or p[:1].isupper() or p in ("str", "int", "list"))))
        kind = err["type"]
        message = err["msg"].removeprefix("Value error, ")
        if kind == "missing":
            message = "required field is missing"
        elif kind == "extra_forbidden":
            name = str(loc[-1]) if loc else "?"
            guess = difflib.get_close_matches(name, known if len(loc) == 1 else PERSON_FIELDS, n=1)
            message = f"unknown field '{name}'" + (f" (did you mean '{guess[0]}'?)" if guess else "")
        elif kind == "enum":
            message = f"'{err.get('input')}' is not one of {', '.join(REF_TYPES)}"
        elif kind in ("int_parsing", "int_type", "int_from_float"):
            message = f"'{err.get('input')}' is not a whole number"
        elif kind == "string_type":
            message = "must be text"
        elif kind == "list_type":
            message = "must be a list"
        elif kind in ("dict_type", "model_type", "model_attributes_type"):
            message = "must be a mapping of fields (field: value)"
        out.append((loc, message, kind))
    return out
