"""Tests for course_tools.slides: slide metadata, the offline deck and the command line."""

import argparse
import base64
import json
import os
import re
from html.parser import HTMLParser

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course_tools import executed, slides
from course_tools.diagrams import IMAGES_DIR
from course_tools.slides import (
    NOTEBOOKS_DIR,
    SLIDE_TYPES,
    add_slide_metadata,
    add_slides_subcommand,
    estimated_height,
    export_slides,
    heading_level,
    load_offline_assets,
    notebook_paths,
    tag_notebook_files,
)
from course_tools.sync import NOTES_TIME

# A 1 x 1 PNG, for a Markdown image the deck must embed.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _types(notebook):
    return [cell.metadata.slideshow.slide_type for cell in notebook.cells]


def _lesson():
    """A notebook shaped like a course notebook."""
    return new_notebook(
        cells=[
            new_markdown_cell("# 01 · Title\n\nLearning objectives"),
            new_code_cell("import numpy as np"),
            new_markdown_cell("## 1. A section"),
            new_markdown_cell("Prose under the heading."),
            new_markdown_cell("More prose, the same idea."),
            new_code_cell("x = 1"),
            new_code_cell("plot(x)"),
            new_markdown_cell("The next idea, after code."),
            new_markdown_cell("### A detail"),
            new_code_cell("y = 2"),
        ]
    )


@pytest.mark.parametrize(
    "source, level",
    [
        ("# Title", 1),
        ("## Section\n\ntext", 2),
        ("  ### Sub", 3),
        ("#", 1),
        ("#hashtag", 0),
        ("Plain prose", 0),
        ("", 0),
        (["## Sec", "tion\n"], 2),
    ],
)
def test_heading_level_reads_the_first_line(source, level):
    assert heading_level({"cell_type": "markdown", "source": source}) == level


def test_heading_level_is_zero_for_code():
    assert heading_level({"cell_type": "code", "source": "# a comment"}) == 0


def test_one_idea_per_slide():
    notebook = add_slide_metadata(_lesson())
    assert _types(notebook) == [
        "slide",  # title
        "skip",  # set-up code before the first section: not on slides
        "slide",  # ## heading
        "-",  # prose under its heading
        "fragment",  # prose after prose
        "-",  # code with the prose that explains it
        "subslide",  # code after code: its own slide
        "subslide",  # prose after code: the next idea
        "subslide",  # ### heading
        "-",
    ]
    assert set(_types(notebook)) <= set(SLIDE_TYPES)


def test_the_title_slide_holds_the_title_alone_and_run_in_titles_start_a_slide():
    notebook = add_slide_metadata(
        new_notebook(
            cells=[
                new_markdown_cell("# 01 · Title\n\n*Open it in Colab.*"),
                new_code_cell("from lesson_utils import x"),
                new_markdown_cell("What the notebook does."),
                new_markdown_cell(
                    "**Learning objectives.** By the end you can:\n\n1. one;\n2. two."
                ),
                new_markdown_cell("In quick mode the figures are smaller."),
                new_markdown_cell("## 1. A section\n\nProse."),
                new_markdown_cell("**Exercise 1. A title.** Write `f`."),
                new_code_cell("def f():\n    return None"),
                new_markdown_cell("**Exercise 2. Another.** Write `g`."),
            ]
        )
    )
    assert _types(notebook) == [
        "slide",
        "skip",  # the title alone; the imports are not shown
        "slide",
        "subslide",
        "fragment",  # the introduction, then the objectives
        "slide",
        "-",
        "-",
        "subslide",
    ]  # each exercise on a slide of its own


def test_a_slide_that_would_overflow_continues_on_a_sub_slide():
    words = "A sentence long enough to fill part of a line on a slide. "
    long_prose = words * 25  # about 1,400 characters: about 400 px
    notebook = add_slide_metadata(
        new_notebook(
            cells=[
                new_markdown_cell("# Title"),
                new_markdown_cell("## 1. A section\n\n" + long_prose),
                new_markdown_cell(long_prose),  # would not fit: sub-slide
                new_code_cell("fig = plot_curves(x)"),  # a figure under long prose: sub-slide
                new_markdown_cell("## 2. Short\n\nShort."),
                new_markdown_cell("More."),  # under its heading, and fits
                new_markdown_cell("Still more."),  # fits: a fragment
                new_code_cell("print(x)"),  # fits: stays
            ]
        )
    )
    assert _types(notebook) == [
        "slide",
        "slide",
        "subslide",
        "subslide",
        "slide",
        "-",
        "fragment",
        "-",
    ]


