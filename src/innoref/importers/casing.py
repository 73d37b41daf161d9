"""Sentence case for English titles imported from BibTeX (APA 9.19).

APA writes the titles of articles, books, chapters, reports and web pages in sentence case
("Language learning as language use: A cross-linguistic model"); most .bib files hold them
in title case, with the words whose capitals must stay in braces (``{NATO}``, ``{Oslo}``),
which is the only record of which words are proper nouns. This module reads a title's
LaTeX before its braces are dropped and lowers the capitals that only title case gave:
it keeps braced words, the first word and the first after a colon (or ``?``, ``!``, a
dash), acronyms (two or more capitals: ``NAV``, ``OECD``), words with a capital inside
(``McKinsey``, ``iPhone``) and "I". A title is changed only when it reads as title case
(most of its longer words capitalised) and its record is in English or names no language.
No I/O.
"""

from __future__ import annotations

import re
from typing import Callable

_CONTROL = re.compile(r"\\(?:[A-Za-z]+|.)\s*", re.S)  # "\\" then a line break is a control space
_WORD = re.compile(r"\S+")
_ENDS_CLAUSE = re.compile(r"[:?!\u2013\u2014]$|^[\u2013\u2014-]{1,3}$")
SMALL = 4  # words shorter than this (a, of, the, and) say nothing about title case


def _close(text: str, i: int) -> int | None:
    depth = 0
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return j
    return None


def segments(raw: str) -> list[tuple[str, bool]] | None:
    """The LaTeX of a title in (text, protected) runs: a brace group at the top, not a macro's
    argument and not a special character (``{\\"O}``), is protected. None when braces do not balance."""
    out: list[tuple[str, bool]] = []
    buf: list[str] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\" and i + 1 == len(raw):
            return None  # a backslash at the very end: not LaTeX innoref can case
        if ch == "\\":
            m = _CONTROL.match(raw, i)
            assert m is not None  # a backslash and at least one character after it
            buf.append(m.group(0))
            i = m.end()
            while i < len(raw) and raw[i] == "{":  # the macro's arguments: \"{o}, \emph{x}
                j = _close(raw, i)
                if j is None:
                    return None
                buf.append(raw[i:j + 1])
                i = j + 1
            continue
        if ch == "{":
            j = _close(raw, i)
            if j is None:
                return None
            group = raw[i:j + 1]
            if group[1:2] == "\\":
                buf.append(group)  # {\"O}: a special character, cased as its letter
            else:
                if buf:
                    out.append(("".join(buf), False))
                    buf = []
                out.append((group[1:-1], True))
            i = j + 1
            continue
        if ch == "}":
            return None
        buf.append(ch)
        i += 1
    if buf:
        out.append(("".join(buf), False))
    return out


def _keeps_capitals(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    if word.strip("\"'“”‘’()[].,;") == "I":
        return True
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return True  # an acronym: NAV, OECD, ICT
    return any(c.isupper() for c in letters[1:])  # McKinsey, iPhone


def _lower(word: str) -> str:
    """A title-case word in lower case, part by part across hyphens (Cross-Linguistic)."""
    return "-".join(part if _keeps_capitals(part) else part.lower() for part in word.split("-"))


def looks_title_case(runs: list[tuple[str, bool]]) -> bool:
    words = []
    first = True
    glued = False  # the run goes on from a braced part without a space: {D}emocracy
    for text, protected in runs:
        for n, m in enumerate(_WORD.finditer(text)):
            word = m.group(0)
            part_of_braced = glued and n == 0 and m.start() == 0
            if not protected and not first and not part_of_braced and len(word.strip(".,;:?!\"'")) >= SMALL \
                    and word[0].isalpha():
                words.append(word)
            first = bool(_ENDS_CLAUSE.search(word))
        if protected and text.strip():
            first = False
        glued = protected and not text[-1:].isspace()
    capitalised = [w for w in words if w[0].isupper() and not _keeps_capitals(w.split("-")[0])]
    return len(words) >= 2 and len(capitalised) >= 0.75 * len(words)


def sentence_case(raw: str, decode: Callable[[str], str]) -> str | None:
    """The title in sentence case, decoded to text with ``decode``; None when it does not read as
    title case (or its braces do not balance), and the title is then left as it is."""
    runs = segments(raw)
    if runs is None or not looks_title_case(runs):
        return None
    out: list[str] = []
    first = True
    for text, protected in runs:
        lead = " " if text[:1].isspace() else ""
        trail = " " if text[-1:].isspace() else ""
        decoded = decode(text)
        if protected:
            out.append(lead + decoded + trail)
            first = first and not decoded.strip()
            continue
        words = []
        for word in decoded.split():
            words.append(word if first else _lower(word))
            first = bool(_ENDS_CLAUSE.search(word))
        out.append(lead + " ".join(words) + trail)
    return " ".join("".join(out).split())
