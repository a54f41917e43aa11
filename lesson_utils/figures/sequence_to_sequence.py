"""Notebook 07, section 7: the encoder-decoder's accuracy against the string's length.

`plot_accuracy_by_length` draws what `reversal_by_length` measured.
"""

import matplotlib.pyplot as plt

from lesson_utils.figures.style import PALETTE, thin_line


def plot_accuracy_by_length(scores, *, chance, title="Reversing strings through one vector"):
    """Plots the fraction of characters and of whole strings written right, against length.

    Args:
        scores: `{length: {"character": ..., "string": ...}}`, as `reversal_by_length` returns.
        chance: the fraction of characters a random guess gets right, drawn dotted.
        title: the figure's title.

    Returns:
        A matplotlib `Figure`.
    """
    if not isinstance(scores, dict) or not scores:
        raise ValueError(
            "Argument `scores` must be a dict {length: {'character': ..., 'string': ...}}, as "
            f"reversal_by_length returns. Received: scores={scores!r}"
        )
    lengths = sorted(scores)
    fig, ax = plt.subplots()
    ax.plot(
        lengths,
        [100 * scores[n]["character"] for n in lengths],
        color=PALETTE["blue"],
        marker="o",
        label="characters right, each in its place",
    )
    ax.plot(
        lengths,
        [100 * scores[n]["string"] for n in lengths],
        color=PALETTE["vermillion"],
        marker="s",
        linestyle="--",
        label="whole strings right",
    )
    ax.axhline(
        100 * chance,
        color=PALETTE["black"],
        linestyle=":",
        linewidth=thin_line(),
        label=f"chance per character ({chance:.0%})",
    )
    ax.set_ylim(-3, 103)
    ax.set_xticks(lengths)
    ax.set_xlabel("Length of the string (digits)")
    ax.set_ylabel("Written right (%), greedy decoding")
    ax.set_title(title)
    ax.legend()
    return fig
