"""The classic BibTeX export: pure ASCII escapes, protected capitals and organisations,
report fields, every field written back, and a round trip through bibtexparser 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from bibread import read
from hard_records import references
from conftest import load
from innoref.location import locate, shipped_data
from innoref.errors import InvalidInput
from innoref.formats import bibtex, render
from innoref.models import reference, validate_reference
from innoref.records import Reference

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def shipped():
    return load(Path(__file__).resolve().parent.parent / "data").references()


def test_shipped_reading_list_matches_golden_file(shipped):
    assert render("bibtex", shipped) == (GOLDEN / "reading-list.bib").read_text(encoding="utf-8")


def test_export_is_pure_ascii(shipped):
    text = render("bibtex", shipped)
    assert text.isascii()
    assert r"Nyg{\r a}rd" in text and r"Aars{\ae}ther" in text and r"Bolkesj{\o}" in text
    assert r"{\O}stlandsforskning" in text


def test_report_is_techreport_with_institution_type_and_number(shipped):
    text = render("bibtex", [r for r in shipped if r.key == "moland2013laeringsnettverk"])
    assert "@techreport{moland2013laeringsnettverk," in text
    assert "  institution = {Fafo}," in text
    assert "  type = {Fafo-rapport}," in text
    assert "  number = {2013:52}," in text


def test_organisation_in_double_braces_and_capitals_protected(shipped):
    text = render("bibtex", [r for r in shipped if r.key == "krd2013nyevegar"])
    assert "  author = {{Kommunal- og regionaldepartementet}}," in text
    assert "  title = {{Nye} vegar til framtidas velferd: {Strategi} for innovasjon i kommunesektoren}," in text


def test_specials_escaped_pages_with_double_dash_and_extra_written_back():
    ref = reference(key="hard", type="article", title="50% of R&D: a_b ~ ^ $5 #1 {x} \\ ok",
                    authors=["Østby, Øystein", "{Smith & Sons}"], journal="J", pages="4-19",
                    extra={"eprint": "arXiv_1"})
    text = render("bibtex", [ref])
    assert (r"title = {50\% of {R\&D:} a\_b \textasciitilde{} \textasciicircum{} \$5 \#1 "
            r"\textbraceleft{}x\textbraceright{} \textbackslash{} ok}") in text
    assert r"author = {{\O}stby, {\O}ystein and {Smith {\&} Sons}}" in text
    assert "pages = {4--19}" in text
    assert r"eprint = {arXiv\_1}" in text


def test_thesis_kind_and_school():
    ref = reference(key="t", type="thesis", title="T", authors=["Harris, L."], year=2014,
                    publisher="University of Virginia", genre="Unpublished doctoral dissertation")
    text = render("bibtex", [ref])
    assert "@phdthesis{t," in text and "school = {University of Virginia}" in text
    assert "type = {Unpublished doctoral dissertation}" in text
    master = ref.replace(**{"genre": "Masteroppgave"})
    assert "@mastersthesis{t," in render("bibtex", [master])


def test_character_without_latex_spelling_is_an_error_naming_record_and_field():
    ref = reference(key="cjk", title="漢字")
    with pytest.raises(InvalidInput, match=r"cjk: title: '漢' .*biblatex"):
        render("bibtex", [ref])


def test_shipped_reading_list_round_trips(shipped):
    assert [r.to_data() for r in read(render("bibtex", shipped), bibtex)] == [r.to_data() for r in shipped]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(references())
def test_round_trip_through_bibtexparser(ref):
    back = read(render("bibtex", [ref]), bibtex)
    assert [r.to_data() for r in back] == [ref.to_data()]
