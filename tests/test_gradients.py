"""Backpropagation through time, measured: known cases, TensorFlow against NumPy, clipping."""

import re
from pathlib import Path

import keras
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import tensorflow as tf

import lesson_utils.exercises.gradients as exercises_gradients
import lesson_utils.experiments.gradients as gradients
import lesson_utils.figures.gradients as figures_gradients
import lesson_utils.scratch.bptt as bptt
from course_tools import NOTEBOOKS_DIR
from lesson_utils.data.memory_task import make_memory_task
from lesson_utils.experiments.gradients import (
    accuracy_table,
    cell_gradient_norms,
    clipping_comparison,
    growth_by_radius,
    growth_per_step,
    input_gradient_norms,
    radius_gradient_curves,
    scaled_orthogonal,
    slope_factors,
    steadiest_radius,
    steps_back_ratio,
    train_recording_gradients,
)
from lesson_utils.figures.gradients import (
    plot_clipping_comparison,
    plot_gradient_norms,
    plot_radius_gradients,
)
from lesson_utils.figures.memory import plot_accuracy_by_lag
from lesson_utils.figures.style import CELL_COLORS
from lesson_utils.models.memory import build_memory_model
from lesson_utils.scratch.bptt import backprop_through_time, bptt_step, clip_by_global_norm
from lesson_utils.scratch.cells import simple_rnn_forward
from lesson_utils.settings import lesson_sizes
from lesson_utils.widgets.explorers import spectral_radius_explorer


def _linear_rnn(a, features=3, units=4, seed=0):
    """A linear RNN (no tanh, no bias) with W_h = a * I and a linear read-out."""
    model = keras.Sequential(
        [
            keras.Input((None, features)),
            keras.layers.SimpleRNN(units, activation=None, use_bias=False),
            keras.layers.Dense(1, use_bias=False),
        ]
    )
    rng = np.random.default_rng(seed)
    model.layers[0].set_weights(
        [
            rng.normal(size=(features, units)).astype("float32"),
            (a * np.eye(units)).astype("float32"),
        ]
    )
    return model


@pytest.mark.parametrize("a", [0.8, 1.0, 1.15])
def test_linear_rnn_gradients_scale_as_a_to_the_distance(a):
    timesteps = 20
    inputs = np.random.default_rng(1).normal(size=(6, timesteps, 3))
    norms = input_gradient_norms(
        _linear_rnn(a), inputs, np.zeros(6), loss=keras.losses.MeanSquaredError()
    )
    distance = timesteps - 1 - np.arange(timesteps)
    np.testing.assert_allclose(norms / norms[-1], a**distance, rtol=1e-4)
    assert steps_back_ratio(norms, 10) == pytest.approx(a**-10, rel=1e-4)


def test_numpy_bptt_equals_tensorflow_on_every_hidden_state():
    rng = np.random.default_rng(2)
    batch, timesteps, features, units = 3, 8, 2, 5
    inputs = rng.normal(size=(batch, timesteps, features))
    kernel, bias = rng.normal(size=(features, units)), rng.normal(size=units)
    recurrent_kernel = rng.normal(scale=0.6, size=(units, units))
    grad_last = rng.normal(size=(batch, units))
    states = []
    with tf.GradientTape() as tape:
        h = tf.zeros((batch, units), tf.float64)
        for t in range(timesteps):
            h = tf.tanh(inputs[:, t] @ kernel + h @ recurrent_kernel + bias)
            tape.watch(h)  # an intermediate tensor: watched, so that dL/dh_t can be asked for
            states.append(h)
        loss = tf.reduce_sum(h * grad_last)
    expected = np.stack([g.numpy() for g in tape.gradient(loss, states)], axis=1)
    ours_states, _ = simple_rnn_forward(inputs, kernel, recurrent_kernel, bias)
    np.testing.assert_allclose(
        ours_states, np.stack([s.numpy() for s in states], axis=1), atol=1e-12
    )
    np.testing.assert_allclose(
        backprop_through_time(ours_states, recurrent_kernel, grad_last), expected, atol=1e-10
    )
    np.testing.assert_allclose(
        bptt_step(grad_last, ours_states[:, -1], recurrent_kernel), expected[:, -2], atol=1e-10
    )


