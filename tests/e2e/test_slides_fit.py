"""Every slide fits the room: decks and RISE measured in headless Chromium at a projector's size.

Exported decks: every course notebook is exported once per session as an
instructor would (`python -m lesson_utils slides --execute`, which reads the
runs `test_jupyterlab.py` saved in `artifacts/executed/`, in quick mode;
full mode with `E2E_FULL_MODE=1`; `E2E_SLIDES_DIR` measures decks already
exported there instead) into `artifacts/slides/e2e/`. Each deck is opened at a
projector's 1280 x 720 and every slide is visited through reveal.js' own API
(`Reveal.getTotalSlides()`, `Reveal.slide(h, v)`, `Reveal.getCurrentSlide()`)
with all its fragments shown. A slide whose content is taller than the deck's
slide (`Reveal.getComputedSlideSize().height`, the configured height) fails the
deck's test, which names each such slide by its number (as the deck counts it),
its heading and its height; so does a figure shrunk to less than
`MIN_FIGURE_SCALE` of its size (a tall figure under the 380 px cap), a slide
that shows speaker notes, a deck
without speaker notes, and a title slide that does not say which mode made the
figures ("Figures from quick mode" / "Figures from full mode", the mode the
decks were exported in). A screenshot of every slide goes to
`artifacts/slides/screenshots/NN_x/NN.png` (kept by CI with the rest of
`artifacts/`).

RISE: each notebook, run in JupyterLab and saved (by `test_jupyterlab.py`,
which runs first in the same JupyterLab, or else here), is presented with RISE
(`/rise/NN_x.ipynb`), in quick mode or in full mode with `E2E_FULL_MODE=1`; every slide is
visited through the Reveal object RISE drives and measured against RISE's own
slide height, and no slide may show speaker notes. Screenshots go to
`artifacts/slides/screenshots/rise_NN_x/`.

Speaker notes: a notes cell's text is in the deck's `<aside class="notes">`,
never visible on a slide, and shown by the speaker view (key `S`); RISE keeps
it off the slide too.

Widgets in RISE: a known failure (xfail, strict), so that the day a release of
jupyterlab-rise draws ipywidgets 8 again, this file says so.

Run alone: `pytest -m e2e tests/e2e/test_slides_fit.py` (the export runs each
notebook that has no current run in `artifacts/executed/`, about 2 minutes in
quick mode on two cores for all six, and RISE runs them in JupyterLab: run it
under `flock /tmp/cpu.lock`).
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from ci_rules import skip_or_fail
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from test_jupyterlab import _open_notebook, _run_all_cells, _save_notebook

from course_tools.slides import add_slide_metadata, export_slides, load_offline_assets

pytestmark = pytest.mark.e2e

REPO_DIR = Path(__file__).resolve().parents[2]
DECKS_DIR = REPO_DIR / "artifacts" / "slides" / "e2e"
SCREENSHOT_DIR = REPO_DIR / "artifacts" / "slides" / "screenshots"
PROJECTOR = {"width": 1280, "height": 720}
EXPORT_TIMEOUT = 3600  # seconds for every deck (quick mode: about 2 minutes on two cores)
READY_TIMEOUT = 60_000  # ms for a deck or RISE to be drawn
# What the title slide of a deck exported with --execute says, by mode
# (course_tools.slides.figures_mode_line).
MODE_LINES = {"quick": "Figures from quick mode", "full": "Figures from full mode"}
# A figure on a slide is shown at 70 % of its size in the notebook or more: the course's figures
# have labels of 11 px or more (lesson_utils.figures.inspection.MIN_LABEL_PX), so no label is
# smaller than about 8 px on a 1280 x 720 slide.
MIN_FIGURE_SCALE = 0.7
# How every speaker-notes cell of the course starts (tests/test_slides.py checks it).
NOTES_START = "Speaker notes."
NOTE = "Ask the room what the hidden state remembers."

# RISE drives reveal.js without making `Reveal` global: find the API object in
# JupyterLab's module cache and expose it, so that the same measuring code runs.
_FIND_RISE_REVEAL_JS = """() => {
  let require = null;
  self.webpackChunk_JUPYTERLAB_CORE_OUTPUT.push(
    [[Symbol('slides-fit')], {}, r => { require = r; }]);
  for (const module of Object.values((require && require.c) || {})) {
    const api = module.exports && module.exports.default;
    if (api && typeof api.getTotalSlides === 'function' && api.isReady()) {
      window.Reveal = api;
      return true;
    }
  }
  return false;
}"""

_READY_JS = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  await Promise.all([...document.images].map(img => img.decode().catch(() => null)));
  Reveal.configure({transition: 'none', backgroundTransition: 'none'});
  return {total: Reveal.getTotalSlides(), height: Reveal.getComputedSlideSize().height};
}"""

