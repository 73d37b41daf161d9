"""The query language: parsing into predicates, matching, and malformed queries.

Every example of issue 3 is here, matched against the shipped reading list.
"""

from __future__ import annotations

import pytest

from conftest import SHIPPED, load
from innoref.location import locate, shipped_data
from innoref.errors import QueryError
from innoref.query import And, Everything, Lang, Not, Or, Text, Type, Year, parse_query
from innoref.search import matched_words


@pytest.fixture
def shipped():
    return load(SHIPPED)


def keys(lib, query: str) -> set[str]:
    return {r.key for r in lib.references(lib.select(parse_query(query)))}


def ranked(lib, query: str, limit: int | None = None):
    """(key, score, matched words) of each hit, best first, and how many matched."""
    parsed = parse_query(query)
    hits = lib.search(parsed, limit)
    refs = lib.references(h.id for h in hits)
    return [(r.key, h.score, matched_words(r, parsed.scoring())) for r, h in zip(refs, hits)], hits.total


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    "text, tree",
    [
        ("innovasjon", Text(("innovasjon",))),
        ("innovasjon kommune", And((Text(("innovasjon",)), Text(("kommune",))))),
        ('"nye vegar"', Text(("nye", "vegar"))),
        ("author:moland", Text(("moland",), "author")),
        ('publisher:"Høgskolen i Lillehammer"', Text(("hogskolen", "i", "lillehammer"), "publisher")),
        ("year:2013", Year(2013, 2013)),
        ("year:2010..2013", Year(2010, 2013)),
        ("year:>=2010", Year(2010, None)),
        ("year:>2010", Year(2011, None)),
        ("year:<2000", Year(None, 1999)),
        ("year:<=2000", Year(None, 2000)),
        ("year:2010..", Year(2010, None)),
        ("year:..2013", Year(None, 2013)),
        ("-term", Not(Text(("term",)))),
        ("-author:moland", Not(Text(("moland",), "author"))),
        ("NOT term", Not(Text(("term",)))),
        ("a OR b", Or((Text(("a",)), Text(("b",))))),
        ("(author:moland OR author:teigen) year:2010",
         And((Or((Text(("moland",), "author"), Text(("teigen",), "author"))), Year(2010, 2010)))),
        ("a b OR c", Or((And((Text(("a",)), Text(("b",)))), Text(("c",))))),
        ("-(a OR b)", Not(Or((Text(("a",)), Text(("b",)))))),
        ("type:report", Type("report")),
        ("lang:NN", Lang("nn")),
        ("theme:kompetanse-rekruttering", Text(("kompetanse", "rekruttering"), "theme")),
        ("May-Britt", Text(("may", "britt"))),
        ("2013:52", Text(("2013", "52"))),
        ("Bråthen", Text(("brathen",))),
        ("authors:moland", Text(("moland",), "author")),
        ("language:sv", Lang("sv")),
        ("a AND b", And((Text(("a",)), Text(("b",))))),
        ("https://fafo.no", Text(("https", "fafo", "no"))),
        ("innovasjon – kommune", And((Text(("innovasjon",)), Text(("kommune",))))),
    ],
)
def test_parse(text, tree):
    assert parse_query(text).root == tree


def test_empty_query_matches_everything():
    assert isinstance(parse_query("").root, Everything)
    assert isinstance(parse_query("   ").root, Everything)


def test_queries_combine_by_and():
    both = parse_query("innovasjon") & parse_query("year:2013")
    assert both.root == And((Text(("innovasjon",)), Year(2013, 2013)))
    assert (parse_query("") & parse_query("x")).root == Text(("x",))


# --------------------------------------------------------------------------- malformed


