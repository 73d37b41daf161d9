"""Norwegian public documents: every row of shared/domain.md's table in Norwegian and English,
their citations with places, bad input, search, keys and duplicates, and the exports that
bibtex (apacite), biber (biblatex-apa), pandoc and innoref's own importer read back whole."""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import load, require_tool
from innoref.formats import Options, apa, render
from innoref.models import reference

# The domain.md table's examples, as a person enters what is printed on each document.
URL = "https://www.regjeringen.no/no/dokumenter/nou-2016-16/id2516781/"
LIBRARY = """\
- key: nou2016-16
  type: nou
  title: "Ny barnevernslov: Sikring av barnets rett til omsorg og beskyttelse"
  number: "2016:16"
  publisher: Barne- og likestillingsdepartementet
  url: https://www.regjeringen.no/no/dokumenter/nou-2016-16/id2516781/
  language: nb
- key: meldst20-2009-2010
  type: meld
  title: Omorganisering av ABM-utvikling
  number: Meld.St.20
  session: 2009-10
  publisher: Kulturdepartementet
  language: nb
- key: stmeld8-1998-1999
  type: meld
  title: "Om handlingsplan for funksjonshemma 1998–2001: Deltaking og likestilling"
  number: "St.meld. nr. 8"
  session: 1998-99
  publisher: Sosial- og helsedepartementet
- key: prop65l-2019-2020
  type: prop
  title: Lov om e-helse (e-helseloven)
  number: 65L
  session: 2019/2020
  publisher: Helse- og omsorgsdepartementet
- key: innst49s-2016-2017
  type: innst
  title: Innstilling fra arbeids- og sosialkomiteen om Nav i en ny tid – for arbeid og aktivitet
  number: 49 S
  session: "2016–2017"
  publisher: Arbeids- og sosialkomiteen
- key: folketrygdloven1997
  type: lov
  short_title: Folketrygdloven
  title: Lov om folketrygd
  number: lov-1997-02-28-19
  url: https://lovdata.no/lov/1997-02-28-19
- key: forskrift2017-04-24-487
  type: forskrift
  title: Forskrift om rammeplan for barnehagens innhold og oppgaver
  number: FOR-2017-04-24-487
"""

# domain.md, "Norwegian public documents in Norwegian APA 7" (italics as *...*; URL where it says URL).
NB = {
    "nou2016-16": f"NOU 2016: 16. (2016). *Ny barnevernslov: Sikring av barnets rett til omsorg og beskyttelse*. "
                  f"Barne- og likestillingsdepartementet. <{URL}>",
    "meldst20-2009-2010": "Meld. St. 20 (2009–2010). *Omorganisering av ABM-utvikling*. Kulturdepartementet.",
    "stmeld8-1998-1999": "St.meld. nr. 8 (1998–99). *Om handlingsplan for funksjonshemma 1998–2001: Deltaking og "
                         "likestilling*. Sosial- og helsedepartementet.",
    "prop65l-2019-2020": "Prop. 65 L (2019–2020). *Lov om e-helse (e-helseloven)*. Helse- og omsorgsdepartementet.",
    "innst49s-2016-2017": "Innst. 49 S (2016–2017). *Innstilling fra arbeids- og sosialkomiteen om Nav i en ny tid – "
                          "for arbeid og aktivitet*. Arbeids- og sosialkomiteen.",
    "folketrygdloven1997": "Folketrygdloven. (1997). *Lov om folketrygd* (LOV-1997-02-28-19). Lovdata. "
                           "<https://lovdata.no/lov/1997-02-28-19>",
    "forskrift2017-04-24-487": "Forskrift om rammeplan for barnehagens innhold og oppgaver. (2017). *Forskrift om "
                               "rammeplan for barnehagens innhold og oppgaver* (FOR-2017-04-24-487). Lovdata.",
}
CITED = [  # key, place, parenthetical nb, narrative nb, parenthetical en
    ("nou2016-16", "10", "(NOU 2016: 16, s. 10)", "NOU 2016: 16 (s. 10)", "(NOU 2016: 16, p. 10)"),
    ("meldst20-2009-2010", "49", "(Meld. St. 20 (2009–2010), s. 49)", "Meld. St. 20 (2009–2010, s. 49)",
     "(Meld. St. 20 (2009–2010), p. 49)"),
    ("prop65l-2019-2020", "15", "(Prop. 65 L (2019–2020), s. 15)", "Prop. 65 L (2019–2020, s. 15)",
     "(Prop. 65 L (2019–2020), p. 15)"),
    ("innst49s-2016-2017", None, "(Innst. 49 S (2016–2017))", "Innst. 49 S (2016–2017)", "(Innst. 49 S (2016–2017))"),
    ("folketrygdloven1997", "§14-4", "(Folketrygdloven, 1997, § 14-4)", "folketrygdloven (1997, § 14-4)",
     "(Folketrygdloven, 1997, § 14-4)"),
    ("forskrift2017-04-24-487", None, "(Forskrift om rammeplan for barnehagens innhold og oppgaver, 2017)",
     "forskrift om rammeplan for barnehagens innhold og oppgaver (2017)",
     "(Forskrift om rammeplan for barnehagens innhold og oppgaver, 2017)"),
]


