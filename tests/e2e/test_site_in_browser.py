"""The course's website (`make site`), read in headless Chromium as a reader would.

The site is built once per session in quick mode (`python -m course_tools.site
--mode quick`, from the runs `test_jupyterlab.py` saved just before in
`artifacts/executed/quick/`; in full mode with `E2E_FULL_MODE=1`;
`E2E_SITE_DIR` tests an already built site instead, e.g. `artifacts/site/` from
`make site`), served on
127.0.0.1 by Python's `http.server`, and every page is opened at a laptop's
width (1280 px) and a phone's (390 px). Each page must:
- make no request to any address but the local server (every request is
  intercepted: a local one is served, any other is recorded and refused);
- show every image (`naturalWidth > 0`) and raise no JavaScript error;
- have its equations rendered by MathJax (every `.math` element holds an
  `mjx-container`, no raw `$$` left in the text);
- show no error output, no standard error, no widget left as "Error
  displaying widget" or as its text fallback;
- keep the worked solutions collapsed;
- say so in a banner when its figures come from quick mode;
- not scroll sideways (wide code, tables and equations scroll in their own box).
The sidebar and the "next" links reach every notebook page, and the search page
finds a word of notebook 03. Screenshots of every page at both widths go to
`artifacts/site_screenshots/`.

Run alone: `pytest -m e2e tests/e2e/test_site_in_browser.py`.
"""

import functools
import http.server
import importlib.util
import json
import os
import threading
from pathlib import Path

import pytest
from ci_rules import skip_or_fail

from course_tools.executed import WIDGET_AS_TEXT
from course_tools.site import BUILD_INFO, MATHJAX_FILE, NOTEBOOKS_DIR, QUICK_BANNER, build_site

pytestmark = pytest.mark.e2e

REPO_DIR = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_DIR / "artifacts" / "site_screenshots"
WIDTHS = {"laptop": 1280, "phone": 390}
PAGE_HEIGHT = 800
MATHJAX_TIMEOUT = 30_000  # ms
# A page's own files (its figures, MathJax's fonts) may take longer than Playwright's default
# 30 s to settle while the other test worker runs a notebook on the same 2 cores: CI once timed
# out there on notebook 03's page, which had passed in every run before.
PAGE_IDLE_TIMEOUT = 90_000  # ms
# A word that only notebook 03 uses ("the constant error carousel"), for the search test.
SEARCH_WORD, SEARCH_PAGE = "carousel", "notebooks/03_lstm_gru_gates.html"

