"""A synthetic thesis for the `innoref cited` benchmark: about 1 MB of LaTeX over thirteen files.

Shaped like a 300-page thesis: a main file that ``\\input``s twelve chapters, 400
distinct keys cited in natbib and biblatex forms with optional arguments, comments,
``\\%``, maths, figures and a verbatim block in every chapter. ``benchmarks/run.py``
writes one citing keys of the generated library and times ``innoref cited`` on it.

Usage::

    python benchmarks/thesis.py /tmp/thesis     # write a thesis with made-up keys
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

WORDS = ("kommunen innovasjon tjenester samarbeid ledelse kompetanse nettverk utvikling "
         "the municipality services learning networks public sector of and in to").split()


def paragraph(rng: random.Random, keys: list[str]) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(60, 120))]
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(words))
        cited = ", ".join(rng.sample(keys, rng.randint(1, 3)))
        words[at] += rng.choice([
            f" \\citep{{{cited}}}", f" \\citet[p.~{rng.randint(1, 300)}]{{{cited}}}",
            f" \\parencite[see][{rng.randint(1, 99)}--{rng.randint(100, 200)}]{{{cited}}}",
            f" \\textcite{{{cited}}}", f" \\autocites[{{[}}a{{]}}]{{{keys[0]}}}{{{cited}}}",
        ])
    words[rng.randrange(len(words))] += " 25\\% % a comment with \\cite{not_this}\n"
    words[rng.randrange(len(words))] += " $\\alpha_{i} = \\frac{1}{n}\\sum_j x_{ij}$"
    return " ".join(words)


def chapter(rng: random.Random, number: int, keys: list[str], size: int) -> str:
    parts = [f"\\chapter{{Chapter {number}}}\\label{{ch:{number}}}\n"]
    while sum(map(len, parts)) < size:
        parts.append(paragraph(rng, keys) + "\n\n")
        if rng.random() < 0.05:
            parts.append("\\begin{figure}\\centering\\includegraphics{fig}\\caption{A figure.}\\end{figure}\n")
    parts.append("\\begin{verbatim}\n\\cite{inside_verbatim}\n\\end{verbatim}\n")
    return "".join(parts)


def write_thesis(folder: Path, keys: list[str] | None = None, chapters: int = 12, total_bytes: int = 1_000_000,
                 seed: int = 7) -> Path:
    """Write the thesis into ``folder``, citing ``keys`` (400 made-up ones without); its main file."""
    rng = random.Random(seed)
    if keys is None:
        keys = [f"author{i:03d}{rng.choice(['', ':', '-'])}{2000 + i % 25}{rng.choice(WORDS[:8])}" for i in range(400)]
    (folder / "chapters").mkdir(parents=True, exist_ok=True)
    for number in range(1, chapters + 1):
        text = chapter(rng, number, keys, total_bytes // chapters)
        (folder / "chapters" / f"ch{number:02d}.tex").write_text(text, encoding="utf-8")
    inputs = "".join(f"\\input{{chapters/ch{n:02d}}}\n" for n in range(1, chapters + 1))
    main = folder / "thesis.tex"
    main.write_text("\\documentclass{book}\n\\usepackage{natbib}\n\\begin{document}\n"
                    f"\\nocite{{{', '.join(keys)}}}\n{inputs}\\bibliography{{refs}}\n\\end{{document}}\n",
                    encoding="utf-8")
    return main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to write the thesis")
    args = parser.parse_args()
    main_file = write_thesis(args.folder)
    size = sum(p.stat().st_size for p in args.folder.rglob("*.tex"))
    print(f"wrote {main_file} and its chapters, {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
