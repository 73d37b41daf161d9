"""innoref reads its own exports back whole: every record of every kind, with the hardest
values hypothesis finds (TeX specials, particles, roles, date ranges, public documents),
written as biblatex, CSL-JSON or RIS and imported again, is the record it was."""

from __future__ import annotations

import importlib

import pytest
from hypothesis import HealthCheck, given, settings

from hard_records import references
from innoref.documents import recognise
from innoref.editing import validate
from innoref.formats import render
from innoref.formats.apa import page_range

# export format -> the module of innoref's importer that reads it
FORMATS = {
    "biblatex": "bibtex",
    "csl-json": "csl_json",
    "ris": "ris",
}


def read_back(fmt: str, ref):
    batch = importlib.import_module(f"innoref.importers.{FORMATS[fmt]}").read(render(fmt, [ref]))
    assert not batch.skipped, (batch.skipped, render(fmt, [ref]))
    [candidate] = batch.candidates
    back, errors = validate({"key": ref.key, **recognise(candidate.data)})  # as import does
    assert not errors, (errors, candidate.data)
    return back


def expected(fmt: str, ref) -> dict:
    """The record as the format can hold it: biber reads eprint, file and the like verbatim and
    counts their braces, so a brace or backslash there is written %-encoded, as in a URL."""
    data = comparable(ref)
    if fmt != "biblatex" and "pages" in data:  # pages are written as a range of numbers, 4-19
        data["pages"] = page_range(data["pages"])
    if fmt == "ris" and "pages" in data:  # SP and EP: "5–5" is page 5
        first, _, last = data["pages"].partition("\u2013")
        data["pages"] = first if first == last else data["pages"]
    if fmt == "ris":
        # RIS writes a name "Family, Given": one with no given name (or suffix) is one name, as
        # Zotero writes an organisation, and its particle is part of it.
        for people in ("authors", "editors", "translators"):
            for person in data.get(people, []):
                if "family" in person and not ({"given", "suffix"} & person.keys()):
                    family = " ".join(filter(None, (person.pop("particle", None), person.pop("family"))))
                    person["name"] = family
    if fmt == "biblatex":
        from innoref.formats._bib import VERBATIM

        for name, value in data.get("extra", {}).items():
            if name.lower() in VERBATIM and isinstance(value, str):
                data["extra"][name] = value.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")
    return data


def comparable(ref) -> dict:
    data = ref.to_data()
    data.get("extra", {}).pop("entrytype", None)
    if not data.get("extra"):
        data.pop("extra", None)
    return data


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ref=references())
def test_innoref_reads_its_own_export_back_whole(fmt, ref):
    assert comparable(read_back(fmt, ref)) == expected(fmt, ref), render(fmt, [ref])


def test_what_innoref_keeps_beside_the_fields_is_told_apart_from_look_alikes():
    """A note that starts as innoref's own RIS note does, or as a field line of CSL's note; roles
    with LaTeX specials; a web page's genre in classic BibTeX; each comes back as it was."""
    from innoref.models import reference

    ep = reference(key="ep", type="tvepisode", title="Ep one", year=2019, authors=["Berg, Ola (Director)"],
                   booktitle="Series", note='innoref: {"type": "film"} and more')
    assert comparable(read_back("ris", ep)) == comparable(ep)
    assert comparable(read_back("csl-json", ep)) == comparable(ep)
    video = reference(key="v", type="video", title="V", year=2020, publisher="YouTube",
                      authors=["Nord, Kari (Writer & Director)", "Berg, Ola [Kommunekanalen Øst]"])
    assert comparable(read_back("biblatex", video)) == comparable(video)
    preprint = reference(key="p", type="preprint", title="A test", year=2019, authors=["Berg, Ola"],
                         genre="Working paper", publisher="SocArXiv")
    for fmt in ("bibtex", "biblatex"):
        batch = importlib.import_module("innoref.importers.bibtex").read(render(fmt, [preprint]))
        assert batch.candidates[0].data["genre"] == "Working paper", fmt
    note = reference(key="n", type="report", title="T", note="First paragraph.\n\nSecond: a line that reads as one")
    assert comparable(read_back("csl-json", note)) == comparable(note)
