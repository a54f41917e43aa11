"""The gate explorer widget, driven from Python, and notebook 03's gate experiments."""

import types

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

import lesson_utils.experiments.gates as gates
from lesson_utils.experiments.gates import (
    carry_over_time,
    compare_lstm_gru,
    comparison_markdown,
    flip_update_gate,
    gru_forward_other_convention,
    one_unit_gru,
    one_unit_lstm,
    time_per_step,
)
from lesson_utils.figures.gates import plot_carry_over_time, plot_gate_bars
from lesson_utils.scratch.cells import gru_forward, sigmoid
from lesson_utils.settings import lesson_sizes
from lesson_utils.widgets.explorers import gate_explorer


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gate_explorer_redraws_when_a_slider_moves(cell):
    explorer = gate_explorer(cell)
    before_png, before_html = bytes(explorer.image.value), explorer.readout.value
    assert before_png.startswith(b"\x89PNG")
    name = "forget_bias" if cell == "lstm" else "update_bias"
    gate = "forget" if cell == "lstm" else "update"
    explorer.controls[name].value = -5.0
    assert explorer.values[gate] < 0.05
    assert bytes(explorer.image.value) != before_png
    assert explorer.readout.value != before_html
    explorer.controls[name].value = 5.0
    assert explorer.values[gate] > 0.95
    assert not plt.get_fignums(), "the widget must close the figures it renders"


def test_gate_explorer_values_follow_the_sliders():
    explorer = gate_explorer("lstm")
    explorer.controls["x"].value = 1.0
    explorer.controls["c_prev"].value = -2.0
    expected = one_unit_lstm(
        x=1.0,
        h_prev=explorer.controls["h_prev"].value,
        c_prev=-2.0,
        input_bias=0.0,
        forget_bias=1.0,
        candidate_bias=0.0,
        output_bias=0.0,
    )
    for name, value in expected.items():
        assert explorer.values[name] == pytest.approx(value)
    assert explorer.values["c_prev"] == -2.0


def test_gate_explorer_rejects_unknown_cell():
    with pytest.raises(ValueError, match="`cell`"):
        gate_explorer("rnn")


def test_one_unit_lstm_follows_the_equations():
    v = one_unit_lstm(
        x=0.5,
        h_prev=-0.2,
        c_prev=1.5,
        input_bias=1.0,
        forget_bias=-1.0,
        candidate_bias=0.3,
        output_bias=2.0,
        weight=0.7,
    )
    a = 0.7 * 0.5 + 0.7 * -0.2
    assert v["input"] == pytest.approx(sigmoid(a + 1.0))
    assert v["forget"] == pytest.approx(sigmoid(a - 1.0))
    assert v["candidate"] == pytest.approx(np.tanh(a + 0.3))
    assert v["cell"] == pytest.approx(v["forget"] * 1.5 + v["input"] * v["candidate"])
    assert v["hidden"] == pytest.approx(sigmoid(a + 2.0) * np.tanh(v["cell"]))


@pytest.mark.parametrize("reset_after", [True, False])
def test_one_unit_gru_follows_the_equations(reset_after):
    v = one_unit_gru(
        x=0.5,
        h_prev=-0.4,
        update_bias=2.0,
        reset_bias=-1.0,
        candidate_bias=0.1,
        reset_after=reset_after,
    )
    a = 0.5 - 0.4
    z, r = sigmoid(a + 2.0), sigmoid(a - 1.0)
    candidate = np.tanh(0.5 + 0.1 + r * -0.4)
    assert v["update"] == pytest.approx(z)
    assert v["hidden"] == pytest.approx(z * -0.4 + (1 - z) * candidate)


def test_plot_gate_bars_draws_every_bar():
    values = {**one_unit_gru(0.1, 0.2, update_bias=1.0, reset_bias=-1.0), "h_prev": 0.2}
    fig = plot_gate_bars(values, cell="gru")
    ax = fig.axes[0]
    heights = [bar.get_height() for bar in ax.patches]
    order = ("update", "reset", "candidate", "h_prev", "hidden")
    np.testing.assert_allclose(heights, [values[name] for name in order])
    assert ax.get_title() == "One step of a one-unit GRU: gates (blue) and states"
    assert ax.get_ylabel() == "Value (unitless)"
    plt.close(fig)


def test_carry_over_time_is_forget_gate_to_the_power_t():
    cells, forget = carry_over_time(forget_bias=5.0, steps=120)
    assert forget == pytest.approx(sigmoid(5.0))
    np.testing.assert_allclose(cells, cells[0] * forget ** np.arange(120), rtol=1e-9)
    assert cells[0] == pytest.approx(1.0, abs=1e-4)


