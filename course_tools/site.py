"""The course as a static website: every notebook executed, built offline with Jupyter Book.

`python -m course_tools.site --mode full|quick --out DIR` (or `make site`, full
mode) builds the site in four steps:

1. reads each notebook's executed copy in the chosen mode from
   `artifacts/executed/<mode>/` (`course_tools.executed`: the run that
   `make test`, `make test-full` or JupyterLab saved), running with nbclient
   only a notebook that has no current run, so that `make site` after
   `make test-full` runs nothing;
2. replaces each widget output by a static view of its stored state (its
   figure, its controls as they were drawn) with one line saying that it moves
   in a running notebook and where to run it;
3. lays out a Jupyter Book (`site/`: settings, home page, styles; the table of
   contents, the instructor guide and MathJax from `vendor/` are added) and
   builds it with `jupyter-book build`;
4. checks that no page refers to a script, style sheet, font or image outside
   the site, and writes `build_info.json` (mode, versions, and for each notebook
   the run it shows: its engine, seed and seconds).

Quick mode (CI) shrinks every experiment; each page then says so in a banner.
"""

import argparse
import base64
import copy
import datetime
import functools
import html
import importlib.metadata
import json
import mimetypes
import platform
import re
import shutil
import subprocess
import sysconfig
import time
from pathlib import Path

import nbformat
import yaml

from course_tools import cell_source
from course_tools.diagrams import add_svg_versions
from course_tools.executed import MODES, RUN_KEY, check_mode, executed_notebook, notebook_names
from lesson_utils.hosted import binder_url, colab_url, install_line, repository_url

REPO_DIR = Path(__file__).resolve().parent.parent
SITE_DIR = REPO_DIR / "site"
NOTEBOOKS_DIR = REPO_DIR / "notebooks"
INSTRUCTOR_GUIDE = REPO_DIR / "docs" / "instructors.md"
MATHJAX_FILE = REPO_DIR / "vendor" / "node_modules" / "mathjax" / "es5" / "tex-svg-full.js"
DEFAULT_OUT = REPO_DIR / "artifacts" / "site"

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
BUILD_INFO = "build_info.json"
# Versions recorded in build_info.json and on the home page.
RECORDED_PACKAGES = ("tensorflow", "keras", "numpy", "matplotlib", "ipywidgets", "jupyter-book")

QUICK_BANNER = (
    "Built in quick mode: every experiment is shrunk, so the figures and numbers on "
    "these pages show that the code runs, not what a model can do."
)


# --- The pages around the notebooks -------------------------------------------------------------


def mode_banner(mode):
    """The banner every page carries in `mode`: a sentence in quick mode, `""` in full mode."""
    check_mode(mode)
    return QUICK_BANNER if mode == "quick" else ""


def notebook_title(notebook):
    """The title of a notebook: the text of its first Markdown heading.

    Args:
        notebook: a notebook (`nbformat` node or dict with `cells`).

    Returns:
        The heading's text, e.g. `"01 · The RNN loop: ..."`.
    """
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            match = re.search(r"^#+\s+(.+)$", cell_source(cell), flags=re.MULTILINE)
            if match:
                return match.group(1).strip()
    raise ValueError("Argument `notebook` has no Markdown heading to take its title from.")


def table_of_contents(notebook_names):
    """The Jupyter Book table of contents: the home page, the notebooks, the instructor guide.

    Args:
        notebook_names: the notebooks' file names, in course order.

    Returns:
        The `_toc.yml` content, as a dict.
    """
    return {
        "format": "jb-book",
        "root": "index",
        "parts": [
            {
                "caption": "The notebooks",
                "chapters": [{"file": f"notebooks/{Path(name).stem}"} for name in notebook_names],
            },
            {"caption": "Teaching the course", "chapters": [{"file": "instructors"}]},
        ],
    }


def book_config(template, mode):
    """The site's `_config.yml`: `site/_config.yml` with the derived settings filled in.

    Args:
        template: `site/_config.yml`, read as a dict.
        mode: `"full"` or `"quick"`.

    Returns:
        A new dict: the repository's address (from `[project.urls]`) and, in
        quick mode, the banner on every page.
    """
    config = copy.deepcopy(template)
    config["repository"]["url"] = repository_url()
    config["html"]["announcement"] = mode_banner(mode)
    return config


