"""Notebook 08's exercises: the capstone's forward pass in bits, its backward pass through time,
the centred finite difference, and what a gradient check says about a clipped backward pass."""

import functools

import numpy as np

from lesson_utils.exercises.core import Exercise
from lesson_utils.scratch.cells import softmax
from lesson_utils.scratch.char_rnn import (
    PARAMETER_NAMES,
    char_rnn_backward,
    char_rnn_forward,
    init_char_rnn,
    numerical_gradient,
    one_hot,
)

# The exercises' data, the same at every check: a model of 7 characters and 5 units, 3 streams
# of 6 characters, and a state carried in from an earlier window.
_rng = np.random.default_rng(25)
_params = init_char_rnn(7, 5, seed=25)
_params["bias"], _params["output_bias"] = _rng.normal(size=5) * 0.3, _rng.normal(size=7) * 0.3
_inputs, _targets = _rng.integers(0, 7, size=(3, 6)), _rng.integers(0, 7, size=(3, 6))
_h_prev = _rng.uniform(-0.8, 0.8, size=(3, 5))
_WINDOW = (_params, _inputs, _targets, _h_prev)


def _bits(params, inputs, targets, h_prev):
    return char_rnn_forward(params, inputs, targets, h_prev)[0]


def _guess_before_reading(params, inputs, targets, h_prev):
    """The bits when each guess is made from the state before the character is read."""
    _, cache = char_rnn_forward(params, inputs, targets, h_prev)
    before = np.concatenate([h_prev[:, None], cache["states"][:, :-1]], axis=1)
    p = softmax(before @ params["output_kernel"] + params["output_bias"])
    return float(np.mean(-np.log2(np.take_along_axis(p, targets[..., None], axis=-1))))


WINDOW_BITS = Exercise(
    _bits,
    {"random weights, a carried state": _WINDOW},
    "the mean bits per character over the window, one number",
    {
        "that is in nats (the natural logarithm): bits use log2, or divide by ln 2.": (
            lambda *args: _bits(*args) * np.log(2)
        ),
        "h_prev is ignored: the window starts from the state carried in, h_prev, not from "
        "zeros.": lambda p, x, y, h: _bits(p, x, y, np.zeros_like(h)),
        "that is the total over the window: bits *per character* is the mean over every step of "
        "every row.": lambda p, x, y, h: _bits(p, x, y, h) * x.size,
        "that scores the character just read: score the one that came next, targets[:, t].": (
            lambda p, x, y, h: _bits(p, x, x, h)
        ),
        "the state's bias is missing: h_t = tanh(x_t W_x + h_{t-1} W_h + b).": (
            lambda p, x, y, h: _bits({**p, "bias": 0 * p["bias"]}, x, y, h)
        ),
        "the output bias is missing: logits = h_t W_y + output_bias.": (
            lambda p, x, y, h: _bits({**p, "output_bias": 0 * p["output_bias"]}, x, y, h)
        ),
        "each guess should come from the state after reading x_t (h_t), not the state before "
        "it: read the character first, then guess.": _guess_before_reading,
    },
    on_error=". Shapes: one_hot(inputs) is (batch, T, vocab); the state (batch, units); the "
    "logits (batch, T, vocab).",
)


def _gradients(params, inputs, targets, h_prev, **wrong):
    """The reference's gradients as a list in `PARAMETER_NAMES`' order; each keyword set to
    `False` makes one part of the backward pass wrong, as a learner might."""
    _, cache = char_rnn_forward(params, inputs, targets, h_prev)
    if not wrong:
        grads = char_rnn_backward(params, cache)
        return [grads[name] for name in PARAMETER_NAMES]
    return _wrong_backward(params, cache, **wrong)


def _wrong_backward(params, cache, carry=True, slope=True, transpose=True, previous=True):
    x, states, p = cache["x"], cache["states"], cache["probabilities"]
    batch, steps, vocab = p.shape
    d_logits = (p - one_hot(cache["targets"], vocab)) / (batch * steps * np.log(2))
    grads = {name: np.zeros_like(params[name]) for name in PARAMETER_NAMES}
    grads["output_kernel"] = np.einsum("btu,btv->uv", states, d_logits)
    grads["output_bias"] = d_logits.sum(axis=(0, 1))
    h_prev = cache["h_prev"] if previous else np.zeros_like(cache["h_prev"])
    shifted = np.concatenate([h_prev[:, None], states[:, :-1]], axis=1)
    w_h = params["recurrent_kernel"]
    grad_h = np.zeros_like(h_prev)
    for t in range(steps - 1, -1, -1):
        grad_h = (grad_h if carry else 0) + d_logits[:, t] @ params["output_kernel"].T
        delta = grad_h * (1 - states[:, t] ** 2) if slope else grad_h
        grads["kernel"] += x[:, t].T @ delta
        grads["recurrent_kernel"] += shifted[:, t].T @ delta
        grads["bias"] += delta.sum(axis=0)
        grad_h = delta @ (w_h.T if transpose else w_h)
    return [grads[name] for name in PARAMETER_NAMES]


