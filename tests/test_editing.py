"""Library operations: add, edit, remove, whole-record replace; duplicates; the fact cache."""

from __future__ import annotations

import shutil

import pytest

from conftest import SHIPPED, load
from innoref import editing, index
from innoref.location import locate, shipped_data
from innoref.errors import DataError, InvalidInput, NotFoundError

SHIPPED_BYTES = (SHIPPED / "literature.yaml").read_bytes()

NEW = {"type": "report", "title": "Heltid i praksis: et eksempel", "authors": ["Nordmann, Kari"],
       "year": "2024", "themes": ["heltid-deltid"]}


def loc(folder):
    return locate(folder)


def keys_of(folder):
    return [r.key for r in load(folder).references()]


# --------------------------------------------------------------------------- add


def test_add_appends_one_record_and_leaves_every_other_byte(library):
    added = editing.add(loc(library), {**NEW, "number": "2024:3", "language": "no"})
    assert added.reference.key == "nordmann2024heltid"
    data = (library / "literature.yaml").read_bytes()
    assert data.startswith(SHIPPED_BYTES)
    assert data[len(SHIPPED_BYTES):].decode() == (
        "\n- key: nordmann2024heltid\n"
        "  type: report\n"
        '  title: "Heltid i praksis: et eksempel"\n'
        "  authors:\n"
        "    - {family: Nordmann, given: Kari}\n"
        "  year: 2024\n"
        '  number: "2024:3"\n'
        '  language: "no"\n'
        "  themes: [heltid-deltid]\n"
    )
    ref = load(library).get("nordmann2024heltid")
    assert ref.number == "2024:3" and ref.language == "no" and ref.authors[0].given == "Kari"


def test_add_takes_a_given_key_and_refuses_a_taken_one(library):
    assert editing.add(loc(library), {**NEW, "key": "mine"}).reference.key == "mine"
    with pytest.raises(InvalidInput, match="key: 'moland2013laeringsnettverk' is taken"):
        editing.add(loc(library), {**NEW, "title": "Other", "key": "moland2013laeringsnettverk"})


def test_generated_keys_get_a_then_b(library):
    keys = [editing.add(loc(library), {**NEW, "title": f"Heltid nr. {i}", "doi": f"10.1234/x{i}"}).reference.key
            for i in range(3)]
    assert keys == ["nordmann2024heltid", "nordmann2024heltida", "nordmann2024heltidb"]


def test_every_broken_rule_is_named_and_nothing_is_written(library):
    with pytest.raises(InvalidInput) as info:
        editing.add(loc(library), {"type": "rapport", "title": "X", "authors": ["Nordmann, Kari"], "year": "20x4",
                                   "isbn": "978-82-7356-671-4", "doi": "doi 10", "url": "fafo.no",
                                   "themes": ["heltid"], "date": "2024-13-01", "language": "Norsk bokmål"})
    message = info.value.message
    for expected in ["type: 'rapport' is not a type (did you mean report?)", "year: '20x4' is not a year",
                     "isbn: '978-82-7356-671-4' is not a valid ISBN", "doi: 'doi 10' is not a DOI",
                     "url: 'fafo.no' is not a web address", "themes: 'heltid' is not a theme in themes.yaml (did you mean 'heltid-deltid'?)",
                     "date: '2024-13-01' is not a real date", "language: 'Norsk bokmål' is not a language code"]:
        assert expected in message
    assert (library / "literature.yaml").read_bytes() == SHIPPED_BYTES


@pytest.mark.parametrize("changes, reason", [
    ({"title": "Laeringsnettverk og innovasjon i kommunene!", "authors": ["Moland, L."], "year": "2013"},
     "same title, year and first author"),
    ({"isbn": "82-7356-671-4", "type": "report"}, "same ISBN"),  # the ISBN-10 of teigen2010's ISBN-13
])
def test_duplicates_are_refused_naming_the_record_there(library, changes, reason):
    with pytest.raises(InvalidInput, match=f"a duplicate of '.*' \\({reason}"):
        editing.add(loc(library), {**NEW, **changes})
    assert (library / "literature.yaml").read_bytes() == SHIPPED_BYTES