@pytest.mark.parametrize(
    "source, low, high",
    [
        ("## A heading\n\nOne short paragraph.", 40, 120),
        ("Prose " * 200, 250, 350),  # 1,200 characters: about 12 lines of text
        ("Text.\n\n![A diagram](attachment:d.png)", 450, 600),
        ("$$\na\nb\nc\n$$", 30, 120),
        ("[a link](https://example.org/a/very/long/address/that/is/not/shown/on/the/slide)", 0, 60),
    ],
)
def test_estimated_height_of_prose(source, low, high):
    assert low <= estimated_height(new_markdown_cell(source)) <= high


def test_estimated_height_of_code_counts_lines_prints_and_figures():
    short = estimated_height(new_code_cell("x = 1"))
    assert estimated_height(new_code_cell("x = 1\ny = 2\nz = 3")) > short
    assert estimated_height(new_code_cell("print(x)")) > short
    figure = estimated_height(new_code_cell("plot_accuracy_by_lag(accuracy)"))
    widget = estimated_height(new_code_cell("hidden_state_explorer(seq, W_x, W_h, b)"))
    assert figure > 500 and widget > 500
    assert figure + short > slides.SLIDE_BUDGET - 200  # a figure leaves room for little else


def _png_of_height(height):
    """A PNG's signature and header (all `estimated_height` reads), base64-encoded."""
    header = b"\x89PNG\r\n\x1a\n" + (13).to_bytes(4, "big") + b"IHDR" + (640).to_bytes(4, "big")
    return base64.b64encode(header + height.to_bytes(4, "big") + bytes(9)).decode()


def test_estimated_height_of_code_that_has_run_reads_its_outputs():
    plot = new_code_cell("plot_curves(x)")
    guessed = estimated_height(plot)
    small = new_output("display_data", data={"image/png": _png_of_height(100)})
    plot.outputs = [small]
    assert estimated_height(plot) < guessed - 300  # a small figure, measured
    plot.outputs = [new_output("display_data", data={"image/png": _png_of_height(2000)})]
    assert estimated_height(plot) <= guessed  # the deck shows a tall figure at most 380 px
    printed = new_code_cell(
        "show()", outputs=[new_output("stream", name="stdout", text="a line\n" * 30)]
    )
    assert estimated_height(printed) > 550  # 30 printed lines
    bar = new_code_cell("train()", outputs=[_widget_output("HBox(children=(IntProgress(", "b")])
    panel = new_code_cell("train()", outputs=[_widget_output("TrainingPanel(children=(", "p")])
    assert estimated_height(bar) < 100 < 500 < estimated_height(panel)


def _figure(height=420):
    return new_output("display_data", data={"image/png": _png_of_height(height), "text/plain": "F"})


