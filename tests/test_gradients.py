"""Backpropagation through time, measured: known cases, TensorFlow against NumPy, clipping."""

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
import tensorflow as tf

import lesson_utils.gradients as gradients
from lesson_utils.cells import simple_rnn_forward
from lesson_utils.gradients import (
    backprop_through_time,
    bptt_step,
    cell_gradient_norms,
    clip_by_global_norm,
    clipping_comparison,
    gradient_settings,
    input_gradient_norms,
    plot_clipping_comparison,
    plot_gradient_norms,
    plot_radius_gradients,
    radius_gradient_curves,
    scaled_orthogonal,
    steps_back_ratio,
    train_recording_gradients,
)
from lesson_utils.memory_task import build_memory_model, make_memory_task


def _linear_rnn(a, features=3, units=4, seed=0):
    """A linear RNN (no tanh, no bias) with W_h = a * I and a linear read-out."""
    model = keras.Sequential([
        keras.Input((None, features)),
        keras.layers.SimpleRNN(units, activation=None, use_bias=False),
        keras.layers.Dense(1, use_bias=False),
    ])
    rng = np.random.default_rng(seed)
    model.layers[0].set_weights([rng.normal(size=(features, units)).astype("float32"),
                                 (a * np.eye(units)).astype("float32")])
    return model


@pytest.mark.parametrize("a", [0.8, 1.0, 1.15])
def test_linear_rnn_gradients_scale_as_a_to_the_distance(a):
    timesteps = 20
    inputs = np.random.default_rng(1).normal(size=(6, timesteps, 3))
    norms = input_gradient_norms(_linear_rnn(a), inputs, np.zeros(6),
                                 loss=keras.losses.MeanSquaredError())
    distance = timesteps - 1 - np.arange(timesteps)
    np.testing.assert_allclose(norms / norms[-1], a ** distance, rtol=1e-4)
    assert steps_back_ratio(norms, 10) == pytest.approx(a ** -10, rel=1e-4)


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
    np.testing.assert_allclose(ours_states, np.stack([s.numpy() for s in states], axis=1),
                               atol=1e-12)
    np.testing.assert_allclose(backprop_through_time(ours_states, recurrent_kernel, grad_last),
                               expected, atol=1e-10)
    np.testing.assert_allclose(bptt_step(grad_last, ours_states[:, -1], recurrent_kernel),
                               expected[:, -2], atol=1e-10)


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
    assert 0 < at_one["mean_slope"] < 1
    below = radius_gradient_curves(0.8, timesteps=30)
    np.testing.assert_allclose(below["linear"], 0.8 ** np.arange(30), rtol=1e-10)
    above = radius_gradient_curves(3.0, timesteps=60)
    assert above["tanh"][50] > 10
    with pytest.raises(ValueError, match="radius"):
        radius_gradient_curves(-1.0)


def test_cell_gradient_norms_cover_every_step_of_every_cell(monkeypatch):
    small = dict(gradient_settings(quick=True), timesteps=12, batch=4, units=3)
    monkeypatch.setattr(gradients, "gradient_settings", lambda quick=None: small)
    norms = cell_gradient_norms()
    assert list(norms) == ["simple_rnn", "lstm", "gru"]
    for curve in norms.values():
        assert curve.shape == (12,) and np.all(np.isfinite(curve)) and np.all(curve > 0)
    fig = plot_gradient_norms(norms)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
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
    model = build_memory_model("simple_rnn", units=4, recurrent_gain=2.0,
                               optimizer=keras.optimizers.SGD(1.0, global_clipnorm=0.01))
    inputs, targets = make_memory_task(10, 8, shortest_lag=1)
    before = [w.copy() for w in model.get_weights()]
    record = train_recording_gradients(model, inputs, targets, steps=1, batch_size=8)
    moved = np.sqrt(sum(np.sum((a - b) ** 2) for a, b in zip(model.get_weights(), before)))
    assert record["gradient_norm"][0] > 0.01
    assert moved == pytest.approx(0.01, rel=1e-3)
    with pytest.raises(ValueError, match="inputs"):
        train_recording_gradients(model, inputs, targets, steps=2, batch_size=8)


def test_clipping_comparison_trains_both_runs_from_the_same_start(monkeypatch):
    small = dict(gradient_settings(quick=True), clip_steps=5, clip_batch=8, clip_lag=6, units=4)
    monkeypatch.setattr(gradients, "gradient_settings", lambda quick=None: small)
    result = clipping_comparison()
    assert result["clipnorm"] == small["clipnorm"]
    for name in ("without", "with"):
        assert result[name]["loss"].shape == (5,) and result[name]["gradient_norm"].shape == (5,)
    assert result["without"]["loss"][0] == pytest.approx(result["with"]["loss"][0])
    first_norms = [result[name]["gradient_norm"][0] for name in ("without", "with")]
    assert first_norms[0] == pytest.approx(first_norms[1])
    fig = plot_clipping_comparison(result)
    assert len(fig.axes) == 2 and all(ax.get_title() and ax.get_xlabel() for ax in fig.axes)
    assert fig.axes[0].get_ylabel()
    plt.close(fig)


def test_radius_plot_is_labelled():
    fig = plot_radius_gradients(radius_gradient_curves(1.2, timesteps=20), 1.2)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and "1.20" in ax.get_title()
    assert ax.get_xlabel() and ax.get_ylabel()
    plt.close(fig)
