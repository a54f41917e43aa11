"""Notebook 06 (inside the trained model): the opinion word by word, gates, words, the state map.

Each function draws what `lesson_utils.experiments.inspection` computed: the
classifier head's opinion after each word (`plot_sentiment_as_read`), the gates
over the words of a review (`plot_gates`, from `gate_panels`), the occlusion
scores as coloured words (`highlight_words`), and the final hidden states
projected to 2-D (`plot_hidden_states`, from `hidden_state_map`).
"""

import html

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from lesson_utils.arguments import check_positive_int
from lesson_utils.data.imdb import LABEL_NAMES
from lesson_utils.figures.style import (
    HEATMAP_CMAP,
    PALETTE,
    figure_size,
    readable_text_color,
    thin_line,
)

LABEL_COLORS = {0: PALETTE["vermillion"], 1: PALETTE["blue"]}

# Word highlights: vermillion (towards negative) through white to blue (towards
# positive), the labels' own colours; an orange-blue pair stays distinct for the
# common colour blindnesses, and both ends are strongly coloured.
SENTIMENT_CMAP = mpl.colors.LinearSegmentedColormap.from_list(
    "sentiment", [LABEL_COLORS[0], "#ffffff", LABEL_COLORS[1]]
)

# The width a notebook's output area gives a figure in JupyterLab on a laptop
# screen; a wider figure is shrunk to it, and its labels with it.
DISPLAY_WIDTH_PX = 800
# The smallest word label that stays readable at that width, in pixels.
MIN_LABEL_PX = 11
# What a gate's value means at 1 (and so at 0), for the heatmaps' labels.
GATE_MEANINGS = {
    "forget": "1: keep memory",
    "input": "1: add candidate",
    "output": "1: show memory",
    "update": "1: keep old state",
    "reset": "1: use old state",
}


def word_axis_layout(n_words, margin=1.8):
    """A figure width and a word-label size for one column per word.

    The figure is as wide as the words need, from the style's width up to
    `DISPLAY_WIDTH_PX` (so that the notebook does not shrink it); the labels
    get the style's font size, smaller only where the words would overlap.

    Args:
        n_words: how many words the axis shows.
        margin: inches taken by what is not the word axis (labels, colour bars).

    Returns:
        `(width, label_size)`: the width in inches and the labels' size in points.
    """
    n_words = check_positive_int("n_words", n_words)
    default_width = mpl.rcParams["figure.figsize"][0]
    width = min(
        max(default_width, margin + 0.2 * n_words),
        max(default_width, DISPLAY_WIDTH_PX / mpl.rcParams["figure.dpi"]),
    )
    column_points = (width - margin) / n_words * 72
    return width, min(mpl.rcParams["font.size"], 0.85 * column_points)


def plot_sentiment_as_read(
    words, probabilities, *, label=None, title="The model's opinion after each word"
):
    """The predicted probability of "positive" after each word of one review.

    Args:
        words: the review's words (as `ids_to_words` returns).
        probabilities: one probability per word.
        label: the review's true label (0/1), shown in the title, or `None`.
        title: the figure's title.

    Returns:
        A matplotlib `Figure`.
    """
    probabilities = np.asarray(probabilities, dtype=float)
    if len(words) != len(probabilities):
        raise ValueError(
            f"Got {len(words)} words but {len(probabilities)} probabilities: "
            "pass one probability per word."
        )
    width, label_size = word_axis_layout(len(words), margin=1.2)
    fig, ax = plt.subplots(figsize=(width, figure_size(1.0, 0.95)[1]))
    steps = np.arange(len(words))
    ax.axhline(0.5, color=PALETTE["black"], linestyle=":", linewidth=thin_line())
    ax.fill_between(
        steps,
        0.5,
        probabilities,
        where=probabilities >= 0.5,
        step="mid",
        color=LABEL_COLORS[1],
        alpha=0.25,
        label="leans positive",
    )
    ax.fill_between(
        steps,
        0.5,
        probabilities,
        where=probabilities < 0.5,
        step="mid",
        color=LABEL_COLORS[0],
        alpha=0.25,
        label="leans negative",
    )
    ax.plot(steps, probabilities, drawstyle="steps-mid", color=PALETTE["black"])
    ax.set_xticks(steps, words, rotation=90, fontsize=label_size)
    ax.set_xlim(-0.5, len(words) - 0.5)
    ax.set_ylim(0, 1)
    ax.set_xlabel("Word of the review (read left to right)")
    ax.set_ylabel("P(positive) so far")
    if label is not None:
        title = f"{title} (true label: {LABEL_NAMES[int(label)]})"
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize="small")
    return fig


