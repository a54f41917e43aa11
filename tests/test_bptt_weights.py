"""The weight gradients accumulated back through time: NumPy against TensorFlow, shares, figure."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from lesson_utils.experiments.gradients import (
    simple_rnn_tape_gradients,
    weight_gradient_shares,
    weight_gradients_against_tape,
)
from lesson_utils.figures.gradients import plot_weight_gradient_shares
from lesson_utils.figures.style import PALETTE
from lesson_utils.scratch.bptt import simple_rnn_weight_gradients
from lesson_utils.scratch.cells import simple_rnn_forward


def test_two_steps_by_hand():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 2, 2))
    kernel, recurrent_kernel, bias = (
        rng.normal(size=(2, 4)),
        rng.normal(size=(4, 4)),
        rng.normal(size=4),
    )
    grad_last = rng.normal(size=(3, 4))
    states, _ = simple_rnn_forward(x, kernel, recurrent_kernel, bias)
    h0, h1 = states[:, 0], states[:, 1]
    delta1 = grad_last * (1 - h1**2)
    delta0 = (delta1 @ recurrent_kernel.T) * (1 - h0**2)
    d_kernel, d_recurrent, d_bias, terms = simple_rnn_weight_gradients(
        x, states, recurrent_kernel, grad_last
    )
    np.testing.assert_allclose(d_kernel, x[:, 0].T @ delta0 + x[:, 1].T @ delta1)
    np.testing.assert_allclose(d_recurrent, h0.T @ delta1)
    np.testing.assert_allclose(d_bias, (delta0 + delta1).sum(axis=0))
    np.testing.assert_allclose(terms[0], 0.0)
    np.testing.assert_allclose(terms[1], h0.T @ delta1)


@pytest.mark.parametrize("timesteps", [1, 7, 40])
def test_numpy_equals_gradient_tape(timesteps):
    rng = np.random.default_rng(timesteps)
    inputs = rng.normal(size=(4, timesteps, 3))
    grad_last = rng.normal(size=(4, 8))
    weights, tape = simple_rnn_tape_gradients(inputs, grad_last, units=8, seed=timesteps)
    states, _ = simple_rnn_forward(inputs, *weights)
    ours = simple_rnn_weight_gradients(inputs, states, weights[1], grad_last)[:3]
    for name, mine, theirs in zip(("kernel", "recurrent kernel", "bias"), ours, tape):
        assert mine.shape == theirs.shape, name
        np.testing.assert_allclose(mine, theirs, atol=1e-5, err_msg=name)
    assert np.abs(tape[1]).max() > 1e-3 if timesteps > 1 else np.all(tape[1] == 0)


def test_shares_sum_to_one_and_vanish_faster_at_a_smaller_radius():
    shares = weight_gradient_shares((0.5, 0.9, 1.0), timesteps=60, units=8, batch=8)
    assert list(shares) == [0.5, 0.9, 1.0]
    for share in shares.values():
        assert share.shape == (60,)
        np.testing.assert_allclose(share.sum(), 1.0)
        assert share[-1] == 0.0  # the first step's term: h_{-1} = 0
        assert share[0] > 100 * share[40]
    assert shares[0.5][:10].sum() > shares[0.9][:10].sum() > shares[1.0][:10].sum()


def test_shares_reject_a_bad_radius():
    with pytest.raises(ValueError, match="radius"):
        weight_gradient_shares((0.9, -1.0), timesteps=10)


def test_share_figure_is_titled_labelled_and_in_the_course_palette():
    shares = {0.9: np.array([0.6, 0.3, 0.1, 0.0]), 1.0: np.array([0.4, 0.35, 0.25, 0.0])}
    fig = plot_weight_gradient_shares(shares, recent=2)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert "gradient" in ax.get_title() and "falls" in ax.get_title()
    assert "Steps back" in ax.get_xlabel() and "Share" in ax.get_ylabel()
    lines = ax.get_lines()
    assert [len(line.get_xdata()) for line in lines] == [3, 3]
    assert {line.get_color() for line in lines} <= set(PALETTE.values())
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == [
        "spectral radius 0.9: last 2 steps give 90 %",
        "spectral radius 1: last 2 steps give 75 %",
    ]
    plt.close(fig)


def test_weight_gradients_against_tape_reports_each_weights_shape_and_difference():
    rng = np.random.default_rng(1)
    differences = weight_gradients_against_tape(
        rng.normal(size=(2, 7, 3)), rng.normal(size=(2, 5)), units=5
    )
    assert {name: shape for name, (shape, _) in differences.items()} == {
        "W_x": (3, 5),
        "W_h": (5, 5),
        "b": (5,),
    }
    assert max(difference for _, difference in differences.values()) < 1e-10
