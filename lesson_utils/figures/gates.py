"""Notebook 03 (the LSTM and GRU gates): a one-unit cell's step as bars; the cell state over time.

`plot_gate_bars` draws what `one_unit_lstm`/`one_unit_gru` computed (the gate
explorer redraws it on every slider move); `plot_carry_over_time` draws what
`carry_over_time` computed for several forget biases.
"""

import matplotlib.pyplot as plt
import numpy as np

from lesson_utils.arguments import check_choice
from lesson_utils.figures.style import PALETTE, figure_size, thin_line

# Bars drawn for each cell: (key in the values dict, label, colour name in PALETTE).
_LSTM_BARS = (
    ("input", "input gate\n$i_t$", "blue"),
    ("forget", "forget gate\n$f_t$", "blue"),
    ("output", "output gate\n$o_t$", "blue"),
    ("candidate", "candidate\n$\\tilde c_t$", "orange"),
    ("c_prev", "old cell\n$c_{t-1}$", "sky"),
    ("cell", "new cell\n$c_t$", "green"),
    ("hidden", "new hidden\n$h_t$", "vermillion"),
)
_GRU_BARS = (
    ("update", "update gate\n$z_t$", "blue"),
    ("reset", "reset gate\n$r_t$", "blue"),
    ("candidate", "candidate\n$\\tilde h_t$", "orange"),
    ("h_prev", "old hidden\n$h_{t-1}$", "sky"),
    ("hidden", "new hidden\n$h_t$", "vermillion"),
)


def plot_gate_bars(values, cell="lstm", ax=None):
    """Draws one step of a one-unit cell as bars: every gate and the states.

    Args:
        values: what `one_unit_lstm`/`one_unit_gru` return, plus the previous
            state (`"c_prev"` for the LSTM, `"h_prev"` for the GRU) to compare.
        cell: `"lstm"` or `"gru"`.
        ax: optional matplotlib axes to draw into.

    Returns:
        The matplotlib `Figure`.
    """
    check_choice("cell", cell, ("lstm", "gru"))
    bars = _LSTM_BARS if cell == "lstm" else _GRU_BARS
    if ax is None:
        _, ax = plt.subplots(figsize=figure_size(1.07, 0.9))
    heights = [values[key] for key, _, _ in bars]
    drawn = ax.bar(
        [label for _, label, _ in bars],
        heights,
        color=[PALETTE[colour] for _, _, colour in bars],
        edgecolor=PALETTE["black"],
    )
    ax.bar_label(drawn, fmt="%.2f", padding=2)
    ax.axhline(0, color=PALETTE["black"], linewidth=thin_line())
    ax.axhline(1, color=PALETTE["black"], linewidth=thin_line(), linestyle=":")
    ax.set_ylim(-3.2, 3.2)
    ax.set_ylabel("Value (unitless)")
    ax.set_title(f"One step of a one-unit {cell.upper()}: gates (blue) and states")
    ax.grid(axis="x", visible=False)
    return ax.figure


def plot_carry_over_time(runs):
    """Draws the cell state against time for several forget biases, one line each.

    Args:
        runs: a dict, forget bias -> `(cell_states, forget_gate)` as
            `carry_over_time(bias, steps)` returns it.

    Returns:
        A matplotlib `Figure`.
    """
    fig, ax = plt.subplots()
    colours = [PALETTE[name] for name in ("blue", "green", "orange", "vermillion", "purple")]
    linestyles = ("-", "--", "-.", ":", "-")
    for k, (bias, (cells, forget)) in enumerate(runs.items()):
        ax.plot(
            np.arange(len(cells)),
            cells,
            color=colours[k % len(colours)],
            linestyle=linestyles[k % len(linestyles)],
            label=f"forget bias {bias:+g}  (f = {forget:.4f})",
        )
    ax.set_xlabel("Time steps since the value was written")
    ax.set_ylabel("Cell state $c_t$")
    ax.set_ylim(-0.05, 1.1)
    ax.set_title("The cell state as a conveyor belt: how long a written 1 survives")
    ax.legend(loc="center right")
    return fig