def test_same_doi_is_a_duplicate_and_allow_duplicate_keeps_it(library):
    editing.add(loc(library), {**NEW, "doi": "10.1234/abc"})
    other = {**NEW, "title": "Something else", "doi": "https://doi.org/10.1234/ABC"}
    with pytest.raises(InvalidInput, match="a duplicate of 'nordmann2024heltid' \\(same DOI 10.1234/abc\\)"):
        editing.add(loc(library), other)
    added = editing.add(loc(library), other, allow_duplicate=True)
    assert added.warnings == ["kept although it duplicates 'nordmann2024heltid' (same DOI 10.1234/abc)"]


def test_a_chapter_shares_its_books_isbn_without_being_a_duplicate(library):
    chapter = {**NEW, "type": "chapter", "title": "Et kapittel", "isbn": "978-82-7356-671-3",
               "booktitle": "Kommunesektorens innovasjonsarbeid"}
    assert editing.add(loc(library), chapter).reference.type == "chapter"


def test_near_identical_titles_warn(library):
    added = editing.add(loc(library), {**NEW, "title": "Læringsnettverk og inovasjon i kommunene", "year": "2014"})
    assert added.warnings == ["the title is near-identical to 'moland2013laeringsnettverk': "
                              "Læringsnettverk og innovasjon i kommunene"]


def test_a_user_library_is_created_from_its_seed_on_first_write(isolated):
    location = locate()
    assert location.seed is not None and not location.folder.exists()
    editing.add(location, NEW)
    data = (location.folder / "literature.yaml").read_bytes()
    assert data.startswith(SHIPPED_BYTES)
    assert (location.folder / "themes.yaml").read_bytes() == (SHIPPED / "themes.yaml").read_bytes()
    assert len(load().references()) == 8


def test_a_data_folder_that_does_not_exist_is_created(tmp_path):
    folder = tmp_path / "new" / "lib"
    editing.add(loc(folder), NEW)
    assert (folder / "literature.yaml").read_text(encoding="utf-8").startswith("- key: nordmann2024heltid\n")
    assert keys_of(folder) == ["nordmann2024heltid"]


def test_a_broken_library_is_not_written_to(make_library):
    folder = make_library("- key: a\n  title: A\n  year: 19999\n")
    before = (folder / "literature.yaml").read_bytes()
    with pytest.raises(DataError, match="year 19999"):
        editing.add(loc(folder), NEW)
    assert (folder / "literature.yaml").read_bytes() == before


# --------------------------------------------------------------------------- add and the index


def test_add_after_a_hand_edit_validates_the_edited_record(library):
    editing.add(loc(library), NEW)
    path = library / "literature.yaml"
    # A hand edit makes the file different: the next add reads the changed record again.
    path.write_text(path.read_text(encoding="utf-8").replace("year: 2009", "year: 1200"), encoding="utf-8")
    with pytest.raises(DataError, match="year 1200 is not between"):
        editing.add(loc(library), {**NEW, "title": "Another"})


def test_a_theme_removed_by_hand_is_noticed_although_the_facts_are_cached(library):
    editing.add(loc(library), NEW)
    themes = library / "themes.yaml"
    text = themes.read_text(encoding="utf-8")
    start = text.index("- id: heltid-deltid")
    themes.write_text(text[:start] + text[text.index("- id: kompetanse-rekruttering"):], encoding="utf-8")
    with pytest.raises(DataError, match="theme 'heltid-deltid' is not defined"):
        editing.add(loc(library), {**NEW, "title": "Another", "themes": ["innovasjon"]})


