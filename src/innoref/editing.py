"""Changing the library: add, edit (set/unset or whole-record text), remove, import.

Each operation is one read-modify-write under :func:`innoref.files.locked`: the
file is read *after* the lock is taken (so two ``innoref add`` at once both land),
the change is validated in full (the record's own rules, a unique key, themes
that exist, duplicates) before anything is written, and the new text is written
with :func:`innoref.files.atomic_write` (a failure leaves the old file whole; a
symlinked ``literature.yaml`` is written through to its target; a read-only one is
refused).
Records the operation does not touch keep their bytes (see ``writer.py``).

A user library that does not exist yet (it reads as the shipped reading list) is
created from that seed on its first write; a ``--data`` folder that does not
exist is created.

Functions here return data and raise :mod:`innoref.errors`; they never print,
prompt or exit. Values come in as the text a person typed; :func:`parse_value`
turns it into field values and every rule broken becomes one line of an
:class:`~innoref.errors.InvalidInput` naming the field and the rule.
"""

from __future__ import annotations

import difflib
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from innoref import files
from innoref.errors import DataError, InnorefError, InvalidInput, NotFoundError

if TYPE_CHECKING:
    from innoref.library import Library
    from innoref.location import Location
    from innoref.records import Reference
    from innoref.writer import Document

LIST_FIELDS = ("authors", "editors", "translators", "keywords", "themes")
PERSON_FIELDS = ("authors", "editors", "translators")
# What `add` asks for on a terminal, and what --no-input names when missing (the year may be
# n.d.); themes are optional: a researcher's own report need not serve a programme theme.
ADD_REQUIRED = ("type", "title", "authors", "year")


# --------------------------------------------------------------------------- values


def field_names() -> tuple[str, ...]:
    from innoref.records import FIELDS as FIELD_NAMES

    return FIELD_NAMES


def split_list(name: str, text: str) -> list[str]:
    """A list field typed as one text: persons split on ";" or " and ",
    keywords and themes on "," or ";"."""
    import re

    if name in PERSON_FIELDS:
        parts = re.split(r";|\s+and\s+", text)
    else:
        parts = re.split(r"[;,]", text)
    return [p.strip() for p in parts if p.strip()]


def parse_value(name: str, value: Any) -> Any:
    """A field's value from what was typed (a text, or a list of texts for list fields); the
    model's rules say what is wrong with it."""
    if name in LIST_FIELDS:
        items = value if isinstance(value, list) else split_list(name, str(value))
        return [v.strip() if isinstance(v, str) else v for v in items]
    if not isinstance(value, str):
        return value
    text = value.strip()
    if name == "year":
        from innoref.models import NO_DATE

        return None if text.lower() in NO_DATE else text  # the model says what is not a year
    if name == "url":
        from innoref.models import encode_url

        return encode_url(text)
    return text


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validation_lines(exc: Any) -> list[str]:
    """Pydantic's errors as "field: rule" lines a person can act on (worded by ``models.error_messages``)."""
    from innoref.models import error_messages

    lines = []
    for loc, message, _ in error_messages(exc, field_names()):
        where = _loc(loc)
        lines.append(f"{where}: {message}" if where else message)
    return lines


def invalid(lines: list[str]) -> InvalidInput:
    """One error for every broken rule, a line each, in the order of the record's fields (a field
    innoref does not know, a typo, first)."""
    from innoref.records import FIELDS

    order = {name: i for i, name in enumerate(FIELDS)}
    lines = sorted(lines, key=lambda line: order.get(re.split(r"[:\[.]", line, maxsplit=1)[0], -1))
    if len(lines) == 1:
        return InvalidInput(f"invalid record: {lines[0]}")
    return InvalidInput("invalid record:\n  " + "\n  ".join(lines))


def validate(data: dict[str, Any]) -> tuple["Reference | None", list[str]]:
    """A validated record, or the "field: rule" lines of what is wrong."""
    from pydantic import ValidationError

    from innoref.models import validate_reference

    try:
        return validate_reference(data), []
    except ValidationError as exc:
        return None, validation_lines(exc)


# Fields that identify or describe the work itself: a record whose value of one of these is
# invalid is not imported. Any other invalid value is set aside in ``extra`` and the rest imported.
_ESSENTIAL = frozenset({"key", "type", "title"})


