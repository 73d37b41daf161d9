"""innoref's own command class: parameters turned into values without Pydantic, and help that
names things rather than Python types.

Typer 0.29 coerces every parameter through a Pydantic ``TypeAdapter`` it builds at
run time; importing Pydantic and building the adapters costs about 60 ms on every
run, more than a search on the shipped list takes. innoref's options have a handful
of types (text, whole numbers, decimals, paths and lists of text), so
:class:`Coercion` converts those itself, with Typer's own messages for bad values;
a parameter of any other type keeps Typer's coercion. Only the CLI layer uses this.

Typer 0.29 also prints a parameter's Python type in help (``-t, --type <str>``,
``KEY... <list[str]>``) even when it has a metavar, with no setting to hide it. The
command's parameters are given help of their own here: an option shows its metavar
(or its name in capitals), a flag nothing, an argument its metavar, and the usage line
reads as Unix usage lines do (``KEY``, ``[QUERY]``, ``KEY...``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args, get_origin

import typer
from typer.core import TyperArgument, TyperCommand, TyperOption

_SIMPLE = (str, int, float, Path, bool)


class Coercion:
    """Text from the command line into one parameter's value (str, int, float, Path, list[str])."""

    def __init__(self, kind: type, low: float | None, high: float | None):
        self.kind, self.low, self.high = kind, low, high

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        several = param.multiple or param.nargs == -1
        if value is None:
            return () if several else None
        if several:
            if isinstance(value, str):
                raise typer.BadParameter("Value must be an iterable.", ctx=ctx, param=param)
            return [self.one(v, param, ctx) for v in value]
        return self.one(value, param, ctx)

    def one(self, value: Any, param: Any, ctx: Any) -> Any:
        if self.kind is str:
            return str(value)
        if self.kind is bool:
            return bool(value)
        if self.kind is Path:
            return Path(value)
        try:
            number = self.kind(value)
        except (TypeError, ValueError):
            what = "an integer" if self.kind is int else "a number"
            raise typer.BadParameter(f"'{value}' is not {what}.", ctx=ctx, param=param) from None
        if self.low is not None and number < self.low:
            raise typer.BadParameter(f"{value} is smaller than the minimum {self.low:g}.", ctx=ctx, param=param)
        if self.high is not None and number > self.high:
            raise typer.BadParameter(f"{value} is larger than the maximum {self.high:g}.", ctx=ctx, param=param)
        return number


def coercion_for(param: Any) -> Coercion | None:
    """Our coercion for a Typer parameter of a simple type, or None (Typer's own then)."""
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None:
        return None
    annotation = descriptor.annotation
    if get_origin(annotation) is list and get_args(annotation) == (str,):
        annotation = str
    if annotation not in _SIMPLE:
        return None
    info = descriptor.parameter_info
    return Coercion(annotation, getattr(info, "min", None), getattr(info, "max", None))


def use_coercion(params: list[Any]) -> None:
    """Give each simple parameter our :class:`Coercion` (what Typer's ``get_runtime_param`` returns)."""
    for param in params:
        if getattr(param, "_runtime_param", True) is not None:
            continue  # ours already, or not a Typer parameter
        coercion = coercion_for(param)
        if coercion is not None:
            param._runtime_param = coercion


class _Argument(TyperArgument):
    """An argument named by its metavar alone (no ``<type>``), in help and in the usage line."""

    def _name(self) -> str:
        name = self.metavar or (self.name or "").upper()
        if self.nargs != 1 and not name.endswith("..."):
            name += "..."
        return name

    def display_type_rich(self, ctx: Any) -> None:  # type: ignore[override]
        return None

    def _rich_display_name(self) -> str:
        return self._name().strip("[]")

    def _usage_display_name(self) -> str:
        name = self._name()
        return name if self.required or name.startswith("[") else f"[{name}]"


class _Option(TyperOption):
    """An option shown with its metavar, or its long name in capitals; a flag with nothing."""

    def display_type_rich(self, ctx: Any) -> str | None:  # type: ignore[override]
        if self.is_flag or self.count:
            return None
        if self.metavar is not None:
            return self.metavar
        longest = max(self.opts, key=len)
        return longest.lstrip("-").upper().replace("-", "_")


def readable_help(params: list[Any]) -> None:
    """Give Typer's parameters the help of :class:`_Argument` and :class:`_Option`."""
    for param in params:
        if type(param) is TyperArgument:
            param.__class__ = _Argument
        elif type(param) is TyperOption:
            param.__class__ = _Option


class InnorefCommand(TyperCommand):
    """A Typer command whose simple parameters (``--help`` too) are coerced by :class:`Coercion`,
    with help that names things (:func:`readable_help`)."""

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        use_coercion(params)
        readable_help(params)
        return params
