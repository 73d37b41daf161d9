"""The biblatex-apa harness (``biblatex_apa.py``) really runs pdflatex + biber and reads
the reference list back with its italics.

Each rendering test is one LaTeX document (about a second); the tests go through
innoref's CLI only, so they do not depend on innoref's internals.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import biblatex_apa
from biblatex_apa import normalise, render, render_entries

FIXTURES = Path(__file__).parent / "fixtures"


def _library_records(cli, library) -> list[dict]:
    return json.loads(cli("export", "-f", "json", data=library).stdout)


def test_shipped_reading_list_through_biblatex_apa(cli, library):
    bib = cli("export", "-f", "biblatex", data=library).stdout
    lines = render(bib)
    assert len(lines) == 7
    records = _library_records(cli, library)
    for record in records:
        families = [a.get("family") or a["name"] for a in record["authors"]]
        matching = [line for line in lines if f"*{record['title']}*" in line]
        assert len(matching) == 1, (record["key"], lines)
        assert all(name in matching[0] for name in families), (families, matching[0])
    # biblatex-apa's order is APA's: by first author, letter by letter.
    assert [line.split(",")[0] for line in lines] == [
        "Bolkesjø", "Frankelius", "Kommunal- og regionaldepartementet. (2013", "Moland", "Moland",
        "Ringholm", "Teigen"]


def test_keys_choose_the_entries_and_come_back_in_reference_list_order(cli, library):
    bib = cli("export", "-f", "biblatex", data=library).stdout
    entries = render_entries(bib, ["teigen2010kommunesektorens", "moland2013laeringsnettverk"], lang="nb")
    assert [key for key, _ in entries] == ["moland2013laeringsnettverk", "teigen2010kommunesektorens"]
    assert entries[0][1].startswith("Moland, L. E., Lien, L., Nygård, L., & Hofstad, T. (2013). "
                                    "*Læringsnettverk og innovasjon i kommunene*")


ARTICLE_AND_EDITED_BOOK = r"""
@article{ostby2020,
  author = {Østby, Øystein and van der Berg, Jan},
  title = {Nærvær i kommunene},
  journaltitle = {Tidsskrift for velferdsforskning},
  volume = {22}, number = {1}, pages = {4--19}, date = {2020},
  doi = {10.1000/xyz123}, langid = {norsk},
}
@collection{lie2019,
  editor = {Lie, Kari and Nordmann, Ola},
  title = {Heltid i helse og omsorg},
  publisher = {Universitetsforlaget}, date = {2019}, langid = {norsk},
}
@book{anon,
  title = {Kommunale eksempler},
  publisher = {Eksempelforlaget}, langid = {norsk},
}
"""


def test_italics_urls_and_language_strings():
    en = render(ARTICLE_AND_EDITED_BOOK)
    assert ("Østby, Ø., & van der Berg, J. (2020). Nærvær i kommunene. *Tidsskrift for velferdsforskning*, "
            "*22*(1), 4–19. https://doi.org/10.1000/xyz123") in en
    assert any(line.startswith("Lie, K., & Nordmann, O. (Eds.). (2019). *Heltid i helse og omsorg*.")
               for line in en), en
    assert any("(n.d.)" in line for line in en), en
    # norsk-apa.lbx: "Red."; for no date biblatex's Norwegian "udatert", not Sikt's "u.å.".
    nb = render(ARTICLE_AND_EDITED_BOOK, lang="nb")
    assert any("(Red.)" in line for line in nb) and any("(udatert)" in line for line in nb), nb
    assert render(ARTICLE_AND_EDITED_BOOK, ["anon"], lang="nn") == ["*Kommunale eksempler*. (udatert). Eksempelforlaget."]


def test_the_probe_corpus_renders_every_entry_once():
    bib = (FIXTURES / "apa-kinds.bib").read_text(encoding="utf-8")
    keys = re.findall(r"^@\w+\{([^,]+),", bib, flags=re.M)
    hidden = {"review-target-book"}  # options = {skipbib}: only printed inside its review
    entries = dict(render_entries(bib))
    assert sorted(entries) == sorted(set(keys) - hidden)
    assert entries["authors-23"].count(".,") == 19 and ", . . . Wold, W. (2020)." in entries["authors-23"]
    assert "[Review of the book *The innovative municipality*, by T. Rasmussen]" in entries["review-of-book"]


def test_a_missing_key_is_an_error():
    with pytest.raises(biblatex_apa.RenderError, match="nosuchkey"):
        render(ARTICLE_AND_EDITED_BOOK, ["ostby2020", "nosuchkey"])


@pytest.mark.parametrize("raw,clean", [
    ("Cuckoo\u2019s \u201cnest\u201d", "Cuckoo's \"nest\""),
    ("e\ufb03cient \ufb01eld", "efficient field"),
    ("pp.\u00a04\u201319", "pp. 4–19"),
    ("Kom\u00admune", "Kommune"),
    ("  *Title*  *22*(1)\n", "*Title 22*(1)"),
    ("«sitat» – ein", "«sitat» – ein"),
    ("a\u0308", "ä"),
    ("Solberg, S., ... Wold, W.", "Solberg, S., . . . Wold, W."),
    ("Solberg, S., \u2026 Wold, W.", "Solberg, S., . . . Wold, W."),
    ("Fafo. <https://www.fafo.no/rapporter/2019-14>", "Fafo. https://www.fafo.no/rapporter/2019-14"),
])
def test_normalise(raw, clean):
    assert normalise(raw) == clean
