"""Time reading the citations of a thesis: ``innoref.citekeys.read_citations`` in-process.

The thesis is synthetic but shaped like one: a main file that ``\\input``s twelve
chapters, about 1 MB of LaTeX in all (some 300 pages), 400 distinct keys cited
in natbib and biblatex forms with optional arguments, comments, ``\\%``, maths,
figures and a verbatim block in every chapter. The target is well under 0.1 s
for the reading itself (Python's start-up and imports are not part of it).

Usage::

    python benchmarks/citekeys.py              # 12 chapters, 7 runs
    python benchmarks/citekeys.py --runs 20 --keep /tmp/thesis
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 0.1
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


def write_thesis(folder: Path, chapters: int = 12, total_bytes: int = 1_000_000, seed: int = 7) -> Path:
    rng = random.Random(seed)
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
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--chapters", type=int, default=12)
    parser.add_argument("--keep", type=Path, help="write the thesis here instead of a temporary folder")
    args = parser.parse_args()

    from innoref.citekeys import read_citations

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        thesis = write_thesis(folder, args.chapters)
        size = sum(p.stat().st_size for p in folder.rglob("*.tex"))
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            cited = read_citations([thesis])
            times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"{len(cited.files)} files, {size / 1e6:.2f} MB, {len(cited.citations)} citations of "
          f"{len(cited.keys())} keys")
    print(f"read_citations: median {median * 1000:.1f} ms, min {min(times) * 1000:.1f} ms, "
          f"max {max(times) * 1000:.1f} ms over {args.runs} runs (target < {TARGET_SECONDS * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
