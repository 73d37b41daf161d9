"""Unicode <-> LaTeX text: escapes for BibTeX export, and the matching decoder.

``to_latex`` writes any text innoref holds as pure ASCII LaTeX that classic
``bibtex`` and ``pdflatex`` both accept: the letters of Norwegian, Swedish,
German and French as accent commands in braces (``{\\aa}``, ``{\\o}``,
``{\\"a}``), so BibTeX treats each as one character when it makes initials or
sort keys, and the ten LaTeX specials as commands that keep braces balanced
(BibTeX counts ``\\{`` as a brace, so a lone ``{`` in a title is written
``\\textbraceleft{}``). ``to_latex(text, ascii=False)`` keeps non-ASCII letters
as UTF-8 for biber and only escapes the specials.

``from_latex`` / ``decoder()`` read such text back with pylatexenc (the decoder
bibtexparser 2 uses), taught the few text-mode commands it does not know, so
that ``from_latex(to_latex(s)) == s``.

Pure functions; no I/O. A character with no LaTeX spelling raises
:class:`LatexError` rather than being dropped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["LatexError", "to_latex", "from_latex", "decoder"]


class LatexError(ValueError):
    """A character that has no pure-ASCII LaTeX spelling here."""

    def __init__(self, char: str, text: str):
        self.char = char
        name = unicodedata.name(char, "unnamed character")
        super().__init__(f"'{char}' (U+{ord(char):04X} {name}) has no LaTeX spelling for classic BibTeX")


# The ten characters LaTeX treats specially, written so that braces stay balanced.
_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    # Not special to LaTeX, but wrong in OT1 fonts ("<" prints as "¡") or active
    # under babel-norsk (the shorthand character ").
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    '"': r"{\textquotedbl}",
}

# Letters that are not a base letter plus an accent.
_LETTERS = {
    "æ": r"{\ae}", "Æ": r"{\AE}", "ø": r"{\o}", "Ø": r"{\O}", "å": r"{\aa}", "Å": r"{\AA}",
    "ß": r"{\ss}", "œ": r"{\oe}", "Œ": r"{\OE}", "ł": r"{\l}", "Ł": r"{\L}", "ı": r"{\i}",
    "ȷ": r"{\j}", "đ": r"{\dj}", "Đ": r"{\DJ}", "þ": r"{\th}", "Þ": r"{\TH}", "ð": r"{\dh}",
    "Ð": r"{\DH}", "ŋ": r"{\ng}", "Ŋ": r"{\NG}",
}

# Punctuation and symbols.
_SYMBOLS = {
    "\u2013": r"\textendash{}", "\u2014": r"\textemdash{}",
    "\u2018": r"\textquoteleft{}", "\u2019": r"\textquoteright{}",
    "\u201c": r"\textquotedblleft{}", "\u201d": r"\textquotedblright{}",
    "\u201e": r"\quotedblbase{}", "\u201a": r"\quotesinglbase{}",
    "\u00ab": r"\guillemotleft{}", "\u00bb": r"\guillemotright{}",
    "\u2039": r"\guilsinglleft{}", "\u203a": r"\guilsinglright{}",
    "\u2026": r"\ldots{}", "\u00a0": "~", "\u00ad": r"\-", "\u2009": r"\,", "\u202f": r"\,",
    "\u00a7": r"\textsection{}", "\u00b6": r"\textparagraph{}", "\u00a9": r"\textcopyright{}",
    "\u00ae": r"\textregistered{}", "\u2122": r"\texttrademark{}", "\u00b0": r"\textdegree{}",
    "\u20ac": r"\texteuro{}", "\u00a3": r"\pounds{}", "\u00b7": r"\textperiodcentered{}",
    "\u2022": r"\textbullet{}", "\u2020": r"\textdagger{}", "\u2021": r"\textdaggerdbl{}",
    "\u00a1": r"\textexclamdown{}", "\u00bf": r"\textquestiondown{}", "\u2030": r"\textperthousand{}",
    "\u00d7": r"\ensuremath{\times}", "\u00b1": r"\ensuremath{\pm}", "\u2212": r"\ensuremath{-}",
    "\u00bd": r"\textonehalf{}", "\u00bc": r"\textonequarter{}", "\u00be": r"\textthreequarters{}",
}

_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu",
    "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi",
    "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta",
    "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Υ": "Upsilon", "Φ": "Phi", "Ψ": "Psi",
    "Ω": "Omega",
}

# Combining accents -> (command, takes a braced argument).
_ACCENTS = {
    "\u0300": ("`", False), "\u0301": ("'", False), "\u0302": ("^", False), "\u0303": ("~", False),
    "\u0304": ("=", False), "\u0307": (".", False), "\u0308": ('"', False),
    "\u0306": ("u", True), "\u030a": ("r", True), "\u030b": ("H", True), "\u030c": ("v", True),
    "\u0327": ("c", True), "\u0328": ("k", True), "\u0323": ("d", True), "\u0331": ("b", True),
}


def _accented(char: str, original: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if not base.isascii() or not marks or any(m not in _ACCENTS for m in marks):
        raise LatexError(char, original)
    # A dotless i or j under an accent that sits above the letter.
    inner = {"i": r"\i", "j": r"\j"}.get(base, base) if marks[0] not in ("\u0327", "\u0328", "\u0323", "\u0331") else base
    for i, mark in enumerate(marks):
        command, braced = _ACCENTS[mark]
        if braced or i > 0 or inner.startswith("\\"):
            inner = f"\\{command}{{{inner}}}" if braced or not inner.startswith("\\") else f"\\{command}{inner}"
        else:
            inner = f"\\{command}{inner}"
    return "{" + inner + "}"


@lru_cache(maxsize=4096)
def _char(char: str, ascii: bool) -> str:
    if char in _SPECIALS:
        return _SPECIALS[char]
    if char.isascii():
        return char
    if not ascii:
        return char
    if char in _LETTERS:
        return _LETTERS[char]
    if char in _SYMBOLS:
        return _SYMBOLS[char]
    if char in _GREEK:
        return f"\\ensuremath{{\\{_GREEK[char]}}}"
    if char in ("\u2028", "\u2029"):
        return " "
    return _accented(char, char)


# What needs more than itself in LaTeX: a special, a non-ASCII character, and the first of a pair
# that TeX fonts would join into a dash or a quote ("--", "``", "''", ",,", "!`", "?`").
_TOUCHED = re.compile("[" + re.escape("".join(_SPECIALS)) + r"]|[^\x00-\x7f]|([-`',])(?=\1)|([!?])(?=`)")


def to_latex(text: str, *, ascii: bool = True) -> str:
    """``text`` as LaTeX: pure ASCII with escapes (default), or UTF-8 with only the specials escaped.

    Sequences that LaTeX would turn into other characters are broken up: ``--``
    (an en dash in LaTeX) is written ``-{}-``, and doubled quotes likewise.
    """
    return _to_latex(text, ascii)


@lru_cache(maxsize=100_000)  # publishers, series, names and journals repeat across an export
def _to_latex(text: str, ascii: bool) -> str:
    text = unicodedata.normalize("NFC", text)

    def escaped(m: re.Match) -> str:
        char = m.group(0)
        try:
            out = _char(char, ascii)
        except LatexError:
            raise LatexError(char, text) from None
        return out + "{}" if m.group(1) or m.group(2) else out

    return _TOUCHED.sub(escaped, text)


# Text-mode commands pylatexenc does not decode the way LaTeX prints them.
_EXTRA_MACROS = {
    "textbraceleft": "{", "textbraceright": "}", "textasciicircum": "^", "textasciitilde": "~",
    "textbackslash": "\\", "textless": "<", "textgreater": ">", "textbar": "|", "textquotedbl": '"',
    "guillemotleft": "\u00ab", "guillemotright": "\u00bb", "guilsinglleft": "\u2039",
    "guilsinglright": "\u203a", "quotedblbase": "\u201e", "quotesinglbase": "\u201a",
    "textsection": "\u00a7", "textparagraph": "\u00b6", "textperiodcentered": "\u00b7",
    "textexclamdown": "\u00a1", "textquestiondown": "\u00bf", "textperthousand": "\u2030",
    "textonehalf": "\u00bd", "textonequarter": "\u00bc", "textthreequarters": "\u00be",
    "textendash": "\u2013", "textemdash": "\u2014", "texteuro": "\u20ac", "textdegree": "\u00b0",
    "dj": "\u0111", "DJ": "\u0110", "th": "\u00fe", "TH": "\u00de", "dh": "\u00f0", "DH": "\u00d0",
    "ng": "\u014b", "NG": "\u014a",
}


@lru_cache(maxsize=1)
def decoder():
    """A pylatexenc ``LatexNodes2Text`` that reverses :func:`to_latex`.

    Pass it to bibtexparser's ``LatexDecodingMiddleware(decoder=...)``.
    """
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    db = get_default_latex_context_db().filter_context()
    db.add_context_category(
        "innoref",
        prepend=True,
        macros=[MacroTextSpec(name, simplify_repl=value) for name, value in _EXTRA_MACROS.items()],
    )
    return LatexNodes2Text(latex_context=db, math_mode="text", strict_latex_spaces=True)


def from_latex(text: str) -> str:
    """LaTeX text as Unicode: accents composed, specials unescaped, protective braces dropped."""
    return unicodedata.normalize("NFC", decoder().latex_to_text(text))
