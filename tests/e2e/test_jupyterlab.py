"""Every course notebook, run in a real JupyterLab in headless Chromium, as a learner would.

For each notebook in `notebooks/` (one test each, named after the notebook) the
test opens it in JupyterLab, runs all cells in quick mode and checks:
- every code cell ran, and none has an error output or writes to standard error;
- every widget output is drawn as a widget, not as its text fallback
  (`VBox(children=...)`) nor as "Error displaying widget";
- every image (diagrams in the prose, figures in the outputs) loads;
- no widget is wider than the notebook on a 1280 px wide screen;
- dragging a slider that sits in the same output as a figure changes the figure;
- the interactions `NOTEBOOK_EXPECTATIONS` asks of the notebook (e.g. notebook
  05's Train button trains and adds a row to its runs table).
A screenshot of the whole notebook goes to `artifacts/screenshots/NAME.png`.
Right after Run All, before any widget moves, the notebook is saved as a
learner saves it, and the run becomes the notebook's executed copy in
`artifacts/executed/<mode>/` (`course_tools.executed`): the slide decks and the
site that the later tests check are built from what JupyterLab produced, and
`test_slides_fit.py` presents this saved run in RISE, without running the
notebook again.
One more test presents a notebook with RISE and checks that the slides follow
the metadata `course_tools.slides.add_slide_metadata` writes, and another that an
explore task's answer note shows closed, its summary in view, and opens on a click
(screenshots `answer_note_closed.png` and `answer_note_open.png`).

Run alone: `pytest -m e2e tests/e2e` (add `-k 03_` for one notebook).
"""

import os
import subprocess
import time

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_tools import NOTEBOOKS_DIR as COURSE_NOTEBOOKS_DIR
from course_tools.executed import content_hash, mode_and_seed, notebook_problems, record_run
from course_tools.slides import add_slide_metadata

pytestmark = pytest.mark.e2e

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
RUN_ALL_TIMEOUT = 600  # seconds for all cells of one notebook (quick mode: about 60 s)
WIDGET_RENDER_TIMEOUT = 60
REDRAW_TIMEOUT = 15
TRAIN_TIMEOUT = 300
LATE_OUTPUT_SECONDS = 2  # TensorFlow's C++ lines can reach JupyterLab after the kernel is idle
# The notebook whose answer note (a Markdown cell tagged `answer`) the browser opens.
ANSWER_NOTE_NOTEBOOK = "02_"

# What a notebook must offer on top of the checks every notebook gets. Keys are
# name prefixes, so that "05_" covers the second IMDB notebook whatever its final name.
# - "slider_figures": how many outputs (at least) hold a slider and a figure
#   that the slider redraws;
# - "train_buttons": how many (at least) Train buttons must train and add a
#   row to the `<table>` in the same output (the runs table).
NOTEBOOK_EXPECTATIONS = {
    "01_": {"slider_figures": 1},  # the hidden-state explorer
    "02_": {"slider_figures": 1},  # the spectral-radius explorer
    "03_": {"slider_figures": 2},  # the LSTM and the GRU gate explorers
    "05_": {"train_buttons": 1},  # the training panel
    "07_": {"slider_figures": 1},  # the text generator (its temperature slider)
}


def expectations_for(name):
    """The `NOTEBOOK_EXPECTATIONS` entry whose prefix starts `name` ({} if none)."""
    for prefix, expected in NOTEBOOK_EXPECTATIONS.items():
        if name.startswith(prefix):
            return expected
    return {}


# --- JavaScript run in the page (JupyterLab exposes its app as window.jupyterapp) ---

_OPEN_NOTEBOOK_JS = """async (name) => {
  const app = window.jupyterapp;
  await app.restored;
  const deadline = Date.now() + 60000;
  let panel = null;
  while (Date.now() < deadline) {
    panel = app.shell.currentWidget;
    if (panel && panel.context && panel.context.path.endsWith(name)) break;
    await new Promise(r => setTimeout(r, 250));
  }
  if (!panel || !panel.context || !panel.context.path.endsWith(name)) return 'notebook not open';
  await panel.context.ready;
  await panel.sessionContext.ready;
  while (Date.now() < deadline) {
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    if (kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle') {
      return 'ready';
    }
    await new Promise(r => setTimeout(r, 250));
  }
  return 'kernel not ready';
}"""

_RUN_ALL_JS = "() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }"