def plot_gates(panels, *, cell="lstm", title="Gate values after each word"):
    """Heatmaps of gates over the words of one review, one panel per gate.

    Each panel shows the units `gate_panels` kept (those whose gate swings
    most over the words drawn), with a colour scale fitted to the values it
    shows (read the colour bar: the colours span that range, not 0 to 1).

    Args:
        panels: what `gate_panels` returned.
        cell: `"lstm"` or `"gru"`, for the title.
        title: the figure's title.

    Returns:
        A matplotlib `Figure`.
    """
    names = list(panels["values"])
    shown_words, start, stop = panels["words"], panels["start"], panels["stop"]
    units = max(len(kept) for kept in panels["units"].values())
    width, label_size = word_axis_layout(len(shown_words))
    # Panels no taller than the units need: on a slide a tall figure would be shrunk.
    height = figure_size(1.0, 0.35 + 0.27 * len(names))[1]
    fig, axes = plt.subplots(len(names), 1, figsize=(width, height), sharex=True, squeeze=False)
    for ax, name in zip(axes[:, 0], names):
        shown = np.asarray(panels["values"][name]).T
        image = ax.imshow(
            shown,
            aspect="auto",
            cmap=HEATMAP_CMAP,
            interpolation="nearest",
            vmin=float(shown.min()),
            vmax=float(shown.max()),
        )
        # Level, not rotated: a rotated label would be taller than its short panel.
        ax.set_ylabel(
            f"{name}\n({GATE_MEANINGS.get(name, 'gate')})",
            fontsize="small",
            rotation=0,
            ha="right",
            va="center",
        )
        ax.set_yticks([])
        ax.grid(False)
        fig.colorbar(image, ax=ax, label="gate value", pad=0.01, aspect=8)
    axes[-1, 0].set_xticks(
        np.arange(len(shown_words)), shown_words, rotation=90, fontsize=label_size
    )
    axes[-1, 0].set_xlabel("Word of the review")
    total = panels["total_words"]
    window = "" if len(shown_words) == total else f", words {start + 1}-{stop} of {total}"
    fig.suptitle(f"{title}: {cell.upper()}, the {units} units whose gate swings most{window}")
    return fig


def sentiment_color(score, scale):
    """The background colour of a word with occlusion score `score` (see `highlight_words`).

    Args:
        score: the word's score.
        scale: the score that gets the strongest colour (larger ones are clipped).

    Returns:
        A hex colour: vermillion towards negative, white at 0, blue towards positive.
    """
    return mpl.colors.to_hex(SENTIMENT_CMAP(0.5 + 0.5 * float(np.clip(score / scale, -1, 1))))


def _chip(text, background, padding, hover=None):
    """A span of `text` on `background`, in black or white, whichever reads better."""
    tooltip = f' title="{hover}"' if hover else ""
    return (
        f'<span style="background:{background};color:{readable_text_color(background)};'
        f'padding:{padding};border-radius:3px"{tooltip}>{html.escape(text)}</span>'
    )


def highlight_words(words, scores, *, scale=None):
    """A review as HTML, each word shaded by its score (blue: positive, vermillion: negative).

    Each word's text is black or white, whichever contrasts more with its
    background, so that every word reads at WCAG AA contrast (4.5:1) or better.

    Args:
        words: the words.
        scores: one number per word (e.g. from `occlusion_importance`).
        scale: the score that gets the strongest colour; `None` uses the
            largest absolute score.

    Returns:
        An HTML string, for `IPython.display.HTML`.
    """
    scores = np.asarray(scores, dtype=float)
    if len(words) != len(scores):
        raise ValueError(f"Got {len(words)} words but {len(scores)} scores: pass one per word.")
    scale = scale or float(np.abs(scores).max()) or 1.0
    spans = [
        _chip(word, sentiment_color(score, scale), "1px 2px", f"{score:+.3f}")
        for word, score in zip(words, scores)
    ]
    legend = " ".join(
        _chip(text, sentiment_color(value, scale), "1px 4px")
        for text, value in (
            (f"pushes towards negative ({-scale:+.3f})", -scale),
            ("no effect (0)", 0.0),
            (f"pushes towards positive ({scale:+.3f})", scale),
        )
    )
    return (
        f'<p style="font-size:90%">{legend} (hover a word for its score)</p>'
        '<div style="line-height:1.9">' + " ".join(spans) + "</div>"
    )


def plot_hidden_states(
    state_map, *, cell="lstm", title="Final hidden states of test reviews, projected to 2-D"
):
    """A map of final states by PCA, coloured by label, with optional word-by-word paths.

    Args:
        state_map: what `hidden_state_map` returned. Its paths are drawn with
            a dot per word, a cross where they start (one cross where they
            start together) and a star where they end, named in the legend
            by their `path_names`.
        cell: `"lstm"` or `"gru"`, for the title.
        title: the figure's title.

    Returns:
        A matplotlib `Figure`.
    """
    labels = state_map["labels"]
    # Wide, with the legend beside the map: on a slide a tall figure would be shrunk.
    fig, ax = plt.subplots(figsize=figure_size(1.45, 1.05))
    for value, marker in ((0, "o"), (1, "s")):
        points = state_map["points"][labels == value]
        ax.scatter(
            points[:, 0],
            points[:, 1],
            s=12,
            alpha=0.45,
            marker=marker,
            color=LABEL_COLORS[value],
            label=f"{LABEL_NAMES[value]} review (final state)",
        )
    names = state_map.get("path_names") or [None] * len(state_map["paths"])
    for number, ((path, label), name) in enumerate(zip(state_map["paths"], names)):
        ax.plot(
            path[:, 0],
            path[:, 1],
            color=LABEL_COLORS[label],
            marker=".",
            label=f"{name or 'a review'} ({LABEL_NAMES[label]}), word by word",
        )
        ax.scatter(
            *path[-1],
            s=150,
            marker="*",
            color=LABEL_COLORS[label],
            edgecolor=PALETTE["black"],
            zorder=3,
            label="end of a path (its final state)" if number == 0 else None,
        )
    starts = state_map["starts"]
    if len(starts):
        ax.scatter(
            starts[:, 0],
            starts[:, 1],
            s=90,
            marker="X",
            color=PALETTE["black"],
            zorder=4,
            label="start of the paths (after the start id)"
            if len(starts) > 1
            else "start of every path (after the start id)",
        )
    explained = state_map["explained"]
    ax.set_xlabel(f"Component 1 ({explained[0]:.0%} of the variance)")
    ax.set_ylabel(f"Component 2 ({explained[1]:.0%} of the variance)")
    ax.set_title(f"{title} ({cell.upper()})")
    fig.legend(loc="outside right center", fontsize="small")
    return fig
