"""`innoref search`: ranked results, highlighting, JSON, plain output and exit codes."""

from __future__ import annotations

import json

import pytest


def keys_of(result) -> list[str]:
    return [line.split("\t")[1] for line in result.stdout.splitlines()]


def test_search_ranks_and_prints_tab_separated_in_a_pipe(library, cli):
    result = cli("search", "innovasjon", data=library)
    assert result.exit_code == 0
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert len(rows) == 7
    assert all(len(row) == 6 for row in rows)
    scores = [float(row[0]) for row in rows]
    assert scores == sorted(scores, reverse=True)
    # "innovasjon" as a whole word in the title ranks above the in-word matches.
    assert rows[0][1] == "moland2013laeringsnettverk"
    assert rows[0][5] == "Fafo (Fafo-rapport 2013:52)"
    assert keys_of(result).index("ringholm2011innovasjonsprosesser") < keys_of(result).index("frankelius2009innovativa")


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Bråthen", ["moland2010strategisk"]),
        ("brathen", ["moland2010strategisk"]),
        ("braathen", ["moland2010strategisk"]),
        ("aarsaether", ["ringholm2011innovasjonsprosesser"]),
        ("bolkesjo", ["bolkesjo1999fylkeskommunen"]),
        ("bolkesjoe", ["bolkesjo1999fylkeskommunen"]),
        ("skalholt", ["teigen2010kommunesektorens"]),
        ("lardomar", ["frankelius2009innovativa"]),
        ("title:aktør", ["teigen2010kommunesektorens", "bolkesjo1999fylkeskommunen"]),
        ('"nye vegar"', ["krd2013nyevegar"]),
        ("(author:moland OR author:teigen) year:2010", ["teigen2010kommunesektorens", "moland2010strategisk"]),
        ("innovasjon year:<2000", ["bolkesjo1999fylkeskommunen"]),
        ("kommun -innovasjon", []),
        ("2013:52", ["moland2013laeringsnettverk"]),
    ],
)
def test_search_examples(library, cli, query, expected):
    result = cli("search", query, data=library)
    assert keys_of(result) == expected or sorted(keys_of(result)) == sorted(expected)
    assert result.exit_code == (0 if expected else 1)


def test_translators_channels_translated_titles_and_events_are_searched(library, cli):
    assert cli("add", "--type", "book", "--title", "Innovasjon i offentlig sektor", "--translated-title",
               "Innovation in the public sector", "--author", "Hansen, Ida", "--translator", "Østby, Eva",
               "--year", "2016", "--publisher", "Gyldendal", "--no-input", data=library).exit_code == 0
    assert cli("add", "--type", "presentation", "--title", "Små kommuner", "--author",
               "Lindahl, Emma [Kommunekanalen]", "--year", "2013", "--event", "Kommunekonferansen",
               "--no-input", data=library).exit_code == 0
    for query, key in (("author:ostby", "hansen2016innovasjon"), ("translator:østby", "hansen2016innovasjon"),
                       ("title:sector", "hansen2016innovasjon"), ("author:kommunekanalen", "lindahl2013sma"),
                       ("event:kommunekonferansen", "lindahl2013sma")):
        assert keys_of(cli("search", query, data=library)) == [key], query


def test_title_and_author_matches_rank_first(library, cli):
    result = cli("search", "innovasjon kommune", data=library)
    assert keys_of(result)[:2] == ["moland2013laeringsnettverk", "krd2013nyevegar"]


def test_nothing_found_exits_1_like_grep(library, cli):
    result = cli("search", "zzzyzx", data=library)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no references match 'zzzyzx'" in result.stderr


@pytest.mark.parametrize(
    "query, message, caret",
    [
        ('"innovasjon kommune', "unclosed quote", 0),
        ("(author:moland OR teigen", "unclosed '('", 0),
        ("author:moland)", "unmatched ')'", 13),
        ("autor:moland", "unknown field 'autor'; did you mean 'author:'?", 0),
        ("year:2013..2010", "year range 2013..2010 is empty", 5),
    ],
)
def test_malformed_query_exits_2_pointing_at_the_fault(library, cli, query, message, caret):
    result = cli("search", query, data=library)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: bad query: ") and message in lines[0]
    assert f"(at position {caret + 1})" in lines[0]
    assert lines[1] == f"  {query}"
    assert lines[2] == "  " + " " * caret + "^"


def test_empty_query_is_a_usage_error(library, cli):
    result = cli("search", "", data=library)
    assert result.exit_code == 2
    assert "nothing to search for" in result.stderr


def test_limit(library, cli):
    result = cli("search", "innovasjon", "--limit", "2", data=library)
    assert keys_of(result) == ["moland2013laeringsnettverk", "krd2013nyevegar"]
    assert cli("search", "innovasjon", "--limit", "0", data=library).exit_code == 2


