"""The course's diagrams: drawn small and titled into `images/`, shown from inside the notebooks.

Each diagram is a PNG attachment of the Markdown cell that shows it (written from
`images/` by `python -m course_tools sync`), so it shows
wherever the notebook is opened (JupyterLab with any root folder, a notebook
uploaded on its own, a slide deck). A link to a file beside the notebook
(`../images/x.png`) broke every diagram under `make lab`, whose root is notebooks/.
"""

import base64
import json
import re
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from course_tools.diagrams import (
    ATTACHED_IMAGE,
    DIAGRAMS,
    IMAGES_DIR,
    add_svg_versions,
    diagram_png,
    main,
)

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
# Any Markdown or HTML image: ![alt](source) or <img ... src="source">.
ANY_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)|<img[^>]*\bsrc=[\"']([^\"']+)")


@pytest.mark.parametrize("name", sorted(DIAGRAMS))
def test_each_diagram_is_drawn_small_and_titled(name):
    fig = DIAGRAMS[name]()
    assert fig.axes[0].get_title(), f"{name} has no title"
    plt.close(fig)
    png = diagram_png(name)
    assert png.startswith(b"\x89PNG") and len(png) < 200_000
    assert not plt.get_fignums(), "diagram_png must close its figure"


def test_an_unknown_diagram_is_named_in_the_error():
    with pytest.raises(ValueError, match="name='lstm'"):
        diagram_png("lstm")
    with pytest.raises(ValueError, match="image_format='jpg'"):
        diagram_png("lstm_cell", "jpg")


def test_a_diagram_drawn_twice_gives_the_same_svg():
    """No date and fixed ids in the SVG, so that redrawing leaves `images/` unchanged."""
    svg = diagram_png("io_taxonomy", "svg")
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    assert diagram_png("io_taxonomy", "svg") == svg


def test_the_taxonomy_names_the_five_shapes_and_the_notebooks():
    fig = DIAGRAMS["io_taxonomy"]()
    texts = " ".join(text.get_text() for text in fig.axes[0].texts)
    plt.close(fig)
    for shape in (
        "one to one",
        "one to many",
        "many to one",
        "many to many, aligned",
        "many to many, unaligned",
    ):
        assert shape in texts, shape
    assert "04 to 06" in texts and "then decoder" in texts


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_image_is_an_attachment_of_its_cell(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        for markdown_source, html_source in ANY_IMAGE.findall(source):
            target = markdown_source or html_source
            assert target.startswith("attachment:"), (
                f"{path.name} cell {index} shows {target}, a file that a notebook opened on its "
                "own (or under make lab) cannot reach: attach it to the cell"
            )
            data = cell.get("attachments", {}).get(target[len("attachment:") :], {})
            assert base64.b64decode(data.get("image/png", "")).startswith(b"\x89PNG"), (
                f"{path.name} cell {index}: {target} is not attached as a PNG "
                "(run python -m course_tools sync)"
            )
        for alt, _ in ATTACHED_IMAGE.findall(source):
            assert len(alt.split()) >= 5, f"{path.name} cell {index}: an image without alt text"


def test_the_course_shows_every_diagram_it_draws():
    shown = set()
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            shown.update(name for _, name in ATTACHED_IMAGE.findall("".join(cell["source"])))
    assert shown == set(DIAGRAMS)


def test_images_holds_every_diagram_and_nothing_else():
    """`images/`, where sync attaches them from (test_sync.py checks the attachments)."""
    for image_format in ("png", "svg"):
        assert sorted(path.stem for path in IMAGES_DIR.glob(f"*.{image_format}")) == sorted(
            DIAGRAMS
        ), image_format


def test_main_draws_every_diagram_into_a_folder(tmp_path):
    written = main(tmp_path)
    assert sorted(path.name for path in written) == sorted(
        f"{name}.{image_format}" for name in DIAGRAMS for image_format in ("png", "svg")
    )
    assert all(
        path.read_bytes().startswith(b"\x89PNG") for path in written if path.suffix == ".png"
    )


def test_the_gru_diagram_names_the_matrices_as_notebook_03_does():
    """Notebook 03 writes W for the input side and U for the recurrent side of every gate."""
    fig = DIAGRAMS["gru_cell"]()
    texts = [text.get_text() for text in fig.axes[0].texts]
    plt.close(fig)
    reset = [text for text in texts if "reset_after" in text]
    assert reset and "h_{t-1} U_h" in reset[0] and "W_h" not in reset[0], reset
    notebook_03 = next(path for path in NOTEBOOKS if path.name.startswith("03_"))
    assert "h_{t-1} U_h" in notebook_03.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(DIAGRAMS))
def test_images_holds_what_the_code_draws(name):
    """A change to a drawing must be redrawn into images/ (and sync attaches it from there)."""
    for image_format in ("svg", "png"):
        assert (IMAGES_DIR / f"{name}.{image_format}").read_bytes() == diagram_png(
            name, image_format
        ), f"images/{name}.{image_format} is stale: run python -m course_tools.diagrams, then sync"


def test_add_svg_versions_puts_the_diagrams_svg_beside_their_png_only():
    png = base64.b64encode(b"\x89PNG").decode()
    notebook = {
        "cells": [
            {"cell_type": "markdown", "attachments": {"gru_cell.png": {"image/png": png}}},
            {"cell_type": "markdown", "attachments": {"sketch.png": {"image/png": png}}},
            {"cell_type": "code"},
        ]
    }
    add_svg_versions(notebook)
    diagram, sketch = (cell["attachments"] for cell in notebook["cells"][:2])
    assert diagram["gru_cell.png"]["image/png"] == png, "the PNG stays for viewers without SVG"
    svg = base64.b64decode(diagram["gru_cell.png"]["image/svg+xml"])
    assert svg == (IMAGES_DIR / "gru_cell.svg").read_bytes()
    assert sketch == {"sketch.png": {"image/png": png}}, "an image not in images/ is left alone"


def test_the_encoder_decoder_reverses_its_source_through_one_vector():
    fig = DIAGRAMS["encoder_decoder"]()
    texts = [text.get_text() for text in fig.axes[0].texts]
    plt.close(fig)
    assert "source 314" in texts and "writes 413" in texts
    assert any("one vector" in text for text in texts)