@pytest.fixture
def docs(make_library):
    return make_library(LIBRARY)


def refs_by_key(folder):
    return {r.key: r for r in load(folder).references()}


def test_every_row_of_the_table_in_norwegian_and_in_english(docs):
    refs = load(docs).references()
    by_key = {r.key: r for r in refs}
    for key, line in NB.items():
        assert apa.reference_line(by_key[key], lang="nb", markup="markdown") == line, key
        assert apa.reference_line(by_key[key], lang="nn", markup="markdown") == line, key
        # In English the same elements stand: the designation, the ministry, Lovdata.
        assert apa.reference_line(by_key[key], lang="en", markup="markdown") == line, key
    # They sort by their first element, as any other entry does (æ ø å after z in Norwegian).
    listed = render("apa", refs, Options(lang="nb")).splitlines()
    assert [line.split(".")[0] for line in listed] == [
        "Folketrygdloven", "Forskrift om rammeplan for barnehagens innhold og oppgaver", "Innst", "Meld", "NOU 2016: 16",
        "Prop", "St"]


def test_the_designation_is_in_italics_nowhere_and_the_title_in_html(docs):
    ref = refs_by_key(docs)["prop65l-2019-2020"]
    assert apa.reference_line(ref, lang="nb", markup="html") == (
        "Prop. 65 L (2019–2020). <i>Lov om e-helse (e-helseloven)</i>. Helse- og omsorgsdepartementet.")


@pytest.mark.parametrize("key, place, nb, narrative, en", CITED)
def test_citations_with_places(cli, docs, key, place, nb, narrative, en):
    typed = f"{key},{place}" if place else key
    assert cli("cite", typed, "--lang", "nb", data=docs).stdout.strip() == nb
    assert cli("cite", typed, "--lang", "nb", "--narrative", data=docs).stdout.strip() == narrative
    assert cli("cite", typed, data=docs).stdout.strip() == en


def test_grunnloven_keeps_its_capital_in_running_text(cli, make_library):
    folder = make_library("""\
        - key: grunnloven1814
          type: lov
          short_title: Grunnloven
          title: Kongeriket Noregs grunnlov
          number: LOV-1814-05-17
          year: 1814
        """.replace("LOV-1814-05-17", "LOV-1814-05-17-0"))
    assert cli("cite", "--narrative", "grunnloven1814,§100", "--lang", "nb", data=folder).stdout.strip() == \
        "Grunnloven (1814, § 100)"