@pytest.mark.parametrize(
    "text, message, position",
    [
        ('"innovasjon kommune', "unclosed quote", 0),
        ('author:"Moland', "unclosed quote", 7),
        ("(author:moland OR author:teigen", "unclosed '('", 0),
        ("innovasjon (a OR (b)", "unclosed '('", 11),
        ("moland)", "unmatched ')'", 6),
        ("autor:moland", "unknown field 'autor'; did you mean 'author:'?", 0),
        ("innovasjon titel:kommune", "unknown field 'titel'; did you mean 'title:'?", 11),
        ("zzz:moland", "unknown field 'zzz'; known fields: title, author, keyword, theme", 0),
        ("year:2013..2010", "year range 2013..2010 is empty: it ends before it starts (did you mean 2010..2013?)", 5),
        ("year:abc", "'abc' is not a year or year range", 5),
        ("year:..", "'..' needs a year on at least one side", 5),
        ("OR innovasjon", "OR needs a term before it", 0),
        ("innovasjon OR", "OR needs a term after it", 11),
        ("a OR OR b", "OR needs a term after it", 2),
        ("NOT", "NOT needs a term after it", 0),
        ("()", "empty parentheses", 0),
        ("a ()", "empty parentheses", 2),
        ("author:", "'author:' needs a value after the colon", 7),
        ("- innovasjon", "'-' must be followed by what to leave out", 0),
        ("type:raport", "unknown type 'raport'; did you mean 'report'?", 5),
        ("lang:norsk bokmål", "'norsk' is not a language code", 5),
        ('""', "the quotes hold no letters or digits", 0),
    ],
)
def test_malformed_queries_say_what_and_where(text, message, position):
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    err = caught.value
    assert message in err.message
    assert err.position == position
    assert err.exit_code == 2
    # The message shows the query with a caret under the fault.
    lines = err.message.splitlines()
    assert lines[1] == f"  {text}"
    assert lines[2] == "  " + " " * position + "^"


# --------------------------------------------------------------------------- matching


def test_all_terms_must_match(shipped):
    assert keys(shipped, "innovasjon kommune") >= {"moland2013laeringsnettverk", "krd2013nyevegar"}
    assert keys(shipped, "innovasjon bolkesjø") == {"bolkesjo1999fylkeskommunen"}
    assert keys(shipped, "innovasjon zzzz") == set()


def test_a_term_matches_the_start_of_a_word(shipped):
    # "kommun" finds "kommunene", "kommuner", "Kommunal-", ...
    found = keys(shipped, "title:kommun")
    assert "moland2013laeringsnettverk" in found  # "i kommunene"
    assert "ringholm2011innovasjonsprosesser" in found  # "i norske kommuner"


def test_short_terms_do_not_match_inside_words(shipped):
    # "vik" (3 letters) finds Vike (start of a word) but not "utviklings..."
    assert keys(shipped, "vik") == {"bolkesjo1999fylkeskommunen"}
    assert keys(shipped, "title:vik") == set()


def test_terms_of_four_letters_match_inside_compound_words(shipped):
    assert "ringholm2011innovasjonsprosesser" in keys(shipped, "title:innovasjon")  # Innovasjonsprosesser
    assert "teigen2010kommunesektorens" in keys(shipped, "title:innovasjon")  # innovasjonsarbeid
    assert keys(shipped, "title:aktør") == {"teigen2010kommunesektorens", "bolkesjo1999fylkeskommunen"}
    assert "teigen2010kommunesektorens" in keys(shipped, "aktor")  # verkemiddelaktørar


@pytest.mark.parametrize("typed", ["Bråthen", "brathen", "braathen", "BRATHEN"])
def test_bråthen_is_found_however_it_is_typed(shipped, typed):
    assert keys(shipped, typed) == {"moland2010strategisk"}
    assert keys(shipped, f"author:{typed}") == {"moland2010strategisk"}


@pytest.mark.parametrize(
    "typed, key",
    [
        ("aarsaether", "ringholm2011innovasjonsprosesser"),
        ("bolkesjo", "bolkesjo1999fylkeskommunen"),
        ("bolkesjoe", "bolkesjo1999fylkeskommunen"),
        ("skalholt", "teigen2010kommunesektorens"),
        ("lardomar", "frankelius2009innovativa"),
    ],
)
def test_scandinavian_letters_as_typed_on_an_english_keyboard(shipped, typed, key):
    assert keys(shipped, typed) == {key}