def test_json_has_records_scores_and_matched_words(library, cli):
    result = cli("search", "brathen", "--json", data=library)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert len(data) == 1
    assert data[0]["score"] > 0
    assert data[0]["matched"] == ["Bråthen"]
    assert data[0]["reference"]["key"] == "moland2010strategisk"
    assert data[0]["reference"]["authors"][1] == {"family": "Bråthen", "given": "Ketil"}
    nothing = cli("search", "zzzyzx", "--json", data=library)
    assert nothing.exit_code == 1 and json.loads(nothing.stdout) == []


def test_filters_combine_with_the_query(library, cli):
    assert keys_of(cli("search", "innovasjon", "--author", "moland", "--year", "2010", data=library)) == [
        "moland2010strategisk"]
    assert keys_of(cli("search", "kommune", "--lang", "sv", data=library)) == ["frankelius2009innovativa"]
    assert keys_of(cli("search", "kommune", "--type", "book", data=library)) == ["frankelius2009innovativa"]
    assert keys_of(cli("search", "innovasjon", "--theme", "kompetanse", data=library)) == ["moland2010strategisk"]
    assert keys_of(cli("search", "innovasjon", "--publisher", "Telemarksforsking", data=library)) == [
        "bolkesjo1999fylkeskommunen"]
    # a filter alone is enough to search
    assert keys_of(cli("search", "", "--author", "Skålholt", data=library)) == ["teigen2010kommunesektorens"]


def test_bad_filter_value_points_at_the_option(library, cli):
    result = cli("search", "innovasjon", "--year", "2013..2010", data=library)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert "year range 2013..2010 is empty" in lines[0]
    assert lines[1] == "  --year 2013..2010"
    assert lines[2] == "         ^"
    assert cli("search", "x", "--type", "raport", data=library).exit_code == 2


def test_table_on_a_terminal_highlights_matched_words(library, cli):
    result = cli("search", "innovasjon kommune", data=library, env={"TTY_COMPATIBLE": "1", "COLUMNS": "160"})
    assert result.exit_code == 0
    out = result.stdout
    assert "score" in out and "┃" in out  # a Rich table
    bold_yellow = "\x1b[1;33m"
    assert f"{bold_yellow}innovasjon\x1b[0m" in out
    assert f"{bold_yellow}kommunene\x1b[0m" in out
    assert f"{bold_yellow}Innovasjonsprosesser\x1b[0m" in out  # in-word match, whole word lit
    assert f"{bold_yellow}Strategisk" not in out
    assert "7 of 7 matching references (7 in the library)" in out


def test_author_highlight_in_the_table(library, cli):
    result = cli("search", "author:moland", data=library, env={"TTY_COMPATIBLE": "1", "COLUMNS": "160"})
    assert "\x1b[1;33mMoland\x1b[0m et al." in result.stdout


def test_search_reports_broken_library_like_every_command(make_library, cli):
    folder = make_library("""\
        - key: a
          title: Innovasjon
          year: 20133
        """)
    result = cli("search", "innovasjon", data=folder)
    assert result.exit_code == 1
    assert "literature.yaml:3:9: a: year: year 20133 is not between 1450 and" in result.stderr


def test_help_shows_the_filters(cli):
    result = cli("search", "--help")
    assert result.exit_code == 0
    for option in ("--author", "--year", "--theme", "--type", "--publisher", "--lang", "--limit", "--json"):
        assert option in result.stdout


def test_a_quoted_phrase_finds_a_person_by_name_as_written_either_way(make_library, cli):
    folder = make_library("""\
        - key: berg2019kommune
          type: book
          title: Kommunen som arena
          authors: ["van der Berg, Jan", "Ellingsen, May-Britt"]
          year: 2019
        - key: other2020
          type: book
          title: Berg og dal i van der Waals-landskapet
          authors: ["Jansen, Jan"]
          year: 2020
        """)
    for query in ('"van der berg"', '"jan van der berg"', '"van der berg, jan"', '"may-britt ellingsen"',
                  '"Ellingsen, May-Britt"', 'author:"van der berg"', "van der berg"):
        found = cli("search", query, data=folder)
        assert found.exit_code == 0, (query, found.stdout, found.stderr)
        assert keys_of(found)[0] == "berg2019kommune", query
        assert "other2020" not in keys_of(found) or not query.startswith(('"', "author")), query


def test_a_field_name_with_an_underscore_is_a_field(library, cli):
    result = cli("search", "short_title:laeringsnettverk", data=library)
    assert keys_of(result) == ["moland2013laeringsnettverk"], result.stdout + result.stderr
    wrong = cli("search", "no_such:x", data=library)
    assert wrong.exit_code == 2 and "no_such" in wrong.stderr