def test_places_for_any_kind_of_work(cli, library):
    cases = [("moland2013laeringsnettverk,12", "en", "(Moland et al., 2013, p. 12)"),
             ("moland2013laeringsnettverk,12-14", "en", "(Moland et al., 2013, pp. 12–14)"),
             ("moland2013laeringsnettverk,12-14", "nb", "(Moland et al., 2013, s. 12–14)"),
             ("moland2013laeringsnettverk,ch4", "en", "(Moland et al., 2013, Chapter 4)"),
             ("moland2013laeringsnettverk,kap4", "nb", "(Moland et al., 2013, kap. 4)"),
             ("moland2013laeringsnettverk,para3", "en", "(Moland et al., 2013, para. 3)"),
             ("moland2013laeringsnettverk,avsn3", "nn", "(Moland et al., 2013, avsn. 3)")]
    for typed, lang, expected in cases:
        done = cli("cite", typed, "--lang", lang, data=library)
        assert done.stdout.strip() == expected, typed
    both = cli("cite", "moland2013laeringsnettverk,12", "teigen2010kommunesektorens", "--narrative", data=library)
    assert both.stdout.strip() == "Moland et al. (2013, p. 12) and Teigen et al. (2010)"
    bad = cli("cite", "moland2013laeringsnettverk,side", data=library)
    assert bad.exit_code == 2 and "'side' is not a place in a work" in bad.stderr


@pytest.mark.parametrize("options, message", [
    (["--type", "nou", "--title", "X"], "missing required field: --number"),
    (["--type", "nou", "--title", "X", "--number", "16"], "number: '16' is not an NOU number"),
    (["--type", "lov", "--title", "Lov om X", "--number", "LOV-1997-02-30-19", "--short-title", "X-loven"],
     "number: 'LOV-1997-02-30-19' holds the date 1997-02-30, which does not exist"),
    (["--type", "meld", "--title", "X", "--number", "20", "--session", "2012-2014"],
     "session: '2012-2014' is not a session of the Storting: the second year must follow the first (2012–2013)"),
    (["--type", "prop", "--title", "X", "--number", "65 X", "--session", "2019-2020"],
     "number: '65 X' is not the number of a proposition"),
    (["--type", "nou", "--title", "X", "--number", "2016:16", "--year", "2015"],
     "year: 2015 is not the year of its NOU 2016: 16 (2016)"),
    (["--type", "innst", "--title", "X", "--number", "12 S", "--session", "2004-2005"],
     "session: recommendations (Innst.) are covered from the session 2009–2010 on"),
    (["--type", "report", "--title", "X", "--author", "Berg, Jan", "--year", "2020", "--session", "2019-2020"],
     "session: only a white paper, a proposition or a recommendation has a session, not a report"),
])
def test_bad_input_names_the_field_and_writes_nothing(cli, library, options, message):
    before = (library / "literature.yaml").read_bytes()
    done = cli("add", "--no-input", *options, data=library)
    assert done.exit_code == 1 and message in done.stderr, done.stderr
    assert (library / "literature.yaml").read_bytes() == before


def test_a_broken_designation_in_the_file_is_placed_at_its_field(cli, make_library):
    folder = make_library(LIBRARY.replace('number: "2016:16"', 'number: "2016 16"'))
    done = cli("check", data=folder)
    assert done.exit_code == 1
    assert "literature.yaml:4:11: nou2016-16: number: '2016 16' is not an NOU number" in done.stdout


def test_typed_loosely_written_canonically(docs):
    text = (docs / "literature.yaml").read_text(encoding="utf-8")  # the file as typed stays as typed
    assert "number: Meld.St.20" in text
    refs = refs_by_key(docs)
    assert refs["nou2016-16"].number == "2016: 16" and refs["nou2016-16"].year == 2016
    assert (refs["meldst20-2009-2010"].number, refs["meldst20-2009-2010"].session) == ("20", "2009–2010")
    assert (refs["stmeld8-1998-1999"].number, refs["stmeld8-1998-1999"].session) == ("8", "1998–1999")
    assert refs["prop65l-2019-2020"].number == "65 L"
    assert refs["folketrygdloven1997"].number == "LOV-1997-02-28-19" and refs["folketrygdloven1997"].year == 1997


