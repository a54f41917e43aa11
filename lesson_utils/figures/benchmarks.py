"""Notebook 04 (IMDB sentiment): the saved benchmark runs, accuracy per epoch and work per epoch.

`plot_benchmark` draws the rows that `lesson_utils.experiments.benchmarks.benchmark_rows`
read from the saved runs, one colour per configuration.
"""

import textwrap

import matplotlib.pyplot as plt
import numpy as np

from lesson_utils.figures.style import CELL_COLORS, PALETTE, figure_size, thick_line, thin_line

# Each configuration's colour and line style: every colour keeps a contrast of at least 3:1 on
# white, and a configuration drawn beside another of the same colour differs by its style
# (dashed lines, hatched bars).
CONFIG_STYLES = {
    "old_lesson": (PALETTE["vermillion"], "-"),
    "pre_padding": (PALETTE["green"], "-"),
    "old_lesson_masked": (CELL_COLORS["lstm"], "--"),
    "old_lesson_bucketed": (PALETTE["grey"], "-"),
    "default": (CELL_COLORS["lstm"], "-"),
    "gru": (CELL_COLORS["gru"], "--"),
    "bidirectional": (PALETTE["vermillion"], "--"),
    "bow_logistic": (PALETTE["purple"], "-"),
    "bow_dense": (PALETTE["black"], "-"),
    "bow_logistic_256": (PALETTE["purple"], "--"),
    "bow_dense_256": (PALETTE["black"], "--"),
    "bidirectional_max": (PALETTE["vermillion"], ":"),
    "bidirectional_max_whole": (PALETTE["grey"], "--"),
    "bidirectional_max_whole_20k": (CELL_COLORS["lstm"], ":"),
    "bidirectional_max_whole_20k_wide": (CELL_COLORS["gru"], ":"),
    "bow_dense_20k": (PALETTE["black"], ":"),
    "max_mean": (CELL_COLORS["lstm"], "-."),
    "max_mean_vector_dropout": (PALETTE["purple"], "-."),
    "bidirectional_regularised": (PALETTE["purple"], ":"),
    "regularised_gru": (CELL_COLORS["gru"], "-."),
    "regularised_gru_word_dropout": (PALETTE["grey"], ":"),
    "regularised_gru_word_dropout_96": (PALETTE["vermillion"], "-."),
    "regularised_gru_count_vectors": (PALETTE["black"], "-."),
    "regularised_gru_averaged": (PALETTE["grey"], "-."),
}


def plot_benchmark(rows, *, title="Test accuracy and time per epoch"):
    """Test accuracy after each epoch (left), CPU seconds per epoch (right), one colour per model.

    Args:
        rows: the configurations to draw, as `benchmark_rows` returns them.
        title: the figure's title.

    Returns:
        A matplotlib `Figure`.
    """
    fig, (ax_acc, ax_time) = plt.subplots(
        1, 2, figsize=figure_size(1.6, 1.05), gridspec_kw={"width_ratios": [1.4, 1]}
    )
    markers = "osD^vP"
    styles = [CONFIG_STYLES.get(row["name"], (PALETTE["black"], "-")) for row in rows]
    for i, (row, (colour, line)) in enumerate(zip(rows, styles)):
        accuracy = row["test_accuracy"]
        ax_acc.plot(
            np.arange(1, len(accuracy) + 1),
            accuracy,
            marker=markers[i % len(markers)],
            color=colour,
            linestyle=line,
            label=row["label"],
        )
    ax_acc.axhline(0.5, color=PALETTE["black"], linestyle=":", linewidth=thin_line())
    ax_acc.text(1, 0.505, "chance", fontsize="small")
    ax_acc.set_xlabel("Epoch")
    ax_acc.set_ylabel("Test accuracy (fraction correct)")
    ax_acc.set_title("Accuracy after each epoch")
    ax_acc.xaxis.get_major_locator().set_params(integer=True)
    ax_acc.legend(fontsize="small", loc="best")
    labels = [row["label"] for row in rows]
    y = np.arange(len(rows))
    bars = ax_time.barh(
        y, [row["cpu_seconds_per_epoch"] for row in rows], color=[colour for colour, _ in styles]
    )
    for bar, (_, line) in zip(bars, styles):
        if line != "-":
            bar.set_hatch("//")
            bar.set_edgecolor("white")
    # Wrapped, so that long labels stay clear of the accuracy panel.
    ax_time.set_yticks(y, [textwrap.fill(label, 24) for label in labels], fontsize="small")
    ax_time.bar_label(bars, fmt="%.1f s", padding=2, fontsize="small")
    ax_time.set_xlim(0, 1.25 * max(row["cpu_seconds_per_epoch"] for row in rows))
    ax_time.invert_yaxis()
    # CPU seconds: the steadier measure of work on a machine shared with other programs.
    ax_time.set_xlabel("CPU seconds per epoch")
    ax_time.set_title("Work per epoch")
    fig.suptitle(title)
    return fig


def plot_seed_ladder(rows, baselines, *, title="What each change buys, seed by seed"):
    """Each configuration's kept test accuracy, one dot per seed and a bar at the mean.

    Args:
        rows: the recurrent models, one change at a time, as `seed_rows` returns them.
        baselines: the bags of words to beat, as `seed_rows` returns them; the best mean is
            also drawn as a dashed line across the figure.
        title: the figure's title.

    Returns:
        A matplotlib `Figure`.
    """
    everything = list(rows) + list(baselines)
    # Wide and low: a slide of a long ladder shows it without shrinking its labels.
    fig, ax = plt.subplots(figsize=figure_size(1.4, 0.25 + 0.095 * len(everything)))
    for y, row in enumerate(everything):
        colour = CELL_COLORS["lstm"] if y < len(rows) else PALETTE["black"]
        marker = "o" if y < len(rows) else "s"
        ax.scatter(row["kept"], [y] * len(row["kept"]), color=colour, marker=marker, zorder=3)
        ax.plot([row["mean"]] * 2, [y - 0.3, y + 0.3], color=colour, linewidth=thick_line())
    best = max(row["mean"] for row in baselines)
    ax.axvline(best, color=PALETTE["black"], linestyle="--", linewidth=thin_line())
    ax.set_yticks(range(len(everything)))
    ax.set_yticklabels([textwrap.fill(row["label"], 56) for row in everything])
    ax.invert_yaxis()
    ax.set_xlabel("Kept test accuracy on the 25,000 test reviews (fraction correct)")
    seeds = len(everything[0]["kept"])
    ax.set_title(f"{title} ({seeds} seeds; bar: mean; dashed: best bag of words)")
    return fig
