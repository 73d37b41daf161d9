"""APA 7 for every kind of work the manual covers, checked against biblatex-apa.

``fixtures/apa-kinds.bib`` holds one entry per kind of work (each commented with the manual's
section and example), written as biblatex-apa wants them. The test imports that file with
``innoref import``, exports the reference list with ``innoref export -f apa``, and compares it
line by line, in order, with biblatex-apa's own rendering of the same file (pdflatex + biber,
read back from the PDF with its italics: ``biblatex_apa.py``).

Where the two differ, the difference is listed below as the exact replacements that turn
biblatex-apa's line into innoref's, each with the rule that decides it. A difference that is not
listed, or a listed one that no longer happens, fails the test. In Norwegian, biblatex-apa 9.16
is a translation of the English manual, not Sikt's Norsk APA-manual, which innoref follows: those
departures are mended first, for every line (``NORWEGIAN_MENDS``), then the entries' own listed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from biblatex_apa import normalise, render_entries

FIXTURE = Path(__file__).parent / "fixtures" / "apa-kinds.bib"

# biblatex-apa -> innoref, per entry: ([(biblatex-apa's text, innoref's text), ...], the reason).
EN_DIFFERENCES = {
    # biblatex-apa departs from the manual.
    "report-series-number": ([("(Fafo-rapport No. 2019:14)", "(Fafo-rapport 2019:14)")],
                             "APA 10.4: the number as the report gives it; biblatex-apa puts 'No.' after every "
                             "type (plk/biblatex-apa#242)"),
    "report-group-number": ([("(NIH Publication No. 18-2424)", "(NIH Publication 18-2424)")],
                            "as report-series-number: innoref prints the series and the number as given"),
    "report-group-author-publisher": (
        [("*Kommunereform: Veileder for kommunene*. Kommunal- og moderniseringsdepartementet.",
          "*Kommunereform: Veileder for kommunene*.")],
        "APA 9.24 and 10.4 Example 54: a publisher that is the group author is left out"),
    "report-number-only": ([("(No. 7)", "(Report No. 7)")],
                           "APA 10.4's template: '(Report No. 123)' when a report has a number and no series"),
    # What innoref does not model, or keeps as it is written.
    "blog-post": (
        [("(2018, September 15). Hva er tjenestedesign i en kommune? *Innovasjonsbloggen*.",
          "(2018). *Hva er tjenestedesign i en kommune?* Innovasjonsbloggen.")],
        "biblatex-apa prints every @misc as a blog post; an imported @misc stays misc (innoref's own export "
        "marks a blog post, APA 10.1 Example 17, with innoreftype)"),
    "review-of-book": (
        [("Innovation without the hype [Review of the book *The innovative municipality*, by T. Rasmussen].",
          "Innovation without the hype.")],
        "a review's related work (APA 10.7 Example 68) is not modelled; the fields stay in extra"),
}

# biblatex-apa's Norwegian (9.16) against Sikt's Norsk APA-manual, mended in every line.
NORWEGIAN_MENDS = [
    (r", & ", " & ", "Sikt: no comma before '&' (Vike, H. & Ringholm, T.)"),
    (r"\(udatert\)", "(u.å.)", "Sikt: 'u.å.' for no date"),
    (r"(Hent(?:et|a) \d+\. \w+ \d{4}), (fra|frå) ", r"\1 \2 ", "Sikt: 'Hentet 22. juni 2018 fra https://...'"),
    (r"\((\d{4}) (\w+)\)", r"(\1, \2)", "Sikt's dates: '(2018, 26. september)', so a month alone '(2021, mars)'"),
    (r"\(([^()]*\S) Nr\. ", r"(\1 ", "a series and its number as the report gives them: '(Fafo-rapport 2019:14)'"),
]
# Entries biblatex-apa 9.16 cannot yet print in Norwegian: strings norsk-apa.lbx declares but does
# not define (printed bold or as raw keys), and a date range it garbles.
NORWEGIAN_GAPS = {
    "journal-article-number": [("**jourarticle**", "Artikkel")],
    "dissertation-proquest": [("(**publication**Nr. 28123456) [Doktoravhandling,",
                               "(Publikasjonsnr. 28123456) [Doktoravhandling,")],
    "journal-inpress": [("(i trykken)", "(i trykk)")],  # the CSL locale nb-NO's "i trykk"
    "conference-paper": [("(2019, 21. november–22)", "(2019, 21.–22. november)")],
    "conference-poster": [("(2019, 20. november–23)", "(2019, 20.–23. november)")],
    "manuscript-unpublished": [("[manunpub]", "[Unpublished manuscript]")],
    "manuscript-submitted": [("[mansub]", "[Manuscript submitted for publication]")],
    "film": [("[film]", "[Film]")],
    "tv-episode": [("[tvepisode]", "[TV series episode]")],
    "youtube-video": [("[video]", "[Video]")],
    "youtube-group": [("[video]", "[Video]")],
    "podcast": [("(**host**)", "(Vert)"), ("(2018–**present**)", "(2018–i dag)"), ("[podcast]", "[Audio podcast]")],
    "podcast-episode": [("(**host**)", "(Vert)"), ("[podcastepisode]", "[Audio podcast episode]")],
}
NO_DIFFERENCES = {
    "report-group-author-publisher": EN_DIFFERENCES["report-group-author-publisher"],
    "report-number-only": ([("(Nr. 7)", "(Rapport nr. 7)")], EN_DIFFERENCES["report-number-only"][1]),
    "blog-post": (
        [("(2018, 15. september). Hva er tjenestedesign i en kommune? *Innovasjonsbloggen*.",
          "(2018). *Hva er tjenestedesign i en kommune?* Innovasjonsbloggen.")], EN_DIFFERENCES["blog-post"][1]),
    "review-of-book": (
        [("Innovation without the hype [Review of the book *The innovative municipality*, av T. Rasmussen].",
          "Innovation without the hype.")], EN_DIFFERENCES["review-of-book"][1]),
}


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The fixture imported with innoref's CLI, the one entry biblatex-apa does not list removed."""
    from typer.testing import CliRunner

    from innoref.cli import load_commands

    folder = tmp_path_factory.mktemp("kinds")
    (folder / "literature.yaml").write_text("", encoding="utf-8")
    (folder / "themes.yaml").write_text((Path(__file__).parent.parent / "data" / "themes.yaml").read_text("utf-8"),
                                        encoding="utf-8")
    app, runner = load_commands(), CliRunner()

    def run(*args):
        result = runner.invoke(app, ["--data", str(folder), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.stdout

    run("import", str(FIXTURE))
    # options = {skipbib}: the target of a review's related field; biblatex-apa does not list it.
    run("remove", "review-target-book", "--yes")
    return run


def _compare(ours: list[str], theirs: list[tuple[str, str]], differences: dict, mends=()) -> list[str]:
    problems = []
    assert len(ours) == len(theirs), (len(ours), len(theirs))
    for line, (key, text) in zip(ours, theirs):
        expected = normalise(text)
        for pattern, replacement, _why in mends:
            expected = re.sub(pattern, replacement, expected)
        changes = differences.get(key, ([], ""))[0]
        for old, new in changes:
            if old not in expected:
                problems.append(f"{key}: the listed difference {old!r} is no longer in biblatex-apa's line")
            expected = expected.replace(old, new)
        if normalise(line) != expected:
            problems.append(f"{key}:\n  innoref:          {normalise(line)}\n  biblatex-apa (+): {expected}")
    return problems


@pytest.mark.parametrize("lang", ["en", "nb", "nn"])
def test_every_kind_of_work_as_biblatex_apa_prints_it(imported, lang):
    theirs = render_entries(FIXTURE.read_text("utf-8"), lang=lang)
    ours = imported("export", "-f", "apa", "--markup", "markdown", "--lang", lang).splitlines()
    if lang == "en":
        problems = _compare(ours, theirs, EN_DIFFERENCES)
    else:
        differences = {key: (list(changes), why) for key, (changes, why) in NO_DIFFERENCES.items()}
        for key, gaps in NORWEGIAN_GAPS.items():
            differences.setdefault(key, ([], "biblatex-apa 9.16's Norwegian gaps"))[0].extend(gaps)
        problems = _compare(ours, theirs, differences, NORWEGIAN_MENDS)
    assert not problems, "\n".join(problems)
