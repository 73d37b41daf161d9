"""CSL-JSON export: item shape, and rendering by citeproc-py (a real CSL processor)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

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


def test_items(refs):
    items = {i["id"]: i for i in json.loads(render("csl-json", refs))}
    assert len(items) == len(refs)
    moland = items["moland2013laeringsnettverk"]
    # A report's series is its genre (Zotero's report type), which CSL's APA prints with the number.
    assert moland["type"] == "report" and moland["genre"] == "Fafo-rapport" and "collection-title" not in moland
    assert moland["number"] == "2013:52" and moland["issued"] == {"date-parts": [[2013]]}
    assert moland["author"][0] == {"family": "Moland", "given": "Leif E."}
    assert items["krd2013nyevegar"]["author"] == [{"literal": "Kommunal- og regionaldepartementet"}]
    assert items["krd2013nyevegar"]["issued"] == {"date-parts": [[2013, 4, 6]]}
    assert items["berg2015particle"]["author"][0] == {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"}
    assert items["king2016suffix"]["author"][0]["suffix"] == "Jr."
    assert items["grady2019emotions"]["type"] == "article-journal"
    assert items["grady2019emotions"]["page"] == "207-217" and items["grady2019emotions"]["DOI"] == "10.1037/ppm0000185"
    assert items["census-popclock"]["accessed"] == {"date-parts": [[2019, 7, 3]]}


def test_rendered_by_citeproc_py_without_errors(refs):
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    source = CiteProcJSON(json.loads(render("csl-json", refs)))
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)  # the style citeproc-py ships
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for ref in refs:
        bibliography.register(Citation([CitationItem(ref.key)]))
    entries = [str(e) for e in bibliography.bibliography()]
    assert len(entries) == len(refs)
    text = "\n".join(entries)
    for ref in refs:  # this style shortens 4+ authors to "et al.": the first author is always there
        if ref.authors:
            assert (ref.authors[0].name or ref.authors[0].family) in text
    assert "Læringsnettverk og innovasjon i kommunene" in text