def test_a_cell_taller_than_a_slide_continues_on_sub_slides():
    printed = new_output("stream", name="stdout", text="".join(f"line {i}\n" for i in range(40)))
    table = "| a | b |\n|---|---|\n" + "".join(f"| {i} | {i * i} |\n" for i in range(30))
    shown = new_output("display_data", data={"text/markdown": table, "text/plain": "M"})
    tall = new_code_cell(
        "show()", outputs=[printed, _figure(), shown], metadata={"slideshow": {"slide_type": "-"}}
    )
    short = new_code_cell("x = 1", outputs=[_figure(100)])
    notes = new_markdown_cell("Speak.", metadata={"slideshow": {"slide_type": "notes"}})
    notebook = slides.split_tall_cells(new_notebook(cells=[tall, short, notes]))
    first, *continued, after, kept_notes = notebook.cells
    assert (first.source, first.metadata.slideshow.slide_type) == ("show()", "-")
    assert continued and after is short and kept_notes is notes
    for cell in continued:
        assert cell.metadata.slideshow.slide_type == "subslide"
        assert cell.metadata.transient.remove_source  # the code is on the slide before
    pieces = [first, *continued]
    assert all(estimated_height(cell) <= slides.SLIDE_BUDGET for cell in pieces)
    outputs = [output for cell in pieces for output in cell.outputs]
    # Nothing lost, in order: the printout's lines, the figure, the table's rows.
    text = "".join(o.text for o in outputs if o.output_type == "stream")
    assert text == printed.text
    assert [o.data["text/plain"] for o in outputs if "image/png" in o.get("data", {})] == ["F"]
    tables = [o.data["text/markdown"] for o in outputs if "text/markdown" in o.get("data", {})]
    assert len(tables) > 1 and all(t.startswith("| a | b |\n|---|---|\n") for t in tables)
    assert "".join(t.split("\n", 2)[2] for t in tables) == table.split("\n", 2)[2]


def test_the_outputs_that_fit_stay_under_the_code():
    printed = new_output("stream", name="stdout", text="lag 1: 100%\n" * 12)
    cell = new_code_cell("accuracy = train()\nplot_accuracy(accuracy)\nprint(accuracy)")
    cell.outputs = [printed, _figure()]  # 77 + 242 + 394 px: more than a slide
    first, continued = slides.split_tall_cells(new_notebook(cells=[cell])).cells
    assert first.outputs == [printed] and len(continued.outputs) == 1


def test_an_output_that_fits_a_slide_of_its_own_is_not_cut():
    table = "| step | 0 | 1 |\n|---|---|---|\n| input | a | b |\n| target | b | c |\n"
    shown = new_output("display_data", data={"text/markdown": table, "text/plain": "M"})
    printed = new_output("stream", name="stdout", text="line\n" * 24)
    cell = new_code_cell("show()", outputs=[printed, shown])  # 39 + 470 + 195 px
    first, continued = slides.split_tall_cells(new_notebook(cells=[cell])).cells
    assert first.outputs == [printed] and continued.outputs == [shown]  # the table whole


def test_code_longer_than_a_slide_shows_its_first_lines_and_says_so():
    source = "\n".join(f"assert check_{i}()" for i in range(60))
    notebook = slides.split_tall_cells(new_notebook(cells=[new_code_cell(source)]))
    [cell] = notebook.cells
    lines = cell.source.splitlines()
    assert lines[:-1] == source.splitlines()[: len(lines) - 1]
    assert lines[-1] == f"# ... {60 - len(lines) + 1} more lines: see the notebook."
    assert estimated_height(cell) <= slides.SLIDE_BUDGET


def test_cells_off_the_slides_are_never_split():
    printed = new_output("stream", name="stdout", text="row\n" * 80)
    skipped = new_code_cell(
        "show()", outputs=[printed], metadata={"slideshow": {"slide_type": "skip"}}
    )
    notebook = slides.split_tall_cells(new_notebook(cells=[skipped]))
    assert notebook.cells == [skipped] and skipped.outputs == [printed]


def test_author_choices_are_kept_and_skipped_over():
    notebook = new_notebook(
        cells=[
            new_markdown_cell("# Title"),
            new_markdown_cell("## 1. Section"),
            new_markdown_cell("Prose."),
            new_markdown_cell("Say this aloud.", metadata={"slideshow": {"slide_type": "notes"}}),
            new_code_cell("hidden()", metadata={"slideshow": {"slide_type": "skip"}}),
            new_markdown_cell("More prose."),
        ]
    )
    add_slide_metadata(notebook)
    # The last cell follows "Prose." (the notes and the skipped cell do not count).
    assert _types(notebook) == ["slide", "slide", "-", "notes", "skip", "fragment"]


