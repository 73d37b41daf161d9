"""Sentence case for English titles imported from BibTeX (APA 9.19): what changes, what stays."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from innoref.formats import render
from innoref.importers import bibtex
from innoref.models import reference


def imported(entry: str) -> dict:
    [candidate] = bibtex.read(entry).candidates
    return candidate.data | {"notes": candidate.warnings}


@pytest.mark.parametrize("title, expected", [
    # APA 9.19: the first word, the first after a colon, and proper nouns keep their capitals.
    ("Language Learning as Language Use: A Cross-Linguistic Model",
     "Language learning as language use: A cross-linguistic model"),
    ("Managing Change in Local Government: Lessons From {Norway}",
     "Managing change in local government: Lessons from Norway"),
    ("Why {Norwegian} Municipalities Adopt {ICT} Quickly", "Why Norwegian municipalities adopt ICT quickly"),
    ("Public Innovation and the {McKinsey} Effect: What {OECD} Countries Learn",
     "Public innovation and the McKinsey effect: What OECD countries learn"),
    # A braced letter keeps its capital, as in BibTeX: {D}emocracy stays Democracy.
    ("{T}rust, {D}emocracy and Local Councils in {S}candinavia", "Trust, Democracy and local councils in Scandinavia"),
    ("Innovation Labs in Municipalities \\& Counties Today", "Innovation labs in municipalities & counties today"),
])
def test_an_english_title_case_title_is_put_in_sentence_case(title, expected):
    data = imported(f"@article{{k, title = {{{title}}}, journal = {{Public Administration Review}}, year = 2020}}")
    assert data["title"] == expected
    assert data["journal"] == "Public Administration Review"  # a periodical's name stays in title case
    assert any("sentence case, as APA writes it (9.19)" in n for n in data["notes"])


@pytest.mark.parametrize("entry", [
    "@book{k, title = {Innovasjon i kommunene: Erfaringer fra Oslo}, year = 2020}",  # already sentence case
    "@book{k, title = {Den Innovativa Kommunen Och Dess Ledare}, langid = {swedish}, year = 2020}",
    "@book{k, title = {Sammen Om En Bedre Kommune}, language = {norsk}, year = 2020}",
    "@book{k, title = {Public Innovation}, year = 2020}",  # too few words to tell title case
    "@book{k, title = {Innovation Labs in the $\\Sigma$ Economy of Cities}, year = 2020}",  # TeX math: left alone
])
def test_other_titles_are_left_as_written(entry):
    data = imported(entry)
    assert not any("sentence case" in n for n in data["notes"])


def test_a_subtitle_and_a_chapters_book_title_too():
    data = imported("@incollection{k, title = {Why Cities Innovate}, subtitle = {Evidence From Local Councils},"
                    " booktitle = {The Handbook of Urban Innovation}, year = 2020, publisher = {Routledge}}")
    assert data["title"] == "Why cities innovate: Evidence from local councils"
    assert data["booktitle"] == "The handbook of urban innovation"


def test_innoref_reads_its_own_export_back_with_every_capital():
    ref = reference(key="k", type="book", title="Managing Change in Local Government", year=2020,
                    publisher="Palgrave", language="en")
    data = imported(render("biblatex", [ref]))
    assert data["title"] == "Managing Change in Local Government"  # its capitals are braced in the export


def test_import_keep_case_keeps_titles_as_written(cli, make_library, tmp_path):
    folder = make_library("")
    bib = tmp_path / "one.bib"
    bib.write_text("@book{eriksen2012, title = {Managing Change in Local Government}, author = {Eriksen, Jon},"
                   " year = 2012, publisher = {Palgrave}}\n")
    kept = cli("import", str(bib), "--keep-case", "--dry-run", data=folder)
    assert kept.exit_code == 0 and "sentence case" not in kept.stdout + kept.stderr
    changed = cli("import", str(bib), data=folder)
    assert "eriksen2012: title: put in sentence case, as APA writes it (9.19)" in changed.stdout
    assert "Managing change in local government" in (folder / "literature.yaml").read_text()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcABC {}\\:-'\"é ")), max_size=40))
def test_sentence_case_never_fails_and_only_changes_case(title):
    from innoref.importers.casing import sentence_case

    out = sentence_case(title, lambda text: text)
    if out is not None:
        assert re.sub(r"[{}\s]", "", out).lower() == re.sub(r"[{}\s]", "", title).lower()
