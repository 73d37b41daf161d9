"""`innoref list [QUERY]` and its filters: the same matching as search, sorted as list sorts."""

from __future__ import annotations

import json

import pytest


def keys_of(result) -> list[str]:
    return [line.split("\t")[0] for line in result.stdout.splitlines()]


ALL_BY_YEAR = [
    "bolkesjo1999fylkeskommunen", "frankelius2009innovativa", "moland2010strategisk",
    "teigen2010kommunesektorens", "ringholm2011innovasjonsprosesser", "krd2013nyevegar",
    "moland2013laeringsnettverk",
]


def test_list_without_query_is_unchanged(library, cli):
    assert keys_of(cli("list", data=library)) == ALL_BY_YEAR


def test_list_query_keeps_the_list_order(library, cli):
    result = cli("list", "kommun", data=library)
    assert result.exit_code == 0
    assert keys_of(result) == [k for k in ALL_BY_YEAR if k in set(keys_of(result))]
    assert keys_of(cli("list", "author:moland", data=library)) == ["moland2010strategisk", "moland2013laeringsnettverk"]
    assert keys_of(cli("list", "author:moland", "--reverse", data=library)) == [
        "moland2013laeringsnettverk", "moland2010strategisk"]
    assert keys_of(cli("list", "year:2010..2013", "--sort", "title", data=library)) == [
        "ringholm2011innovasjonsprosesser", "teigen2010kommunesektorens", "moland2013laeringsnettverk",
        "krd2013nyevegar", "moland2010strategisk"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("innovasjon kommune", None),  # checked against search below
        ("Bråthen", ["moland2010strategisk"]),
        ("braathen", ["moland2010strategisk"]),
        ("brathen", ["moland2010strategisk"]),
        ("aarsaether", ["ringholm2011innovasjonsprosesser"]),
        ("bolkesjo", ["bolkesjo1999fylkeskommunen"]),
        ("bolkesjoe", ["bolkesjo1999fylkeskommunen"]),
        ("skalholt", ["teigen2010kommunesektorens"]),
        ("lardomar", ["frankelius2009innovativa"]),
        ("title:aktør", ["bolkesjo1999fylkeskommunen", "teigen2010kommunesektorens"]),
        ("title:innovasjon", ["teigen2010kommunesektorens", "ringholm2011innovasjonsprosesser",
                              "krd2013nyevegar", "moland2013laeringsnettverk"]),
        ('"nye vegar"', ["krd2013nyevegar"]),
        ("year:2013", ["krd2013nyevegar", "moland2013laeringsnettverk"]),
        ("year:>=2011", ["ringholm2011innovasjonsprosesser", "krd2013nyevegar", "moland2013laeringsnettverk"]),
        ("year:<2000", ["bolkesjo1999fylkeskommunen"]),
        ("year:2010..", ALL_BY_YEAR[2:]),
        ("-author:moland", [k for k in ALL_BY_YEAR if not k.startswith("moland")]),
        ("NOT author:moland", [k for k in ALL_BY_YEAR if not k.startswith("moland")]),
        ("(author:moland OR author:teigen) year:2010", ["moland2010strategisk", "teigen2010kommunesektorens"]),
        ("theme:kompetanse-rekruttering", ["moland2010strategisk"]),
        ("theme:rekruttering", ["moland2010strategisk"]),
        ("type:book", ["frankelius2009innovativa"]),
        ("lang:nn", ["teigen2010kommunesektorens", "krd2013nyevegar"]),
        ("key:krd2013nyevegar", ["krd2013nyevegar"]),
        ("keyword:innovasjon", []),
        ("journal:tidsskrift", []),
        ("series:fafo-rapport", ["moland2013laeringsnettverk"]),
        ('publisher:"Sveriges Kommuner och Landsting"', ["frankelius2009innovativa"]),
        ("zzzyzx", []),
    ],
)
def test_list_query_examples(library, cli, query, expected):
    result = cli("list", "--", query, data=library)
    assert result.exit_code == 0  # nothing matching is an empty list, not an error
    if expected is None:
        searched = [line.split("\t")[1] for line in cli("search", query, data=library).stdout.splitlines()]
        expected = [k for k in ALL_BY_YEAR if k in searched]
    assert keys_of(result) == expected