def notebook_list_markdown(titles):
    """The home page's list of notebooks, each with its launch links.

    Args:
        titles: `{file name: title}` in course order.

    Returns:
        Markdown: one bullet per notebook, linking to its page, Colab and Binder.
    """
    return "\n".join(
        f"- [**{title}**](notebooks/{name}): open it in [Google Colab]({colab_url(name)}) "
        f"or on [Binder]({binder_url(name)})."
        for name, title in titles.items()
    )


def build_note(mode, versions):
    """The home page's sentence on how the site was built."""
    check_mode(mode)
    stack = ", ".join(f"{name} {version}" for name, version in versions.items())
    if mode == "quick":
        return (
            f"This build ran them in **quick mode**: every experiment shrunk, so the figures "
            f"show that the code runs, not what a model can do ({stack})."
        )
    return (
        f"This build ran them in **full mode**, as a learner runs them, so every figure and "
        f"number is the one the prose talks about ({stack})."
    )


def home_page(template, values):
    """Fills the `{{ name }}` placeholders of the home page template.

    Args:
        template: the text of `site/index.md`.
        values: `{name: text}` for every placeholder.

    Returns:
        The page's Markdown.
    """

    def fill(match):
        name = match.group(1)
        if name not in values:
            raise KeyError(
                f"site/index.md has a placeholder {{{{ {name} }}}} that the build "
                f"does not fill (it fills {sorted(values)})."
            )
        return values[name]

    return re.sub(r"\{\{\s*(\w+)\s*\}\}", fill, template)


# --- Widgets as static views ---------------------------------------------------------------------


def widget_view_html(model_id, states):
    """A widget's view as static HTML, drawn from its stored state.

    Containers lay out their children; an Image shows its picture, an HTML or a
    Label its text, an Output the outputs it caught; a control (slider,
    dropdown, button, text box, ...) shows its description and value, disabled.

    Args:
        model_id: the id of the widget's model.
        states: the notebook's stored widget state, `{model id: {"model_name",
            "state", "buffers"?}}` as nbclient writes it.

    Returns:
        The HTML (`""` for a model not in `states`).
    """
    entry = states.get(model_id)
    if entry is None:
        return ""
    name = entry["model_name"]
    state = {**_default_state(name), **entry["state"]}
    for buffer in entry.get("buffers", []):
        if buffer.get("encoding") == "base64" and len(buffer["path"]) == 1:
            state[buffer["path"][0]] = base64.b64decode(buffer["data"])
    if "children" in state:
        direction = "row" if name == "HBoxModel" else "column"
        children = "".join(
            widget_view_html(_child_id(child), states) for child in state["children"]
        )
        view = f'<div class="course-widget-{direction}">{children}</div>'
    else:
        draw = _DRAW.get(name)
        view = draw(state) if draw else _control(state, html.escape(str(state.get("value", ""))))
    size = _layout_size(state, states)
    return f'<div class="course-widget-sized" style="{size}">{view}</div>' if size else view


def has_control(model_id, states):
    """True if the widget, or a widget inside it, is a control a reader could move."""
    entry = states.get(model_id)
    if entry is None:
        return False
    state = {**_default_state(entry["model_name"]), **entry["state"]}
    if state.get("disabled") is False:
        return True
    return any(has_control(_child_id(child), states) for child in state.get("children", []))


def static_widget_output(model_id, states, notebook_name):
    """The `text/html` that replaces a widget output on the site.

    Args:
        model_id: the widget's model id.
        states: the notebook's stored widget state (see `widget_view_html`).
        notebook_name: the notebook's file name, for the launch links.

    Returns:
        HTML: the widget's first view and, if it has controls, one line saying
        that they move it in a running notebook, with launch links.
    """
    view = f'<div class="course-widget">{widget_view_html(model_id, states)}</div>'
    if not has_control(model_id, states):
        return view
    return view + (
        '<p class="course-widget-note">A picture of the widget as the notebook drew it: in a '
        "running notebook its controls move it. Open the notebook in "
        f'<a href="{html.escape(colab_url(notebook_name))}">Google Colab</a> or on '
        f'<a href="{html.escape(binder_url(notebook_name))}">Binder</a>, '
        "or locally with <code>make lab</code>.</p>"
    )


