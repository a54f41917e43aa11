"""Notebook 03's exercises: the LSTM's forget gate, a GRU step, and the forget bias that keeps a
value."""

import functools

import numpy as np

from lesson_utils.exercises.core import Exercise, step_arguments
from lesson_utils.scratch.cells import gru_step, sigmoid


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


def _logit(p):
    """The sigmoid's inverse: the pre-activation whose sigmoid is `p`."""
    return np.log(p / (1 - p))


def _forget_bias_to_keep(share, steps):
    return _logit(share ** (1 / steps))


FORGET_BIAS = Exercise(
    _forget_bias_to_keep,
    {
        f"share={share}, steps={steps}": (share, steps)
        for share, steps in ((0.5, 50), (0.9, 10), (0.1, 200), (0.5, 1))
    },
    "the forget bias b, one number",
    {
        "that bias keeps `share` for one step only: over `steps` steps the forget gate multiplies "
        "the cell state `steps` times, so sigma(b) ** steps = share.": lambda share, steps: _logit(
            share
        ),
        "that is the forget gate's value sigma(b), a fraction between 0 and 1; the exercise asks "
        "for the bias b before the sigmoid: b = log(f / (1 - f)).": lambda share, steps: (
            share ** (1 / steps)
        ),
        "np.log(f) is not the sigmoid's inverse: the bias whose sigmoid is f is "
        "log(f / (1 - f)).": lambda share, steps: np.log(share ** (1 / steps)),
        "the forget gate multiplies: what is left after n steps is f ** n, not 1 - n * (1 - f), "
        "so take the n-th root of the share.": lambda share, steps: _logit(1 - (1 - share) / steps),
    },
    success="{name} gives the bias that keeps the share: b = {expected:.3f} keeps half over 50 "
    "steps.",
    otherwise="{name}{case} returned {result:.4g}, expected {expected:.4g}. Solve "
    "sigma(b) ** steps = share for b: first the forget gate f, then the sigmoid's inverse.",
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


def check_forget_bias(forget_bias_to_keep):
    """Checks a learner's `forget_bias_to_keep(share, steps)`, section 4's carry run backwards.

    With nothing new written, each step multiplies an LSTM's cell state by its forget gate
    `sigma(b)`, so after `steps` steps `sigma(b) ** steps` of a value is left.

    Args:
        forget_bias_to_keep: a function returning the forget bias `b` that keeps `share` of a
            value over `steps` steps.

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    return FORGET_BIAS.check(forget_bias_to_keep)
