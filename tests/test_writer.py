"""Writing records as YAML: quoting, layout, and changes spliced into a file as text."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import assume, HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SHIPPED
from hard_records import PUBLIC, public_parts
from innoref import reading, writer
from innoref.models import reference, validate_reference, max_year
from innoref.records import REF_TYPES, Person, Reference

SHIPPED_TEXT = (SHIPPED / "literature.yaml").read_text(encoding="utf-8")


def load_records(text: str) -> list[Reference]:
    """Read text back the way innoref reads literature.yaml."""
    items, problems = reading.read_whole(text, "t.yaml")
    assert not problems, problems
    refs = [reading.validate_reference(item) for item in items]
    assert not any(flaws for _, flaws in refs), refs
    return [ref for ref, _ in refs]


def shipped() -> list[Reference]:
    return load_records(SHIPPED_TEXT)


# --------------------------------------------------------------------------- quoting


@pytest.mark.parametrize(
    "value, written",
    [
        ("Læringsnettverk og innovasjon i kommunene", "Læringsnettverk og innovasjon i kommunene"),
        ("Fafo-rapport", "Fafo-rapport"),
        ("2013:52", '"2013:52"'),  # base 60 in YAML 1.1
        ("no", '"no"'),  # false in YAML 1.1
        ("yes", '"yes"'),
        ("on", '"on"'),
        ("Off", '"Off"'),
        ("true", '"true"'),
        ("null", '"null"'),
        ("~", '"~"'),
        ("007", '"007"'),
        ("1.10", '"1.10"'),
        ("1e3", '"1e3"'),
        ("2013-04-06", '"2013-04-06"'),  # a date in YAML 1.1
        ("Nye vegar: Strategi", '"Nye vegar: Strategi"'),
        ("C# in practice", "C# in practice"),
        ("before #after", '"before #after"'),
        (" leading", '" leading"'),
        ("trailing ", '"trailing "'),
        ("- dash", '"- dash"'),
        ("{braces}", '"{braces}"'),
        ("'quoted'", "\"'quoted'\""),
        ('say "hi"', 'say "hi"'),
        ("ends with:", '"ends with:"'),
        ("https://fafo.no/publikasjoner?id=20342", "https://fafo.no/publikasjoner?id=20342"),
        ("", '""'),
        ("line\nbreak", '"line\\nbreak"'),
        ("tab\there", '"tab\\there"'),
        ("nel\x85sep\u2028par\u2029", '"nel\\Nsep\\Lpar\\P"'),
        ("bell\x07", '"bell\\a"'),
        ("back\\slash", "back\\slash"),
    ],
)
def test_scalars_are_plain_only_when_every_yaml_reads_them_back(value, written):
    assert writer.scalar(value) == written
    # Both YAML 1.1 (PyYAML's default) and innoref's YAML 1.2 loader read the text back.
    assert yaml.safe_load(f"v: {written}")["v"] == value
    from innoref import yamlio

    assert yamlio.load(f"v: {written}")["v"] == value


def test_flow_context_quotes_commas_and_colons():
    assert writer.scalar("King, Jr.", flow=True) == '"King, Jr."'
    assert writer.scalar("a:b", flow=True) == '"a:b"'
    assert writer.scalar("a:b") == "a:b"
    assert writer.scalar("Leif E.", flow=True) == "Leif E."


# --------------------------------------------------------------------------- layout


@pytest.mark.parametrize("key", ["moland2013laeringsnettverk", "moland2010strategisk", "teigen2010kommunesektorens",
                                 "frankelius2009innovativa", "bolkesjo1999fylkeskommunen"])
def test_records_are_written_as_the_shipped_file_writes_them(key):
    """Block style, æøå as themselves, persons as flow mappings, [a, b] lists,
    quoted report numbers, long notes folded with >-."""
    doc = writer.Document.from_text(SHIPPED_TEXT)
    ref = next(r for r in shipped() if r.key == key)
    index = [i for i, item in enumerate(doc.items) if item.startswith(f"- key: {key}\n")][0]
    own, _ = doc.own(index)
    assert writer.record_text(ref, doc.style) == own


def test_fields_follow_the_model_order_and_long_text_folds():
    ref = reference(
        key="x", title="T", note="word " * 40 + "end", year=2020, type="book",
        abstract="Short.", keywords=["a", "b"], extra={"langid": "norwegian", "pagetotal": "123"},
    )
    text = writer.record_text(ref)
    lines = text.splitlines()
    assert [line.split(":")[0].strip("- ") for line in lines if not line.startswith("    ")] == [
        "key", "type", "title", "year", "abstract", "keywords", "note", "extra"]
    assert "  note: >-" in lines
    assert all(len(line) <= writer.WRAP_AT for line in lines)
    assert "  keywords: [a, b]" in lines
    assert '    pagetotal: "123"' in lines and "    langid: norwegian" in lines
    assert load_records(text) == [ref]


def test_a_long_list_is_a_block_list_and_odd_items_are_quoted():
    ref = reference(key="x", title="T", keywords=["innovasjon i kommunesektoren"] * 4 + ["a, b", "no"])
    text = writer.record_text(ref)
    assert "  keywords:\n    - innovasjon i kommunesektoren\n" in text
    assert '    - a, b\n    - "no"\n' in text  # a block list is no flow context
    assert load_records(text) == [ref]


def test_text_with_line_breaks_is_a_literal_block():
    ref = reference(key="x", title="T", note="First line.\nSecond: line #2.")
    text = writer.record_text(ref)
    assert "  note: |-\n    First line.\n    Second: line #2.\n" in text
    assert load_records(text) == [ref]


# --------------------------------------------------------------------------- round trip

_text = st.text(max_size=40)
_nonblank = st.text(min_size=1, max_size=40).filter(lambda s: s.strip())
_key = st.from_regex(r"[^\s,{}()\"'#%~\\=]{1,20}", fullmatch=True) | st.sampled_from(
    ["true", "no", "2013", "-x", ":a", "?b", "a:b", "@k", "moland2013laeringsnettverk"])


def _isbn13(body: str) -> str:
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


_person = st.one_of(
    st.builds(lambda name: Person(name=name), _nonblank),
    st.builds(
        lambda family, given, particle, suffix: Person(family=family, given=given, particle=particle, suffix=suffix),
        _nonblank, st.none() | _text, st.none() | _text, st.none() | _text,
    ),
)
_date = st.dates(min_value=dt.date(1450, 1, 1), max_value=dt.date(max_year(), 12, 31))
_extra_value = st.recursive(
    _text | st.booleans(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_nonblank, inner, max_size=3),
    max_leaves=6,
)


@st.composite
def references(draw) -> Reference:
    date = draw(st.none() | _date)
    year = date.year if date else draw(st.none() | st.integers(1450, max_year()))
    opt = lambda: draw(st.none() | _text)  # noqa: E731
    kind = draw(st.sampled_from(REF_TYPES))
    parts = draw(public_parts(kind)) if kind in PUBLIC else {}
    if parts:
        date, year = None, parts.pop("year", None)
    return reference(
        key=draw(_key),
        type=kind,
        title=draw(_nonblank),
        authors=draw(st.lists(_person, max_size=3)),
        editors=draw(st.lists(_person, max_size=2)),
        year=year,
        date=date.isoformat() if date else None,
        publisher=opt(), place=opt(), series=None if parts else opt(),
        number=parts.get("number") or draw(st.none() | _text | st.sampled_from(["2013:52", "11/2010", "007", "1.10", "7"])),
        session=parts.get("session"), short_title=parts.get("short_title") or (opt() if not parts else None),
        edition=opt(), genre=None if parts else opt(), journal=opt(), booktitle=opt(), volume=opt(), issue=opt(), pages=opt(),
        url=draw(st.none() | st.sampled_from(["https://fafo.no/x?id=1#a", "http://localhost:8000/"])),
        doi=draw(st.none() | st.from_regex(r"10\.[0-9]{4,6}/[!-~]{1,20}", fullmatch=True)),
        isbn=draw(st.none() | st.from_regex(r"97[89][0-9]{9}", fullmatch=True).map(_isbn13)),
        language=draw(st.none() | st.sampled_from(["nb", "nn", "sv", "no", "en-GB", "yes"])),
        abstract=draw(st.none() | st.text(max_size=300)),
        keywords=draw(st.lists(_text, max_size=4)),
        themes=draw(st.lists(_text, max_size=3)),
        note=draw(st.none() | st.text(max_size=200)),
        availability=opt(),
        extra=draw(st.dictionaries(_nonblank, _extra_value, max_size=3)),
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(references())
def test_any_record_written_then_loaded_is_the_same_record(ref):
    text = writer.record_text(ref)
    assert load_records(text) == [ref]
    # YAML 1.1 readers (PyYAML's default) read the same text for every text field.
    data = yaml.safe_load(text)[0]
    for name, value in ref.to_data().items():
        if isinstance(value, str):
            assert data[name] == value, name


@settings(max_examples=100, deadline=None)
@given(st.lists(references(), min_size=1, max_size=4, unique_by=lambda r: r.key),
       st.sampled_from([writer.Style(), writer.Style(indent=4, list_indent=0, blank_between=False),
                        writer.Style(newline="\r\n")]))
def test_records_appended_to_a_file_load_back_and_leave_it_alone(refs, style):
    text = SHIPPED_TEXT.replace("\n", style.newline)
    doc = writer.Document.from_text(text)
    for ref in refs:
        doc.append(writer.record_text(ref, doc.style))
    out = doc.text()
    assert out.startswith(text)
    assert load_records(out)[7:] == refs


# --------------------------------------------------------------------------- splicing

NEW = reference(key="new", type="book", title="New")

COMMENTED = """\
# My reading list.  Hand-edited; keep my comments!
- key: a
  title: First   # the working title
  year: 2001

