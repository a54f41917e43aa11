"""The capstone (notebook 08): a character-level RNN in plain NumPy, forward and backward.

The model of Karpathy's min-char-rnn and CS231n's RNN assignment, built from
the course's own pieces: each character comes in one-hot, notebook 01's
`simple_rnn_step` updates the tanh state, a dense layer and a softmax give the
probabilities of the next character, and the loss is the cross-entropy in bits
(the mean surprise, notebook 07). The backward pass is notebook 02's
backpropagation through time, with a gradient flowing into every state from
its own output as well as from the next step. `numerical_gradient` and
`relative_error` check it against centred finite differences.

The weights are a dict with the keys of `PARAMETER_NAMES`, in Keras' layout:
`kernel` `(vocab, units)` is `W_x`, `recurrent_kernel` `(units, units)` is
`W_h`, `bias` `(units,)`, `output_kernel` `(units, vocab)` is `W_y` and
`output_bias` `(vocab,)`. Time follows the course's convention: `h_0` is the
state before the window's first character, `h_t` the state after reading
`x_t`.
"""

import numpy as np

from lesson_utils.arguments import check_positive_int, check_positive_number
from lesson_utils.scratch.cells import simple_rnn_step, softmax, unroll

PARAMETER_NAMES = ("kernel", "recurrent_kernel", "bias", "output_kernel", "output_bias")


def init_char_rnn(vocab, units, seed):
    """Random weights for a character RNN, in float64.

    Each weight matrix is drawn from a normal distribution with standard
    deviation `1 / sqrt(fan_in)`, so that no unit starts saturated; the biases
    start at zero.

    Args:
        vocab: the number of characters.
        units: the size of the hidden state.
        seed: the random generator's seed.

    Returns:
        A dict of arrays with the keys of `PARAMETER_NAMES`.
    """
    vocab = check_positive_int("vocab", vocab)
    units = check_positive_int("units", units)
    rng = np.random.default_rng(seed)
    return {
        "kernel": rng.normal(size=(vocab, units)),  # fan-in 1: a one-hot input picks one row
        "recurrent_kernel": rng.normal(size=(units, units)) / np.sqrt(units),
        "bias": np.zeros(units),
        "output_kernel": rng.normal(size=(units, vocab)) / np.sqrt(units),
        "output_bias": np.zeros(vocab),
    }


def one_hot(ids, vocab):
    """Character ids as one-hot vectors: row `i` of the identity for id `i`.

    Args:
        ids: an int array of any shape, values below `vocab`.
        vocab: the number of characters.

    Returns:
        A float64 array of shape `ids.shape + (vocab,)`.
    """
    ids = np.asarray(ids)
    if ids.size and (ids.min() < 0 or ids.max() >= vocab):
        raise ValueError(
            f"Argument `ids` must hold character ids from 0 to {vocab - 1}. "
            f"Received: ids from {ids.min()} to {ids.max()}"
        )
    return np.eye(vocab)[ids]


def char_rnn_forward(params, inputs, targets, h_prev):
    """Reads a window of characters and scores the guess at every step, in bits.

    Args:
        params: the weights (see `init_char_rnn`).
        inputs: the characters read, ids of shape `(batch, T)`.
        targets: the characters that came next, ids of shape `(batch, T)`.
        h_prev: `h_0`, the state before the window, shape `(batch, units)`
            (zeros for a fresh start, the last window's final state to carry it).

    Returns:
        `(bits, cache)`: the mean surprise `-log2 p(target)` over every step
        of every row, and a dict of what `char_rnn_backward` needs (`"states"`
        `h_1 .. h_T` and `"h_last"`, the state to carry to the next window, among them).
    """
    if np.shape(inputs) != np.shape(targets) or np.ndim(inputs) != 2:
        raise ValueError(
            "Arguments `inputs` and `targets` must both have shape (batch, T). "
            f"Received: inputs.shape={np.shape(inputs)}, targets.shape={np.shape(targets)}"
        )
    vocab = params["kernel"].shape[0]
    x = one_hot(inputs, vocab)

    def step(x_t, h):
        return simple_rnn_step(x_t, h, params["kernel"], params["recurrent_kernel"], params["bias"])

    states, h_last = unroll(step, x, np.asarray(h_prev, dtype=float))
    probabilities = softmax(states @ params["output_kernel"] + params["output_bias"])
    given = np.take_along_axis(probabilities, np.asarray(targets)[..., None], axis=-1)[..., 0]
    cache = {
        "x": x,
        "h_prev": np.asarray(h_prev, dtype=float),
        "states": states,
        "h_last": h_last,
        "probabilities": probabilities,
        "targets": np.asarray(targets),
    }
    return float(np.mean(-np.log2(given))), cache


