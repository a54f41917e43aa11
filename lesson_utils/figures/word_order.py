"""Notebook 05 (IMDB sentiment, continued): each model's verdict on pairs of reviews that differ
in order."""

import matplotlib.pyplot as plt
import numpy as np

from lesson_utils.figures.style import PALETTE, figure_size, thin_line

_COLORS = [PALETTE["blue"], PALETTE["green"], PALETTE["orange"], PALETTE["purple"]]


def plot_word_order(
    scores,
    *,
    title="Same words, other order: does the model tell them apart?",
    disagrees=None,
):
    """Draws, per pair and per model, P(positive review) minus P(negative review).

    A bar above zero means the model ordered the pair correctly; a bag of
    words gives every pair zero.

    Args:
        scores: as `word_order_scores` returns.
        title: the figure's title.
        disagrees: optionally, one bool per pair: `True` shades the pairs
            whose last sentiment word disagrees with the label.

    Returns:
        A matplotlib `Figure`.
    """
    names = list(scores)
    pairs = len(next(iter(scores.values()))["correct"])
    width = 0.8 / len(names)
    # Wide rather than tall: a slide shows a figure at most 380 px tall, so a tall figure
    # would be shrunk, and its labels with it.
    fig, ax = plt.subplots(figsize=figure_size(1.5, 1.05))
    for i, name in enumerate(names):
        difference = 100 * (scores[name]["positive"] - scores[name]["negative"])
        ax.bar(
            np.arange(1, pairs + 1) + (i - (len(names) - 1) / 2) * width,
            difference,
            width=width,
            color=_COLORS[i % len(_COLORS)],
            label=f"{name}: {scores[name]['accuracy']:.0%} of the pairs right",
        )
    if disagrees is not None:
        shaded = np.flatnonzero(disagrees) + 1
        for pair in shaded:
            label = "last sentiment word disagrees\nwith the label" if pair == shaded[0] else None
            ax.axvspan(
                pair - 0.5,
                pair + 0.5,
                facecolor=PALETTE["grey"],
                alpha=0.15,
                edgecolor="none",
                label=label,
            )
    ax.axhline(0, color=PALETTE["black"], linewidth=thin_line())
    # Every pair numbered while the numbers fit; beyond 25 pairs, pair 1 and every fifth.
    ax.set_xticks(np.arange(1, pairs + 1) if pairs <= 25 else [1, *range(5, pairs + 1, 5)])
    ax.set_xlim(0.4, pairs + 0.6)
    ax.set_xlabel("Pair")
    ax.set_ylabel("P(positive) − P(negative), percentage points\n(above 0: ordered correctly)")
    # Beside the axes: inside, the legend would hide bars; below, it would make the figure taller.
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    ax.set_title(title)
    return fig
