"""The records innoref keeps, as plain values: Reference, Person, Theme.

These are what every command reads: built from data that was validated when it was
read from the file (``models.py`` holds the rules and Pydantic, imported only to
validate), so building one costs microseconds and needs no third-party import.
:data:`FIELDS` is the one list of a record's fields, in the order they are written;
the validation schema is checked against it.

No I/O, no validation, no knowledge of files or of other records.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

# The kinds of work, in the order help lists them; "misc" is the catch-all. nou ... forskrift are
# Norwegian public documents (documents.py).
REF_TYPES = ("report", "book", "article", "chapter", "thesis", "webpage",
             "magazine", "newspaper", "blogpost", "specialissue", "entry", "pressrelease", "presentation", "dataset", "software",
             "preprint", "manuscript", "film", "tvepisode", "video", "podcast", "podcastepisode",
             "nou", "meld", "prop", "innst", "lov", "forskrift", "misc")
# Kinds that are part of a larger work: a periodical's (its name is the journal, its issue an
# issue), or another work's (a book, reference work or series: its title is the booktitle, its
# editors that work's). Their titles are roman in a reference and quoted in a citation (APA 9.19).
PERIODICAL = ("article", "magazine", "newspaper", "blogpost", "specialissue")
IN_WORK = ("chapter", "entry", "tvepisode", "podcastepisode")
EPISODES = ("tvepisode", "podcastepisode")
# The kinds as help and error messages list them.
TYPES_HELP = ("report, book, article, chapter, thesis, webpage; magazine, newspaper, blogpost, specialissue (of a "
              "journal), entry (in a "
              "reference work), pressrelease, presentation, dataset, software, preprint, manuscript, film, "
              "tvepisode, video, podcast, podcastepisode; misc; or a Norwegian public document: nou, meld "
              "(Meld. St.), prop, innst, lov, forskrift")

# A record's fields, in the order they are written to the file (see models.ReferenceModel).
FIELDS = (
    "key", "type", "title", "translated_title", "short_title", "authors", "editors", "translators", "year",
    "origyear", "date", "status", "publisher", "institution", "place", "series", "number", "session", "edition",
    "version", "genre", "journal", "booktitle", "event", "volume", "issue", "pages", "url", "accessed",
    "doi", "isbn", "language", "abstract", "keywords", "themes", "note", "availability", "extra",
)
PEOPLE = ("authors", "editors", "translators")
_PUBLIC = frozenset(("nou", "meld", "prop", "innst", "lov", "forskrift"))  # documents.KINDS
LISTS = ("authors", "editors", "translators", "keywords", "themes")
# A person's role (Director, Host) and username (a channel's name, APA 9.8) are printed with the name.
PERSON_PARTS = ("family", "given", "particle", "suffix", "name", "role", "username")

# Words that belong to a family name but are written in lower case before it.
PARTICLES = frozenset({
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "le", "la",
    "af", "av", "zu", "ten", "ter", "op", "dos", "das",
})
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


class Person:
    """An author or editor: a person (family, given, particle, suffix) or an
    organisation written whole in ``name``."""

    __slots__ = PERSON_PARTS

    def __init__(self, family: str | None = None, given: str | None = None, particle: str | None = None,
                 suffix: str | None = None, name: str | None = None, role: str | None = None,
                 username: str | None = None):
        self.family = family
        self.given = given
        self.particle = particle
        self.suffix = suffix
        self.name = name
        self.role = role
        self.username = username

    @classmethod
    def from_data(cls, data: dict[str, str]) -> "Person":
        return cls(**data)

    def to_data(self) -> dict[str, str]:
        return {k: v for k in PERSON_PARTS if (v := getattr(self, k)) is not None}

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
        """ "Family, Given" (with particle and suffix), or the organisation's name; a username in
        brackets and a role in parentheses after it, as they are typed."""
        if self.name is not None:
            out = self.name
        else:
            out = self.family_full
            if self.given:
                out += f", {self.given}"
            if self.suffix:
                out += f", {self.suffix}"
        if self.username:
            out += f" [{self.username}]"
        if self.role:
            out += f" ({self.role})"
        return out

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Person) and self.to_data() == other.to_data()

    def __hash__(self) -> int:
        return hash(tuple(self.to_data().items()))

    def __repr__(self) -> str:
        return f"Person({self.display()!r})"


_EMPTY: dict[str, Any] = {name: None for name in FIELDS}


class Reference:
    """One piece of literature (a validated record)."""

    __slots__ = FIELDS

    def __init__(self, **fields: Any):
        for name in FIELDS:
            value = fields.pop(name, None)
            if value is None and name in LISTS:
                value = []
            elif value is None and name == "extra":
                value = {}
            object.__setattr__(self, name, value)
        if fields:
            raise TypeError(f"unknown fields: {', '.join(fields)}")

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "Reference":
        """A record from its validated data (``to_data()``, as the index keeps it)."""
        ref = object.__new__(cls)
        get = data.get
        for name in FIELDS:
            object.__setattr__(ref, name, get(name))
        ref.authors = [Person(**p) for p in get("authors") or ()]
        ref.editors = [Person(**p) for p in get("editors") or ()]
        ref.translators = [Person(**p) for p in get("translators") or ()]
        ref.keywords = list(get("keywords") or ())
        ref.themes = list(get("themes") or ())
        ref.extra = dict(get("extra") or {})
        if ref.type is None:
            ref.type = "misc"
        return ref

    def to_data(self) -> dict[str, Any]:
        """The record as plain data in field order, leaving out empty fields."""
        out: dict[str, Any] = {}
        for name in FIELDS:
            value = getattr(self, name)
            if value is None or value == [] or value == {}:
                continue
            if name in PEOPLE:
                value = [p.to_data() for p in value]
            elif name in LISTS:
                value = list(value)
            elif name == "extra":
                value = dict(value)
            out[name] = value
        return out

    def replace(self, **changes: Any) -> "Reference":
        """A copy with some fields changed (not validated: validate what a person typed)."""
        data = self.to_data()
        data.update({k: (v.to_data() if isinstance(v, Person) else v) for k, v in changes.items()})
        for name in PEOPLE:
            if name in changes:
                data[name] = [p.to_data() if isinstance(p, Person) else p for p in changes[name] or []]
        return Reference.from_data({k: v for k, v in data.items() if v is not None})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Reference) and self.to_data() == other.to_data()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Reference({self.key!r})"

    # --- conveniences for display; formats have their own, fuller rules ---

    @property
    def creators(self) -> list[Person]:
        return self.authors or self.editors

    def short_authors(self) -> str:
        """Who the work is by, in a few words: "Moland et al."; a public document's designation."""
        if self.type in _PUBLIC:
            from innoref.documents import designation

            return designation(self)
        people = self.creators
        if not people:
            return ""
        first = people[0].family_full
        if len(people) == 1:
            return first
        if len(people) == 2:
            return f"{first} & {people[1].family_full}"
        return f"{first} et al."


