"""Notebook 02's exercises: a step of backpropagation through time, clipping by the global
norm, the average factor per step, and the recurrent kernel's gradient."""

import functools

import numpy as np

from lesson_utils.exercises.core import Exercise
from lesson_utils.scratch.bptt import bptt_step, clip_by_global_norm, simple_rnn_weight_gradients

# The exercises' data, the same at every check: states h_1 .. h_6 of a tanh RNN (5 examples,
# 4 units; h_0 = 0 before them), its recurrent kernel, and the loss's gradient with respect
# to the last state, h_6.
_rng = np.random.default_rng(12)
_states = _rng.uniform(-0.95, 0.95, size=(5, 6, 4))
_kernel, _grad = _rng.normal(size=(4, 4)), _rng.normal(size=(5, 4))
BPTT_STEP = Exercise(
    bptt_step,
    {"random states": (_grad, _states[:, -1], _kernel)},
    "dL/dh_{t-1}, one row per example, one column per unit",
    {
        "W_h is not transposed: forward, h_t uses h_{t-1} @ W_h, so backward the gradient goes "
        "through W_h.T.": lambda g, h, w: (g * (1 - h**2)) @ w,
        "tanh's slope is missing: multiply grad_h by (1 - h**2) element-wise first.": (
            lambda g, h, w: g @ w.T
        ),
        "tanh's slope is 1 - h**2 (h squared), not 1 - h.": lambda g, h, w: (g * (1 - h)) @ w.T,
        "h is already tanh(a): its slope is 1 - h**2, don't apply tanh to h again.": (
            lambda g, h, w: (g * (1 - np.tanh(h) ** 2)) @ w.T
        ),
        "the step back through W_h is missing: multiply by W_h.T after the slope.": (
            lambda g, h, w: g * (1 - h**2)
        ),
    },
)


_large = [_rng.normal(size=shape) * 3 for shape in [(3, 4), (4,), (4, 1)]]
CLIP_BY_GLOBAL_NORM = Exercise(
    clip_by_global_norm,
    {"above": (_large, 1.0), "below": ([g / 100 for g in _large], 1.0)},
    "the clipped arrays, one per gradient",
    {
        "each array was clipped on its own norm; `global_clipnorm` uses one norm for all arrays "
        "together (the square root of the sum of all squares), so the direction of the whole step "
        "is kept.": lambda gs, c: [g * min(1.0, c / np.linalg.norm(g)) for g in gs],
        "that clips each entry to [-clip_norm, clip_norm] (Keras' `clipvalue`), which changes the "
        "step's direction; scale every array by clip_norm / global norm instead.": (
            lambda gs, c: [np.clip(g, -c, c) for g in gs]
        ),
        "small gradients must stay unchanged: scale only when the global norm is above clip_norm "
        "(scale = min(1, clip_norm / global norm)).": lambda gs, c: [
            g * c / np.sqrt(sum(np.sum(x**2) for x in gs)) for g in gs
        ],
    },
    success="{name} matches global_clipnorm above and below the threshold.",
    otherwise="with the global norm {case} clip_norm the result differs from "
    "min(1, clip_norm / global norm) * each array.",
)

_factors = _rng.uniform(0.3, 1.8, size=50)
GEOMETRIC_MEAN = Exercise(
    lambda factors: np.prod(factors) ** (1 / len(factors)),
    {"[0.5, 2.0]": (np.array([0.5, 2.0]),), f"{np.round(_factors[:4], 3)}...": (_factors,)},
    "the factor per step",
    {
        "that is the arithmetic mean. A gradient multiplied by 0.5 and then by 2 is back where it "
        "started (factor 1 per step), yet the arithmetic mean of [0.5, 2] is 1.25.": np.mean,
        "that is the change over all the steps together (the product); the factor per step is its "
        "k-th root, for k factors.": np.prod,
        "the product divided by k is not an average factor: take the k-th root of the product.": (
            lambda f: np.prod(f) / len(f)
        ),
    },
    success="{name} gives the factor that compounds: applied at every step, it gives the same "
    "total change as the factors themselves.",
    otherwise="for factors {case} you returned {result:.4g}, expected {expected:.4g}: the number "
    "which, multiplied by itself k times, equals the product of the k factors.",
)


