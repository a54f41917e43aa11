"""Slides: slide metadata for RISE and an offline reveal.js export of the notebooks.

A notebook presents as slides in two ways: live in JupyterLab with RISE
(`jupyterlab-rise`), and as an HTML deck written by
`python -m lesson_utils slides`. Both read each cell's `slideshow.slide_type`,
which `add_slide_metadata` sets from one rule ("one idea per slide, and no slide
taller than the screen"), so no one tags cells by hand; an author's "skip" and
"notes" (speaker notes) are kept. The deck embeds reveal.js, its speaker view and
MathJax from the npm packages in `vendor/` (installed once with
`npm ci --prefix vendor`), so it opens without internet, e.g. on a classroom
laptop. tests/e2e/test_slides_fit.py measures every slide in Chromium.
"""

import base64
import copy
import datetime
import json
import re
import sys
import time
from pathlib import Path

from course_tools import NOTEBOOKS_DIR, REPO_DIR, cell_source, machine
from course_tools.diagrams import add_svg_versions
from lesson_utils.settings import is_quick_mode

DEFAULT_SLIDES_DIR = REPO_DIR / "artifacts" / "slides"
VENDOR_DIR = REPO_DIR / "vendor"

_TEMPLATE_DIR = Path(__file__).resolve().parent / "slide_template"
_TEMPLATE_NAME = "offline_reveal"

# The values RISE and nbconvert understand for `slideshow.slide_type`.
SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "skip", "notes")
# Choices only an author can make (what to hide, what is for the speaker only):
# `add_slide_metadata` keeps them as they are.
AUTHOR_SLIDE_TYPES = ("skip", "notes")

# RISE settings written into each notebook's metadata (an author's own values win):
# no scrolling (a room cannot follow a slide that scrolls: every slide fits, as
# tests/e2e/test_slides_fit.py measures), the slide as large as the screen less a
# 4 % margin (as in the exported deck), slides numbered "current/total", and the
# "white" theme, whose fonts RISE ships (its default theme fetches Google Fonts).
RISE_SETTINGS = {"scroll": False, "margin": 0.04, "slideNumber": "c/t", "theme": "white"}

# The deck's own size in CSS pixels: a 16:9 projector's 1280 x 720, so that the
# deck fills it and code lines of ~100 characters fit; reveal.js scales the
# whole slide to any other screen.
DECK_SIZE = (1280, 720)

# Files of the npm packages in vendor/ that each deck embeds, by the name the
# template reads them under (`resources.offline_assets.NAME`).
_ASSET_FILES = {
    "reveal_js": "reveal.js/dist/reveal.js",
    "reveal_css": "reveal.js/dist/reveal.css",
    "theme_css": "reveal.js/dist/theme/white.css",
    "notes_js": "reveal.js/dist/plugin/notes.js",
    "mathjax_js": "mathjax/es5/tex-svg-full.js",
}


def heading_level(cell):
    """Returns the level of the Markdown heading a cell starts with.

    Args:
        cell: a notebook cell (a dict with `cell_type` and `source`).

    Returns:
        1 for `# Title`, 2 for `## Section`, ... and 0 when the cell is not
        Markdown or does not start with a heading.
    """
    if cell.get("cell_type") != "markdown":
        return 0
    first_line = cell_source(cell).lstrip().split("\n", 1)[0]
    level = len(first_line) - len(first_line.lstrip("#"))
    if 1 <= level <= 6 and first_line[level : level + 1] in (" ", ""):
        return level
    return 0


def _kind(cell):
    if heading_level(cell):
        return "heading"
    return "code" if cell.get("cell_type") == "code" else "prose"


