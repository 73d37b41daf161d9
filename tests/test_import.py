"""`innoref import`: BibTeX/biblatex, CSL-JSON and RIS into the library; every entry imported or reported."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import REPO, SHIPPED, load
from innoref.location import locate, shipped_data
from innoref.importers import bibtex, read_file

FIXTURES = REPO / "tests" / "fixtures"
TEXLIVE = [Path("/usr/share/texlive/texmf-dist/bibtex"), Path("/usr/share/texmf/bibtex"),
           Path("/usr/local/texlive")]
EMPTY_THEMES = None


@pytest.fixture
def empty(make_library):
    """A library with the programme's themes and no records."""
    return make_library("")


def refs_of(folder):
    return {r.key: r for r in load(folder).references()}


def summary(result) -> tuple[int, int, list[str]]:
    m = re.search(r"(?:imported|would import) (\d+), (?:skipped|skip) (\d+)", result.stdout)
    skipped = []
    if "skipped:\n" in result.stdout:
        block = result.stdout.split("skipped:\n", 1)[1]
        for line in block.splitlines():
            if not line.startswith("  "):
                break
            skipped.append(line.strip())
    return int(m.group(1)), int(m.group(2)), skipped


# --------------------------------------------------------------------------- BibTeX


def test_bibtex_fixture_imports_every_entry_or_says_why(cli, empty):
    result = cli("import", FIXTURES / "kommune.bib", "--theme", "innovasjon", data=empty)
    assert result.exit_code == 0, result.stderr
    imported, skipped, lines = summary(result)
    entries = len(re.findall(r"^@(?!string|preamble|comment)\w+\s*\{", (FIXTURES / "kommune.bib").read_text(),
                             re.M | re.I))
    assert imported + skipped == entries == 16
    assert lines == [
        "samling: a biblatex @set of moland2013,ringholm2011; its members are imported on their own",
        "berg2001-copy: duplicate of berg2001 (same title, year and first author)",
        "line 137 (broken): unbalanced braces or quotes (the entry does not close before the next @ entry)",
    ]
    assert "  moland2013 -> moland2013a (key already taken)" in result.stdout
    refs = refs_of(empty)
    assert len(refs) == imported == 13
    assert all(r.themes == ["innovasjon"] for r in refs.values())


