"""`innoref page` in a real browser: headless Chromium driven by Selenium.

The page is opened from a file: URL. The tests check that every reference is
shown, that typing in the filter hides the references that do not match (with the
search's folding: brathen, aarsaether, bolkesjoe) and clearing it shows them all,
that without JavaScript the whole list is still there, that nothing is loaded
besides the file and nothing is refused or fails in the console, that the page
fits a phone and prints without its filter, and they save the screenshot the
README shows (docs/page.png).

Chromium and chromedriver are Debian's (``chromium``, ``chromium-driver``), named
by path so Selenium Manager never downloads a browser or a driver. Without them
the tests skip, except in CI (INNOREF_REQUIRE_TOOLS=1), where they fail.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import REPO, SHIPPED, require_tool, load

selenium = pytest.importorskip("selenium", reason="selenium is in the test extra")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

FIXED_TIME = "1709647380"  # 2024-03-05 14:03 UTC: the same page text on every run
SCREENSHOT = REPO / "docs" / "page.png"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


def make_page(folder: Path, data: Path, *args: str) -> Path:
    """Run `innoref page` as a user would, in a fresh process."""
    out = folder / "lista.html"
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_TIME, "XDG_CACHE_HOME": str(folder / "cache")}
    subprocess.run([sys.executable, "-m", "innoref", "--data", str(data), "page", "--output", str(out), *args],
                   check=True, capture_output=True, env=env)
    return out


def start_browser(javascript: bool = True):
    chromium = require_tool("chromium")
    chromedriver = require_tool("chromedriver")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument("--user-data-dir=" + tempfile.mkdtemp(prefix="innoref-chromium-"))
    options.add_argument("--window-size=1000,1200")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    service = webdriver.ChromeService(executable_path=chromedriver)
    return webdriver.Chrome(options=options, service=service)


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    return make_page(tmp_path_factory.mktemp("page"), SHIPPED)


@pytest.fixture(scope="module")
def browser():
    driver = start_browser()
    yield driver
    driver.quit()


@pytest.fixture
def opened(browser, page_file):
    browser.set_window_size(1000, 1200)
    browser.get(page_file.as_uri())
    browser.get_log("browser")  # start each test with an empty console
    return browser


def shown_keys(driver) -> list[str]:
    return [li.get_attribute("data-key") for li in driver.find_elements(By.CSS_SELECTOR, "li.ref") if li.is_displayed()]


def type_filter(driver, text: str) -> None:
    box = driver.find_element(By.ID, "filter-input")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    if text:
        box.send_keys(text)


def expected_lines(lang: str = "nb") -> dict[str, str]:
    from innoref.location import locate, shipped_data
    from innoref.formats import apa

    refs = load(str(SHIPPED)).references()
    return {r.key: apa.reference_line(r, refs, lang=lang) for r in refs}


ALL_ENTRIES = ["moland2010strategisk",  # Kompetanse og rekruttering
               "bolkesjo1999fylkeskommunen", "frankelius2009innovativa", "krd2013nyevegar",  # Innovasjon, APA order
               "moland2010strategisk", "moland2013laeringsnettverk", "ringholm2011innovasjonsprosesser",
               "teigen2010kommunesektorens"]


def test_every_reference_is_shown(opened):
    assert opened.title == "Litteraturliste"
    assert shown_keys(opened) == ALL_ENTRIES
    lines = expected_lines()
    for li in opened.find_elements(By.CSS_SELECTOR, "li.ref"):
        assert li.find_element(By.CSS_SELECTOR, "p.apa").text == lines[li.get_attribute("data-key")]
    titles = [i.text for i in opened.find_elements(By.CSS_SELECTOR, "p.apa i")]
    assert "Læringsnettverk og innovasjon i kommunene" in titles  # italics
    note = opened.find_element(By.CSS_SELECTOR, 'li[data-key="bolkesjo1999fylkeskommunen"] .availability')
    assert note.is_displayed() and "Finnes ikke elektronisk" in note.text
    headings = [h.text for h in opened.find_elements(By.CSS_SELECTOR, "section h2")]
    assert headings == ["Sykefravær og nærvær", "Heltid–deltid (heltidskultur)", "Kompetanse og rekruttering",
                        "Omdømme", "Innovasjon"]
    empty = opened.find_element(By.CSS_SELECTOR, "#tema-omdomme p.empty")
    assert empty.is_displayed() and empty.text == "Ingen referanser til dette temaet ennå."
    status = opened.find_element(By.ID, "filter-status")
    assert status.is_displayed() and status.text == "Viser 7 av 7 referanser."


@pytest.mark.parametrize(
    "typed, keys",
    [
        ("brathen", ["moland2010strategisk", "moland2010strategisk"]),
        ("Bråthen", ["moland2010strategisk", "moland2010strategisk"]),
        ("aarsaether", ["ringholm2011innovasjonsprosesser"]),
        ("bolkesjoe", ["bolkesjo1999fylkeskommunen"]),
        ("finnes ikke elektronisk", ["bolkesjo1999fylkeskommunen"]),
        ("moland 2013", ["moland2013laeringsnettverk"]),
        ("ostlandsforskning", ["teigen2010kommunesektorens"]),
        ("2013:52", ["moland2013laeringsnettverk"]),
    ],
)
def test_typing_narrows_the_list(opened, typed, keys):
    type_filter(opened, typed)
    assert shown_keys(opened) == keys
    hidden = [li for li in opened.find_elements(By.CSS_SELECTOR, "li.ref") if not li.is_displayed()]
    assert len(hidden) == len(ALL_ENTRIES) - len(keys)
    assert opened.find_element(By.ID, "filter-status").text == f"Viser {len(set(keys))} av 7 referanser."


def test_a_theme_with_nothing_left_is_hidden_and_clearing_shows_all(opened):
    type_filter(opened, "bolkesjoe")
    sections = {s.get_attribute("id"): s.is_displayed() for s in opened.find_elements(By.CSS_SELECTOR, "section")}
    assert sections == {"tema-sykefravaer": False, "tema-heltid-deltid": False, "tema-kompetanse-rekruttering": False,
                        "tema-omdomme": False, "tema-innovasjon": True}
    type_filter(opened, "zzzz")
    assert shown_keys(opened) == []
    assert opened.find_element(By.ID, "filter-nothing").is_displayed()
    assert opened.find_element(By.ID, "filter-status").text == "Viser 0 av 7 referanser."
    type_filter(opened, "")
    assert shown_keys(opened) == ALL_ENTRIES
    assert not opened.find_element(By.ID, "filter-nothing").is_displayed()
    assert all(s.is_displayed() for s in opened.find_elements(By.CSS_SELECTOR, "section"))


def test_the_script_folds_as_the_search_does(opened):
    from innoref.page import fold_script
    from innoref.text import fold_loose

    samples = ["Bråthen", "BRÅTHEN", "Aarsæther", "Bolkesjø", "Ødegård", "Skålholt", "Renå", "Lindström",
               "Bäckström", "Øberg", "Æsop", "Straße", "Þór", "Łódź", "Œuvre", "Crème brûlée", "Ægir Dæhlie",
               "Braathen", "bolkesjoe", "aarsaether", "May-Britt", "2013:52", "Kåre Sæther Mørk Fæste"]
    folded = opened.execute_script(fold_script() + "return arguments[0].map(fold);", samples)
    assert folded == [fold_loose(s) for s in samples]


def test_nothing_is_loaded_refused_or_failing(opened):
    resources = opened.execute_script("return performance.getEntriesByType('resource').length")
    assert resources == 0  # no fonts, scripts, styles or images from anywhere
    type_filter(opened, "brathen")
    problems = [e for e in opened.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert problems == []  # a style or script refused by the page's CSP would be logged here


def test_fits_a_phone(opened):
    opened.set_window_size(390, 844)
    opened.get(opened.current_url)
    wide = opened.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert wide <= 0  # no sideways scrolling
    assert shown_keys(opened) == ALL_ENTRIES


def test_print_has_every_reference_and_no_filter(opened, tmp_path):
    pdftotext = require_tool("pdftotext")
    from selenium.webdriver.common.print_page_options import PrintOptions

    type_filter(opened, "")
    pdf = tmp_path / "lista.pdf"
    pdf.write_bytes(base64.b64decode(opened.print_page(PrintOptions())))
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    for title in ("Strategisk kompetanseutvikling i kommunene", "Læringsnettverk og innovasjon i kommunene",
                  "Finnes ikke elektronisk", "Telemarksforsking"):
        assert title in flat
    assert "Filtrer lista" not in flat and "Hopp til lista" not in flat


def test_without_javascript_everything_is_listed(page_file):
    driver = start_browser(javascript=False)
    try:
        driver.get(page_file.as_uri())
        assert shown_keys(driver) == ALL_ENTRIES
        assert not driver.find_element(By.ID, "filter").is_displayed()  # the box stays hidden without its script
    finally:
        driver.quit()


def test_other_languages(browser, tmp_path):
    page = make_page(tmp_path, SHIPPED, "--lang", "en")
    browser.get(page.as_uri())
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert browser.title == "Reading list"
    type_filter(browser, "brathen")
    assert browser.find_element(By.ID, "filter-status").text == "Showing 1 of 7 references."
    lines = expected_lines("en")
    for li in browser.find_elements(By.CSS_SELECTOR, "li.ref"):
        if li.is_displayed():
            assert li.find_element(By.CSS_SELECTOR, "p.apa").text == lines[li.get_attribute("data-key")]


def test_screenshot_for_the_readme(opened):
    height = opened.execute_script("return document.documentElement.scrollHeight")
    opened.set_window_size(1000, min(height + 200, 2400))  # the whole page, no scroll bar
    opened.get(opened.current_url)
    # Only a page that works is worth showing: the filter box ready, every reference there.
    assert opened.find_element(By.ID, "filter-input").is_displayed() and shown_keys(opened) == ALL_ENTRIES
    SCREENSHOT.parent.mkdir(exist_ok=True)
    assert opened.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
