"""Notebook 03 (the LSTM and GRU gates): the keeping gates of trained cells along the bit's path.

`plot_bit_path_gates` draws what `bit_path_gates` measured, one panel per
cell: the units that carry the marked bit against the others, step by step
from the marked step to the end.
"""

import matplotlib.pyplot as plt
import numpy as np

from lesson_utils.arguments import check_choice
from lesson_utils.figures.style import CELL_COLORS, PALETTE, figure_size, thick_line, thin_line
from lesson_utils.settings import CELLS, GATED_CELLS

_SYMBOLS = {"forget": "$f_t$", "update": "$z_t$"}


def plot_bit_path_gates(results):
    """Draws each cell's keeping gate against the steps after the marked one, per unit.

    Args:
        results: `{cell: bit_path_gates(...)}` for `"lstm"` and/or `"gru"`.

    Returns:
        A matplotlib `Figure`, one panel per cell.
    """
    fig, axes = plt.subplots(
        1, len(results), figsize=figure_size(1.3, 1.0), sharey=True, squeeze=False
    )
    for ax, (cell, result) in zip(axes[0], results.items()):
        check_choice("cell", cell, GATED_CELLS)
        by_step = np.asarray(result["by_step"])
        steps = np.arange(len(by_step))
        carriers = result["carriers"]
        others = [u for u in range(by_step.shape[1]) if u not in carriers]
        for k, unit in enumerate(others):
            ax.plot(
                steps,
                by_step[:, unit],
                color=PALETTE["grey"],
                linewidth=thin_line(),
                label="the other units" if k == 0 else None,
            )
        for k, unit in enumerate(carriers):
            ax.plot(
                steps,
                by_step[:, unit],
                color=CELL_COLORS[cell],
                linewidth=thick_line(),
                label=f"units carrying the bit ({len(carriers)})" if k == 0 else None,
            )
        ax.axvspan(0.5, steps[-1], color=PALETTE["yellow"], alpha=0.15, label="the bit's path")
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("Steps after the marked one (0: the bit is written)")
        ax.set_title(f"{CELLS[cell]}: {result['gate']} gate {_SYMBOLS[result['gate']]}")
        ax.legend(loc="lower right")
    axes[0][0].set_ylabel("Gate value, mean over test sequences (0 to 1)")
    fig.suptitle("Trained on the memory task: each unit's keeping gate along the bit's path")
    return fig
