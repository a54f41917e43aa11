"""Notebook 01's exercises: one simple-RNN step with one stacked matrix, and its parameters."""

import numpy as np

from lesson_utils.exercises.core import Exercise, count_exercise, step_arguments
from lesson_utils.scratch.cells import sigmoid, simple_rnn_param_count, simple_rnn_step


def _stacked_step(x_t, h_prev, weights, bias):
    features = x_t.shape[1]
    return simple_rnn_step(x_t, h_prev, weights[:features], weights[features:], bias)


def _side_by_side(x_t, h_prev, weights, bias):
    """`[x_t, h_prev] @ weights + bias`, before the activation."""
    return np.concatenate([x_t, h_prev], axis=1) @ weights + bias


_x_t, _h_prev, _kernel, _recurrent_kernel, _bias = step_arguments(seed=11)
STACKED_RNN_STEP = Exercise(
    _stacked_step,
    {"random weights": (_x_t, _h_prev, np.concatenate([_kernel, _recurrent_kernel]), _bias)},
    "h_t, one row per example, one column per unit",
    {
        "no activation: wrap the sum in np.tanh.": _side_by_side,
        "wrong activation: a SimpleRNN uses tanh (values in -1..1), not the "
        "sigmoid.": lambda *args: sigmoid(_side_by_side(*args)),
        "the bias is missing: add `bias` inside the tanh.": lambda x, h, w, b: np.tanh(
            _side_by_side(x, h, w, 0)
        ),
        "x_t and h_prev are side by side in the wrong order: the first `features` rows of "
        "`weights` are W_x, so x_t comes first.": lambda x, h, w, b: np.tanh(
            _side_by_side(h, x, w, b)
        ),
        "the previous state is missing: without h_prev there is no memory.": lambda x, h, w, b: (
            np.tanh(x @ w[: x.shape[1]] + b)
        ),
    },
    on_error=". Shapes: [x_t, h_prev] is (batch, features + units), side by side along axis "
    "1; weights is (features + units, units).",
)

SIMPLE_RNN_PARAM_COUNT = count_exercise(
    simple_rnn_param_count,
    [(3, 4), (10, 7), (1, 1), (2, 16)],
    {
        "the bias is missing: one bias per unit.": lambda f, u: u * (f + u),
        "the recurrent kernel W_h (units x units) is missing.": lambda f, u: u * (f + 1),
        "the bias has one entry per unit, not per feature.": lambda f, u: f * u + u * u + f,
        "W_h maps the state to the state: units x units entries, not just one.": lambda f, u: (
            f * u + u + 1
        ),
        "that is an LSTM's count (four blocks); a SimpleRNN has one W_x, one W_h and one "
        "bias.": lambda f, u: 4 * u * (f + u + 1),
    },
)


def check_stacked_rnn_step(step):
    """Checks a learner's simple-RNN step written with one stacked weight matrix.

    Since `x_t W_x + h_prev W_h` equals `[x_t, h_prev]` (the two side by side) times `W_x` stacked
    on top of `W_h`, one step is one dense layer on the concatenation: `h_t = tanh([x_t, h_prev] W +
    b)`.

    Args:
        step: a function `step(x_t, h_prev, weights, bias)` returning `h_t`, shape `(batch, units)`,
            where `weights` is `W_x` (`features` rows) stacked on top of `W_h` (`units` rows), shape
            `(features + units, units)`.

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    return STACKED_RNN_STEP.check(step)


def check_simple_rnn_param_count(count):
    """Checks a learner's `count(features, units)` for `keras.layers.SimpleRNN(units)`.

    Args:
        count: the learner's function.

    Returns:
        `True` if it is right on several sizes, else `False` (and prints why).
    """
    return SIMPLE_RNN_PARAM_COUNT.check(count)