# How tall a cell is on a deck's slide, in CSS pixels, estimated from its source.
# The weights were fitted on the course's own decks at 1280 x 720 (Markdown at
# 20 px: within 60 px of the measured height for every prose cell, 18 px typical).
_PX_PER_CHARACTER = 0.24  # running text, wrapped at the slide's width
_PX_PER_PARAGRAPH = 35
_PX_PER_LIST_ITEM = 26
_PX_PER_HEADING = 22
_PX_PER_IMAGE = 510  # a diagram in the prose
_PX_PER_EQUATION_LINE = 14  # each line of a displayed equation ($$ ... $$), on top of its text
_PX_PER_CODE_LINE = 19  # code and printed text, at the deck's 16 px
_PX_PER_CODE_CELL = 20
_PX_PER_OUTPUT = 14  # around each output
_PX_PER_TABLE_LINE = 55  # a Markdown table (or list) an output displays
_PX_MAX_FIGURE = 380  # the deck shows a figure at most this tall (the template's CSS)
_PX_PER_PROGRESS_BAR = 30
_PX_PER_OTHER_OUTPUT = 200  # HTML and anything else
_PX_PER_FIGURE = 580  # a figure or a live widget with its controls, before the cell has run
# Calls that draw a figure or show a widget under their cell (the course's
# `plot_*` functions, its explorers and panels).
_DRAWS = re.compile(r"\bplot_\w*\(|\w_explorer\(|\btraining_panel\(")
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# What a slide may hold: the deck's height, less a margin for the estimates.
SLIDE_BUDGET = DECK_SIZE[1] - 60
# A Markdown cell that opens with a bold run-in title ("**Exercise 2. ...**",
# "**Learning objectives.**") starts a new idea.
_RUN_IN_TITLE = re.compile(r"^\s*\*\*[^*\n]+\*\*")


def _lines(text):
    text = "".join(text) if isinstance(text, list) else text
    return text.count("\n") + (not text.endswith("\n"))


def _png_height(data):
    """The height in pixels of a base64 PNG, read from its header."""
    header = base64.b64decode("".join(data)[:44])
    return int.from_bytes(header[20:24], "big")


def _output_height(output):
    if output.get("output_type") == "stream":
        return _PX_PER_OUTPUT + _PX_PER_CODE_LINE * _lines(output.get("text", ""))
    if output.get("output_type") == "error":
        return _PX_PER_OUTPUT + _PX_PER_CODE_LINE * len(output.get("traceback", []))
    data = output.get("data", {})
    if "image/png" in data:
        return _PX_PER_OUTPUT + min(_png_height(data["image/png"]), _PX_MAX_FIGURE)
    if _WIDGET_VIEW in data:
        text = "".join(data.get("text/plain", ""))
        return _PX_PER_PROGRESS_BAR if "Progress(" in text else _PX_PER_FIGURE
    if "text/markdown" in data:
        text = "".join(data["text/markdown"])
        return round(
            max(
                _PX_PER_CHARACTER * len(text) + _PX_PER_PARAGRAPH,
                _PX_PER_TABLE_LINE * (_lines(text) - 1) + 30,
            )
        )
    if "text/plain" in data and len(data) == 1:
        return _PX_PER_OUTPUT + _PX_PER_CODE_LINE * _lines(data["text/plain"])
    return _PX_PER_OTHER_OUTPUT


