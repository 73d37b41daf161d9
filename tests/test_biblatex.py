"""The biblatex export: biblatex types and fields, UTF-8 kept, specials escaped,
every field written back, and a round trip through bibtexparser 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from bibread import read
from hard_records import references
from conftest import load
from innoref.location import locate, shipped_data
from innoref.formats import biblatex, render
from innoref.models import reference, validate_reference
from innoref.records import Reference

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def shipped():
    return load(Path(__file__).resolve().parent.parent / "data").references()


def test_shipped_reading_list_matches_golden_file(shipped):
    assert render("biblatex", shipped) == (GOLDEN / "reading-list-biblatex.bib").read_text(encoding="utf-8")


def test_report_fields_for_biblatex_apa(shipped):
    # biblatex-apa prints a report's type before its number: "(Fafo-rapport 2013:52)";
    # the number stays bare (domain.md: "nr." in the number prints as "Nr. nr. 57").
    text = render("biblatex", [r for r in shipped if r.key == "moland2013laeringsnettverk"])
    assert "@report{moland2013laeringsnettverk," in text
    for line in ("  author = {Moland, Leif E. and Lien, Lise and Nygård, Lars and Hofstad, Tormod},",
                 "  title = {{Læringsnettverk} og innovasjon i kommunene},",
                 "  date = {2013},", "  langid = {norsk},", "  institution = {Fafo},",
                 "  type = {Fafo-rapport},", "  number = {2013:52},"):
        assert line in text


def test_online_with_urldate_and_full_date():
    ref = reference(key="budget", type="webpage", title="Tuscan white bean pasta", date="2018-02-25",
                    publisher="Budget Bytes", url="https://www.budgetbytes.com/tuscan-white-bean-pasta/",
                    accessed="2024-03-05", language="en")
    text = render("biblatex", [ref])
    assert text.splitlines()[2] == "@online{budget,"
    assert "  date = {2018-02-25}," in text and "  urldate = {2024-03-05}," in text
    assert "  organization = {Budget Bytes}," in text and "  langid = {english}," in text
    assert "  url = {https://www.budgetbytes.com/tuscan-white-bean-pasta/}," in text


def test_utf8_kept_specials_escaped_extra_written_back():
    ref = reference(key="x", type="article", title="Æ & ø: 50% {a}", journal="Tidsskrift for Æ",
                    authors=["{Kommunal- og regionaldepartementet}", "Aarsæther, Nils"], issue="2",
                    extra={"eprint": "arXiv_1", "eventtitle": "Kurs_1"})
    text = render("biblatex", [ref])
    assert r"title = {{Æ} \& ø: 50\% \textbraceleft{}a\textbraceright{}}," in text
    assert "author = {{Kommunal- og regionaldepartementet} and Aarsæther, Nils}," in text
    assert "journaltitle = {Tidsskrift for Æ}," in text and "number = {2}," in text
    # An extra field is LaTeX, but one that biber reads verbatim (eprint) is written as it is.
    assert r"eventtitle = {Kurs\_1}," in text and "eprint = {arXiv_1}," in text


def test_shipped_reading_list_round_trips(shipped):
    assert [r.to_data() for r in read(render("biblatex", shipped), biblatex)] == [r.to_data() for r in shipped]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(references())
def test_round_trip_through_bibtexparser(ref):
    back = read(render("biblatex", [ref]), biblatex)
    assert [r.to_data() for r in back] == [ref.to_data()]
