"""Reading other tools' files into innoref records: one module per input format.

Each module (``bibtex``, ``csl_json``, ``ris``) has ``read(text, progress)``
returning a :class:`Batch`: a :class:`~innoref.editing.Candidate` per entry
(field values as innoref names them, every field innoref does not name kept in
``extra``) and a :class:`~innoref.editing.Skipped` for each entry that cannot
become a record, with its reason. Nothing here validates against the library or
writes a file: :func:`innoref.editing.import_candidates` does that, in one write.
No module here prints or exits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from innoref.errors import InnorefError, UsageError

if TYPE_CHECKING:
    from innoref.editing import Candidate, Skipped

# A progress callback: start(label, total) gives tick(n).
Progress = Callable[[str, int], Callable[[int], None]]

FORMATS = {"bibtex": (".bib", ".bibtex", ".biblatex"), "csl_json": (".json", ".csl", ".csljson"), "ris": (".ris",)}


@dataclass
class Batch:
    candidates: list["Candidate"] = field(default_factory=list)
    skipped: list["Skipped"] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # about the file as a whole


_ALIASES = {
    "bibtex": "bibtex", "bib": "bibtex", "biblatex": "bibtex",
    "csl-json": "csl_json", "csl_json": "csl_json", "csljson": "csl_json", "csl": "csl_json", "json": "csl_json",
    "ris": "ris",
}


def format_of(path: Path, name: str | None = None) -> str:
    """The reader for a file: named with --format, else by its suffix."""
    if name:
        key = _ALIASES.get(name.lower())
        if key is None:
            raise UsageError(f"unknown import format '{name}'; choose bibtex, csl-json or ris")
        return key
    suffix = path.suffix.lower()
    for key, suffixes in FORMATS.items():
        if suffix in suffixes:
            return key
    raise UsageError(
        f"cannot tell the format of '{path.name}' from its name; "
        "use .bib (BibTeX/biblatex), .json (CSL-JSON) or .ris, or give --format"
    )


def read_file(path: Path, fmt: str | None = None, progress: Progress | None = None, *,
              keep_case: bool = False) -> Batch:
    """Read an import file into candidates (no library involved). BibTeX's English title-case
    titles are put in sentence case unless ``keep_case`` (the other formats keep titles as written)."""
    import importlib

    key = format_of(path, fmt)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InnorefError(f"{path}: cannot read: {exc.strerror}") from None
    module = importlib.import_module(f"innoref.importers.{key}")
    if key == "bibtex":
        return module.read(file_text(path, data), progress, keep_case=keep_case)
    return module.read(file_text(path, data), progress)


def file_text(path: Path, data: bytes) -> str:
    """The text of an import file: UTF-8 (with or without a byte order mark), UTF-16 with
    its byte order mark, else Latin-1 (old .bib and .ris files); a binary file is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InnorefError(f"{path}: starts as UTF-16 text but is not; nothing was imported") from None
    if b"\0" in data:
        raise InnorefError(f"{path}: not a text file (it holds NUL bytes: a PDF, a ZIP or UTF-16 without a "
                           "byte order mark?); nothing was imported")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Old .bib and .ris files are often Latin-1; every byte is a Latin-1 character.
        return data.decode("latin-1")


# --------------------------------------------------------------------------- shared helpers

_LANGUAGES = {
    "english": "en", "american": "en-US", "british": "en-GB", "usenglish": "en-US", "ukenglish": "en-GB",
    "canadian": "en-CA", "australian": "en-AU", "newzealand": "en-NZ",
    "norsk": "nb", "norwegian": "nb", "bokmal": "nb", "bokmål": "nb", "nynorsk": "nn", "swedish": "sv",
    "svenska": "sv", "danish": "da", "dansk": "da", "german": "de", "ngerman": "de", "deutsch": "de",
    "austrian": "de-AT", "naustrian": "de-AT", "swissgerman": "de-CH", "nswissgerman": "de-CH",
    "french": "fr", "francais": "fr", "français": "fr", "italian": "it", "spanish": "es", "catalan": "ca",
    "portuguese": "pt", "portuges": "pt", "brazil": "pt-BR", "brazilian": "pt-BR", "dutch": "nl",
    "finnish": "fi", "icelandic": "is", "polish": "pl", "russian": "ru", "greek": "el", "latin": "la",
    "czech": "cs", "slovak": "sk", "slovene": "sl", "croatian": "hr", "serbian": "sr", "hungarian": "hu",
    "turkish": "tr", "hebrew": "he", "japanese": "ja", "chinese": "zh", "korean": "ko", "estonian": "et",
    "latvian": "lv", "lithuanian": "lt", "romanian": "ro", "ukrainian": "uk", "bulgarian": "bg",
}
_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


def language_code(text: str | None) -> str | None:
    """An ISO code for a language name or code ("norsk" -> nb, "en_US" -> en-US), or None."""
    if not text:
        return None
    value = text.strip()
    if _CODE.match(value):
        return value.replace("_", "-")
    return _LANGUAGES.get(value.lower().replace(" ", "").replace("-", ""))


_ISBN_LIKE = re.compile(r"(?:97[89][- ]?)?(?:[0-9][- ]?){9}[0-9Xx]")


def isbn_in(text: str) -> str | None:
    """The first valid ISBN in a text ("978-82-... (pbk.)" -> "978-82-..."), or None."""
    from innoref.models import isbn_is_valid

    for m in _ISBN_LIKE.finditer(text):
        if isbn_is_valid(m.group(0)):
            return m.group(0).strip()
    return None


_DATE = re.compile(r"^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?")


def date_parts(text: str) -> tuple[int | None, str | None]:
    """(year, YYYY[-MM[-DD]] date) from "2013", "2013-04-06", "2013/04/06/" and the like."""
    import datetime as dt

    m = _DATE.match(text.strip())
    if not m:
        return None, None
    year = int(m.group(1))
    parts = [m.group(1)] + [f"{int(g):02d}" for g in m.groups()[1:] if g]
    try:
        dt.date(year, int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except ValueError:
        return year, m.group(1)
    return year, "-".join(parts)


_INTERVAL = re.compile(r"^\s*(\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?)\s*/\s*(\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?|\.\.)?\s*$")


def date_or_range(text: str) -> tuple[int | None, str | None]:
    """As :func:`date_parts`, and an ISO 8601 interval as innoref keeps one: "2019-11-21/2019-11-22";
    open at its end ("2018/", "2018/..") as "2018/.."."""
    m = _INTERVAL.match(text)
    if not m:
        return date_parts(text)
    year, start = date_parts(m.group(1))
    end = m.group(2) or ".."
    if end != "..":
        end = date_parts(end)[1]
    if start is None or end is None or (end != ".." and end < start[:len(end)]):
        return year, start
    return year, f"{start}/{end}"


def put_extra(data: dict, name: str, value) -> None:
    """Keep a field innoref does not name; a second value for the name makes a list."""
    if value is None or value == "" or value == []:
        return
    extra = data.setdefault("extra", {})
    if name in extra:
        old = extra[name]
        extra[name] = (old if isinstance(old, list) else [old]) + (value if isinstance(value, list) else [value])
    else:
        extra[name] = value
