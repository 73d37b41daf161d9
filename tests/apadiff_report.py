"""Render tests/fixtures/apa-kinds.bib through biblatex-apa (``biblatex_apa.py``) and
through innoref, and write the comparison as Markdown: for each entry, biblatex-apa's
reference in English, Bokmål and Nynorsk, innoref's in the same languages, and the
words that differ. This is the generated part (a) of REPORT-apadiff.md.

    python tests/apadiff_report.py > /tmp/apadiff-entries.md

innoref runs as its installed command (``innoref``) on a scratch library: a copy of
the shipped ``data/`` with the corpus imported into it; the shipped references are
left out of the exports by key. innoref's lines are matched to entry keys by title
and first author (the export does not print keys); every line must match exactly one
record, or the script stops.

A development tool, not a test: pytest does not collect it.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from biblatex_apa import normalise, render_entries  # noqa: E402

CORPUS = HERE / "fixtures" / "apa-kinds.bib"
SHIPPED = HERE.parent / "data"
LANGS = ("en", "nb", "nn")
# Only printed inside the entry that reviews it (options = {skipbib}).
HIDDEN = {"review-target-book"}


def innoref(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(["innoref", *args], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise SystemExit(f"innoref {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def apa_lines(library: Path, query: str, env: dict[str, str]) -> tuple[dict[str, dict[str, str]], dict[str, list[str]]]:
    """innoref's APA list of the records ``query`` selects: {lang: {key: line}} and
    {lang: [keys in innoref's order]}."""
    records = json.loads(innoref("--data", str(library), "export", "-f", "json", "--", query, env=env))
    lines, order = {}, {}
    for lang in LANGS:
        text = innoref("--data", str(library), "export", "-f", "apa", "--lang", lang, "--markup", "markdown",
                       "--", query, env=env)
        keyed = [(match_key(normalise(line), records), normalise(line)) for line in text.splitlines()]
        keys = [k for k, _ in keyed]
        if len(set(keys)) != len(keys) or len(keys) != len(records):
            raise SystemExit(f"could not match innoref's {lang} lines to keys one to one: {keys}")
        lines[lang] = dict(keyed)
        order[lang] = keys
    return lines, order


def innoref_lines(tmp: Path) -> dict:
    """innoref's side: the shipped list and the imported corpus, each as APA lines and as
    innoref's own biblatex export; and what the import said."""
    library = tmp / "lib"
    shutil.copytree(SHIPPED, library)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp / "cache"), "XDG_DATA_HOME": str(tmp / "xdg"),
           "NO_COLOR": "1", "COLUMNS": "200"}
    shipped = [r["key"] for r in json.loads(innoref("--data", str(library), "export", "-f", "json", env=env))]
    shipped_query = " OR ".join(f"key:{k}" for k in shipped)
    out = {"shipped": apa_lines(library, shipped_query, env),
           "shipped_bib": innoref("--data", str(library), "export", "-f", "biblatex", env=env),
           "summary": innoref("--data", str(library), "import", str(CORPUS), env=env)}
    query = " ".join(f"-key:{k}" for k in shipped)
    out["corpus"] = apa_lines(library, query, env)
    out["corpus_bib"] = innoref("--data", str(library), "export", "-f", "biblatex", "--", query, env=env)
    return out


def match_key(line: str, records: list[dict]) -> str:
    """The record whose title (the longest that fits) and first author's family name
    are in ``line``."""
    def fits(r: dict) -> bool:
        people = r.get("authors") or r.get("editors") or []
        who = (people[0].get("family") or people[0].get("name")) if people else ""
        return normalise(r["title"]) in line.replace("*", "") and who in line

    found = sorted((r for r in records if fits(r)), key=lambda r: -len(r["title"]))
    if not found or (len(found) > 1 and len(found[0]["title"]) == len(found[1]["title"])):
        raise SystemExit(f"no single record for: {line}")
    return found[0]["key"]


def word_diff(a: str, b: str) -> str:
    """What biblatex-apa has (``-``) and innoref has (``+``) where they differ."""
    wa, wb = a.split(" "), b.split(" ")
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=wa, b=wb, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        left, right = " ".join(wa[i1:i2]), " ".join(wb[j1:j2])
        parts.append(f"`-{left}` `+{right}`" if left and right else f"`-{left}`" if left else f"`+{right}`")
    return "; ".join(parts)


def order_diff(theirs: list[str], mine: list[str]) -> str:
    """Where innoref's order of the keys departs from biblatex-apa's, with a neighbour
    each side for context."""
    if theirs == mine:
        return "the same"
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=theirs, b=mine, autojunk=False).get_opcodes():
        if tag != "equal":
            parts.append(f"biblatex-apa {', '.join(theirs[max(i1 - 1, 0):i2 + 1])} / "
                         f"innoref {', '.join(mine[max(j1 - 1, 0):j2 + 1])}")
    return "differs: " + "; ".join(parts)