def test_linear_backprop_with_a_scaled_identity_is_a_power():
    grad_last = np.array([[0.6, 0.8]])
    grads = backprop_through_time(np.zeros((1, 6, 2)), 0.5 * np.eye(2), grad_last, linear=True)
    np.testing.assert_allclose(np.linalg.norm(grads[0], axis=-1), 0.5 ** np.arange(5, -1, -1))


@pytest.mark.parametrize("radius", [0.7, 1.0, 2.5])
def test_scaled_orthogonal_has_the_asked_spectral_radius(radius):
    matrix = scaled_orthogonal(6, radius, seed=3)
    np.testing.assert_allclose(np.linalg.svd(matrix, compute_uv=False), radius, rtol=1e-10)
    np.testing.assert_allclose(np.abs(np.linalg.eigvals(matrix)), radius, rtol=1e-8)


def test_radius_curves_vanish_at_one_through_tanh_and_explode_far_above():
    at_one = radius_gradient_curves(1.0, timesteps=60)
    np.testing.assert_allclose(at_one["linear"], 1.0, rtol=1e-10)
    assert at_one["tanh"][0] == pytest.approx(1.0)
    assert at_one["tanh"][50] < 0.05
    below = radius_gradient_curves(0.8, timesteps=30)
    np.testing.assert_allclose(below["linear"], 0.8 ** np.arange(30), rtol=1e-10)
    above = radius_gradient_curves(3.0, timesteps=60)
    assert above["tanh"][50] > 10
    with pytest.raises(ValueError, match="radius"):
        radius_gradient_curves(-1.0)


def test_cell_gradient_norms_cover_every_step_of_every_cell(monkeypatch):
    small = dict(lesson_sizes("02", True), timesteps=12, batch=4, units=3)
    monkeypatch.setattr(gradients, "lesson_sizes", lambda notebook, quick=None: small)
    norms = cell_gradient_norms()
    assert list(norms) == ["simple_rnn", "lstm", "gru"]
    for curve in norms.values():
        assert curve.shape == (12,) and np.all(np.isfinite(curve)) and np.all(curve > 0)
    fig = plot_gradient_norms(norms)
    ax = fig.axes[0]
    assert (
        ax.get_yscale() == "log" and ax.get_title() == "How far back does the error signal reach?"
    )
    assert (ax.get_xlabel(), ax.get_ylabel()) == (
        "Steps back from the loss, T - t",
        "Gradient norm ||dL/dx_t||, relative to the last step",
    )
    assert [line.get_label() for line in ax.get_lines()] == ["SimpleRNN", "LSTM", "GRU"]
    assert ax.get_lines()[0].get_ydata()[0] == pytest.approx(1.0)
    plt.close(fig)


def test_steps_back_ratio_names_a_bad_distance():
    with pytest.raises(ValueError, match="steps"):
        steps_back_ratio(np.ones(5), 5)


@pytest.mark.parametrize("scale", [10.0, 0.01])
def test_clip_by_global_norm_equals_tensorflow(scale):
    rng = np.random.default_rng(4)
    grads = [rng.normal(size=(3, 2)) * scale, rng.normal(size=4) * scale]
    expected, _ = tf.clip_by_global_norm([tf.constant(g) for g in grads], 1.0)
    for ours, theirs in zip(clip_by_global_norm(grads, 1.0), expected):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-10)


def test_recorded_norm_is_before_clipping_and_the_step_is_clipped():
    keras.utils.set_random_seed(0)
    model = build_memory_model(
        "simple_rnn",
        units=4,
        recurrent_gain=2.0,
        optimizer=keras.optimizers.SGD(1.0, global_clipnorm=0.01),
    )
    inputs, targets = make_memory_task(10, 8, shortest_lag=1)
    before = [w.copy() for w in model.get_weights()]
    record = train_recording_gradients(model, inputs, targets, steps=1, batch_size=8)
    moved = np.sqrt(sum(np.sum((a - b) ** 2) for a, b in zip(model.get_weights(), before)))
    assert record["gradient_norm"][0] > 0.01
    assert moved == pytest.approx(0.01, rel=1e-3)
    with pytest.raises(ValueError, match="inputs"):
        train_recording_gradients(model, inputs, targets, steps=2, batch_size=8)


