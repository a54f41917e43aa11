"""Notebooks 04 and 05's cells: what a learner sees under 05's widgets, and no cell reading a
library's source."""

import json
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
IMDB_NOTEBOOKS = ("04_imdb_sentiment.ipynb", "05_imdb_architectures.ipynb")


def code_cells(name):
    cells = json.loads((NOTEBOOKS / name).read_text())["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]


@pytest.mark.parametrize("widget", ["review_tester(", "training_panel("])
def test_a_widget_cell_prints_nothing_that_goes_stale_under_the_widget(widget):
    [cell] = [source for source in code_cells(IMDB_NOTEBOOKS[1]) if widget in source]
    assert "print(" not in cell, (
        f"the cell showing {widget[:-1]} prints below it: the line stays when the learner "
        "uses the widget, and then says something the widget no longer shows"
    )


@pytest.mark.parametrize("name", IMDB_NOTEBOOKS)
def test_no_cell_reads_a_librarys_source(name):
    for source in code_cells(name):
        assert "getsource" not in source and "import inspect" not in source, source[:80]