def test_bibtex_fields_are_decoded_and_mapped(cli, empty):
    cli("import", FIXTURES / "kommune.bib", data=empty)
    refs = refs_of(empty)
    moland = refs["moland2013"]
    assert moland.type == "report" and moland.title == "Læringsnettverk og innovasjon i kommunene"
    assert [p.display() for p in moland.authors] == ["Moland, Leif E.", "Lien, Lise", "Nygård, Lars", "Hofstad, Tormod"]
    # @string macros, a # concatenation, @techreport type and number as series and number
    assert (moland.publisher, moland.series, moland.number) == ("Fafo", "Fafo-rapport", "2013:52")
    # langid read as the language; @techreport is what export writes for a report, so not kept
    assert moland.language == "nb" and moland.extra == {}
    teigen = refs["teigen2010"]
    assert teigen.title == "Kommunesektorens innovasjonsarbeid – ein analyse av verkemiddel og verkemiddelaktørar"
    assert (teigen.publisher, teigen.series, teigen.isbn) == ("Østlandsforskning", "ØF-rapport", "978-82-7356-671-3")
    assert teigen.extra["pagetotal"] == "123" and teigen.language == "nn"
    krd = refs["krd2013"]
    assert krd.authors[0].name == "Kommunal- og regionaldepartementet"  # a corporate author in braces
    assert krd.date == "2013-04-06" and krd.year == 2013
    assert krd.note == "Presented with Prop. 146 S (2012–2013)"  # ~ is a space, -- an en dash
    assert refs["frankelius2009"].language == "sv" and refs["frankelius2009"].place == "Stockholm"
    berg = refs["berg2001"]
    assert berg.title == "Om Östby og Škoda: aksenter i titler"
    assert berg.authors[0].particle == "van der" and berg.authors[1].display() == "Strøm, Øystein"
    assert (berg.journal, berg.volume, berg.issue, berg.pages, berg.doi) == (
        "Eksempeltidsskrift", "12", "3", "1–9", "10.1234/eks.2001.3")
    # crossref: the chapter inherits from its collection; the collection's title is its booktitle
    chapter = refs["nordmann2014"]
    assert chapter.type == "chapter" and chapter.booktitle == "Innovasjon i kommunesektoren: Eksempler"
    assert [p.family for p in chapter.editors] == ["Berg", "Ødegaard"] and chapter.publisher == "Eksempelforlaget"
    assert chapter.year == 2014 and refs["eksempel2014"].year == 2014  # \noopsort from the @preamble
    thesis = refs["hansen2015"]
    assert (thesis.type, thesis.genre, thesis.publisher, thesis.date) == (
        "thesis", "Doctoral dissertation", "Universitetet i Bergen", "2015-06")
    odd = refs["eksempel2012"]  # an unknown entry type and an unknown field
    assert odd.type == "misc" and odd.extra == {"entrytype": "unknowntype", "mystery": "kept in extra"}
    web = refs["eksempel2016nett"]
    assert web.url == "https://example.org/omdomme_100%25" and web.accessed == "2016-05-01"
    assert web.extra["author-others"] == "and others"
    assert refs["moland2013a"].title == "Et annet verk med samme nøkkel"
    assert refs["vike1999"].title == "Lest etter en ødelagt post"  # read after the broken entry
    assert "not-an-entry" not in refs


@pytest.mark.parametrize("latex, text", [
    (r"{\aa}", "å"), (r"{\"o}", "ö"), (r"\"{o}", "ö"), (r"{\O}ystein", "Øystein"), (r"{\ae}", "æ"), (r"\AA{}se", "Åse"),
    ("10--119", "10–119"), ("a---b", "a—b"), (r"Tom{\'a}{\v s}", "Tomáš"), (r"{\c c}", "ç"),
    (r"The {Gnats} and \emph{Gnus}", "The Gnats and Gnus"), (r"\mbox{G-Animal's} Journal", "G-Animal's Journal"),
    (r"\texttt{code}", "code"), (r"\url{https://example.org/a_b}", "https://example.org/a_b"),
    (r"\& and \%", "& and %"), ("50% off", "50% off"), (r"$O(n \log n)$", r"$O(n \log n)$"),
    ("``quoted''", "“quoted”"), ("plain text", "plain text"), ("  several\n   spaces ", "several spaces"),
    (r"\href{https://example.org}{the site}", "the site"), (r"see \cite{knuth}", "see [knuth]"),
])
def test_latex_decoding(latex, text):
    assert bibtex.decode(latex) == text


def test_duplicates_within_a_file_keep_the_fullest_entry(cli, empty, tmp_path):
    bib = tmp_path / "dups.bib"
    bib.write_text(
        "@article{article-minimal, author={L[eslie] A. Aamport}, title={The Gnats and Gnus Document Preparation System},"
        " journal={Journal}, year=1986}\n"
        "@article{article-full, author={L[eslie] A. Aamport}, title={The Gnats and Gnus Document Preparation System},"
        " journal={Journal}, year=1986, volume=41, number=7, pages={73+}}\n"
    )
    result = cli("import", bib, data=empty)
    assert summary(result) == (1, 1, ["article-minimal: duplicate of article-full (same title, year and first author)"])
    assert list(refs_of(empty)) == ["article-full"]
    result = cli("import", bib, "--allow-duplicate", data=empty)
    assert summary(result)[:2] == (2, 0)
    assert "article-full -> article-fulla (key already taken)" in result.stdout


