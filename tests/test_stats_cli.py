"""`innoref stats`: bar charts on a terminal, tab-separated lines in a pipe, JSON; queries and
filters; the counts kept next to the record cache stay true when the library changes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter

from conftest import REPO, load

TERMINAL = {"TTY_COMPATIBLE": "1", "NO_COLOR": "1", "COLUMNS": "100"}


def rows(stdout: str) -> list[list[str]]:
    return [line.split("\t") for line in stdout.splitlines()]


def plain_text(stdout: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", stdout)


def test_plain_lines_in_a_pipe(cli, library):
    result = cli("stats", data=library)
    assert result.exit_code == 0
    lines = rows(result.stdout)
    assert all(len(line) == 3 for line in lines)
    assert lines[0] == ["references", "", "7"]
    assert ["year", "2010", "2"] in lines and ["year", "2005", "0"] in lines
    assert ["theme", "innovasjon", "7"] in lines and ["theme", "kompetanse-rekruttering", "1"] in lines
    assert ["theme", "no theme", "0"] in lines
    assert ["publisher", "Telemarksforsking", "1"] in lines
    assert ["type", "report", "6"] in lines and ["type", "book", "1"] in lines
    assert ["language", "nb", "4"] in lines and ["language", "nn", "2"] in lines and ["language", "sv", "1"] in lines
    assert ["identifier", "isbn", "2"] in lines and ["identifier", "doi", "0"] in lines
    assert ["availability", "print only", "1"] in lines
    assert not [line for line in lines if line[0] == "lacking"]
    assert "\x1b[" not in result.stdout and "█" not in result.stdout


def test_bar_charts_on_a_terminal(cli, library):
    result = cli("stats", data=library, env=TERMINAL)
    assert result.exit_code == 0
    text = plain_text(result.stdout)
    assert text.startswith("7 references, 1999–2013")
    for title in ("References per year", "References per theme", "References per publisher",
                  "References per type", "References per language", "Identifiers and availability"):
        assert title in text
    lines = text.splitlines()
    # The largest count has the longest bar; half of it, half the bar.
    report = next(line for line in lines if line.split()[:2] == ["report", "6"])
    book = next(line for line in lines if line.split()[:2] == ["book", "1"])
    assert report.count("█") > 5 * book.count("█") > 0
    year_2010 = next(line for line in lines if line.split()[:2] == ["2010", "2"])
    year_2009 = next(line for line in lines if line.split()[:2] == ["2009", "1"])
    assert year_2010.count("█") == 2 * year_2009.count("█")
    assert re.search(r"Innovasjon\s+7\s+█", text)
    assert re.search(r"print only\s+1\s+█", text)
    assert "Every record has the fields its APA reference needs." in text
    assert max(len(line) for line in lines) <= 100


def test_json(cli, library):
    result = cli("stats", "--json", data=library)
    data = json.loads(result.stdout)
    assert data["query"] == "" and data["library_references"] == 7 and data["references"] == 7
    assert data["years"]["span"] == 1 and data["years"]["first"] == 1999
    assert {c["label"]: c["count"] for c in data["years"]["counts"]}["2013"] == 2
    assert {t["id"]: t["count"] for t in data["themes"]}["innovasjon"] == 7
    assert data["types"] == [{"type": "report", "count": 6}, {"type": "book", "count": 1}]
    assert data["availability"] == {"with_note": 1, "print_only": 1}
    assert data["lacking"] == []


LACKING = """\
- key: complete2010
  type: report
  title: Complete
  authors: ["Moland, Leif E."]
  year: 2010
  publisher: Fafo
  themes: [innovasjon]
- key: nodate
  type: report
  title: No year
  authors: ["Bråthen, Ketil"]
  publisher: Fafo
- key: article2012
  type: article
  title: An article without its journal
  authors: ["Aarsæther, Nils"]
  year: 2012
- key: web
  type: webpage
  title: A page with no address
  authors: ["{KS}"]
  year: 2014
  availability: print only
