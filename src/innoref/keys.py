"""Citation keys for new records: ``moland2013laeringsnettverk``.

The rule (documented in the README):

1. the first author's family name (without particle; the first editor's when
   there are no authors), folded to ASCII lower case (``Bråthen`` -> ``brathen``,
   ``Aarsæther`` -> ``aarsaether``), letters and digits only. An organisation
   gives the initials of the significant words of its name when it has more than
   one (``Sveriges Kommuner och Landsting`` -> ``skl``), else that word
   (``Riksrevisjonen`` -> ``riksrevisjonen``); no creator at all gives ``anon``;
2. the year, or ``nd`` when there is none;
3. the first significant word of the title, folded the same way, skipping
   articles and small words (prepositions, conjunctions, pronouns) in Norwegian
   (Bokmål and Nynorsk), Swedish and English: "Den innovativa kommunen" gives
   ``innovativa``;
4. when the key is taken, ``a``, ``b``, ... ``z``, ``aa``, ``ab``, ... is added.

Pure functions: no I/O, no knowledge of files.
"""

from __future__ import annotations

import re
from typing import Any, Container, Iterable

# Folded (see text.fold) small words of Norwegian (nb, nn), Swedish and English.
STOP_WORDS = frozenset(
    """
    a an the and or nor but of in on at to for from by with without about as into onto upon is are was
    were be been its it this that these those how what why when where which who whom whose do does not
    no between towards toward through over under after before via vs versus than their our your his her
    we you they i my me us them some any all
    en ei et ett den det de dei dem og eller men i pa til for fra av med om som ved mot under over etter
    hos uten mellom gjennom blant hva hvordan hvorfor hvor nar er var a at ikke kan skal vil vi jeg du
    han hun ho me sin sitt sine si hans hennes deres var vart vare denne dette disse noen alle slik
    ein eit korleis kvifor kva kor ikkje
    och att inte till fran vid efter utan genom bland vad hur varfor ar jag hon sina denna detta dessa
    nagra
    """.split()
)

_WORD_SPLIT = re.compile(r"[\s\u2013\u2014/]+")  # spaces, en and em dashes, slashes
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def ascii_word(text: str) -> str:
    """Folded to ASCII lower case, letters and digits only: "Bråthen" -> "brathen"."""
    from innoref.text import fold

    return _NOT_ALNUM.sub("", fold(text))


def _words(text: str) -> list[str]:
    return [w for w in (ascii_word(part) for part in _WORD_SPLIT.split(text)) if w]


def title_word(title: str) -> str:
    """The first significant word of a title ("" when it has no letters or digits)."""
    words = _words(title)
    for word in words:
        if word not in STOP_WORDS:
            return word
    return words[0] if words else ""


def creator_word(person: Any) -> str:
    """The name part of a key for one person or organisation."""
    if getattr(person, "name", None):
        words = [w for w in _words(person.name) if w not in STOP_WORDS]
        if len(words) > 1:
            return "".join(w[0] for w in words)
        return words[0] if words else ascii_word(person.name)
    return ascii_word(person.family or "")


def base_key(*, title: str, authors: Iterable[Any] = (), editors: Iterable[Any] = (), year: int | None = None) -> str:
    """The key before any collision suffix."""
    creators = list(authors) or list(editors)
    name = creator_word(creators[0]) if creators else ""
    return (name or "anon") + (str(year) if year is not None else "nd") + title_word(title)


def suffixes() -> Iterable[str]:
    """a, b, ... z, aa, ab, ... (bijective base 26)."""
    n = 1
    while True:
        out, k = "", n
        while k:
            k, r = divmod(k - 1, 26)
            out = chr(97 + r) + out
        yield out
        n += 1


def unique_key(base: str, taken: Container[str]) -> str:
    """``base``, or ``base`` plus the first free suffix."""
    if base not in taken:
        return base
    for suffix in suffixes():
        if base + suffix not in taken:
            return base + suffix
    raise AssertionError("unreachable")  # pragma: no cover


def make_key(taken: Container[str] = (), **fields: Any) -> str:
    """A free key for a record with these ``title``, ``authors``, ``editors``, ``year``."""
    return unique_key(base_key(**fields), taken)


def key_for(ref: Any, taken: Container[str] = ()) -> str:
    """A free key for ``ref``: by the rule above, or for a Norwegian public document from its
    designation (``nou2016-16``, ``meldst20-2009-2010``, ``folketrygdloven1997``: documents.key_base)."""
    from innoref.documents import is_public, key_base

    if is_public(ref.type):
        return unique_key(key_base(ref), taken)
    return make_key(taken, title=ref.title, authors=ref.authors, editors=ref.editors, year=ref.year)


_SHORTEST_PREFIX = 4  # "krd2" says something; "m" is the start of half a library


def suggest_keys(typed: str, known: Iterable[str], limit: int = 3) -> list[str]:
    """The keys a mistyped ``typed`` most likely meant, at most ``limit``, nearest first.

    First the keys that ``typed`` is the start of, or that are the start of ``typed``
    (``moland2013`` -> ``moland2013laeringsnettverk``; four characters or more), the
    closest in length first; then close spellings by difflib's ratio (0.6 or more), the
    closest first. Letter case is ignored; ties go in alphabetical order, so the advice
    is always the same.
    """
    import difflib

    wanted = typed.casefold()
    pool = sorted(set(known) - {typed})
    prefixed = [k for k in pool if _prefix_related(wanted, k.casefold())]
    prefixed.sort(key=lambda k: (abs(len(k) - len(typed)), k))
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(wanted)
    scored = []
    for k in pool:
        matcher.set_seq1(k.casefold())
        if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6 and matcher.ratio() >= 0.6:
            scored.append((-matcher.ratio(), k))
    out: list[str] = []
    for k in prefixed + [k for _, k in sorted(scored)]:
        if k not in out:
            out.append(k)
    return out[:limit]


def _prefix_related(a: str, b: str) -> bool:
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= _SHORTEST_PREFIX and long.startswith(short)
