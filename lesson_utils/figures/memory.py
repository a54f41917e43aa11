"""Notebooks 01 and 02 (the memory task): accuracy against lag, one line per cell.

`plot_accuracy_by_lag` draws what `accuracy_by_lag` or `memory_comparison` measured.
"""

import matplotlib.pyplot as plt

from lesson_utils.arguments import check_choice
from lesson_utils.figures.style import CELL_COLORS, CELL_LINE_STYLES, PALETTE, thin_line
from lesson_utils.settings import CELL_TYPES, CELLS


def plot_accuracy_by_lag(results, *, title="Recalling a bit: accuracy against lag"):
    """Plots test accuracy against lag, one line per cell, with chance level.

    Args:
        results: `{cell: {lag: accuracy}}`, e.g.
            `{"simple_rnn": accuracy_by_lag("simple_rnn")}`.
        title: the figure's title.

    Returns:
        A matplotlib `Figure`.
    """
    if not isinstance(results, dict) or not results:
        raise ValueError(
            "Argument `results` must be a dict {cell: {lag: accuracy}}, as "
            f"accuracy_by_lag returns per cell. Received: results={results!r}"
        )
    fig, ax = plt.subplots()
    for cell, by_lag in results.items():
        check_choice("cell", cell, CELL_TYPES)
        lags = sorted(by_lag)
        ax.plot(
            lags,
            [by_lag[lag] for lag in lags],
            color=CELL_COLORS[cell],
            label=CELLS[cell],
            **CELL_LINE_STYLES[cell],
        )
    ax.axhline(
        0.5, color=PALETTE["black"], linestyle=":", linewidth=thin_line(), label="chance (50 %)"
    )
    ax.set_ylim(0.35, 1.05)
    ax.set_xlabel("Lag (steps between the marked bit and the answer)")
    ax.set_ylabel("Test accuracy (fraction recalled)")
    ax.set_title(title)
    ax.legend()
    return fig
