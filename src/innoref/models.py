"""The rules a single record must obey, as Pydantic models: validation only.

This module owns what a valid record is (ISBN check digits, DOI and URL shape, a
sensible year, a key's shape) and the words a broken rule is reported in
(:func:`error_messages`). Validated data becomes the plain values of
``records.py`` (:func:`validate_reference`, :func:`validate_theme`), which is what
every command works with, so Pydantic is imported only where something is
validated. No I/O; rules that need the whole library (unique keys, theme ids that
exist) are the index's and ``editing.py``'s.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from typing import Any

import os

# Pydantic looks for plugins among the entry points of every installed package the first time a
# model is built (tens of milliseconds in a large environment); innoref's models use none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator  # noqa: E402


from innoref.records import FIELDS, PERSON_PARTS, REF_TYPES, Reference, Theme, parse_person  # noqa: E402


class PersonModel(BaseModel):
    """An author or editor: a person (family/given, with particle and suffix) or
    an organisation written whole in ``name``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    family: str | None = None
    given: str | None = None
    particle: str | None = None
    suffix: str | None = None
    name: str | None = None
    role: str | None = None  # printed after the name: "(Director)", "(Host)" (APA 9.10)
    username: str | None = None  # a channel's or account's name, in brackets: "[Kommunekanalen]" (APA 9.8)

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, str):
            return parse_person(data)
        if hasattr(data, "to_data"):  # a records.Person
            return data.to_data()
        return data

    @model_validator(mode="after")
    def _one_kind(self) -> "PersonModel":
        if self.name is not None:
            if any((self.family, self.given, self.particle, self.suffix)):
                raise ValueError("an organisation (name) takes no family, given, particle or suffix")
            if not self.name.strip():
                raise ValueError("name must not be empty")
        elif not (self.family and self.family.strip()):
            raise ValueError("a person needs a family name (or an organisation its name)")
        return self


