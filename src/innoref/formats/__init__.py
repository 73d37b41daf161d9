"""The export formats: one module per format, one registry, the same functions in each.

Adding a format is adding a module to this package: ``csl_json.py`` is the
format ``csl-json``. Modules whose names start with ``_`` are helpers, not
formats. Each format module exposes:

* ``DESCRIPTION``: one line for ``--help`` and the README;
* ``SUFFIX``: the usual file name suffix (``.bib``, ``.json``, ...);
* ``OPTIONS``: which :class:`Options` fields it uses (``"lang"``, ``"markup"``);
* ``render(refs, *, options) -> str``: the whole export as text; or, in a format
  whose ``BINARY`` is true (``docx``), ``render_bytes(refs, *, options) -> bytes``.

Format modules turn records into text. They never read or write files, never
print and never exit; a record they cannot write raises an
:class:`~innoref.errors.InnorefError` that names the record and field.
Modules are imported only when asked for, so ``innoref --help`` stays fast.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from types import ModuleType

from innoref.errors import UsageError

LANGS = ("en", "nb", "nn")
MARKUPS = ("text", "markdown", "html")


@dataclass(frozen=True)
class Options:
    """Choices that some formats take: the language of APA terms, and the markup of italics."""

    lang: str = "en"
    markup: str = "text"

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise UsageError(f"unknown language '{self.lang}'; choose one of {', '.join(LANGS)}")
        if self.markup not in MARKUPS:
            raise UsageError(f"unknown markup '{self.markup}'; choose one of {', '.join(MARKUPS)}")


def names() -> list[str]:
    """Every format's name, sorted: the package's modules, ``_`` for ``-``."""
    return sorted(m.name.replace("_", "-") for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def get(name: str) -> ModuleType:
    """The module of format ``name``; an unknown name is a usage error listing the known ones."""
    known = names()
    if name not in known:
        import difflib

        near = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean {near[0]}?)" if near else ""
        raise UsageError(f"unknown format '{name}'{hint}; choose one of {', '.join(known)}")
    return importlib.import_module(f"{__name__}.{name.replace('-', '_')}")


def options_for(name: str, lang: str | None = None, markup: str | None = None) -> Options:
    """The options of an export in format ``name``; one the format does not take is a usage error."""
    module = get(name)
    for option, value in (("lang", lang), ("markup", markup)):
        if value is not None and option not in module.OPTIONS:
            takers = [n for n in names() if option in get(n).OPTIONS]
            raise UsageError(f"--{option} applies to --format {' or '.join(takers)}, not {name}")
    return Options(lang=lang or "en", markup=markup or "text")


def is_binary(name: str) -> bool:
    """Whether format ``name`` makes a file that is not text (a Word document)."""
    return getattr(get(name), "BINARY", False)


def render(name: str, refs, options: Options | None = None) -> str:
    """Render ``refs`` in the text format ``name``."""
    return get(name).render(list(refs), options=options or Options())


def render_output(name: str, refs, options: Options | None = None) -> str | bytes:
    """Render ``refs`` in format ``name``: text, or bytes for a binary format."""
    module = get(name)
    if getattr(module, "BINARY", False):
        return module.render_bytes(list(refs), options=options or Options())
    return module.render(list(refs), options=options or Options())