def corpus_sections() -> dict[str, str]:
    """Each entry key -> the APA 7 section comment above it in the corpus (entries
    that follow without a comment of their own share the one before)."""
    sections, current, in_comment = {}, "", False
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.startswith("% APA"):
            current, in_comment = line[2:].strip(), True
        elif in_comment and line.startswith("% "):
            current += " " + line[2:].strip()
        else:
            in_comment = False
            if m := re.match(r"@\w+\{([^,]+),", line):
                sections[m.group(1)] = current
    return sections


def main() -> None:
    bib = CORPUS.read_text(encoding="utf-8")
    oracle = {lang: render_entries(bib, lang=lang) for lang in LANGS}
    with tempfile.TemporaryDirectory(prefix="apadiff-") as tmp:
        side = innoref_lines(Path(tmp))
    (ours, our_order), summary, exported = side["corpus"], side["summary"], side["corpus_bib"]
    round_trip = {lang: dict(render_entries(exported, lang=lang)) for lang in ("en", "nb")}
    theirs = {lang: dict(entries) for lang, entries in oracle.items()}
    sections = corpus_sections()
    out = [f"<!-- generated by tests/apadiff_report.py; innoref import said: {summary.strip()} -->", ""]
    same = {lang: 0 for lang in LANGS}
    for key, _ in oracle["en"]:
        out.append(f"#### `{key}`")
        if key in sections:
            out.append(f"*{sections[key]}*")
        out.append("")
        for lang in LANGS:
            b, i = theirs[lang][key], ours[lang].get(key)
            if lang == "nn" and b == theirs["nb"][key] and i == ours["nb"].get(key):
                continue  # Nynorsk shown only where it differs from Bokmål
            out.append(f"- biblatex-apa {lang}: {b}")
            if i is None:
                out.append(f"- innoref {lang}: (not imported)")
            elif i == b:
                out.append(f"- innoref {lang}: identical")
                same[lang] += 1
            else:
                out.append(f"- innoref {lang}: {i}")
                out.append(f"  - differs: {word_diff(b, i)}")
        out.append("")
    shown = [k for k, _ in oracle["en"]]
    head = [f"Entries rendered by biblatex-apa: {len(shown)}; innoref records compared: "
            f"{len([k for k in shown if k in ours['en']])}."]
    head += [f"Identical after `normalise()`: {same[lang]} ({lang})" for lang in ("en", "nb")]
    for lang in ("en", "nb"):
        theirs_order = [k for k, _ in oracle[lang]]
        mine = [k for k in our_order[lang] if k not in HIDDEN]
        head.append(f"Reference-list order ({lang}): " + order_diff(theirs_order, mine))
    out += ["### The same records as innoref exports them (`export -f biblatex`), through biblatex-apa", "",
            "What a test that starts from innoref's records would see: innoref's APA line against "
            "biblatex-apa's rendering of innoref's own biblatex export, where they differ.", ""]
    for lang in ("en", "nb"):
        same_rt = 0
        for key, _ in oracle["en"]:
            b, i = round_trip[lang].get(key), ours[lang][key]
            if b == i:
                same_rt += 1
                continue
            out.append(f"- `{key}` {lang}: biblatex-apa: {b}")
            out.append(f"  - innoref: {i}")
            out.append(f"  - differs: {word_diff(b or '', i)}")
        out.append(f"- identical ({lang}): {same_rt} of {len(oracle['en'])}")
        out.append("")
    shipped_lines, _ = side["shipped"]
    listing = ["### The shipped reading list (`innoref --data data export -f biblatex`) through biblatex-apa", ""]
    shipped_oracle = {lang: dict(render_entries(side["shipped_bib"], lang=lang)) for lang in LANGS}
    for lang in LANGS:
        if lang == "nn" and shipped_oracle["nn"] == shipped_oracle["nb"] and shipped_lines["nn"] == shipped_lines["nb"]:
            listing += ["- nn: the same as nb, in biblatex-apa and in innoref", ""]
            continue
        for key, b in shipped_oracle[lang].items():
            i = shipped_lines[lang][key]
            listing.append(f"- `{key}` {lang}: biblatex-apa: {b}")
            listing.append("  - innoref: identical" if i == b else f"  - innoref: {i}\n  - differs: {word_diff(b, i)}")
        listing.append("")
    print("\n".join(listing + ["### The corpus, entry by entry", ""] + ["- " + h for h in head] + [""] + out))


if __name__ == "__main__":
    main()
