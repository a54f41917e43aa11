"""Slides: slide metadata for RISE and an offline reveal.js export of the notebooks.

A notebook presents as slides in two ways: live in JupyterLab with RISE
(`jupyterlab-rise`), and as an HTML deck written by
`python -m lesson_utils slides`. Both read each cell's `slideshow.slide_type`,
which `add_slide_metadata` sets from one rule ("one idea per slide"), so no one
tags cells by hand. The deck embeds reveal.js and MathJax from the npm packages
in `vendor/` (installed once with `npm ci --prefix vendor`), so it opens without
internet, e.g. on a classroom laptop.
"""

import copy
import re
from pathlib import Path

from course_tools import NOTEBOOKS_DIR, REPO_DIR

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
# a long slide scrolls instead of being cut off, slides show "current/total", and
# the "white" theme uses fonts RISE ships (its default theme fetches Google Fonts).
RISE_SETTINGS = {"scroll": True, "slideNumber": "c/t", "theme": "white"}

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
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(source)
    first_line = source.lstrip().split("\n", 1)[0]
    level = len(first_line) - len(first_line.lstrip("#"))
    if 1 <= level <= 6 and first_line[level : level + 1] in (" ", ""):
        return level
    return 0


def _kind(cell):
    if heading_level(cell):
        return "heading"
    return "code" if cell.get("cell_type") == "code" else "prose"


def slide_type_for(cell, previous_cell):
    """Chooses a cell's slide type so that each slide carries one idea.

    The rules, in order:
    - the first cell (the title) starts a slide;
    - a `#` or `##` heading starts a slide, a `###` (or deeper) heading a
      sub-slide below it;
    - prose right under a heading stays on the heading's slide;
    - prose after prose appears as a fragment (the same idea, built up);
    - prose after code starts a sub-slide (the next idea);
    - code stays on the slide of the prose that explains it, and code after
      code starts a sub-slide, so that two figures never share a slide.

    Args:
        cell: the cell to place.
        previous_cell: the cell shown before it, or `None` for the first cell.

    Returns:
        One of `"slide"`, `"subslide"`, `"fragment"` and `"-"` (same slide).
    """
    if previous_cell is None:
        return "slide"
    level = heading_level(cell)
    if level:
        return "slide" if level <= 2 else "subslide"
    previous = _kind(previous_cell)
    if cell.get("cell_type") == "code":
        return "subslide" if previous == "code" else "-"
    if cell.get("cell_type") == "markdown":
        return {"heading": "-", "prose": "fragment", "code": "subslide"}[previous]
    return "-"


def _check_notebook(notebook):
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError(
            "Argument `notebook` must be a notebook as `nbformat.read(path, as_version=4)` "
            f"returns it (a dict with a 'cells' list). Received: notebook={notebook!r:.200}"
        )


def add_slide_metadata(notebook):
    """Sets every cell's `slideshow.slide_type` and the notebook's RISE settings.

    Cells an author marked `"skip"` or `"notes"` keep their type; every other
    cell gets the type `slide_type_for` chooses, so running this again after
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
    previous = None
    for cell in notebook["cells"]:
        metadata = cell.setdefault("metadata", NotebookNode())
        slideshow = metadata.setdefault("slideshow", NotebookNode())
        if slideshow.get("slide_type") in AUTHOR_SLIDE_TYPES:
            continue
        slideshow["slide_type"] = slide_type_for(cell, previous)
        previous = cell
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


def tag_notebook_files(notebooks=None):
    """Writes slide metadata (`add_slide_metadata`) into notebook files.

    A notebook whose metadata is already right is left untouched, so the
    command can run on every notebook at any time.

    Args:
        notebooks: as for `notebook_paths`.

    Returns:
        The paths of the notebooks that changed.
    """
    import nbformat

    changed = []
    for path in notebook_paths(notebooks):
        notebook = nbformat.read(path, as_version=4)
        tagged = add_slide_metadata(copy.deepcopy(notebook))
        if tagged != notebook:
            nbformat.write(tagged, path)
            changed.append(path)
    return changed


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


def _execute(notebook, path, cell_timeout):
    from nbconvert.preprocessors import ExecutePreprocessor

    runner = ExecutePreprocessor(timeout=cell_timeout, kernel_name="python3")
    runner.preprocess(notebook, {"metadata": {"path": str(path.parent)}})


def export_slides(notebooks, output_dir, *, execute=False, cell_timeout=600):
    """Exports notebooks to reveal.js slide decks that open without internet.

    Each deck is one HTML file with reveal.js, its theme, MathJax and the
    notebook's images (cell attachments) embedded. Slide metadata is applied first
    (`add_slide_metadata`, on a copy), so a notebook not yet tagged still
    gives one idea per slide.

    Args:
        notebooks: paths of `.ipynb` files; `None` or an empty list for every
            notebook in `notebooks/`.
        output_dir: folder for the decks, created if missing; a notebook
            `NAME.ipynb` gives `NAME.slides.html`.
        execute: whether to run each notebook first, so that the deck shows
            its figures (quick mode if `QUICK_TEST_MODE=1`). Otherwise the deck
            shows the outputs saved in the file: none for a committed notebook.
        cell_timeout: seconds a cell may run when `execute` is `True`.

    Returns:
        The list of paths written.
    """
    import nbformat
    from nbconvert import SlidesExporter

    from lesson_utils.arguments import check_positive_int

    check_positive_int("cell_timeout", cell_timeout)
    paths = notebook_paths(notebooks)
    assets = load_offline_assets()
    exporter = SlidesExporter(
        extra_template_basedirs=[str(_TEMPLATE_DIR)],
        template_name=_TEMPLATE_NAME,
        embed_images=True,
        reveal_number="c/t",
        # A 16:10 canvas as wide as a laptop screen: code lines of ~100 characters fit.
        reveal_width="1280",
        reveal_height="800",
    )
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        notebook = add_slide_metadata(nbformat.read(path, as_version=4))
        if execute:
            _execute(notebook, path, cell_timeout)
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
        The exit status, 0; a missing notebook or missing reveal.js ends the
        program with the error's message instead of a traceback.
    """
    try:
        return _run_slides(args)
    except FileNotFoundError as err:
        raise SystemExit(f"error: {err}") from None


def _run_slides(args):
    if args.tag:
        changed = tag_notebook_files(args.notebooks)
        for path in changed:
            print(f"slide metadata written: {path}")
        print(f"{len(changed)} notebook(s) changed.")
        return 0
    for path in export_slides(args.notebooks, args.output_dir, execute=args.execute):
        print(f"slides written: {path}")
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
        help="run each notebook before exporting, so that the deck shows its figures",
    )
    parser.add_argument(
        "--tag",
        action="store_true",
        help="write slide metadata into the notebooks instead of exporting",
    )
    parser.set_defaults(func=run_slides_command)
    return parser