def test_clipping_comparison_trains_both_runs_from_the_same_start(monkeypatch):
    small = dict(lesson_sizes("02", True), clip_steps=5, clip_batch=8, clip_lag=6, units=4)
    monkeypatch.setattr(gradients, "lesson_sizes", lambda notebook, quick=None: small)
    result = clipping_comparison()
    assert result["clipnorm"] == small["clipnorm"]
    for name in ("without", "with"):
        assert result[name]["loss"].shape == (5,) and result[name]["gradient_norm"].shape == (5,)
    assert result["without"]["loss"][0] == pytest.approx(result["with"]["loss"][0])
    first_norms = [result[name]["gradient_norm"][0] for name in ("without", "with")]
    assert first_norms[0] == pytest.approx(first_norms[1])
    fig = plot_clipping_comparison(result)
    largest = [result[name]["gradient_norm"].max() for name in ("without", "with")]
    assert [ax.get_title() for ax in fig.axes] == [
        f"Without clipping\nlargest gradient norm {largest[0]:.3g}",
        f"With global_clipnorm={small['clipnorm']:g}\nlargest gradient norm {largest[1]:.3g}, "
        f"each step scaled to {small['clipnorm']:g}",
    ]
    assert [ax.get_xlabel() for ax in fig.axes] == ["Training step (batch)"] * 2
    assert fig.axes[0].get_ylabel() == "Binary cross-entropy (nats)"
    assert fig.get_suptitle() == "Training a SimpleRNN with exploding gradients"
    plt.close(fig)


def test_radius_plot_is_labelled():
    fig = plot_radius_gradients(radius_gradient_curves(1.2, timesteps=20), 1.2)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and ax.get_title().startswith("Spectral radius 1.20: ")
    assert (ax.get_xlabel(), ax.get_ylabel()) == (
        "Steps back from the loss, k",
        "Gradient norm ||dL/dh_t|| (1 at the last step)",
    )
    plt.close(fig)


def _line(ax, label_start):
    """The line of `ax` whose legend label starts with `label_start`."""
    return next(line for line in ax.get_lines() if line.get_label().startswith(label_start))


@pytest.mark.parametrize("radius", [0.5, 1.0, 1.5, 3.0])
def test_radius_title_gives_the_plotted_curves_own_growth_per_step(radius):
    curves = radius_gradient_curves(radius, timesteps=100)
    ax = plot_radius_gradients(curves, radius).axes[0]
    title_factor = float(re.search(r"x(\d+\.\d+) per step", ax.get_title()).group(1))
    plotted = _line(ax, "tanh").get_ydata()
    for steps in (99, 50):
        own_growth = (plotted[steps] / plotted[0]) ** (1 / steps)
        assert title_factor == pytest.approx(own_growth, rel=0.03), (steps, ax.get_title())
    assert (title_factor > 1) == (plotted[-1] > plotted[0])


def test_radius_plot_draws_whole_curves_and_names_where_they_leave_the_axis():
    curves = radius_gradient_curves(3.0, timesteps=100)
    ax = plot_radius_gradients(curves, 3.0).axes[0]
    np.testing.assert_allclose(_line(ax, "linear RNN").get_ydata(), curves["linear"])
    np.testing.assert_allclose(_line(ax, "tanh RNN").get_ydata(), curves["tanh"])
    assert ax.get_ylim() == pytest.approx((1e-12, 1e12))
    first_out = int(np.argmax(curves["linear"] > 1e12))
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert f"linear leaves the plot above $10^{{12}}$ at step {first_out}" in labels
    low = plot_radius_gradients(radius_gradient_curves(0.5, timesteps=100), 0.5).axes[0]
    assert any("leaves the plot below" in text.get_text() for text in low.get_legend().get_texts())
    inside = plot_radius_gradients(radius_gradient_curves(1.0, timesteps=100), 1.0).axes[0]
    assert not any("leaves" in text.get_text() for text in inside.get_legend().get_texts())


