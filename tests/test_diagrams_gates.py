"""Notebook 03's cell diagrams are drawn and written as small PNGs."""

import matplotlib.pyplot as plt
import pytest

from lesson_utils.diagrams import DIAGRAMS, draw_gru_cell, draw_lstm_cell, save_diagram


@pytest.mark.parametrize("name,draw", [("lstm_cell", draw_lstm_cell), ("gru_cell", draw_gru_cell)])
def test_cell_diagrams_are_written_small_and_titled(name, draw, tmp_path):
    assert DIAGRAMS[name] is draw
    fig = draw()
    assert fig.axes[0].get_title()
    path = save_diagram(fig, name, tmp_path)
    assert path.read_bytes().startswith(b"\x89PNG")
    assert path.stat().st_size < 200_000
    assert not plt.get_fignums()
