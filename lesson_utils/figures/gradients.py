"""Notebook 02 (vanishing and exploding gradients): gradients against steps back, and clipping.

`plot_gradient_norms` draws `cell_gradient_norms`' curves, `plot_weight_gradient_shares`
`weight_gradient_shares`' curves, `plot_radius_gradients`
one `radius_gradient_curves` result (the spectral radius explorer redraws it on
every slider move), and `plot_clipping_comparison` what `clipping_comparison`
recorded.
"""

import matplotlib.pyplot as plt
import numpy as np

from lesson_utils.arguments import check_choice
from lesson_utils.figures.style import (
    CELL_COLORS,
    CELL_LINE_STYLES,
    PALETTE,
    figure_size,
    mark_size,
    thin_line,
)
from lesson_utils.settings import CELL_TYPES, CELLS


def plot_gradient_norms(
    norms,
    *,
    title="How far back does the error signal reach?",
    ylabel="Gradient norm ||dL/dx_t||, relative to the last step",
):
    """Plots gradient norms against steps back from the loss, log scale, one line per cell.

    Each curve is divided by its value at the last step, so every line starts
    at 1 and reads as "fraction of the error signal left". A gradient too
    small to be represented comes back as exactly 0, which a log scale
    cannot show: the line stops at the last step measured, marked with a
    cross, and the legend says from which step the gradient read 0.

    Args:
        norms: `{cell: array (timesteps,)}` as `cell_gradient_norms` returns.
        title: the figure's title.
        ylabel: the vertical axis' label, which names the gradient measured
            (notebook 03 draws `state_gradient_norms`, `||dL/ds_t||`).

    Returns:
        A matplotlib `Figure`.
    """
    fig, ax = plt.subplots()
    for cell, curve in norms.items():
        check_choice("cell", cell, CELL_TYPES)
        curve = np.asarray(curve, dtype=float)[::-1]
        relative = curve / curve[0]
        measured = len(relative) if np.all(relative > 0) else int(np.argmin(relative > 0))
        steps = np.arange(measured)
        ax.semilogy(
            steps,
            relative[:measured],
            color=CELL_COLORS[cell],
            label=CELLS[cell],
            linestyle=CELL_LINE_STYLES[cell]["linestyle"],
        )
        if measured < len(relative):
            ax.plot(
                steps[-1],
                relative[measured - 1],
                marker="x",
                markersize=mark_size(),
                linestyle="none",
                color=CELL_COLORS[cell],
                label=f"{CELLS[cell]} reads 0 from step {measured} on (cut)",
            )
    ax.set_xlabel("Steps back from the loss, T - t")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend()
    return fig


def plot_weight_gradient_shares(shares, *, recent=10):
    """Plots each step's share of the recurrent kernel's gradient against steps back, log scale.

    The step furthest back adds nothing (`h_0 = 0`), so only positive
    shares are drawn. The legend gives each curve's share from the last
    `recent` steps.

    Args:
        shares: `{radius: array (timesteps,)}` as `weight_gradient_shares` returns.
        recent: the number of last steps whose total share the legend gives.

    Returns:
        A matplotlib `Figure`.
    """
    fig, ax = plt.subplots()
    colors = (PALETTE["vermillion"], PALETTE["blue"], PALETTE["green"], PALETTE["purple"])
    for (radius, share), color in zip(shares.items(), colors):
        share = np.asarray(share, dtype=float)
        steps = np.flatnonzero(share > 0)
        ax.semilogy(
            steps,
            share[steps],
            color=color,
            label=f"spectral radius {radius:g}: last {recent} steps give "
            f"{100 * share[:recent].sum():.0f} %",
        )
    ax.set_xlabel("Steps back from the loss, k")
    ax.set_ylabel("Share of ||dL/dW_h|| (fraction)")
    ax.set_title(
        "Each step's share of the recurrent weights' gradient\n"
        "falls geometrically with its distance from the loss"
    )
    ax.legend()
    return fig