def test_arithmetic_mean_slope_misses_what_the_curve_measures_at_radius_3():
    curves = radius_gradient_curves(3.0, timesteps=100)
    assert 3.0 * curves["mean_slope"] < 1 < curves["per_step"]


@pytest.mark.parametrize("radius", [0.9, 3.0])
def test_weighted_slope_is_each_steps_factor_on_the_gradients_norm(radius):
    inputs, (_, recurrent_kernel, _), states, grad_last = gradients._radius_rnn(
        radius, 40, 8, 4, seed=5
    )
    norms = np.linalg.norm(backprop_through_time(states, recurrent_kernel, grad_last), axis=-1)
    weighted = radius_gradient_curves(radius, timesteps=40, units=8, batch=4, seed=5)[
        "weighted_slopes"
    ]
    np.testing.assert_allclose(radius * weighted, norms[:, :-1] / norms[:, 1:], rtol=1e-10)


@pytest.mark.parametrize("seed", range(3))
def test_slope_factors_explain_the_growth_and_the_mean_slope_does_not(seed):
    factors = {r: slope_factors(r, timesteps=100, seed=seed) for r in (0.9, 1.0, 3.0)}
    for f in factors.values():
        assert f["measured"] == pytest.approx(f["weighted"], rel=0.05)
        assert f["mean_slope"] <= f["rms_slope"] and f["weighted_geometric"] <= f["weighted"]
    assert factors[3.0]["mean_slope"] < 1 < factors[3.0]["measured"]
    assert factors[1.0]["measured"] == radius_gradient_curves(1.0, seed=seed)["per_step"]


def test_growth_per_step_is_the_geometric_mean_of_the_step_factors():
    curve = np.cumprod([1.0, 0.5, 2.0, 0.5, 2.0])
    assert growth_per_step(curve) == pytest.approx(1.0)
    assert growth_per_step(0.9 ** np.arange(10), 4) == pytest.approx(0.9)
    with pytest.raises(ValueError, match="steps"):
        growth_per_step(np.ones(5), 5)
    with pytest.raises(ValueError, match="curve"):
        growth_per_step(np.array([1.0, 0.0]))


def test_tanh_gradient_is_steady_only_on_a_knife_edge():
    growth = growth_by_radius([1.0, 1.37, 2.0], timesteps=100)
    assert growth[0] ** 99 < 0.01 and 0.5 < growth[1] ** 99 < 2 and growth[2] ** 99 > 100


def test_steadiest_radius_is_the_growth_nearest_1_on_a_log_scale():
    assert steadiest_radius({1.0: 0.6, 1.5: 1.5}) == 1.5  # x1.5 is nearer steady than x0.6
    assert steadiest_radius({1.0: 0.9, 1.37: 1.001, 2.0: 1.2}) == 1.37
    with pytest.raises(ValueError, match="growth"):
        steadiest_radius({})


def test_explorer_title_readout_and_notebook_give_one_growth_per_step():
    explorer = spectral_radius_explorer(3.0, timesteps=60, units=8, batch=4)
    per_step = explorer.curves["per_step"]
    shown = f"x{per_step:.3f} per step over 59 steps"
    fig = plot_radius_gradients(explorer.curves, 3.0)
    assert per_step > 1 and shown in fig.axes[0].get_title()
    plt.close(fig)
    assert shown in explorer.readout.value
    assert re.findall(r"x[\d.]+ per step", explorer.readout.value) == [shown.split(" over")[0]]


def test_package_and_notebook_02_count_states_from_h_1_to_h_T():
    sources = [
        Path(module.__file__).read_text(encoding="utf-8")
        for module in (gradients, bptt, figures_gradients, exercises_gradients)
    ]
    sources.append((NOTEBOOKS_DIR / "02_vanishing_gradients.ipynb").read_text(encoding="utf-8"))
    for old_form in ("h_{-1}", "h_{T-1}`", "dL/dh_{T-1}", "T - 1 - t", "h_0 .. h_{T-1}"):
        assert not any(old_form in text for text in sources), old_form