def replace_widget_outputs(notebook, notebook_name):
    """Replaces every widget output of an executed notebook by its static view, in place.

    The stored widget state is removed afterwards, so that no page loads the
    ipywidgets JavaScript.

    Args:
        notebook: a notebook executed with `store_widget_state=True`.
        notebook_name: its file name, for the launch links.
    """
    widgets = notebook["metadata"].pop("widgets", {})
    states = widgets.get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is not None:
                output["data"] = {
                    "text/html": static_widget_output(view["model_id"], states, notebook_name)
                }


@functools.cache
def _default_state(model_name):
    """The synced traits' defaults of the ipywidgets model `model_name` ({} if unknown).

    JupyterLab saves a widget's state without the values left at their
    defaults (a slider at 0 has no `value`), nbclient with every value.
    """
    import ipywidgets

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for cls in subclasses(ipywidgets.Widget):
        traits = cls.class_traits(sync=True)
        if "_model_name" in traits and traits["_model_name"].default_value == model_name:
            return {
                key: trait.default_value
                for key, trait in traits.items()
                if isinstance(trait.default_value, (bool, int, float, str))
            }
    return {}


def _child_id(reference):
    return reference.removeprefix("IPY_MODEL_")


def _layout_size(state, states):
    """The CSS width the widget's layout asks for (`width`, `min_width`, `max_width`), or ''."""
    layout = states.get(_child_id(state.get("layout") or ""), {}).get("state", {})
    return "; ".join(
        f"{key.replace('_', '-')}: {html.escape(str(layout[key]))}"
        for key in ("width", "min_width", "max_width")
        if layout.get(key)
    )


def _description(state):
    text = state.get("description") or ""
    if not state.get("description_allow_html"):
        text = html.escape(text)
    return f'<span class="course-widget-description">{text}</span>' if text else ""


def _control(state, inner):
    return f'<div class="course-widget-control">{_description(state)}{inner}</div>'


def _readout(value, fmt):
    try:
        return format(value, fmt or "")
    except (TypeError, ValueError):
        return str(value)


def _slider(state):
    value, fmt = state.get("value"), state.get("readout_format")
    if isinstance(value, list):  # a range slider: its two ends
        return _control(state, html.escape(" to ".join(_readout(v, fmt) for v in value)))
    attributes = " ".join(
        f'{key}="{html.escape(str(state[key]))}"'
        for key in ("min", "max", "step", "value")
        if key in state
    )
    readout = _readout(value, fmt) if state.get("readout", True) else ""
    return _control(
        state, f'<input type="range" {attributes} disabled><span>{html.escape(readout)}</span>'
    )


def _play(state):
    return _control(
        state,
        '<button disabled aria-label="play">&#9654;</button>'
        f"<span>{html.escape(str(state.get('value', '')))}</span>",
    )


def _selected_labels(state):
    labels, index = state.get("_options_labels", []), state.get("index")
    chosen = index if isinstance(index, list) else [index]
    return labels, [i for i in chosen if isinstance(i, int)]


def _selection_slider(state):
    labels, chosen = _selected_labels(state)
    return _control(state, html.escape(", ".join(labels[i] for i in chosen)))


def _dropdown(state):
    labels, chosen = _selected_labels(state)
    options = "".join(
        f"<option{' selected' if i in chosen else ''}>{html.escape(label)}</option>"
        for i, label in enumerate(labels)
    )
    return _control(state, f"<select disabled>{options}</select>")


def _toggle_buttons(state):
    labels, chosen = _selected_labels(state)
    buttons = "".join(
        f"<button disabled{' class=course-widget-selected' if i in chosen else ''}>"
        f"{html.escape(label)}</button>"
        for i, label in enumerate(labels)
    )
    return _control(state, buttons)


def _text(state):
    value = html.escape(str(state.get("value", "")))
    placeholder = html.escape(str(state.get("placeholder", "")))
    return _control(
        state, f'<input type="text" value="{value}" placeholder="{placeholder}" disabled>'
    )


