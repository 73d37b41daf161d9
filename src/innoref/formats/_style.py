"""Citation styles as data: rich text, markup backends and template combinators.

Built in the spirit of pybtex's ``template.py`` and ``backends/``: a style is a
declarative template such as ``toplevel[sentence[names], optional[...]]``. A
node that needs a field the record lacks raises :class:`Missing`, and
``optional[...]`` absorbs it, so a style reads like the style manual. A style
produces :class:`Rich` text that knows nothing of markup; a :class:`Backend`
decides how italics and URLs look (plain text, Markdown, HTML).

No I/O, no knowledge of any particular style: ``apa.py`` holds the APA rules.
"""

from __future__ import annotations

import html
import re
from typing import Any, Callable, Iterable, Union

# --------------------------------------------------------------------------- rich text


class Rich:
    """Text with structure (italics, links) but no markup."""

    __slots__ = ()

    def plain(self) -> str:
        raise NotImplementedError

    def render(self, backend: "Backend") -> str:
        raise NotImplementedError

    def __bool__(self) -> bool:  # whether there is any text, without building it
        raise NotImplementedError


class String(Rich):
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def plain(self) -> str:
        return self.text

    def render(self, backend: "Backend") -> str:
        return backend.text(self.text)

    def __bool__(self) -> bool:
        return bool(self.text)

    def __repr__(self) -> str:
        return f"String({self.text!r})"


class Seq(Rich):
    __slots__ = ("parts", "_plain")

    def __init__(self, parts: tuple[Rich, ...]):
        self.parts = parts
        self._plain: str | None = None

    def plain(self) -> str:
        if self._plain is None:
            self._plain = "".join(p.plain() for p in self.parts)
        return self._plain

    def render(self, backend: "Backend") -> str:
        return "".join(p.render(backend) for p in self.parts)

    def __bool__(self) -> bool:
        return any(self.parts)

    def __repr__(self) -> str:
        return f"Seq({self.parts!r})"


class Italic(Rich):
    __slots__ = ("inner",)

    def __init__(self, inner: Rich):
        self.inner = inner

    def plain(self) -> str:
        return self.inner.plain()

    def render(self, backend: "Backend") -> str:
        return backend.italic(self.inner.render(backend))

    def __bool__(self) -> bool:
        return bool(self.inner)

    def __repr__(self) -> str:
        return f"Italic({self.inner!r})"


class Link(Rich):
    __slots__ = ("url",)

    def __init__(self, url: str):
        self.url = url

    def plain(self) -> str:
        return self.url

    def render(self, backend: "Backend") -> str:
        return backend.link(self.url)

    def __bool__(self) -> bool:
        return bool(self.url)

    def __repr__(self) -> str:
        return f"Link({self.url!r})"


RichLike = Union[Rich, str]


def rich(value: RichLike) -> Rich:
    return String(value) if isinstance(value, str) else value


def seq(*parts: RichLike) -> Rich:
    items = tuple(String(p) if isinstance(p, str) else p for p in parts if p)
    return items[0] if len(items) == 1 else Seq(items)


def join(parts: Iterable[RichLike], sep: str = "", last_sep: str | None = None) -> Rich:
    items = [String(p) if isinstance(p, str) else p for p in parts if p]
    if len(items) <= 1:
        return items[0] if items else Seq(())
    glue, last = String(sep), String(sep if last_sep is None else last_sep)
    out: list[Rich] = [items[0]]
    for item in items[1:-1]:
        if sep:
            out.append(glue)
        out.append(item)
    if last.text:
        out.append(last)
    out.append(items[-1])
    return Seq(tuple(out))


# --------------------------------------------------------------------------- backends


class Backend:
    """Plain text: italics are invisible."""

    name = "text"

    def text(self, s: str) -> str:
        return s

    def italic(self, inner: str) -> str:
        return inner

    def link(self, url: str) -> str:
        return url

    def line(self, s: str) -> str:
        """A whole rendered line (a reference, a citation), for what only the whole can show."""
        return s


class Markdown(Backend):
    """``*italics*``; what CommonMark or pandoc would read as markup is escaped, so no
    text of a record can become HTML, a link or a heading: ``\\ * _ ` < >``, an ``&``
    that would start an entity (``&amp;``), a ``]`` that would close a link text
    (``](``, ``][``, ``]:``), and a list or heading marker at the start of a line.
    Other square brackets stay: APA's "[Doctoral dissertation]" reads as it is.
    URLs are RFC 3986 characters only (``models.py``), so ``<url>`` is always one autolink.
    """

    name = "markdown"
    _special = re.compile(r"([\\*_`<>])|&(?=#?\w+;)")
    _link_end = re.compile(r"(?<!\\)(<[^<>]*>)|\](?=[(\[:])")  # an <autolink> is left as it is
    _block_start = re.compile(r"^(\s*)(?:([#>+=|~-])|(\d+)([.)]))")

    def text(self, s: str) -> str:
        return self._special.sub(lambda m: "\\" + m.group(0), s)

    def italic(self, inner: str) -> str:
        return f"*{inner}*"

    def link(self, url: str) -> str:
        return f"<{url}>"

    def line(self, s: str) -> str:
        s = self._link_end.sub(lambda m: m.group(1) or "\\]", s)
        m = self._block_start.match(s)
        if m is None:
            return s
        marker = "\\" + m.group(2) if m.group(2) else m.group(3) + "\\" + m.group(4)
        return m.group(1) + marker + s[m.end():]