def _accumulate(
    states, recurrent_kernel, grad_last, slope=True, transpose=True, previous=True, swap=False
):
    """dL/dW_h accumulated back through time; each keyword set to `False`/`True` makes one of
    its parts wrong, as a learner might."""
    shifted = np.concatenate([np.zeros_like(states[:, :1]), states[:, :-1]], axis=1)
    grad_h, total = grad_last, np.zeros_like(recurrent_kernel)
    for t in range(states.shape[1] - 1, -1, -1):
        delta = grad_h * (1 - states[:, t] ** 2) if slope else grad_h
        h = shifted[:, t] if previous else states[:, t]
        total = total + (delta.T @ h if swap else h.T @ delta)
        grad_h = delta @ (recurrent_kernel.T if transpose else recurrent_kernel)
    return total


RECURRENT_WEIGHT_GRADIENT = Exercise(
    lambda states, w, grad_last: simple_rnn_weight_gradients(
        np.zeros(states.shape[:2] + (1,)), states, w, grad_last
    )[1],
    {"random states": (_states, _kernel, _grad)},
    "dL/dW_h, the shape of W_h (units, units)",
    {
        "the product is transposed: each step adds h_{t-1}.T @ delta_t (units of h_{t-1} along "
        "the rows, as W_h's rows meet h_{t-1} in h_{t-1} @ W_h).": (
            functools.partial(_accumulate, swap=True)
        ),
        "tanh's slope is missing: delta_t = dL/dh_t * (1 - h_t**2), before the product and before "
        "the step back.": functools.partial(_accumulate, slope=False),
        "off by one step: W_h multiplies the previous state, so step t adds h_{t-1}.T @ delta_t, "
        "not h_t.T @ delta_t (states[:, t - 1] is h_t; step 1 adds nothing, as h_0 = 0).": (
            functools.partial(_accumulate, previous=False)
        ),
        "the loop runs from the wrong end: the loss reads the last state, so start at t = T "
        "(h_T, states[:, -1]) with grad_last and carry the gradient back to t = 1.": (
            lambda s, w, g: _accumulate(s[:, ::-1], w, g)
        ),
        "off by one step at the top: grad_last is dL/dh_T, the gradient at the last state "
        "(states[:, -1]), so the first delta is grad_last * (1 - h_T**2), not the slope of the "
        "state before it.": lambda s, w, g: _accumulate(s[:, :-1], w, g),
        "W_h is not transposed on the step back: dL/dh_{t-1} = delta_t @ W_h.T.": (
            functools.partial(_accumulate, transpose=False)
        ),
        "only the last step's term is there: the gradient must be carried back and every step's "
        "term added up.": lambda s, w, g: s[:, -2].T @ (g * (1 - s[:, -1] ** 2)),
    },
)


def check_bptt_step(bptt_step):
    """Checks a learner's one step of backpropagation through time in a tanh RNN.

    Args:
        bptt_step: a function `bptt_step(grad_h, h, recurrent_kernel)` that returns `dL/dh_{t-1}`
            from `grad_h = dL/dh_t` and the state `h = h_t = tanh(x_t W_x + h_{t-1} W_h + b)`.

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    return BPTT_STEP.check(bptt_step)


def check_clip_by_global_norm(clip):
    """Checks a learner's gradient clipping by global norm (Keras' `global_clipnorm`).

    Args:
        clip: a function `clip(gradients, clip_norm)` taking a list of NumPy arrays and returning
            the list of clipped arrays.

    Returns:
        `True` if it is right both above and below the threshold, else `False`.
    """
    return CLIP_BY_GLOBAL_NORM.check(clip)


def check_geometric_mean(geometric_mean):
    """Checks a learner's average factor per step: applied at every step, it gives the same total.

    Args:
        geometric_mean: a function `geometric_mean(factors)` taking a 1-D array of positive per-step
            factors and returning one number.

    Returns:
        `True` if it is right on every test case, else `False` (and prints why).
    """
    return GEOMETRIC_MEAN.check(geometric_mean)


def check_recurrent_weight_gradient(recurrent_weight_gradient):
    """Checks a learner's gradient of the recurrent kernel, accumulated back through time.

    Args:
        recurrent_weight_gradient: a function `recurrent_weight_gradient(states, recurrent_kernel,
            grad_last)` returning `dL/dW_h` for a tanh RNN whose loss reads the last state, given
            the states `h_1 .. h_T` `(batch, T, units)` (`h_0 = 0` before them), `W_h` and
            `dL/dh_T` `(batch, units)`.

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    return RECURRENT_WEIGHT_GRADIENT.check(recurrent_weight_gradient)