def test_phrase_is_words_in_that_order(shipped):
    assert keys(shipped, '"nye vegar"') == {"krd2013nyevegar"}
    assert keys(shipped, '"vegar nye"') == set()
    assert keys(shipped, '"strategi for innovasjon"') == {"krd2013nyevegar"}
    assert keys(shipped, '"innovasjon i kommun"') == {"moland2013laeringsnettverk", "krd2013nyevegar"}


def test_fields(shipped):
    assert keys(shipped, "author:moland") == {"moland2013laeringsnettverk", "moland2010strategisk"}
    assert keys(shipped, "author:leif") == {"moland2013laeringsnettverk", "moland2010strategisk"}  # given name
    assert keys(shipped, "author:kommunal") == {"krd2013nyevegar"}  # an organisation
    assert keys(shipped, "title:strategisk") == {"moland2010strategisk"}
    assert keys(shipped, "publisher:fafo") == {"moland2013laeringsnettverk"}
    assert keys(shipped, 'publisher:"Sveriges Kommuner"') == {"frankelius2009innovativa"}
    assert keys(shipped, "series:ØF-rapport") == {"teigen2010kommunesektorens"}
    assert keys(shipped, 'series:"2013:52"') == {"moland2013laeringsnettverk"}
    assert keys(shipped, "type:book") == {"frankelius2009innovativa"}
    assert keys(shipped, "lang:nn") == {"teigen2010kommunesektorens", "krd2013nyevegar"}
    assert keys(shipped, "lang:sv") == {"frankelius2009innovativa"}
    assert keys(shipped, "key:krd2013") == {"krd2013nyevegar"}
    assert keys(shipped, "note:Lillehammer") == {"teigen2010kommunesektorens"}


def test_publisher_quoted_value(make_library):
    folder = make_library("""\
        - key: a2010
          title: Om kommuner
          publisher: Høgskolen i Lillehammer
        - key: b2010
          title: Om fylker
          publisher: Lillehammer kommune
        """)
    lib = load(folder)
    assert keys(lib, 'publisher:"Høgskolen i Lillehammer"') == {"a2010"}
    assert keys(lib, 'publisher:"hogskolen i lillehammer"') == {"a2010"}


def test_theme_by_id_or_any_word_of_its_name(shipped):
    assert keys(shipped, "theme:kompetanse-rekruttering") == {"moland2010strategisk"}
    assert keys(shipped, "theme:kompetanse") == {"moland2010strategisk"}
    assert keys(shipped, "theme:rekruttering") == {"moland2010strategisk"}
    assert keys(shipped, "theme:skills") == {"moland2010strategisk"}  # English name
    assert len(keys(shipped, "theme:innovasjon")) == 7
    assert keys(shipped, "theme:sykefravær") == set()


def test_years(shipped):
    assert keys(shipped, "year:2013") == {"moland2013laeringsnettverk", "krd2013nyevegar"}
    assert keys(shipped, "year:2010..2013") == {
        "moland2013laeringsnettverk", "krd2013nyevegar", "ringholm2011innovasjonsprosesser",
        "teigen2010kommunesektorens", "moland2010strategisk"}
    assert keys(shipped, "year:>=2010") == keys(shipped, "year:2010..")
    assert keys(shipped, "year:<2000") == {"bolkesjo1999fylkeskommunen"}
    assert keys(shipped, "year:..2009") == {"bolkesjo1999fylkeskommunen", "frankelius2009innovativa"}


