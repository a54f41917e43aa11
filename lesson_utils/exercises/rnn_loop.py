"""Notebook 01's exercises: one simple-RNN step with one stacked matrix, and weights that hold a
bit for ever."""

import numpy as np

from lesson_utils.exercises.core import Exercise, call, name_of, report, step_arguments, unexpected
from lesson_utils.scratch.cells import sigmoid, simple_rnn_forward, simple_rnn_step


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

# Exercise 2: weights that hold a bit. The check's sequences of 0s and 1s, all LATCH_STEPS long:
# none at all, a single 1 at each step, and a few random ones.
LATCH_STEPS = 100
_rng = np.random.default_rng(7)
LATCH_SEQUENCES = np.concatenate(
    [
        np.zeros((1, LATCH_STEPS)),
        np.eye(LATCH_STEPS),
        (_rng.random((20, LATCH_STEPS)) < 0.05).astype(float),
    ]
)
LATCH_NO_OFF_STATE = (
    "with no 1 in the sequence the final state should be below 0: with only 0s coming in, "
    "h_t = tanh(w_h h_(t-1) + b) must settle below 0, so b must be negative."
)
LATCH_TOO_WEAK = (
    "a 1 at the last step does not lift the state above 0: from the state that 0s leave, "
    "w_x must outweigh w_h times that state and b."
)
LATCH_FORGETS = (
    "the state forgets the 1: once it is above 0, tanh(w_h h + b) must keep it above 0 while "
    "0s come in, so w_h must be large enough to outweigh the negative b."
)
# What a learner most likely tried, and the hint each gets: (w_x, w_h, b).
LATCH_MISTAKES = {
    LATCH_NO_OFF_STATE: lambda: (5.0, 4.0, 0.0),
    LATCH_TOO_WEAK: lambda: (1.0, 4.0, -2.0),
    LATCH_FORGETS: lambda: (5.0, 0.0, -2.0),
}


def latch_final_states(weights, sequences=LATCH_SEQUENCES):
    """The final state of a one-unit SimpleRNN with weights `(w_x, w_h, b)` on each sequence."""
    w_x, w_h, b = (float(w) for w in weights)
    _, h_final = simple_rnn_forward(
        sequences[..., None], np.array([[w_x]]), np.array([[w_h]]), np.array([b])
    )
    return h_final[:, 0]


def _latch_verdict(weights):
    """`(ok, message)` for a learner's latch weights."""
    with np.errstate(all="ignore"):
        final = latch_final_states(weights)
    if not np.all(np.isfinite(final)):
        return False, "the weights give a state that is not a number: use finite weights."
    if final[0] >= 0:
        return False, f"{LATCH_NO_OFF_STATE} (Your final state: {final[0]:.3f}.)"
    singles = final[1 : LATCH_STEPS + 1]
    if singles[-1] <= 0:
        return False, f"{LATCH_TOO_WEAK} (Your final state: {singles[-1]:.3f}.)"
    forgotten = np.flatnonzero(singles <= 0)
    if forgotten.size:
        zeros_after = LATCH_STEPS - 1 - forgotten.max()
        return False, f"{LATCH_FORGETS} (A 1 followed by {zeros_after} 0s is lost.)"
    held = LATCH_SEQUENCES[LATCH_STEPS + 1 :].any(axis=1)
    wrong = np.flatnonzero((final[LATCH_STEPS + 1 :] > 0) != held)
    if wrong.size:
        return False, (
            "a single 1 is held, but a sequence with several 1s ends on the wrong side of 0: "
            "a second 1 must not push the state back below 0."
        )
    return True, (
        f"a 1 anywhere in {LATCH_STEPS} steps leaves the state above 0 (at least "
        f"{singles.min():.3f}); no 1 leaves it at {final[0]:.3f}."
    )


def check_latch_weights(latch_weights):
    """Checks a learner's weights for a SimpleRNN that holds one bit for ever.

    A one-unit SimpleRNN, `h_t = tanh(w_x x_t + w_h h_(t-1) + b)` from `h_0 = 0`, reads
    sequences of 0s and 1s, `LATCH_STEPS` long; its final state must be above 0 if a 1 came
    anywhere, and below 0 if none did. Section 7's remark made concrete: nothing in the network
    prevents a long memory.

    Args:
        latch_weights: a function returning `(w_x, w_h, b)`, three numbers.

    Returns:
        `True` if the weights hold the bit on every sequence tried, else `False` (and prints why).
    """
    answer = "(w_x, w_h, b), three numbers"
    weights, problem = call(latch_weights, (), answer)
    if problem:
        return report(False, problem)
    name = name_of(latch_weights)
    try:
        numbers = np.asarray(weights, dtype=float)
    except (TypeError, ValueError):
        numbers = None
    if numbers is None or numbers.ndim != 1:
        return report(False, unexpected(name, type(weights).__name__, "three numbers", answer))
    if numbers.shape != (3,):
        return report(False, unexpected(name, f"{numbers.size} numbers", "three numbers", answer))
    return report(*_latch_verdict(numbers))


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
