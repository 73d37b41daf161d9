"""What a format has no place for, kept so that innoref reads its own files back whole.

CSL-JSON and RIS have no field for some of innoref's: the kind of work when the format's
type reads back as another (a video is CSL's ``motion_picture``, as a film is), a person's
role and username (APA's "(Director)", "[Kommunekanalen]"), an open date range, a title's
translation. :func:`kept` gathers them as one JSON object, which CSL-JSON writes as the
item's ``custom`` (CSL 1.0.2's place for data of other programs) and RIS as one note line
(``N1  - innoref: {...}``); :func:`restore` puts them back into an import's field values,
taking only what has the shape innoref writes. Other programs ignore the object, or show
the note as a note. No I/O.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from innoref.records import Reference

_PEOPLE = ("authors", "editors", "translators")
# A report (CSL report, RIS RPRT) of a genre with this in it is read as a press release.
PRESS = re.compile(r"press", re.I)


def report_read_back(ref: "Reference") -> str:
    """What an import reads a report or press release written as a report back as: a press release
    when its genre says so (the export writes "Press release" for one with none), else a report."""
    if ref.type == "pressrelease" and not ref.genre or PRESS.search(ref.genre or ""):
        return "pressrelease"
    return "report"


def kept(ref: "Reference", read_back_as: str, fields: tuple[str, ...] = ()) -> dict[str, Any]:
    """innoref's values that the format has no place for: the kind (when the format's type reads
    back as ``read_back_as``, another kind), roles and usernames, and the named ``fields``."""
    from innoref.documents import is_public

    out: dict[str, Any] = {}
    if read_back_as != ref.type and not is_public(ref.type):  # public documents are known by their designation
        out["type"] = ref.type
    for part in ("role", "username"):
        lists = {name: [getattr(p, part) or "" for p in getattr(ref, name)] for name in _PEOPLE}
        lists = {name: values for name, values in lists.items() if any(values)}
        if lists:
            out[part + "s"] = lists
    for name in fields:
        value = getattr(ref, name)
        if value not in (None, "", []):
            out[name] = value
    return out


def ours(value: Any, fields: tuple[str, ...] = ()) -> dict[str, Any] | None:
    """``value`` when it has the shape :func:`kept` writes (its names, a kind innoref knows), else
    None: another program's data of the same name is not read as innoref's."""
    from innoref.documents import is_public
    from innoref.records import REF_TYPES

    if not isinstance(value, dict) or not set(value) <= {"type", "roles", "usernames", *fields}:
        return None
    if "type" in value and (value["type"] not in REF_TYPES or is_public(value["type"])):
        return None  # a public document is known by its designation: innoref never marks one
    return value


def restore(data: dict[str, Any], value: Any, fields: tuple[str, ...] = ()) -> bool:
    """Put what :func:`kept` wrote back into ``data``; False (and nothing changed) when ``value``
    is not what innoref writes, which the caller then keeps in extra as it is."""
    if ours(value, fields) is None:
        return False
    for part in ("roles", "usernames"):
        lists = value.get(part, {})
        if not isinstance(lists, dict) or not all(
                name in _PEOPLE and isinstance(v, list) and len(v) == len(data.get(name, []))
                and all(isinstance(x, str) for x in v) for name, v in lists.items()):
            return False
    if not all(isinstance(value[name], (str, int)) or isinstance(value[name], list)
               and all(isinstance(x, str) for x in value[name]) for name in fields if name in value):
        return False
    for part in ("roles", "usernames"):
        for name, values in value.get(part, {}).items():
            for person, text in zip(data.get(name, []), values):
                if text:
                    person[part[:-1]] = text
    data.update({k: v for k, v in value.items() if k not in ("roles", "usernames")})
    return True
