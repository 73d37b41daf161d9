"""innoref's own command class: parameters turned into values without Pydantic.

Typer 0.29 coerces every parameter through a Pydantic ``TypeAdapter`` it builds at
run time; importing Pydantic and building the adapters costs about 60 ms on every
run, more than a search on the shipped list takes. innoref's options have a handful
of types (text, whole numbers, decimals, paths and lists of text), so
:class:`Coercion` converts those itself, with Typer's own messages for bad values;
a parameter of any other type keeps Typer's coercion. Only the CLI layer uses this.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args, get_origin

import typer
from typer.core import TyperCommand

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


class InnorefCommand(TyperCommand):
    """A Typer command whose simple parameters (``--help`` too) are coerced by :class:`Coercion`."""

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        use_coercion(params)
        return params
