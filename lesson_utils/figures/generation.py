"""Notebook 07 (An RNN that writes): bits per character, temperatures and windows, drawn.

Each function draws what `lesson_utils.experiments.generation` measured and
returns the `Figure`. Characters are labelled as a reader sees them: the
space as `␣` and the end of a review as `⏎`.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from lesson_utils.data.characters import CHARACTERS, END_OF_REVIEW
from lesson_utils.figures.style import CELL_COLORS, PALETTE, figure_size, thin_line

# How a character is written on an axis.
_SHOWN = {" ": "␣", END_OF_REVIEW: "⏎"}


def character_label(character):
    """A character as a figure shows it: `␣` for the space, `⏎` for the end of a review."""
    return _SHOWN.get(character, character)


def _chance_line(ax, chance):
    ax.axhline(
        chance,
        color=PALETTE["black"],
        linestyle=":",
        linewidth=thin_line(),
        label=f"chance: log2({len(CHARACTERS)}) = {chance:.2f}",
    )


def plot_training_bits(
    history, chance, *, title="Held-out bits per character while the GRU trains"
):
    """Plots the held-out bits per character after each epoch, with chance level.

    Args:
        history: as `train_language_model` returns it (epoch 0 is untrained).
        chance: bits per character of a uniform guess, `log2(vocab)`.
        title: the figure's title.

    Returns:
        A matplotlib `Figure`.
    """
    fig, ax = plt.subplots()
    epochs = [row["epoch"] for row in history]
    ax.plot(
        epochs,
        [row["bits"] for row in history],
        marker="o",
        color=CELL_COLORS["gru"],
        label="GRU, held-out text",
    )
    _chance_line(ax, chance)
    ax.set_xticks(epochs)
    ax.set_ylim(0, chance * 1.1)
    ax.set_xlabel("Epoch (passes over the training text; 0 = untrained)")
    ax.set_ylabel("Bits per character (lower is better)")
    ax.set_title(title)
    ax.legend()
    return fig


def plot_ngram_orders(
    ngram_bits,
    model_bits,
    chance,
    *,
    title="n-grams against the GRU, on the same held-out characters",
):
    """Plots an n-gram's held-out bits per character against its order, and the GRU's.

    Args:
        ngram_bits: `{order: bits per character}`.
        model_bits: the recurrent model's bits per character, drawn as a line.
        chance: bits per character of a uniform guess.
        title: the figure's title.

    Returns:
        A matplotlib `Figure`.
    """
    fig, ax = plt.subplots()
    orders = sorted(ngram_bits)
    ax.plot(
        orders,
        [ngram_bits[n] for n in orders],
        marker="s",
        color=PALETTE["orange"],
        label="n-gram (Witten-Bell)",
    )
    ax.axhline(model_bits, color=CELL_COLORS["gru"], label="GRU")
    _chance_line(ax, chance)
    ax.set_xticks(orders)
    ax.set_ylim(0, chance * 1.1)
    ax.set_xlabel("n-gram order n (the last n - 1 characters are the context)")
    ax.set_ylabel("Bits per character (lower is better)")
    ax.set_title(title)
    ax.legend()
    return fig


def _character_bars(ax, distributions, colors, top):
    """Bars of the `top` most likely characters (by the first distribution), side by side."""
    first = next(iter(distributions.values()))
    shown = np.argsort(-first)[:top]
    width = 0.8 / len(distributions)
    for i, ((label, p), color) in enumerate(zip(distributions.items(), colors)):
        ax.bar(
            np.arange(top) + (i - (len(distributions) - 1) / 2) * width,
            p[shown],
            width,
            color=color,
            label=label,
        )
    ax.set_xticks(np.arange(top), [character_label(CHARACTERS[i]) for i in shown])
    ax.set_xlabel("Next character (the most likely first)")
    ax.set_ylabel("Probability")
    ax.set_ylim(0, 1)


def plot_temperatures(distributions, prompt, *, top=12):
    """Plots the next-character probabilities after a prompt at several temperatures.

    Args:
        distributions: `{temperature: probabilities}`, as
            `next_character_distributions` returns; the characters shown are
            the `top` most likely at the first temperature.
        prompt: the prompt, for the title.
        top: how many characters to show.

    Returns:
        A matplotlib `Figure`.
    """
    fig, ax = plt.subplots(figsize=figure_size(1.2, 1.0))
    colors = [PALETTE["blue"], PALETTE["sky"], PALETTE["orange"], PALETTE["vermillion"]]
    _character_bars(ax, {f"T = {t:g}": p for t, p in distributions.items()}, colors, top)
    ax.set_title(f"After {prompt!r}: the same logits at several temperatures T")
    ax.legend()
    return fig


def plot_window_positions(results, *, title="Surprise at each position of a window"):
    """Plots the mean surprise at each position of a training window, carried against reset.

    Args:
        results: as `carried_against_reset` returns it.
        title: the figure's title.

    Returns:
        A matplotlib `Figure`.
    """
    fig, ax = plt.subplots()
    styles = {
        "carried": ("state carried across windows", PALETTE["blue"], "o"),
        "reset": ("state reset at each window", PALETTE["vermillion"], "^"),
    }
    for name, (label, color, marker) in styles.items():
        by_position = results[name]["by_position"]
        ax.plot(
            np.arange(1, len(by_position) + 1),
            by_position,
            color=color,
            marker=marker,
            label=f"{label} ({results[name]['bits']:.2f} bits/char)",
        )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Position in the window (characters since the window began)")
    ax.set_ylabel("Mean surprise (bits per character)")
    ax.set_title(title)
    ax.legend()
    return fig


def plot_generation(distribution, reference, surprise, heldout_bits, temperature, *, top=10):
    """The text generator's figure: the next character's odds, and the surprise of what was written.

    Args:
        distribution: next-character probabilities after the prompt at the
            chosen temperature.
        reference: the same at temperature 1.
        surprise: each written character's surprise in bits (at temperature 1).
        heldout_bits: the model's bits per character on real held-out text.
        temperature: the chosen temperature, for the labels.
        top: how many characters the left panel shows.

    Returns:
        A matplotlib `Figure` with two panels.
    """
    fig, (left, right) = plt.subplots(
        1, 2, figsize=figure_size(1.4, 1.0), gridspec_kw={"width_ratios": [1, 1.4]}
    )
    _character_bars(
        left,
        {f"T = {temperature:g}": distribution, "T = 1": reference},
        [PALETTE["blue"], PALETTE["sky"]],
        top,
    )
    left.set_title("The first character to write")
    left.legend()
    steps = np.arange(1, len(surprise) + 1)
    right.plot(
        steps, surprise, color=PALETTE["sky"], linewidth=thin_line(), label="each written character"
    )
    right.axhline(
        np.mean(surprise),
        color=PALETTE["blue"],
        linestyle="--",
        label=f"their mean: {np.mean(surprise):.2f} bits",
    )
    right.axhline(
        heldout_bits,
        color=PALETTE["orange"],
        linestyle=":",
        label=f"real reviews: {heldout_bits:.2f} bits",
    )
    right.set_ylim(0, 1.4 * max(np.max(surprise), heldout_bits))  # room for the legend
    right.set_xlabel("Character written (position)")
    right.set_ylabel("Surprise to the model at T = 1 (bits)")
    right.set_title(f"How surprising the text written at T = {temperature:g} is")
    right.legend(loc="upper right")
    return fig