class Theme:
    """One of the programme's themes."""

    __slots__ = ("id", "name", "name_en", "description")

    def __init__(self, id: str, name: str, name_en: str | None = None, description: str = ""):  # noqa: A002
        self.id = id
        self.name = name
        self.name_en = name_en
        self.description = description

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "Theme":
        return cls(**data)

    def to_data(self) -> dict[str, Any]:
        out = {"id": self.id, "name": self.name}
        if self.name_en is not None:
            out["name_en"] = self.name_en
        out["description"] = self.description
        return out

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Theme) and self.to_data() == other.to_data()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Theme({self.id!r})"


# --------------------------------------------------------------------------- names written as text


def split_top(text: str, sep: str) -> list[str]:
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


def parse_person(text: str) -> dict[str, str]:
    """Read a name as BibTeX writes it.

    ``{Kommunal- og regionaldepartementet}`` is an organisation; ``Family, Given``,
    ``von Family, Jr., Given`` and ``Given von Family`` are persons.
    """
    text = " ".join(text.split())
    extra: dict[str, str] = {}
    # A role and a username after the name, as APA prints them: "Kjeldsen, Marit (Director)",
    # "Lindahl, Emma [Kommunekanalen]" (APA 9.8, 9.10).
    while True:
        m = _ROLE.search(text) or _USERNAME.search(text)
        if not m:
            break
        extra["role" if m.re is _ROLE else "username"] = m.group(1).strip()
        text = text[:m.start()].rstrip()
    if text.startswith("{") and text.endswith("}") and _balanced_whole(text):
        return {"name": text[1:-1].strip(), **extra}
    parts = split_top(text, ",")
    suffix = None
    if len(parts) == 1:
        words = split_top(parts[0], " ")
        # "Given von Family": the family name is the last word, with any particle words before it.
        i = len(words) - 1
        while i > 0 and words[i - 1].lower() in PARTICLES:
            i -= 1
        given = " ".join(words[:i]) if i > 0 else None
        particle = " ".join(words[i:-1]) or None
        family = words[-1] if words else ""
    else:
        family_part = parts[0]
        if len(parts) == 2:
            if parts[1].lower() in SUFFIXES:  # "King, Jr."
                suffix, given = parts[1], None
            else:
                given = parts[1] or None
        elif parts[1].lower() in SUFFIXES:  # BibTeX's "von Last, Jr, First"
            suffix, given = parts[1], ", ".join(parts[2:]) or None
        else:  # "Last, First, Jr."
            given, suffix = parts[1] or None, ", ".join(parts[2:]) or None
        words = family_part.split(" ")
        j = 0
        while j < len(words) - 1 and words[j].lower() in PARTICLES:
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
    return {**out, **extra}


_ROLE = re.compile(r"\s*\(([^()]+)\)$")
_USERNAME = re.compile(r"\s*\[([^\[\]]+)\]$")


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


def people_of(values: Iterable[Any]) -> list[Person]:
    """Persons from validated data or Person values."""
    return [v if isinstance(v, Person) else Person(**v) for v in values]
