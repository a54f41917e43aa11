"""Notebook 05 (IMDB sentiment, continued): where the trained model goes wrong, as a confusion
matrix."""

import matplotlib.pyplot as plt
import numpy as np

from lesson_utils.data.imdb import LABEL_NAMES
from lesson_utils.figures.style import HEATMAP_CMAP, figure_size


def plot_confusion_matrix(matrix, *, title="Where the model goes wrong (test reviews)"):
    """Draws a confusion matrix with its counts and row percentages.

    Args:
        matrix: as `confusion_matrix` returns.
        title: the figure's title.

    Returns:
        A matplotlib `Figure`.
    """
    matrix = np.asarray(matrix)
    fig, ax = plt.subplots(figsize=figure_size(0.75, 1.05))
    image = ax.imshow(matrix, cmap=HEATMAP_CMAP, vmin=0)
    row_share = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    for (row, col), count in np.ndenumerate(matrix):
        dark = count < matrix.max() / 2
        ax.text(
            col,
            row,
            f"{count:,}\n({row_share[row, col]:.0%} of row)",
            ha="center",
            va="center",
            color="white" if dark else "black",
        )
    ax.set_xticks([0, 1], [f"predicted\n{n}" for n in LABEL_NAMES])
    ax.set_yticks([0, 1], [f"truly\n{n}" for n in LABEL_NAMES])
    ax.grid(False)
    fig.colorbar(image, ax=ax, label="Number of reviews")
    fig.suptitle(title)
    return fig
