"""Folding: the Scandinavian letters as people type them on an English keyboard."""

from __future__ import annotations

import pytest

from innoref.text import fold, fold_loose, normalize, words


@pytest.mark.parametrize(
    "typed, written",
    [
        ("Bråthen", "Bråthen"),
        ("brathen", "Bråthen"),
        ("braathen", "Bråthen"),
        ("BRAATHEN", "Bråthen"),
        ("aarsaether", "Aarsæther"),
        ("bolkesjo", "Bolkesjø"),
        ("bolkesjoe", "Bolkesjø"),
        ("skalholt", "Skålholt"),
        ("lardomar", "lärdomar"),
        ("odegard", "Ødegård"),
        ("naerings", "Nærings"),
    ],
)
def test_typed_spellings_fold_to_the_written_name(typed, written):
    assert fold_loose(typed) == fold_loose(written)


def test_fold_removes_case_and_accents_and_spells_out_letters():
    assert fold("Bråthen") == "brathen"
    assert fold("Aarsæther") == "aarsaether"
    assert fold("Ødegård") == "odegard"
    assert fold("Crème Brûlée") == "creme brulee"
    assert fold("Straße") == "strasse"
    assert fold("Łódź") == "lodz"


def test_fold_handles_decomposed_text_like_composed_text():
    decomposed = "Bra\u030athen"  # a + combining ring, as some editors save it
    assert fold(decomposed) == fold("Bråthen") == "brathen"


def test_fold_is_unchanged_for_plain_ascii():
    assert fold("Fafo-rapport 2013:52") == "fafo-rapport 2013:52"


def test_words_split_at_punctuation_and_keep_digits():
    assert words("Læringsnettverk og innovasjon, 2013:52") == ["laeringsnettverk", "og", "innovasjon", "2013", "52"]
    assert words("May-Britt") == ["may", "britt"]
    assert words("– : ,") == []


def test_normalize_puts_one_space_around_every_word():
    assert normalize("Kommunesektorens  innovasjonsarbeid – ein analyse") == " kommunesektorens innovasjonsarbeid ein analyse "
    assert normalize("") == " "


def test_in_word_examples_from_the_issue_hold_after_folding():
    assert fold_loose("aktør") in fold_loose("verkemiddelaktørar")
    assert fold_loose("innovasjon") in fold_loose("Innovasjonsprosesser")