# Per code cell: its index, whether it has code, its execution count and its outputs' types.
_CELL_STATE_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel.content.model.cells;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const state = {kernel: kernel ? kernel.status : 'none', cells: []};
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    state.cells.push({
      index: i,
      hasCode: cell.sharedModel.getSource().trim().length > 0,
      count: cell.executionCount,
      outputs: cell.outputs.toJSON().map(o => ({
        type: o.output_type, mimes: Object.keys(o.data || {})})),
    });
  }
  return state;
}"""

# Every cell as the notebook's model holds it (what saving would write): type and outputs.
_CELLS_JS = """() => {
  const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
  const found = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    found.push({cell_type: cell.type, outputs: cell.type === 'code' ? cell.outputs.toJSON() : []});
  }
  return found;
}"""

# Per cell: what the page shows for each of its outputs (top-level ones, in
# the model's order). A widget output holds a `.jupyter-widgets` element; its
# text fallback would be a `text/plain` output instead.
_OUTPUT_DOM_JS = """() => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  const right = notebook.node.getBoundingClientRect().right;
  return notebook.widgets.map((cell, index) => {
    const area = cell.node.querySelector('.jp-OutputArea');
    const children = area ? Array.from(area.querySelectorAll(':scope > .jp-OutputArea-child')) : [];
    return {index, outputs: children.map(child => {
      const output = child.querySelector(':scope > .jp-OutputArea-output');
      const widget = output && output.querySelector(':scope > .jupyter-widgets');
      return {
        isWidget: Boolean(widget),
        text: output ? output.innerText.slice(0, 300) : '',
        overflowing: Boolean(widget) && (output.scrollWidth > output.clientWidth + 1
                                         || widget.getBoundingClientRect().right > right + 1),
      };
    })};
  });
}"""

# The page's widget outputs (top-level, not the outputs nested in an Output widget).
_WIDGET_OUTPUTS = (
    ".jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output:has(> .jupyter-widgets)"
)


def _cell_state(page):
    return page.evaluate(_CELL_STATE_JS)


def _problems(page):
    """What the course's one rule of a bad output finds in the open notebook, cell by cell."""
    return notebook_problems({"cells": page.evaluate(_CELLS_JS)})


def _open_notebook(page, server, name):
    page.goto(server.notebook_url(name))
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=60_000)
    status = page.evaluate(_OPEN_NOTEBOOK_JS, name)
    assert status == "ready", f"{name}: {status}\nServer log:\n{server.log_tail()}"


def _run_all_cells(page, name):
    """Runs all cells and waits for the end; fails at the first error output, and at the end on
    any output the course's rule finds bad (`course_tools.executed.output_problems`)."""
    page.evaluate(_RUN_ALL_JS)
    deadline = time.monotonic() + RUN_ALL_TIMEOUT
    while True:
        state = _cell_state(page)
        if any(out["type"] == "error" for cell in state["cells"] for out in cell["outputs"]):
            pytest.fail(f"{name} has error output:\n" + "\n".join(_problems(page)))
        pending = [c["index"] for c in state["cells"] if c["hasCode"] and c["count"] is None]
        if not pending and state["kernel"] == "idle":
            time.sleep(LATE_OUTPUT_SECONDS)  # lines the kernel sends after a cell's reply count too
            problems = _problems(page)
            assert not problems, f"{name}:\n" + "\n".join(problems)
            return _cell_state(page)
        assert time.monotonic() < deadline, (
            f"{name}: cells {pending} had not run after {RUN_ALL_TIMEOUT} s "
            f"(kernel {state['kernel']})"
        )
        time.sleep(1)


def _save_notebook(page):
    """Saves the notebook open in `page` with its outputs (as Ctrl+S does) and waits for it."""
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=60_000
    )


def _widget_problems(state, dom):
    problems, overflowing = [], []
    for cell in state["cells"]:
        shown = dom[cell["index"]]["outputs"]
        if len(shown) != len(cell["outputs"]):
            problems.append(f"cell {cell['index']}: outputs not drawn yet")
            continue
        for output, view in zip(cell["outputs"], shown):
            if "Error displaying widget" in view["text"]:
                problems.append(f"cell {cell['index']}: {view['text'][:200]!r}")
            elif WIDGET_MIME in output["mimes"] and not view["isWidget"]:
                problems.append(
                    f"cell {cell['index']}: a widget drawn as text "
                    f"{view['text'][:200]!r} (is jupyterlab_widgets installed?)"
                )
            elif view["overflowing"]:
                overflowing.append(f"cell {cell['index']}")
    return problems, overflowing