def _textarea(state):
    return _control(
        state,
        f'<textarea rows="{state.get("rows") or 3}" disabled>'
        f"{html.escape(str(state.get('value', '')))}</textarea>",
    )


def _checkbox(state):
    checked = " checked" if state.get("value") else ""
    return _control(state, f'<input type="checkbox"{checked} disabled>')


def _button(state):
    label = html.escape(state.get("description") or "")
    selected = " class=course-widget-selected" if state.get("value") is True else ""
    return f"<div><button disabled{selected}>{label}</button></div>"


def _progress(state):
    return _control(
        state,
        f'<progress value="{state.get("value", 0)}" max="{state.get("max", 100)}"></progress>',
    )


def _label(state):
    return _control(state, f"<span>{html.escape(str(state.get('value', '')))}</span>")


def _html(state):
    return _control(state, f"<div>{state.get('value', '')}</div>")


def _image(state):
    value = state.get("value", b"")
    if not isinstance(value, bytes) or not value:
        return ""
    image_format = state.get("format") or "png"
    mime = "image/svg+xml" if image_format == "svg" else f"image/{image_format}"
    size = " ".join(
        f'{key}="{html.escape(str(state[key]))}"' for key in ("width", "height") if state.get(key)
    )
    data = base64.b64encode(value).decode("ascii")
    return f'<img src="data:{mime};base64,{data}" alt="the widget\'s figure" {size}>'


def _output(state):
    return "".join(_output_html(output) for output in state.get("outputs", []))


def _output_html(output):
    if output.get("output_type") == "stream":
        return f"<pre>{html.escape(output.get('text', ''))}</pre>"
    data = output.get("data", {})
    for mime in ("image/png", "image/jpeg"):
        if mime in data:
            return f'<img src="data:{mime};base64,{"".join(data[mime]).strip()}" alt="a figure">'
    if "text/html" in data:
        return "".join(data["text/html"])
    if "text/plain" in data:
        return f"<pre>{html.escape(''.join(data['text/plain']))}</pre>"
    return ""


_DRAW = {
    **dict.fromkeys(
        (
            "IntSliderModel",
            "FloatSliderModel",
            "FloatLogSliderModel",
            "IntRangeSliderModel",
            "FloatRangeSliderModel",
        ),
        _slider,
    ),
    **dict.fromkeys(("SelectionSliderModel", "SelectionRangeSliderModel"), _selection_slider),
    **dict.fromkeys(
        ("DropdownModel", "SelectModel", "SelectMultipleModel", "RadioButtonsModel"), _dropdown
    ),
    "PlayModel": _play,
    "ToggleButtonsModel": _toggle_buttons,
    **dict.fromkeys(
        (
            "TextModel",
            "PasswordModel",
            "ComboboxModel",
            "IntTextModel",
            "FloatTextModel",
            "BoundedIntTextModel",
            "BoundedFloatTextModel",
        ),
        _text,
    ),
    "TextareaModel": _textarea,
    "CheckboxModel": _checkbox,
    **dict.fromkeys(("ButtonModel", "ToggleButtonModel"), _button),
    **dict.fromkeys(("IntProgressModel", "FloatProgressModel"), _progress),
    "LabelModel": _label,
    **dict.fromkeys(("HTMLModel", "HTMLMathModel"), _html),
    "ImageModel": _image,
    "OutputModel": _output,
}


# --- The notebooks' pages ------------------------------------------------------------------------


# An attachment with several versions of an image gives the page the first of these it has:
# SVG (`course_tools.diagrams.add_svg_versions` adds the diagrams' SVG) stays crisp at any size.
ATTACHMENT_PREFERENCE = ("image/svg+xml", "image/png", "image/jpeg")


