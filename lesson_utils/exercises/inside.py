"""Notebook 06's exercises: the classifier head by hand, and how much of a word the last cell
state still holds."""

import numpy as np

from lesson_utils.exercises.core import Exercise
from lesson_utils.scratch.cells import sigmoid


def _relu(a):
    return np.maximum(a, 0)


def _identity(a):
    return a


def _head(states, kernel_1, bias_1, kernel_2, bias_2, hidden=_relu, output=sigmoid):
    """P(positive) of each state; `hidden` and `output` are the two layers' activations."""
    return output((hidden(states @ kernel_1 + bias_1) @ kernel_2 + bias_2)[:, 0])


_rng = np.random.default_rng(14)
_states_and_weights = (  # 6 states of 5 units; kernel_1, bias_1, kernel_2, bias_2
    _rng.uniform(-1, 1, size=(6, 5)),
    *(_rng.normal(size=shape) for shape in [(5, 4), 4, (4, 1), 1]),
)
HEAD_PROBABILITY = Exercise(
    _head,
    {"random weights": _states_and_weights},
    "P(positive), one probability per state",
    {
        "the ReLU of the first layer is missing: apply np.maximum(..., 0) to "
        "states @ kernel_1 + bias_1.": lambda *args: _head(*args, hidden=_identity),
        "that is the logit: pass it through the sigmoid, 1 / (1 + exp(-logit)), to get a "
        "probability.": lambda *args: _head(*args, output=_identity),
        "the first layer uses ReLU, not the sigmoid: the sigmoid comes only at the end.": (
            lambda *args: _head(*args, hidden=sigmoid)
        ),
        "the first layer uses ReLU, not tanh.": lambda *args: _head(*args, hidden=np.tanh),
        "bias_1 is missing: add it before the ReLU.": (
            lambda s, k1, b1, k2, b2: _head(s, k1, 0 * b1, k2, b2)
        ),
        "bias_2 is missing: add it before the sigmoid.": (
            lambda s, k1, b1, k2, b2: _head(s, k1, b1, k2, 0 * b2)
        ),
        "that is P(negative): the sigmoid of the logit is P(positive).": (
            lambda *args: 1 - _head(*args)
        ),
        "that is an (n, 1) array: return shape (n,), one probability per state (take column 0).": (
            lambda *args: _head(*args)[:, None]
        ),
    },
    on_error=". Shapes: states (n, units) @ kernel_1 (units, dense_units), then @ kernel_2 "
    "(dense_units, 1).",
)


def _surviving(forget_gates):
    """The product of each unit's forget gates after each step; 1 at the last step."""
    later = np.cumprod(forget_gates[::-1], axis=0)[::-1]  # row t: f_t * f_t+1 * ... * f_T
    return np.concatenate([later[1:], np.ones_like(forget_gates[:1])])


def _mean_of_later(forget_gates):
    """The mean of each unit's forget gates after each step; 1 at the last step."""
    counts = np.arange(len(forget_gates) - 1, 0, -1)[:, None]  # how many steps come after
    later = np.cumsum(forget_gates[::-1], axis=0)[::-1][1:] / counts
    return np.concatenate([later, np.ones_like(forget_gates[:1])])


_gates_rng = np.random.default_rng(25)
SURVIVING_SHARE = Exercise(
    _surviving,
    {
        "random forget gates, 6 words and 4 units": (_gates_rng.uniform(0.05, 0.95, (6, 4)),),
        "every gate 0.9, as on notebook 03's conveyor belt": (np.full((5, 2), 0.9),),
        "a review of one word": (_gates_rng.uniform(0.05, 0.95, (1, 3)),),
    },
    "the share of each step's write left at the last step, shape (steps, units)",
    {
        "that includes the word's own forget gate f_t: step t writes i_t * g_t *after* f_t has "
        "scaled the old memory, so only the later gates f_t+1 ... f_T shrink it (the last "
        "word's share is 1).": lambda f: np.cumprod(f[::-1], axis=0)[::-1],
        "that multiplies the gates from the first word on: what step t wrote is shrunk by the "
        "gates *after* it, up to the last word. Reverse the steps (forget_gates[::-1]), take the "
        "cumulative product, reverse back, and shift by one step.": (
            lambda f: np.cumprod(f, axis=0)
        ),
        "that is the mean of the later forget gates: each step keeps a share f of what is left, "
        "so the shares multiply; take their product.": _mean_of_later,
        "the forget gate is the share *kept* (near 1 the cell keeps its memory): multiply the "
        "gates f, not 1 - f.": lambda f: _surviving(1 - f),
        "that multiplies along the units (axis 1): each unit keeps its own memory, so the product "
        "runs over the steps, axis 0.": lambda f: _surviving(f.T).T,
    },
    success="{name} gives the share of each word's write that reaches the last cell state.",
    otherwise="for {case}, your shares differ from the product of the later forget gates by up "
    "to {gap:.3g}. Row t is f_t+1 * ... * f_T, unit by unit; the last row is 1.",
)


def check_head_probability(head_probability):
    """Checks a learner's classifier head, `head_probability(states, kernel_1, bias_1, ...)`.

    Args:
        head_probability: a function returning P(positive) for each hidden state, shape `(n,)`:
            `sigmoid(relu(states @ kernel_1 + bias_1) @ kernel_2 + bias_2)`, weights in Keras'
            layout (`kernel_1` `(units, dense_units)`, `kernel_2` `(dense_units, 1)`).

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    return HEAD_PROBABILITY.check(head_probability)


def check_surviving_share(surviving_share):
    """Checks a learner's `surviving_share(forget_gates)`.

    Args:
        surviving_share: a function taking one review's forget gates, shape `(steps, units)`,
            and returning, for each step and unit, the product of that unit's forget gates at
            the later steps, `f_t+1 * ... * f_T` (1 at the last step), shape `(steps, units)`:
            the share of what step t wrote into the cell state that is left in the last one.

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    return SURVIVING_SHARE.check(surviving_share)