GRADIENTS = Exercise(
    _gradients,
    {"random weights, a carried state": _WINDOW},
    "a dict of gradients, one per weight, each of the weight's shape",
    {
        "these are the gradients of the loss in nats: the loss is in bits, so divide "
        "p - one_hot(target) by ln 2 as well as by the number of guesses.": (
            lambda *args: [g * np.log(2) for g in _gradients(*args)]
        ),
        "these are the gradients of the total over the window: the loss is the mean, so divide "
        "p - one_hot(target) by batch * T.": lambda *args: [
            g * args[1].size for g in _gradients(*args)
        ],
        "the gradient is not carried back through time: dL/dh_t is what step t's output sends "
        "back plus what step t + 1 sends back through W_h.": (
            functools.partial(_gradients, carry=False)
        ),
        "tanh's slope is missing: delta_t = dL/dh_t * (1 - h_t**2).": (
            functools.partial(_gradients, slope=False)
        ),
        "W_h is not transposed on the step back: dL/dh_{t-1} = delta_t @ W_h.T.": (
            functools.partial(_gradients, transpose=False)
        ),
        "the first step's W_h term uses zeros for the state before it: the window started from "
        "h_prev, so step 1 adds h_prev.T @ delta_1.": functools.partial(_gradients, previous=False),
    },
    success="{name} matches the reference backward pass for every weight.",
    otherwise="{name} differs from the reference by up to {gap:.3g}. Check the output layer's "
    "gradients first (they need no loop), then delta_t, step by step from t = T.",
)


def _as_list(function):
    """The learner's function, returning its dict of gradients as a list in
    `PARAMETER_NAMES`' order (anything else unchanged, for the check to describe)."""
    if not callable(function):
        return function

    @functools.wraps(function)
    def listed(*args):
        result = function(*args)
        if isinstance(result, dict) and set(result) == set(PARAMETER_NAMES):
            return [result[name] for name in PARAMETER_NAMES]
        return result

    return listed


def _one_sided(loss, array, eps):
    array = array.copy()
    grad, base = np.zeros_like(array), loss(array)
    for index in np.ndindex(array.shape):
        array[index] += eps
        grad[index] = (loss(array) - base) / eps
        array[index] -= eps
    return grad


def _bumpy(array):
    return float(np.sum(np.sin(3 * array) * array**2))


_array = _rng.normal(size=(3, 4))
NUMERICAL_GRADIENT = Exercise(
    lambda loss, array, eps: numerical_gradient(loss, array.copy(), eps),
    {"eps = 1e-3": (_bumpy, _array, 1e-3), "eps = 1e-5": (_bumpy, _array, 1e-5)},
    "the estimated gradient, an array of the shape of `array`",
    {
        "that is a one-sided difference, (loss(w + eps) - loss(w)) / eps: its error shrinks only "
        "as eps. Use the centred one, (loss(w + eps) - loss(w - eps)) / (2 * eps).": _one_sided,
        "the two points are 2 * eps apart: divide by 2 * eps, not eps.": lambda f, a, e: (
            2 * numerical_gradient(f, a.copy(), e)
        ),
    },
    success="{name} gives the centred finite differences, entry by entry.",
    otherwise="at {case} your estimate differs from the centred difference by up to {gap:.3g}. "
    "Move one entry at a time, and put it back before moving the next.",
)


CLIPPED_CHECK = Exercise(
    lambda global_norm, clip_norm: max(0.0, (global_norm - clip_norm) / (global_norm + clip_norm)),
    {"global norm 4, clip_norm 1": (4.0, 1.0), "global norm 0.5, clip_norm 1": (0.5, 1.0)},
    "the relative error the check would print, one number",
    {
        "that divides by the true gradient's size alone; relative_error divides by the sum of "
        "both sizes, |a| + |n|.": lambda n, c: max(0.0, (n - c) / n),
        "clipping does change the gradient when its global norm is above clip_norm: every array "
        "is multiplied by clip_norm / global norm, which the finite differences never are.": (
            lambda n, c: 0.0
        ),
        "below clip_norm nothing is clipped, so the two gradients agree: the error is 0 there, "
        "never negative.": lambda n, c: (n - c) / (n + c),
        "that is the scale the clipping applies (clip_norm / global norm); the error compares "
        "the scaled gradient a = s * g with the true one, n = g.": lambda n, c: min(1.0, c / n),
    },
    success="{name} says what the check would print: a bug that only appears once the "
    "gradients are large, the same error for every weight.",
    otherwise="for {case} you returned {result:.4g}, expected {expected:.4g}. With a = s * g "
    "and n = g, |a - n| / (|a| + |n|) depends on the scale s = min(1, clip_norm / global norm) "
    "only.",
)


def check_window_bits(window_bits):
    """Checks a learner's forward pass of the character RNN over a window, in bits.

    Args:
        window_bits: a function `window_bits(params, inputs, targets, h_prev)` returning the mean
            `-log2 p(target)` over every step of every row: one-hot inputs, the tanh step from
            `h_prev`, the logits `h_t W_y + output_bias` and their softmax.

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    return WINDOW_BITS.check(window_bits)


def check_char_rnn_gradients(char_rnn_gradients):
    """Checks a learner's backward pass through time of the character RNN.

    Args:
        char_rnn_gradients: a function `char_rnn_gradients(params, inputs, targets, h_prev)`
            returning a dict with the keys of `params`: the gradient of the window's mean bits
            per character with respect to each weight.

    Returns:
        `True` if every gradient is right, else `False` (and prints why).
    """
    return GRADIENTS.check(_as_list(char_rnn_gradients))


def check_numerical_gradient(numerical_gradient):
    """Checks a learner's gradient by centred finite differences.

    Args:
        numerical_gradient: a function `numerical_gradient(loss, array, eps)` returning, for
            every entry of `array`, `(loss(array with the entry + eps) - loss(... - eps)) /
            (2 * eps)`, an array of the shape of `array`.

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    return NUMERICAL_GRADIENT.check(numerical_gradient)


def check_clipped_check_error(clipped_check_error):
    """Checks a learner's reasoning: what the gradient check prints if the backward pass clips.

    Args:
        clipped_check_error: a function `clipped_check_error(global_norm, clip_norm)` returning
            the relative error `|a - n| / (|a| + |n|)` between a backward pass that clips its
            gradients to `clip_norm` and the finite differences, when the true gradients have the
            global norm `global_norm`.

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    return CLIPPED_CHECK.check(clipped_check_error)