def extract_attachments(notebook, folder, prefix):
    """Writes the Markdown cells' attached images to files and points the cells at them.

    Jupyter Book (MyST-NB) does not read cell attachments (`attachment:NAME`),
    which the course uses for its diagrams. An image attached in several
    formats is written in the first of `ATTACHMENT_PREFERENCE` it has.

    Args:
        notebook: a notebook, changed in place.
        folder: where the images go (the folder the notebook's page is built from).
        prefix: put before each file name, e.g. the notebook's name, so that
            two notebooks' images never share a file.
    """
    for cell in notebook["cells"]:
        source = cell_source(cell)
        for name, data in cell.pop("attachments", {}).items():
            mime = next((m for m in ATTACHMENT_PREFERENCE if m in data), next(iter(data)))
            suffix = mimetypes.guess_extension(mime) or Path(name).suffix
            path = folder / f"{prefix}_{Path(name).stem}{suffix}"
            path.write_bytes(base64.b64decode("".join(data[mime])))
            source = source.replace(f"attachment:{name}", path.name)
        cell["source"] = source


def prepare_for_site(notebook, notebook_name, folder):
    """Readies an executed notebook for its page, in place.

    The Colab set-up cell (tag `setup`) is left out, since it does nothing
    outside Colab; the diagrams attached to Markdown cells become files in
    `folder`, as SVG from `images/`; and every widget output becomes its
    static view. The worked
    solutions keep their `hide-input` tag, which the site shows as a
    collapsed cell.
    """
    for cell in notebook["cells"]:
        tags = cell["metadata"].get("tags", [])
        if "setup" in tags:
            cell["metadata"]["tags"] = [*tags, "remove-cell"]
    add_svg_versions(notebook)
    extract_attachments(notebook, folder, Path(notebook_name).stem)
    replace_widget_outputs(notebook, notebook_name)


# --- Building and checking -----------------------------------------------------------------------

# Attributes and CSS through which a page makes the browser fetch something.
_FETCHING = re.compile(
    r"""(?:\b(?:src|href|data)\s*=\s*["']|url\(\s*["']?|@import\s+["'])"""
    r"""\s*((?:https?:)?//[^"')\s]+)""",
    flags=re.IGNORECASE,
)
_LINK_TAG = re.compile(r"<a\s[^>]*>", flags=re.IGNORECASE)


def external_references(site_dir):
    """What the built site would fetch from outside itself: scripts, styles, fonts, images.

    Links a reader clicks (`<a href>`) are allowed; everything else with an
    address of its own (`src=`, `<link href=>`, CSS `url()`, `@import`) is not.

    Args:
        site_dir: the built site's folder.

    Returns:
        A sorted list of `"file: address"`.
    """
    found = set()
    for path in sorted(site_dir.rglob("*")):
        if path.suffix not in (".html", ".css") or not path.is_file():
            continue
        text = _LINK_TAG.sub("", path.read_text(encoding="utf-8", errors="replace"))
        for address in _FETCHING.findall(text):
            found.add(f"{path.relative_to(site_dir)}: {address}")
    return sorted(found)


def package_versions():
    """`{package: version}` of the stack that built the site, Python first."""
    versions = {"Python": platform.python_version()}
    for name in RECORDED_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def _commit():
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO_DIR, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return result.stdout.strip()


def _jupyter_book():
    command = shutil.which("jupyter-book", path=sysconfig.get_path("scripts"))
    if command is None:
        raise RuntimeError(
            "jupyter-book is not installed in this environment: install the "
            "course with its site extra (pip install -e '.[site]')."
        )
    return command