def test_plot_carry_over_time_draws_one_line_per_run():
    runs = {bias: carry_over_time(bias, steps=110) for bias in (8.0, -2.0)}
    fig = plot_carry_over_time(runs)
    ax = fig.axes[0]
    assert len(ax.lines) == 2
    assert ax.get_title() == "The cell state as a conveyor belt: how long a written 1 survives"
    assert ax.get_xlabel() == "Time steps since the value was written"
    assert ax.get_ylabel() == "Cell state $c_t$"
    np.testing.assert_allclose(ax.lines[0].get_ydata(), runs[8.0][0])
    np.testing.assert_allclose(ax.lines[1].get_xdata(), np.arange(110))
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend[1] == f"forget bias -2  (f = {runs[-2.0][1]:.4f})"
    plt.close(fig)


@pytest.mark.parametrize("reset_after", [True, False])
def test_other_update_convention_is_the_same_model(reset_after):
    layer = keras.layers.GRU(3, return_sequences=True, reset_after=reset_after)
    layer.build((None, None, 2))
    rng = np.random.default_rng(0)
    layer.set_weights([rng.normal(size=w.shape).astype("float32") for w in layer.get_weights()])
    x = rng.normal(size=(2, 5, 2)).astype("float32")
    keras_out = np.asarray(layer(x))
    other, _ = gru_forward_other_convention(
        x, *flip_update_gate(*layer.get_weights()), reset_after=reset_after
    )
    np.testing.assert_allclose(other, keras_out, atol=1e-5)
    # Without flipping the weights, the other convention is a different model.
    unflipped, _ = gru_forward_other_convention(x, *layer.get_weights(), reset_after=reset_after)
    assert np.abs(unflipped - keras_out).max() > 1e-2
    # And flipping leaves the original weights alone.
    np.testing.assert_allclose(
        gru_forward(x, *layer.get_weights(), reset_after=reset_after)[0], keras_out, atol=1e-5
    )


def fake_clock(monkeypatch, durations):
    """Makes `time.perf_counter` in the gates module time the runs as `durations` (seconds)."""
    ticks = iter(np.cumsum([[1.0, d] for d in durations]))
    monkeypatch.setattr(gates, "time", types.SimpleNamespace(perf_counter=lambda: next(ticks)))


def test_time_per_step_is_the_median_run_per_time_step(monkeypatch):
    fake_clock(monkeypatch, [0.5, 0.1, 0.2])  # three timed runs: the median is 0.2 s
    seconds = time_per_step("gru", units=4, features=2, timesteps=5, batch=2, repeats=3)
    assert seconds == pytest.approx(0.2 / 5)


def test_time_per_step_and_comparison_table(monkeypatch):
    fake_clock(monkeypatch, [0.03, 0.02])  # one timed run for the LSTM, one for the GRU
    rows = compare_lstm_gru(
        units=4,
        features=2,
        timesteps=5,
        batch=2,
        repeats=1,
        accuracies={"lstm": {5: 0.9, 20: 0.6}, "gru": {5: 0.95}},
    )
    assert rows["lstm"]["params"] == 4 * 4 * (2 + 4 + 1)
    assert rows["gru"]["params"] == 3 * 4 * (2 + 4 + 2)
    assert rows["lstm"]["ms_per_step"] == pytest.approx(1000 * 0.03 / 5)
    assert rows["gru"]["ms_per_step"] == pytest.approx(1000 * 0.02 / 5)
    table = comparison_markdown(rows)
    assert table.splitlines()[0].count("accuracy at lag") == 2
    assert table.splitlines()[-1] == "| GRU | 96 | 4.000 | 0.95 | - |"
    with pytest.raises(ValueError, match="`repeats`"):
        time_per_step("lstm", units=4, features=2, timesteps=5, batch=2, repeats=0)


def test_gate_sizes_quick_is_smaller():
    quick, full = lesson_sizes("03", True), lesson_sizes("03", False)
    assert set(quick) == set(full)
    assert quick["timing_timesteps"] < full["timing_timesteps"]
    assert full["conveyor_steps"] >= 100
    assert max(full["memory_lags"]) >= 100


def test_the_recall_lag_is_compared_in_both_modes():
    # Notebook 03 asserts that both gated cells recall the bit at `recall_lag`: it must be one
    # of the lags trained, and the same in quick and full mode, so that the claim is one claim.
    quick, full = lesson_sizes("03", True), lesson_sizes("03", False)
    assert quick["recall_lag"] == full["recall_lag"]
    assert quick["recall_lag"] in quick["memory_lags"] and full["recall_lag"] in full["memory_lags"]
