"""How a gated cell carries the memory task's bit: its keeping gates and its state gradient."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import lesson_utils.experiments.carried_bit as carried_bit
from lesson_utils.data.memory_task import make_memory_task
from lesson_utils.experiments.carried_bit import (
    CARRIER_CORRELATION,
    bit_path_gates,
    state_gradient_norms,
)
from lesson_utils.figures.carried_bit import plot_bit_path_gates
from lesson_utils.models.memory import build_memory_model
from lesson_utils.scratch.bptt import backprop_through_time
from lesson_utils.scratch.cells import lstm_forward, simple_rnn_forward
from lesson_utils.settings import set_global_seed


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _memory_model(cell, units=4, seed=0):
    set_global_seed(seed)
    return build_memory_model(cell, units=units)


def test_the_simple_rnn_state_gradient_equals_notebook_02s_numpy_backprop():
    model = _memory_model("simple_rnn")
    inputs, targets = make_memory_task(12, 8, seed=1)
    kernel, recurrent_kernel, bias = model.layers[0].get_weights()
    weight, readout_bias = model.layers[1].get_weights()
    states, _ = simple_rnn_forward(inputs.astype(float), kernel, recurrent_kernel, bias)
    p = _sigmoid(states[:, -1] @ weight + readout_bias)
    grad_last = (p - targets[:, None]) * weight[:, 0] / len(inputs)  # d(mean BCE)/dh_T
    expected = np.linalg.norm(backprop_through_time(states, recurrent_kernel, grad_last), axis=-1)
    measured = state_gradient_norms(model, inputs, targets)
    assert measured.shape == (13,)
    np.testing.assert_allclose(measured, expected.mean(axis=0), rtol=1e-4)


def test_the_lstm_state_gradient_holds_both_states_and_matches_finite_differences():
    model = _memory_model("lstm", units=3)
    inputs, targets = make_memory_task(6, 2, seed=2)
    lstm_weights = [w.astype(float) for w in model.layers[0].get_weights()]
    weight, readout_bias = (w.astype(float) for w in model.layers[1].get_weights())
    t = 3  # the state that step 3 (0-based) hands on

    def loss(h, c):
        _, (h_end, _) = lstm_forward(
            inputs[:, t + 1 :].astype(float), *lstm_weights, initial_state=(h, c)
        )
        p = _sigmoid(h_end @ weight + readout_bias)[:, 0]
        return -np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p))

    _, (h, c) = lstm_forward(inputs[:, : t + 1].astype(float), *lstm_weights)
    state = np.concatenate([h, c], axis=1)
    gradient = np.zeros_like(state)
    for index in np.ndindex(state.shape):
        step = np.zeros_like(state)
        step[index] = 1e-5
        plus, minus = state + step, state - step
        gradient[index] = (loss(plus[:, :3], plus[:, 3:]) - loss(minus[:, :3], minus[:, 3:])) / 2e-5
    measured = state_gradient_norms(model, inputs, targets)
    np.testing.assert_allclose(measured[t], np.linalg.norm(gradient, axis=1).mean(), rtol=2e-3)
    assert measured[-1] > 0


def test_the_state_gradient_rejects_what_is_not_a_memory_model():
    with pytest.raises(ValueError, match="memory model"):
        state_gradient_norms("a model", np.zeros((1, 3, 2)), np.zeros(1))
    with pytest.raises(ValueError, match="inputs.shape"):
        state_gradient_norms(_memory_model("gru"), np.zeros((3, 2)), np.zeros(3))


def _hand_made_gru(units=3, keep_bias=6.0):
    """Unit 0 writes the bit at the marked step (update gate near 0 there) and keeps it
    (update gate sigmoid(keep_bias) elsewhere); the other units copy every step's bit."""
    model = _memory_model("gru", units=units)
    kernel, recurrent_kernel, bias = model.layers[0].get_weights()
    kernel[:], recurrent_kernel[:], bias[:] = 0, 0, 0
    z, h = slice(0, units), slice(2 * units, 3 * units)
    bias[0, z][0] = keep_bias
    kernel[1, z][0] = -2 * keep_bias  # the marker closes unit 0's update gate: it writes
    kernel[0, h] = 3.0  # every candidate reads the bit
    bias[0, z][1:] = -6.0  # the other units are overwritten at every step
    model.layers[0].set_weights([kernel, recurrent_kernel, bias])
    return model


