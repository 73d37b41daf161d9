"""The bibliography of documents: the library's records that LaTeX, .aux and Markdown files cite.

Owns what ``innoref cited`` decides: which records a set of documents cites (in the
order they are first cited; the whole library, in its own order, when a document
says ``\\nocite{*}`` or ``nocite: '@*'``), which cited keys the library does not
hold (each with its places and advice), and which export format the bibliography
takes when none is named (the output's suffix, else what the document's toolchain
reads). Reading the documents is ``citekeys.py``'s; rendering is the formats'.

Returns data and raises domain errors; never prints, never writes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from innoref.citekeys import CitedKeys, UnknownKey, document_kind, read_citations, unknown_keys
from innoref.errors import UsageError

if TYPE_CHECKING:
    from innoref.library import Library
    from innoref.records import Reference

# The format an output file's suffix asks for: .bib is classic BibTeX (bibtex and biber both
# read it; --format biblatex for biber's own fields), .json is CSL-JSON (what pandoc reads).
SUFFIX_FORMATS = {".bib": "bibtex", ".json": "csl-json", ".ris": "ris", ".docx": "docx"}
# Without --format or a known suffix: what the document's toolchain reads.
DOCUMENT_FORMATS = {"latex": "bibtex", "aux": "bibtex", "markdown": "csl-json"}


@dataclass(frozen=True)
class Bibliography:
    """What documents cite: the records found, and the keys the library does not hold."""

    cited: CitedKeys
    references: list["Reference"]
    unknown: list[UnknownKey]

    @property
    def places(self) -> int:
        """How many citations name an unknown key."""
        return sum(len(u.citations) for u in self.unknown)


def of_documents(library: "Library", documents: Iterable[str | os.PathLike[str]]) -> Bibliography:
    """The bibliography of ``documents`` (and the files they include) from ``library``."""
    cited = read_citations(documents)
    keys = cited.keys()
    found = library.by_keys(keys)
    missing = [k for k in keys if _nfc(k) not in found]
    unknown: list[UnknownKey] = []
    if missing:
        unknown = unknown_keys(cited, library.keys(), suggest=library.suggest)
        unknown = [u for u in unknown if _nfc(u.key) not in found]
    if cited.cites_everything:
        references = library.references()
    else:
        # In the order first cited; a key cited in NFC and in NFD is one record.
        references = list({_nfc(k): found[_nfc(k)] for k in keys if _nfc(k) in found}.values())
    return Bibliography(cited, references, unknown)


def format_for(fmt: str | None, output: str | os.PathLike[str] | None,
               documents: Iterable[str | os.PathLike[str]]) -> str:
    """The export format: ``fmt`` when given; else the one ``output``'s suffix names (.bib, .json,
    .ris, .docx; another suffix is a usage error); else, on standard output, what the first
    document's toolchain reads (BibTeX for LaTeX, CSL-JSON for Markdown)."""
    if fmt is not None:
        return fmt
    if output is not None:
        suffix = Path(output).suffix.lower()
        if suffix not in SUFFIX_FORMATS:
            known = ", ".join(f"{s} ({f})" for s, f in SUFFIX_FORMATS.items())
            raise UsageError(f"cannot tell the format from the name '{output}'; give --format, or a name "
                             f"ending in {known}")
        return SUFFIX_FORMATS[suffix]
    first = next(iter(documents))
    return DOCUMENT_FORMATS[document_kind(first)]


def _nfc(key: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", key)