def test_retagging_recomputes_and_keeps_rise_settings_of_the_author():
    notebook = _lesson()
    notebook.cells[3].metadata["slideshow"] = {"slide_type": "slide"}
    notebook.metadata["rise"] = {"scroll": False}
    add_slide_metadata(notebook)
    first = _types(notebook)
    assert first[3] == "-"  # a computed type is recomputed
    assert notebook.metadata.rise.scroll is False  # the author's setting wins
    assert notebook.metadata.rise.slideNumber == "c/t"
    assert _types(add_slide_metadata(notebook)) == first


def test_add_slide_metadata_rejects_what_is_not_a_notebook():
    with pytest.raises(ValueError, match="notebook"):
        add_slide_metadata("01_rnn_loop.ipynb")


def test_tag_notebook_files_writes_once_and_keeps_the_rest(tmp_path):
    path = tmp_path / "lesson.ipynb"
    nbformat.write(_lesson(), path)
    assert tag_notebook_files([path]) == [path]
    tagged = nbformat.read(path, as_version=4)
    assert _types(tagged)[0] == "slide"
    assert tagged.cells[1].source == "import numpy as np"
    assert all(
        c.outputs == [] and c.execution_count is None for c in tagged.cells if c.cell_type == "code"
    )
    assert tag_notebook_files([path]) == []  # already right: untouched


def test_tagging_after_a_run_follows_the_outputs_and_writes_none(tmp_path, monkeypatch):
    path = tmp_path / "lesson.ipynb"
    nbformat.write(
        new_notebook(
            cells=[
                new_markdown_cell("# Title"),
                new_markdown_cell("## 1. A section\n\nProse."),
                new_code_cell("show_table()"),  # unknown before it runs: stays under the prose
            ]
        ),
        path,
    )

    def run(path):  # the executed run: what it printed, 40 lines
        notebook = nbformat.read(path, as_version=4)
        notebook.cells[2].outputs = [new_output("stream", name="stdout", text="row\n" * 40)]
        return notebook

    monkeypatch.setattr(slides, "_executed", run)
    assert tag_notebook_files([path]) == [path]
    assert _types(nbformat.read(path, as_version=4)) == ["slide", "slide", "-"]
    assert tag_notebook_files([path], execute=True) == [path]
    tagged = nbformat.read(path, as_version=4)
    assert _types(tagged) == ["slide", "slide", "subslide"]  # the long printout: its own slide
    assert tagged.cells[2].outputs == []


def test_tagging_leaves_a_notebook_edited_while_it_ran(tmp_path, monkeypatch):
    path = tmp_path / "lesson.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell("# Title")]), path)

    def someone_edits(path):
        run = nbformat.read(path, as_version=4)
        nbformat.write(new_notebook(cells=[new_markdown_cell("# A new title")]), path)
        return run

    monkeypatch.setattr(slides, "_executed", someone_edits)
    with pytest.raises(RuntimeError, match="changed while"):
        tag_notebook_files([path], execute=True)
    assert nbformat.read(path, as_version=4).cells[0].source == "# A new title"


def test_export_follows_the_notebooks_own_slide_metadata(tmp_path, assets_installed):
    path = tmp_path / "lesson.ipynb"
    notebook = add_slide_metadata(
        new_notebook(
            cells=[
                new_markdown_cell("# Title"),
                new_markdown_cell("## 1. A section"),
                new_markdown_cell("Prose."),
            ]
        )
    )
    notebook.cells[2].metadata.slideshow.slide_type = "subslide"  # as RISE would show it
    nbformat.write(notebook, path)
    [deck] = export_slides([path], tmp_path / "out")
    html = deck.read_text(encoding="utf-8")
    # nbconvert nests each slide's sub-slides in it: the title (2 sections), and the
    # section's slide with its two sub-slides (3); re-tagged, "Prose." would join its heading.
    assert html.count("<section") == 5


def test_notebook_paths_rejects_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="notebooks"):
        notebook_paths([tmp_path / "nope.ipynb"])


def test_notebook_paths_defaults_to_the_course_notebooks():
    assert notebook_paths(None) == sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def test_missing_assets_say_how_to_install_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="npm ci --prefix vendor"):
        load_offline_assets(tmp_path)


@pytest.fixture
def assets_installed():
    try:
        load_offline_assets()
    except FileNotFoundError as err:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(err))


