"""Notebook 01 (the RNN loop): a hidden state carried from step to step, drawn for its widget.

One sequence's inputs on top, the hidden state `h_t` of every step so far as
a heatmap below (one row per unit), the current step outlined, and the
current state as bars on the right.

Time steps follow the course's convention (notebook 01): the inputs are
`x_1 .. x_T`, `h_0 = 0` is the state before any input, and `h_t` is the state
after reading `x_t`. `state_labels` names them, for the figure and its widget.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from lesson_utils.arguments import check_int_in_range, check_positive_int
from lesson_utils.figures.style import DIVERGING_CMAP, PALETTE, figure_size, thick_line


def state_labels(t):
    """The words that name the state after `t` inputs, for a title and an axis.

    Args:
        t: how many inputs have been read, from 1 (the state `h_t` after `x_t`).

    Returns:
        A dict: `"title"` (the figure's title), `"state_title"` (the bars'
        title) and `"state_axis"` (the bars' axis label).
    """
    t = check_positive_int("t", t)
    inputs = "x_1" if t == 1 else f"x_1 .. x_{t}"
    return {
        "title": f"Inputs x_t, and the states h_1 .. h_{t} (h_0 = 0)",
        "state_title": f"State h_{t},\nafter reading {inputs}",
        "state_axis": f"h_{t} (unitless)",
    }


def plot_hidden_state_over_time(inputs, states, step, *, feature_names=None):
    """Draws one sequence's inputs and hidden states up to step `step`.

    Args:
        inputs: one sequence `x_1 .. x_T`, shape `(timesteps, features)`.
        states: its hidden states `h_1 .. h_T` (row `t - 1` holds `h_t`, the
            state after reading `x_t`), shape `(timesteps, units)`.
        step: the current time step `t`, from 1 to `T`; states after it are
            left blank (the loop has not computed them yet).
        feature_names: optional names of the input features, for the labels.

    Returns:
        A matplotlib `Figure`.
    """
    inputs, states = np.asarray(inputs, dtype=float), np.asarray(states, dtype=float)
    if inputs.ndim != 2 or states.ndim != 2 or len(inputs) != len(states):
        raise ValueError(
            "Arguments `inputs` and `states` must have shapes (timesteps, features) "
            f"and (timesteps, units). Received: inputs.shape={inputs.shape}, "
            f"states.shape={states.shape}"
        )
    step = check_int_in_range("step", step, 1, len(states))
    labels = state_labels(step)
    timesteps, units = states.shape
    extent = (0.5, timesteps + 0.5)
    names = (
        list(feature_names)
        if feature_names is not None
        else [f"feature {i}" for i in range(inputs.shape[1])]
    )
    cmap = plt.get_cmap(DIVERGING_CMAP).with_extremes(bad="white")
    fig, axes = plt.subplot_mosaic(
        [["inputs", "bars"], ["states", "bars"]],
        figsize=figure_size(1.3, 1.2),
        width_ratios=[3, 1],
        height_ratios=[1, 3],
    )
    shown = np.where(np.arange(1, timesteps + 1)[:, None] <= step, states, np.nan)
    axes["inputs"].imshow(
        inputs.T,
        cmap=cmap,
        vmin=-1,
        vmax=1,
        aspect="auto",
        extent=(*extent, len(names) - 0.5, -0.5),
    )
    image = axes["states"].imshow(
        shown.T, cmap=cmap, vmin=-1, vmax=1, aspect="auto", extent=(*extent, units - 0.5, -0.5)
    )
    axes["inputs"].set_yticks(range(inputs.shape[1]), names)
    axes["inputs"].set_title(labels["title"])
    axes["states"].set_ylabel("Unit of h_t")
    axes["states"].set_xlabel("Time step t (the state after reading x_t)")
    axes["states"].xaxis.set_major_locator(MaxNLocator(integer=True))
    for name, rows in (("inputs", inputs.shape[1]), ("states", units)):
        axes[name].grid(False)
        axes[name].add_patch(
            Rectangle(
                (step - 0.5, -0.5),
                1,
                rows,
                fill=False,
                edgecolor=PALETTE["black"],
                linewidth=thick_line(),
            )
        )
    axes["inputs"].set_xticks([])
    fig.colorbar(
        image,
        ax=[axes["inputs"], axes["states"]],
        label="Value (tanh keeps it in -1..1)",
        pad=0.01,
    )
    axes["bars"].set_xlim(-1, 1)
    axes["bars"].set_ylim(units - 0.5, -0.5)
    axes["bars"].barh(np.arange(units), states[step - 1], color=PALETTE["blue"])
    axes["bars"].set_xlabel(labels["state_axis"])
    axes["bars"].set_title(labels["state_title"], loc="right")
    return fig
