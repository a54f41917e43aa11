"""Notebook 01's unrolled-RNN diagram is drawn, registered and written small."""

import matplotlib.pyplot as plt

from lesson_utils.diagrams import DIAGRAMS, draw_rnn_unrolled, save_diagram


def test_unrolled_rnn_diagram_is_written_small_and_titled(tmp_path):
    assert DIAGRAMS["rnn_unrolled"] is draw_rnn_unrolled
    fig = draw_rnn_unrolled()
    assert fig.axes[0].get_title()
    path = save_diagram(fig, "rnn_unrolled", tmp_path)
    assert path.read_bytes().startswith(b"\x89PNG")
    assert path.stat().st_size < 200_000
    assert not plt.get_fignums()