# Each page the site must have: the home page, the instructor guide, one per notebook, and
# Sphinx's search page and index.
PAGES = [
    "index.html",
    "instructors.html",
    *(f"notebooks/{path.stem}.html" for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb"))),
    "search.html",
    "genindex.html",
]


@pytest.fixture(scope="module")
def built_site(browser, tmp_path_factory):
    """The built site: built here (quick mode, or full if `E2E_FULL_MODE=1`), or `E2E_SITE_DIR`."""
    given = os.environ.get("E2E_SITE_DIR")
    if given:
        return Path(given).resolve()
    if importlib.util.find_spec("jupyter_book") is None:
        skip_or_fail("Jupyter Book is not installed (pip install -e '.[site]')")
    if not MATHJAX_FILE.is_file():
        skip_or_fail(
            f"MathJax, which the site serves itself, is not in {MATHJAX_FILE} "
            "(npm ci --prefix vendor)"
        )
    out = tmp_path_factory.mktemp("site") / "site"
    build_site("full" if os.environ.get("E2E_FULL_MODE") == "1" else "quick", out)
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def site_url(built_site):
    """The site served on 127.0.0.1 (a free port), as any static server would."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def build_mode(built_site):
    return json.loads((built_site / BUILD_INFO).read_text(encoding="utf-8"))["mode"]


class Reader:
    """A browser tab of a given width whose every request outside the site is refused and kept,
    and whose JavaScript errors are kept."""

    def __init__(self, browser, site_url, width):
        self.site_url = site_url
        self.outside = []
        self.context = browser.new_context(viewport={"width": width, "height": PAGE_HEIGHT})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.errors = []  # uncaught JavaScript errors
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _route(self, route):
        if route.request.url.startswith(self.site_url):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def open(self, path):
        """Opens a page of the site and waits until its images and equations are drawn."""
        self.page.goto(self.site_url + path, wait_until="load")
        self.page.wait_for_load_state("networkidle", timeout=PAGE_IDLE_TIMEOUT)
        if self.page.locator(".math").count():
            from playwright.sync_api import TimeoutError as PlaywrightTimeout

            try:
                self.page.wait_for_function(
                    "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                    timeout=MATHJAX_TIMEOUT,
                )
                self.page.evaluate("() => MathJax.startup.promise")
            except PlaywrightTimeout:
                pass  # MathJax never started: the test names the equations left unrendered
        self.page.evaluate("""() => Promise.all([...document.images].map(
            img => { img.loading = 'eager'; return img.decode().catch(() => null); }))""")
        return self.page

    def close(self):
        self.context.close()


@pytest.fixture
def readers(browser, site_url):
    """One `Reader` per width in `WIDTHS`, closed after the test."""
    opened = {name: Reader(browser, site_url, width) for name, width in WIDTHS.items()}
    yield opened
    for reader in opened.values():
        reader.close()


_BROKEN_IMAGES_JS = """() => [...document.images]
    .filter(img => !(img.complete && img.naturalWidth > 0))
    .map(img => img.getAttribute('src').slice(0, 80))"""

_UNRENDERED_MATH_JS = """() => [...document.querySelectorAll('.math')]
    .filter(el => !el.querySelector('mjx-container'))
    .map(el => el.textContent.slice(0, 80))"""

# If the page scrolls sideways: the elements that stick out (else nothing).
_TOO_WIDE_JS = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  return [...document.querySelectorAll('main *')]
    .filter(el => el.getBoundingClientRect().right > width + 1)
    .map(el => el.tagName + '.' + el.className).slice(0, 10);
}"""


@pytest.mark.parametrize("path", PAGES)
def test_page_reads_offline_at_laptop_and_phone_width(path, readers, build_mode):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for width_name, reader in readers.items():
        page = reader.open(path)
        where = f"{path} at {WIDTHS[width_name]} px"
        page.screenshot(
            path=str(SCREENSHOT_DIR / f"{path.replace('/', '_')[:-5]}_{WIDTHS[width_name]}.png"),
            full_page=True,
        )
        assert reader.outside == [], f"{where} asked for addresses outside it: {reader.outside}"
        assert reader.errors == [], f"{where} raised JavaScript errors: {reader.errors}"
        assert page.evaluate(_BROKEN_IMAGES_JS) == [], f"{where} has images that do not load"
        assert page.evaluate(_UNRENDERED_MATH_JS) == [], f"{where} has math MathJax did not render"
        text = page.locator("main").inner_text()
        assert "$$" not in text, f"{where} shows raw $$ (math MathJax did not render)"
        assert page.locator(".output.stderr, .output.traceback, .output.error").count() == 0, (
            f"{where} shows an error or standard error output"
        )
        assert "Error displaying widget" not in text, f"{where} shows 'Error displaying widget'"
        fallback = WIDGET_AS_TEXT.search(text)  # the course's one rule of a bad output
        assert fallback is None, f"{where} shows a widget as its text: {fallback and fallback[0]}"
        assert page.evaluate(_TOO_WIDE_JS) == [], f"{where} is wider than the screen"
        if build_mode == "quick":
            assert QUICK_BANNER in page.inner_text("body"), f"{where} lacks the quick-mode banner"
    if path.startswith("notebooks/"):
        _check_notebook_page(readers["laptop"].page, path)


def _check_notebook_page(page, path):
    """A notebook page: its widgets drawn statically, its worked solutions collapsed."""
    solutions = page.locator(".tag_solution")
    assert solutions.count() >= 2, f"{path}: expected its worked solutions (tag solution)"
    for i in range(solutions.count()):
        solution = solutions.nth(i)
        assert solution.locator("details.hide:not([open])").count() == 1, (
            f"{path}: worked solution {i + 1} is not collapsed"
        )
        assert not solution.locator(".cell_input").is_visible(), (
            f"{path}: the code of worked solution {i + 1} shows"
        )
    widgets = page.locator(".course-widget")
    for i in range(widgets.count()):
        assert widgets.nth(i).inner_text().strip() or widgets.nth(i).locator("img").count(), (
            f"{path}: widget {i + 1} is drawn empty"
        )


def test_every_page_of_the_site_is_checked(built_site):
    files = (path.relative_to(built_site).as_posix() for path in built_site.rglob("*.html"))
    # _static/ holds the theme's template fragments, not pages.
    assert sorted(f for f in files if not f.startswith("_static/")) == sorted(PAGES)


def test_navigation_reaches_every_notebook(readers):
    reader = readers["laptop"]
    page = reader.open("index.html")
    sidebar = {
        href.split("#")[0]
        for href in page.locator("nav.bd-docs-nav a").evaluate_all(
            "links => links.map(a => a.href)"
        )
    }
    notebooks = [p for p in PAGES if p.startswith("notebooks/")]
    missing = [p for p in notebooks if reader.site_url + p not in sidebar]
    assert missing == [], f"the sidebar does not link to {missing}"
    reached = []
    while page.locator("a.right-next").count():
        page.locator("a.right-next").click()
        page.wait_for_load_state("load")
        reached.append(page.url.removeprefix(reader.site_url).split("#")[0])
    assert [p for p in notebooks if p not in reached] == [], (
        f"the 'next' links from the home page reach {reached}, not every notebook"
    )
    assert reader.outside == []


def test_search_finds_a_word_of_notebook_03(readers):
    reader = readers["laptop"]
    page = reader.open(f"search.html?q={SEARCH_WORD}")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=15_000)
    found = results.evaluate_all("links => links.map(a => a.href)")
    assert any(SEARCH_PAGE in href for href in found), (
        f"searching {SEARCH_WORD!r} found {found}, not {SEARCH_PAGE}"
    )
    assert reader.outside == []
