"""Notebook 08 (the capstone): the NumPy character RNN's training curve, drawn."""

import matplotlib.pyplot as plt

from lesson_utils.figures.style import PALETTE, thin_line


def plot_char_rnn_training(
    history, unigram_bits, *, title="The NumPy RNN learns: bits per character while it trains"
):
    """Plots the training and held-out bits per character against the updates, with the
    unigram baseline as a line.

    Args:
        history: as `train_char_rnn` returns it (step 0 is untrained).
        unigram_bits: the unigram baseline's held-out bits per character.
        title: the figure's title.

    Returns:
        A matplotlib `Figure`.
    """
    fig, ax = plt.subplots()
    steps = [row["step"] for row in history]
    ax.plot(
        steps,
        [row["train_bits"] for row in history],
        color=PALETTE["sky"],
        linestyle="--",
        label="training windows (mean since the last point)",
    )
    ax.plot(
        steps,
        [row["heldout_bits"] for row in history],
        marker="o",
        color=PALETTE["blue"],
        label="held-out text",
    )
    ax.axhline(
        unigram_bits,
        color=PALETTE["vermillion"],
        linestyle=":",
        linewidth=thin_line() * 2,
        label=f"unigram baseline (character frequencies): {unigram_bits:.2f}",
    )
    ax.set_ylim(0, max(row["heldout_bits"] for row in history) * 1.1)
    ax.set_xlabel("Updates (one window of every stream each)")
    ax.set_ylabel("Bits per character (lower is better)")
    ax.set_title(title)
    ax.legend()
    return fig
