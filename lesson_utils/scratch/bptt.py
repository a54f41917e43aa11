"""Backpropagation through time in plain NumPy (notebook 02, vanishing and exploding gradients).

One step back through a tanh RNN (`bptt_step`), the gradient of a loss carried
back to every step (`backprop_through_time`), the gradients of the weights
summed over the steps (`simple_rnn_weight_gradients`), and gradient clipping by
the global norm (`clip_by_global_norm`). Notebook 02's exercises ask for the first
and the last; `lesson_utils.experiments.gradients` measures with the middle one.
"""

import numpy as np

from lesson_utils.arguments import check_positive_number

# ---------------------------------------------------------------------------
# The cause, in NumPy: the recurrent matrix and tanh's slope.
# ---------------------------------------------------------------------------


def bptt_step(grad_h, h, recurrent_kernel):
    """One step of backpropagation through time in a tanh RNN.

    With `h_t = tanh(a_t)` and `a_t = x_t W_x + h_{t-1} W_h + b`, the chain
    rule gives `dL/da_t = dL/dh_t * (1 - h_t**2)` (tanh's slope, element-wise)
    and `dL/dh_{t-1} = dL/da_t @ W_h.T`.

    Args:
        grad_h: `dL/dh_t`, shape `(batch, units)`.
        h: the hidden state `h_t` itself, shape `(batch, units)`.
        recurrent_kernel: `W_h`, shape `(units, units)`.

    Returns:
        `dL/dh_{t-1}` (through this path), shape `(batch, units)`.
    """
    return (grad_h * (1.0 - h**2)) @ recurrent_kernel.T


def backprop_through_time(hidden_states, recurrent_kernel, grad_last, *, linear=False):
    """The gradient of a loss that reads the last hidden state, carried back to every step.

    Args:
        hidden_states: `h_1 .. h_T` of a tanh RNN (`h_0 = 0` before them), shape
            `(batch, T, units)`
            (ignored when `linear=True`).
        recurrent_kernel: `W_h`, shape `(units, units)`.
        grad_last: `dL/dh_T`, shape `(batch, units)`.
        linear: if `True`, a linear RNN (`h_t = a_t`, slope 1): each step back
            only multiplies by `W_h.T`.

    Returns:
        `dL/dh_t` for `t = 1 .. T`, shape `(batch, T, units)`.
    """
    hidden_states = np.asarray(hidden_states, dtype=float)
    grads = [np.asarray(grad_last, dtype=float)]
    for t in range(hidden_states.shape[1] - 1, 0, -1):
        if linear:
            grads.append(grads[-1] @ recurrent_kernel.T)
        else:
            grads.append(bptt_step(grads[-1], hidden_states[:, t], recurrent_kernel))
    return np.stack(grads[::-1], axis=1)


def simple_rnn_weight_gradients(inputs, hidden_states, recurrent_kernel, grad_last):
    """The gradients of a SimpleRNN's weights, accumulated back through time.

    The loss reads the last hidden state only (many to one). Going back from
    the last step, each step computes `delta_t = dL/dh_t * (1 - h_t**2)` and
    adds its term to each weight's gradient: `x_t.T @ delta_t` to the kernel,
    `h_{t-1}.T @ delta_t` to the recurrent kernel (nothing at `t = 1`: `h_0 = 0`) and `delta_t`
    summed over the batch to the bias; then `dL/dh_{t-1} = delta_t @ W_h.T`
    carries the gradient one step further back (as in CS231n's `rnn_backward`
    and Karpathy's min-char-rnn).

    Args:
        inputs: `x_1 .. x_T`, shape `(batch, T, features)`.
        hidden_states: `h_1 .. h_T` from `simple_rnn_forward`, shape
            `(batch, T, units)`.
        recurrent_kernel: `W_h`, shape `(units, units)`.
        grad_last: `dL/dh_T`, shape `(batch, units)`.

    Returns:
        `(d_kernel, d_recurrent_kernel, d_bias, recurrent_terms)`: the three
        gradients, in the layout of `SimpleRNN.get_weights()`, and each step's
        term `h_{t-1}.T @ delta_t` of `d_recurrent_kernel`, shape `(T, units, units)`.
    """
    inputs = np.asarray(inputs, dtype=float)
    hidden_states = np.asarray(hidden_states, dtype=float)
    previous = np.concatenate([np.zeros_like(hidden_states[:, :1]), hidden_states[:, :-1]], axis=1)
    d_kernel = np.zeros((inputs.shape[-1], recurrent_kernel.shape[0]))
    d_bias = np.zeros(recurrent_kernel.shape[0])
    recurrent_terms = np.zeros((hidden_states.shape[1],) + recurrent_kernel.shape)
    grad_h = np.asarray(grad_last, dtype=float)
    for t in range(hidden_states.shape[1] - 1, -1, -1):
        delta = grad_h * (1.0 - hidden_states[:, t] ** 2)
        d_kernel += inputs[:, t].T @ delta
        recurrent_terms[t] = previous[:, t].T @ delta
        d_bias += delta.sum(axis=0)
        grad_h = delta @ recurrent_kernel.T
    return d_kernel, recurrent_terms.sum(axis=0), d_bias, recurrent_terms


# ---------------------------------------------------------------------------
# Exploding gradients tamed: clipping.
# ---------------------------------------------------------------------------


def clip_by_global_norm(gradients, clip_norm):
    """Scales a list of gradients down so that their global norm is at most `clip_norm`.

    The global norm is `sqrt(sum of every squared entry of every array)`.
    Above `clip_norm`, every array is multiplied by `clip_norm / global norm`,
    so the step keeps its direction and only gets shorter; below, nothing
    changes. It is what a Keras optimizer made with `global_clipnorm` does
    (and `tf.clip_by_global_norm`).

    Args:
        gradients: a list of NumPy arrays.
        clip_norm: the largest global norm allowed, a positive number.

    Returns:
        The list of clipped arrays.
    """
    clip_norm = check_positive_number("clip_norm", clip_norm)
    gradients = [np.asarray(g, dtype=float) for g in gradients]
    global_norm = np.sqrt(sum(np.sum(g**2) for g in gradients))
    scale = min(1.0, clip_norm / global_norm) if global_norm > 0 else 1.0
    return [g * scale for g in gradients]