def estimated_height(cell):
    """Estimates how tall a cell is on a slide of the exported deck.

    A code cell that has run is measured by its outputs (printed lines, the
    height of each figure, a widget as large as a figure, tables). Before it
    has run, its outputs are guessed: one line per `print` call and a figure
    for each call that draws one (`plot_...(`, `..._explorer(`,
    `training_panel(`). A cell whose code is left off the slide
    (`metadata.transient.remove_source`, as `split_tall_cells` makes them)
    counts its outputs only.

    Args:
        cell: a notebook cell (a dict with `cell_type` and `source`, and
            `outputs` for code).

    Returns:
        The estimated height in CSS pixels of the deck (`DECK_SIZE`).
    """
    source = cell_source(cell)
    if cell.get("cell_type") == "code":
        removed = cell.get("metadata", {}).get("transient", {}).get("remove_source")
        code = _PX_PER_CODE_CELL + (0 if removed else _PX_PER_CODE_LINE * _lines(source))
        if cell.get("outputs"):
            return code + sum(_output_height(output) for output in cell["outputs"])
        return (
            code
            + (_PX_PER_OUTPUT + _PX_PER_CODE_LINE) * source.count("print(")
            + _PX_PER_FIGURE * len(_DRAWS.findall(source))
        )
    equations = re.findall(r"\$\$(.*?)\$\$", source, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$", "", source, flags=re.S)
    images = len(re.findall(r"!\[", text))
    text = re.sub(r"!\[.*?\]\(.*?\)", "", text, flags=re.S)
    text = re.sub(r"\]\([^)]*\)", "]", text)  # a link shows its words, not its address
    paragraphs = [part for part in re.split(r"\n\s*\n", source) if part.strip()]
    return round(
        _PX_PER_CHARACTER * len(text)
        + _PX_PER_PARAGRAPH * len(paragraphs)
        + _PX_PER_LIST_ITEM * len(re.findall(r"^\s*(?:[-*+]|\d+\.)\s", source, re.M))
        + _PX_PER_HEADING * bool(heading_level(cell))
        + _PX_PER_IMAGE * images
        + _PX_PER_EQUATION_LINE * sum(e.count("\n") + 1 for e in equations)
    )


def slide_types(cells):
    """Chooses every cell's slide type so that each slide carries one idea and fits.

    The rules, in order, for the cells shown on slides (cells an author marked
    `"skip"` or `"notes"` are passed over and keep their type):
    - the first cell (the title) starts a slide, and holds it alone: the next
      cell starts a slide too;
    - code before the first section (the set-up: installs, imports) is
      skipped on slides; it runs before the talk;
    - a `#` or `##` heading starts a slide, a `###` (or deeper) heading a
      sub-slide below it;
    - prose right under a heading stays on the heading's slide (if it fits);
    - prose after code starts a sub-slide (the next idea), and so does prose
      that opens with a bold run-in title (`**Exercise 2. ...**`);
    - prose after prose appears as a fragment (the same idea, built up);
    - code stays on the slide of the prose that explains it; code after code
      starts a sub-slide, so that two figures never share a slide;
    - a fragment or code that would make its slide taller than `SLIDE_BUDGET`
      (`estimated_height`) starts a sub-slide instead.

    Args:
        cells: the notebook's cells, in order.

    Returns:
        A list with one slide type per cell: `"slide"`, `"subslide"`,
        `"fragment"`, `"-"` (same slide as the cell before), or the author's
        `"skip"` / `"notes"`.
    """
    types, previous, title, height, in_sections = [], None, None, 0, False
    for cell in cells:
        authored = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        level = heading_level(cell)
        in_sections = in_sections or (previous is not None and 1 <= level <= 2)
        if authored in AUTHOR_SLIDE_TYPES:
            types.append(authored)
            continue
        kind = _kind(cell)
        if previous is not None and not in_sections and kind == "code":
            types.append("skip")
            continue
        before = _kind(previous) if previous is not None else None
        fits = height + estimated_height(cell) <= SLIDE_BUDGET
        if previous is None or previous is title:
            chosen = "slide"
        elif level:
            chosen = "slide" if level <= 2 else "subslide"
        elif kind == "prose" and before == "heading":
            chosen = "-" if fits else "subslide"
        elif kind == "prose" and (before == "code" or _RUN_IN_TITLE.match(cell_source(cell))):
            chosen = "subslide"
        elif kind == "prose":
            chosen = "fragment" if fits else "subslide"
        else:
            chosen = "-" if before != "code" and fits else "subslide"
        height = estimated_height(cell) + (0 if chosen in ("slide", "subslide") else height)
        types.append(chosen)
        title = cell if previous is None else title
        previous = cell
    return types


def _check_notebook(notebook):
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError(
            "Argument `notebook` must be a notebook as `nbformat.read(path, as_version=4)` "
            f"returns it (a dict with a 'cells' list). Received: notebook={notebook!r:.200}"
        )


def add_slide_metadata(notebook):
    """Sets every cell's `slideshow.slide_type` and the notebook's RISE settings.

    Cells an author marked `"skip"` or `"notes"` keep their type; every other
    cell gets the type `slide_types` chooses, so running this again after
    editing a notebook updates the slides. RISE settings the notebook already
    has are kept.

    Args:
        notebook: a notebook as `nbformat.read(path, as_version=4)` returns
            it; changed in place.

    Returns:
        The same notebook, for chaining.
    """
    from nbformat import NotebookNode

    _check_notebook(notebook)
    for cell, kind in zip(notebook["cells"], slide_types(notebook["cells"])):
        metadata = cell.setdefault("metadata", NotebookNode())
        metadata.setdefault("slideshow", NotebookNode())["slide_type"] = kind
    rise = notebook.setdefault("metadata", NotebookNode()).setdefault("rise", NotebookNode())
    for key, value in RISE_SETTINGS.items():
        rise.setdefault(key, value)
    return notebook


def notebook_paths(notebooks=None):
    """Resolves the notebooks a slides command works on.

    Args:
        notebooks: paths of `.ipynb` files; `None` or an empty list for every
            notebook in the repository's `notebooks/` folder.

    Returns:
        A list of `Path`s, in the order given (sorted by name for the default).
    """
    if not notebooks:
        return sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    if isinstance(notebooks, (str, Path)):
        notebooks = [notebooks]
    paths = [Path(p) for p in notebooks]
    for path in paths:
        if path.suffix != ".ipynb" or not path.is_file():
            raise FileNotFoundError(
                "Argument `notebooks` must list existing `.ipynb` files. "
                f"Received a path that is not one: {str(path)!r}"
            )
    return paths


def has_slide_metadata(notebook):
    """Tells whether every cell of a notebook has a slide type (as RISE reads them)."""
    return all(
        cell.get("metadata", {}).get("slideshow", {}).get("slide_type") in SLIDE_TYPES
        for cell in notebook["cells"]
    )


def tag_notebook_files(notebooks=None, *, execute=False):
    """Writes slide metadata (`add_slide_metadata`) into notebook files.

    With `execute`, the slide breaks follow what the notebook's executed run
    (`course_tools.executed`, in quick mode if `QUICK_TEST_MODE=1`) really
    prints and draws; the file itself gets only the metadata, no output.
    A notebook whose metadata is already right is left untouched, so the
    command can run on every notebook at any time. The file is read again
    just before it is written; if its cells changed while it ran, it is left
    as it is and a `RuntimeError` says to run the command again.

    Args:
        notebooks: as for `notebook_paths`.
        execute: whether to measure the outputs of each notebook's executed run.

    Returns:
        The paths of the notebooks that changed.
    """
    import nbformat

    changed = []
    for path in notebook_paths(notebooks):
        cells = _cell_sources(nbformat.read(path, as_version=4))
        measured = _executed(path) if execute else nbformat.read(path, as_version=4)
        add_slide_metadata(measured)
        notebook = nbformat.read(path, as_version=4)
        if _cell_sources(notebook) != cells or _cell_sources(measured) != cells:
            raise RuntimeError(
                f"{path} changed while its slides were measured; nothing was written to it. "
                "Run the command again."
            )
        tagged = copy.deepcopy(notebook)
        for cell, source in zip(tagged.cells, measured.cells):
            cell.metadata["slideshow"] = source.metadata.slideshow
        tagged.metadata["rise"] = measured.metadata.rise
        if tagged != notebook:
            nbformat.write(tagged, path)
            changed.append(path)
    return changed


def _cell_sources(notebook):
    return [(cell.cell_type, cell_source(cell)) for cell in notebook.cells]


def _embeddable(text):
    # Inside an inline <script>/<style>, the text "</script" would end the element early.
    return re.sub(r"</(script|style)", r"<\\/\1", text, flags=re.IGNORECASE)


def load_offline_assets(vendor_dir=None):
    """Reads the reveal.js and MathJax files that every deck embeds.

    Args:
        vendor_dir: the folder holding `package.json` and, after
            `npm ci --prefix vendor`, `node_modules/`; `None` for the
            repository's `vendor/`.

    Returns:
        A dict from asset name (`reveal_js`, `reveal_css`, `theme_css`,
        `notes_js`, `mathjax_js`) to its text, ready to inline.
    """
    node_modules = Path(VENDOR_DIR if vendor_dir is None else vendor_dir) / "node_modules"
    missing = [rel for rel in _ASSET_FILES.values() if not (node_modules / rel).is_file()]
    if missing:
        raise FileNotFoundError(
            f"Slide decks embed reveal.js and MathJax from {node_modules}, but "
            f"{missing[0]} is not there. Install them once with "
            "`npm ci --prefix vendor` from the repository's root folder (see README)."
        )
    return {
        name: _embeddable((node_modules / rel).read_text(encoding="utf-8"))
        for name, rel in _ASSET_FILES.items()
    }


def _executed(path):
    """The executed run of the course notebook at `path`, in the mode `QUICK_TEST_MODE` sets.

    The run is the one `course_tools.executed` keeps (saved by `make test`,
    `make test-full` or JupyterLab), made first if there is none that is current.
    """
    from course_tools.executed import executed_notebook

    path = Path(path)
    if path.resolve().parent != NOTEBOOKS_DIR.resolve():
        raise ValueError(
            "With `execute`, a deck shows a course notebook's executed run "
            f"(course_tools.executed), so the notebook must be in {NOTEBOOKS_DIR}. "
            f"Received: {str(path)!r}"
        )
    return executed_notebook(path.name, "quick" if is_quick_mode() else "full")


def figures_mode_line(quick=None):
    """The line an executed deck's title slide carries: which mode made its figures.

    Args:
        quick: `True`/`False`, or `None` to read `QUICK_TEST_MODE` (which the
            kernels running the notebooks inherit).

    Returns:
        One line of Markdown.
    """
    if is_quick_mode(quick):
        return (
            "*Figures from quick mode (`QUICK_TEST_MODE=1`): they show that the code runs, "
            "not what the models can do.*"
        )
    return "*Figures from full mode: the sizes the lesson talks about.*"


def _add_to_title_slide(notebook, markdown):
    from nbformat.v4 import new_markdown_cell

    shown = [
        i
        for i, cell in enumerate(notebook.cells)
        if cell.metadata.get("slideshow", {}).get("slide_type") not in AUTHOR_SLIDE_TYPES
    ]
    line = new_markdown_cell(markdown, metadata={"slideshow": {"slide_type": "-"}})
    notebook.cells.insert(shown[0] + 1 if shown else 0, line)


def _take(output, room):
    """Splits an output in two: the part that fits in `room` pixels, and the rest.

    A printout is cut between lines, a Markdown output between lines too (a
    table keeps its header on both parts). Returns `(output, None)` when all of
    it fits, and `(None, output)` when no part of it does (a figure, a widget).
    """
    if _output_height(output) <= room:
        return output, None
    if output.get("output_type") == "stream":
        lines = output["text"].splitlines(keepends=True)
        header, join = [], "".join

        def part(chosen):
            return {**output, "text": join(chosen)}

    else:
        markdown = "".join(output.get("data", {}).get("text/markdown", ""))
        lines = markdown.splitlines()
        is_table = len(lines) > 2 and lines[0].startswith("|") and set(lines[1]) <= set("|-: ")
        header = lines[:2] if is_table else []
        lines = lines[len(header) :]

        def part(chosen):
            return {**output, "data": {"text/markdown": "\n".join(header + chosen) + "\n"}}

    for count in range(len(lines) - 1, 0, -1):
        if _output_height(part(lines[:count])) <= room:
            return part(lines[:count]), part(lines[count:])
    return None, output


def split_tall_cells(notebook):
    """Continues every code cell taller than a slide on the sub-slides after it (decks only).

    A cell whose code and outputs do not fit one slide (`estimated_height`
    above `SLIDE_BUDGET`) keeps its code, with as many of its outputs as fit;
    the rest follow on sub-slides of their own, without the code; a printout
    or a Markdown output too tall for a slide of its own is cut between lines
    (a table keeps its header).
    Code longer than a slide shows its first lines and says how many more the
    notebook has. RISE shows the notebook's own cells and cannot do this: the
    notebook file is not touched.

    Args:
        notebook: a notebook as `nbformat.read(path, as_version=4)` returns
            it, usually run (with outputs); changed in place.

    Returns:
        The same notebook, for chaining.
    """
    from nbformat import from_dict
    from nbformat.v4 import new_code_cell

    cells = []
    for cell in notebook.cells:
        cells.append(cell)
        shown = cell.metadata.get("slideshow", {}).get("slide_type") not in AUTHOR_SLIDE_TYPES
        if cell.cell_type != "code" or not shown or estimated_height(cell) <= SLIDE_BUDGET:
            continue
        lines = cell_source(cell).splitlines()
        keep = (SLIDE_BUDGET - _PX_PER_CODE_CELL) // _PX_PER_CODE_LINE - 1
        if len(lines) > keep + 1:
            more = len(lines) - keep
            cell.source = "\n".join(lines[:keep] + [f"# ... {more} more lines: see the notebook."])
        pieces, height = [[]], _PX_PER_CODE_CELL + _PX_PER_CODE_LINE * _lines(cell.source)
        for output in cell.outputs:
            rest = output
            while rest is not None:
                head, tail = _take(rest, SLIDE_BUDGET - height)
                # An output that fits a slide of its own is not cut: it goes to the next one.
                fits_alone = _output_height(rest) <= SLIDE_BUDGET - _PX_PER_CODE_CELL
                if (head is None or (tail is not None and fits_alone)) and (
                    height > _PX_PER_CODE_CELL
                ):
                    pieces.append([])
                    height = _PX_PER_CODE_CELL
                    head, tail = _take(rest, SLIDE_BUDGET - height)
                if head is None:  # too tall for any slide, and cannot be cut: shown whole
                    head, tail = rest, None
                pieces[-1].append(from_dict(head))
                height += _output_height(head)
                rest = tail
        cell.outputs = pieces[0]
        for outputs in pieces[1:]:
            cells.append(
                new_code_cell(
                    "",
                    outputs=outputs,
                    metadata={
                        "slideshow": {"slide_type": "subslide"},
                        "transient": {"remove_source": True},
                    },
                )
            )
    notebook.cells = cells
    return notebook


def export_slides(notebooks, output_dir, *, execute=False):
    """Exports notebooks to reveal.js slide decks that open without internet.

    Each deck is one HTML file with reveal.js, its theme, MathJax and the
    notebook's images (cell attachments) embedded, the diagrams as SVG from
    `images/` (`course_tools.diagrams.add_svg_versions`). The deck follows the
    notebook's own slide metadata, as RISE does; a notebook without it is
    tagged first (`add_slide_metadata`, on a copy), so that it still gives one
    idea per slide.

    Args:
        notebooks: paths of `.ipynb` files; `None` or an empty list for every
            notebook in `notebooks/`.
        output_dir: folder for the decks, created if missing; a notebook
            `NAME.ipynb` gives `NAME.slides.html`.
        execute: whether the deck shows the figures of each notebook's
            executed run (`course_tools.executed`, in quick mode if
            `QUICK_TEST_MODE=1`, run first if it has no current run); the
            title slide then says which mode made them (`figures_mode_line`).
            Otherwise the deck shows the outputs saved in the file: none for a
            committed notebook.

    Returns:
        The list of paths written.
    """
    import nbformat
    from nbconvert import SlidesExporter

    paths = notebook_paths(notebooks)
    assets = load_offline_assets()
    exporter = SlidesExporter(
        extra_template_basedirs=[str(_TEMPLATE_DIR)],
        template_name=_TEMPLATE_NAME,
        embed_images=True,
        reveal_number="c/t",
        reveal_width=str(DECK_SIZE[0]),
        reveal_height=str(DECK_SIZE[1]),
    )
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        notebook = _executed(path) if execute else nbformat.read(path, as_version=4)
        if not has_slide_metadata(notebook):
            add_slide_metadata(notebook)
        add_svg_versions(notebook)
        if execute:
            _add_to_title_slide(notebook, figures_mode_line())
        split_tall_cells(notebook)
        resources = {
            "metadata": {"name": path.stem, "path": str(path.parent)},
            "offline_assets": assets,
        }
        html, _ = exporter.from_notebook_node(notebook, resources=resources)
        target = output_dir / f"{path.stem}.slides.html"
        target.write_text(html, encoding="utf-8")
        written.append(target)
    return written


def run_slides_command(args):
    """Runs `python -m lesson_utils slides` with the parsed arguments.

    Args:
        args: the `argparse.Namespace` from the parser `add_slides_subcommand`
            made.

    Returns:
        The exit status, 0; a missing notebook, a missing reveal.js, a
        notebook edited while it was tagged or one outside `notebooks/` with
        `--execute` ends the program with the error's message instead of a
        traceback.
    """
    try:
        return _run_slides(args)
    except (FileNotFoundError, RuntimeError, ValueError) as err:
        raise SystemExit(f"error: {err}") from None


def save_export_timing(path, key, seconds):
    """Records how long an export took, under `key`, in a JSON file (other keys are kept).

    Args:
        path: the JSON file, created if missing.
        key: what was measured: `"quick"` or `"full"` for decks exported with
            `--execute` in that mode.
        seconds: a dict from notebook name to the seconds its deck took.

    Returns:
        The dict saved under `key`: `command`, `date`, `machine`, `seconds`
        (by notebook) and `total`.
    """
    path = Path(path)
    saved = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    saved[key] = {
        "command": " ".join(["python -m lesson_utils", *sys.argv[1:]]),
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "seconds": seconds,
        "total": round(sum(seconds.values()), 1),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(saved, indent=2) + "\n", encoding="utf-8")
    return saved[key]


def _run_slides(args):
    if args.tag:
        changed = tag_notebook_files(args.notebooks, execute=args.execute)
        for path in changed:
            print(f"slide metadata written: {path}")
        print(f"{len(changed)} notebook(s) changed.")
        return 0
    mode = "quick" if is_quick_mode() else "full"
    seconds = {}
    for path in notebook_paths(args.notebooks):
        start = time.perf_counter()
        [deck] = export_slides([path], args.output_dir, execute=args.execute)
        seconds[path.stem] = round(time.perf_counter() - start, 1)
        print(f"slides written: {deck} ({seconds[path.stem]:.0f} s)", flush=True)
    print(f"{len(seconds)} deck(s) in {sum(seconds.values()):.0f} s.")
    if args.execute:
        print(
            f"Figures from {mode} mode (QUICK_TEST_MODE={int(mode == 'quick')}); "
            "the title slides say so."
        )
    if args.timing_json:
        save_export_timing(args.timing_json, mode if args.execute else "saved outputs", seconds)
        print(f"Timing saved in {args.timing_json}")
    return 0


def add_slides_subcommand(subparsers):
    """Adds the `slides` subcommand to `python -m lesson_utils`.

    Args:
        subparsers: what `ArgumentParser.add_subparsers()` returns.

    Returns:
        The new subparser; its `func` default is `run_slides_command`.
    """
    parser = subparsers.add_parser(
        "slides",
        help="export notebooks as offline reveal.js slide decks, or tag them for RISE",
        description=(
            "Export notebooks as HTML slide decks that open without internet "
            "(reveal.js and MathJax embedded), or with --tag write the slide "
            "metadata that RISE and the export read into the notebooks."
        ),
    )
    parser.add_argument(
        "notebooks",
        nargs="*",
        type=Path,
        help="notebooks to work on (default: every notebook in notebooks/)",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=DEFAULT_SLIDES_DIR,
        help="folder for the decks (default: artifacts/slides/ in the repository)",
    )
    parser.add_argument(
        "--execute",
        action="store_true",
        help="show the figures of each notebook's executed run (artifacts/executed/, made "
        "first if it is not current); with --tag: the slide breaks follow what the cells "
        "print and draw",
    )
    parser.add_argument(
        "--tag",
        action="store_true",
        help="write slide metadata into the notebooks instead of exporting",
    )
    parser.add_argument(
        "--timing-json",
        type=Path,
        default=None,
        help="also record the seconds each deck took in this JSON file, under the mode "
        "(quick or full with --execute)",
    )
    parser.set_defaults(func=run_slides_command)
    return parser
