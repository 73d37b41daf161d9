"""Keys for new records: family name, year, first significant title word, a/b on collision."""

from __future__ import annotations

import pytest

from conftest import SHIPPED, load
from innoref.location import locate, shipped_data
from innoref.keys import base_key, make_key, suffixes, suggest_keys, title_word, unique_key
from innoref.records import Person


def shipped():
    return load(SHIPPED).references()


@pytest.mark.parametrize("key", [
    "moland2013laeringsnettverk", "ringholm2011innovasjonsprosesser", "teigen2010kommunesektorens",
    "moland2010strategisk", "frankelius2009innovativa", "bolkesjo1999fylkeskommunen",
])
def test_the_rule_gives_the_shipped_keys(key):
    ref = next(r for r in shipped() if r.key == key)
    assert base_key(title=ref.title, authors=ref.authors, editors=ref.editors, year=ref.year) == key


@pytest.mark.parametrize("title, word", [
    ("Den innovativa kommunen – lärdomar", "innovativa"),  # Swedish article
    ("The Gnats and Gnus Document Preparation System", "gnats"),
    ("Om å lære: en studie", "laere"),  # Norwegian small words, æ folded
    ("Korleis ein kommune lærer", "kommune"),  # Nynorsk
    ("Är det för sent?", "sent"),  # Swedish
    ("Heltid–deltid i kommunene", "heltid"),  # an en dash splits words
    ("E-helse i praksis", "ehelse"),  # a hyphen joins them
    ("Of the and", "of"),  # only small words: the first one
    ("?!", ""),
])
def test_title_word_skips_small_words_in_four_languages(title, word):
    assert title_word(title) == word


def test_names_are_folded_to_ascii_and_particles_left_out():
    p = Person(family="Bråthen", given="Ketil")
    assert base_key(title="Ødegård og Aarsæther", authors=[p], year=2010) == "brathen2010odegard"
    assert base_key(title="X", authors=[Person(family="Berg", particle="van der")], year=2001) == "berg2001x"
    assert base_key(title="Sjöberg", authors=[Person(family="Åkesson")], year=2001) == "akesson2001sjoberg"


def test_organisations_editors_and_missing_parts():
    skl = Person(name="Sveriges Kommuner och Landsting")
    assert base_key(title="Innovation", authors=[skl], year=2009) == "skl2009innovation"
    assert base_key(title="Årsrapport", authors=[Person(name="Riksrevisjonen")], year=2014) == "riksrevisjonen2014arsrapport"
    assert base_key(title="Bok", editors=[Person(family="Nygård", given="Lars")], year=2001) == "nygard2001bok"
    assert base_key(title="Uten tittel") == "anonndtittel"


def test_a_taken_key_gets_a_then_b():
    taken = {"moland2013laeringsnettverk", "moland2013laeringsnettverka"}
    fields = dict(title="Læringsnettverk", authors=[Person(family="Moland")], year=2013)
    assert make_key(taken, **fields) == "moland2013laeringsnettverkb"
    assert make_key(set(), **fields) == "moland2013laeringsnettverk"
    assert unique_key("x", {"x"} | {f"x{chr(c)}" for c in range(97, 123)}) == "xaa"
    first = [s for _, s in zip(range(28), suffixes())]
    assert first[:3] == ["a", "b", "c"] and first[25:] == ["z", "aa", "ab"]


# --------------------------------------------------------------- advice for a mistyped key

LIBRARY = ["bolkesjo1999fylkeskommunen", "frankelius2009innovativa", "krd2013nyevegar", "moland2010strategisk",
           "moland2013laeringsnettverk", "ringholm2011innovasjonsprosesser", "teigen2010kommunesektorens"]


def test_suggestions_start_with_keys_that_share_a_start():
    assert suggest_keys("moland2013", LIBRARY) == ["moland2013laeringsnettverk", "moland2010strategisk"]
    assert suggest_keys("Teigen2010", LIBRARY) == ["teigen2010kommunesektorens"]
    # the typed key is longer than the library's
    assert suggest_keys("moland2010strategiskx", LIBRARY) == ["moland2010strategisk"]


def test_suggestions_then_close_spellings_at_most_three_in_a_fixed_order():
    assert suggest_keys("moland2013laeringsnetverk", LIBRARY) == ["moland2013laeringsnettverk"]
    keys = ["smith2001", "smith2002", "smith2003", "smith2004", "smyth2001"]
    assert suggest_keys("smith200", keys) == ["smith2001", "smith2002", "smith2003"]
    assert suggest_keys("smith200", list(reversed(keys))) == ["smith2001", "smith2002", "smith2003"]
    assert suggest_keys("zzz", LIBRARY) == []
    assert suggest_keys("moland", LIBRARY, limit=1) == ["moland2010strategisk"]
