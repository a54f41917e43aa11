"""Tests for course_tools.slides: slide metadata, the offline deck and the command line."""

import argparse
import base64
import os
from html.parser import HTMLParser

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course_tools import slides
from course_tools.slides import (
    NOTEBOOKS_DIR,
    SLIDE_TYPES,
    add_slide_metadata,
    add_slides_subcommand,
    export_slides,
    heading_level,
    load_offline_assets,
    notebook_paths,
    tag_notebook_files,
)

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
        "-",  # setup code stays with the title
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


def test_author_choices_are_kept_and_skipped_over():
    notebook = new_notebook(
        cells=[
            new_markdown_cell("# Title"),
            new_markdown_cell("Prose."),
            new_markdown_cell("Say this aloud.", metadata={"slideshow": {"slide_type": "notes"}}),
            new_code_cell("hidden()", metadata={"slideshow": {"slide_type": "skip"}}),
            new_markdown_cell("More prose."),
        ]
    )
    add_slide_metadata(notebook)
    # The last cell follows "Prose." (the notes and the skipped cell do not count).
    assert _types(notebook) == ["slide", "-", "notes", "skip", "fragment"]


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


def test_export_leaves_the_notebook_file_alone(tmp_path, assets_installed):
    path = _tiny_course(tmp_path)
    before = path.read_bytes()
    export_slides([path], tmp_path / "out")
    assert path.read_bytes() == before


def test_export_rejects_a_bad_cell_timeout(tmp_path):
    with pytest.raises(ValueError, match="cell_timeout"):
        export_slides([], tmp_path, cell_timeout=0)


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


def test_command_line_defaults():
    parser = argparse.ArgumentParser()
    add_slides_subcommand(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["slides"])
    assert args.notebooks == [] and args.output_dir == slides.DEFAULT_SLIDES_DIR
    assert not args.execute and not args.tag


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