def test_dry_run_writes_nothing(cli, library):
    before = (library / "literature.yaml").read_bytes()
    result = cli("import", FIXTURES / "kommune.bib", "--dry-run", data=library)
    assert result.exit_code == 0
    assert result.stdout.startswith("would import 8, skip 8 (dry run: nothing written) from kommune.bib")
    assert "moland2013: duplicate of moland2013laeringsnettverk (already in the library" in result.stdout
    assert (library / "literature.yaml").read_bytes() == before


def test_an_unknown_theme_or_format_is_an_error_and_writes_nothing(cli, library, tmp_path):
    before = (library / "literature.yaml").read_bytes()
    result = cli("import", FIXTURES / "kommune.bib", "--theme", "heltid", data=library)
    assert result.exit_code == 1 and "no theme with id 'heltid'" in result.stderr
    other = tmp_path / "refs.txt"
    other.write_text("x")
    result = cli("import", other, data=library)
    assert result.exit_code == 2 and "cannot tell the format of 'refs.txt'" in result.stderr
    result = cli("import", tmp_path / "missing.bib", data=library)
    assert result.exit_code == 1 and "cannot read" in result.stderr
    assert (library / "literature.yaml").read_bytes() == before


def test_themes_named_in_the_file_but_not_defined_are_kept_in_extra(cli, empty, tmp_path):
    bib = tmp_path / "themes.bib"
    bib.write_text("@book{a, title={A}, author={Berg, Jan}, year=2001, themes={innovasjon, digitalisering}}\n")
    result = cli("import", bib, data=empty)
    assert summary(result)[:2] == (1, 0)
    ref = refs_of(empty)["a"]
    assert ref.themes == ["innovasjon"] and ref.extra == {"themes": "digitalisering"}


def _texlive(name: str) -> Path:
    for root in TEXLIVE:
        if root.exists():
            for path in root.rglob(name):
                return path
    if os.environ.get("INNOREF_REQUIRE_TOOLS"):
        pytest.fail(f"{name} (TeX Live) is required in CI but is not on this machine")
    pytest.skip(f"{name} (TeX Live) is not on this machine")


@pytest.mark.parametrize("name, imported, skipped", [("xampl.bib", 19, 17), ("biblatex-examples.bib", 86, 6)])
def test_texlive_example_files_import_every_entry_or_say_why(cli, library, name, imported, skipped):
    path = _texlive(name)
    result = cli("import", path, data=library)
    assert result.exit_code == 0, result.stderr
    got = summary(result)
    assert got[:2] == (imported, skipped)
    text = path.read_text(encoding="utf-8", errors="replace")
    entries = len(re.findall(r"^\s*@(?!string|preamble|comment)\w+\s*[{(]", text, re.M | re.I))
    assert imported + skipped == entries
    for line in got[2]:
        assert re.match(r"^\S+(?: \([^)]*\))?: .+", line), line  # each named, each with a reason
    refs = refs_of(library)
    assert len(refs) == 7 + imported
    if name == "xampl.bib":
        assert "article-minimal: duplicate of article-full (same title, year and first author)" in got[2]
        assert refs["techreport-full"].series == "Wishful Research Result" and refs["techreport-full"].number == "7"
        assert refs["whole-set"].year == 1968  # \noopsort and \switchargs from the @preamble
    else:
        assert "baez/article" in refs and refs["baez/article"].extra["eprint"] == "math/0307200v3"
        assert refs["aksin"].authors[0].family == "Aksın" and refs["aksin"].authors[3].family == "Çetinkaya"
        assert refs["westfahl:space"].booktitle.startswith("Space and Beyond")
        assert refs["geer"].authors[0].particle == "de" and refs["geer"].genre == "Doctoral dissertation"