def salvage(data: dict[str, Any]) -> tuple["Reference", list[str]]:
    """A record from imported values, setting aside each value that breaks a rule.

    An invalid URL, DOI, ISBN, date, language, ... goes into ``extra`` under its own
    name (an invalid person or keyword: that element), with a note naming the field
    and the rule; one bad field never costs the whole record. A bad title or type
    does: :class:`InvalidInput` names every broken rule.
    """
    from pydantic import ValidationError

    from innoref.models import error_messages, validate_reference

    data = dict(data)
    notes: list[str] = []
    for _ in range(len(data) + 8):  # each round sets aside at least one value
        try:
            return validate_reference(data), notes
        except ValidationError as exc:
            errors = error_messages(exc, field_names())
        if any(not loc or loc[0] in _ESSENTIAL or kind == "extra_forbidden" for loc, _, kind in errors):
            raise invalid([f"{_loc(loc)}: {m}" if loc else m for loc, m, _ in errors])
        extra = dict(data.get("extra") or {})
        drop: dict[str, set[int]] = {}
        for loc, message, _ in errors:
            name = loc[0]
            if name not in data:
                continue
            if len(loc) > 1 and isinstance(loc[1], int) and isinstance(data[name], list):
                drop.setdefault(name, set()).add(loc[1])
                value = data[name][loc[1]]
                where = f"{name}[{loc[1]}]"
            else:
                drop[name] = set()
                value = data[name]
                where = name
            shown = value if isinstance(value, str) else _person_text(value)
            target = name if name not in extra else f"{name}-invalid"
            if target in extra:
                old = extra[target]
                extra[target] = (old if isinstance(old, list) else [old]) + [shown]
            else:
                extra[target] = shown
            notes.append(f"{where}: {message}; kept in extra.{target}")
        if not drop:  # a rule about a value the record lacks (an NOU without its number): nothing to set aside
            raise invalid([f"{_loc(loc)}: {m}" if loc else m for loc, m, _ in errors])
        for name, positions in drop.items():
            if positions:
                data[name] = [v for i, v in enumerate(data[name]) if i not in positions]
            else:
                data.pop(name)
        data["extra"] = extra
    raise AssertionError("salvage did not converge")  # pragma: no cover