def test_negation_and_alternatives(shipped):
    assert keys(shipped, "-author:moland") == keys(shipped, "NOT author:moland")
    assert "moland2010strategisk" not in keys(shipped, "-author:moland")
    assert len(keys(shipped, "-author:moland")) == 5
    assert keys(shipped, "innovasjon -kommune") == keys(shipped, "innovasjon NOT kommune")
    assert keys(shipped, "(author:moland OR author:teigen) year:2010") == {
        "moland2010strategisk", "teigen2010kommunesektorens"}
    assert keys(shipped, "author:moland OR author:teigen year:2010") == {
        "moland2013laeringsnettverk", "moland2010strategisk", "teigen2010kommunesektorens"}
    assert keys(shipped, "-(year:2010 OR year:2013)") == {
        "ringholm2011innovasjonsprosesser", "frankelius2009innovativa", "bolkesjo1999fylkeskommunen"}


def test_terms_with_punctuation_are_phrases(shipped):
    assert keys(shipped, "May-Britt") == {"ringholm2011innovasjonsprosesser"}
    assert keys(shipped, "2013:52") == {"moland2013laeringsnettverk"}


def test_folded_names_and_theme_words_find_one_reference(shipped):
    assert "moland2010strategisk" in keys(shipped, "braathen")
    assert "moland2010strategisk" in keys(shipped, "theme:kompetanse")
    assert "moland2010strategisk" not in keys(shipped, "year:<2000")


# --------------------------------------------------------------------------- ranking


def test_whole_word_ranks_above_in_word(make_library):
    folder = make_library("""\
        - key: inword
          title: Innovasjonsarbeid i kommunene
          year: 2015
        - key: whole
          title: Innovasjon i kommunene
          year: 2010
        """)
    hits, _ = ranked(load(folder), "innovasjon")
    assert [key for key, _, _ in hits] == ["whole", "inword"]
    assert hits[0][1] > hits[1][1]
    assert hits[0][2] == ["Innovasjon"]
    assert hits[1][2] == ["Innovasjonsarbeid"]


def test_title_and_authors_weigh_more_than_abstract_and_note(make_library):
    folder = make_library("""\
        - key: in-note
          title: Om noe annet
          note: Skrevet av Bråthen
          year: 2020
        - key: in-abstract
          title: Om noe annet igjen
          abstract: Bråthen er nevnt her
          year: 2020
        - key: in-authors
          title: Om noe tredje
          authors: ["Bråthen, Ketil"]
          year: 2001
        - key: in-keyword
          title: Om noe fjerde
          keywords: [bråthen]
          year: 2020
        - key: in-title
          title: Bråthen
          year: 2000
        """)
    ranked_ = [key for key, _, _ in ranked(load(folder), "brathen")[0]]
    assert ranked_[:2] in (["in-title", "in-authors"], ["in-authors", "in-title"])
    assert ranked_.index("in-keyword") < ranked_.index("in-abstract")
    assert ranked_.index("in-keyword") < ranked_.index("in-note")


def test_ties_go_to_the_newer_year(make_library):
    folder = make_library("""\
        - key: old
          title: Innovasjon
          year: 1999
        - key: new
          title: Innovasjon
          year: 2014
        - key: undated
          title: Innovasjon
        """)
    hits, _ = ranked(load(folder), "innovasjon")
    assert [key for key, _, _ in hits] == ["new", "old", "undated"]
    assert hits[0][1] == hits[1][1] == hits[2][1]


def test_search_limit_keeps_the_best_and_counts_all(shipped):
    everything, total = ranked(shipped, "innovasjon")
    best, total_best = ranked(shipped, "innovasjon", limit=3)
    assert best == everything[:3]
    assert total == total_best == 7


@pytest.mark.parametrize("text", ["(" * 300 + "kommune" + ")" * 300, "NOT " * 2000 + "kommune",
                                  "-(" * 150 + "a" + ")" * 150])
def test_deep_nesting_is_a_query_error_not_a_crash(text, cli, library):
    with pytest.raises(QueryError, match="nests parentheses or NOT more than 100 deep"):
        parse_query(text)
    result = cli("search", "--", text, data=library)
    assert result.exit_code == 2 and "nests parentheses or NOT more than 100 deep" in result.stderr


def test_nesting_within_the_limit_works():
    assert parse_query("(" * 90 + "kommune" + ")" * 90).root == parse_query("kommune").root