# Goes to the n-th slide (0-based, in the deck's order), shows all its fragments
# and measures it. The heading is the slide's own first heading, or else the
# last heading of the slides before it (`under` is then true).
_VISIT_SLIDE_JS = """async (n) => {
  const slides = Reveal.getSlides();
  const {h, v} = Reveal.getIndices(slides[n]);
  Reveal.slide(h, v);
  while (Reveal.nextFragment()) {}
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  await Promise.all([...slides[n].querySelectorAll('img')].map(
    img => img.decode().catch(() => null)));
  const slide = Reveal.getCurrentSlide();
  const clean = text => (text || '').replace(/\\u00b6/g, '').replace(/\\s+/g, ' ').trim();
  let heading = null, under = false;
  for (let k = n; k >= 0 && !heading; k--) {
    const found = slides[k].querySelectorAll('h1, h2, h3, h4, h5, h6');
    if (found.length) heading = k === n ? found[0] : found[found.length - 1];
    under = k !== n;
  }
  const editor = slide.querySelector('.jp-InputArea-editor');
  const code = editor ? editor.innerText.trim().split('\\n')[0].slice(0, 60) : '';
  const figures = [...slide.querySelectorAll('.jp-OutputArea-output img')]
    // A figure not shown at all (a skipped cell, folded outputs) is not on the slide.
    .filter(img => img.naturalHeight > 0 && img.getClientRects().length > 0)
    .map(img => ({shown: img.offsetHeight, natural: img.naturalHeight}));
  return {h, v, current: slide === slides[n], height: slide.scrollHeight, under, code, figures,
          heading: clean(heading && heading.textContent).slice(0, 70),
          text: clean(slide.innerText)};
}"""


def _mode():
    return "full" if os.environ.get("E2E_FULL_MODE") == "1" else "quick"


@pytest.fixture(scope="session")
def exported_decks():
    """The folder of decks: every notebook exported with `--execute`, once per session."""
    given = os.environ.get("E2E_SLIDES_DIR")
    if given:
        return Path(given).resolve()
    try:
        load_offline_assets()
    except FileNotFoundError as err:
        skip_or_fail(str(err))
    shutil.rmtree(DECKS_DIR, ignore_errors=True)
    env = dict(os.environ, QUICK_TEST_MODE="0" if _mode() == "full" else "1")
    env.pop("MPLBACKEND", None)  # the kernels draw inline figures, as a learner's do
    start = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "lesson_utils",
            "slides",
            "--execute",
            "--output-dir",
            str(DECKS_DIR),
        ],
        cwd=REPO_DIR,
        env=env,
        check=True,
        timeout=EXPORT_TIMEOUT,
    )
    print(f"\nevery deck exported in {_mode()} mode in {time.monotonic() - start:.0f} s")
    return DECKS_DIR


@pytest.fixture
def projector(browser):
    """A browser context the size of a projector (1280 x 720), and the page errors it saw."""
    context = browser.new_context(viewport=PROJECTOR)
    errors = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    yield context, errors
    context.close()


