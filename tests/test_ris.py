"""RIS export: parsed by rispy, tags and values as written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rispy

from conftest import load
from innoref.formats import render

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def refs(tmp_path_factory):
    out = []
    for source in (HERE.parent / "data" / "literature.yaml", HERE / "golden" / "apa-edge.yaml"):
        folder = tmp_path_factory.mktemp("lib")
        shutil.copy(source, folder / "literature.yaml")
        out += load(folder).references()
    return out


def test_rispy_reads_every_record(refs):
    entries = rispy.loads(render("ris", refs))
    assert [e["id"] for e in entries] == [r.key for r in refs]
    by_id = {e["id"]: e for e in entries}
    moland = by_id["moland2013laeringsnettverk"]
    assert moland["type_of_reference"] == "RPRT"
    assert moland["authors"] == ["Moland, Leif E.", "Lien, Lise", "Nygård, Lars", "Hofstad, Tormod"]
    # Zotero's mapping of a report: M3 its type (the series), SN its number (rispy calls SN "issn").
    assert moland["type_of_work"] == "Fafo-rapport" and moland["issn"] == "2013:52"
    assert moland["publisher"] == "Fafo" and moland["year"] == "2013"
    grady = by_id["grady2019emotions"]
    assert grady["type_of_reference"] == "JOUR" and grady["secondary_title"] == "Psychology of Popular Media Culture"
    assert (grady["start_page"], grady["end_page"], grady["doi"]) == ("207", "217", "10.1037/ppm0000185")
    stacks = by_id["stacks2019integrated"]  # an edited book: a BOOK with its editors in A3, as Zotero writes it
    assert stacks["type_of_reference"] == "BOOK" and stacks["tertiary_authors"]
    assert by_id["census-popclock"]["access_date"] == "2019/07/03/"
    assert by_id["king2016suffix"]["authors"] == ["King, Martin Luther, Jr."]


def test_shipped_golden_file(refs):
    shipped = [r for r in refs if r.key in {"moland2013laeringsnettverk", "krd2013nyevegar"}]
    assert render("ris", shipped) == (
        "TY  - RPRT\nID  - moland2013laeringsnettverk\nAU  - Moland, Leif E.\nAU  - Lien, Lise\n"
        "AU  - Nygård, Lars\nAU  - Hofstad, Tormod\nTI  - Læringsnettverk og innovasjon i kommunene\n"
        "PY  - 2013\nPB  - Fafo\nM3  - Fafo-rapport\nSN  - 2013:52\nLA  - nb\n"
        "N1  - Fafo publication id 20342 on fafo.no.\nN1  - innoref: {\"themes\": [\"innovasjon\"]}\nER  - \n\n"
        "TY  - RPRT\nID  - krd2013nyevegar\nAU  - Kommunal- og regionaldepartementet,\n"
        "TI  - Nye vegar til framtidas velferd: Strategi for innovasjon i kommunesektoren\nPY  - 2013\n"
        "DA  - 2013/04/06/\nPB  - Kommunal- og regionaldepartementet\nLA  - nn\n"
        "N1  - Presented 6 April 2013 with the municipal proposition for 2014 (Prop. 146 S (2012–2013)).\n"
        "N1  - innoref: {\"themes\": [\"innovasjon\"]}\nER  - \n"
    )
