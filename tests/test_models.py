"""Unit tests of the records: persons, references, themes and their rules."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from innoref.models import isbn_is_valid, reference, validate_person, validate_reference, validate_theme
from innoref.records import Person, Reference, Theme, parse_person


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Moland, Leif E.", {"family": "Moland", "given": "Leif E."}),
        ("Ellingsen, May-Britt", {"family": "Ellingsen", "given": "May-Britt"}),
        ("van der Berg, Jan", {"family": "Berg", "given": "Jan", "particle": "van der"}),
        ("King, Jr., Martin Luther", {"family": "King", "given": "Martin Luther", "suffix": "Jr."}),
        ("Martin Luther King", {"family": "King", "given": "Martin Luther"}),
        ("Jan van der Berg", {"family": "Berg", "given": "Jan", "particle": "van der"}),
        ("{Kommunal- og regionaldepartementet}", {"name": "Kommunal- og regionaldepartementet"}),
        ("Aarsæther, Nils", {"family": "Aarsæther", "given": "Nils"}),
    ],
)
def test_parse_person_reads_bibtex_name_forms(text, expected):
    assert parse_person(text) == expected


def test_person_from_text_and_display():
    p = validate_person("van der Berg, Jan")
    assert p.family_full == "van der Berg"
    assert p.display() == "van der Berg, Jan"
    org = validate_person("{Sveriges Kommuner och Landsting}")
    assert org.is_organisation and org.display() == "Sveriges Kommuner och Landsting"


def test_person_needs_family_or_name():
    with pytest.raises(ValidationError, match="family name"):
        validate_person({"given": "Lise"})
    with pytest.raises(ValidationError, match="organisation"):
        validate_person({"name": "Fafo", "family": "Moland"})


@pytest.mark.parametrize(
    "isbn, ok",
    [
        ("978-82-7356-671-3", True),   # Teigen et al. (2010), ØF-rapport 11/2010
        ("978-91-7164-440-4", True),   # Frankelius & Utbult (2009)
        ("978-82-7356-671-4", False),
        ("0-306-40615-2", True),
        ("0-306-40615-3", False),
        ("0-8044-2957-X", True),
        ("12345", False),
    ],
)
def test_isbn_check_digits(isbn, ok):
    assert isbn_is_valid(isbn) is ok


def ref(**fields):
    return validate_reference({"key": "k", "title": "T", **fields})


def test_reference_rules_name_the_problem():
    with pytest.raises(ValidationError, match="not a valid ISBN"):
        ref(isbn="978-82-7356-671-4")
    with pytest.raises(ValidationError, match="not a DOI"):
        ref(doi="doi 10.1000")
    with pytest.raises(ValidationError, match="not a web address"):
        ref(url="fafo.no/rapport")
    with pytest.raises(ValidationError, match="year 3013"):
        ref(year=3013)
    with pytest.raises(ValidationError, match="language code"):
        ref(language="Norwegian")
    with pytest.raises(ValidationError, match="key may not contain"):
        reference(key="moland 2013", title="T")
    with pytest.raises(ValidationError, match="extra_forbidden|Extra inputs"):
        validate_reference({"key": "k", "title": "T", "titel": "typo"})
    with pytest.raises(ValidationError, match="not a real date"):
        ref(date="2013-02-30")
    # A trailing newline is not a harmless extra: it would end up in citations.
    with pytest.raises(ValidationError, match="key may not contain"):
        reference(key="moland2013\n", title="T")
    with pytest.raises(ValidationError, match="language code"):
        ref(language="nb\n")
    with pytest.raises(ValidationError, match="not a date"):
        ref(date="2013\n")


def test_doi_is_kept_bare_and_numbers_as_text():
    r = ref(doi="https://doi.org/10.1177/0020852312467613", number=4, year="2013")
    assert r.doi == "10.1177/0020852312467613"
    assert r.number == "4"
    assert r.year == 2013


def test_date_sets_year_and_must_agree():
    assert ref(date="2013-04-06").year == 2013
    with pytest.raises(ValidationError, match="does not fall in year"):
        ref(date="2013-04-06", year=2012)


def test_unknown_dates_are_real():
    assert ref().year is None


def test_short_authors():
    two = ref(authors=["Frankelius, Per", "Utbult, Mats"])
    many = ref(authors=["Moland, Leif E.", "Lien, Lise", "Nygård, Lars"])
    eds = ref(editors=["Osborne, S. P."])
    assert two.short_authors() == "Frankelius & Utbult"
    assert many.short_authors() == "Moland et al."
    assert eds.short_authors() == "Osborne"


def test_to_data_keeps_field_order_and_drops_empty():
    r = ref(year=2013, authors=["Moland, Leif E."], type="report", extra={"pagetotal": "123"})
    data = r.to_data()
    assert list(data) == ["key", "type", "title", "authors", "year", "extra"]
    assert data["authors"] == [{"family": "Moland", "given": "Leif E."}]


def test_theme_id_shape():
    assert validate_theme({"id": "heltid-deltid", "name": "Heltid–deltid"}).id == "heltid-deltid"
    with pytest.raises(ValidationError):
        validate_theme({"id": "Heltid deltid", "name": "x"})


from hypothesis import given, strategies as st

_letters = st.sampled_from(list("abcdefghijklmnopqrstuvwxyzæøåäöéü"))
_word = st.builds(lambda first, rest: first.upper() + "".join(rest), _letters, st.lists(_letters, min_size=1, max_size=8))
_given_name = st.lists(st.one_of(_word, st.builds(lambda a, b: f"{a}-{b}", _word, _word), st.builds(lambda w: w[0] + ".", _word)),
                       min_size=1, max_size=3).map(" ".join)


@given(
    family=st.one_of(_word, st.builds(lambda a, b: f"{a}-{b}", _word, _word)),
    given_=st.one_of(st.none(), _given_name),
    particle=st.sampled_from([None, "van", "van der", "von", "de"]),
    suffix=st.sampled_from([None, "Jr.", "III"]),
)
def test_person_text_form_round_trips(family, given_, particle, suffix):
    person = Person(family=family, given=given_, particle=particle, suffix=suffix)
    assert validate_person(person.display()) == person


@pytest.mark.parametrize("fields, message", [
    ({"date": "2019-11-21/2019-11"}, "write both ends alike"),
    ({"date": "2019-11/2019-11"}, "ends where it starts"),
    ({"date": "2019-11-22/2019-11-21"}, "ends before it starts"),
    ({"origyear": 2020}, "the original work (2020) cannot be later than this one (2018)"),
])
def test_ranges_and_original_years_that_cannot_be(fields, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        validate_reference({"key": "k", "type": "book", "title": "T", "year": 2018, **fields})
