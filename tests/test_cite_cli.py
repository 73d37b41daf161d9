"""`innoref cite`: parenthetical and narrative citations, languages, a/b letters in scope."""

from __future__ import annotations


def test_parenthetical_and_narrative(cli, library):
    assert cli("cite", "moland2013laeringsnettverk", data=library).stdout == "(Moland et al., 2013)\n"
    assert cli("cite", "frankelius2009innovativa", data=library).stdout == "(Frankelius & Utbult, 2009)\n"
    assert cli("cite", "--narrative", "moland2013laeringsnettverk", data=library).stdout == "Moland et al. (2013)\n"
    assert cli("cite", "-n", "frankelius2009innovativa", data=library).stdout == "Frankelius and Utbult (2009)\n"


def test_several_keys_sorted_with_semicolons(cli, library):
    result = cli("cite", "teigen2010kommunesektorens", "moland2013laeringsnettverk", data=library)
    assert result.stdout == "(Moland et al., 2013; Teigen et al., 2010)\n"


def test_norwegian(cli, library):
    assert cli("cite", "-n", "frankelius2009innovativa", "--lang", "nb", data=library).stdout == \
        "Frankelius og Utbult (2009)\n"
    assert cli("cite", "frankelius2009innovativa", "--lang", "nn", data=library).stdout == \
        "(Frankelius & Utbult, 2009)\n"


SAME_YEAR = """\
- key: judge2012general
  type: article
  title: "General and specific measures in organizational behavior research"
  authors: ["Judge, Timothy A.", "Kammeyer-Mueller, John D."]
  year: 2012
  journal: Journal of Organizational Behavior
- key: judge2012aiming
  type: article
  title: "On the value of aiming high"
  authors: ["Judge, Timothy A.", "Kammeyer-Mueller, John D."]
  year: 2012
  journal: Journal of Applied Psychology
- key: other
  title: Undated
  authors: ["{U.S. Census Bureau}"]
"""


def test_letters_assigned_in_the_library_or_the_scope(cli, make_library):
    folder = make_library(SAME_YEAR)
    assert cli("cite", "judge2012aiming", data=folder).stdout == "(Judge & Kammeyer-Mueller, 2012b)\n"
    assert cli("cite", "judge2012aiming", "judge2012general", data=folder).stdout == \
        "(Judge & Kammeyer-Mueller, 2012a, 2012b)\n"
    # Only the aiming-high paper is in this document: it needs no letter.
    assert cli("cite", "judge2012aiming", "--scope", "title:aiming", data=folder).stdout == \
        "(Judge & Kammeyer-Mueller, 2012)\n"
    assert cli("cite", "other", "--lang", "nb", data=folder).stdout == "(U.S. Census Bureau, u.å.)\n"


def test_unknown_key_is_a_clear_error(cli, library):
    result = cli("cite", "moland2013", data=library)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: no reference with key 'moland2013'; did you mean")


def test_bad_language_is_a_usage_error(cli, library):
    result = cli("cite", "moland2013laeringsnettverk", "--lang", "sv", data=library)
    assert result.exit_code == 2
    assert result.stderr == "error: unknown language 'sv'; choose one of en, nb, nn\n"
