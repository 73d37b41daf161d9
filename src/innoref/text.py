"""Folding text for matching and sorting: case, accents and the Scandinavian letters.

``fold("Bråthen") == fold("brathen")`` and ``fold_loose("braathen")`` meets them
too, which is what a researcher on an English keyboard expects, as in any library
catalogue. The same folding is applied to the query and to every field it is
compared with, so the rules only have to agree with themselves:

* case and accents go: ``É`` -> ``e``, ``ü`` -> ``u``;
* letters that do not decompose are spelt out: ``æ`` -> ``ae``, ``ø`` -> ``o``,
  ``å``/``ä`` -> ``a``, ``ö`` -> ``o``, ``ß`` -> ``ss``;
* (loose only) the two-letter spellings people type for one letter are read as
  that letter: ``aa`` -> ``a`` (Braathen, Aarsæther) and ``oe`` -> ``o`` (Bolkesjoe).

:func:`words` and :func:`normalize` cut folded text into the words that the
query language matches against. Pure functions, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters that do not decompose into base letter + accent. (str.replace per letter
# present is several times faster than str.translate with a dict on long text.)
_SPECIAL = (
    ("æ", "ae"), ("ø", "o"), ("å", "a"), ("ä", "a"), ("ö", "o"), ("ü", "u"),
    ("ß", "ss"), ("þ", "th"), ("ð", "d"), ("đ", "d"), ("ł", "l"), ("œ", "oe"),
)
# Two-letter spellings people type for one Scandinavian letter.
_DIGRAPHS = (("aa", "a"), ("oe", "o"))
_WORD = re.compile(r"\w+")
_LATIN_MARKS = re.compile("[\u0300-\u034e\u0350-\u036f]")
_NON_ASCII = re.compile("[^\x00-\x7f]")


def _fold(text: str) -> str:
    text = text.lower()
    if text.isascii():
        return text
    for letter, spelt in _SPECIAL:
        if letter in text:
            text = text.replace(letter, spelt)
    if text.isascii():  # most text, once æ ø å are spelt out: nothing left to decompose
        return text
    text = unicodedata.normalize("NFKD", text)
    # Latin accents decompose into U+0300-U+036F, all combining but U+034F: a regex takes them
    # out at C speed; text with other marks is checked character by character.
    stripped = _LATIN_MARKS.sub("", text)
    if stripped.isascii():
        return stripped
    # What is left outside ASCII is mostly punctuation (– “ ”): only other marks need a look at each.
    if not any(unicodedata.combining(ch) for ch in _NON_ASCII.findall(stripped)):
        return stripped
    return "".join(ch for ch in stripped if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, accents removed, æ ø å ä ö written as ae / o / a / a / o."""
    return _fold(text)


def fold_loose(text: str) -> str:
    """:func:`fold`, then the digraphs "aa" and "oe" read as "a" and "o".

    Applied to both sides of a comparison, so "braathen" meets "Bråthen" and
    "bolkesjoe" meets "Bolkesjø".
    """
    text = _fold(text)
    for pair, single in _DIGRAPHS:
        if pair in text:
            text = text.replace(pair, single)
    return text


def words(text: str) -> list[str]:
    """The loosely folded words of ``text``: runs of letters and digits.

    ``words("Læringsnettverk og innovasjon, 2013:52") ==
    ["laeringsnettverk", "og", "innovasjon", "2013", "52"]``.
    """
    return _WORD.findall(fold_loose(text))


def normalize(text: str) -> str:
    """The folded words of ``text`` between single spaces, with a space at each end.

    The spaces make word boundaries plain text: ``" kommun"`` is a word that
    starts with "kommun" and ``" kommune "`` is that whole word.
    """
    found = words(text)
    return " " + " ".join(found) + " " if found else " "
