"""innoref.stats: the counts, the year spans, what APA needs, print only."""

from __future__ import annotations

import pytest

from conftest import SHIPPED, load
from innoref.models import reference, validate_reference
from innoref.records import Reference, Theme
from innoref.stats import columns, lacking_fields, library_stats, stats_of, year_bins


def ref(key: str, **fields) -> Reference:
    fields.setdefault("title", f"Title of {key}")
    return reference(key=key, **fields)


PERSON = [{"family": "Bråthen", "given": "Ketil"}]
ORG = [{"name": "Kommunal- og regionaldepartementet"}]


@pytest.fixture
def shipped():
    return load(SHIPPED)


def test_shipped_reading_list(shipped):
    stats = stats_of(shipped.references(), shipped.themes)
    assert stats.references == 7
    assert stats.span == 1 and (stats.first_year, stats.last_year) == (1999, 2013)
    years = {b.label: b.count for b in stats.years}
    assert list(years) == [str(y) for y in range(1999, 2014)]  # every year in the range, zeros too
    assert years["2010"] == 2 and years["2013"] == 2 and years["2005"] == 0
    assert stats.no_year == 0
    themes = {t.id: t.count for t in stats.themes}
    assert list(themes) == ["sykefravaer", "heltid-deltid", "kompetanse-rekruttering", "omdomme", "innovasjon"]
    assert themes["innovasjon"] == 7 and themes["kompetanse-rekruttering"] == 1 and themes["omdomme"] == 0
    assert [(c.label, c.count) for c in stats.types] == [("report", 6), ("book", 1)]
    assert [(c.label, c.count) for c in stats.languages] == [("nb", 4), ("nn", 2), ("sv", 1)]
    assert len(stats.publishers) == 7 and all(c.count == 1 for c in stats.publishers)
    assert (stats.doi, stats.url, stats.isbn, stats.no_link) == (0, 0, 2, 7)
    assert (stats.availability, stats.print_only) == (1, 1)  # Bolkesjø & Vike: "Finnes ikke elektronisk"
    assert stats.lacking == []  # the shipped list is complete


def test_five_year_spans_when_the_range_is_wide():
    span, bins = year_bins({1999: 1, 2018: 2})  # 20 years: still one bar each
    assert span == 1 and len(bins) == 20 and bins[0].label == "1999" and bins[-1].count == 2
    span, bins = year_bins({1998: 1, 2001: 3, 2018: 2})  # 21 years: five-year spans
    assert span == 5
    assert [(b.label, b.count) for b in bins] == [
        ("1995\u20131999", 1), ("2000\u20132004", 3), ("2005\u20132009", 0), ("2010\u20132014", 0), ("2015\u20132019", 2)]
    assert year_bins({}) == (1, [])


def test_no_year_is_counted_apart():
    stats = stats_of([ref("a", authors=PERSON, year=2010, publisher="Fafo", type="report"),
                      ref("b", authors=PERSON, publisher="Fafo", type="report")])
    assert stats.no_year == 1 and [b.count for b in stats.years] == [1]


@pytest.mark.parametrize(
    "fields, lacking",
    [
        ({"type": "report", "authors": PERSON, "year": 2010, "publisher": "Fafo"}, ()),
        ({"type": "report", "authors": PERSON, "year": 2010}, ("publisher",)),
        ({"type": "report"}, ("authors", "year", "publisher")),
        ({"type": "report", "editors": PERSON, "year": 2010, "publisher": "Fafo"}, ()),
        # APA leaves out the publisher when it is the group author.
        ({"type": "report", "authors": ORG, "year": 2013}, ()),
        ({"type": "thesis", "authors": PERSON, "year": 2010}, ("publisher",)),
        ({"type": "book", "authors": PERSON, "year": 2010}, ("publisher",)),
        ({"type": "article", "authors": PERSON, "year": 2010}, ("journal",)),
        ({"type": "article", "authors": PERSON, "year": 2010, "journal": "Stat & Styring"}, ()),
        ({"type": "chapter", "authors": PERSON, "year": 2010}, ("booktitle", "publisher")),
        ({"type": "chapter", "authors": PERSON, "year": 2010, "booktitle": "Boka", "publisher": "Fagbokforlaget"}, ()),
        ({"type": "webpage", "authors": ORG, "year": 2013}, ("url",)),
        ({"type": "webpage", "authors": ORG, "year": 2013, "url": "https://www.regjeringen.no/"}, ()),
        ({"type": "misc", "authors": PERSON, "year": 2010}, ()),
        # The other kinds: the periodical, work or event they are part of, or their publisher.
        ({"type": "magazine", "authors": PERSON, "year": 2019}, ("journal",)),
        ({"type": "blogpost", "authors": PERSON, "year": 2021, "journal": "Kommuneblogg"}, ("url",)),
        ({"type": "presentation", "authors": PERSON, "year": 2013}, ("event",)),
        ({"type": "tvepisode", "authors": PERSON, "year": 2015}, ("booktitle",)),
        ({"type": "dataset", "authors": ORG, "year": 2016}, ()),
        ({"type": "film", "authors": PERSON, "year": 2017}, ("publisher",)),
        ({"type": "manuscript", "authors": PERSON, "year": 2024}, ()),
    ],
)
def test_what_apa_needs(fields, lacking):
    record = ref("k", **fields)
    assert lacking_fields(record) == lacking
    assert lacking_fields(record.to_data()) == lacking  # the same from plain data


