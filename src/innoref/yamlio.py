"""YAML reading with YAML 1.2 core-schema rules, on libyaml when it is there.

PyYAML's default (YAML 1.1) reads ``2013:52`` as the base-60 integer 120832 and
``no`` as false; yamlcore's core schema does neither. On top of it, numbers are
kept as the text the user wrote (``number: 007`` stays "007", ``1.10`` stays
"1.10"), since no field of ours is a float and the models turn "2013" into a year.
Only safe tags are known: a ``!!python/...`` tag is an error, never code.
"""

from __future__ import annotations

import yaml
from yamlcore import CoreLoader

try:
    from yamlcore import CCoreLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = CoreLoader  # type: ignore[misc]


class TextNumberLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """YAML 1.2 core schema; integers and floats come back as their source text."""


def _as_text(loader: yaml.BaseLoader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


TextNumberLoader.add_constructor("tag:yaml.org,2002:int", _as_text)
TextNumberLoader.add_constructor("tag:yaml.org,2002:float", _as_text)

YAMLError = yaml.YAMLError
MarkedYAMLError = yaml.MarkedYAMLError
MappingNode = yaml.MappingNode
SequenceNode = yaml.SequenceNode
ScalarNode = yaml.ScalarNode


def compose(text: str) -> yaml.Node | None:
    """Parse ``text`` into a node tree (with line and column marks)."""
    loader = TextNumberLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def construct(node: yaml.Node) -> object:
    """Turn a node from :func:`compose` into Python data."""
    loader = TextNumberLoader("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


def load(text: str) -> object:
    return yaml.load(text, Loader=TextNumberLoader)