def test_adds_decide_alike_with_and_without_an_index(library, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(library, other)
    editing.add(loc(library), NEW)
    editing.add(loc(other), NEW)
    index.discard(loc(other))  # the second library decides from an index built anew
    probe = {**NEW, "title": "Heltid i praksis: et eksampel"}
    a, b = editing.add(loc(library), probe), editing.add(loc(other), probe)
    assert a.reference == b.reference and a.warnings == b.warnings
    assert (library / "literature.yaml").read_bytes() == (other / "literature.yaml").read_bytes()
    for lib_ in (library, other):
        with pytest.raises(InvalidInput, match="a duplicate of 'nordmann2024heltid'"):
            editing.add(loc(lib_), {**NEW, "title": "HELTID I PRAKSIS – ET EKSEMPEL"})


# --------------------------------------------------------------------------- edit

COMMENTED = """\
# My own list; the comments are mine.
- key: a
  type: report
  title: First   # working title
  authors:
    - {family: Berg, given: Jan}
  year: 2001
  themes: [innovasjon]

# --- section two ---

- key: b
  type: book
  title: Second
  year: 2002
  note: >-
    A folded note
    over two lines.
"""


def test_edit_changes_only_the_lines_of_the_changed_fields(make_library):
    folder = make_library(COMMENTED)
    result = editing.edit(loc(folder), "a", {"year": "2003", "publisher": "Fafo", "keywords": "x, y"}, ["themes"])
    assert result.changed == ["year", "publisher", "keywords", "themes"]
    assert (folder / "literature.yaml").read_text(encoding="utf-8") == COMMENTED.replace(
        "  year: 2001\n  themes: [innovasjon]\n", "  year: 2003\n  publisher: Fafo\n  keywords: [x, y]\n")


def test_edit_persons_extra_and_key(make_library):
    folder = make_library(COMMENTED)
    editing.edit(loc(folder), "b", {"authors": "Moland, Leif E.; {KS}", "extra.pagetotal": "123", "key": "b2"})
    ref = load(folder).get("b2")
    assert [p.display() for p in ref.authors] == ["Moland, Leif E.", "KS"] and ref.extra == {"pagetotal": "123"}
    text = (folder / "literature.yaml").read_text(encoding="utf-8")
    assert "- key: b2\n  type: book\n  title: Second\n  authors:\n    - {family: Moland, given: Leif E.}\n" in text
    assert text.startswith(COMMENTED[: COMMENTED.index("- key: b")])
    editing.edit(loc(folder), "b2", {}, ["extra.pagetotal"])
    assert load(folder).get("b2").extra == {}


def test_edit_refuses_bad_values_unknown_fields_and_required_ones(make_library):
    folder = make_library(COMMENTED)
    before = (folder / "literature.yaml").read_bytes()
    with pytest.raises(InvalidInput) as info:
        editing.edit(loc(folder), "a", {"titel": "X", "year": "soon", "isbn": "123"}, ["title"])
    for expected in ["titel: unknown field (did you mean 'title'?)", "title: a record must have a title",
                     "year: 'soon' is not a year", "isbn: '123' is not a valid ISBN"]:
        assert expected in info.value.message
    with pytest.raises(InvalidInput, match="key: 'b' is taken"):
        editing.edit(loc(folder), "a", {"key": "b"})
    with pytest.raises(InvalidInput, match="themes: 'nope' is not a theme"):
        editing.edit(loc(folder), "a", {"themes": "nope"})
    with pytest.raises(NotFoundError, match="no reference with key 'c'"):
        editing.edit(loc(folder), "c", {"year": "2001"})
    with pytest.raises(InvalidInput, match="nothing to change"):
        editing.edit(loc(folder), "a", {})
    assert (folder / "literature.yaml").read_bytes() == before


def test_edit_into_a_duplicate_is_refused_but_other_edits_of_a_kept_duplicate_work(make_library):
    folder = make_library(COMMENTED)
    with pytest.raises(InvalidInput, match="a duplicate of 'a'"):
        editing.edit(loc(folder), "b", {"title": "First", "year": "2001", "authors": "Berg, Jan"})
    editing.edit(loc(folder), "b", {"title": "First", "year": "2001", "authors": "Berg, Jan"}, allow_duplicate=True)
    assert editing.edit(loc(folder), "b", {"note": "Still a duplicate, still editable."}).changed == ["note"]


def test_replace_record_keeps_the_text_as_written(make_library):
    folder = make_library(COMMENTED)
    original = editing.record_source(loc(folder), "b")
    assert original == COMMENTED[COMMENTED.index("- key: b"):]
    edited = original.replace("  year: 2002\n", "  year: 2002  # checked in the catalogue\n  place: Oslo\n")
    result = editing.replace_record(loc(folder), "b", original, edited)
    assert result.changed == ["place"]
    assert (folder / "literature.yaml").read_text(encoding="utf-8") == COMMENTED.replace(original, edited)


@pytest.mark.parametrize("text, message", [
    ("- key: b\n  title: [unclosed\n", "YAML"),
    ("- key: b\n  titel: Second\n", "unknown field 'titel'"),
    ("- key: b\n  title: B\n- key: c\n  title: C\n", "exactly one record"),
    ("- key: a\n  title: B\n", "key: 'a' is taken"),
])
def test_replace_record_refuses_bad_text(make_library, text, message):
    folder = make_library(COMMENTED)
    original = editing.record_source(loc(folder), "b")
    with pytest.raises(editing.EditedTextError, match=message):
        editing.replace_record(loc(folder), "b", original, text)
    assert (folder / "literature.yaml").read_text(encoding="utf-8") == COMMENTED


def test_replace_record_notices_a_change_made_meanwhile(make_library):
    folder = make_library(COMMENTED)
    original = editing.record_source(loc(folder), "b")
    editing.edit(loc(folder), "b", {"year": "2005"})
    with pytest.raises(Exception, match="changed in the file while you were editing"):
        editing.replace_record(loc(folder), "b", original, original.replace("Second", "Third"))


# --------------------------------------------------------------------------- remove


def test_remove_keeps_comments_and_neighbours(make_library):
    folder = make_library(COMMENTED)
    removed = editing.remove(loc(folder), ["a"])
    assert [r.key for r in removed.references] == ["a"]
    assert (folder / "literature.yaml").read_text(encoding="utf-8") == (
        "# My own list; the comments are mine.\n" + COMMENTED[COMMENTED.index("# --- section two"):])


def test_remove_several_and_an_unknown_key_removes_nothing(library):
    with pytest.raises(NotFoundError, match="no reference with key 'nope'"):
        editing.remove(loc(library), ["moland2013laeringsnettverk", "nope"])
    assert (library / "literature.yaml").read_bytes() == SHIPPED_BYTES
    editing.remove(loc(library), ["krd2013nyevegar", "moland2013laeringsnettverk"])
    assert keys_of(library) == ["ringholm2011innovasjonsprosesser", "teigen2010kommunesektorens",
                                "moland2010strategisk", "frankelius2009innovativa", "bolkesjo1999fylkeskommunen"]


def test_add_then_remove_gives_the_file_back(library):
    editing.add(loc(library), NEW)
    editing.remove(loc(library), ["nordmann2024heltid"])
    assert (library / "literature.yaml").read_bytes() == SHIPPED_BYTES


def test_a_crlf_file_with_a_bom_stays_so(make_library):
    folder = make_library("")
    path = folder / "literature.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + COMMENTED.replace("\n", "\r\n").encode())
    editing.add(loc(folder), NEW)
    editing.edit(loc(folder), "a", {"year": "2004"})
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# My own list") and b"\n" not in data.replace(b"\r\n", b"")
    assert keys_of(folder) == ["a", "b", "nordmann2024heltid"]


def test_edit_and_remove_on_a_user_library_not_yet_created(isolated):
    location = locate()
    assert location.seed is not None
    editing.edit(location, "moland2013laeringsnettverk", {"place": "Oslo"})
    assert load().get("moland2013laeringsnettverk").place == "Oslo"
    editing.remove(locate(), ["krd2013nyevegar"])
    assert len(load().references()) == 6
    assert (SHIPPED / "literature.yaml").read_bytes() == SHIPPED_BYTES  # the seed itself is never written


def test_add_reports_the_text_it_wrote_in_the_files_style(make_library):
    folder = make_library("-   key: a\n    title: A\n    authors:\n    - {family: Berg, given: Jan}\n")
    added = editing.add(loc(folder), NEW)
    assert added.text == ("-   key: nordmann2024heltid\n    type: report\n    title: \"Heltid i praksis: et eksempel\"\n"
                          "    authors:\n    - {family: Nordmann, given: Kari}\n    year: 2024\n"
                          "    themes: [heltid-deltid]\n")
    assert (folder / "literature.yaml").read_text(encoding="utf-8").endswith("\n\n" + added.text)


def test_salvage_refuses_what_it_cannot_set_aside():
    """A rule about a value the record lacks (an NOU without its number) is an error, not a loop."""
    with pytest.raises(InvalidInput, match="number"):
        editing.salvage({"key": "x", "type": "nou", "title": "T"})