def per_step_text(curves):
    """The tanh curve's growth per step as the figure, the explorer and notebook 02 write it.

    Args:
        curves: what `radius_gradient_curves` returned.

    Returns:
        A string such as `"x1.310 per step over 199 steps"`.
    """
    return f"x{curves['per_step']:.3f} per step over {curves['steps_back'][-1]} steps"


def plot_radius_gradients(curves, radius, ax=None):
    """Draws `radius_gradient_curves`' two curves on a log scale, with the measured growth per step.

    The axis stays between 1e-12 and 1e12 whatever the radius, so that two
    radii can be compared by eye; a curve that leaves it is drawn on to the
    edge (not flattened), and the step where it leaves is marked and named
    on the figure.

    Args:
        curves: what `radius_gradient_curves(radius)` returned.
        radius: the spectral radius used, for the title.
        ax: a matplotlib `Axes` to draw on (default: a new figure).

    Returns:
        The matplotlib `Figure`.
    """
    if ax is None:
        _, ax = plt.subplots()
    low, high = 1e-12, 1e12
    steps = curves["steps_back"]
    lines = (
        (
            "linear",
            f"linear RNN: x{radius:.2f} per step (the radius)",
            {"color": PALETTE["black"], "linestyle": "--"},
        ),
        ("tanh", "tanh RNN (SimpleRNN)", {"color": CELL_COLORS["simple_rnn"]}),
    )
    for name, label, style in lines:
        curve = curves[name]
        ax.semilogy(steps, curve, label=label, **style)
        outside = np.flatnonzero((curve > high) | (curve < low))
        if outside.size:
            step, above = steps[outside[0]], curve[outside[0]] > high
            ax.plot(
                step,
                high if above else low,
                marker="^" if above else "v",
                markersize=mark_size(),
                clip_on=False,
                linestyle="none",
                color=style["color"],
                label=f"{name} leaves the plot {'above' if above else 'below'} "
                f"$10^{{{'12' if above else '-12'}}}$ at step {step}",
            )
    ax.axhline(1.0, color=PALETTE["black"], linewidth=thin_line(), linestyle=":")
    ax.set_ylim(low, high)
    ax.set_xlabel("Steps back from the loss, k")
    ax.set_ylabel("Gradient norm ||dL/dh_t|| (1 at the last step)")
    ax.set_title(
        f"Spectral radius {radius:.2f}: through tanh, {per_step_text(curves)}\n"
        "(the tanh curve's own growth per step, from its first step to its last)"
    )
    ax.legend(loc="best", fontsize="small")
    return ax.figure


def plot_clipping_comparison(result, *, title="Training a SimpleRNN with exploding gradients"):
    """Loss per step without and with clipping, side by side on the same scale.

    Args:
        result: what `clipping_comparison` returned.
        title: the figure's title.

    Returns:
        A matplotlib `Figure` with two axes.
    """
    fig, axes = plt.subplots(1, 2, sharey=True, figsize=figure_size(1.4, 1.0))
    runs = (
        ("without", "Without clipping", PALETTE["vermillion"]),
        ("with", f"With global_clipnorm={result['clipnorm']:g}", PALETTE["blue"]),
    )
    for ax, (name, label, color) in zip(axes, runs):
        record = result[name]
        ax.plot(np.arange(1, len(record["loss"]) + 1), record["loss"], color=color)
        ax.axhline(
            np.log(2),
            color=PALETTE["black"],
            linestyle=":",
            linewidth=thin_line(),
            label="guessing (ln 2 = 0.69)",
        )
        # The norm is recorded before clipping: clipping scales each step, not what is measured.
        scaled = f", each step scaled to {result['clipnorm']:g}" if name == "with" else ""
        ax.set_title(f"{label}\nlargest gradient norm {record['gradient_norm'].max():.3g}{scaled}")
        ax.set_xlabel("Training step (batch)")
        ax.legend()
    axes[0].set_ylabel("Binary cross-entropy (nats)")
    fig.suptitle(title)
    return fig