"""


def test_records_lacking_apa_fields_by_key(cli, make_library):
    folder = make_library(LACKING)
    lines = rows(cli("stats", data=folder).stdout)
    assert [line for line in lines if line[0] == "lacking"] == [
        ["lacking", "nodate", "year"], ["lacking", "article2012", "journal"], ["lacking", "web", "url"]]
    assert ["year", "no year", "1"] in lines
    text = plain_text(cli("stats", data=folder, env=TERMINAL).stdout)
    assert "Records lacking fields APA needs: 3 (year 1, journal 1, url 1)" in text
    assert re.search(r"nodate\s+│\s+report\s+│\s+year", text)
    data = json.loads(cli("stats", "--json", data=folder).stdout)
    assert data["lacking"][1] == {"key": "article2012", "type": "article", "fields": ["journal"]}
    assert data["lacking_counts"] == {"year": 1, "journal": 1, "url": 1}


def test_query_and_filters_narrow_the_counts(cli, library):
    data = json.loads(cli("stats", "brathen", "--json", data=library).stdout)
    assert data["references"] == 1 and data["library_references"] == 7
    assert {t["id"]: t["count"] for t in data["themes"]}["kompetanse-rekruttering"] == 1
    data = json.loads(cli("stats", "--lang", "nn", "--json", data=library).stdout)
    assert data["references"] == 2 and data["languages"] == [{"language": "nn", "count": 2}]
    data = json.loads(cli("stats", "--year", "..2009", "--type", "report", "--json", data=library).stdout)
    assert data["references"] == 1 and data["availability"]["print_only"] == 1
    text = plain_text(cli("stats", "aarsaether", data=library, env=TERMINAL).stdout)
    assert text.startswith("1 reference matching aarsaether (of 7 in the library), 2011")


def test_nothing_matching_and_empty_library(cli, library, tmp_path):
    result = cli("stats", "nosuchword", data=library, env=TERMINAL)
    assert result.exit_code == 0 and "No references match." in result.stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "literature.yaml").write_text("")
    result = cli("stats", data=empty, env=TERMINAL)
    assert result.exit_code == 0 and "No references in this library." in result.stdout
    assert json.loads(cli("stats", "--json", data=empty).stdout)["references"] == 0


def test_bad_query_and_broken_library(cli, library, make_library):
    result = cli("stats", "year:..", data=library)
    assert result.exit_code == 2 and result.stderr.startswith("error: bad query") and result.stdout == ""
    broken = make_library("- key: a\n  title: [unclosed\n")
    result = cli("stats", data=broken)
    assert result.exit_code == 1 and "literature.yaml:3:1: a: YAML" in result.stderr and result.stdout == ""


def test_counts_follow_the_library_when_it_changes(cli, library):
    assert json.loads(cli("stats", "--json", data=library).stdout)["references"] == 7
    assert json.loads(cli("stats", "--json", data=library).stdout)["references"] == 7  # from the kept columns
    literature = library / "literature.yaml"
    literature.write_text(literature.read_text(encoding="utf-8") + (
        "\n- key: vike2001nye\n  type: report\n  title: Nye tider\n  authors: [\"Vike, Halvard\"]\n"
        "  year: 2001\n  themes: [omdomme]\n"), encoding="utf-8")
    data = json.loads(cli("stats", "--json", data=library).stdout)
    assert data["references"] == 8
    assert {t["id"]: t["count"] for t in data["themes"]}["omdomme"] == 1
    assert data["lacking"] == [{"key": "vike2001nye", "type": "report", "fields": ["publisher"]}]


def test_generated_library_against_counts_from_the_models(cli, tmp_path):
    """A synthetic library (benchmarks/generate.py): five-year spans, the publisher top list,
    and every count equal to one taken directly from the loaded models."""
    folder = tmp_path / "generated"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), "1500", str(folder)],
                   check=True, capture_output=True)
    from innoref.location import locate, shipped_data

    refs = load(str(folder)).references()
    data = json.loads(cli("stats", "--json", data=folder).stdout)
    assert data["references"] == len(refs) == 1500
    years = [r.year for r in refs if r.year is not None]
    assert data["years"]["span"] == 5 and data["years"]["first"] == min(years)
    for span in data["years"]["counts"]:
        assert span["count"] == sum(span["first"] <= y <= span["last"] for y in years)
    assert {c["type"]: c["count"] for c in data["types"]} == Counter(r.type for r in refs)
    assert {c["language"]: c["count"] for c in data["languages"]} == Counter(r.language for r in refs if r.language)
    assert {c["publisher"]: c["count"] for c in data["publishers"]} == Counter(r.publisher for r in refs if r.publisher)
    assert data["identifiers"]["isbn"] == sum(1 for r in refs if r.isbn)
    for theme in data["themes"]:
        assert theme["count"] == sum(theme["id"] in r.themes for r in refs)
    lines = rows(cli("stats", "--top", "3", data=folder).stdout)
    publishers = [line for line in lines if line[0] == "publisher"]
    assert [line[1] for line in publishers[:3]] == [c["publisher"] for c in data["publishers"][:3]]
    others = publishers[3]
    assert others[1] == f"{len(data['publishers']) - 3} others"
    assert int(others[2]) == sum(c["count"] for c in data["publishers"][3:])
    text = plain_text(cli("stats", data=folder, env=TERMINAL).stdout)
    assert "References per five years" in text and "(--top 0 charts all)" in text
