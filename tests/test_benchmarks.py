"""The benchmark runs end to end on a small library and writes its report."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO, load


def test_benchmark_runs_for_100_records(tmp_path):
    out = tmp_path / "RESULTS.md"
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--records", "100", "--runs", "2",
         "--out", str(out), "--work", str(tmp_path / "work"), "--corpus", str(tmp_path / "corpus")],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "cores" in text and "Python 3." in text and "(UTC)" in text
    assert "100 records" in text and "median of 2 runs" in text
    rows = [line for line in text.splitlines() if line.startswith("| `") or line.startswith("| first")
            or line.startswith("| very")]
    sys.path.insert(0, str(REPO / "benchmarks"))
    import run

    assert len(rows) == len(run.CASES)  # every case, whichever issue added it
    for row in rows:
        median = row.split("|")[3].strip()
        assert median.endswith(" s") and float(median[:-2]) > 0
    # The library it measured is a valid innoref library of 100 records.
    lit = (tmp_path / "corpus" / "100" / "literature.yaml").read_text(encoding="utf-8")
    assert lit.count("\n- key: ") == 100
    # The edit case really edited the copy it searched.
    assert "(revisjon " in (tmp_path / "work" / "edited" / "literature.yaml").read_text(encoding="utf-8")


def test_generated_library_is_valid_and_looks_real(tmp_path, cli):
    sys.path.insert(0, str(REPO / "benchmarks"))
    import generate

    folder = generate.generate(300, tmp_path / "lib")
    result = cli("check", data=folder)
    assert result.exit_code == 0, result.stdout
    from innoref.location import locate, shipped_data

    refs = load(folder).references()
    families = {p.family for r in refs for p in r.authors if p.family}
    assert any(ch in name for name in families for ch in "æøå")
    assert {len(r.authors) for r in refs if not r.authors[0].is_organisation} == {1, 2, 3, 4, 5, 6}
    numbers = [r.number for r in refs if r.series]
    assert any(re.fullmatch(r"\d{4}:\d+", n) for n in numbers)  # 2013:52
    assert any(re.fullmatch(r"\d+/\d{4}", n) for n in numbers)  # 11/2010
    lengths = [len(r.abstract.split()) for r in refs]
    assert 50 <= sum(lengths) / len(lengths) <= 70
    assert all(r.themes for r in refs)
    # Same seed, same bytes: figures can be compared between runs.
    again = generate.generate(300, tmp_path / "again")
    assert (again / "literature.yaml").read_bytes() == (folder / "literature.yaml").read_bytes()