def test_the_path_gates_find_the_unit_that_keeps_the_bit():
    inputs, _ = make_memory_task(10, 200, seed=3)
    result = bit_path_gates(_hand_made_gru(), inputs, "gru")
    assert result["gate"] == "update" and result["carriers"] == [0]
    assert abs(result["correlation"][0]) > 0.99
    assert np.all(np.abs(result["correlation"][1:]) < CARRIER_CORRELATION)
    assert result["on_path"] == pytest.approx(_sigmoid(6.0), abs=1e-5)
    assert result["others_on_path"] == pytest.approx(_sigmoid(-6.0), abs=1e-5)
    assert result["at_mark"] == pytest.approx(_sigmoid(-6.0), abs=1e-5)
    assert result["kept"] == pytest.approx(_sigmoid(6.0) ** 10, rel=1e-4)
    assert result["by_step"].shape == (11, 3)


def test_the_path_gates_say_nan_where_no_unit_carries_the_bit():
    inputs, _ = make_memory_task(10, 200, seed=3)
    model = _hand_made_gru()
    kernel, recurrent_kernel, bias = model.layers[0].get_weights()
    bias[0, 0] = -6.0  # unit 0 no longer keeps the bit
    model.layers[0].set_weights([kernel, recurrent_kernel, bias])
    result = bit_path_gates(model, inputs, "gru")
    assert result["carriers"] == [] and np.isnan(result["on_path"]) and np.isnan(result["kept"])
    assert result["others_on_path"] == pytest.approx(_sigmoid(-6.0), abs=1e-3)


def test_the_path_gates_read_an_lstm_s_forget_gate_and_check_their_arguments():
    inputs, _ = make_memory_task(5, 50, seed=4)
    result = bit_path_gates(_memory_model("lstm"), inputs, "lstm")
    assert result["gate"] == "forget" and result["by_step"].shape == (6, 4)
    with pytest.raises(ValueError, match="cell"):
        bit_path_gates(_memory_model("lstm"), inputs, "simple_rnn")
    shifted, _ = make_memory_task(5, 50, shortest_lag=1, seed=4)
    with pytest.raises(ValueError, match="marked at the first step"):
        bit_path_gates(_memory_model("lstm"), shifted, "lstm")


def test_the_measurements_train_each_cell_and_measure_it_on_one_test_set(monkeypatch):
    trained = []

    def untrained(cell, lag, *, quick=None, seed=None):
        trained.append((cell, lag, seed))
        return _memory_model(cell, units=3, seed=seed), 0.5

    monkeypatch.setattr(carried_bit, "train_memory_model", untrained)
    monkeypatch.setattr(
        carried_bit, "lesson_sizes", lambda notebook, quick=None: {"test_samples": 16}
    )
    results = carried_bit.carried_bit_measurements(4, seed=7)
    assert trained == [("simple_rnn", 4, 7), ("lstm", 4, 7), ("gru", 4, 7)]
    for cell, result in results.items():
        assert result["accuracy"] == 0.5 and result["gradient"].shape == (5,)
        assert result["gradient_ratio"] == pytest.approx(
            result["gradient"][-1] / result["gradient"][0]
        )
        assert ("gates" in result) == (cell != "simple_rnn")
    assert results["lstm"]["gates"]["gate"] == "forget"


def test_the_path_figure_has_one_labelled_panel_per_cell():
    inputs, _ = make_memory_task(10, 200, seed=3)
    result = bit_path_gates(_hand_made_gru(), inputs, "gru")
    fig = plot_bit_path_gates({"gru": result, "lstm": dict(result, gate="forget")})
    gru_ax, lstm_ax = fig.axes
    assert gru_ax.get_title() == "GRU: update gate $z_t$"
    assert lstm_ax.get_title() == "LSTM: forget gate $f_t$"
    assert gru_ax.get_xlabel().startswith("Steps after the marked one")
    assert gru_ax.get_ylabel().startswith("Gate value")
    assert fig.get_suptitle()
    labels = gru_ax.get_legend_handles_labels()[1]
    assert labels == ["the other units", "units carrying the bit (1)", "the bit's path"]
    plt.close(fig)
    with pytest.raises(ValueError, match="cell"):
        plot_bit_path_gates({"simple_rnn": result})