class _ResourceLinks(HTMLParser):
    """Collects the URLs a page loads scripts, styles and images from."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img", "iframe") and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])


def _tiny_course(tmp_path):
    (tmp_path / "notebooks").mkdir()
    notebook = new_notebook(
        cells=[
            new_markdown_cell("# Tiny deck\n\n$h_t = \\tanh(x_t W + h_{t-1} U + b)$"),
            new_markdown_cell(
                "## A diagram\n\n![A tiny diagram](attachment:cell.png)",
                attachments={"cell.png": {"image/png": base64.b64encode(TINY_PNG).decode()}},
            ),
            new_code_cell(
                "print('hi')", outputs=[new_output("stream", name="stdout", text="hi\n")]
            ),
        ]
    )
    path = tmp_path / "notebooks" / "01_tiny.ipynb"
    nbformat.write(notebook, path)
    return path


def test_export_writes_a_self_contained_deck(tmp_path, assets_installed):
    path = _tiny_course(tmp_path)
    [deck] = export_slides([path], tmp_path / "out")
    assert deck == tmp_path / "out" / "01_tiny.slides.html"
    html = deck.read_text(encoding="utf-8")
    links = _ResourceLinks()
    links.feed(html)
    # Nothing is fetched: no script, style or image comes from a URL, only inline data.
    assert all(url.startswith("data:") for url in links.urls), links.urls
    assert "unpkg.com" not in html and "cdnjs" not in html
    # reveal.js, its notes plugin and MathJax are embedded, and the deck starts reveal.
    assets = load_offline_assets()
    assert assets["reveal_js"][:2000] in html
    assert assets["mathjax_js"][:2000] in html
    assert "Reveal.initialize(" in html and "plugins: [RevealNotes]" in html
    # Two slides (title, section), the image embedded, the output kept.
    assert html.count("<section") >= 2
    assert "data:image/png;base64," in html
    assert "A tiny diagram" in html and "hi" in html


def test_a_deck_shows_the_course_diagrams_as_svg_from_images(tmp_path, assets_installed):
    """SVG stays crisp on a projector; the notebook itself carries the PNG only."""
    path = _tiny_course(tmp_path)
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[1] = new_markdown_cell(
        "## The LSTM\n\n![The LSTM cell, its gates and its two states](attachment:lstm_cell.png)",
        attachments={"lstm_cell.png": {"image/png": base64.b64encode(TINY_PNG).decode()}},
    )
    nbformat.write(notebook, path)
    html = export_slides([path], tmp_path / "out")[0].read_text(encoding="utf-8")
    svg = base64.b64encode((IMAGES_DIR / "lstm_cell.svg").read_bytes()).decode("ascii")
    assert f'src="data:image/svg+xml;base64,{svg}"' in html
    assert 'alt="The LSTM cell, its gates and its two states"' in html
    png = base64.b64encode(TINY_PNG).decode("ascii")
    assert png not in html, "the deck shows the SVG, not the notebook's PNG"


class _TextPlaces(HTMLParser):
    """Collects each piece of text with whether it sits inside an `<aside class="notes">`."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # how deep inside a notes aside (0: outside)
        self.texts = []

    def handle_starttag(self, tag, attrs):
        if self.depth or (tag == "aside" and "notes" in (dict(attrs).get("class") or "").split()):
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if data.strip():
            self.texts.append((data.strip(), bool(self.depth)))


def test_notes_cells_go_to_the_speaker_view_only(tmp_path, assets_installed):
    path = _tiny_course(tmp_path)
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.insert(
        2,
        new_markdown_cell(
            "**Speaker notes.** Ask the room what the hidden state remembers.",
            metadata={"slideshow": {"slide_type": "notes"}},
        ),
    )
    nbformat.write(notebook, path)
    [deck] = export_slides([path], tmp_path / "out")
    places = _TextPlaces()
    places.feed(deck.read_text(encoding="utf-8"))
    where = [in_notes for text, in_notes in places.texts if "Ask the room" in text]
    assert where == [True], f"the notes should appear once, inside <aside class=notes>: {where}"
    assert ("Tiny deck", False) in places.texts  # the slides themselves are outside it