def test_add_writes_the_canonical_form_and_makes_a_key_from_the_designation(cli, library):
    done = cli("add", "--no-input", "--type", "nou", "--title", "Ny barnevernslov", "--number", "NOU 2016:16",
               "--publisher", "Barne- og likestillingsdepartementet", data=library)
    assert done.exit_code == 0, done.stderr
    assert done.stdout.splitlines()[0] == "nou2016-16"
    assert '  number: "2016: 16"\n' in done.stdout and "  year: 2016\n" in done.stdout
    again = cli("add", "--no-input", "--type", "nou", "--title", "Ny barnevernslov (høringsutgave)",
                "--number", "2016: 16", data=library)
    assert again.exit_code == 1
    assert "a duplicate of 'nou2016-16' (the same document, NOU 2016: 16)" in again.stderr
    law = cli("add", "--no-input", "--type", "lov", "--title", "Lov om kommuner og fylkeskommuner (kommuneloven)",
              "--short-title", "Kommuneloven", "--number", "LOV-2018-06-22-83", data=library)
    assert law.stdout.splitlines()[0] == "kommuneloven2018"


def test_search_list_show_and_type_know_them(cli, docs):
    for query in ("nou 2016:16", '"NOU 2016: 16"', "author:nou", "type:nou", "barnevernslov"):
        found = cli("search", query, data=docs)
        assert found.exit_code == 0 and found.stdout.split("\t")[1] == "nou2016-16", query
    assert cli("list", "type:lov", data=docs).stdout.startswith("folketrygdloven1997\tFolketrygdloven\t1997\t")
    assert cli("list", "--type", "meld", data=docs).stdout.count("\n") == 2
    rows = {line.split("\t")[0]: line.split("\t") for line in cli("list", data=docs).stdout.splitlines()}
    assert rows["meldst20-2009-2010"][1:3] == ["Meld. St. 20 (2009–2010)", "2009–2010"]
    assert rows["folketrygdloven1997"][4] == "Lovdata (LOV-1997-02-28-19)"
    # A white paper with no year of its own counts under the first year of its session.
    assert "meldst20-2009-2010" in cli("list", "year:2009", data=docs).stdout
    shown = cli("show", "stmeld8-1998-1999", data=docs).stdout
    assert "session" in shown and "1998–1999" in shown and "St.meld. nr. 8 (1998–99)." in shown


def test_stats_does_not_count_a_designation_as_a_missing_author(cli, docs):
    lacking = [line for line in cli("stats", data=docs).stdout.splitlines() if line.startswith("lacking")]
    assert lacking == [], lacking


def test_the_page_lists_them_by_their_apa_lines(cli, docs, tmp_path):
    out = tmp_path / "lista.html"
    assert cli("page", "-o", str(out), data=docs).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "Meld. St. 20 (2009–2010). <i>Omorganisering av ABM-utvikling</i>. Kulturdepartementet." in html


# --------------------------------------------------------------------------- interchange


@pytest.mark.parametrize("fmt, suffix", [("bibtex", ".bib"), ("biblatex", ".bib"), ("csl-json", ".json"),
                                         ("ris", ".ris")])
def test_every_export_imports_back_as_the_same_documents(cli, docs, make_library, tmp_path, fmt, suffix):
    path = tmp_path / f"docs{suffix}"
    assert cli("export", "-f", fmt, "-o", str(path), data=docs).exit_code == 0
    target = make_library("", name=f"back-{fmt}")
    done = cli("import", str(path), data=target)
    assert done.exit_code == 0, done.stdout + done.stderr
    before, after = refs_by_key(docs), refs_by_key(target)
    assert set(after) == set(before)
    for key, ref in before.items():
        got = after[key].to_data()
        got["extra"] = {k: v for k, v in got.get("extra", {}).items() if k != "entrytype"}
        if not got["extra"]:
            del got["extra"]
        assert got == ref.to_data(), (fmt, key)