class ThemeModel(BaseModel):
    """One of the programme's themes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1)
    name_en: str | None = None
    description: str = ""


_ISBN_CHARS = re.compile(r"^[0-9Xx -]+$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$|^10/[a-z0-9]+$")  # and a short DOI, 10/fg6rf9 (shortdoi.org)
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
_TEXT_INTS = ("number", "edition", "version", "volume", "issue", "pages")
# A date, or an ISO 8601 interval of two (2019-11-21/2019-11-22), or one open at its end (2018/..).
_DATE_RANGE = re.compile(r"^(\d{4}(?:-\d{2}(?:-\d{2})?)?)/(\.\.|\d{4}(?:-\d{2}(?:-\d{2})?)?)$")
STATUSES = ("in press", "submitted", "in preparation", "unpublished")
STATUS_WORDS = {"inpress": "in press", "in press": "in press", "forthcoming": "in press", "submitted": "submitted",
                 "submitted for publication": "submitted", "in preparation": "in preparation",
                 "inpreparation": "in preparation", "prepublished": "in preparation", "unpublished": "unpublished"}
MAX_KEY = 100  # characters: longer than any citation key a person types or innoref makes
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


def _real_date(v: str) -> None:
    parts = [int(p) for p in v.split("-")]
    try:
        _dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise ValueError(f"'{v}' is not a real date") from None


def max_year() -> int:
    return _dt.date.today().year + 2


# The order of fields here is the order in which records are written.
class ReferenceModel(BaseModel):
    """One piece of literature, as the file may hold it."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)

    key: str
    type: str = "misc"
    title: str
    translated_title: str | None = None  # a title in another language, translated (APA 9.38): in brackets after it
    short_title: str | None = None  # a law's official short title (korttittel): "Folketrygdloven"
    authors: list[PersonModel] = Field(default_factory=list)
    editors: list[PersonModel] = Field(default_factory=list)
    translators: list[PersonModel] = Field(default_factory=list)
    year: int | None = None
    origyear: int | None = None  # the original work's year, of a translation or a reprint (APA 9.40-9.41)
    date: str | None = None  # a fuller date, YYYY-MM-DD, or a range: 2019-11-21/2019-11-22, 2018/..
    status: str | None = None  # in press, submitted, in preparation, unpublished (APA 9.16, 10.8)
    publisher: str | None = None  # the institution for reports, the university for theses
    institution: str | None = None  # a thesis's university when the publisher is a database (APA 10.6)
    place: str | None = None
    series: str | None = None
    number: str | None = None
    session: str | None = None  # a white paper's, proposition's or recommendation's session: "2009–2010"
    edition: str | None = None
    version: str | None = None  # of a data set or software: "(Version 1.4.2)"
    genre: str | None = None  # the kind of thesis or document: "Doctoral dissertation"
    journal: str | None = None
    booktitle: str | None = None
    event: str | None = None  # the conference a presentation was given at
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
        v = unicodedata.normalize("NFC", v)  # "bråthen2010" typed in NFC or NFD is one key
        if not _KEY.fullmatch(v):
            raise ValueError(
                "a key may not contain spaces, commas, braces, quotes or any of # % ~ \\ ="
            )
        if len(v) > MAX_KEY:
            raise ValueError(f"a key of {len(v):,} characters is too long (at most {MAX_KEY})")
        return v

    @field_validator("type")
    @classmethod
    def _known_type(cls, v: str) -> str:
        if v not in REF_TYPES:
            import difflib

            near = difflib.get_close_matches(v, REF_TYPES, n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise ValueError(f"'{v}' is not a type{hint}; the types are {', '.join(REF_TYPES)}")
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
    def _date_shape(cls, v: str | None, info: Any) -> str | None:
        if v is None:
            return v
        interval = _DATE_RANGE.fullmatch(v) if info.field_name == "date" else None
        if interval:
            start, end = interval.groups()
            _real_date(start)
            if end != "..":
                _real_date(end)
                if len(end) != len(start):
                    raise ValueError(f"'{v}': write both ends alike: 2019-11-21/2019-11-22, 2019-11/2019-12 or "
                                     "2019/2020")
                if end <= start:
                    raise ValueError(f"'{v}' ends before it starts" if end < start else
                                     f"'{v}' ends where it starts: write the date alone")
            return v
        if not _DATE.fullmatch(v):
            more = ", or a range: 2019-11-21/2019-11-22, 2018/.." if info.field_name == "date" else ""
            raise ValueError(f"'{v}' is not a date written YYYY, YYYY-MM or YYYY-MM-DD{more}")
        _real_date(v)
        return v

    @field_validator("origyear", mode="before")
    @classmethod
    def _origyear_text(cls, v: Any) -> Any:
        if isinstance(v, str) and v.strip().isdigit():
            return int(v.strip())
        return v

    @field_validator("origyear")
    @classmethod
    def _origyear_before(cls, v: int | None, info: Any) -> int | None:
        year = info.data.get("year")
        if v is not None and year is not None and v > year:
            raise ValueError(f"the original work ({v}) cannot be later than this one ({year})")
        return v

    @field_validator("status", mode="before")
    @classmethod
    def _status_known(cls, v: Any) -> Any:
        if v is None:
            return v
        word = STATUS_WORDS.get(" ".join(str(v).lower().split()))
        if word is None:
            raise ValueError(f"'{v}' is not a status: {', '.join(STATUSES)}")
        return word

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
            raise ValueError(f"'{v}' is not a DOI (expected 10.NNNN/suffix, or a short DOI 10/suffix)")
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
    def _public_document(self) -> "ReferenceModel":
        """NOU, Meld. St., Prop., Innst., laws and regulations: their designation's parts, written
        the canonical way (documents.py)."""
        from innoref import documents

        if documents.is_public(self.type):
            for name in ("series", "genre"):
                if getattr(self, name) is not None:
                    raise ValueError(f"{name}: a {self.type}'s designation is its {name} (NOU, Meld. St., ...); "
                                     f"leave {name} out")
            try:
                self.number, self.session, year = documents.check(
                    self.type, self.number, self.session, self.year, self.short_title)
            except ValueError as exc:
                raise ValueError(str(exc)) from None
            if self.year is None and year is not None and not self.date:
                self.year = year
        elif self.session is not None:
            raise ValueError(f"session: only a white paper, a proposition or a recommendation has a session, "
                             f"not a {self.type}")
        return self

    @model_validator(mode="after")
    def _institution_of_a_thesis(self) -> "ReferenceModel":
        if self.institution is not None and self.type != "thesis":
            raise ValueError(f"institution: only a thesis has one (the university that gave the degree, when a "
                             f"database or repository is its publisher), not a {self.type}; use publisher")
        if self.institution is not None and self.publisher is None:
            # No database or repository: the university is the publisher (APA 10.6 Example 64).
            self.publisher, self.institution = self.institution, None
        return self

    @model_validator(mode="after")
    def _year_matches_date(self) -> "ReferenceModel":
        if self.date and self.year is None:
            self.year = int(self.date[:4])
        elif self.date and self.year is not None and int(self.date[:4]) != self.year:
            raise ValueError(f"date {self.date} does not fall in year {self.year}")
        return self

    def to_data(self) -> dict[str, Any]:
        """The record as plain data in field order, leaving out empty fields."""
        out: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if value is None or value == [] or value == {}:
                continue
            if name in ("authors", "editors", "translators"):
                value = [p.model_dump(exclude_none=True) for p in value]
            out[name] = value
        return out


FIELD_NAMES = FIELDS
PERSON_FIELDS = PERSON_PARTS
assert tuple(ReferenceModel.model_fields) == FIELDS, "records.FIELDS and ReferenceModel disagree"
assert tuple(PersonModel.model_fields) == PERSON_PARTS, "records.PERSON_PARTS and PersonModel disagree"


def validate_reference(data: Any) -> Reference:
    """A record from data, by every rule of :class:`ReferenceModel`; raises pydantic's
    ValidationError (see :func:`error_messages`)."""
    return Reference.from_data(ReferenceModel.model_validate(data).to_data())


def reference(**fields: Any) -> Reference:
    """A validated record from keyword fields (persons may be written as text: "Moland, Leif E.")."""
    return validate_reference(fields)


def validate_person(data: Any):
    """One person or organisation, from a mapping or BibTeX-style text; raises ValidationError."""
    from innoref.records import Person

    return Person(**PersonModel.model_validate(data).model_dump(exclude_none=True))


def validate_theme(data: Any) -> Theme:
    return Theme(**ThemeModel.model_validate(data).model_dump())


_NAMED = re.compile(r"^([a-z_]+): ")


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
        named = _NAMED.match(message) if not loc else None
        if named and named.group(1) in known:  # a rule of the whole record that names its field
            loc, message = (named.group(1),), message[named.end():]
        if kind == "missing":
            message = "required field is missing"
        elif kind == "extra_forbidden":
            name = str(loc[-1]) if loc else "?"
            guess = difflib.get_close_matches(name, known if len(loc) == 1 else PERSON_FIELDS, n=1)
            message = f"unknown field '{name}'" + (f" (did you mean '{guess[0]}'?)" if guess else "")
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