# --- a section of my own ---

-   key: b
    title: "Second"
    authors:
    - {family: Berg, given: Jan}
    # the year is a guess
    year: 2002
    note: >-
      This literal # is text,
      not a comment.
- key: c
  title: Third
"""


def test_document_spans_are_the_file_byte_for_byte():
    doc = writer.Document.from_text(COMMENTED)
    assert doc.text() == COMMENTED
    assert len(doc.items) == 3 and doc.head.startswith("# My reading list.")


def test_append_keeps_every_byte_and_follows_the_file():
    doc = writer.Document.from_text(SHIPPED_TEXT)
    doc.append(writer.record_text(NEW, doc.style))
    assert doc.text() == SHIPPED_TEXT + "\n- key: new\n  type: book\n  title: New\n"


def test_append_to_a_file_without_final_line_break_or_records():
    for text, expected in [
        ("- key: a\n  title: A", "- key: a\n  title: A\n\n- key: new\n  type: book\n  title: New\n"),
        ("", "- key: new\n  type: book\n  title: New\n"),
        ("# header only\n", "# header only\n\n- key: new\n  type: book\n  title: New\n"),
        ("- key: a\n  title: A\n- key: b\n  title: B\n", "- key: a\n  title: A\n- key: b\n  title: B\n- key: new\n  type: book\n  title: New\n"),
    ]:
        doc = writer.Document.from_text(text)
        doc.append(writer.record_text(NEW, doc.style))
        assert doc.text() == expected


def test_a_file_with_a_yaml_directive_is_split_by_the_scanner():
    text = "%YAML 1.2\n---\n# list\n- key: a\n  title: A\n\n- key: b\n  title: B\n...\n"
    doc = writer.Document.from_text(text)
    assert doc.scanned and doc.text() == text and len(doc.items) == 2
    doc.remove(0)
    assert doc.text() == "%YAML 1.2\n---\n# list\n- key: b\n  title: B\n...\n"


def test_remove_keeps_comments_and_neighbours():
    doc = writer.Document.from_text(COMMENTED)
    doc.remove(0)
    assert doc.text() == COMMENTED.replace("- key: a\n  title: First   # the working title\n  year: 2001\n\n", "")
    doc = writer.Document.from_text(COMMENTED)
    doc.remove(2)
    assert doc.text() == COMMENTED[: COMMENTED.index("- key: c")]
    doc = writer.Document.from_text(SHIPPED_TEXT)
    doc.remove(6)
    assert doc.text() == SHIPPED_TEXT[: SHIPPED_TEXT.index("- key: krd2013nyevegar")].rstrip("\n") + "\n"


def test_append_then_remove_gives_the_file_back():
    doc = writer.Document.from_text(SHIPPED_TEXT)
    doc.append(writer.record_text(NEW, doc.style))
    doc.remove(len(doc.items) - 1)
    assert doc.text() == SHIPPED_TEXT


def test_changing_fields_keeps_the_other_lines_and_comments():
    doc = writer.Document.from_text(COMMENTED)
    before = load_records(COMMENTED)[1]
    after = before.replace(**{"year": 2003, "publisher": "Fafo", "note": None})
    item = writer.change_fields(doc.items[1], after, ["year", "publisher", "note"], doc.style)
    assert item == (
        "-   key: b\n"
        '    title: "Second"\n'
        "    authors:\n"
        "    - {family: Berg, given: Jan}\n"
        "    # the year is a guess\n"
        "    year: 2003\n"
        "    publisher: Fafo\n"
    )
    first = load_records(COMMENTED)[0].replace(**{"key": "a2", "title": "First, renamed"})
    item = writer.change_fields(doc.items[0], first, ["key", "title"], doc.style)
    # A comment at the end of a changed field's line stays with the field (issue 10, item 7).
    assert item == ("- key: a2\n  title: First, renamed  # the working title\n  year: 2001\n\n"
                    "# --- a section of my own ---\n\n")


def test_field_changes_give_up_on_flow_records():
    text = "- {key: a, title: A}\n"
    ref = load_records(text)[0].replace(**{"year": 2001})
    assert writer.change_fields(text, ref, ["year"], writer.Style()) is None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(references(), references(), st.sets(st.sampled_from(
    ["type", "title", "authors", "editors", "publisher", "number", "note", "abstract", "keywords", "themes",
     "extra", "url", "language", "session", "short_title"]), min_size=1))
def test_changed_fields_spliced_into_a_record_read_back_as_intended(base, other, names):
    after = base.replace(**{name: getattr(other, name) for name in names})
    try:
        after = validate_reference(after.to_data())  # a change innoref would write: a valid record
    except ValueError:
        assume(False)
    item = writer.record_text(base) + "\n# a comment about the next record\n"
    changed = [n for n in names if getattr(base, n) != getattr(after, n)]
    out = writer.change_fields(item, after, changed, writer.Style())
    assert out is not None  # records innoref writes can always be changed field by field
    assert out.endswith("\n# a comment about the next record\n")
    assert load_records(out) == [after]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(references(), st.sampled_from([writer.Style(), writer.Style(indent=4, list_indent=0, blank_between=False),
                                      writer.Style(newline="\r\n")]))
def test_the_positions_of_a_written_record_are_those_a_parse_finds(ref, style):
    # The index takes a record innoref has just written without parsing it again (issue 9).
    text = writer.record_text(ref, style)
    item = reading.read_item(text, 0)
    assert writer.written_positions(text) == reading.positions(item, ref)


def test_the_positions_of_themes_written_as_block_scalars():
    # Found by the property test above: a theme with a line break is written as "- |" and its text.
    ref = reference(key="0", type="report", title="0", themes=["0\n", ""])
    text = writer.record_text(ref, writer.Style())
    assert "    - |\n" in text
    assert writer.written_positions(text) == reading.positions(reading.read_item(text, 0), ref)