def _check_widgets_rendered(page, name, state):
    """Every widget output in the model is drawn as a widget, no wider than the notebook."""
    deadline = time.monotonic() + WIDGET_RENDER_TIMEOUT
    while True:
        dom = {d["index"]: d for d in page.evaluate(_OUTPUT_DOM_JS)}
        problems, overflowing = _widget_problems(state, dom)
        if not problems:
            break
        assert time.monotonic() < deadline, f"{name}: " + "; ".join(problems)
        time.sleep(0.5)
    assert not overflowing, (
        f"{name}: widgets wider than the notebook at 1280 px in {', '.join(overflowing)}"
    )


# Images that finished loading without a picture (a wrong path, a missing file).
_BROKEN_IMAGES_JS = """() => {
  const root = window.jupyterapp.shell.currentWidget.content.node;
  const images = Array.from(root.querySelectorAll('img'));
  if (images.some(img => !img.complete)) return null;
  return images.filter(img => img.naturalWidth === 0).map(img => img.alt || img.src.slice(0, 100));
}"""


# Each cell that the notebook's metadata folds (an explore's worked solution: its outputs are the
# answer), and whether JupyterLab shows it folded after it ran: {index: folded}.
_FOLDED_OUTPUTS_JS = """() => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  const folded = {};
  notebook.widgets.forEach((cell, index) => {
    if ((cell.model.getMetadata('jupyter') || {}).outputs_hidden === true) {
      folded[index] = cell.outputHidden === true;
    }
  });
  return folded;
}"""


def _check_outputs_stay_folded(page, server, name):
    cells = nbformat.read(server.root / name, as_version=4).cells
    expected = [
        i for i, c in enumerate(cells) if c.metadata.get("jupyter", {}).get("outputs_hidden")
    ]
    folded = {int(index): shown for index, shown in page.evaluate(_FOLDED_OUTPUTS_JS).items()}
    assert sorted(folded) == expected, (
        f"{name}: JupyterLab reads folded outputs at {sorted(folded)}"
    )
    unfolded = [index for index, is_folded in folded.items() if not is_folded]
    assert not unfolded, f"{name}: cells {unfolded} show the outputs the notebook folds"


def _check_images_load(page, name):
    deadline = time.monotonic() + WIDGET_RENDER_TIMEOUT
    while (broken := page.evaluate(_BROKEN_IMAGES_JS)) is None:
        assert time.monotonic() < deadline, f"{name}: images still loading"
        time.sleep(0.5)
    assert not broken, f"{name}: images that do not load: {broken}"


def _widget_outputs(page):
    return page.locator(_WIDGET_OUTPUTS)


def _images_snapshot(output):
    """What a person sees of the output's figures: the pixels of each image."""
    images = output.locator("img")
    return [images.nth(i).screenshot() for i in range(images.count())]


def _drag(page, handle, dx):
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y, steps=5)
    page.mouse.up()


def _widget_outputs_holding(page, selector):
    """The widget outputs on the page that hold an element matching `selector`."""
    outputs = _widget_outputs(page)
    return [
        output
        for output in (outputs.nth(i) for i in range(outputs.count()))
        if output.locator(selector).count()
    ]


def _wait_until(done, timeout, failure, interval):
    """Polls `done()` every `interval` seconds until it is true.

    Fails with the message `failure()` once `timeout` seconds have passed.
    """
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, failure()
        time.sleep(interval)


def _check_sliders_redraw_figures(page, name):
    """In each output holding a slider and a figure, dragging the slider redraws the figure.

    Returns:
        How many such outputs there were.
    """
    checked = 0
    for output in _widget_outputs_holding(page, ".widget-hslider"):
        if output.locator("img").count() == 0:
            continue
        slider = output.locator(".widget-hslider").first
        readout = slider.locator(".widget-readout").inner_text()
        before = _images_snapshot(output)
        _drag(page, slider.locator(".noUi-handle"), 12)
        assert slider.locator(".widget-readout").inner_text() != readout, (
            f"{name}: dragging the slider did not change its value ({readout})"
        )
        _wait_until(
            lambda output=output, before=before: _images_snapshot(output) != before,
            REDRAW_TIMEOUT,
            lambda slider=slider: (
                f"{name}: moving slider {slider.inner_text()!r} did not change the "
                f"figure beside it within {REDRAW_TIMEOUT} s"
            ),
            0.3,
        )
        checked += 1
    return checked