@pytest.mark.parametrize("quick, words", [(True, "quick mode"), (False, "full mode")])
def test_executed_deck_says_which_mode_made_its_figures(
    tmp_path, assets_installed, monkeypatch, quick, words
):
    monkeypatch.setenv("QUICK_TEST_MODE", "1" if quick else "0")
    monkeypatch.setattr(slides, "_executed", lambda path: nbformat.read(path, as_version=4))
    path = _tiny_course(tmp_path)
    [deck] = export_slides([path], tmp_path / "out", execute=True)
    html = deck.read_text(encoding="utf-8")
    first_slide = html[html.index("<section") : html.index("</section>")]
    assert words in first_slide and "Tiny deck" in first_slide, first_slide[-600:]
    [plain] = export_slides([path], tmp_path / "plain")
    assert words not in plain.read_text(encoding="utf-8")  # no figures, no line


def _widget_output(text, model_id):
    return new_output(
        "display_data",
        data={
            "text/plain": text,
            "application/vnd.jupyter.widget-view+json": {
                "model_id": model_id,
                "version_major": 2,
                "version_minor": 0,
            },
        },
    )


def test_a_widget_leaves_a_note_and_a_progress_bar_nothing(tmp_path, assets_installed):
    path = tmp_path / "widgets.ipynb"
    # The widgets' state, which a run saves and without which a deck shows the text instead.
    state = {
        "state": {
            model: {"model_name": "IntSliderModel", "state": {}} for model in ("bar", "slider")
        },
        "version_major": 2,
        "version_minor": 0,
    }
    nbformat.write(
        new_notebook(
            cells=[
                new_markdown_cell("# Widgets"),
                new_markdown_cell("## 1. Two widgets"),
                new_code_cell(
                    "train()",
                    outputs=[_widget_output("HBox(children=(IntProgress(value=0)", "bar")],
                ),
                new_code_cell(
                    "explorer()", outputs=[_widget_output("IntSlider(value=3)", "slider")]
                ),
            ],
            metadata={"widgets": {"application/vnd.jupyter.widget-state+json": state}},
        ),
        path,
    )
    [deck] = export_slides([path], tmp_path / "out")
    html = deck.read_text(encoding="utf-8")
    assert html.count("Interactive widget: run this notebook") == 1
    assert "HBox(children=(IntProgress" not in html  # nor the bar's text instead


def test_deck_is_the_projector_size(tmp_path, assets_installed):
    [deck] = export_slides([_tiny_course(tmp_path)], tmp_path / "out")
    html = deck.read_text(encoding="utf-8")
    width, height = slides.DECK_SIZE
    assert width / height == 16 / 9
    assert f"width: {width}," in html and f"height: {height}," in html


def test_export_leaves_the_notebook_file_alone(tmp_path, assets_installed):
    path = _tiny_course(tmp_path)
    before = path.read_bytes()
    export_slides([path], tmp_path / "out")
    assert path.read_bytes() == before


def test_an_executed_deck_shows_the_saved_run_without_running_the_notebook(
    tmp_path, assets_installed, monkeypatch
):
    monkeypatch.setattr(executed, "EXECUTED_DIR", tmp_path / "executed")
    monkeypatch.setenv("QUICK_TEST_MODE", "1")

    def never(*args, **kwargs):
        raise AssertionError("the deck ran the notebook instead of reading its saved run")

    monkeypatch.setattr(executed, "execute", never)
    name = "01_rnn_loop.ipynb"
    run = nbformat.read(NOTEBOOKS_DIR / name, as_version=4)
    for count, cell in enumerate(c for c in run.cells if c.cell_type == "code"):
        cell.execution_count = count + 1
        cell.outputs = [new_output("stream", name="stdout", text=f"saved run, cell {count}\n")]
    executed.record_run(
        run, name, mode="quick", seed=7, engine="nbval", source_hash=executed.content_hash(name)
    )
    [deck] = export_slides([NOTEBOOKS_DIR / name], tmp_path / "out", execute=True)
    html = deck.read_text(encoding="utf-8")
    assert "saved run, cell 3" in html and "Figures from quick mode" in html