def _screenshot_folder(name):
    folder = SCREENSHOT_DIR / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _visit_every_slide(page, size, folder):
    """Visits, measures and photographs every slide; returns [(number, measures)]."""
    page.add_style_tag(content="* { transition: none !important; }")  # fragments shown at once
    slides = []
    for index in range(size["total"]):
        slide = page.evaluate(_VISIT_SLIDE_JS, index)
        assert slide["current"], f"Reveal.slide({slide['h']}, {slide['v']}) did not show it"
        page.screenshot(path=str(folder / f"{index + 1:02d}.png"))
        slides.append((index + 1, slide))
    return slides


def _notes_shown(name, slides):
    """The failure message naming every slide whose visible text holds speaker notes, or ''."""
    shown = [
        f"slide {number} ({s['h']}.{s['v']})" for number, s in slides if NOTES_START in s["text"]
    ]
    return f"{name}: speaker notes show on {', '.join(shown)}" if shown else ""


def _too_tall(name, slides, height):
    """The failure message naming every slide taller than `height`, or ''."""
    lines = [
        f"slide {number} ({s['h']}.{s['v']}) {'under ' if s['under'] else ''}"
        f"{s['heading']!r}: {s['height']:,} px" + (f", code {s['code']!r}" if s["code"] else "")
        for number, s in slides
        if s["height"] > height
    ]
    if not lines:
        return ""
    return (
        f"{name}: {len(lines)} of {len(slides)} slides are taller than the "
        f"{height} px slide (the rest is cut off):\n  " + "\n  ".join(lines)
    )


def _figures_shrunk(name, slides):
    """The failure message naming every figure shown below MIN_FIGURE_SCALE of its size, or ''."""
    lines = [
        f"slide {number} ({s['h']}.{s['v']}) under {s['heading']!r}: a figure {f['natural']} px "
        f"tall shown at {f['shown']} px ({f['shown'] / f['natural']:.0%})"
        for number, s in slides
        for f in s["figures"]
        if f["shown"] < MIN_FIGURE_SCALE * f["natural"]
    ]
    if not lines:
        return ""
    return (
        f"{name}: {len(lines)} figures are shrunk below {MIN_FIGURE_SCALE:.0%} of their size "
        "(their labels too small for a room; draw them wider rather than taller):\n  "
        + "\n  ".join(lines)
    )


def test_every_slide_of_the_deck_fits(notebook, exported_decks, projector):
    context, errors = projector
    deck = exported_decks / f"{notebook.stem}.slides.html"
    assert deck.is_file(), f"no deck for {notebook.name} in {exported_decks}"
    page = context.new_page()
    page.goto(deck.as_uri())
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=READY_TIMEOUT)
    size = page.evaluate(_READY_JS)
    slides = _visit_every_slide(page, size, _screenshot_folder(notebook.stem))
    problems = [
        _too_tall(f"{notebook.stem} (deck)", slides, size["height"]),
        _figures_shrunk(f"{notebook.stem} (deck)", slides),
        _notes_shown(f"{notebook.stem} (deck)", slides),
    ]
    if errors:
        problems.append(f"{notebook.stem}: JavaScript errors in the deck: {errors}")
    if not page.evaluate("() => document.querySelectorAll('aside.notes').length"):
        problems.append(f"{notebook.stem}: the deck has no speaker notes")
    title = slides[0][1]["text"]
    # Decks exported elsewhere (E2E_SLIDES_DIR) may be of either mode; ours are of _mode().
    expected = (
        list(MODE_LINES.values()) if os.environ.get("E2E_SLIDES_DIR") else [MODE_LINES[_mode()]]
    )
    if not any(line in title for line in expected):
        problems.append(
            f"{notebook.stem}: the title slide does not say which mode made the figures "
            f"({' or '.join(expected)!r}): {title[:300]!r}"
        )
    message = "\n".join(filter(None, problems))
    assert not message, message


