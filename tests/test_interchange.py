"""Interchange, both ways, with the real readers: what pandoc 2.17, pandoc 3, Citation.js and
innoref itself read from every export, field by field, and what innoref reads from the files
Zotero's and JabRef's own tests hold.

For every export format, the corpus (``fixtures/interchange/corpus.yaml``: every kind of
record) is written, read by each reader, and each reader's CSL-JSON compared with innoref's
CSL-JSON of the same records. A field that a reader loses or alters fails the test unless
:data:`LIMITS` names it with the reason, which is the reader's (or the format's) and not
ours; and every limit must still be seen, so the table stays true. The README's table of
what each format keeps is this table (a test compares them).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import readers
from conftest import REPO, load
from innoref import yamlio
from innoref.formats import render
from innoref.models import validate_reference

HERE = Path(__file__).parent
CORPUS = [validate_reference(d) for d in yamlio.load((HERE / "fixtures" / "interchange" / "corpus.yaml")
                                                     .read_text(encoding="utf-8"))]
FORMATS = {"bibtex": ".bib", "biblatex": ".bib", "csl-json": ".json", "ris": ".ris"}
READERS = ("pandoc", "pandoc3", "citationjs", "innoref")

CUSTOM = "roles and usernames (biber's annotations) and a translated title (englishtitle, origtitle) are not read"
# (reader, format) -> {field: why it is lost or altered}. The reasons are the readers' own
# limits, measured with pandoc 2.17.1.1 (Debian bookworm), pandoc 3.9 (pypandoc-binary) and
# Citation.js 0.7.21; "report" is a report's type and number together ("Fafo-rapport 2013:52").
# What pandoc 2.17 and pandoc 3 alike lose (pandoc 2.17 also reads no @software, below).
_PANDOC_BIBTEX = {
    "type": "a @misc (a web page, a law, a document, a blog post, a presentation) is read with no type; "
            "a magazine or newspaper article, or a special issue, as a journal article",
    "report": "LaTeX in a report's type is not decoded (`--` stays two hyphens); a press release's kind is not read",
    "number": "a @misc's number (a law's date code) is not read",
    "title": "a title starting in lower case (software) is capitalised",
    "custom": CUSTOM,
    "container-title": "the series of a TV or podcast episode (@misc booktitle) is not read",
    "event-title": "eventtitle is not read",
    "genre": "the kind of a presentation (@misc type) or a special issue (genre) is not read",
    "original-date": "originalyear is not read",
    "archive": "a thesis's database is read into its university (publisher)",
    "publisher": "a thesis's database is read into its university (publisher)",
}
_PANDOC_BIBLATEX = {
    "type": "a @misc is read with no type; a nonacademic article and a @periodical as journal articles; "
            "@presentation and @online (a preprint) are not read as such",
    "container-title": "a blog (organization) and an episode's series (maintitle) are not read as the container; "
                       "a @periodical's title is read as its journal",
    "title": "an episode's series (maintitle), and a @periodical's issuetitle, are read as its title; a title "
             "starting in lower case is capitalised",
    "report": "a press release's kind (titleaddon) is not read",
    "event-title": "eventtitle is not read",
    "genre": "the kind of a presentation (titleaddon) or a special issue (issuetitle) is not read",
    "editor": "an executive producer (execproducer) is not read",
    "custom": CUSTOM,
    "archive": "a thesis's database is read into its university (publisher)",
    "publisher": "a thesis's database is read into its university (publisher)",
}
_PANDOC_CSL = {"custom": "CSL's custom, where innoref keeps roles, usernames and a translated title, is not kept"}
LIMITS: dict[tuple[str, str], dict[str, str]] = {
    ("pandoc", "bibtex"): _PANDOC_BIBTEX,
    ("pandoc", "biblatex"): {
        **_PANDOC_BIBLATEX,
        "type": "a @misc is read with no type; a nonacademic article and a @periodical as journal articles; "
                "@presentation, @software and @online (a preprint) are not read as such",
    },
    ("pandoc", "csl-json"): _PANDOC_CSL,
    ("pandoc3", "bibtex"): _PANDOC_BIBTEX,
    ("pandoc3", "biblatex"): _PANDOC_BIBLATEX,
    ("pandoc3", "csl-json"): _PANDOC_CSL,
    ("pandoc3", "ris"): {
        "report": "its RIS reader has no tag for a report's type (M3) or number (SN, read as ISSN)",
        "ISBN": "SN is read as ISSN",
        "publisher-place": "CY is not read",
        "issued": "DA (the full date) is not read: the year only",
        "collection-title": "T3 (a series) is not read",
        "genre": "M3 (the kind of a thesis, a presentation or a special issue) is not read",
        "accessed": "Y2 (the access date) is not read",
        "type": "ELEC is read as misc, GEN as entry, SLIDE as graphic, COMP as program, UNPB as unpublished, "
                "MPCT as motion-picture: names that are not CSL's; JFULL as a journal article",
        "author": "a suffix (Jr.) is read as the given name",
        "editor": "A3 (a book's editors or a series' producers, as Zotero writes them) is not read",
        "number": "a law's M1 (its date code) is not read; nor an episode's number",
        "title-short": "ST is not read",
        "note": "N1 is not read",
        "event-title": "a presentation's T2 (its meeting) is not read",
        "version": "ET (a program's version) is not read",
        "translator": "A4 is not read",
        "original-date": "OP is not read",
        "archive": "DB (a thesis's database) is not read",
        "status": "RIS has no tag for it; innoref's note is not read",
        "custom": "RIS has no tag for roles, usernames or a translated title; innoref's note is not read",
    },
    ("citationjs", "bibtex"): {
        "language": "BibTeX's language and langid are not read",
        "issued": "the day of a full date is not read (BibTeX has no day field)",
        "accessed": "urldate is not read in BibTeX mode",
        "type": "a @misc is read as a document (a web page, a law, a blog post, a presentation); a magazine or "
                "newspaper article as a journal article",
        "number": "a law's number in @misc is not read; nor an episode's",
        "title-short": "shorttitle in @misc is not read",
        "abstract": "abstract is not read in BibTeX mode",
        "keyword": "keywords are not read in BibTeX mode",
        "container-title": "a blog post's blog (@misc journal) is not read",
        "report": "a press release's kind is not read",
        "event-title": "eventtitle is not read",
        "genre": "the kind of a presentation (@misc type) or a special issue (genre) is not read",
        "version": "version is not read in BibTeX mode",
        "status": "pubstate is not read in BibTeX mode",
        "translator": "translator is not read in BibTeX mode",
        "original-date": "originalyear is not read",
        "custom": CUSTOM,
        "archive": "a thesis's database is read as its publisher, and its university is lost",
        "publisher": "a thesis's database is read as its publisher, and its university is lost",
    },
    ("citationjs", "biblatex"): {
        "language": "langid is kept as babel's name (norsk), not a language code",
        "type": "a nonacademic article is read as a journal article, a blog post and a presentation as documents, "
                "@inreference as entry, @online (a preprint) as a web page, a TV episode as a motion picture",
        "container-title": "a blog (organization) and a @periodical's journal are not read as the container",
        "report": "a press release's kind (titleaddon) is not read",
        "genre": "the kind of a presentation (titleaddon) or a special issue (issuetitle) is not read",
        "editor": "an executive producer (execproducer) is not read",
        "number": "an episode's number is not read",
        "custom": CUSTOM,
        "archive": "a thesis's database is read as its publisher, and its university is lost",
        "publisher": "a thesis's database is read as its publisher, and its university is lost",
    },
    ("citationjs", "ris"): {
        "ISBN": "a report's ISBN, in a note (SN holds its number), is not read back as an ISBN",
        "collection-title": "T3 (a book's series) is not read",
        "accessed": "Y2 (the access date) is not read",
        "note": "a report's ISBN, written in a note, is read as part of the note",
        "author": "the AU of a newspaper article, a film or a TV episode (MPCT) is not read",
        "issued": "DA of a newspaper article, and a presentation's date range, are read as the year",
        "event-title": "a presentation's T2 (its meeting) is not read",
        "type": "SLIDE is read as a motion picture, UNPB as a manuscript, MPCT as a broadcast, SOUND as a "
                "motion picture, JFULL as a journal article",
        "status": "RIS has no tag for it; innoref's note is read as a note",
        "custom": "RIS has no tag for roles, usernames or a translated title; innoref's note is read as a note",
        "container-title": "an episode's series (T2 of MPCT and SOUND) is not read",
        "editor": "A3 (a series' producers) and the ED of a JFULL (a special issue's editors) are not read",
        "number": "an episode's number is not read",
        "volume": "a TV episode's season (VL of MPCT) is not read",
        "genre": "M3 (the kind in words) of DATA and MPCT is not read",
        "original-date": "OP is not read",
        "archive": "DB (a thesis's database) is not read",
    },
}


def normal(item: dict) -> dict:
    """An item in the form the comparison reads: a report's type and number as one "report"
    (pandoc and Citation.js read BibTeX's type as the genre), languages by their primary subtag,
    keywords as a set, a note from annote too, organisations as names, a presentation's place as a place."""
    out = {k: v for k, v in item.items() if v not in (None, "", [])}
    if "event-place" in out:  # a presentation's place, which readers of BibTeX and RIS read as the place
        out.setdefault("publisher-place", out.pop("event-place"))
    if out.get("type") == "report" or (out.get("genre") and out.get("number") and out.get("type") in (None, "report")):
        parts = [out.pop("genre", None), out.pop("number", None)]
        if any(parts):
            out["report"] = " ".join(str(p) for p in parts if p)
    if "language" in out:
        out["language"] = str(out["language"]).split("-")[0].lower()
    if "keyword" in out:
        out["keyword"] = ", ".join(sorted(k.strip() for k in re.split(r"[,;]", str(out["keyword"])) if k.strip()))
    if "annote" in out and "note" not in out:
        out["note"] = out.pop("annote")
    if isinstance(out.get("note"), list):
        out["note"] = " ".join(out["note"])
    return out


def read(reader: str, path: Path, fmt: str, tmp_path: Path, cli) -> dict[str, dict]:
    if reader == "innoref":
        folder = tmp_path / "back"
        folder.mkdir()
        (folder / "literature.yaml").write_text("")
        done = cli("import", str(path), data=folder)
        assert done.exit_code == 0, done.stdout + done.stderr
        # The entry type an import keeps in extra (to write @inproceedings again) is not a field of ours.
        refs = [r.replace(extra={k: v for k, v in r.extra.items() if k != "entrytype"}) for r in load(folder).references()]
        return readers.by_id(json.loads(render("csl-json", refs)))
    return readers.by_id(getattr(readers, reader)(path, fmt))


def differences(ours: dict[str, dict], theirs: dict[str, dict]) -> dict[str, list[str]]:
    """Field -> the records where it is lost or altered (what only the reader has is not counted)."""
    out: dict[str, list[str]] = {}
    for key, item in ours.items():
        mine, read_back = normal(item), normal(theirs.get(key, {}))
        for field in sorted(mine.keys() - {"id", "citation-key"}):
            line = readers.compare(mine, read_back, [field])
            if line:
                out.setdefault(field, []).append(f"{key}: {line[0]}")
    return out


CASES = [(r, f) for f in FORMATS for r in READERS if not (r == "pandoc" and f == "ris")]  # pandoc 2 reads no RIS


@pytest.mark.parametrize("reader, fmt", CASES, ids=[f"{r}-{f}" for r, f in CASES])
def test_every_reader_reads_every_export_with_only_its_own_limits(reader, fmt, tmp_path, cli):
    path = tmp_path / f"corpus{FORMATS[fmt]}"
    path.write_text(render(fmt, CORPUS), encoding="utf-8")
    ours = readers.by_id(json.loads(render("csl-json", CORPUS)))
    theirs = read(reader, path, fmt, tmp_path, cli)
    assert set(theirs) >= set(ours), f"{reader} lost records: {sorted(set(ours) - set(theirs))}"
    found = differences(ours, theirs)
    limits = LIMITS.get((reader, fmt), {})
    unexplained = {field: where for field, where in found.items() if field not in limits}
    assert not unexplained, json.dumps(unexplained, indent=2, ensure_ascii=False)
    stale = sorted(set(limits) - set(found))
    assert not stale, f"limits no longer seen (take them out of LIMITS and the README): {stale}"


# --------------------------------------------------------------------------- the README's table


def readme_table() -> str:
    """The table of what each reader loses from each format, as the README has it."""
    names = {"pandoc": "pandoc 2.17", "pandoc3": "pandoc 3", "citationjs": "Citation.js", "innoref": "innoref import"}
    lines = ["| format | " + " | ".join(names[r] for r in READERS) + " |",
             "|---|" + "---|" * len(READERS)]
    for fmt in FORMATS:
        cells = []
        for reader in READERS:
            if reader == "pandoc" and fmt == "ris":
                cells.append("does not read RIS")
                continue
            limits = LIMITS.get((reader, fmt), {})
            cells.append("; ".join(f"{field}: {why}" for field, why in sorted(limits.items())) or "everything")
        lines.append(f"| `{fmt}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def test_the_readme_says_what_each_format_keeps():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme_table() in readme


# --------------------------------------------------------------------------- others' files into innoref


OTHERS = HERE / "fixtures" / "interchange"
_ENTRY = re.compile(r"^\s*@(?!string|comment|preamble)\w+\s*[{(]", re.IGNORECASE | re.MULTILINE)
_COUNTS = re.compile(r"would import (\d+), skip (\d+)")


def zotero_items(path: Path) -> list[dict]:
    """Zotero's own expected items for one of its test inputs."""
    cases = json.loads((path.parent / "expected.json").read_text(encoding="utf-8"))["cases"]
    return next(c["items"] for c in cases if c["file"] == path.name)


def records_in(path: Path) -> int:
    """How many records a file holds, by its source's own test: Zotero's expected items, JabRef's
    expected entries, else the file's @ entries."""
    if path.parent.parent.name == "zotero":
        return len(zotero_items(path))
    if path.suffix == ".ris":
        expected = path.parent / "expected" / (path.stem + ".bib")
        return len(_ENTRY.findall(expected.read_text(encoding="utf-8"))) if expected.exists() else 0
    from innoref.importers import file_text

    return len(_ENTRY.findall(file_text(path, path.read_bytes())))


OTHER_FILES = sorted(p for p in OTHERS.glob("*/*/*") if p.suffix in (".ris", ".bib"))


@pytest.mark.parametrize("path", OTHER_FILES, ids=[f"{p.parent.parent.name}/{p.name}" for p in OTHER_FILES])
def test_nothing_in_others_files_is_lost_without_a_word(cli, make_library, path):
    """Every record another tool's test file holds is imported, or reported with its reason."""
    folder = make_library("")
    done = cli("import", "--dry-run", str(path), data=folder)
    found = _COUNTS.search(done.stdout + done.stderr)
    assert found, done.stdout + done.stderr
    imported, reported = int(found[1]), int(found[2])
    assert imported + reported >= records_in(path), done.stdout
    if reported:
        assert "skipped:" in done.stdout  # each with its reason


# What innoref keeps differently from Zotero, file by file (Zotero's items from its own tests):
# innoref keeps plain text where Zotero keeps HTML markup, and TeX it cannot read as text.
IMPORT_DIFFERENCES = {
    ("bibtex-06.bib", "title"): "LaTeX's \\~{} (a tilde accent on nothing) is read as ~, Zotero's as the operator ∼",
    ("bibtex-07.bib", "title"): "innoref keeps titles as plain text: Zotero's <i>, <b> and small caps are not kept",
    ("bibtex-07.bib", "publicationTitle"): "4$^{\\textrm{ème}}$: no Unicode superscript è, so the TeX is kept",
    ("bibtex-10.bib", "title"): "Zotero's test of its own escaping of \\textbackslash; innoref reads the braces as TeX",
    ("bibtex-19.bib", "title"): "\\textTel is read as TEL, Zotero's as ℡",
    ("bibtex-19.bib", "publisher"): "Zotero's test of \\\\ë and <sub>: innoref reads them as TeX",
    ("bibtex-19.bib", "creators/author"): "names with \\\\ı and \\\\é as Zotero's own test writes them",
    ("bibtex-08.bib", "creators/author"): "an unbraced organisation, split as a person's name by both, at different words",
    ("bibtex-18.bib", "creators/author"): "an unbraced organisation, split as a person's name by both, at different words",
    ("bibtex-22.bib", "creators/author"): "\"d'Aspremont\": Zotero puts a space after the apostrophe",
}
COMPARED = {"title": "title", "date": "year", "publicationTitle": "journal", "bookTitle": "booktitle",
            "proceedingsTitle": "booktitle", "publisher": "publisher", "institution": "publisher",
            "university": "publisher", "pages": "pages", "DOI": "doi"}
# EndNote's and ProCite's templates, whose every value is its field's label ("Title", "Publisher
# Name"): records compare by count only.
TEMPLATES = ("ris-03.ris", "ris-05.ris")
ZOTERO_FILES = [p for p in OTHER_FILES if p.parent.parent.name == "zotero" and p.name not in TEMPLATES]


def _norm(value) -> str:
    text = re.sub(r"\s+", " ", str(value)).strip().casefold()
    return text.replace("\u2013", "-").replace("--", "-")


@pytest.mark.parametrize("path", ZOTERO_FILES, ids=[p.name for p in ZOTERO_FILES])
def test_imported_fields_agree_with_what_zotero_reads(cli, make_library, path):
    folder = make_library("")
    assert cli("import", "--allow-duplicate", str(path), data=folder).exit_code == 0
    records = json.loads(cli("export", "-f", "json", data=folder).stdout or "[]")
    items = zotero_items(path)
    problems = []
    for position, item in enumerate(items):
        record = next((r for r in records if _norm(r.get("title", "")) == _norm(item.get("title", ""))), None)
        if record is None and len(records) == len(items):
            record = records[position]
        if record is None:
            if item.get("title"):
                problems.append(f"{item.get('title')!r}: not imported")
            continue
        for zfield, ours in COMPARED.items():
            theirs = item.get(zfield)
            if theirs in (None, "") or (path.name, zfield) in IMPORT_DIFFERENCES:
                continue
            if zfield == "date":
                theirs = (re.search(r"\d{4}", str(theirs)) or [""])[0]
                if not theirs or theirs == "0000":
                    continue
            if _norm(record.get(ours, "")) != _norm(theirs):
                problems.append(f"{zfield}: Zotero {theirs!r}, innoref {record.get(ours)!r}")
        for role, ours in (("author", "authors"), ("editor", "editors")):
            if (path.name, f"creators/{role}") in IMPORT_DIFFERENCES:
                continue
            people = [_norm(c["lastName"]) for c in item.get("creators", []) if c.get("creatorType") == role]
            mine = [_norm(" ".join(filter(None, (p.get("particle"), p.get("family") or p.get("name")))))
                    for p in record.get(ours, [])]
            if people and people != mine:
                problems.append(f"{role}s: Zotero {people}, innoref {mine}")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- APA by CSL, beside ours

# Where innoref's APA and the CSL styles' differ, on purpose (the README lists these):
APA_DIFFERENCES = {
    "krd2013nyevegar": "APA leaves out a publisher that is the group author (APA 9.24); a CSL style cannot",
    "nou2016-16": "a public document's designation stands where the author does (Sikt); CSL styles know no such type",
    "meldst20-2009-2010": "a public document's designation stands where the author does (Sikt); CSL styles know no such type",
    "folketrygdloven1997": "a law by its short title, with its date code (Sikt); CSL's apa writes US legislation",
    "ks2014presse": "a press release is dated to the day (APA 10.4 Example 59), and its group author is not "
                    "its publisher again (9.24); CSL's apa dates a report by its year",
    "ssb2016data": "\"Version 2.1\" (APA 10.9), and the group author is not the publisher again (9.24); "
                   "CSL's apa prints the number alone",
    "nilsen2022program": "\"Version 1.4.2\" (APA 10.10); CSL's apa prints the number alone",
    "kjeldsen2017film": "a role after the name, \"(Director)\" (APA 9.10); CSL has no roles for names",
    "lindahl2020video": "a username after the name, \"[Kommunekanalen]\" (APA 9.8); CSL has no place for it",
    "rud2015episode": "roles after the names and \"(Season 2, Episode 4)\" (APA 10.12); CSL has neither roles "
                      "nor seasons",
    "aune2019podkast": "a role after the name, \"(Host)\" (APA 10.13); CSL has no roles for names",
    "hansen2016oversatt": "a title's translation in brackets (APA 9.38); CSL has no variable for it",
    "holm2018spesial": "a special issue's journal, volume and issue as an article's (APA 10.1 Example 12); CSL's "
                       "apa prints a periodical as a container: \"In *Journal* (Vol. 9, Issue 2)\"",
}
# And in Norwegian, where the CSL styles' Norwegian terms fall short:
NORWEGIAN_APA_DIFFERENCES = {
    "sand2014avhandling": "\"Doktoravhandling\" (biblatex-apa's Norwegian); CSL prints the genre as written",
    "berg2013foredrag": "the conference and its place; the CSL style's Norwegian leaves the event out",
}


@pytest.mark.parametrize("lang", ["en", "nb", "nn"])
def test_pandoc_renders_our_csl_json_as_our_apa_but_where_we_differ_on_purpose(tmp_path, lang):
    from innoref.formats import apa

    path = tmp_path / "corpus.json"
    path.write_text(render("csl-json", CORPUS), encoding="utf-8")
    theirs = readers.pandoc_apa(path, lang, binary=readers.pandoc3_binary())  # pandoc 2.17 adds "No." to numbers
    ours = {r.key: apa.reference_line(r, CORPUS, lang=lang) for r in CORPUS}
    assert len(theirs) == len(CORPUS)
    differ = sorted(key for key, line in ours.items() if line not in theirs)
    expected = {**APA_DIFFERENCES, **(NORWEGIAN_APA_DIFFERENCES if lang != "en" else {})}
    assert differ == sorted(expected), [ours[k] for k in differ if k not in expected]
