"""No record text becomes live markup: strict URLs, and every markup backend escapes (issue 10, item 17)."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from conftest import load

HOSTILE_URL = 'https://example.org/a"><script>alert(1)</script>'


def test_a_url_outside_rfc_3986_is_refused_in_the_file(make_library, cli):
    folder = make_library(f"""\
        - key: a
          title: Tittel
          url: {json.dumps(HOSTILE_URL)}
    """)
    result = cli("check", data=folder)
    assert result.exit_code == 1
    assert (f"a: url: '{HOSTILE_URL}' holds '\"', which a web address may not hold (RFC 3986); "
            "write it percent-encoded") in result.stdout


def test_an_imported_or_added_url_is_percent_encoded(make_library, cli, tmp_path):
    folder = make_library("")
    bib = tmp_path / "x.bib"
    bib.write_text("@misc{a,\n title={Tittel},\n author={Berg, Jan},\n year={2001},\n"
                   f" url={{{HOSTILE_URL}}}}}\n")
    assert cli("import", str(bib), data=folder).exit_code == 0
    added = cli("add", "--type", "webpage", "--title", "Side", "--author", "Berg, Jan", "--year", "2002",
                "--url", "https://no.wikipedia.org/wiki/Bråthen", "--no-input", data=folder)
    assert added.exit_code == 0, added.stderr
    refs = {r.key: r for r in load(folder).references()}
    assert refs["a"].url == "https://example.org/a%22%3E%3Cscript%3Ealert(1)%3C/script%3E"
    assert refs["berg2002side"].url == "https://no.wikipedia.org/wiki/Br%C3%A5then"


HOSTILE_TITLES = [
    "<script>alert(1)</script>",
    "[click me](javascript:alert(1))",
    "![x](https://evil.example/track.png)",
    "# Not a heading",
    "1. Not a list",
    "AT&amp;T &lt;b&gt;",
    "<img src=x onerror=alert(1)>",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_markdown_export_renders_as_the_text_and_nothing_else(make_library, cli, title):
    from markdown_it import MarkdownIt

    folder = make_library(f"""\
        - key: a
          type: report
          title: {json.dumps(title)}
          url: https://example.org/page
    """)
    result = cli("export", "-f", "apa", "--markup", "markdown", data=folder)
    assert result.exit_code == 0, result.stderr
    html = MarkdownIt("commonmark").render(result.stdout)
    assert html.startswith("<p>") and html.count("<p>") == 1  # one paragraph: no heading, no list
    assert "<script" not in html and "<img" not in html and "javascript:" not in html.replace("(javascript:", "")
    assert html.count("<a href=") == 1 and '<a href="https://example.org/page">' in html
    text = unescape(re.sub(r"<[^>]+>", "", html))
    assert title in text  # the title reads as written


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_html_export_escapes_every_title(make_library, cli, title):
    folder = make_library(f"""\
        - key: a
          type: report
          title: {json.dumps(title)}
    """)
    result = cli("export", "-f", "apa", "--markup", "html", data=folder)
    assert "<script" not in result.stdout and "<img" not in result.stdout
    assert title in unescape(result.stdout.replace("<i>", "").replace("</i>", ""))
