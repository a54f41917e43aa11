"""Backpropagation through time in plain NumPy (notebook 02, vanishing and exploding gradients).

One step back through a tanh RNN (`bptt_step`), the gradient of a loss carried
back to every step (`backprop_through_time`), and gradient clipping by the
global norm (`clip_by_global_norm`). Notebook 02's exercises ask for the first
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
    return (grad_h * (1.0 - h ** 2)) @ recurrent_kernel.T


def backprop_through_time(hidden_states, recurrent_kernel, grad_last, *, linear=False):
    """The gradient of a loss that reads the last hidden state, carried back to every step.

    Args:
        hidden_states: `h_0 .. h_{T-1}` of a tanh RNN, shape `(batch, T, units)`
            (ignored when `linear=True`).
        recurrent_kernel: `W_h`, shape `(units, units)`.
        grad_last: `dL/dh_{T-1}`, shape `(batch, units)`.
        linear: if `True`, a linear RNN (`h_t = a_t`, slope 1): each step back
            only multiplies by `W_h.T`.

    Returns:
        `dL/dh_t` for every `t`, shape `(batch, T, units)`.
    """
    hidden_states = np.asarray(hidden_states, dtype=float)
    grads = [np.asarray(grad_last, dtype=float)]
    for t in range(hidden_states.shape[1] - 1, 0, -1):
        if linear:
            grads.append(grads[-1] @ recurrent_kernel.T)
        else:
            grads.append(bptt_step(grads[-1], hidden_states[:, t], recurrent_kernel))
    return np.stack(grads[::-1], axis=1)


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
    global_norm = np.sqrt(sum(np.sum(g ** 2) for g in gradients))
    scale = min(1.0, clip_norm / global_norm) if global_norm > 0 else 1.0
    return [g * scale for g in gradients]
