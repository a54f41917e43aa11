"""Notebook 04's cells: what a learner sees under its widgets, and no cell reading Keras' source."""

import json
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "04_imdb_sentiment.ipynb"


def code_cells():
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]


@pytest.mark.parametrize("widget", ["review_tester(", "training_panel("])
def test_a_widget_cell_prints_nothing_that_goes_stale_under_the_widget(widget):
    [cell] = [source for source in code_cells() if widget in source]
    assert "print(" not in cell, (
        f"the cell showing {widget[:-1]} prints below it: the line stays when the learner "
        "uses the widget, and then says something the widget no longer shows"
    )


def test_no_cell_reads_a_librarys_source():
    for source in code_cells():
        assert "getsource" not in source and "import inspect" not in source, source[:80]