def test_every_line_of_a_broken_file_is_accounted_for(tmp_path):
    bib = tmp_path / "broken.bib"
    bib.write_text("@article{a, title = {Fine}, year = 2001}\n@article{b, title = {Open, year = 2002\n"
                   "@article{c, title = {After}, year = 2003}\n@article{d, title = \"never closed\n")
    batch = read_file(bib)
    assert [c.where for c in batch.candidates] == ["a", "c"]
    assert [(s.what, s.reason.split(" (")[0]) for s in batch.skipped] == [
        ("line 2 (b)", "unbalanced braces or quotes"), ("line 4 (d)", "unbalanced braces or quotes")]


# --------------------------------------------------------------------------- CSL-JSON


def test_csl_json_as_zotero_exports_it(cli, empty):
    result = cli("import", FIXTURES / "zotero.json", data=empty)
    assert result.exit_code == 0, result.stderr
    imported, skipped, lines = summary(result)
    assert (imported, skipped) == (6, 2)
    assert lines == ["no-title: title: required field is missing", "item 8: not a JSON object"]
    refs = refs_of(empty)
    moland = refs["moland2013laeringsnettverk"]  # Zotero's URL id is no key: innoref's rule makes one
    assert (moland.series, moland.number, moland.publisher, moland.year) == ("Fafo-rapport", "2013:52", "Fafo", 2013)
    assert refs["frankelius2009innovativa"].isbn == "978-91-7164-440-4"  # citation-key wins over id
    assert refs["krd2013"].authors[0].name == "Kommunal- og regionaldepartementet"
    assert refs["krd2013"].date == "2013-04-06"
    berg = refs["berg2001"]
    assert berg.authors[0].particle == "van der" and berg.doi == "10.1234/eks.2001.3"
    assert (berg.journal, berg.issue, berg.keywords) == ("Eksempeltidsskrift", "3", ["innovasjon", "aksenter"])
    assert berg.extra == {"archive": "Eksempelarkivet",
                          "custom-field": '{"nested": true}'}
    chapter = refs["nordmann2014"]
    assert chapter.booktitle == "Innovasjon i kommunesektoren" and chapter.accessed == "2016-05-01"
    assert refs["bad-isbn"].isbn is None and refs["bad-isbn"].extra["ISBN"] == "978-82-7356-671-4"
    assert "bad-isbn: ISBN '978-82-7356-671-4' has no valid ISBN; kept in extra.ISBN" in result.stdout


