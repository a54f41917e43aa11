"""Notebook 04 (IMDB sentiment): each model's verdict on pairs of reviews that differ in order."""

import matplotlib.pyplot as plt
import numpy as np

from lesson_utils.figures.style import PALETTE, figure_size, thin_line

_COLORS = [PALETTE["blue"], PALETTE["green"], PALETTE["orange"], PALETTE["purple"]]


def plot_word_order(scores, *, title="Same words, other order: does the model tell them apart?"):
    """Draws, per pair and per model, P(positive review) minus P(negative review).

    A bar right of zero means the model ordered the pair correctly; a bag of
    words gives every pair zero.

    Args:
        scores: as `word_order_scores` returns.
        title: the figure's title.

    Returns:
        A matplotlib `Figure`.
    """
    names = list(scores)
    pairs = len(next(iter(scores.values()))["correct"])
    height = 0.8 / len(names)
    fig, ax = plt.subplots(figsize=figure_size(1.0, 1.6))
    for i, name in enumerate(names):
        difference = 100 * (scores[name]["positive"] - scores[name]["negative"])
        ax.barh(
            np.arange(1, pairs + 1) + (i - (len(names) - 1) / 2) * height,
            difference,
            height=height,
            color=_COLORS[i % len(_COLORS)],
            label=f"{name}: {scores[name]['accuracy']:.0%} of the pairs right",
        )
    ax.axvline(0, color=PALETTE["black"], linewidth=thin_line())
    ax.set_yticks(np.arange(1, pairs + 1))
    ax.invert_yaxis()
    ax.set_ylabel("Pair")
    ax.set_xlabel(
        "P(positive review) − P(negative review), percentage points\n"
        "(right of 0: ordered correctly)"
    )
    # Below the axes: inside, the legend would hide the bars of the last pairs.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), frameon=False)
    ax.set_title(title)
    return fig