def test_a_query_starting_with_a_dash_needs_double_dash(library, cli):
    # Without "--" the shell word looks like an option: an error (exit 2), never a silent misreading.
    result = cli("list", "-author:moland", data=library)
    assert result.exit_code == 2
    assert keys_of(cli("list", "--", "-author:moland", data=library)) == [
        k for k in ALL_BY_YEAR if not k.startswith("moland")]
    assert cli("search", "-author:moland", data=library).exit_code == 2
    found = cli("search", "--", "-author:moland innovasjon", data=library)
    assert found.exit_code == 0 and "moland" not in found.stdout


def test_list_filters(library, cli):
    assert keys_of(cli("list", "--author", "moland", data=library)) == [
        "moland2010strategisk", "moland2013laeringsnettverk"]
    assert keys_of(cli("list", "--year", "2010", data=library)) == ["moland2010strategisk", "teigen2010kommunesektorens"]
    assert keys_of(cli("list", "--year", "2010..2011", "--lang", "nb", data=library)) == [
        "moland2010strategisk", "ringholm2011innovasjonsprosesser"]
    assert keys_of(cli("list", "--theme", "kompetanse", data=library)) == ["moland2010strategisk"]
    assert keys_of(cli("list", "--type", "book", data=library)) == ["frankelius2009innovativa"]
    assert keys_of(cli("list", "--publisher", "Telemarksforsking", data=library)) == ["bolkesjo1999fylkeskommunen"]
    assert keys_of(cli("list", "--publisher", "Høgskolen i Lillehammer", data=library)) == []
    assert keys_of(cli("list", "kommun", "--author", "teigen", data=library)) == ["teigen2010kommunesektorens"]


def test_list_query_with_limit_and_json(library, cli):
    result = cli("list", "innovasjon", "--limit", "2", "--json", data=library)
    data = json.loads(result.stdout)
    assert [r["key"] for r in data] == ALL_BY_YEAR[:2]
    assert data[0]["authors"][0] == {"family": "Bolkesjø", "given": "Torjus"}


def test_list_query_on_a_terminal_says_how_many_match(library, cli):
    result = cli("list", "author:moland", data=library, env={"TTY_COMPATIBLE": "1", "COLUMNS": "160"})
    assert "2 of 2 matching references (7 in the library)" in result.stdout
    none = cli("list", "zzzyzx", data=library, env={"TTY_COMPATIBLE": "1", "COLUMNS": "160"})
    assert none.exit_code == 0 and "No references match." in none.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (("year:2013..2010",), "year range 2013..2010 is empty"),
        (('"unclosed',), "unclosed quote"),
        (("(a OR b",), "unclosed '('"),
        (("titel:x",), "unknown field 'titel'; did you mean 'title:'?"),
        (("--year", "abc"), "'abc' is not a year or year range"),
        (("--lang", "norsk"), "is not a language code"),
    ],
)
def test_list_malformed_query_exits_2(library, cli, args, message):
    result = cli("list", *args, data=library)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "^" in result.stderr


def test_unknown_sort_is_still_a_usage_error(library, cli):
    result = cli("list", "innovasjon", "--sort", "colour", data=library)
    assert result.exit_code == 2
    assert "cannot sort by 'colour'" in result.stderr


def test_sorting_matches_library_sorting_on_a_bigger_library(tmp_path, cli):
    """list (sorted by the index) orders exactly as the README's sort rules say, ties in file order."""
    import sys

    from conftest import REPO, load
    from innoref.text import fold

    sys.path.insert(0, str(REPO / "benchmarks"))
    import generate

    rules = {
        "year": lambda r: (r.year is None, r.year or 0, fold(r.short_authors()), fold(r.title)),
        "author": lambda r: (not r.creators, fold(r.creators[0].family_full) if r.creators else "", r.year or 0,
                             fold(r.title)),
        "title": lambda r: (fold(r.title), r.year or 0),
        "key": lambda r: r.key,
    }

    def sorted_references(refs, sort, reverse):
        return sorted(refs, key=rules[sort], reverse=reverse)  # a stable sort keeps ties in file order

    folder = generate.generate(400, tmp_path / "lib")
    refs = load(folder).references()
    for sort in ("year", "author", "title", "key"):
        for reverse in (False, True):
            args = ["list", "--sort", sort] + (["--reverse"] if reverse else [])
            expected = [r.key for r in sorted_references(refs, sort, reverse)]
            assert keys_of(cli(*args, data=folder)) == expected, (sort, reverse)
            wanted = [r.key for r in sorted_references(refs, sort, reverse) if r.year and r.year >= 2010]
            assert keys_of(cli(*args, "year:>=2010", data=folder)) == wanted