def test_csl_json_that_is_not_json_is_an_error(cli, empty, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('[{"title": "A",}]')
    result = cli("import", bad, data=empty)
    assert result.exit_code == 1 and "not JSON" in result.stderr and "line 1" in result.stderr


# --------------------------------------------------------------------------- RIS


def test_ris_from_a_catalogue(cli, empty):
    result = cli("import", FIXTURES / "catalogue.ris", data=empty)
    assert result.exit_code == 0, result.stderr
    imported, skipped, lines = summary(result)
    assert (imported, skipped) == (5, 1)
    assert lines == ["line 42: not a RIS line and outside any entry: stray text between entries"]
    assert "line 43: no ER line before the next TY on line 51; the entry ends there" in result.stdout
    refs = refs_of(empty)
    bolkesjo = refs["bolkesjo1999"]
    assert (bolkesjo.series, bolkesjo.number, bolkesjo.publisher) == ("Rapport", "4/1999", "Telemarksforsking")
    assert bolkesjo.note == "Finnes ikke elektronisk" and bolkesjo.authors[0].family == "Bolkesjø"
    teigen = refs["teigen2010kommunesektorens"]
    assert teigen.isbn == "978-82-7356-671-3" and teigen.series == "ØF-rapport" and teigen.language == "nb"
    assert teigen.keywords == ["innovasjon", "verkemiddel"] and teigen.extra["accession-number"] == "12345"
    berg = refs["berg2001ostby"]  # "Om" is a small word
    assert (berg.pages, berg.date, berg.volume, berg.issue) == ("1–9", "2001-03-15", "12", "3")
    chapter = refs["nordmann2014samskaping"]
    assert chapter.booktitle == "Innovasjon i kommunesektoren" and chapter.editors[0].family == "Berg"
    web = refs["eksempelforbundet2016side"]
    assert web.type == "webpage" and web.accessed == "2016-05-01" and web.authors[0].name == "Eksempelforbundet"


def test_ris_with_bom_and_crlf_loses_nothing(cli, empty, tmp_path):
    ris = tmp_path / "windows.ris"
    ris.write_bytes("\ufeffTY  - BOOK\r\nTI  - Bok\r\nAU  - Berg, Jan\r\nPY  - 2001\r\nER  - \r\n".encode("utf-8"))
    result = cli("import", ris, data=empty)
    assert summary(result)[:2] == (1, 0)
    assert list(refs_of(empty)) == ["berg2001bok"]


# --------------------------------------------------------------------------- keys and progress


def test_imported_records_load_back_in_file_style(cli, library):
    before = (library / "literature.yaml").read_bytes()
    cli("import", FIXTURES / "zotero.json", data=library)
    after = (library / "literature.yaml").read_bytes()
    assert after.startswith(before)
    assert "\n\n- key: nordmann2014\n  type: chapter\n" in after.decode()


def test_the_progress_bar_shows_on_a_terminal_only(cli, empty, monkeypatch):
    from innoref.cli import output

    monkeypatch.setattr(output, "PROGRESS_AFTER", 0.0)
    result = cli("import", FIXTURES / "kommune.bib", data=empty, env={"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1"})
    assert result.exit_code == 0, result.stderr
    assert "reading entries" in result.stderr or "checking" in result.stderr
    result = cli("import", FIXTURES / "zotero.json", data=empty)
    assert "reading" not in result.stderr


# --------------------------------------------------------------------------- the decoder's fast path

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = ["a", "B", "ø", "Ø", "æ", " ", "  ", "\t", "-", "--", "---", "~", "{", "}", "{}", "``", "''", "'", "`",
           ",", ".", ":", "1", "\\aa", "\\AA", "{\\aa}", "\\aa ", "\\o", "{\\O}", "\\o{}", "\\ae", "\\ss{}",
           "\\\"o", "\\\"{o}", "{\\\"o}", "\\\" o", "\\\"{}", "\\'e", "\\'\\i", "\\'{\\i}", "\\`a", "\\^o", "\\~n",
           "\\=o", "\\.z", "\\v{s}", "\\v s", "\\c c", "\\c{c}", "\\u{g}", "\\H{o}", "\\k{a}", "\\r{u}", "\\d{s}",
           "\\b{b}", "\\t{oo}", "\\&", "\\%", "%", "\\$", "\\#", "\\_", "\\textendash", "\\textendash{}",
           "\\textemdash ", "\\L{}", "\\l", "\\i", "\\j", "\\int", "\\emph{x}", "\\textbf{y}", "$x$", "\\url{u}",
           "!`", "?`", "\\ ", "\\{", "\\}", "\\oe", "\\OE", "\\o stby", "\\aa\\aa"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
def test_the_fast_path_decodes_exactly_as_the_middleware(latex):
    """Decoder._simple is a shortcut, never a second opinion: where it answers, the
    LatexDecodingMiddleware (pylatexenc) answers the same."""
    decoder = bibtex.Decoder()
    escaped = bibtex._UNESCAPED_PERCENT.sub(r"\\%", latex)  # as Decoder.text does first
    fast = decoder._simple(escaped)
    if fast is not None:
        assert fast == decoder._full(escaped, latex)


# --------------------------------------------------------------------------- nothing dropped without a word (issue 10, 5 and 11)


def test_an_entry_closed_early_by_a_stray_brace_is_reported_with_its_lost_fields(cli, empty, tmp_path):
    bib = tmp_path / "broken.bib"
    bib.write_text("@techreport{broken,\n  title = {Tittel med feil}},\n  author = {Nordmann, Kari},\n"
                   "  year = {2013},\n  institution = {Fafo},\n}\n"
                   "@misc{ok,\n  title = {Helt greit},\n  author = {Lien, Lise},\n  year = {2002},\n}\n")
    result = cli("import", str(bib), data=empty)
    assert result.exit_code == 0, result.stderr
    assert summary(result)[:2] == (1, 1)
    assert ("broken: a '}' ends the entry early (unbalanced braces): its fields author, year, institution "
            "would be lost; fix the braces and import it again") in summary(result)[2]
    assert set(refs_of(empty)) == {"ok"}


def test_latex_that_does_not_read_as_text_is_kept_as_written(cli, empty, tmp_path):
    bib = tmp_path / "macros.bib"
    bib.write_text("@misc{lost,\n  title = {Notat},\n  author = {Berg, Jan},\n  year = {2001},\n"
                   "  note = {\\newcommand{\\a}{hemmelig}},\n}\n")
    result = cli("import", str(bib), data=empty)
    assert result.exit_code == 0
    assert "lost: note: LaTeX that does not read as text (kept as written in extra.note-latex)" in result.stdout
    assert refs_of(empty)["lost"].extra["note-latex"] == "\\newcommand{\\a}{hemmelig}"


def test_what_the_preambles_own_macros_drop_is_dropped_on_purpose(cli, empty, tmp_path):
    bib = tmp_path / "sorted.bib"
    bib.write_text("@preamble{ \"\\newcommand{\\noopsort}[1]{} \" }\n"
                   "@book{sorted,\n  title = {Samskaping},\n  author = {Berg, Jan},\n"
                   "  year = {{\\noopsort{a}}2014},\n  publisher = {Fafo},\n}\n")
    result = cli("import", str(bib), data=empty)
    assert result.exit_code == 0, result.stderr
    assert "warnings" not in result.stdout and "latex" not in result.stdout, result.stdout
    ref = refs_of(empty)["sorted"]
    assert ref.year == 2014 and not ref.extra


def test_csl_json_values_of_odd_shapes_are_kept_and_named(cli, empty, tmp_path):
    path = tmp_path / "odd.json"
    path.write_text('[{"id": "strauth", "type": "report", "title": "Streng forfatter", "author": "Nordmann, Kari",'
                    ' "issued": {"date-parts": [[2013]]}, "publisher": {"name": "Fafo"},'
                    ' "editor": [{"family": "Lien"}, 42]}]')
    result = cli("import", str(path), data=empty)
    assert result.exit_code == 0, result.stderr
    assert "strauth: author: a text, not a list of names; read as the name 'Nordmann, Kari'" in result.stdout
    assert 'strauth: editor[1]: not a name (42); kept in extra.editor' in result.stdout
    assert 'strauth: publisher: not text ({"name": "Fafo"}); kept in extra.publisher' in result.stdout
    ref = refs_of(empty)["strauth"]
    assert ref.authors[0].family == "Nordmann" and ref.authors[0].given == "Kari"
    assert ref.extra["publisher"] == '{"name": "Fafo"}' and ref.extra["editor"] == "42"


def test_deeply_nested_csl_json_is_an_import_error(cli, empty, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    result = cli("import", str(path), data=empty)
    assert result.exit_code == 1
    assert "nests deeper than any CSL-JSON item does" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("content, message", [
    (b"", "holds no entry that could be imported"),
    (bytes(range(256)) * 8, "not a text file (it holds NUL bytes"),
    (b"just some words, no entries at all\n", "holds no entry that could be imported"),
])
def test_a_file_with_nothing_to_import_is_exit_1(cli, empty, tmp_path, content, message):
    for suffix in (".bib", ".ris", ".json"):
        path = tmp_path / f"nothing{suffix}"
        path.write_bytes(content)
        result = cli("import", str(path), data=empty)
        assert result.exit_code == 1, (suffix, result.stdout)
        assert message in result.stderr or (suffix == ".json" and "not JSON" in result.stderr), suffix
    assert refs_of(empty) == {}


def test_utf16_with_its_byte_order_mark_is_read(cli, empty, tmp_path):
    path = tmp_path / "u16.bib"
    path.write_bytes("@misc{u16,\n title={Ærlig talt},\n author={Berg, Jan},\n year={2001}}\n".encode("utf-16"))
    result = cli("import", str(path), data=empty)
    assert result.exit_code == 0, result.stderr
    assert refs_of(empty)["u16"].title == "Ærlig talt"


def test_reimporting_the_same_file_is_not_an_error(cli, library):
    path = FIXTURES / "kommune.bib"
    assert cli("import", str(path), data=library).exit_code == 0
    again = cli("import", str(path), data=library)
    assert again.exit_code == 0 and summary(again)[0] == 0


def test_the_table_of_accents_and_letters_decodes_as_the_middleware():
    """The fast path decodes its macros by a table (no pylatexenc for plain accented names);
    every entry of the table, on every letter, is what the middleware itself gives."""
    import string

    decoder = bibtex.Decoder()
    forms = []
    for mark in bibtex._MARKS:
        for letter in string.ascii_letters + "ij":
            base = "\\" + letter if letter in "ij" and len(letter) == 1 and letter in "ij" else letter
            for tex in (f"\\{mark}{{{letter}}}", f"\\{mark}{{\\{letter}}}" if letter in "ij" else None,
                        f"\\{mark}{letter}" if mark in "\"'`^~=." else f"\\{mark} {letter}"):
                if tex:
                    forms.append(tex)
    forms += [f"\\{name}{{}}" for name in bibtex._NAMED] + [f"\\{name} " for name in bibtex._NAMED]
    forms += ["\\&", "\\%", "\\$", "\\#", "\\_"]
    checked = 0
    for tex in forms:
        ours = bibtex._table_macro(tex)
        if ours is None:
            continue
        theirs, error = decoder.middleware._transform_python_value_string(tex)
        assert not error and ours == theirs.strip(), tex
        checked += 1
    assert checked > 500


def test_ris_as_zotero_and_endnote_write_it(cli, empty, tmp_path):
    path = tmp_path / "endnote.ris"
    path.write_text("TY  - EDBOOK\nID  - edited\nTI  - Redigert bok\nAU  - Berg, Jan\nPY  - 2015\nER  - \n\n"
                    "TY  - JOUR\nID  - doiinm3\nTI  - Artikkel\nAU  - Lien, Lise\nM3  - doi: 10.1063/1.123\n"
                    "JO  - Tidsskr. Samf.\nJF  - Tidsskrift for samfunnsforskning\nPY  - 2015\nER  - \n\n"
                    "TY  - RPRT\nID  - report\nTI  - Rapport\nA1  - Moland, Leif E.\nAU  - Lien, Lise\n"
                    "M3  - Fafo-rapport\nSN  - 2013:52\nPY  - 2013\nER  - \n")
    assert cli("import", str(path), data=empty).exit_code == 0
    refs = refs_of(empty)
    assert [p.family for p in refs["edited"].editors] == ["Berg"] and not refs["edited"].authors
    assert refs["doiinm3"].doi == "10.1063/1.123" and refs["doiinm3"].genre is None
    assert refs["doiinm3"].journal == "Tidsskrift for samfunnsforskning"  # the full name before JO's abbreviation
    assert refs["doiinm3"].extra["journal-abbreviation"] == "Tidsskr. Samf."
    report = refs["report"]
    assert [p.family for p in report.authors] == ["Moland", "Lien"]  # A1 and AU in the order they stand
    assert (report.series, report.number) == ("Fafo-rapport", "2013:52")


def test_bibtex_a_missing_comma_and_tex_math_and_a_full_journal_name(cli, empty, tmp_path):
    bib = tmp_path / "sloppy.bib"
    bib.write_text("@article{snake,\n  title = {Mitochondrial DNA$_{\\textrm{2}}$ sequences}\n"
                   "  author = {Berg, Jan},\n  year = {2001},\n  journal = {Adv. Math.},\n"
                   "  fjournal = {Advances in Mathematics},\n}\n")
    result = cli("import", str(bib), data=empty)
    assert result.exit_code == 0
    assert "snake: title: no comma after it, before 'author ='; read as two fields" in result.stdout
    ref = refs_of(empty)["snake"]
    assert ref.title == "Mitochondrial DNA\u2082 sequences" and ref.authors[0].family == "Berg"
    assert ref.journal == "Advances in Mathematics" and ref.extra["journal-abbreviation"] == "Adv. Math."


def test_chapters_with_their_books_doi_are_not_duplicates_of_the_book_or_of_each_other(cli, empty, tmp_path):
    bib = tmp_path / "parts.bib"
    bib.write_text("@book{bk, title={The book}, author={Lee, Ann}, year=2019, doi={10.1234/book}, publisher={P}}\n"
                   "@incollection{ch, title={A chapter}, booktitle={The book}, author={Lee, Ann}, year=2019,"
                   " doi={10.1234/book}, publisher={P}}\n"
                   "@incollection{ch2, title={A chapter again}, booktitle={The book}, author={Lee, Ann}, year=2019,"
                   " doi={10.1234/book}, publisher={P}}\n")
    result = cli("import", str(bib), data=empty)
    assert result.exit_code == 0, result.stderr
    assert "imported 3, skipped 0" in result.stdout  # the book and two of its chapters
    assert cli("import", str(bib), data=empty).stdout.startswith("imported 0, skipped 3")  # by DOI, by title


def test_another_programs_custom_data_is_kept_not_read_as_innorefs(cli, empty, tmp_path):
    items = tmp_path / "items.json"
    items.write_text('[{"id": "berg2020", "type": "book", "title": "T", "issued": {"date-parts": [[2020]]},'
                     ' "custom": {"type": "report", "zoteroKey": "ABC"}}]')
    assert cli("import", str(items), data=empty).exit_code == 0
    [ref] = load(empty).references()
    assert ref.type == "book" and ref.extra == {"custom": '{"type": "report", "zoteroKey": "ABC"}'}


@pytest.mark.parametrize("name, text", [
    ("nou.json", '[{"id": "x1", "type": "report", "title": "T", "custom": {"type": "nou"}}]'),
    ("lov.ris", 'TY  - RPRT\nID  - x1\nTI  - T\nN1  - innoref: {"type": "lov"}\nER  - \n'),
    ("nou.bib", "@techreport{x1, title = {T}, innoreftype = {nou}, year = 2016}\n"),
    ("roles.json", '[{"id": "x1", "type": "book", "title": "T", "custom": {"roles": {"translators": []}}}]'),
    ("space.bib", "@book{x1, title = {The Effects of Public Sector\\\nInnovation in Small Municipalities}, year = 2020}\n"),
])
def test_innorefs_own_marks_in_odd_places_import_without_a_traceback(cli, empty, tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    result = cli("import", str(path), data=empty)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "imported 1, skipped 0" in result.stdout


def test_innorefs_own_json_export_imports_as_the_same_records(cli, empty, library, tmp_path):
    exported = tmp_path / "all.json"
    assert cli("export", "-f", "json", "-o", str(exported), data=library).exit_code == 0
    result = cli("import", str(exported), data=empty)
    assert result.exit_code == 0 and "skipped 0" in result.stdout, result.stdout
    assert [r.to_data() for r in load(empty).references()] == [r.to_data() for r in load(library).references()]
