"""innoref's own records as a JSON array, field for field as in literature.yaml, for scripts.

Records in, text out: no I/O.
"""

from __future__ import annotations

import json as _json
from typing import TYPE_CHECKING

from innoref.formats import Options

if TYPE_CHECKING:
    from innoref.records import Reference

DESCRIPTION = "innoref's own records as a JSON array, for scripts"
SUFFIX = ".json"
OPTIONS: tuple[str, ...] = ()


def render(refs: list["Reference"], *, options: Options = Options()) -> str:
    return _json.dumps([r.to_data() for r in refs], ensure_ascii=False, indent=2) + "\n"