def test_an_executed_deck_is_of_a_course_notebook(tmp_path):
    path = _tiny_course(tmp_path)
    with pytest.raises(ValueError, match="must be in .*notebooks.*01_tiny.ipynb"):
        export_slides([path], tmp_path / "out", execute=True)


def _cli(argv):
    parser = argparse.ArgumentParser(prog="python -m lesson_utils")
    add_slides_subcommand(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_command_line_exports_and_tags(tmp_path, assets_installed, capsys):
    path = _tiny_course(tmp_path)
    assert _cli(["slides", str(path), "--output-dir", str(tmp_path / "decks")]) == 0
    assert (tmp_path / "decks" / "01_tiny.slides.html").is_file()
    assert _cli(["slides", "--tag", str(path)]) == 0
    assert "1 notebook(s) changed" in capsys.readouterr().out
    assert _types(nbformat.read(path, as_version=4))[:2] == ["slide", "slide"]


def test_command_line_records_the_export_time_by_mode(tmp_path, assets_installed, monkeypatch):
    monkeypatch.setattr(slides, "_executed", lambda path: nbformat.read(path, as_version=4))
    path = _tiny_course(tmp_path)
    timing = tmp_path / "timing.json"
    for quick in ("1", "0"):
        monkeypatch.setenv("QUICK_TEST_MODE", quick)
        argv = ["slides", str(path), "--execute", "--output-dir", str(tmp_path / "decks")]
        assert _cli([*argv, "--timing-json", str(timing)]) == 0
    saved = json.loads(timing.read_text(encoding="utf-8"))
    assert sorted(saved) == ["full", "quick"]  # the second run kept the first one's record
    for record in saved.values():
        assert list(record["seconds"]) == ["01_tiny"]
        assert record["total"] == record["seconds"]["01_tiny"]
        assert record["machine"]["cpus"] == os.cpu_count()


def test_command_line_defaults():
    parser = argparse.ArgumentParser()
    add_slides_subcommand(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["slides"])
    assert args.notebooks == [] and args.output_dir == slides.DEFAULT_SLIDES_DIR
    assert not args.execute and not args.tag and args.timing_json is None


def test_command_line_error_for_missing_assets(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(slides, "VENDOR_DIR", tmp_path)
    path = _tiny_course(tmp_path)
    with pytest.raises(SystemExit, match="npm ci --prefix vendor"):
        _cli(["slides", str(path), "--output-dir", str(tmp_path / "decks")])


@pytest.mark.parametrize("path", sorted(NOTEBOOKS_DIR.glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_course_notebook_carries_slide_metadata(path):
    notebook = nbformat.read(path, as_version=4)
    untagged = [
        i
        for i, cell in enumerate(notebook.cells)
        if cell.get("metadata", {}).get("slideshow", {}).get("slide_type") not in SLIDE_TYPES
    ]
    assert not untagged and "rise" in notebook.metadata, (
        f"{path.name}: cells {untagged} have no slide type (or the RISE settings are missing). "
        f"Run: python -m lesson_utils slides --tag {path.relative_to(NOTEBOOKS_DIR.parent)}"
    )


ANY_SECONDS = re.compile(r"\b\d+(?:\.\d+)? ?(?:s|seconds?|min|minutes?)\b")


def _notes_cells(notebook):
    return [
        cell
        for cell in notebook.cells
        if cell.get("metadata", {}).get("slideshow", {}).get("slide_type") == "notes"
    ]


# The course's calls that train a model (or may: `lesson_model` trains one when none is saved,
# the training panel on each press of Train). A section that calls one says so in its notes.
TRAINING_CALLS = re.compile(
    r"\b(train_memory_model|accuracy_by_lag|memory_comparison|clipping_comparison|"
    r"padding_comparison|train_lesson_model|training_panel|train_rnn_model|lesson_model|"
    r"lesson_models|train_language_model|carried_against_reset)\("
)


def _sections(notebook):
    """The numbered sections (`## N. ...`): {title: (the notes' text, the code)}."""
    sections, title = {}, None
    for cell in notebook.cells:
        if heading_level(cell) in (1, 2):
            first_line = cell.source.lstrip().split("\n", 1)[0]
            title = first_line if re.match(r"##\s+\d+\.", first_line) else None
            if title:
                sections[title] = ("", "")
        elif title and cell.get("metadata", {}).get("slideshow", {}).get("slide_type") == "notes":
            notes, code = sections[title]
            sections[title] = (notes + cell.source, code)
        elif title and cell.cell_type == "code":
            notes, code = sections[title]
            sections[title] = (notes, code + cell.source + "\n")
    return sections


def _sections_without_notes(notebook):
    """The numbered sections whose notes are missing, ask the room nothing, or leave out a call
    that trains."""
    problems = []
    for title, (notes, code) in _sections(notebook).items():
        unnamed = sorted(
            {f"`{call}`" for call in TRAINING_CALLS.findall(code)}
            - set(re.findall(r"`\w+`", notes))
        )
        if not notes:
            problems.append(f"{title}: no notes")
        elif "?" not in notes and not re.search(r"\bask\b", notes, re.IGNORECASE):
            problems.append(f"{title}: the notes ask the room nothing")
        elif unnamed:
            problems.append(f"{title}: the notes do not name what trains: {', '.join(unnamed)}")
    return problems


@pytest.mark.parametrize("path", sorted(NOTEBOOKS_DIR.glob("*.ipynb")), ids=lambda p: p.stem)
def test_speaker_notes_say_so_and_quote_the_saved_timing(path):
    notebook = nbformat.read(path, as_version=4)
    notes = _notes_cells(notebook)
    assert notes, f"{path.name} has no speaker notes (Markdown cells with slide type 'notes')"
    for cell in notes:
        assert cell.cell_type == "markdown" and cell.source.startswith("**Speaker notes.**"), (
            f"{path.name}: a notes cell must be Markdown starting with '**Speaker notes.**', "
            f"so that a learner knows what it is: {cell.source[:80]!r}"
        )
        # "N s in quick/full mode" is written by python -m course_tools sync; any other is typed.
        typed = ANY_SECONDS.findall(NOTES_TIME.sub("", cell.source))
        assert not typed, f"{path.name}: times in notes must be 'N s in full/quick mode': {typed}"
    assert any(NOTES_TIME.search(cell.source) for cell in notes), (
        f"{path.name}: the notes should say how long the notebook runs ('N s in full mode')"
    )
    problems = _sections_without_notes(notebook)
    assert not problems, f"{path.name}: speaker notes to write:\n" + "\n".join(problems)


def test_the_saved_export_times_cover_every_deck_exported_with_its_figures():
    """The guide quotes them (written by python -m course_tools sync)."""
    saved_files = sorted(
        (NOTEBOOKS_DIR.parent / "lesson_utils" / "benchmark_data").glob("slides_export_*.json")
    )
    saved = json.loads(saved_files[-1].read_text(encoding="utf-8"))
    notebooks = sorted(path.stem for path in NOTEBOOKS_DIR.glob("*.ipynb"))
    for mode in ("full", "quick"):
        assert sorted(saved[mode]["seconds"]) == notebooks, f"{mode}: not every deck was timed"
        assert "--execute" in saved[mode]["command"]


@pytest.mark.parametrize("path", sorted(NOTEBOOKS_DIR.glob("*.ipynb")), ids=lambda p: p.stem)
def test_speaker_notes_never_split_a_sentence_of_the_notebook(path):
    """A learner reads the notes in JupyterLab: they sit between paragraphs, not inside one."""
    cells = nbformat.read(path, as_version=4).cells
    for notes, after in zip(cells, cells[1:]):
        if notes.metadata.get("slideshow", {}).get("slide_type") != "notes":
            continue
        continues = after.cell_type == "markdown" and after.source[:1].islower()
        assert not continues, (
            f"{path.name}: speaker notes inside a sentence, before {after.source[:60]!r}"
        )