def stage_book(book_dir, titles, mode, versions):
    """Lays out the Jupyter Book's sources, all but the notebooks, in `book_dir`."""
    if not MATHJAX_FILE.is_file():
        raise FileNotFoundError(
            f"The site serves MathJax itself, from {MATHJAX_FILE}, which is "
            "missing: run npm ci --prefix vendor."
        )
    shutil.copytree(SITE_DIR, book_dir, ignore=shutil.ignore_patterns("_build"))
    (book_dir / "assets" / "mathjax").mkdir()
    shutil.copy2(MATHJAX_FILE, book_dir / "assets" / "mathjax" / MATHJAX_FILE.name)
    config = book_config(
        yaml.safe_load((SITE_DIR / "_config.yml").read_text(encoding="utf-8")), mode
    )
    (book_dir / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    (book_dir / "_toc.yml").write_text(
        yaml.safe_dump(table_of_contents(list(titles)), sort_keys=False), encoding="utf-8"
    )
    (book_dir / "index.md").write_text(
        home_page(
            (SITE_DIR / "index.md").read_text(encoding="utf-8"),
            {
                "build_note": build_note(mode, versions),
                "notebook_list": notebook_list_markdown(titles),
                "binder_url": binder_url(),
                "repository_url": repository_url(),
                "install_line": install_line(),
            },
        ),
        encoding="utf-8",
    )
    shutil.copy2(INSTRUCTOR_GUIDE, book_dir / "instructors.md")


def build_site(mode, out=DEFAULT_OUT, notebooks=None):
    """Builds the site into `out` from the notebooks' executed copies in `mode`.

    Args:
        mode: `"full"` (every experiment at the size the prose talks about) or
            `"quick"` (shrunk, for CI; every page says so).
        out: the folder the site is written to (replaced); the build's working
            files go to `out` + `_build` beside it.
        notebooks: file names of notebooks in `notebooks/`, e.g.
            `["03_lstm_gru_gates.ipynb"]`; `None` puts every one on the site.

    Returns:
        The build's record (`build_info.json`): mode, versions, the run of each
        notebook, seconds.
    """
    check_mode(mode)
    started = time.monotonic()
    out = Path(out).resolve()
    work = out.with_name(out.name + "_build")
    shutil.rmtree(work, ignore_errors=True)
    book_dir = work / "book"
    executed = {name: executed_notebook(name, mode) for name in notebook_names(notebooks)}
    execution_seconds = round(time.monotonic() - started, 1)
    runs = {name: notebook["metadata"][RUN_KEY] for name, notebook in executed.items()}
    versions = package_versions()
    titles = {name: notebook_title(notebook) for name, notebook in executed.items()}
    stage_book(book_dir, titles, mode, versions)
    (book_dir / "notebooks").mkdir()
    for name, notebook in executed.items():
        prepare_for_site(notebook, name, book_dir / "notebooks")
        nbformat.write(notebook, book_dir / "notebooks" / name)
    print("Building the site with Jupyter Book ...", flush=True)
    # Jupyter Book's own report (where it wrote the pages) would point at the working folder:
    # shown only if the build fails; warnings, which fail it, go to standard error as they come.
    book = subprocess.run(
        [
            _jupyter_book(),
            "build",
            str(book_dir),
            "--path-output",
            str(work),
            "--builder",
            "html",
            "--warningiserror",
            "--nitpick",
            "--keep-going",
            "-q",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    if book.returncode != 0:
        raise RuntimeError(f"jupyter-book build failed (its warnings are above):\n{book.stdout}")
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(work / "_build" / "html", out)
    outside = external_references(out)
    if outside:
        raise RuntimeError("The site would load these from outside itself:\n" + "\n".join(outside))
    info = {
        "mode": mode,
        "built": datetime.datetime.now().isoformat(timespec="seconds"),
        "commit": _commit(),
        "versions": versions,
        "runs": {
            name: {
                "engine": run["engine"],
                "seed": run["seed"],
                "finished": run["finished"],
                "seconds": round(sum(t for t in run["cell_seconds"] if t is not None), 1),
            }
            for name, run in runs.items()
        },
        "execution_seconds": execution_seconds,
        "total_seconds": round(time.monotonic() - started, 1),
    }
    (out / BUILD_INFO).write_text(json.dumps(info, indent=1), encoding="utf-8")
    return info


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m course_tools.site",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--mode",
        choices=MODES,
        default="full",
        help="full: the notebooks as a learner runs them (make site); quick: "
        "every experiment shrunk, for CI (default: full)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"the folder the site is written to (default: {DEFAULT_OUT.relative_to(REPO_DIR)})",
    )
    parser.add_argument(
        "notebooks",
        nargs="*",
        help="file names of the notebooks to put on the site, e.g. "
        "03_lstm_gru_gates.ipynb (default: every notebook in notebooks/)",
    )
    args = parser.parse_args(argv)
    info = build_site(args.mode, args.out, args.notebooks or None)
    print(
        f"Site built in {info['mode']} mode in {info['total_seconds']} s "
        f"(running notebooks: {info['execution_seconds']} s): "
        f"open {args.out.resolve() / 'index.html'}"
    )


if __name__ == "__main__":
    main()