def test_cell_gradient_curves_are_drawn_as_measured_over_200_steps(monkeypatch):
    long = dict(lesson_sizes("02", False), batch=8)
    monkeypatch.setattr(gradients, "lesson_sizes", lambda notebook, quick=None: long)
    norms = cell_gradient_norms()
    assert keras.config.dtype_policy().name == "float32"
    assert keras.layers.Dense(1).dtype == "float32"
    ax = plot_gradient_norms(norms).axes[0]
    for cell, name in (("simple_rnn", "SimpleRNN"), ("lstm", "LSTM"), ("gru", "GRU")):
        line = _line(ax, name)
        steps, plotted = line.get_xdata(), line.get_ydata()
        relative = norms[cell][::-1] / norms[cell][-1]
        np.testing.assert_allclose(plotted, relative[steps])
        assert np.all(plotted > 0) and np.abs(np.diff(np.log10(plotted))).max() < 2, name
        assert len(steps) == len(relative), f"{name}: in float64 no step may read 0"
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["SimpleRNN", "LSTM", "GRU"]
    # Below float32's smallest number, about 1.4e-45: a float32 input would have read 0 there.
    assert min(curve.min() for curve in norms.values()) < 1e-45


def test_memory_model_takes_its_input_in_the_dtype_it_computes_in():
    assert build_memory_model("gru", units=2).inputs[0].dtype == "float32"
    policy = keras.config.dtype_policy()
    keras.config.set_dtype_policy("float64")
    try:
        model = build_memory_model("gru", units=2)
    finally:
        keras.config.set_dtype_policy(policy)
    assert model.inputs[0].dtype == "float64"


def test_a_curve_reading_0_far_back_is_cut_and_marked():
    curve = np.array([0.0, 0.0, 1e-3, 1e-2, 1.0])
    ax = plot_gradient_norms({"gru": curve, "lstm": np.ones(5)}).axes[0]
    drawn = _line(ax, "GRU")
    np.testing.assert_array_equal(drawn.get_xdata(), [0, 1, 2])
    np.testing.assert_allclose(drawn.get_ydata(), [1.0, 1e-2, 1e-3])
    assert [text.get_text() for text in ax.get_legend().get_texts()] == [
        "GRU",
        "GRU reads 0 from step 3 on (cut)",
        "LSTM",
    ]
    plt.close(ax.figure)


def test_accuracy_table_keeps_every_number_whole_on_short_lines():
    lags = (1, 2, 5, 10, 15, 20, 30, 50, 100)
    results = {cell: {lag: 0.5 + lag / 250 for lag in lags} for cell in ("simple_rnn", "lstm")}
    table = accuracy_table(results)
    rows = table.splitlines()
    assert len(rows) == 3 and max(len(row) for row in rows) <= 80
    assert rows[0].split() == ["lag"] + [str(lag) for lag in lags]
    assert rows[1].split() == ["SimpleRNN"] + [f"{0.5 + lag / 250:.0%}" for lag in lags]


def test_full_mode_compares_the_cells_at_lags_where_the_simple_rnn_fails():
    full, quick = lesson_sizes("02", False), lesson_sizes("02", True)
    assert min(full["comparison_lags"]) <= 2 and max(full["comparison_lags"]) >= 40
    assert len(quick["comparison_lags"]) < len(full["comparison_lags"])


def _pixels_of(results, cell):
    """How many pixels of `cell`'s colour the accuracy-by-lag figure of `results` shows."""
    fig = plot_accuracy_by_lag(results)
    image = _rendered(fig)
    target = np.array(matplotlib.colors.to_rgb(CELL_COLORS[cell]))
    return int((np.abs(image - target).max(axis=-1) < 0.08).sum())


def _rendered(fig):
    fig.canvas.draw()
    image = np.asarray(fig.canvas.buffer_rgba())[..., :3] / 255
    plt.close(fig)
    return image


def test_lstm_and_gru_lines_at_100_percent_both_stay_visible():
    perfect = {2: 1.0, 20: 1.0, 60: 1.0}
    for cell in ("lstm", "gru"):
        alone = _pixels_of({cell: perfect}, cell)
        together = _pixels_of({"lstm": perfect, "gru": perfect}, cell)
        assert together > 0.6 * alone, f"{cell}: {together} of its {alone} pixels visible"
