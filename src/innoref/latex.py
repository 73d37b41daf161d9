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

__all__ = ["LatexError", "to_latex", "from_latex", "decoder", "math_text"]


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
    # å as the ring accent on a, not \aa: LaTeX and pandoc read both, Citation.js only this one.
    "æ": r"{\ae}", "Æ": r"{\AE}", "ø": r"{\o}", "Ø": r"{\O}", "å": r"{\r a}", "Å": r"{\r A}",
    "ß": r"{\ss}", "œ": r"{\oe}", "Œ": r"{\OE}", "ł": r"{\l}", "Ł": r"{\L}", "ı": r"{\i}",
    "ȷ": r"{\j}", "đ": r"{\dj}", "Đ": r"{\DJ}", "þ": r"{\th}", "Þ": r"{\TH}", "ð": r"{\dh}",
    "Ð": r"{\DH}", "ŋ": r"{\ng}", "Ŋ": r"{\NG}",
}

# Punctuation and symbols.
_SYMBOLS = {
    # Dashes as TeX's ligatures: pandoc drops \textendash{} ("kommunen  lärdomar"), and every
    # reader takes -- and ---.
    "\u2013": "--", "\u2014": "---",
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
_TOUCHED = re.compile("[" + re.escape("".join(_SPECIALS)) + r"]|[^\x00-\x7f]|([`',])(?=\1)|([!?])(?=`)"
                      r"|(-)(?=[-\u2013\u2014])")
_DASHES = "-\u2013\u2014"


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
        if m.group(1) or m.group(2) or m.group(3):
            return out + "{}"
        if out.endswith("-") and text[m.end():m.end() + 1] in tuple(_DASHES):  # "–-" is not "---"
            return out + "{}"
        return out

    return _TOUCHED.sub(escaped, text)


# Text-mode commands pylatexenc does not decode the way LaTeX prints them.
EXTRA_MACROS = {
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
        macros=[MacroTextSpec(name, simplify_repl=value) for name, value in EXTRA_MACROS.items()],
    )
    return LatexNodes2Text(latex_context=db, math_mode="text", strict_latex_spaces=True)


def from_latex(text: str) -> str:
    """LaTeX text as Unicode: accents composed, specials unescaped, protective braces dropped."""
    return unicodedata.normalize("NFC", decoder().latex_to_text(text))


# --------------------------------------------------------------------------- TeX math in titles

_GREEK = {name: chr(code) for name, code in (
    ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4), ("epsilon", 0x3B5), ("zeta", 0x3B6),
    ("eta", 0x3B7), ("theta", 0x3B8), ("iota", 0x3B9), ("kappa", 0x3BA), ("lambda", 0x3BB), ("mu", 0x3BC),
    ("nu", 0x3BD), ("xi", 0x3BE), ("pi", 0x3C0), ("rho", 0x3C1), ("sigma", 0x3C3), ("tau", 0x3C4),
    ("upsilon", 0x3C5), ("phi", 0x3C6), ("chi", 0x3C7), ("psi", 0x3C8), ("omega", 0x3C9),
    ("Gamma", 0x393), ("Delta", 0x394), ("Theta", 0x398), ("Lambda", 0x39B), ("Xi", 0x39E), ("Pi", 0x3A0),
    ("Sigma", 0x3A3), ("Upsilon", 0x3A5), ("Phi", 0x3A6), ("Psi", 0x3A8), ("Omega", 0x3A9))}
_SYMBOLS_MATH = {"times": "\u00d7", "pm": "\u00b1", "cdot": "\u00b7", "leq": "\u2264", "geq": "\u2265",
                 "neq": "\u2260", "infty": "\u221e", "sim": "\u223c", "approx": "\u2248", "to": "\u2192"}
_SUPER = dict(zip("0123456789+-=()n", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207a\u207b\u207c\u207d\u207e\u207f"))
_SUB = dict(zip("0123456789+-=()", "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089\u208a\u208b\u208c\u208d\u208e"))
_MATH = re.compile(r"\$([^$]+)\$")
_SCRIPT = re.compile(r"([_^])(?:\{([^{}]*)\}|(.))")
_WRAPPED = re.compile(r"\\(?:textrm|mathrm|text|mathit|textit)\{([^{}]*)\}")


def math_text(text: str) -> str:
    """Simple TeX math in a title as the characters it prints: ``DNA$_{\\textrm{2}}$`` is DNA₂,
    ``$\\Sigma^{0}$`` Σ⁰, ``$x^2$`` x². A formula with anything Unicode cannot write as text
    (``$4^{\\textrm{ème}}$``: no superscript è; ``\\frac``) is left as written, not guessed at."""

    def one(m: re.Match[str]) -> str:
        body = _WRAPPED.sub(lambda w: w.group(1), m.group(1))
        body = re.sub(r"\\([A-Za-z]+)\s*", lambda g: _GREEK.get(g.group(1)) or _SYMBOLS_MATH.get(g.group(1))
                      or g.group(0), body)

        def script(s: re.Match[str]) -> str:
            table = _SUPER if s.group(1) == "^" else _SUB
            inner = s.group(2) if s.group(2) is not None else s.group(3)
            if all(ch in table for ch in inner):
                return "".join(table[ch] for ch in inner)
            return s.group(0)

        body = _SCRIPT.sub(script, body)
        return m.group(0) if re.search(r"[\\{}^_]", body) else body.replace(" ", "")

    return _MATH.sub(one, text) if "$" in text else text