def test_bibtex_with_apacite_typesets_them(docs, tmp_path):
    from test_tex import pdf_text, pdflatex, run

    for tool in ("pdflatex", "bibtex"):
        require_tool(tool)
    (tmp_path / "refs.bib").write_text(render("bibtex", load(docs).references()), encoding="ascii")
    (tmp_path / "doc.tex").write_text(r"""\documentclass{article}
\usepackage[T1]{fontenc}\usepackage{lmodern}\usepackage{apacite}\usepackage{url}
\begin{document}\nocite{*}\bibliographystyle{apacite}\bibliography{refs}\end{document}
""", encoding="utf-8")
    pdflatex(tmp_path, "doc")
    done = run(["bibtex", "doc"], tmp_path)
    blg = (tmp_path / "doc.blg").read_text(errors="replace")
    assert done.returncode in (0, 1) and "error message" not in blg, blg
    pdflatex(tmp_path, "doc")
    text = pdf_text(tmp_path / "doc.pdf")
    for words in ("(NOU 2016: 16)", "(Meld. St. 20 (2009–2010))", "(St.meld. nr. 8 (1998–99))",
                  "(Prop. 65 L (2019–2020))", "LOV-1997-02-28-19", "Barne- og likestillingsdepartementet"):
        assert words in text, words


def test_biblatex_with_biblatex_apa_typesets_them(docs, tmp_path):
    from test_tex import pdf_text, pdflatex, run

    for tool in ("pdflatex", "biber"):
        require_tool(tool)
    (tmp_path / "refs.bib").write_text(render("biblatex", load(docs).references()), encoding="utf-8")
    (tmp_path / "doc.tex").write_text(r"""\documentclass{article}
\usepackage[T1]{fontenc}\usepackage{lmodern}\usepackage[norsk]{babel}\usepackage{csquotes}
\usepackage[style=apa,backend=biber]{biblatex}\addbibresource{refs.bib}
\begin{document}\nocite{*}\printbibliography\end{document}
""", encoding="utf-8")
    pdflatex(tmp_path, "doc")
    done = run(["biber", "doc"], tmp_path)
    assert done.returncode == 0 and "ERROR" not in done.stdout, done.stdout[-3000:]
    pdflatex(tmp_path, "doc")
    text = pdf_text(tmp_path / "doc.pdf")
    for words in ("(NOU 2016: 16)", "(Meld. St. 20 (2009–2010))", "Lov om folketrygd", "Kulturdepartementet"):
        assert words in text, words


def test_pandoc_renders_the_csl_json_without_warnings(docs, tmp_path):
    require_tool("pandoc")
    (tmp_path / "refs.json").write_text(render("csl-json", load(docs).references()), encoding="utf-8")
    (tmp_path / "paper.md").write_text("---\nnocite: '@*'\n---\nText.\n", encoding="utf-8")
    done = subprocess.run(["pandoc", "--citeproc", "--bibliography", "refs.json", "-t", "plain", "--wrap=none",
                           "paper.md"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    for words in ("Ny barnevernslov: Sikring av barnets rett", "NOU", "Omorganisering av ABM-utvikling", "Meld. St.",
                  "Barne- og likestillingsdepartementet"):
        assert words in done.stdout, words
    items = {item["id"]: item for item in json.loads((tmp_path / "refs.json").read_text(encoding="utf-8"))}
    assert (items["nou2016-16"]["type"], items["nou2016-16"]["genre"], items["nou2016-16"]["number"]) == (
        "report", "NOU", "2016: 16")
    assert items["folketrygdloven1997"]["type"] == "legislation"
    assert items["folketrygdloven1997"]["title-short"] == "Folketrygdloven"


def test_a_report_another_tool_wrote_as_an_nou_imports_as_one(cli, make_library, tmp_path):
    bib = tmp_path / "zotero.bib"
    bib.write_text("@techreport{nou2016_16,\n  title = {Ny barnevernslov},\n  institution = "
                   "{Barne- og likestillingsdepartementet},\n  type = {NOU},\n  number = {2016:16},\n  year = {2016},\n}\n")
    target = make_library("")
    assert cli("import", str(bib), data=target).exit_code == 0
    ref = refs_by_key(target)["nou2016_16"]
    assert (ref.type, ref.number, ref.year) == ("nou", "2016: 16", 2016)