def _has_run(path):
    """Whether the notebook file holds a complete run: every code cell saved with its count."""
    cells = nbformat.read(path, as_version=4).cells
    return all(cell.execution_count for cell in cells if cell.cell_type == "code")


def _present_in_rise(context, jupyter_lab, name):
    """Opens notebook `name` in RISE once it holds a run, as an instructor presents it.

    The run is the one `test_jupyterlab.py` saved (it runs first, in the same
    JupyterLab); when there is none (that test failed, or was not selected),
    the notebook is run in JupyterLab here and saved with its outputs.

    Returns:
        The page of RISE's presentation, once its reveal.js is ready.
    """
    if not _has_run(jupyter_lab.root / name):
        lab = context.new_page()
        _open_notebook(lab, jupyter_lab, name)
        _run_all_cells(lab, name)
        _save_notebook(lab)
    page = context.new_page()
    page.goto(f"{jupyter_lab.url}/rise/{name}?token={jupyter_lab.token}")
    page.wait_for_function(_FIND_RISE_REVEAL_JS, timeout=READY_TIMEOUT)
    return page


def test_every_slide_fits_in_rise(notebook, jupyter_lab, projector):
    context, _ = projector
    name = notebook.name
    try:
        page = _present_in_rise(context, jupyter_lab, name)
        size = page.evaluate(_READY_JS)
        slides = _visit_every_slide(page, size, _screenshot_folder(f"rise_{notebook.stem}"))
        # RISE reads notebooks/rise.css: figures as tall as in the deck, at most.
        figures = page.evaluate(
            "() => [...document.querySelectorAll('.jp-OutputArea-output img')]"
            ".map(img => getComputedStyle(img).maxHeight)"
        )
    finally:
        jupyter_lab.shutdown_kernels()
    assert set(figures) <= {"380px"}, f"{notebook.stem}: RISE did not read rise.css: {figures}"
    notes = _notes_shown(f"{notebook.stem} (RISE)", slides)
    assert not notes, notes
    problems = "\n".join(
        filter(
            None,
            [
                _too_tall(f"{notebook.stem} (RISE)", slides, size["height"]),
                _figures_shrunk(f"{notebook.stem} (RISE)", slides),
            ],
        )
    )
    assert not problems, problems


def _notes_notebook():
    return add_slide_metadata(
        new_notebook(
            cells=[
                new_markdown_cell("# Notes check"),
                new_markdown_cell("## The slide\n\nWhat the room sees."),
                new_markdown_cell(
                    f"**Speaker notes.** {NOTE}", metadata={"slideshow": {"slide_type": "notes"}}
                ),
            ],
            metadata={
                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
            },
        )
    )


_NOTES_JS = """() => {
  const notes = [...document.querySelectorAll('aside.notes')];
  return {inSlide: notes.map(aside => aside.closest('section') === Reveal.getCurrentSlide()),
          visible: notes.filter(aside => aside.checkVisibility()).length,
          slideText: Reveal.getCurrentSlide().innerText,
          notes: Reveal.getSlideNotes() || ''};
}"""


def _check_notes_hidden(state, where):
    assert state["inSlide"] == [True], f"{where}: the notes are not the slide's own: {state}"
    assert NOTE in state["notes"], f"{where}: Reveal.getSlideNotes() misses the notes: {state}"
    assert not state["visible"] and NOTE not in state["slideText"], (
        f"{where}: the speaker notes show on the slide: {state['slideText']!r}"
    )


def test_speaker_notes_only_in_the_speaker_view(tmp_path, projector):
    try:
        load_offline_assets()
    except FileNotFoundError as err:
        skip_or_fail(str(err))
    context, errors = projector
    path = tmp_path / "notes.ipynb"
    nbformat.write(_notes_notebook(), path)
    [deck] = export_slides([path], tmp_path)
    page = context.new_page()
    page.goto(deck.as_uri())
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=READY_TIMEOUT)
    page.evaluate("() => Reveal.slide(1, 0)")
    _check_notes_hidden(page.evaluate(_NOTES_JS), "deck")
    with context.expect_page() as opened:
        page.keyboard.press("s")  # the speaker view, in a window of its own
    speaker = opened.value
    speaker.wait_for_function(
        "(note) => document.body.innerText.includes(note)", arg=NOTE, timeout=READY_TIMEOUT
    )
    assert not errors, f"JavaScript errors in the deck or its speaker view: {errors}"


