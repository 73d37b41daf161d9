"""Domain errors: what went wrong, where, and the exit code it maps to.

Core modules raise these; only the CLI (``cli/app.py``) catches them, prints the
message and exits with ``exit_code``. Exit codes, as documented in the README:

* 0: success
* 1: bad data, an unknown key, invalid input, nothing found by ``search``
* 2: a usage error: bad options, a malformed query
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file, with its place."""

    path: str
    line: int  # 1-based; 0 when the whole file is meant
    column: int  # 1-based
    message: str
    key: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        what = ""
        if self.key:
            what += f"{self.key}: "
        if self.field:
            what += f"{self.field}: "
        return f"{where}: {what}{self.message}"


class InnorefError(Exception):
    """The base of every error innoref reports to a person."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class DataError(InnorefError):
    """A data file is broken; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        count = len(problems)
        head = "1 problem" if count == 1 else f"{count} problems"
        super().__init__("\n".join(str(p) for p in problems) + f"\n{head} in the library; run `innoref check` after "
                         "fixing" + mend_hint(problems))


def mend_hint(problems: list[Problem]) -> str:
    """Where a record is broken: how to mend it without a text editor of one's own."""
    keys = list(dict.fromkeys(p.key for p in problems if p.key))
    if not keys:
        return ""
    more = f" (then {', '.join(keys[1:])})" if keys[1:] else ""
    return f"\nto mend a record in $EDITOR: innoref edit {keys[0]}{more}"


class NotFoundError(InnorefError):
    """A key or theme that the library does not hold."""


class InvalidInput(InnorefError):
    """A value given on the command line breaks a rule."""


class UsageError(InnorefError):
    """The command was called wrongly."""

    exit_code = 2


class QueryError(UsageError):
    """A malformed query; ``position`` is the 0-based offset in the query text."""

    def __init__(self, message: str, query: str, position: int):
        self.query = query
        self.position = position
        pointer = " " * position + "^"
        super().__init__(f"bad query: {message} (at position {position + 1})\n  {query}\n  {pointer}")
