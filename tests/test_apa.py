"""APA 7 reference lists and citations against the authorities' own examples.

Checked against (via the search corpora, November 2025):
* APA Publication Manual 7th ed. reference examples as reproduced by university guides
  (Concordia, UAlberta, Bond, DLSU quoting apastyle.apa.org): Aron et al. (2019) and Dillard
  (2020) chapters, Stacks et al. (Eds.) (2019), American Psychological Association (2020),
  Harris (2014) dissertation, *Tuscan white bean pasta* (2018), U.S. Census Bureau (n.d.)
  with "Retrieved July 3, 2019, from", Grady et al. (2019), Kalnay et al. (1996) for 21+
  authors, Judge & Kammeyer-Mueller (2012a, 2012b).
* Sikt's Norsk APA-manual examples as Søk & Skriv publishes them (sok-og-skriv-web,
  docs/referansestiler/apa-7th.md): "Gullestad, S. E. & Killingmo, B. (2013) ... (2. utg.)",
  "I I. B. Jørgensen & N. Askeland (Red.), ... (s. 157–178)", "(2018, 26. september)",
  "[Doktorgradsavhandling]", "(NOVA Rapport 8/12)", "u.å.", "Hentet ... fra", the
  Vareide title ending in "?", ", . . . " before the last of 21+ authors, "&" in
  parentheses and "og" in running text.
* The CSL styles apa and norsk-apa-manual (citation-style-language/styles): "et al." kept in
  Norwegian, no delimiter before the last name in the reference list (delimiter-precedes-last
  never), year only for reports, full date for web pages; the nn-NO locale's "henta"/"frå".
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import load
from innoref.formats import Options, apa, render
from innoref.models import reference, validate_reference
from innoref.records import Reference

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"


def load_file(path: Path, tmp_path_factory) -> dict[str, Reference]:
    folder = tmp_path_factory.mktemp("lib")
    shutil.copy(path, folder / "literature.yaml")
    return {r.key: r for r in load(folder).references()}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    return load_file(HERE.parent / "data" / "literature.yaml", tmp_path_factory)


@pytest.fixture(scope="module")
def edge(tmp_path_factory):
    return load_file(GOLDEN / "apa-edge.yaml", tmp_path_factory)


def line(ref: Reference, lang: str = "en", scope=None, markup: str = "markdown") -> str:
    return apa.reference_line(ref, scope, lang=lang, markup=markup)


# ---------------------------------------------------------------- the reading list


def test_moland_example_from_domain_md_verbatim(shipped):
    assert line(shipped["moland2013laeringsnettverk"]) == (
        "Moland, L. E., Lien, L., Nygård, L., & Hofstad, T. (2013). "
        "*Læringsnettverk og innovasjon i kommunene* (Fafo-rapport 2013:52). Fafo."
    )


READING_LIST_EN = [
    "Bolkesjø, T., & Vike, H. (1999). *Fylkeskommunen som regional samordningsmyndighet og utviklingsaktør* "
    "(Rapport 4/1999). Telemarksforsking.",
    "Frankelius, P., & Utbult, M. (2009). *Den innovativa kommunen – lärdomar från åtta kommuner och relevant "
    "forskning*. Sveriges Kommuner och Landsting.",
    # Group author: the publisher is the author and is left out.
    "Kommunal- og regionaldepartementet. (2013). *Nye vegar til framtidas velferd: Strategi for innovasjon i "
    "kommunesektoren*.",
    # Same first author: the second author decides (Bråthen before Lien); initials of every given name.
    "Moland, L. E., Bråthen, K., Ure, O. B., Renå, H., Skattum, C., & Sollien, T. H. (2010). "
    "*Strategisk kompetanseutvikling i kommunene*. Asplan Viak.",
    "Moland, L. E., Lien, L., Nygård, L., & Hofstad, T. (2013). *Læringsnettverk og innovasjon i kommunene* "
    "(Fafo-rapport 2013:52). Fafo.",
    "Ringholm, T., Aarsæther, N., Bogason, P., & Ellingsen, M.-B. (2011). *Innovasjonsprosesser i norske "
    "kommuner: Åpninger, pådrivere og mellomromskompetanse* (Rapport 2/2011). Norut Tromsø.",
    "Teigen, H., Skjeggedal, T., & Skålholt, A. (2010). *Kommunesektorens innovasjonsarbeid – ein analyse av "
    "verkemiddel og verkemiddelaktørar* (ØF-rapport 11/2010). Østlandsforskning.",
]


def test_seven_reading_list_items_render_exactly(shipped):
    assert render("apa", shipped.values(), Options(markup="markdown")).splitlines() == READING_LIST_EN


def test_norwegian_reading_list_has_no_comma_before_ampersand(shipped):
    lines = render("apa", shipped.values(), Options(lang="nb", markup="markdown")).splitlines()
    assert lines == [l.replace(", &", " &") for l in READING_LIST_EN]


@pytest.mark.parametrize("lang", ["en", "nb", "nn"])
@pytest.mark.parametrize("markup", ["text", "markdown", "html"])
def test_reading_list_golden_files(shipped, lang, markup):
    expected = (GOLDEN / f"apa-reading-list-{lang}.{ {'text': 'txt', 'markdown': 'md', 'html': 'html'}[markup] }")
    assert render("apa", shipped.values(), Options(lang=lang, markup=markup)) == expected.read_text(encoding="utf-8")


def test_markups(shipped):
    ref = [shipped["frankelius2009innovativa"]]
    assert render("apa", ref, Options(markup="text")) == (
        "Frankelius, P., & Utbult, M. (2009). Den innovativa kommunen – lärdomar från åtta kommuner och "
        "relevant forskning. Sveriges Kommuner och Landsting.\n")
    assert render("apa", ref, Options(markup="html")).startswith(
        "Frankelius, P., &amp; Utbult, M. (2009). <i>Den innovativa kommunen")


# ---------------------------------------------------------------- edge cases, rule by rule

EDGE_EN = {
    "grady2019emotions": "Grady, J. S., Her, M., Moreno, G., Perez, C., & Yelinek, J. (2019). Emotions in "
    "storybooks: A comparison of storybooks that represent ethnic and racial groups in the United States. "
    "*Psychology of Popular Media Culture*, *8*(3), 207–217. <https://doi.org/10.1037/ppm0000185>",
    # 21+ authors: first 19, ". . .", the last; "<" ">" in a DOI %-encoded in its URL.
    "kalnay1996ncep": "Kalnay, E., Kanamitsu, M., Kistler, R., Collins, W., Deaven, D., Gandin, L., Iredell, M., "
    "Saha, S., White, G., Woollen, J., Zhu, Y., Chelliah, M., Ebisuzaki, W., Higgins, W., Janowiak, J., Mo, K. C., "
    "Ropelewski, C., Wang, J., Leetmaa, A., . . . Joseph, D. (1996). The NCEP/NCAR 40-year reanalysis project. "
    "*Bulletin of the American Meteorological Society*, *77*(3), 437–471. "
    "<https://doi.org/10.1175/1520-0477(1996)077%3C0437:TNYRP%3E2.0.CO;2>",
    "stacks2019integrated": "Stacks, D. W., Salwen, M. B., & Eichhorn, K. C. (Eds.). (2019). *An integrated "
    "approach to communication theory and research* (3rd ed.). Routledge.",
    "aron2019culinary": "Aron, L., Botella, M., & Lubart, T. (2019). Culinary arts: Talent and their development. "
    "In R. F. Subotnik, P. Olszewski-Kubilius, & F. C. Worrell (Eds.), *The psychology of high performance: "
    "Developing human potential into domain-specific talent* (pp. 345–359). American Psychological Association.",
    "dillard2020currents": "Dillard, J. P. (2020). Currents in the study of persuasion. In M. B. Oliver, "
    "A. A. Raney, & J. Bryant (Eds.), *Media effects: Advances in theory and research* (4th ed., pp. 115–129). "
    "Routledge.",
    "apa2020manual": "American Psychological Association. (2020). *Publication manual of the American "
    "Psychological Association* (7th ed.). <https://doi.org/10.1037/0000165-000>",
    "harris2014instructional": "Harris, L. (2014). *Instructional leadership perceptions and practices of "
    "elementary school leaders* [Unpublished doctoral dissertation]. University of Virginia.",
    "budgetbytes2018tuscan": "*Tuscan white bean pasta*. (2018, February 25). Budget Bytes. "
    "<https://www.budgetbytes.com/tuscan-white-bean-pasta/>",
    "census-popclock": "U.S. Census Bureau. (n.d.). *U.S. and world population clock*. U.S. Department of "
    "Commerce. Retrieved July 3, 2019, from <https://www.census.gov/popclock/>",
    "vareide2018hvorfor": "Vareide, K. (2018). *Hvorfor vokser steder? Og hvordan kan utviklingen påvirkes?* "
    "Cappelen Damm. <https://doi.org/10.23865/noasp.32>",
    "berg2015particle": "van der Berg, J., & de Vries, A. M. (2015). *Lokaldemokrati i praksis*. Fagbokforlaget.",
    "king2016suffix": "King, M. L., Jr. (n.d.). *Strength to love*. Fortress Press.",
}


@pytest.mark.parametrize("key", sorted(EDGE_EN))
def test_edge_case_english(edge, key):
    assert line(edge[key]) == EDGE_EN[key]


def test_same_authors_same_year_get_letters_by_title(edge):
    scope = list(edge.values())
    assert line(edge["judge2012general"], scope=scope).startswith(
        "Judge, T. A., & Kammeyer-Mueller, J. D. (2012a). General and specific measures")
    assert line(edge["judge2012aiming"], scope=scope).startswith(
        "Judge, T. A., & Kammeyer-Mueller, J. D. (2012b). On the value of aiming high")
    # Alone, a work needs no letter: letters belong to the references shown together.
    assert "(2012)." in line(edge["judge2012aiming"])


EDGE_NB = {
    "gullestad2013underteksten": "Gullestad, S. E. & Killingmo, B. (2013). *Underteksten: Psykoanalytisk "
    "terapi i praksis* (2. utg.). Universitetsforlaget.",
    "svensen2019skrive": "Svensen, H. H. (2019). Å skrive for livet: Populærvitenskap, forskermemoarer og IMRAD. "
    "I I. B. Jørgensen & N. Askeland (Red.), *Kreativ akademisk skriving* (s. 157–178). Universitetsforlaget.",
    "hansen2012likestilling": "Hansen, T. & Slagsvold, B. (2012). *Likestilling hjemme* (NOVA Rapport 8/12). "
    "Norsk institutt for forskning om oppvekst, velferd og aldring. <https://www.nova.no/>",
    "lund2018atte": "Lund, V. (2018, 26. september). *Åtte av ti reiser med bil*. SSB. "
    "<https://www.ssb.no/transport-og-reiseliv/artikler-og-publikasjoner/atte-av-ti-reiser-med-bil>",
    "jerpseth2017older": "Jerpseth, H. (2017). *Older patients with late-stage COPD: Care and clinical "
    "decision-making: A qualitative study with perspectives of patients, nurses and physicians* "
    "[Doktorgradsavhandling]. Universitetet i Oslo.",
    "census-popclock": "U.S. Census Bureau. (u.å.). *U.S. and world population clock*. U.S. Department of "
    "Commerce. Hentet 3. juli 2019 fra <https://www.census.gov/popclock/>",
    "stacks2019integrated": "Stacks, D. W., Salwen, M. B. & Eichhorn, K. C. (Red.). (2019). *An integrated "
    "approach to communication theory and research* (3. utg.). Routledge.",
    "dillard2020currents": "Dillard, J. P. (2020). Currents in the study of persuasion. I M. B. Oliver, "
    "A. A. Raney & J. Bryant (Red.), *Media effects: Advances in theory and research* (4. utg., s. 115–129). "
    "Routledge.",
}


@pytest.mark.parametrize("key", sorted(EDGE_NB))
def test_edge_case_norwegian(edge, key):
    assert line(edge[key], lang="nb") == EDGE_NB[key]


def test_nynorsk_retrieval_words(edge):
    assert line(edge["census-popclock"], lang="nn").endswith(
        "Henta 3. juli 2019 frå <https://www.census.gov/popclock/>")


@pytest.mark.parametrize("lang", ["en", "nb", "nn"])
def test_edge_golden_files(edge, lang):
    text = render("apa", edge.values(), Options(lang=lang, markup="markdown"))
    assert text == (GOLDEN / f"apa-edge-{lang}.md").read_text(encoding="utf-8")


def test_article_number_in_place_of_pages():
    ref = reference(key="a", type="article", title="T", authors=["Doe, Jane"], year=2020, journal="J",
                    volume="3", issue="1", number="e0123")
    assert line(ref, markup="text") == "Doe, J. (2020). T. J, 3(1), Article e0123."
    assert line(ref, lang="nb", markup="text") == "Doe, J. (2020). T. J, 3(1), Artikkel e0123."


def test_single_page_and_single_editor_in_chapter():
    ref = reference(key="c", type="chapter", title="T", authors=["Doe, Jane"], editors=["Roe, R."], year=2020,
                    booktitle="B", pages="5", publisher="P")
    assert line(ref, markup="text") == "Doe, J. (2020). T. In R. Roe (Ed.), B (p. 5). P."


def test_10_3_ex49_an_entry_with_no_author_puts_its_title_first_not_the_editor():
    ref = reference(key="h", type="entry", title="Heuristic", editors=["Zalta, Edward N."], year=2022,
                    booktitle="Stanford encyclopedia of philosophy", publisher="Stanford University")
    assert line(ref, markup="text") == (
        "Heuristic. (2022). In E. N. Zalta (Ed.), Stanford encyclopedia of philosophy. Stanford University.")
    assert cite([ref], [ref]) == "(\u201cHeuristic,\u201d 2022)"  # 8.14: the comma inside the quotation marks
    chapter = reference(key="c", type="chapter", title="T", editors=["Roe, R."], year=2020, booktitle="B",
                        publisher="P")
    assert line(chapter, markup="text") == "T. (2020). In R. Roe (Ed.), B. P."


def test_9_34_a_short_doi_is_a_doi():
    ref = reference(key="a", type="article", title="T", authors=["Doe, Jane"], year=2020, journal="J",
                    doi="10/fg6rf9")
    assert line(ref, markup="text") == "Doe, J. (2020). T. J. https://doi.org/10/fg6rf9"


def test_initials():
    assert apa.initials("May-Britt") == "M.-B."
    assert apa.initials("Odd Bjørn") == "O. B."
    assert apa.initials("Leif E.") == "L. E."
    assert apa.initials("J.R.R.") == "J. R. R."


# ---------------------------------------------------------------- in-text citations


def cite(refs, scope, **kw):
    return apa.citation(list(refs), list(scope), **kw)


def test_citations_of_the_reading_list(shipped):
    s = shipped.values()
    assert cite([shipped["moland2013laeringsnettverk"]], s) == "(Moland et al., 2013)"
    assert cite([shipped["frankelius2009innovativa"]], s) == "(Frankelius & Utbult, 2009)"
    # Several: in reference-list order, semicolons.
    assert cite([shipped["teigen2010kommunesektorens"], shipped["moland2013laeringsnettverk"]], s) == \
        "(Moland et al., 2013; Teigen et al., 2010)"
    assert cite([shipped["moland2013laeringsnettverk"]], s, narrative=True) == "Moland et al. (2013)"
    assert cite([shipped["frankelius2009innovativa"]], s, narrative=True) == "Frankelius and Utbult (2009)"
    assert cite([shipped["frankelius2009innovativa"]], s, narrative=True, lang="nb") == \
        "Frankelius og Utbult (2009)"
    assert cite([shipped["frankelius2009innovativa"]], s, lang="nb") == "(Frankelius & Utbult, 2009)"
    assert cite([shipped["krd2013nyevegar"]], s) == "(Kommunal- og regionaldepartementet, 2013)"


def test_citation_letters_and_grouped_years(edge):
    s = edge.values()
    both = [edge["judge2012aiming"], edge["judge2012general"]]
    assert cite(both, s) == "(Judge & Kammeyer-Mueller, 2012a, 2012b)"
    assert cite(both, s, narrative=True) == "Judge and Kammeyer-Mueller (2012a, 2012b)"
    assert cite([edge["judge2012aiming"]], [edge["judge2012aiming"]]) == "(Judge & Kammeyer-Mueller, 2012)"


def test_citation_no_date_and_no_author(edge):
    s = edge.values()
    assert cite([edge["census-popclock"]], s) == "(U.S. Census Bureau, n.d.)"
    assert cite([edge["census-popclock"]], s, lang="nb") == "(U.S. Census Bureau, u.å.)"
    assert cite([edge["budgetbytes2018tuscan"]], s, markup="markdown") == "(*Tuscan white bean pasta*, 2018)"


def test_same_year_et_al_ambiguity_names_enough_authors():
    # APA 8.18: Kapoor, Bloom, Montez, et al. (2017) and Kapoor, Bloom, Zucker, et al. (2017);
    # "et al." is plural, so when only the last author differs every name is written.
    six = ["Kapoor, A.", "Bloom, B.", "Montez, C.", "Dunn, D.", "Ford, F.", "Gray, G."]
    a = reference(key="a", title="A", year=2017, authors=six)
    b = reference(key="b", title="B", year=2017, authors=six[:2] + ["Zucker, E."] + six[3:])
    assert cite([a], [a, b]) == "(Kapoor, Bloom, Montez, et al., 2017)"
    assert cite([b], [a, b], narrative=True) == "Kapoor, Bloom, Zucker, et al. (2017)"
    assert cite([a], [a]) == "(Kapoor et al., 2017)"
    c = reference(key="c", title="C", year=2017, authors=six[:3] + ["Hill, H."])
    d = reference(key="d", title="D", year=2017, authors=six[:4])
    assert cite([c], [c, d]) == "(Kapoor, Bloom, Montez, & Hill, 2017)"
    assert cite([c], [c, d], narrative=True, lang="nb") == "Kapoor, Bloom, Montez og Hill (2017)"


def test_9_47_works_of_one_author_still_running_take_letters_as_undated_ones_do():
    refs = [reference(key=k, type="podcast", title=t, authors=["Berg, Ola (Host)"], year=2018, date="2018/..",
                      publisher="KS") for k, t in (("a", "Alpha"), ("b", "Beta"))]
    assert [line(r, scope=refs, markup="text").split(" ")[3] for r in apa.ordered(refs)] == ["(2018–present-a).",
                                                                                   "(2018–present-b)."]
    assert cite(refs, refs) == "(Berg, 2018–present-a, 2018–present-b)"


def test_9_47_letters_go_by_the_date_as_printed():
    """A 2018 book, a podcast running since 2018 and three works in press by one author: only the
    works in press share a date, so only they take letters."""
    base = dict(authors=["Vik, Ola"], publisher="P")
    refs = [reference(key="b", type="book", title="Book", year=2018, **base),
            reference(key="p", type="podcast", title="Podcast", year=2018, date="2018/..", **base),
            *[reference(key=f"m{i}", type="manuscript", title=t, year=y, status="in press", **base)
              for i, (t, y) in enumerate((("Alpha", 2018), ("Beta", 2019), ("Gamma", None)))]]
    dates = sorted(line(r, scope=refs, markup="text").removeprefix("Vik, O. ").split(". ")[0] + "." for r in refs)
    assert dates == ["(2018).", "(2018–present).", "(in press-a).", "(in press-b).", "(in press-c)."]


def test_9_14_a_dated_works_days_across_a_years_end():
    ref = reference(key="c", type="presentation", title="T", authors=["Berg, Eva"], year=2019,
                    date="2019-12-30/2020-01-02", event="Vinterkonferansen", place="Tromsø")
    assert line(ref, markup="text").startswith("Berg, E. (2019, December 30–2020, January 2). T")
    assert line(ref, lang="nb", markup="text").startswith("Berg, E. (2019, 30. desember–2020, 2. januar). T")


def test_10_8_a_manuscript_by_its_status():
    words = {status: line(reference(key="m", type="manuscript", title="T", authors=["Dahl, Jon"], year=2024,
                                    status=status), markup="text") for status in (None, "submitted", "in press")}
    assert words[None] == "Dahl, J. (2024). T [Unpublished manuscript]."
    assert words["submitted"] == "Dahl, J. (2024). T [Manuscript submitted for publication]."
    assert words["in press"] == "Dahl, J. (in press). T."
