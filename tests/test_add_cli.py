"""`innoref add`: every option, the printed key and record, prompts on a terminal, refusals."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time

import pytest

from conftest import SHIPPED, load
from innoref.location import locate, shipped_data

SHIPPED_BYTES = (SHIPPED / "literature.yaml").read_bytes()
REQUIRED = ["--type", "report", "--title", "Heltid i praksis: et eksempel", "--author", "Nordmann, Kari",
            "--year", "2024", "--theme", "heltid-deltid"]


def refs_of(folder):
    return {r.key: r for r in load(folder).references()}


def test_every_option_lands_in_its_field(cli, library):
    result = cli(
        "add", "--type", "chapter", "--title", "Et kapittel: om heltid", "--author", "Nordmann, Kari",
        "--author", "{Eksempelforbundet}", "--editor", "van der Berg, Jan", "--editor", "King, Jr., Martin",
        "--year", "2024", "--date", "2024-03-05", "--publisher", "Eksempelforlaget", "--place", "Oslo",
        "--series", "Eksempelserien", "--number", "2024:3", "--edition", "2", "--genre", "Kapittel",
        "--journal", "Eksempeltidsskrift", "--booktitle", "Boka om heltid", "--volume", "7", "--issue", "1",
        "--pages", "4-19", "--url", "https://example.org/kapittel", "--accessed", "2024-04-01",
        "--doi", "https://doi.org/10.1234/Eks.5678", "--isbn", "978-82-7356-671-3", "--lang", "nn",
        "--theme", "heltid-deltid", "--theme", "innovasjon", "--keyword", "heltid", "--keyword", "turnus",
        "--abstract", "Et sammendrag.", "--note", "Et notat.", "--availability", "print only",
        "--key", "nordmann2024kapittel", data=library,
    )
    assert result.exit_code == 0, result.stderr
    ref = refs_of(library)["nordmann2024kapittel"]
    assert ref.to_data() == {
        "key": "nordmann2024kapittel", "type": "chapter", "title": "Et kapittel: om heltid",
        "authors": [{"family": "Nordmann", "given": "Kari"}, {"name": "Eksempelforbundet"}],
        "editors": [{"family": "Berg", "given": "Jan", "particle": "van der"},
                    {"family": "King", "given": "Martin", "suffix": "Jr."}],
        "year": 2024, "date": "2024-03-05", "publisher": "Eksempelforlaget", "place": "Oslo",
        "series": "Eksempelserien", "number": "2024:3", "edition": "2", "genre": "Kapittel",
        "journal": "Eksempeltidsskrift", "booktitle": "Boka om heltid", "volume": "7", "issue": "1",
        "pages": "4-19", "url": "https://example.org/kapittel", "accessed": "2024-04-01",
        "doi": "10.1234/Eks.5678", "isbn": "978-82-7356-671-3", "language": "nn", "abstract": "Et sammendrag.",
        "keywords": ["heltid", "turnus"], "themes": ["heltid-deltid", "innovasjon"], "note": "Et notat.",
        "availability": "print only",
    }


def test_the_options_of_the_other_kinds_of_work_land_in_their_fields(cli, library):
    presentation = cli("add", "--type", "presentation", "--title", "Innovasjon i små kommuner", "--author",
                       "Berg, Eva (Presenter)", "--year", "2013", "--date", "2013-11-21/2013-11-22", "--event",
                       "Kommunekonferansen 2013", "--place", "Trondheim", "--no-input", data=library)
    thesis = cli("add", "--type", "thesis", "--title", "Kommunal innovasjon", "--author", "Sand, Ola", "--year",
                 "2014", "--genre", "Doctoral dissertation", "--institution", "Universitetet i Oslo",
                 "--publisher", "DUO vitenarkiv", "--no-input", data=library)
    book = cli("add", "--type", "book", "--title", "Innovasjon i offentlig sektor", "--translated-title",
               "Innovation in the public sector", "--author", "Hansen, Ida", "--translator", "Berg, Eva",
               "--year", "2016", "--origyear", "2009", "--status", "in press", "--publisher", "Gyldendal",
               "--no-input", data=library)
    software = cli("add", "--type", "software", "--title", "kommunedata", "--author", "Nilsen, Tor [tnilsen]",
                   "--year", "2022", "--version", "1.4.2", "--publisher", "Zenodo", "--no-input", data=library)
    assert [r.exit_code for r in (presentation, thesis, book, software)] == [0, 0, 0, 0], book.stderr
    refs = refs_of(library)
    assert refs["berg2013innovasjon"].to_data() == {
        "key": "berg2013innovasjon", "type": "presentation", "title": "Innovasjon i små kommuner",
        "authors": [{"family": "Berg", "given": "Eva", "role": "Presenter"}], "year": 2013,
        "date": "2013-11-21/2013-11-22", "place": "Trondheim", "event": "Kommunekonferansen 2013"}
    assert (refs["sand2014kommunal"].institution, refs["sand2014kommunal"].publisher) == (
        "Universitetet i Oslo", "DUO vitenarkiv")
    hansen = refs["hansen2016innovasjon"]
    assert (hansen.translated_title, hansen.translators[0].family, hansen.origyear, hansen.status) == (
        "Innovation in the public sector", "Berg", 2009, "in press")
    assert (refs["nilsen2022kommunedata"].version, refs["nilsen2022kommunedata"].authors[0].username) == (
        "1.4.2", "tnilsen")
    apa = cli("export", "-f", "apa", "key:sand2014kommunal OR key:nilsen2022kommunedata", data=library).stdout
    assert apa.splitlines() == [
        "Nilsen, T. [tnilsen]. (2022). kommunedata (Version 1.4.2) [Computer software]. Zenodo.",
        "Sand, O. (2014). Kommunal innovasjon [Doctoral dissertation, Universitetet i Oslo]. DUO vitenarkiv.",
    ]


@pytest.mark.parametrize("option, value, message", [
    ("--status", "maybe", "status: 'maybe' is not a status: in press, submitted, in preparation, unpublished"),
    ("--origyear", "later", "origyear"),
    ("--institution", "Universitetet i Oslo", "institution: only a thesis has one"),
])
def test_a_bad_value_of_the_new_fields_is_refused_and_nothing_written(cli, library, option, value, message):
    before = (library / "literature.yaml").read_bytes()
    result = cli("add", "--type", "book", "--title", "T", "--author", "A, B", "--year", "2020",
                 "--publisher", "P", option, value, "--no-input", data=library)
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert (library / "literature.yaml").read_bytes() == before


def test_it_prints_the_key_then_the_record_as_written(cli, library):
    result = cli("add", *REQUIRED, "--number", "2024:3", data=library)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "nordmann2024heltid"
    written = (library / "literature.yaml").read_bytes()[len(SHIPPED_BYTES) + 1:].decode()
    assert result.stdout == "nordmann2024heltid\n" + written
    assert result.stderr.startswith("added nordmann2024heltid to ")
    assert '  number: "2024:3"\n' in written


def test_year_nd_and_year_from_date(cli, library):
    assert cli("add", *REQUIRED[:6], "--year", "n.d.", "--theme", "innovasjon", data=library).exit_code == 0
    assert refs_of(library)["nordmannndheltid"].year is None
    result = cli("add", *REQUIRED[:6], "--date", "2023-05", "--theme", "innovasjon", "--title", "Annen tittel",
                 data=library)
    assert result.exit_code == 0, result.stderr
    assert refs_of(library)["nordmann2023annen"].date == "2023-05"


def test_missing_required_fields_are_named_with_no_input(cli, library):
    result = cli("add", "--title", "Heltid", "--no-input", data=library)
    assert result.exit_code == 1
    assert result.stderr == "error: missing required fields: --type, --author, --year\n"
    assert (library / "literature.yaml").read_bytes() == SHIPPED_BYTES


def test_without_a_terminal_it_does_not_prompt(cli, library):
    result = cli("add", "--title", "Heltid", "--type", "book", "--year", "2001", "--theme", "innovasjon",
                 "--author", "Berg, Jan", "--editor", "Dahl, Ola", data=library)
    assert result.exit_code == 0  # an editor alone would do as well; nothing is missing
    result = cli("add", "--title", "Heltid", data=library, input="book\n")
    assert result.exit_code == 1
    assert result.stderr == ("error: missing required fields: --type, --author, --year "
                             "(no terminal to ask on)\n")


@pytest.mark.parametrize("option, value, message", [
    ("--isbn", "978-82-7356-671-4", "isbn: '978-82-7356-671-4' is not a valid ISBN (wrong length or check digit)"),
    ("--doi", "10.12/x", "doi: '10.12/x' is not a DOI (expected 10.NNNN/suffix, or a short DOI 10/suffix)"),
    ("--url", "www.fafo.no", "url: 'www.fafo.no' is not a web address"),
    ("--date", "2024-02-30", "date: '2024-02-30' is not a real date"),
    ("--accessed", "1. mai", "accessed: '1. mai' is not a date written YYYY, YYYY-MM or YYYY-MM-DD"),
    ("--lang", "norsk bokmål", "language: 'norsk bokmål' is not a language code"),
    ("--type", "rapport", "type: 'rapport' is not a type (did you mean report?); the types are report, book, article, chapter, thesis, webpage, magazine, newspaper, blogpost, specialissue, entry, pressrelease, presentation, dataset, software, preprint, manuscript, film, tvepisode, video, podcast, podcastepisode, nou, meld, prop, innst, lov, forskrift, misc"),
    ("--year", "1200", "year: year 1200 is not between 1450 and"),
    ("--theme", "heltid", "themes: 'heltid' is not a theme in themes.yaml (did you mean 'heltid-deltid'?)"),
    ("--key", "a key", "key: a key may not contain spaces"),
    ("--author", "{}", "authors[1]: name must not be empty"),
])
def test_an_invalid_value_names_the_field_and_the_rule_and_writes_nothing(cli, library, option, value, message):
    result = cli("add", *REQUIRED, option, value, data=library)
    assert result.exit_code == 1
    assert message in result.stderr and result.stderr.startswith("error: invalid record")
    assert result.stdout == ""
    assert (library / "literature.yaml").read_bytes() == SHIPPED_BYTES


def test_a_duplicate_is_refused_unless_allowed_and_a_near_title_warns(cli, library):
    dup = ["add", "--type", "report", "--title", "LÆRINGSNETTVERK OG INNOVASJON I KOMMUNENE", "--author",
           "Moland, L. E.", "--year", "2013", "--theme", "innovasjon"]
    result = cli(*dup, data=library)
    assert result.exit_code == 1
    assert result.stderr == ("error: a duplicate of 'moland2013laeringsnettverk' (same title, year and first "
                             "author); nothing was written. Use --allow-duplicate to keep both\n")
    assert (library / "literature.yaml").read_bytes() == SHIPPED_BYTES
    result = cli(*dup, "--allow-duplicate", data=library)
    assert result.exit_code == 0 and result.stdout.startswith("moland2013laeringsnettverka\n")
    assert "warning: kept although it duplicates 'moland2013laeringsnettverk'" in result.stderr
    result = cli("add", *REQUIRED[:2], "--title", "Strategisk kompetanseutvikling i kommunen", "--author",
                 "Nordmann, Kari", "--year", "2020", "--theme", "innovasjon", data=library)
    assert result.exit_code == 0
    assert ("warning: the title is near-identical to 'moland2010strategisk': "
            "Strategisk kompetanseutvikling i kommunene") in result.stderr


def test_prompts_ask_for_what_is_missing_and_list_the_themes(cli, library, monkeypatch):
    from innoref.cli import add_cmd

    monkeypatch.setattr(add_cmd, "interactive", lambda: True)
    answers = "\n".join(["rapport", "report", "Nordmann, Kari; {Eksempelforbundet}", "20x4", "2024",
                         "9", "heltid", "2, innovasjon"]) + "\n"
    result = cli("add", "--title", "Heltid i praksis", data=library, input=answers)
    assert result.exit_code == 0, result.stderr
    assert "Themes:\n  1  sykefravaer                Sykefravær og nærvær\n  2  heltid-deltid" in result.stdout
    assert "error: type: 'rapport' is not a type (did you mean report?)" in result.stderr
    assert "error: year: '20x4' is not a year" in result.stderr
    assert "error: themes: 9: choose from the list" in result.stderr
    assert "error: themes: heltid: choose from the list" in result.stderr
    ref = refs_of(library)["nordmann2024heltid"]
    assert ref.themes == ["heltid-deltid", "innovasjon"] and ref.authors[1].name == "Eksempelforbundet"


def test_no_input_wins_over_a_terminal(cli, library, monkeypatch):
    from innoref.cli import add_cmd

    monkeypatch.setattr(add_cmd, "interactive", lambda: True)
    result = cli("add", "--title", "Heltid", "--type", "book", "--no-input", data=library, input="x\n")
    assert result.exit_code == 1 and "missing required fields: --author, --year\n" in result.stderr


def _run_on_a_terminal(args: list[str], answers: list[str], env: dict) -> tuple[int, str]:
    """Run innoref with a real pseudo-terminal as stdin and stdout, answering each prompt."""
    master, slave = os.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "innoref", *args], stdin=slave, stdout=slave, stderr=slave,
                            env=env, close_fds=True)
    os.close(slave)
    out = b""
    pending = list(answers)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            if pending and out.rstrip().endswith(b":"):
                os.write(master, pending.pop(0).encode() + b"\n")
        elif proc.poll() is not None:
            break
    proc.wait(timeout=10)
    os.close(master)
    return proc.returncode, out.decode("utf-8", "replace")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_prompts_on_a_real_terminal(library, isolated):
    env = {**os.environ, "COLUMNS": "100"}
    code, out = _run_on_a_terminal(["--data", str(library), "add", "--title", "Heltid i praksis"],
                                   ["report", "Nordmann, Kari", "2024", "2"], env)
    assert code == 0, out
    from innoref.records import REF_TYPES

    assert f"Type ({', '.join(REF_TYPES)}):" in out
    assert "  2  heltid-deltid" in out and "nordmann2024heltid" in out
    assert refs_of(library)["nordmann2024heltid"].themes == ["heltid-deltid"]


def test_the_prompts_follow_the_type_a_public_document_asks_for_its_designation(cli, library, monkeypatch):
    from innoref.cli import add_cmd

    monkeypatch.setattr(add_cmd, "interactive", lambda: True)
    result = cli("add", "--title", "Omorganisering av ABM-utvikling", "--publisher", "Kulturdepartementet",
                 data=library, input="meld\nMeld. St. 20\n2009-2014\n2009-10\n\n")
    assert result.exit_code == 0, result.stderr
    assert "Number (NOU 2016: 16" in result.stdout and "Session of the Storting (2009-2010):" in result.stdout
    assert "Authors" not in result.stdout and "Year" not in result.stdout
    assert "error: session: '2009-2014' is not a session of the Storting" in result.stderr
    ref = refs_of(library)["meldst20-2009-2010"]
    assert (ref.type, ref.number, ref.session) == ("meld", "20", "2009\u20132010")


def test_a_theme_is_optional(cli, library):
    result = cli("add", "--no-input", "--type", "report", "--title", "Egen rapport om turnus",
                 "--author", "Nordmann, Kari", "--year", "2021", data=library)
    assert result.exit_code == 0, result.stderr
    assert refs_of(library)["nordmann2021egen"].themes == []


def test_the_theme_prompt_accepts_none(cli, library, monkeypatch):
    from innoref.cli import add_cmd

    monkeypatch.setattr(add_cmd, "interactive", lambda: True)
    result = cli("add", "--type", "report", "--title", "Egen rapport", "--author", "Nordmann, Kari",
                 "--year", "2021", data=library, input="\n")
    assert result.exit_code == 0, result.stderr
    assert "Themes (numbers or ids, separated by commas; Enter for none):" in result.stdout
    assert refs_of(library)["nordmann2021egen"].themes == []