def char_rnn_backward(params, cache):
    """The gradients of the mean bits per character, back through the window.

    The loss reads every state: `dL/dh_t` is what the output at step `t`
    sends back (`d_logits_t @ W_y.T`) plus what step `t + 1` sends back
    through `W_h` (notebook 02). The softmax and cross-entropy together send
    back `p - one_hot(target)`, divided by the number of guesses and by
    `ln 2` (bits, not nats).

    Args:
        params: the weights the forward pass used.
        cache: the second item `char_rnn_forward` returned.

    Returns:
        A dict of gradients with the keys and shapes of `params`.
    """
    x, states, p = cache["x"], cache["states"], cache["probabilities"]
    batch, steps, vocab = p.shape
    d_logits = (p - one_hot(cache["targets"], vocab)) / (batch * steps * np.log(2))
    units = states.shape[-1]
    grads = {
        "output_kernel": states.reshape(-1, units).T @ d_logits.reshape(-1, vocab),
        "output_bias": d_logits.sum(axis=(0, 1)),
        "kernel": np.zeros_like(params["kernel"]),
        "recurrent_kernel": np.zeros_like(params["recurrent_kernel"]),
        "bias": np.zeros_like(params["bias"]),
    }
    from_outputs = d_logits @ params["output_kernel"].T  # (batch, T, units)
    previous = np.concatenate([cache["h_prev"][:, None], states[:, :-1]], axis=1)
    grad_h = np.zeros((batch, units))  # nothing comes back from after the window
    for t in range(steps - 1, -1, -1):
        grad_h = grad_h + from_outputs[:, t]
        delta = grad_h * (1.0 - states[:, t] ** 2)  # through tanh
        grads["kernel"] += x[:, t].T @ delta
        grads["recurrent_kernel"] += previous[:, t].T @ delta
        grads["bias"] += delta.sum(axis=0)
        grad_h = delta @ params["recurrent_kernel"].T  # one step back
    return grads


def char_rnn_loss_and_gradients(params, inputs, targets, h_prev):
    """One window forward and backward: what a training step needs.

    Args:
        params, inputs, targets, h_prev: as for `char_rnn_forward`.

    Returns:
        `(bits, grads, h_last)`: the window's bits per character, the
        gradients (`char_rnn_backward`) and the state after its last character.
    """
    bits, cache = char_rnn_forward(params, inputs, targets, h_prev)
    return bits, char_rnn_backward(params, cache), cache["h_last"]


def numerical_gradient(loss, array, eps=1e-5):
    """The gradient of `loss(array)` by centred finite differences, entry by entry.

    Each entry is moved by `+eps` and `-eps` in turn, and
    `(loss(+) - loss(-)) / (2 * eps)` is its slope; the error of this estimate
    shrinks as `eps**2`, where a one-sided difference's shrinks as `eps`.

    Args:
        loss: a function of the array returning one number.
        array: a float64 array; it is changed during the call and restored.
        eps: the step, a positive number.

    Returns:
        An array of the shape of `array`.
    """
    eps = check_positive_number("eps", eps)
    grad = np.zeros_like(array, dtype=float)
    for index in np.ndindex(array.shape):
        kept = array[index]
        array[index] = kept + eps
        above = loss(array)
        array[index] = kept - eps
        below = loss(array)
        array[index] = kept
        grad[index] = (above - below) / (2 * eps)
    return grad


def relative_error(analytic, numerical):
    """How far two gradients are apart, relative to their size: `|a - n| / (|a| + |n|)`.

    With norms over the whole array, an error of 1e-3 means the same whether
    the gradient is 1e-6 or 1e+3; an absolute difference would not.

    Args:
        analytic, numerical: two arrays of the same shape.

    Returns:
        A number from 0 (equal) to 1 (opposite, or one of them zero); 0 when both are zero.
    """
    analytic, numerical = np.asarray(analytic, dtype=float), np.asarray(numerical, dtype=float)
    if analytic.shape != numerical.shape:
        raise ValueError(
            "Arguments `analytic` and `numerical` must have the same shape. "
            f"Received: {analytic.shape} and {numerical.shape}"
        )
    size = np.linalg.norm(analytic) + np.linalg.norm(numerical)
    return float(np.linalg.norm(analytic - numerical) / size) if size > 0 else 0.0


def gradient_check(params, inputs, targets, h_prev, backward=char_rnn_backward, eps=1e-5):
    """Compares a backward pass with centred finite differences of the forward pass.

    Args:
        params, inputs, targets, h_prev: as for `char_rnn_forward` (float64
            weights: in float32 the differences drown in rounding).
        backward: the backward pass to check, `backward(params, cache)`.
        eps: the finite differences' step.

    Returns:
        A dict parameter name -> `relative_error(backward's, numerical)`.
    """
    _, cache = char_rnn_forward(params, inputs, targets, h_prev)
    analytic = backward(params, cache)
    errors = {}
    for name in PARAMETER_NAMES:

        def loss(array, name=name):
            return char_rnn_forward({**params, name: array}, inputs, targets, h_prev)[0]

        numerical = numerical_gradient(loss, params[name].copy(), eps)
        errors[name] = relative_error(analytic[name], numerical)
    return errors
