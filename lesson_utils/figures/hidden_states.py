"""Notebook 01 (the RNN loop): a hidden state carried from step to step, drawn for its widget.

One sequence's inputs on top, the hidden state `h_t` of every step so far as
a heatmap below (one row per unit), the current step outlined, and the
current state as bars on the right.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from lesson_utils.arguments import check_int_in_range
from lesson_utils.figures.style import DIVERGING_CMAP, PALETTE, figure_size, thick_line


def plot_hidden_state_over_time(inputs, states, step, *, feature_names=None):
    """Draws one sequence's inputs and hidden states up to `step`.

    Args:
        inputs: one sequence, shape `(timesteps, features)`.
        states: its hidden states `h_0 .. h_{T-1}`, shape `(timesteps, units)`.
        step: the current time step; states after it are left blank (the loop
            has not computed them yet).
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
    step = check_int_in_range("step", step, 0, len(states) - 1)
    timesteps, units = states.shape
    cmap = plt.get_cmap(DIVERGING_CMAP).with_extremes(bad="white")
    fig, axes = plt.subplot_mosaic(
        [["inputs", "bars"], ["states", "bars"]],
        figsize=figure_size(1.3, 1.2),
        width_ratios=[3, 1],
        height_ratios=[1, 3],
    )
    shown = np.where(np.arange(timesteps)[:, None] <= step, states, np.nan)
    axes["inputs"].imshow(inputs.T, cmap=cmap, vmin=-1, vmax=1, aspect="auto")
    image = axes["states"].imshow(shown.T, cmap=cmap, vmin=-1, vmax=1, aspect="auto")
    names = (
        list(feature_names)
        if feature_names is not None
        else [f"feature {i}" for i in range(inputs.shape[1])]
    )
    axes["inputs"].set_yticks(range(inputs.shape[1]), names)
    axes["inputs"].set_title(f"Inputs x_t, and the hidden state after step t = {step}")
    axes["states"].set_ylabel("Unit of h_t")
    axes["states"].set_xlabel("Time step t")
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
    fig.colorbar(image, ax=axes["states"], label="Value (tanh keeps it in -1..1)", pad=0.01)
    axes["bars"].barh(np.arange(units), states[step], color=PALETTE["blue"])
    axes["bars"].set_xlim(-1, 1)
    axes["bars"].set_ylim(units - 0.5, -0.5)
    axes["bars"].set_xlabel(f"h_{step} (unitless)")
    axes["bars"].set_title(f"State at t = {step}")
    return fig
