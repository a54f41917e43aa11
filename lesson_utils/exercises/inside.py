"""Notebook 06's exercises: the classifier head by hand, and PCA's projection onto 2-D."""

import numpy as np

from lesson_utils.exercises.core import Exercise, numbers_agree
from lesson_utils.experiments.inspection import pca_2d
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


def _agree_up_to_signs(result, expected):
    """Whether two projections agree once each column of `result` has `expected`'s sign."""
    if np.shape(result) != np.shape(expected):
        return False
    return numbers_agree(result * np.where(np.sum(result * expected, axis=0) < 0, -1, 1), expected)


def _least_variance(states):
    """`states` projected onto their two directions of least variance."""
    centred = states - states.mean(axis=0)
    return centred @ np.linalg.svd(centred, full_matrices=False)[2][-2:].T


_states = np.random.default_rng(6).normal(size=(50, 5)) * [3.0, 0.3, 1.5, 0.2, 0.1] + 4.0
PCA_2D = Exercise(
    lambda states: pca_2d(states)["projected"],
    {"random states": (_states,)},
    "the coordinates, one row per state, one column per component",
    {
        "subtract the mean of the states first: PCA finds directions of variance around the "
        "mean.": lambda states: states @ np.linalg.svd(states, full_matrices=False)[2][:2].T,
        "those are the two directions of *least* variance: NumPy's SVD sorts singular values from "
        "largest to smallest, so take the first two rows of vt.": _least_variance,
    },
    success="{name} matches PCA (up to the sign of each component, which is arbitrary).",
    otherwise="the coordinates differ from PCA's. Centre the states, take the SVD of the "
    "centred matrix, and project onto the first two rows of vt.",
    close=_agree_up_to_signs,
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


def check_pca_2d(project_2d):
    """Checks a learner's `project_2d(states)`: the PCA projection onto 2 components.

    Args:
        project_2d: a function from `(n, features)` to the `(n, 2)` coordinates along the two
            directions of largest variance. Each component's sign is arbitrary, so either is
            accepted.

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    return PCA_2D.check(project_2d)