class Html(Backend):
    """``<i>italics</i>``; ``& < >`` escaped as entities."""

    name = "html"

    def text(self, s: str) -> str:
        return html.escape(s, quote=False)

    def italic(self, inner: str) -> str:
        return f"<i>{inner}</i>"

    def link(self, url: str) -> str:
        return html.escape(url, quote=False)


BACKENDS: dict[str, Backend] = {"text": Backend(), "markdown": Markdown(), "html": Html()}


# --------------------------------------------------------------------------- templates


class Missing(Exception):
    """A template needed a field the record does not have."""


class Node:
    """A template node: ``node[children]`` adds children, ``node(**options)`` sets options."""

    def __init__(self, fn: Callable[..., Rich], children: tuple = (), **options: Any):
        self.fn = fn
        self.children = children
        self.options = options

    def __getitem__(self, children) -> "Node":
        if not isinstance(children, tuple):
            children = (children,)
        return Node(self.fn, self.children + children, **self.options)

    def __call__(self, **options: Any) -> "Node":
        return Node(self.fn, self.children, **{**self.options, **options})

    def format(self, ctx: Any) -> Rich:
        return self.fn(self.children, ctx, **self.options)


def format_part(part: Any, ctx: Any) -> Rich:
    if isinstance(part, Node):
        return part.format(ctx)
    if callable(part):
        return rich(part(ctx))
    return rich(part)


def node(fn: Callable[..., Rich]) -> Node:
    return Node(fn)


@node
def join_(children, ctx, sep: str = "", last_sep: str | None = None) -> Rich:
    """The parts that are not empty, joined by ``sep``; a missing part is an error."""
    return join((format_part(c, ctx) for c in children), sep, last_sep)


words = join_(sep=" ")


def needs(test: Callable[[Any], bool]) -> Callable:
    """Mark a part with what it needs of the context, so that :func:`optional` can leave it out
    without calling it (most records lack most optional parts: no exception for each)."""
    def mark(fn: Callable) -> Callable:
        fn.needs = test
        return fn

    return mark


@node
def optional(children, ctx) -> Rich:
    """Its parts, or nothing when one of them is missing."""
    for child in children:
        test = getattr(child, "needs", None)
        if test is not None and not test(ctx):
            return String("")
    try:
        return join(format_part(c, ctx) for c in children)
    except Missing:
        return String("")


@node
def first_of(children, ctx) -> Rich:
    """The first alternative that is not missing and not empty."""
    for child in children:
        try:
            out = format_part(child, ctx)
        except Missing:
            continue
        if out:
            return out
    raise Missing("no alternative")


@node
def italic(children, ctx) -> Rich:
    inner = join(format_part(c, ctx) for c in children)
    return Italic(inner) if inner else inner


@node
def wrap(children, ctx, before: str = "(", after: str = ")") -> Rich:
    """Its parts in brackets; nothing at all when they are empty."""
    inner = join(format_part(c, ctx) for c in children)
    return seq(before, inner, after) if inner else inner


paren = wrap(before="(", after=")")
bracket = wrap(before="[", after="]")

_END = ".?!"


@node
def sentence(children, ctx, sep: str = ", ") -> Rich:
    """Parts joined by ``sep`` and closed with a period, unless they already end in . ? or !"""
    inner = join((format_part(c, ctx) for c in children), sep)
    if not inner:
        return inner
    return inner if inner.plain().rstrip()[-1:] in _END else seq(inner, ".")


@node
def when(children, ctx, test: Callable[[Any], bool]) -> Rich:
    """Its parts when ``test(ctx)`` holds; otherwise missing."""
    if not test(ctx):
        raise Missing("condition")
    return join(format_part(c, ctx) for c in children)


toplevel = join_(sep=" ")


def field(name: str, apply: Callable[[Any, Any], RichLike] | None = None) -> Callable[[Any], Rich]:
    """The record's field ``name`` (via ``ctx.ref``); missing when empty."""

    def get(ctx: Any) -> Rich:
        value = getattr(ctx.ref, name, None)
        if value is None or value == "" or value == []:
            raise Missing(name)
        return rich(apply(value, ctx) if apply else str(value))

    return get
