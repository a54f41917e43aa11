"""Notebook 04 (IMDB sentiment): how long the reviews are, against the length they are cut to."""

import matplotlib.pyplot as plt
import numpy as np

from lesson_utils.figures.style import PALETTE, thick_line


def plot_review_lengths(lengths, max_length, share, *, title="How long are IMDB reviews?"):
    """Histogram of review lengths with `max_length` marked and the truncated share written.

    Args:
        lengths: review lengths, as `review_lengths` returns.
        max_length: the chosen length, drawn as a vertical line.
        share: the fraction of reviews longer than `max_length`, as
            `truncated_share(lengths, max_length)` returns it.
        title: the figure's title.

    Returns:
        A matplotlib `Figure`.
    """
    fig, ax = plt.subplots()
    upper = np.percentile(lengths, 99)
    bins = np.linspace(0, upper, 60)
    ax.hist(
        np.minimum(lengths, upper), bins=bins, color=PALETTE["blue"], alpha=0.85, label="reviews"
    )
    ax.axvline(
        max_length,
        color=PALETTE["vermillion"],
        linewidth=thick_line(),
        label=f"max_length = {max_length}: {share:.0%} of reviews are\n"
        "longer and lose their first words",
    )
    ax.set_xlabel("Review length (word ids; the last bar holds the longest 1%)")
    ax.set_ylabel("Number of reviews")
    ax.set_title(title)
    ax.legend(loc="best")
    return fig
