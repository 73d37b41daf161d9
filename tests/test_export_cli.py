"""`innoref export`: formats, queries and filters, --output written atomically, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"


def test_apa_of_the_reading_list(cli, library):
    result = cli("export", "--format", "apa", data=library)
    assert result.exit_code == 0
    assert result.stdout == (GOLDEN / "apa-reading-list-en.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["nb", "nn"])
@pytest.mark.parametrize("markup,ext", [("markdown", "md"), ("html", "html")])
def test_apa_languages_and_markups(cli, library, lang, markup, ext):
    result = cli("export", "-f", "apa", "--lang", lang, "--markup", markup, data=library)
    assert result.exit_code == 0
    assert result.stdout == (GOLDEN / f"apa-reading-list-{lang}.{ext}").read_text(encoding="utf-8")


def test_bibtex_and_biblatex(cli, library):
    assert cli("export", "-f", "bibtex", data=library).stdout == (GOLDEN / "reading-list.bib").read_text()
    assert cli("export", "-f", "biblatex", data=library).stdout == \
        (GOLDEN / "reading-list-biblatex.bib").read_text(encoding="utf-8")


def test_json_and_csl_json(cli, library):
    records = json.loads(cli("export", "-f", "json", data=library).stdout)
    assert len(records) == 7 and records[0]["key"] == "moland2013laeringsnettverk"
    items = json.loads(cli("export", "-f", "csl-json", data=library).stdout)
    assert [i["id"] for i in items] == [r["key"] for r in records]


def test_query_and_filters_select(cli, library):
    result = cli("export", "author:moland", "-f", "ris", data=library)
    assert result.exit_code == 0
    assert [l for l in result.stdout.splitlines() if l.startswith("ID")] == [
        "ID  - moland2013laeringsnettverk", "ID  - moland2010strategisk"]
    result = cli("export", "-f", "apa", "--author", "moland", "--year", "2013", data=library)
    assert result.stdout.startswith("Moland, L. E., Lien, L.") and result.stdout.count("\n") == 1


def test_output_file_written_whole(cli, library, tmp_path):
    target = tmp_path / "out" / "refs.bib"
    result = cli("export", "-f", "bibtex", "--output", str(target), data=library)
    assert result.exit_code == 0 and result.stdout == ""
    assert "wrote 7 references to" in result.stderr
    assert target.read_text() == (GOLDEN / "reading-list.bib").read_text()
    assert [p.name for p in target.parent.iterdir()] == ["refs.bib"]  # no temporary file left


def test_unknown_format_is_a_usage_error(cli, library, tmp_path):
    target = tmp_path / "x.bib"
    result = cli("export", "-f", "bibtext", "-o", str(target), data=library)
    assert result.exit_code == 2
    assert result.stderr == ("error: unknown format 'bibtext' (did you mean bibtex?); "
                             "choose one of apa, biblatex, bibtex, csl-json, docx, json, ris\n")
    assert not target.exists()


def test_missing_format_is_a_usage_error(cli, library):
    result = cli("export", data=library)
    assert result.exit_code == 2 and "--format" in result.stderr


def test_lang_only_for_apa(cli, library):
    result = cli("export", "-f", "bibtex", "--lang", "nb", data=library)
    assert result.exit_code == 2
    assert result.stderr == "error: --lang applies to --format apa or docx, not bibtex\n"
    result = cli("export", "-f", "apa", "--lang", "de", data=library)
    assert result.exit_code == 2 and "unknown language 'de'; choose one of en, nb, nn" in result.stderr


def test_nothing_matches_writes_nothing(cli, library, tmp_path):
    target = tmp_path / "x.ris"
    target.write_text("old")
    result = cli("export", "zzzz", "-f", "ris", "-o", str(target), data=library)
    assert result.exit_code == 1
    assert result.stderr == "error: no references match 'zzzz'; nothing exported\n"
    assert target.read_text() == "old"


def test_unwritable_record_writes_nothing(cli, make_library, tmp_path):
    folder = make_library("""\
        - key: cjk
          title: 漢字
        """)
    target = tmp_path / "x.bib"
    result = cli("export", "-f", "bibtex", "-o", str(target), data=folder)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cjk: title: '漢' (U+6F22")
    assert not target.exists()
    assert cli("export", "-f", "biblatex", data=folder).exit_code == 0


def test_bad_query_is_a_usage_error(cli, library):
    result = cli("export", "-f", "apa", "--year", "2013..2010", data=library)
    assert result.exit_code == 2 and result.stderr.startswith("error: bad query")


IMPORTED = """\
@inproceedings{conf, author = {Berg, Jan}, title = {Innovasjon i praksis}, booktitle = {Kommunekonferansen},
  publisher = {Fafo}, year = 2012}
@collection{coll, editor = {Berg, Jan}, title = {Samlet}, publisher = {Fafo}, year = 2013}
@manual{man, author = {Berg, Jan}, title = {Veileder}, organization = {KS}, year = 2014}
@incollection{kap, author = {Berg, Jan}, title = {Kapittel}, booktitle = {Boka}, publisher = {Fafo}, year = 2015}
"""


def entry_types(bib: str) -> dict[str, str]:
    import re

    return {key: kind for kind, key in re.findall(r"^@(\w+)\{([^,]+),", bib, re.M)}


def test_imported_entry_types_come_back_on_export(cli, tmp_path):
    data = tmp_path / "lib"
    source = tmp_path / "in.bib"
    source.write_text(IMPORTED, encoding="utf-8")
    assert cli("import", source, data=data).exit_code == 0
    classic = entry_types(cli("export", "--format", "bibtex", data=data).stdout)
    biblatex = entry_types(cli("export", "--format", "biblatex", data=data).stdout)
    # An @inproceedings stays one; an @manual's organization is a report's
    # institution here, so it is written as the report it was read as.
    assert classic == {"conf": "inproceedings", "coll": "book", "man": "techreport", "kap": "incollection"}
    assert biblatex == {"conf": "inproceedings", "coll": "collection", "man": "report", "kap": "incollection"}


def test_a_changed_type_wins_over_the_imported_one(cli, tmp_path):
    data = tmp_path / "lib"
    source = tmp_path / "in.bib"
    source.write_text(IMPORTED, encoding="utf-8")
    cli("import", source, data=data)
    result = cli("edit", "conf", "--set", "type=report", "--unset", "booktitle", data=data)
    assert result.exit_code == 0, result.stderr
    assert entry_types(cli("export", "--format", "bibtex", data=data).stdout)["conf"] == "techreport"