def _person_text(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def build_reference(data: dict[str, Any], errors: list[str] = ()) -> "Reference":
    """A validated record from field values, or InvalidInput naming every broken rule
    (``errors`` found earlier, while reading the values, come first)."""
    ref, lines = validate(data)
    lines = list(errors) + lines
    if lines or ref is None:
        raise invalid(lines)
    return ref


def theme_errors(ids: list[str], themes: list) -> list[str]:
    """A "themes: ..." line for each id that themes.yaml does not define."""
    known = {t.id for t in themes}
    lines = []
    for theme in ids:
        if theme in known:
            continue
        guess = difflib.get_close_matches(theme, sorted(known), n=1)
        hint = f"did you mean '{guess[0]}'?" if guess else f"known: {', '.join(sorted(known)) or 'none'}"
        lines.append(f"themes: '{theme}' is not a theme in themes.yaml ({hint})")
    return lines


def check_themes(ref: "Reference", themes: "Library | list") -> None:
    """Every theme of ``ref`` is defined (``themes``: a Library or its list of Theme)."""
    lines = theme_errors(ref.themes, themes.themes if hasattr(themes, "themes") else themes)
    if lines:
        raise invalid(lines)


def field_errors(name: str, text: str, context: dict[str, Any] | None = None) -> list[str]:
    """What is wrong with one typed value on its own ("field: rule" lines), as the record's
    rules say beside the values typed so far (``context``: a public document's number is read
    by its type, its session beside its number; a prompt asks again until there is nothing)."""
    try:
        value = parse_value(name, text)
    except InvalidInput as exc:
        return [exc.message]
    if name in PERSON_FIELDS and not value:
        return [f"{name}: give at least one"]
    known = {}
    for other, typed in (context or {}).items():
        if other in ("type", "number", "session", "short_title") and other != name and isinstance(typed, str):
            known[other] = typed
    # The one field, in a record that is otherwise valid: only its own rules can break.
    _, lines = validate({"key": "x", "title": "x", **known, name: value})
    return [line for line in lines if line.split(":", 1)[0].split("[", 1)[0] == name]


def required_for(ref_type: str | None) -> tuple[str, ...]:
    """What `add` needs of a record of this type: type, title, an author (or editor) and a year;
    for a Norwegian public document its designation's parts instead (documents.py)."""
    from innoref import documents

    if not documents.is_public(ref_type):
        return ADD_REQUIRED
    needs = ["type", "title", "number"]
    if ref_type in documents.SESSION_KINDS:
        needs.append("session")
    if ref_type == "lov":
        needs.append("short_title")
    return tuple(needs)


def missing_for_add(values: dict[str, Any]) -> list[str]:
    """The fields `add` needs that ``values`` lacks ("year" may be given as n.d.)."""
    missing = []
    for name in required_for(values.get("type")):
        if name == "authors":
            if not values.get("authors") and not values.get("editors"):
                missing.append("authors")
        elif name == "year":
            if "year" not in values:
                missing.append("year")
        elif not values.get(name):
            missing.append(name)
    return missing


# --------------------------------------------------------------------------- reading under the lock


@dataclass
class State:
    """The library as read under the lock, ready to be changed: its records (through the
    index, ``library``) and the file's bytes."""

    location: "Location"
    raw: bytes
    library: "Library"
    _doc: "Document | None" = None

    @property
    def bom(self) -> bool:
        """The file starts with a UTF-8 byte order mark, kept on writing."""
        return self.raw.startswith(b"\xef\xbb\xbf")

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8-sig")  # the index has checked that it is UTF-8

    @property
    def doc(self) -> "Document":
        if self._doc is None:
            from innoref.writer import Document

            self._doc = Document.from_text(self.text)
        return self._doc

    def keys(self) -> set[str]:
        return {k for (k,) in self.library.conn.execute("SELECT key FROM records WHERE key IS NOT NULL")}

    def __enter__(self) -> "State":
        return self

    def __exit__(self, *exc: object) -> None:
        self.library.close()

    def write(self, text: "str | bytes", *, appended: "list[Reference] | None" = None) -> Path:
        """Write the file's new text and bring the index in step with it: after the ``appended``
        records were added at the end (validated, written by innoref), by taking them as they
        are; else item by item."""
        from innoref.index import Refresher

        data = text.encode("utf-8") if isinstance(text, str) else text
        if isinstance(text, str) and self.bom:
            data = b"\xef\xbb\xbf" + data
        refresher = Refresher(self.library.conn, self.location)
        known = refresher.meta("literature")
        path = write_library(self.location, data)
        if not (appended and refresher.appended(path, self.raw, data, appended, known)):
            refresher.refresh()
        return path


@dataclass(frozen=True)
class Waiting:
    """How a write waits for the library's lock: ``wait`` seconds at most, and
    ``on_wait(holder)`` once when it has to wait (the CLI says so on stderr)."""

    wait: float = files.DEFAULT_WAIT
    on_wait: Callable[[str], None] | None = None


def _locked(location: "Location", waiting: Waiting | None = None, what: str = "innoref"):
    waiting = waiting or Waiting()
    return files.locked(location.folder, wait=waiting.wait, on_wait=waiting.on_wait, what=what)


def read_state(location: "Location", *, strict: bool = True) -> State:
    """The library, current and (with ``strict``) valid, and the file's bytes; call under the lock."""
    from innoref.library import open_library
    from innoref.location import LITERATURE

    library = open_library(location, strict=strict, reading=False)
    source = location.read_path(LITERATURE)
    return State(location, _read_bytes(source) if source is not None else b"", library)


def write_library(loc: "Location", data: bytes) -> Path:
    """Write the new bytes of literature.yaml (and, on a library's first write, its seed's
    themes). Refuses a read-only file; removes what a killed write of innoref's left."""
    from innoref.location import THEMES

    try:
        loc.folder.mkdir(parents=True, exist_ok=True)
        if loc.seed is not None and not loc.themes.exists() and (loc.seed / THEMES).exists():
            shutil.copyfile(loc.seed / THEMES, loc.themes)
    except OSError as exc:
        raise InnorefError(f"{loc.folder}: cannot create the library folder: {exc.strerror or exc}") from None
    files.refuse_read_only(loc.literature)
    files.remove_leftover_temp_files(loc.literature)  # we hold the lock: no writer is half-way
    try:
        files.atomic_write(loc.literature, data)
    except InnorefError as exc:
        raise InnorefError(exc.message.replace("; nothing was written", "; the file was not changed")) from None
    return loc.literature


def find_item(doc: "Document", key: str) -> int:
    """The index of the item whose key is ``key`` (a text search, then a parse to be sure;
    a key written in another Unicode normal form, NFD, is the same key)."""
    import unicodedata

    from innoref import reading, yamlio

    for i, item in enumerate(doc.items):
        if key not in item and (item.isascii() or key not in unicodedata.normalize("NFC", item)):
            continue
        try:
            data = yamlio.construct(yamlio.compose(item))
        except yamlio.YAMLError:
            if reading.written_key(item) == key:  # its YAML is broken: found by its "key:" line
                return i
            continue
        if isinstance(data, list) and data and isinstance(data[0], dict) and \
                isinstance(data[0].get("key"), str) and unicodedata.normalize("NFC", data[0]["key"]) == key:
            return i
    raise NotFoundError(f"no reference with key '{key}'")


def _reads_back(item_text: str) -> "Reference | None":
    from innoref import reading

    ref, _ = reading.validate_reference(reading.read_item(item_text, 0))
    return ref


def _verify(text: str, expected: list[str], *, changed: "Reference | None" = None) -> None:
    """For files of unusual layout: the whole new text must read back as records with the keys
    ``expected``, in order, and ``changed`` (the record written) as it is meant."""
    from innoref import reading

    items, problems = reading.read_whole(text, "literature.yaml")
    got = [reading.validate_reference(item)[0] for item in items]
    if problems or None in got or [r.key for r in got] != expected or \
            (changed is not None and changed not in got):
        raise InnorefError(
            "literature.yaml is laid out in a way innoref cannot change safely; "
            "nothing was written (write it as a plain list of '- key: ...' records)"
        )


# --------------------------------------------------------------------------- add


@dataclass
class Added:
    reference: "Reference"
    path: Path
    warnings: list[str] = field(default_factory=list)
    text: str = ""  # the record's text as written into the file


def prepare(values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Field values from typed values (empty ones left out), and what could not be read."""
    data: dict[str, Any] = {}
    errors = []
    for name, value in values.items():
        if value is None or value == [] or value == "":
            continue
        try:
            parsed = parse_value(name, value)
        except InvalidInput as exc:
            errors.append(exc.message)
            continue
        if parsed is not None and parsed != []:
            data[name] = parsed
    return data, errors


def _check_duplicates(ref: "Reference", found: tuple, allow: bool) -> list[str]:
    """Refuse an exact duplicate (unless ``allow``); warnings for near-identical titles.
    ``found`` is what ``Library.duplicates`` found: (duplicate or None, near titles)."""
    dup, nears = found
    if dup is not None and not allow:
        raise InvalidInput(
            f"a duplicate of '{dup.key}' ({dup.reason}); nothing was written. "
            "Use --allow-duplicate to keep both"
        )
    warnings = []
    if dup is not None:
        warnings.append(f"kept although it duplicates '{dup.key}' ({dup.reason})")
    for near in nears:
        if dup is not None and near.key == dup.key:
            continue
        warnings.append(f"the title is near-identical to '{near.key}': {near.title}")
    return warnings


class _Taken:
    """The keys of the library, asked one at a time (a key rule tries a few)."""

    def __init__(self, library: "Library", also: Iterable[str] = ()):
        self.library = library
        self.also = set(also)

    def __contains__(self, key: object) -> bool:
        return key in self.also or (isinstance(key, str) and self.library.has(key))


def add(location: "Location", values: dict[str, Any], *, allow_duplicate: bool = False,
        waiting: Waiting | None = None) -> Added:
    """Add one record. ``values`` are typed values (texts, lists of texts).

    Under the lock the index is brought up to date and answers what the key and
    duplicate rules need; the new record is appended to the file's bytes as they are
    (nothing else is re-encoded), and the index reads only the new record.
    """
    from innoref import writer
    from innoref.keys import key_for
    from innoref.library import open_library

    data, errors = prepare(values)
    given_key = data.pop("key", None)
    # The record's own rules first, before the lock (a placeholder key when none was given),
    # and its themes, so that one message names every broken rule.
    with open_library(location, reading=False) as lib:
        themes = lib.themes
    errors += theme_errors(data.get("themes", []), themes)
    draft = build_reference({"key": given_key or "new", **data}, errors)
    with _locked(location, waiting, "innoref add"), read_state(location) as state:
        lib = state.library
        if given_key is not None:
            if lib.has(draft.key):
                raise InvalidInput(f"key: '{draft.key}' is taken; choose another key or leave --key out")
            ref = draft
        else:
            key = key_for(draft, _Taken(lib))
            ref = draft.replace(key=key)
        check_themes(ref, lib.themes)
        warnings = _check_duplicates(ref, lib.duplicates(ref), allow_duplicate)
        new, unusual = writer.append_bytes(state.raw, ref)
        if unusual:
            # A layout found by the YAML scanner (a directive, a document end marker):
            # the whole new text must read back as the old records and the new one.
            _verify(new.decode("utf-8-sig"), sorted(state.keys(), key=_order(lib)) + [ref.key], changed=ref)
        elif _reads_back(new[len(state.raw):].decode("utf-8").lstrip("\r\n")) != ref:  # pragma: no cover
            raise InnorefError(f"{ref.key}: innoref could not write this record so that it reads back; "
                               "nothing was written")
        written = new[len(state.raw):].decode("utf-8").lstrip("\r\n") if not unusual else writer.record_text(ref)
        path = state.write(new, appended=[ref])
    return Added(ref, path, warnings, written.replace("\r\n", "\n"))


def _order(lib: "Library"):
    """A sort key putting keys in the file's order."""
    places = {k: p for k, p in lib.conn.execute("SELECT key, pos FROM records WHERE key IS NOT NULL")}
    return lambda key: places[key]


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InnorefError(f"{path}: cannot read: {exc.strerror}") from None


def append_record(state: State, *refs: "Reference", verify: bool = True) -> str:
    """The file's text with ``refs`` appended in its style (other bytes unchanged).

    ``verify`` parses each new record's text back and compares it with the record
    (the writer's property tests say it always reads back; a bulk import skips
    the check for speed)."""
    from innoref import writer

    doc = state.doc
    for ref in refs:
        text = writer.record_text(ref, doc.style)
        if verify and _reads_back(text) != ref:  # pragma: no cover - the property tests say this cannot happen
            raise InnorefError(f"{ref.key}: innoref could not write this record so that it reads back; nothing was written")
        doc.append(text)
    out = doc.text()
    if doc.scanned:
        _verify(out, sorted(state.keys(), key=_order(state.library)) + [r.key for r in refs])
    return out


# --------------------------------------------------------------------------- edit


@dataclass
class Edited:
    before: "Reference | None"  # None: the record was broken and has been mended
    after: "Reference"
    path: Path
    changed: list[str]
    warnings: list[str] = field(default_factory=list)


def parse_assignments(assignments: Iterable[str]) -> dict[str, str]:
    """``field=value`` texts to a dict; ``extra.NAME=value`` sets an extra field."""
    out: dict[str, str] = {}
    for item in assignments:
        if "=" not in item:
            raise InvalidInput(f"--set '{item}': write it as field=value, e.g. --set year=2013")
        name, value = item.split("=", 1)
        out[name.strip()] = value
    return out


def _check_field_name(name: str) -> None:
    if name.startswith("extra.") and len(name) > len("extra."):
        return
    if name not in field_names():
        guess = difflib.get_close_matches(name, field_names(), n=1)
        raise InvalidInput(f"{name}: unknown field" + (f" (did you mean '{guess[0]}'?)" if guess else
                                                      f"; fields are {', '.join(field_names())}"))


def apply_changes(ref: "Reference", sets: dict[str, str], unsets: Iterable[str]) -> "Reference":
    """``ref`` with fields set and unset, validated."""
    data = ref.to_data()
    data["extra"] = dict(data.get("extra", {}))
    errors = []
    bad = set()
    for name in list(sets) + list(unsets):
        try:
            _check_field_name(name)
        except InvalidInput as exc:
            if name not in bad:
                errors.append(exc.message)
            bad.add(name)
    sets = {k: v for k, v in sets.items() if k not in bad}
    unsets = [k for k in unsets if k not in bad]
    for name in unsets:
        if name in ("key", "title"):
            errors.append(f"{name}: a record must have a {name}; it cannot be unset")
        elif name.startswith("extra."):
            data["extra"].pop(name[len("extra."):], None)
        else:
            data.pop(name, None)
    for name, value in sets.items():
        if name.startswith("extra."):
            data["extra"][name[len("extra."):]] = value
            continue
        try:
            parsed = parse_value(name, value)
        except InvalidInput as exc:
            errors.append(exc.message)
            continue
        if parsed is None or parsed == [] or parsed == "":
            if name in ("key", "title"):
                errors.append(f"{name}: must not be empty")
            data.pop(name, None)
        else:
            data[name] = parsed
    if not data["extra"]:
        data.pop("extra")
    errors += emptied_required(ref.to_data(), data)
    return build_reference(data, errors)


def emptied_required(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What a change takes away that `add` requires: the rules of `add` hold for every write.

    A record imported without an author may stay so, but a change cannot remove the
    last author or editor, nor the type.
    """
    from innoref.documents import is_public

    lines = []
    if (before.get("authors") or before.get("editors")) and not (after.get("authors") or after.get("editors")) \
            and not is_public(after.get("type")):  # a public document is cited by its designation
        lines.append("authors: a record needs an author or an editor (as `add` requires); it cannot be emptied")
    if "type" in before and "type" not in after:
        lines.append("type: a record needs its type (as `add` requires); it cannot be unset")
    return lines


def _changed_fields(before: "Reference", after: "Reference") -> list[str]:
    a, b = before.to_data(), after.to_data()
    return [name for name in field_names() if a.get(name) != b.get(name)]


_IDENTITY = ("type", "title", "authors", "editors", "year", "doi", "isbn", "number", "session")


def _check_edited(state: State, before: "Reference", after: "Reference", allow_duplicate: bool) -> list[str]:
    """Library rules for a changed record. The duplicate rules apply only when what
    identifies the work changed (a record kept with --allow-duplicate stays editable)."""
    if after.key != before.key and state.library.has(after.key):
        raise InvalidInput(f"key: '{after.key}' is taken by another record")
    check_themes(after, state.library.themes)
    changed = set(_changed_fields(before, after))
    if not changed & set(_IDENTITY):
        return []
    dup, nears = state.library.duplicates(after, ignore=before.key)
    if dup is not None and not allow_duplicate:
        raise InvalidInput(f"a duplicate of '{dup.key}' ({dup.reason}); nothing was written. "
                           "Use --allow-duplicate to keep the change")
    warnings = [f"kept although it duplicates '{dup.key}' ({dup.reason})"] if dup is not None else []
    if "title" in changed:
        warnings += [f"the title is near-identical to '{n.key}': {n.title}" for n in nears
                     if dup is None or n.key != dup.key]
    return warnings


def _keys_after(state: State, before: str | None = None, after: str | None = None,
                gone: Iterable[str] = ()) -> list[str]:
    """The library's keys in file order once ``before`` is renamed ``after`` and ``gone`` removed."""
    out = []
    gone = set(gone)
    for (key,) in state.library.conn.execute("SELECT key FROM records WHERE key IS NOT NULL ORDER BY pos"):
        if key in gone:
            continue
        out.append(after if key == before and after else key)
    return out


def edit(location: "Location", key: str, sets: dict[str, str], unsets: Iterable[str] = (), *,
         allow_duplicate: bool = False, waiting: Waiting | None = None) -> Edited:
    """Set and unset fields of one record; only those fields' lines change in the file."""
    from innoref import writer

    unsets = list(unsets)
    if not sets and not unsets:
        raise InvalidInput("nothing to change: give --set field=value or --unset field")
    with _locked(location, waiting, "innoref edit"), read_state(location) as state:
        before = state.library.get(key)
        key = before.key
        after = apply_changes(before, sets, unsets)
        warnings = _check_edited(state, before, after, allow_duplicate)
        changed = _changed_fields(before, after)
        if not changed:
            return Edited(before, after, location.literature, [], warnings)
        doc = state.doc
        index = find_item(doc, key)
        item = writer.change_fields(doc.items[index], after, changed, doc.style)
        if item is None or _reads_back(item) != after:
            doc.replace(index, writer.record_text(after, doc.style))
        else:
            doc.items[index] = item
        out = doc.text()
        if doc.scanned:
            _verify(out, _keys_after(state, key, after.key), changed=after)
        path = state.write(out)
    return Edited(before, after, path, changed, warnings)


def record_source(location: "Location", key: str) -> str:
    """The record's text as it stands in the file, comments and all (for $EDITOR); also of a
    record whose own text is broken (invalid values, broken YAML), so that it can be mended."""
    with read_state(location, strict=False) as state:
        key = _known_or_broken(state, key)
        if state.library.has(key) and state.library.problems:
            raise DataError(state.library.problems)  # mend the broken records first
        doc = state.doc
        return doc.own(find_item(doc, key))[0]


def _known_or_broken(state: State, key: str) -> str:
    """``key`` as the library holds it; or, when no valid record has it, as a broken record of the
    file writes it; else NotFoundError with the nearest keys."""
    import unicodedata

    try:
        return state.library.get(key).key
    except NotFoundError:
        key = unicodedata.normalize("NFC", key)
        try:
            find_item(state.doc, key)
        except NotFoundError:
            raise NotFoundError(state.library.missing_message(key)) from None
        return key


def keep_unsaved(key: str, text: str) -> Path:
    """Keep text from $EDITOR that could not be written, so that no typing is lost.

    It goes to ``$XDG_STATE_HOME/innoref/unsaved/`` (``~/.local/state/innoref``),
    named by the key and the time; the caller says where.
    """
    import os
    import re
    import time

    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", key)[:80] or "record"
    path = Path(base) / "innoref" / "unsaved" / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.yaml"
    n = 1
    while path.exists():
        n += 1
        path = path.with_name(f"{name}-{time.strftime('%Y%m%d-%H%M%S')}-{n}.yaml")
    files.atomic_write(path, text, make_folder=True)
    return path


class EditedTextError(InvalidInput):
    """The text from $EDITOR does not make a valid record; the CLI offers to edit again."""


def parse_record_text(text: str) -> "Reference":
    """One record from text typed in an editor, or EditedTextError saying what and where."""
    from pydantic import ValidationError

    from innoref import yamlio
    from innoref.models import validate_reference

    try:
        data = yamlio.load(text)
    except yamlio.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise EditedTextError(f"{where}YAML: {getattr(exc, 'problem', None) or exc}") from None
    if not (isinstance(data, list) and len(data) == 1 and isinstance(data[0], dict)):
        raise EditedTextError("the text must hold exactly one record, starting with '- key: ...'")
    try:
        return validate_reference(data[0])
    except ValidationError as exc:
        raise EditedTextError("\n".join(validation_lines(exc))) from None


def replace_record(location: "Location", key: str, original: str, text: str, *,
                   allow_duplicate: bool = False, waiting: Waiting | None = None) -> Edited:
    """Put the edited ``text`` of record ``key`` in its place, as the person wrote it.

    ``original`` is the text the editor started from; if the record changed in the
    file meanwhile, nothing is written.
    """
    after = parse_record_text(text)
    if not text.endswith("\n"):
        text += "\n"
    with _locked(location, waiting, "innoref edit"), read_state(location, strict=False) as state:
        key = _known_or_broken(state, key)
        before = state.library.get(key) if state.library.has(key) else None  # None: a broken record
        doc = state.doc
        index = find_item(doc, key)
        if doc.own(index)[0] != original:
            raise InnorefError(f"'{key}' was changed in the file while you were editing; nothing was written")
        if before is None:
            return _mend(state, index, key, after, text, allow_duplicate)
        if state.library.problems:
            raise DataError(state.library.problems)  # only a broken record itself may be edited so
        emptied = emptied_required(before.to_data(), after.to_data())
        if emptied:
            raise EditedTextError("\n".join(emptied))
        try:
            warnings = _check_edited(state, before, after, allow_duplicate)
        except InvalidInput as exc:
            raise EditedTextError(exc.message) from None
        changed = _changed_fields(before, after)
        if text == original:
            return Edited(before, after, location.literature, [], warnings)
        if doc.style.newline == "\r\n":
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        doc.replace(index, text)
        if _reads_back(doc.own(index)[0]) != after:
            raise EditedTextError("the edited text must be one top-level record starting with '- ' at column 1")
        out = doc.text()
        if doc.scanned:
            _verify(out, _keys_after(state, key, after.key), changed=after)
        path = state.write(out)
    return Edited(before, after, path, changed, warnings)


def _mend(state: State, index: int, key: str, after: "Reference", text: str, allow_duplicate: bool) -> Edited:
    """Put a valid record in the place of a broken one. The rest of the file is copied as it is,
    its own problems (if any) with it, so the file is no worse anywhere and better here."""
    doc = state.doc
    if after.key != key and state.library.has(after.key):
        raise EditedTextError(f"key: '{after.key}' is taken by another record")
    try:
        check_themes(after, state.library.themes)
        dup, _ = state.library.duplicates(after)
    except InvalidInput as exc:
        raise EditedTextError(exc.message) from None
    if dup is not None and not allow_duplicate:
        raise EditedTextError(f"a duplicate of '{dup.key}' ({dup.reason}); nothing was written. "
                              "Use --allow-duplicate to keep it")
    if doc.style.newline == "\r\n":
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    doc.replace(index, text)
    if _reads_back(doc.own(index)[0]) != after:
        raise EditedTextError("the edited text must be one top-level record starting with '- ' at column 1")
    path = state.write(doc.text())
    return Edited(None, after, path, ["the whole record (it was broken)"])


# --------------------------------------------------------------------------- remove


@dataclass
class Removed:
    references: list["Reference"]
    path: Path


def remove(location: "Location", keys: list[str], *, waiting: Waiting | None = None) -> Removed:
    """Remove records by key; an unknown key removes nothing."""
    if not keys:
        raise InvalidInput("name at least one key to remove")
    with _locked(location, waiting, "innoref remove"), read_state(location) as state:
        refs = [state.library.get(k) for k in dict.fromkeys(keys)]
        doc = state.doc
        indexes = sorted({find_item(doc, ref.key) for ref in refs}, reverse=True)
        for i in indexes:
            doc.remove(i)
        out = doc.text()
        if doc.scanned:
            _verify(out, _keys_after(state, gone={r.key for r in refs}))
        path = state.write(out)
    return Removed(refs, path)


# --------------------------------------------------------------------------- import


@dataclass
class Candidate:
    """One entry read from an import file, before validation."""

    source_key: str | None  # the file's own key (None when the format has none)
    data: dict[str, Any]  # field values (Reference fields; unknown ones in "extra")
    where: str  # how to name it in the summary: its key, or "line 212"
    warnings: list[str] = field(default_factory=list)
    rank: int | None = None  # how full the entry is (of duplicates in one file, the fullest stays)
    line: int | None = None  # where it starts in the file (the summary lists in file order)


@dataclass
class Skipped:
    what: str  # the entry's key, or "line N"
    reason: str
    line: int | None = None
    duplicate: bool = False  # the work is in the library (or the file) already

    def __str__(self) -> str:
        return f"{self.what}: {self.reason}"


@dataclass
class ImportReport:
    imported: list["Reference"] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)  # (from, to, why)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    path: Path | None = None

    @property
    def nothing_importable(self) -> bool:
        """Nothing imported, and not because it is all in the library already (a re-import)."""
        return not self.imported and not any(s.duplicate for s in self.skipped)


def _fullness(ref: "Reference") -> int:
    return len(ref.to_data())


def import_candidates(
    location: "Location",
    candidates: list[Candidate],
    skipped: Iterable[Skipped] = (),
    *,
    theme: str | None = None,
    dry_run: bool = False,
    allow_duplicate: bool = False,
    progress: Callable[[int], None] | None = None,
    waiting: Waiting | None = None,
) -> ImportReport:
    """Validate and add many records in one write; a failure writes nothing."""
    import unicodedata

    from innoref.duplicates import DuplicateIndex
    from innoref.keys import key_for, unique_key
    from innoref.models import _KEY, MAX_KEY

    report = ImportReport(skipped=list(skipped), dry_run=dry_run)
    tick = progress or (lambda n: None)
    with _locked(location, waiting, "innoref import"), read_state(location) as state:
        lib = state.library
        if theme is not None:
            lib.theme(theme)  # NotFoundError naming the known themes
        # 1. Each entry on its own: valid record?
        valid: list[tuple[Candidate, "Reference"]] = []
        for cand in candidates:
            data = dict(cand.data)
            notes = list(cand.warnings)
            known = {t.id for t in lib.themes}
            unknown = [t for t in data.get("themes", []) if t not in known]
            if unknown:
                # Themes named in the file but not defined here: kept, not lost, not linked.
                data["themes"] = [t for t in data["themes"] if t in known]
                data["extra"] = {**data.get("extra", {}), "themes": ", ".join(unknown)}
                notes.append(f"themes {', '.join(unknown)} are not defined in themes.yaml; kept in extra.themes")
            if theme is not None and theme not in data.get("themes", []):
                data["themes"] = list(data.get("themes", [])) + [theme]
            if isinstance(data.get("url"), str):
                from innoref.models import encode_url

                data["url"] = encode_url(data["url"])  # spaces, quotes, non-ASCII letters: %-encoded
            from innoref.documents import recognise

            data = recognise(data)  # a report whose type is "NOU" or "Meld. St." is that document
            try:
                ref, set_aside = salvage({"key": "placeholder", **data})
                notes += set_aside
                check_themes(ref, lib.themes)
            except InvalidInput as exc:
                reason = re.sub(r"^invalid record:\s*", "", exc.message)  # "invalid record:\n  a\n  b" -> "a; b"
                report.skipped.append(Skipped(cand.where, re.sub(r"\n\s*", "; ", reason), cand.line))
                tick(1)
                continue
            report.warnings += [f"{cand.where}: {w}" for w in notes]
            valid.append((cand, ref))
        # 2. Duplicates within the file: the fullest record of each group stays.
        index = DuplicateIndex.of(lib.facts())
        batch = DuplicateIndex()
        kept: list[tuple[Candidate, "Reference"]] = []
        order = sorted(range(len(valid)), key=lambda i: -(valid[i][0].rank or _fullness(valid[i][1])))
        chosen: dict[int, str] = {}
        for i in order:
            cand, ref = valid[i]
            named = ref.replace(key=f"#{i}")
            if not allow_duplicate:
                dup = index.exact(named)
                if dup is not None:
                    report.skipped.append(Skipped(cand.where, f"duplicate of {dup.key} (already in the library; "
                                                          f"{dup.reason})", cand.line, duplicate=True))
                    tick(1)
                    continue
                dup = batch.exact(named)
                if dup is not None:
                    other = valid[int(dup.key[1:])][0]
                    report.skipped.append(Skipped(cand.where, f"duplicate of {other.where} ({dup.reason})", cand.line,
                                                  duplicate=True))
                    tick(1)
                    continue
            batch.add(named)
            chosen[i] = ""
        # 3. Keys, in file order: the file's own key when free and valid.
        taken = state.keys()
        for i, (cand, ref) in enumerate(valid):
            if i not in chosen:
                continue
            key = unicodedata.normalize("NFC", cand.source_key) if cand.source_key is not None else None
            if key is not None and not (_KEY.fullmatch(key) and len(key) <= MAX_KEY):
                new = key_for(ref, taken)
                report.renamed.append((key, new, "not a valid innoref key"))
                key = new
            elif key is None:
                key = key_for(ref, taken)
            elif key in taken:
                new = unique_key(key, taken)
                report.renamed.append((key, new, "key already taken"))
                key = new
            taken.add(key)
            final = ref.replace(key=key)
            kept.append((cand, final))
        report.skipped.sort(key=lambda s: (s.line is None, s.line or 0))
        # 4. Near-identical titles warn (same year: a bulk import compares within a year).
        for cand, ref in kept:
            for near in index.near(ref, same_year=True, limit=1):
                report.warnings.append(f"{ref.key}: the title is near-identical to '{near.key}': {near.title}")
            index.add(ref)
            tick(1)
        report.imported = [ref for _, ref in kept]
        if not dry_run and kept:
            out = append_record(state, *report.imported, verify=False)
            report.path = state.write(out, appended=report.imported)
    return report