def test_lacking_records_by_key_in_library_order():
    refs = [
        ref("complete", type="report", authors=PERSON, year=2010, publisher="Fafo"),
        ref("noyear", type="report", authors=PERSON, publisher="Fafo"),
        ref("nojournal", type="article", authors=PERSON, year=2001),
    ]
    stats = stats_of(refs)
    assert [(x.key, x.type, x.fields) for x in stats.lacking] == [
        ("noyear", "report", ("year",)), ("nojournal", "article", ("journal",))]
    assert stats.lacking_counts() == {"year": 1, "journal": 1}


def test_identifiers_and_print_only():
    refs = [
        ref("doi", doi="10.1234/abc", availability="also in print"),
        ref("url", url="https://www.fafo.no/rapport", isbn="978-82-7356-671-3"),
        ref("paper", availability="Finnes ikke elektronisk"),
        ref("nothing"),
    ]
    stats = stats_of(refs)
    assert (stats.doi, stats.url, stats.isbn, stats.no_link) == (1, 1, 1, 2)
    assert (stats.availability, stats.print_only) == (2, 1)  # a DOI to read it at is not print only


def test_themes_in_file_order_unknown_ids_after_and_each_counted_once_per_record():
    themes = [Theme(id="omdomme", name="Omdømme"), Theme(id="innovasjon", name="Innovasjon")]
    refs = [ref("a", themes=["innovasjon", "innovasjon"]), ref("b", themes=["zeta", "innovasjon"]), ref("c")]
    stats = stats_of(refs, themes)
    assert [(t.id, t.name, t.count, t.defined) for t in stats.themes] == [
        ("omdomme", "Omdømme", 0, True), ("innovasjon", "Innovasjon", 2, True), ("zeta", "zeta", 1, False)]
    assert stats.no_theme == 1


def test_publishers_most_first_ties_alphabetical_spaces_normalised():
    refs = [ref("a", publisher="Fafo"), ref("b", publisher="NOVA"), ref("c", publisher=" Fafo "),
            ref("d", publisher="Agderforskning"), ref("e")]
    stats = stats_of(refs)
    assert [(c.label, c.count) for c in stats.publishers] == [("Fafo", 2), ("Agderforskning", 1), ("NOVA", 1)]
    assert stats.no_publisher == 1


def test_counting_a_selection(shipped):
    cols = columns(shipped.references())
    keys = [r.key for r in shipped.references()]
    chosen = [keys.index("bolkesjo1999fylkeskommunen"), keys.index("moland2010strategisk")]
    stats = library_stats(cols, shipped.themes, chosen)
    assert stats.references == 2
    assert (stats.first_year, stats.last_year) == (1999, 2010)
    assert {t.id: t.count for t in stats.themes}["kompetanse-rekruttering"] == 1
    assert stats.print_only == 1 and stats.isbn == 0
    assert library_stats(cols, shipped.themes, []).references == 0


def test_columns_are_the_same_from_models_and_from_plain_data(shipped):
    refs = shipped.references() + [ref("odd", type="chapter", year=2001)]
    assert columns(refs) == columns([r.to_data() for r in refs])


def test_json_shape(shipped):
    data = stats_of(shipped.references(), shipped.themes).to_json()
    assert data["references"] == 7
    assert data["years"]["span"] == 1 and data["years"]["first"] == 1999 and data["years"]["last"] == 2013
    assert data["identifiers"] == {"doi": 0, "url": 0, "isbn": 2, "no_link": 7}
    assert data["availability"] == {"with_note": 1, "print_only": 1}
    assert data["lacking"] == [] and data["lacking_counts"] == {}


def test_work_in_press_needs_no_year():
    record = ref("k", type="manuscript", authors=PERSON, status="in press")
    assert lacking_fields(record) == ()
