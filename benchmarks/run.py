"""Time innoref commands as a person runs them, and write benchmarks/RESULTS.md.

Each case runs the installed ``innoref`` command in a fresh subprocess (so Python
start-up, imports and the cache are part of the figure), with its output going to
a pipe but rendered as on a terminal (``TTY_COMPATIBLE=1``, 120 columns: the Rich
table a person sees). A case is timed ``--runs`` times (at least 5 for the
record) and reported by its median, with min and max. The machine (CPU model,
cores, Python), the date and the load average are written beside the figures.

Usage::

    python benchmarks/run.py                      # 50,000 records, 5 runs, writes RESULTS.md
    python benchmarks/run.py --records 100 --runs 2 --out /tmp/results.md
    python benchmarks/run.py --only search        # cases whose name contains "search"

The synthetic library comes from ``benchmarks/generate.py`` and is kept in
``benchmarks/corpus/<N>/`` (git-ignored); the cache and the copies that cases
edit live in ``benchmarks/.work/`` (git-ignored), never in your own cache.

Adding a case (issue 5 adds "import 10,000 BibTeX entries" and "add into 50,000")
is adding a :class:`Case` to :data:`CASES` (or calling :func:`register`)::

    register(Case(
        name="innoref import 10,000 BibTeX entries",
        argv=lambda b: ["--data", str(b.copy_corpus("import")), "import", str(b.root / "x.bib")],
        target=None,                       # seconds, or None for "no target"
        prepare=lambda b: write_bib(b),    # once, untimed
        before=lambda b: reset(b),         # before every run, untimed
        expect=(0,),                       # exit codes that count as success
    ))

``Bench`` gives a case its folders (``corpus()``, ``copy_corpus(name)``,
``shipped()``), ``run(argv)`` for untimed set-up commands and ``clear_cache()``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (the corpus generator beside this file)
import thesis  # noqa: E402  (the thesis for `innoref cited`)


def innoref_command() -> list[str]:
    """The ``innoref`` console script of this Python, as a user would run it."""
    script = Path(sys.executable).parent / "innoref"
    if script.exists():
        return [str(script)]
    found = shutil.which("innoref")
    return [found] if found else [sys.executable, "-m", "innoref"]


@dataclass
class Bench:
    """What a case needs: folders, the environment, untimed helpers."""

    records: int
    root: Path  # work folder: cache, edited copies
    corpus_root: Path

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        home = self.root / "home"
        # PYTHONDONTWRITEBYTECODE is dropped: a person's Python keeps compiled
        # bytecode (pip writes it at install time), so the runs must not recompile
        # innoref's modules every time; warm_up() compiles them once, untimed.
        self.env = {
            **{k: v for k, v in os.environ.items()
               if k not in ("INNOREF_DATA", "NO_COLOR", "FORCE_COLOR", "PYTHONDONTWRITEBYTECODE")},
            "XDG_CACHE_HOME": str(self.root / "cache"),
            "XDG_DATA_HOME": str(home / "data"),
            "TTY_COMPATIBLE": "1",
            "COLUMNS": "120",
        }
        self.edits = 0

    def corpus(self, n: int | None = None) -> Path:
        """The generated library of ``n`` records (default: this run's size)."""
        n = n or self.records
        folder = self.corpus_root / str(n)
        if not (folder / "literature.yaml").exists():
            generate.generate(n, folder)
        return folder

    def copy_corpus(self, name: str) -> Path:
        """A writable copy of the corpus under the work folder, made once per run."""
        folder = self.root / name
        if not folder.exists():
            shutil.copytree(self.corpus(), folder)
        return folder

    def shipped(self) -> Path:
        folder = self.root / "shipped"
        if not folder.exists():
            shutil.copytree(REPO / "data", folder)
        return folder

    def run(self, argv: list[str]) -> subprocess.CompletedProcess:
        return subprocess.run(innoref_command() + argv, env=self.env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)

    def warm_up(self) -> None:
        """Run a few commands once, untimed, so every module's bytecode is written."""
        for argv in (["--help"], ["--data", str(self.shipped()), "search", "innovasjon"],
                     ["--data", str(self.shipped()), "list", "--limit", "1"],
                     ["--data", str(self.shipped()), "show", "krd2013nyevegar"]):
            self.run(argv)

    def clear_cache(self) -> None:
        shutil.rmtree(self.root / "cache", ignore_errors=True)


@dataclass
class Case:
    name: str
    argv: Callable[[Bench], list[str]]
    target: float | None = None
    prepare: Callable[[Bench], None] | None = None
    before: Callable[[Bench], None] | None = None
    expect: tuple[int, ...] = (0,)
    pipe: bool = False  # output to a pipe as in a script (no TTY_COMPATIBLE): plain lines, no Rich
    within: tuple[str, float] | None = None  # (the start of another case's name, factor): a relative target
    env: Callable[[Bench], dict[str, str]] | None = None  # more environment (a shell's completion request)


@dataclass
class Result:
    case: Case
    times: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    target: float | None = None  # seconds; a relative target is made absolute by report()

    @property
    def met(self) -> bool | None:
        target = self.case.target if self.case.target is not None else self.target
        return None if target is None else self.median <= target


def _warm(argv: Callable[[Bench], list[str]]) -> Callable[[Bench], None]:
    def prepare(bench: Bench) -> None:
        result = bench.run(argv(bench))
        if result.returncode != 0:
            raise SystemExit(f"set-up failed: innoref {' '.join(argv(bench))}\n{result.stderr}")

    return prepare


def _edit_one_record(bench: Bench) -> None:
    """A hand edit: change the title of the record in the middle of the file, in place."""
    path = bench.copy_corpus("edited") / "literature.yaml"
    text = path.read_text(encoding="utf-8")
    middle = text.find("\n- key:", len(text) // 2)
    start = text.index("\n  title: ", middle) + 1
    end = text.index("\n", start)
    bench.edits += 1
    title = f"  title: Kommunal innovasjon i praksis (revisjon {bench.edits}, {time.time_ns()})"
    path.write_text(text[:start] + title + text[end:], encoding="utf-8")


def _big(*args: str) -> Callable[[Bench], list[str]]:
    return lambda bench: ["--data", str(bench.corpus()), *args]


_indexed = _warm(_big("list", "--limit", "1"))  # the big library's index built, untimed


def _first_key(bench: Bench) -> str:
    """A key of the generated library (the first record's), for show and cite."""
    with open(bench.corpus() / "literature.yaml", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("- key: "):
                return line[len("- key: "):].strip()
    raise SystemExit("the generated library has no record")


def _search_edited(bench: Bench) -> list[str]:
    return ["--data", str(bench.copy_corpus("edited")), "search", "innovasjon"]


def _show_edited(bench: Bench) -> list[str]:
    return ["--data", str(bench.copy_corpus("edited")), "show", _first_key(bench)]


def _search_cold(bench: Bench) -> list[str]:
    return ["--data", str(bench.copy_corpus("cold")), "search", "innovasjon"]


def _search_shipped(bench: Bench) -> list[str]:
    return ["--data", str(bench.shipped()), "search", "innovasjon"]


def _search_10k(bench: Bench) -> list[str]:
    return ["--data", str(bench.corpus(min(10000, bench.records))), "search", "author:moland"]


CASES: list[Case] = [
    Case("`innoref --help`", lambda b: ["--help"], 0.25),
    Case("`innoref search innovasjon` on the shipped list (7 records), in a pipe", _search_shipped, 0.20,
         prepare=_warm(_search_shipped), pipe=True),
    Case("`innoref show KEY` on {n} records", lambda b: _big("show", _first_key(b))(b), 0.25,
         prepare=_indexed),
    Case("`innoref cite KEY` on {n} records", lambda b: _big("cite", _first_key(b))(b), 0.25,
         prepare=_indexed),
    Case("`innoref themes` on {n} records", _big("themes"), 0.25, prepare=_warm(_big("themes"))),
    Case("`innoref list --limit 20` on {n} records", _big("list", "--limit", "20"), 0.25,
         prepare=_warm(_big("list", "--limit", "20"))),
    Case("`innoref search innovasjon` on {n} records", _big("search", "innovasjon"), 0.25,
         prepare=_warm(_big("search", "innovasjon"))),
    Case("`innoref stats` on {n} records", _big("stats"), 0.4, prepare=_warm(_big("stats"))),
    Case("`innoref export --format bibtex author:moland` on {n} records (about 1,600 hits)",
         _big("export", "--format", "bibtex", "author:moland"), 0.5, prepare=_indexed),
    Case("`innoref export --format apa author:moland` on {n} records", _big("export", "--format", "apa",
                                                                          "author:moland"), 0.5,
         prepare=_indexed),
    Case("`innoref export --format ris author:moland` on {n} records", _big("export", "--format", "ris",
                                                                          "author:moland"), 0.5,
         prepare=_indexed),
    # A case run alone (--only) finds the index built: a warm-up run first, untimed.
    Case("`innoref export --format bibtex`, all {n}", _big("export", "--format", "bibtex"), 4.0, prepare=_indexed),
    Case("`innoref export --format apa`, all {n}", _big("export", "--format", "apa"), 4.0, prepare=_indexed),
    Case("`innoref list --json`, all {n}", _big("list", "--json"), 2.5, prepare=_indexed),
    Case("`innoref check` on {n} records", _big("check"), 1.5, prepare=_indexed),
    Case("first `search innovasjon` after a hand edit of one record in {n}", _search_edited, 0.8,
         prepare=_warm(_search_edited), before=_edit_one_record),
    Case("first `show KEY` after a hand edit of one record in {n}", _show_edited, 0.8,
         prepare=_warm(_search_edited), before=_edit_one_record),
    Case("very first `search innovasjon` on {n} records (nothing cached; progress bar on stderr)",
         _search_cold, 20.0, before=lambda b: b.clear_cache()),
    Case("`innoref search author:moland` on 10,000 records, in a pipe", _search_10k, 0.15,
         prepare=_warm(_search_10k), pipe=True),
]


def register(case: Case) -> None:
    """Add a case (see the module docstring)."""
    CASES.append(case)


# --- issue 5: writing. A .bib of 10,000 entries is the generated 10,000-record library
# exported by `innoref export --format bibtex` (classic BibTeX: {\o}, {\aa}, braced
# capitals, institution/type/number), imported into a fresh copy of the shipped list.
IMPORT_N = 10000  # entries; a smaller run (--records 100) imports as many as its library has


def _import_n(bench: Bench) -> int:
    return min(IMPORT_N, bench.records)


def _bib(bench: Bench) -> Path:
    return bench.root / f"import-{_import_n(bench)}.bib"


def _write_bib(bench: Bench) -> None:
    n = _import_n(bench)
    done = bench.run(["--data", str(bench.corpus(n)), "export", "--format", "bibtex", "-o", str(_bib(bench))])
    if done.returncode != 0:
        raise SystemExit(f"set-up failed: export of {n} records\n{done.stderr}")


def _fresh_shipped(bench: Bench) -> None:
    shutil.rmtree(bench.root / "import-target", ignore_errors=True)
    shutil.copytree(REPO / "data", bench.root / "import-target")


_ADDED = iter(range(1, 10**9))  # issue 5's own counter and folders: other cases' state stays theirs


def _add_one(folder: str) -> Callable[[Bench], list[str]]:
    def argv(bench: Bench) -> list[str]:
        n = next(_ADDED)  # a new title each run: the same record twice would be refused as a duplicate
        return ["--data", str(bench.copy_corpus(folder)), "add", "--type", "report", "--title",
                f"Heltid i praksis, del {n} ({time.time_ns()})", "--author", "Nordmann, Kari",
                "--year", "2024", "--publisher", "Eksempelforlaget", "--number", f"2024:{n}",
                "--theme", "heltid-deltid", "--no-input"]

    return argv


def _hand_edit_for_add(bench: Bench) -> None:
    """A hand edit of one record in the middle of the file, in place (as _edit_one_record, in add's copy)."""
    path = bench.copy_corpus("add-edited") / "literature.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\n  title: ", text.find("\n- key:", len(text) // 2)) + 1
    end = text.index("\n", start)
    path.write_text(text[:start] + f"  title: Kommunal innovasjon i praksis ({time.time_ns()})" + text[end:],
                    encoding="utf-8")


register(Case(f"`innoref import` of {IMPORT_N:,} BibTeX entries (fewer in a smaller run) into the shipped list",
              lambda b: ["--data", str(b.root / "import-target"), "import", str(_bib(b))], 15.0,
              prepare=_write_bib, before=_fresh_shipped))

# --- issue 10, item 15: titles that only a number tells apart ("Report number N on ...") must not
# make the near-identical title check quadratic: within twice the time of the random titles above.


def _write_similar_bib(bench: Bench) -> None:
    n = _import_n(bench)
    lines = []
    for i in range(n):
        lines.append(f"@techreport{{similar{i},\n  title = {{Report number {i} on municipal services in region {i % 7}}},\n"
                     f"  author = {{Nordmann, Kari}},\n  year = {{{2000 + i % 20}}},\n  institution = {{Fafo}},\n}}\n")
    (bench.root / f"similar-{n}.bib").write_text("\n".join(lines), encoding="utf-8")


register(Case(f"`innoref import` of {IMPORT_N:,} BibTeX entries with similar titles (\"Report number N on ...\")",
              lambda b: ["--data", str(b.root / "import-target"), "import", str(b.root / f"similar-{_import_n(b)}.bib")],
              None, prepare=_write_similar_bib, before=_fresh_shipped,
              within=(f"`innoref import` of {IMPORT_N:,} BibTeX entries (fewer", 2.0)))
register(Case("`innoref add` of one record into {n} records", _add_one("add"), 0.4,
              prepare=lambda b: b.run(_add_one("add")(b))))
register(Case("first `innoref add` into {n} records after a hand edit of one record", _add_one("add-edited"),
              0.8, prepare=lambda b: b.run(_add_one("add-edited")(b)), before=_hand_edit_for_add))

# --- issue 9: import of 1,000 entries into an empty library, as pubs is measured (0.9: 3.7 s).
SMALL_N = 1000


def _small_bib(bench: Bench) -> Path:
    return bench.root / f"import-{SMALL_N}.bib"


def _write_small_bib(bench: Bench) -> None:
    n = min(SMALL_N, bench.records)
    done = bench.run(["--data", str(bench.corpus(n)), "export", "--format", "bibtex", "-o", str(_small_bib(bench))])
    if done.returncode != 0:
        raise SystemExit(f"set-up failed: export of {n} records\n{done.stderr}")


def _empty_library(bench: Bench) -> None:
    folder = bench.root / "empty-target"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    (folder / "literature.yaml").write_text("")
    shutil.rmtree(bench.root / "cache", ignore_errors=True)  # a library new to innoref: nothing indexed


register(Case("`innoref import` of 1,000 BibTeX entries into an empty library (nothing indexed)",
              lambda b: ["--data", str(b.root / "empty-target"), "import", str(_small_bib(b))], 0.6,
              prepare=_write_small_bib, before=_empty_library, pipe=True))


# --- issue 14: the bibliography of a 300-page thesis (1 MB of LaTeX in 13 files, 400 distinct keys).


def _thesis_keys(bench: Bench, wanted: int = 400) -> list[str]:
    with open(bench.corpus() / "literature.yaml", encoding="utf-8") as handle:
        keys = [line[len("- key: "):].strip() for line in handle if line.startswith("- key: ")]
    return keys[::max(1, len(keys) // wanted)][:wanted]


def _write_thesis(bench: Bench) -> None:
    folder = bench.root / "thesis"
    shutil.rmtree(folder, ignore_errors=True)
    thesis.write_thesis(folder, _thesis_keys(bench))
    bench.run(["--data", str(bench.corpus()), "list", "--limit", "1"])  # the index, as after the first run


register(Case("`innoref cited thesis.tex -o refs.bib`: a 1 MB thesis in 13 files citing 400 of {n} records",
              lambda b: ["--data", str(b.corpus()), "cited", str(b.root / "thesis" / "thesis.tex"),
                         "-o", str(b.root / "thesis" / "refs.bib")], 0.5, prepare=_write_thesis))

# --- issue 15: a shell's completion request (bash, Tab after `innoref show kri`), answered from the index.


def _completion(bench: Bench) -> dict[str, str]:
    words = f"innoref --data {bench.corpus()} show {_first_key(bench)[:3]}"
    return {"_INNOREF_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": "4"}


register(Case("`innoref show KEY` completed by the shell (Tab after three letters of a key) on {n} records", lambda b: [], 0.2,
              prepare=_indexed, env=_completion, pipe=True))

def time_case(bench: Bench, case: Case, runs: int, log: Callable[[str], None]) -> Result:
    result = Result(case)
    if case.prepare:
        case.prepare(bench)
    for i in range(runs):
        if case.before:
            case.before(bench)
        argv = innoref_command() + case.argv(bench)
        env = {k: v for k, v in bench.env.items() if k != "TTY_COMPATIBLE"} if case.pipe else dict(bench.env)
        if case.env is not None:
            env.update(case.env(bench))
        start = time.perf_counter()
        done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        elapsed = time.perf_counter() - start
        if done.returncode not in case.expect:
            raise SystemExit(f"{case.name}: exit {done.returncode}\n{done.stderr}")
        result.times.append(elapsed)
        log(f"  run {i + 1}: {elapsed:.3f} s")
    return result


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def _load() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def report(results: list[Result], bench: Bench, runs: int, started: str, loads: tuple[str, str],
           note: str | None) -> str:
    m = machine()
    size = (bench.corpus() / "literature.yaml").stat().st_size / 1e6
    n = f"{bench.records:,}"
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python benchmarks/run.py{'' if bench.records == 50000 else f' --records {bench.records}'}"
        f"{'' if runs == 5 else f' --runs {runs}'}` on {started} (UTC).",
        "",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['system']}",
        f"- Python {m['python']}; innoref run as its console script in a subprocess, output rendered as on a "
        "terminal (`TTY_COMPATIBLE=1`, 120 columns), with compiled bytecode as after `pip install` "
        "(one untimed warm-up run first)",
        f"- Library: `benchmarks/generate.py {bench.records}` ({n} records, {size:.1f} MB of YAML)",
        f"- Each figure is the median of {runs} runs (min and max beside it), wall-clock seconds",
        f"- Load average (1, 5, 15 min) before: {loads[0]}; after: {loads[1]}",
    ]
    if note:
        lines.append(f"- {note}")
    lines += ["", "| command | target | median | min | max | met |", "|---|---|---|---|---|---|"]
    for r in results:
        if r.case.within is not None:
            other = next((o for o in results if o.case.name.startswith(r.case.within[0])), None)
            if other is not None:
                r.target = other.median * r.case.within[1]
        target = f"≤ {r.case.target:g} s" if r.case.target is not None else "—"
        if r.target is not None:
            target = f"≤ {r.case.within[1]:g}× the case above ({r.target:.3f} s)"
        met = {None: "—", True: "yes", False: "**no**"}[r.met]
        lines.append(f"| {r.case.name.format(n=n)} | {target} | {r.median:.3f} s | {min(r.times):.3f} s | "
                     f"{max(r.times):.3f} s | {met} |")
    missed = [r for r in results if r.met is False]
    lines.append("")
    if missed:
        lines.append("Missed: " + "; ".join(f"{r.case.name.format(n=n)}: {r.median:.3f} s against "
                                            f"{(r.case.target or r.target):g} s" for r in missed) + ".")
    else:
        lines.append("Every target with a figure above is met.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time innoref commands; write RESULTS.md.")
    parser.add_argument("--records", type=int, default=50000, help="library size (default 50000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case (default 5)")
    parser.add_argument("--only", help="only cases whose name contains this text")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md", help="where to write the results")
    parser.add_argument("--work", type=Path, default=HERE / ".work", help="work folder (cache, edited copies)")
    parser.add_argument("--corpus", type=Path, default=HERE / "corpus", help="where generated libraries are kept")
    parser.add_argument("--note", help="a line to add under the machine, e.g. that it was shared")
    args = parser.parse_args(argv)

    shutil.rmtree(args.work, ignore_errors=True)  # every run starts from nothing
    bench = Bench(args.records, args.work, args.corpus)
    bench.corpus()
    bench.warm_up()
    started = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M")
    before = _load()
    results = []
    for case in CASES:
        if args.only and args.only not in case.name:
            continue
        print(case.name.format(n=f"{args.records:,}"), flush=True)
        results.append(time_case(bench, case, args.runs, lambda s: print(s, flush=True)))
    text = report(results, bench, args.runs, started, (before, _load()), args.note)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
