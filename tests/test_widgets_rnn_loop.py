"""Notebook 01's hidden-state widget and notebook 02's spectral-radius widget, from Python."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from lesson_utils.figures.hidden_states import plot_hidden_state_over_time, state_labels
from lesson_utils.scratch.cells import simple_rnn_forward
from lesson_utils.widgets.explorers import (
    gate_explorer,
    hidden_state_explorer,
    spectral_radius_explorer,
)


def _weights(features=2, units=5, seed=0):
    rng = np.random.default_rng(seed)
    kernel = rng.normal(size=(features, units))
    return kernel, rng.normal(size=(units, units)) * 0.5, rng.normal(size=units)


def test_hidden_state_explorer_moves_with_the_slider():
    inputs = np.random.default_rng(1).choice([-1.0, 1.0], size=(7, 2))
    kernel, recurrent_kernel, bias = _weights()
    explorer = hidden_state_explorer(
        inputs, kernel, recurrent_kernel, bias, feature_names=("bit", "marker")
    )
    expected = simple_rnn_forward(inputs[None], kernel, recurrent_kernel, bias)[0][0]
    np.testing.assert_allclose(explorer.states, expected)
    first = bytes(explorer.image.value)
    assert first.startswith(b"\x89PNG")
    explorer.controls["step"].value = 4
    assert bytes(explorer.image.value) != first
    assert (explorer.controls["step"].min, explorer.controls["step"].max) == (1, 7)
    assert (explorer.play.min, explorer.play.max) == (1, 7)
    assert not plt.get_fignums(), "the widget must close the figures it renders"


def test_the_state_labelled_h_t_is_the_loops_state_after_t_inputs():
    """Notebook 01's convention: h_0 = 0 before any input, h_t after reading x_1 .. x_t."""
    inputs = np.random.default_rng(3).choice([-1.0, 1.0], size=(5, 2))
    kernel, recurrent_kernel, bias = _weights()
    explorer = hidden_state_explorer(inputs, kernel, recurrent_kernel, bias)
    for t in range(1, 6):
        explorer.controls["step"].value = t
        after_t_inputs = simple_rnn_forward(inputs[None, :t], kernel, recurrent_kernel, bias)[1][0]
        np.testing.assert_allclose(explorer.state, after_t_inputs)
        assert explorer.labels == state_labels(t)
        assert explorer.labels["state_axis"] == f"h_{t} (unitless)"
        assert explorer.labels["state_title"].startswith(f"State h_{t},\nafter reading x_1")
    assert state_labels(1)["state_title"] == "State h_1,\nafter reading x_1"
    with pytest.raises(ValueError, match="step"):
        hidden_state_explorer(inputs, kernel, recurrent_kernel, bias, step=0)


def test_every_explorer_control_has_a_tooltip():
    """A `tooltip` left at None reaches the page as the text "null" (title="null")."""
    inputs = np.zeros((4, 2))
    built = [
        hidden_state_explorer(inputs, *_weights()),
        spectral_radius_explorer(1.0, timesteps=10, units=4, batch=2),
        gate_explorer("lstm"),
        gate_explorer("gru"),
    ]
    for explorer in built:
        controls = [
            *explorer.controls.values(),
            *([explorer.play] if hasattr(explorer, "play") else []),
        ]
        for control in controls:
            assert isinstance(control.tooltip, str) and control.tooltip, (
                f"{type(explorer).__name__}: {control.description!r} has no tooltip"
            )
    plt.close("all")


def test_hidden_state_explorer_names_a_bad_sequence():
    with pytest.raises(ValueError, match="inputs"):
        hidden_state_explorer(np.zeros((1, 7, 2)), *_weights())


def test_plot_hidden_states_hides_the_future_and_checks_the_step():
    states = np.random.default_rng(2).uniform(-1, 1, size=(6, 3))
    fig = plot_hidden_state_over_time(np.zeros((6, 2)), states, 2)
    axes = {ax.get_label(): ax for ax in fig.axes}
    heatmap = axes["states"].get_images()[0].get_array()
    assert np.all(heatmap.mask[:, 2:]) and not np.any(heatmap.mask[:, :2])
    assert axes["inputs"].get_title() == state_labels(2)["title"]
    assert (axes["states"].get_xlabel(), axes["states"].get_ylabel()) == (
        "Time step t (the state after reading x_t)",
        "Unit of h_t",
    )
    assert (axes["bars"].get_title(loc="right"), axes["bars"].get_xlabel()) == (
        "State h_2,\nafter reading x_1 .. x_2",
        "h_2 (unitless)",
    )
    np.testing.assert_allclose([bar.get_width() for bar in axes["bars"].patches], states[1])
    assert axes["states"].get_images()[0].get_extent()[:2] == [0.5, 6.5], "columns t = 1 .. 6"
    plt.close(fig)
    for outside in (0, 7):
        with pytest.raises(ValueError, match="step"):
            plot_hidden_state_over_time(np.zeros((6, 2)), states, outside)


def test_spectral_radius_explorer_recomputes_on_every_move():
    explorer = spectral_radius_explorer(1.0, timesteps=30, units=8, batch=4)
    first_png, first_text = bytes(explorer.image.value), explorer.readout.value
    np.testing.assert_allclose(explorer.curves["linear"], 1.0)
    explorer.controls["radius"].value = 0.6
    np.testing.assert_allclose(explorer.curves["linear"], 0.6 ** np.arange(30), rtol=1e-10)
    assert bytes(explorer.image.value) != first_png and explorer.readout.value != first_text
    explorer.controls["radius"].value = 2.5
    assert explorer.curves["linear"][-1] > 1e10
    assert not plt.get_fignums()
