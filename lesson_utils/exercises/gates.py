"""Notebook 03's exercises: the LSTM's forget gate, a GRU step and the GRU's parameters."""

import functools

import numpy as np

from lesson_utils.exercises.core import Exercise, count_exercise, step_arguments
from lesson_utils.scratch.cells import gru_param_count, gru_step, sigmoid


def _blocks(x_t, h_prev, kernel, recurrent_kernel, bias):
    """The four blocks of an LSTM's pre-activations, in Keras' order i, f, c, o."""
    return np.split(x_t @ kernel + h_prev @ recurrent_kernel + bias, 4, axis=-1)


def _forget_gate(*args):
    return sigmoid(_blocks(*args)[1])


FORGET_GATE = Exercise(
    _forget_gate,
    {"random weights": step_arguments(seed=3, blocks=4)},
    "f_t, one row per example, one column per unit",
    {
        "these are the input gate's values: Keras orders the blocks input, forget, candidate, "
        "output, so the forget gate is the second block of `units` columns.": (
            lambda *args: sigmoid(_blocks(*args)[0])
        ),
        "you took the third block (the candidate's columns); the forget gate is the second block: "
        "columns units to 2*units.": lambda *args: sigmoid(_blocks(*args)[2]),
        "these are the output gate's values; the forget gate is the second block: columns units "
        "to 2*units.": lambda *args: sigmoid(_blocks(*args)[3]),
        "right columns, wrong squashing: a gate uses the sigmoid (values in 0..1, a fraction to "
        "keep), not tanh.": lambda *args: np.tanh(_blocks(*args)[1]),
        "the previous hidden state is missing: add h_prev @ recurrent_kernel (its forget "
        "columns).": lambda x, h, k, rk, b: _forget_gate(x, 0 * h, k, rk, b),
        "the bias is missing: add bias[units:2*units].": lambda x, h, k, rk, b: _forget_gate(
            x, h, k, rk, 0 * b
        ),
    },
)


def _gru_step(x, h, k, rk, b, order=(0, 1), gate=sigmoid, squash=np.tanh, reset="after", keep=True):
    """A GRU step (`reset_after=True`) of `x_t`, `h_prev` and the weights; each keyword changed
    makes one part wrong, as a learner might: the gates' order, the squashing, the reset gate."""
    units = h.shape[1]
    x_parts = np.split(x @ k + b[0], 3, axis=-1)
    h_parts = np.split(h @ rk + b[1], 3, axis=-1)
    z, r = (gate(x_parts[i] + h_parts[i]) for i in order)
    if reset == "after":
        recurrent = r * h_parts[2]
    elif reset == "before":
        recurrent = (r * h) @ rk[:, 2 * units :] + b[1, 2 * units :]
    else:
        recurrent = h_parts[2]
    candidate = squash(x_parts[2] + recurrent)
    return z * h + (1 - z) * candidate if keep else (1 - z) * h + z * candidate


GRU_STEP = Exercise(
    gru_step,
    {"random weights": step_arguments(seed=4, blocks=3, bias_rows=2)},
    "h_t, one row per example, one column per unit",
    {
        "you used the other convention, h = (1 - z) * h_prev + z * candidate. Keras (and Cho et "
        "al., 2014) write h = z * h_prev + (1 - z) * candidate: z near 1 keeps the old state.": (
            functools.partial(_gru_step, keep=False)
        ),
        "the reset gate is applied before the recurrent matrix product; with reset_after=True it "
        "multiplies (h_prev @ W_h + b_h) after the product.": (
            functools.partial(_gru_step, reset="before")
        ),
        "the update and reset gates are swapped: Keras' order is update (z), reset (r), "
        "candidate.": functools.partial(_gru_step, order=(1, 0)),
        "sigmoid and tanh are swapped: the gates use the sigmoid, the candidate uses tanh.": (
            functools.partial(_gru_step, gate=np.tanh, squash=sigmoid)
        ),
        "the reset gate is missing from the candidate: multiply the recurrent part by r.": (
            functools.partial(_gru_step, reset="nowhere")
        ),
    },
)

GRU_PARAM_COUNT = count_exercise(
    gru_param_count,
    [(3, 4, True), (3, 4, False), (10, 7, True), (10, 7, False)],
    {
        "with reset_after=True Keras keeps a second bias row (for the recurrent side): one more "
        "bias per unit and block.": lambda f, u, ra: 3 * u * (f + u + 1),
        "the extra bias row belongs to reset_after=True, not reset_after=False.": (
            lambda f, u, ra: 3 * u * (f + u + (1 if ra else 2))
        ),
        "with reset_after=False there is only one bias row.": lambda f, u, ra: 3 * u * (f + u + 2),
        "a GRU has three blocks (update gate, reset gate, candidate), not four.": (
            lambda f, u, ra: 4 * u * (f + u + (2 if ra else 1))
        ),
    },
)


def check_forget_gate(forget_gate):
    """Checks a learner's LSTM forget gate against Keras' layout.

    Args:
        forget_gate: a function `forget_gate(x_t, h_prev, kernel, recurrent_kernel, bias)` returning
            `f_t`, shape `(batch, units)`, for weights in Keras' layout (gate order input, forget,
            candidate, output).

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    return FORGET_GATE.check(forget_gate)


def check_gru_step(gru_step):
    """Checks a learner's GRU step (Keras' `reset_after=True`, the default).

    Args:
        gru_step: a function `gru_step(x_t, h_prev, kernel, recurrent_kernel, bias)` returning
            `h_t`, shape `(batch, units)`, for weights in Keras' layout (gate order update, reset,
            candidate; `bias` with two rows: input side, recurrent side).

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    return GRU_STEP.check(gru_step)


def check_gru_param_count(count):
    """Checks a learner's `count(features, units, reset_after)` for `keras.layers.GRU`.

    Args:
        count: the learner's function.

    Returns:
        `True` if it is right for both `reset_after` settings, else `False`.
    """
    return GRU_PARAM_COUNT.check(count)