def _png(width, height):
    """A blank PNG of `width` x `height` pixels, base64-encoded."""
    import base64
    import io

    import matplotlib.pyplot as plt

    figure = plt.figure(figsize=(width / 100, height / 100), dpi=100)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode()


def test_a_figure_grows_into_the_room_its_slide_leaves(tmp_path, projector):
    try:
        load_offline_assets()
    except FileNotFoundError as err:
        skip_or_fail(str(err))
    context, errors = projector
    figure = new_output("display_data", data={"image/png": _png(640, 400), "text/plain": "F"})
    notebook = add_slide_metadata(
        new_notebook(
            cells=[
                new_markdown_cell("# Figure check"),
                new_markdown_cell("## A short slide"),
                new_code_cell("plot()", outputs=[figure]),
            ]
        )
    )
    path = tmp_path / "figure.ipynb"
    nbformat.write(notebook, path)
    [deck] = export_slides([path], tmp_path)
    page = context.new_page()
    page.goto(deck.as_uri())
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=READY_TIMEOUT)
    page.evaluate(_READY_JS)
    slide = page.evaluate(_VISIT_SLIDE_JS, 1)
    shown = page.evaluate("() => Reveal.getCurrentSlide().querySelector('img').offsetHeight")
    # 380 px at first (the deck's CSS); then up to 1.5 times its 400 px, within the slide.
    assert 450 < shown <= 600 and slide["height"] <= 720, (shown, slide["height"])
    assert not errors, errors


def test_rise_keeps_speaker_notes_off_the_slide(jupyter_lab, projector):
    context, _ = projector
    nbformat.write(_notes_notebook(), jupyter_lab.root / "notes_check.ipynb")
    page = context.new_page()
    try:
        page.goto(f"{jupyter_lab.url}/rise/notes_check.ipynb?token={jupyter_lab.token}")
        page.wait_for_function(_FIND_RISE_REVEAL_JS, timeout=READY_TIMEOUT)
        page.evaluate(_READY_JS)
        page.evaluate("() => Reveal.slide(1, 0)")
        page.wait_for_timeout(500)
        _check_notes_hidden(page.evaluate(_NOTES_JS), "RISE")
    finally:
        jupyter_lab.shutdown_kernels()


@pytest.mark.xfail(
    strict=True,
    reason=(
        "jupyterlab-rise 0.43.1 (the newest) builds its /rise/ page on JupyterLab 4.3's core, "
        "which cannot load the widget manager of jupyterlab_widgets 3.0.x (it needs "
        "@jupyterlab/console): a widget shows as one line of text in RISE. Upstream: "
        "jupyterlab-contrib/rise#119, #126."
    ),
)
def test_rise_draws_widgets(jupyter_lab, projector):
    context, _ = projector
    notebook = new_notebook(
        cells=[
            new_markdown_cell("# Widget check"),
            new_code_cell("import ipywidgets\nipywidgets.IntSlider(3)"),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    nbformat.write(add_slide_metadata(notebook), jupyter_lab.root / "widget_check.ipynb")
    try:
        page = _present_in_rise(context, jupyter_lab, "widget_check.ipynb")
        page.wait_for_timeout(3000)
        shown = page.evaluate(
            "() => [...document.querySelectorAll('.jp-OutputArea-output')]"
            ".map(output => output.querySelector('.jupyter-widgets') ? "
            "'widget' : output.innerText)"
        )
    finally:
        jupyter_lab.shutdown_kernels()
    assert shown == ["widget"], f"RISE shows the slider as {shown}"