def _check_train_buttons(page, name):
    """Each Train button trains and adds a row to the table in its output.

    Where the panel has a Layers box, it is set to 2 first, and the new row must say 2.

    Returns:
        How many Train buttons were checked.
    """
    checked = 0
    for output in _widget_outputs_holding(page, "button.widget-button:has-text('Train')"):
        button = output.locator("button.widget-button", has_text="Train").first
        layers = output.locator(".widget-inline-hbox:has(label:text-is('Layers')) input")
        if layers.count():
            layers.first.fill("2")
            layers.first.press("Tab")
        rows_before = output.locator("tr").count()
        button.scroll_into_view_if_needed()
        button.click()

        def row_added(output=output, rows_before=rows_before):
            problems = _problems(page)
            assert not problems, f"{name}: training failed:\n" + "\n".join(problems)
            return output.locator("tr").count() > rows_before

        _wait_until(
            row_added,
            TRAIN_TIMEOUT,
            lambda output=output: (
                f"{name}: the Train button added no row to the runs table in "
                f"{TRAIN_TIMEOUT} s (text now: {output.inner_text()[:300]!r})"
            ),
            1,
        )
        if layers.count():
            new_row = output.locator("tbody tr").last.locator("td")
            assert new_row.nth(2).inner_text().strip() == "2", (
                f"{name}: the panel's Layers box said 2, the new row says "
                f"{new_row.nth(2).inner_text()!r}"
            )
        checked += 1
    return checked


