"""Notebook 04 (IMDB sentiment): loss and accuracy per epoch, training against validation.

`plot_history` draws what Keras' `fit` recorded; the training panel redraws it
after every epoch, and `python -m lesson_utils train --plot` saves it.
"""

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from lesson_utils.figures.style import PALETTE, figure_size


def plot_history(history, *, title="Training history"):
    """Plots loss and accuracy per epoch, training against validation.

    Args:
        history: a `keras.callbacks.History` (what `fit` returns) or its
            `.history` dict.
        title: the figure's title.

    Returns:
        A matplotlib `Figure` with two axes: loss and accuracy.
    """
    logs = history.history if hasattr(history, "history") else history
    if not isinstance(logs, dict) or "loss" not in logs:
        raise ValueError(
            "Argument `history` must be a Keras History or a dict with at least a "
            f"'loss' list, as `fit` returns. Received: history={history!r}"
        )
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=figure_size(1.4, 1.0))
    for ax, metric, label in (
        (ax_loss, "loss", "Binary cross-entropy"),
        (ax_acc, "accuracy", "Accuracy (fraction correct)"),
    ):
        for prefix, name, color, marker in (
            ("", "training", PALETTE["blue"], "o"),
            ("val_", "validation", PALETTE["orange"], "s"),
        ):
            values = logs.get(prefix + metric)
            if values:
                epochs = range(1, len(values) + 1)
                ax.plot(epochs, values, marker=marker, color=color, label=name)
        ax.set_xlabel("Epoch")
        ax.set_ylabel(label)
        ax.set_title(metric.capitalize())
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
        if ax.get_legend_handles_labels()[0]:
            ax.legend()
    fig.suptitle(title)
    return fig