# The page height that shows the notebook from its first cell to its last.
_NOTEBOOK_HEIGHT_JS = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const notebook = panel && panel.content;
  if (!notebook || !notebook.widgets || !notebook.widgets.length) return 0;  // not open: as is
  const scroller = notebook.node.querySelector('.jp-WindowedPanel-outer') || notebook.node;
  scroller.scrollTop = 0;
  const last = notebook.widgets[notebook.widgets.length - 1].node;
  return last.getBoundingClientRect().bottom + 60;
}"""


def _screenshot_whole_notebook(page, name, folder):
    """Saves the whole notebook, top to bottom, as one screenshot 1280 px wide."""
    size = page.viewport_size
    # Twice: cells that come into view may take their real height only then.
    for _ in range(2):
        height = min(int(page.evaluate(_NOTEBOOK_HEIGHT_JS)), 30_000)
        page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
        page.wait_for_timeout(1000)
    path = folder / f"{name.removesuffix('.ipynb')}.png"
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
    return path


def whole_notebook_screenshots():
    """Whether a passing notebook is photographed whole: seconds each, so only for a person who
    takes the course in full mode (`E2E_FULL_MODE=1`) or asks (`E2E_SCREENSHOTS=1`); a failing
    one always is."""
    return "1" in (os.environ.get("E2E_FULL_MODE"), os.environ.get("E2E_SCREENSHOTS"))


# JupyterLab's first-open prompt, which the course's settings turn off (jupyter/).
NEWS_PROMPT = "official Jupyter news"


def test_the_suite_serves_what_make_lab_serves(course_config_dir):
    """`make lab` and the `jupyter_lab` fixture: the same root (notebooks/), the same settings."""
    recipe = subprocess.run(
        ["make", "-n", "lab"],
        cwd=course_config_dir.parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"JUPYTER_CONFIG_PATH={course_config_dir}" in recipe, recipe
    assert " lab notebooks/ " in recipe, recipe


def _record_the_run(server, name, source_hash):
    """Saves the run JupyterLab just saved as the notebook's executed copy (course_tools.executed),
    which the slide decks and the site are built from."""
    if source_hash is None:  # not the course's own notebooks (E2E_NOTEBOOKS_DIR)
        return
    mode, seed = mode_and_seed(server.environment)
    record_run(
        nbformat.read(server.root / name, as_version=4),
        name,
        mode=mode,
        seed=seed,
        engine="jupyterlab",
        source_hash=source_hash,
    )


def test_notebook_in_jupyterlab(notebook, lab_page, jupyter_lab, screenshot_dir):
    name = notebook.name
    page = lab_page
    source_hash = content_hash(name) if notebook.parent == COURSE_NOTEBOOKS_DIR else None
    passed = False
    try:
        _open_notebook(page, jupyter_lab, name)
        state = _run_all_cells(page, name)
        # Saved as a learner saves it (Ctrl+S), before any widget is moved.
        _save_notebook(page)
        _record_the_run(jupyter_lab, name, source_hash)
        _check_widgets_rendered(page, name, state)
        _check_outputs_stay_folded(page, jupyter_lab, name)
        _check_images_load(page, name)
        expected = expectations_for(name)
        slider_figures = _check_sliders_redraw_figures(page, name)
        assert slider_figures >= expected.get("slider_figures", 0), (
            f"{name}: expected at least {expected['slider_figures']} slider(s) redrawing a "
            f"figure, found {slider_figures}"
        )
        train_buttons = _check_train_buttons(page, name)
        assert train_buttons >= expected.get("train_buttons", 0), (
            f"{name}: expected at least {expected['train_buttons']} Train button(s) with a "
            f"runs table, found {train_buttons}"
        )
        problems = _problems(page)
        assert not problems, f"{name} after the interactions:\n" + "\n".join(problems)
        assert page.get_by_text(NEWS_PROMPT).count() == 0, (
            f"{name}: JupyterLab asks the learner about Jupyter news (jupyter/ settings not read?)"
        )
        passed = True
    finally:
        if not passed or whole_notebook_screenshots():
            _screenshot_whole_notebook(page, name, screenshot_dir)


def test_rise_presents_the_slide_metadata(lab_page, jupyter_lab, screenshot_dir):
    """RISE shows one slide per `slide` cell, sub-slides below them, and fetches nothing."""
    notebook = add_slide_metadata(
        new_notebook(
            cells=[
                new_markdown_cell("# Title"),
                new_code_cell("1 + 1"),
                new_markdown_cell("## Second slide"),
                new_markdown_cell("Prose."),
                new_code_cell("x = 2"),
                new_code_cell("x"),
                new_markdown_cell("## Third slide"),
            ],
            metadata={
                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
            },
        )
    )
    nbformat.write(notebook, jupyter_lab.root / "rise_check.ipynb")
    outside = []
    lab_page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((jupyter_lab.url, "data:", "blob:"))
            else None
        ),
    )
    lab_page.goto(f"{jupyter_lab.url}/rise/rise_check.ipynb?token={jupyter_lab.token}")
    lab_page.wait_for_selector(".reveal .slides > section", timeout=60_000)
    lab_page.wait_for_timeout(2000)
    slides = lab_page.evaluate(
        "Array.from(document.querySelectorAll('.reveal .slides > section'))"
        ".map(s => s.querySelectorAll(':scope > section').length)"
    )
    lab_page.screenshot(path=str(screenshot_dir / "rise_check.png"))
    types = [cell.metadata.slideshow.slide_type for cell in notebook.cells]
    assert len(slides) == types.count("slide") == 3
    # The second slide has a sub-slide (code after code); RISE nests them in sections.
    assert slides[1] == 2, slides
    assert not outside, f"RISE fetched from outside the server: {outside}"


# Brings cell `index` of the open notebook into view (JupyterLab draws only the cells in view)
# and marks its node, for the test's locators.
_SHOW_CELL_JS = """async (index) => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  await notebook.scrollToItem(index, 'center');
  const cell = notebook.widgets[index];
  await cell.ready;
  cell.node.setAttribute('data-test-cell', String(index));
}"""


def test_an_answer_note_shows_closed_and_opens_on_a_click(lab_page, jupyter_lab, screenshot_dir):
    """The note after an explore task: its summary in view, its answer hidden until clicked."""
    name = next(
        path.name
        for path in sorted(jupyter_lab.root.glob("*.ipynb"))
        if path.name.startswith(ANSWER_NOTE_NOTEBOOK)
    )
    cells = nbformat.read(jupyter_lab.root / name, as_version=4).cells
    index = next(i for i, cell in enumerate(cells) if "answer" in cell.metadata.get("tags", []))
    _open_notebook(lab_page, jupyter_lab, name)
    lab_page.evaluate(_SHOW_CELL_JS, index)
    cell = lab_page.locator(f'[data-test-cell="{index}"]')
    details = cell.locator(".jp-RenderedMarkdown details")
    details.wait_for(state="attached", timeout=WIDGET_RENDER_TIMEOUT * 1000)
    summary, answer = details.locator("summary"), details.locator("p").first
    assert details.evaluate("element => element.open") is False, f"{name}: the note starts open"
    assert summary.is_visible() and "Answer note to explore" in summary.inner_text(), (
        f"{name}: the note's summary should show: {cell.inner_text()[:200]!r}"
    )
    assert not answer.is_visible(), f"{name}: the closed note shows its answer"
    _screenshot_settled(lab_page, cell, screenshot_dir / "answer_note_closed.png")
    summary.click()
    answer.wait_for(state="visible", timeout=REDRAW_TIMEOUT * 1000)
    assert details.evaluate("element => element.open") is True, f"{name}: a click should open it"
    _screenshot_settled(lab_page, cell, screenshot_dir / "answer_note_open.png")


def _screenshot_settled(page, element, path):
    """A screenshot of `element` once JupyterLab has laid out the cells around it."""
    element.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)  # the notebook re-measures the cells that came into view
    element.screenshot(path=str(path))
