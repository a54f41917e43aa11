"""Recurrent cells in plain NumPy, one time step at a time, and the loop that unrolls them.

As in Keras, a *cell* computes one step (`h_prev, x_t -> h_t`) and a separate
loop carries the state along the time axis. Shapes follow Keras:
inputs `(batch, timesteps, features)`, states `(batch, units)`, and weights
in Keras' own layout, so a Keras layer's `get_weights()` drops straight in.

Time steps follow the course's convention (notebook 01): the inputs are
`x_1 .. x_T` (`inputs[:, t - 1]` holds `x_t`), `h_0 = 0` is the state before
any input, and `h_t` is the state after reading `x_t`; a loop returns
`h_1 .. h_T`, the last state being `h_T`.
"""

import numpy as np

from lesson_utils.arguments import check_choice, check_positive_int, check_positive_number


def simple_rnn_step(x_t, h_prev, kernel, recurrent_kernel, bias):
    """One step of a simple RNN: `h_t = tanh(x_t W_x + h_{t-1} W_h + b)`.

    Args:
        x_t: inputs at this step, shape `(batch, features)`.
        h_prev: `h_{t-1}`, the hidden state from the previous step (`h_0 = 0`
            before the first input), shape `(batch, units)`.
        kernel: `W_x`, shape `(features, units)`.
        recurrent_kernel: `W_h`, shape `(units, units)`.
        bias: `b`, shape `(units,)`.

    Returns:
        The new hidden state `h_t`, shape `(batch, units)`.
    """
    return np.tanh(x_t @ kernel + h_prev @ recurrent_kernel + bias)


def unroll(step, inputs, initial_states, mask=None):
    """Runs a one-step cell over every time step with a plain `for` loop.

    Args:
        step: a function `step(x_t, *states) -> new_states`; `new_states` is a
            single array (simple RNN, GRU) or a tuple of arrays (LSTM: `h, c`),
            the first of which is the output.
        inputs: `x_1 .. x_T`, array of shape `(batch, timesteps, features)`.
        initial_states: the states before any input (`h_0`, and `c_0` for an
            LSTM): an array, or a tuple of arrays, of shape `(batch, units)`.
        mask: optional boolean array `(batch, timesteps)`; where it is `False`
            the states are carried over unchanged, as Keras does for padding.

    Returns:
        `(outputs, final_states)`: `outputs` has shape `(batch, timesteps, units)`
        (`h_1 .. h_T`, the output after every input), `final_states` (the
        states after the last input, `h_T`) has the structure of
        `initial_states`.
    """
    single = not isinstance(initial_states, tuple)
    states = (initial_states,) if single else initial_states
    outputs = []
    for t in range(inputs.shape[1]):
        new_states = step(inputs[:, t, :], *states)
        if not isinstance(new_states, tuple):
            new_states = (new_states,)
        if mask is not None:
            keep = mask[:, t, None]
            new_states = tuple(np.where(keep, new, old) for new, old in zip(new_states, states))
        states = new_states
        outputs.append(states[0])
    final = states[0] if single else states
    return np.stack(outputs, axis=1), final


def simple_rnn_forward(inputs, kernel, recurrent_kernel, bias, mask=None):
    """A whole simple-RNN layer: `simple_rnn_step` unrolled from `h_0 = 0`.

    Args:
        inputs: array of shape `(batch, timesteps, features)`.
        kernel, recurrent_kernel, bias: the weights, in the order and layout of
            `keras.layers.SimpleRNN(...).get_weights()`.
        mask: optional boolean array `(batch, timesteps)`.

    Returns:
        `(outputs, h_final)`: every hidden state `h_1 .. h_T`, shape
        `(batch, timesteps, units)`, and the last one, `h_T`, shape `(batch, units)`.
    """
    h0 = np.zeros((inputs.shape[0], kernel.shape[1]), dtype=inputs.dtype)

    def step(x_t, h_prev):
        return simple_rnn_step(x_t, h_prev, kernel, recurrent_kernel, bias)

    return unroll(step, inputs, h0, mask=mask)


def simple_rnn_param_count(features, units):
    """Trainable parameters of `keras.layers.SimpleRNN(units)` on `features` inputs.

    The input kernel `W_x` (`features x units`), the recurrent kernel `W_h`
    (`units x units`) and the bias (`units`): `units * (features + units + 1)`.
    """
    features = check_positive_int("features", features)
    units = check_positive_int("units", units)
    return units * (features + units + 1)


# ---------------------------------------------------------------------------
# LSTM and GRU cells (notebook 03), every gate in the open.
#
# Keras packs the gates side by side in one kernel: an LSTM's kernel has
# `4 * units` columns in the order (input, forget, candidate, output), a GRU's
# has `3 * units` in the order (update, reset, candidate). The `*_gates`
# functions return every intermediate value of one step; the `*_forward`
# functions unroll them with the same `unroll` loop as the simple RNN.
# ---------------------------------------------------------------------------

LSTM_GATE_NAMES = ("input", "forget", "candidate", "output")
GRU_GATE_NAMES = ("update", "reset", "candidate")


def sigmoid(x):
    """The logistic function `1 / (1 + exp(-x))`, Keras' default `recurrent_activation`.

    Written as `(1 + tanh(x / 2)) / 2`, the same function, because `exp(-x)`
    overflows for large negative `x` and `tanh` never does.
    """
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def lstm_gates(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    """One LSTM step, returning every gate as well as the new states.

    Args:
        x_t: inputs at this step, shape `(batch, features)`.
        h_prev: hidden state from the previous step, shape `(batch, units)`.
        c_prev: cell state from the previous step, shape `(batch, units)`.
        kernel: shape `(features, 4 * units)`, columns in Keras' gate order
            input, forget, candidate, output.
        recurrent_kernel: shape `(units, 4 * units)`, same column order.
        bias: shape `(4 * units,)`, same order (with Keras' `unit_forget_bias`
            the forget block starts at 1, so a new LSTM remembers by default).

    Returns:
        A dict of arrays of shape `(batch, units)`: the gates `"input"`,
        `"forget"`, `"output"` (each in (0, 1)), the `"candidate"` (in (-1, 1)),
        the new `"cell"` state and the new `"hidden"` state.
    """
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)
    i = sigmoid(z_i)  # input gate: how much of the candidate to write
    f = sigmoid(z_f)  # forget gate: how much of the old cell state to keep
    g = np.tanh(z_c)  # candidate: what could be written
    o = sigmoid(z_o)  # output gate: how much of the cell state to show
    c = f * c_prev + i * g  # the cell state, the "conveyor belt"
    h = o * np.tanh(c)
    return {"input": i, "forget": f, "candidate": g, "output": o, "cell": c, "hidden": h}


def lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    """One LSTM step: the new hidden and cell states (see `lstm_gates` for the Args).

    Returns:
        `(h_t, c_t)`, each of shape `(batch, units)`.
    """
    values = lstm_gates(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias)
    return values["hidden"], values["cell"]


def gru_gates(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after=True):
    """One GRU step, returning every gate as well as the new state.

    Keras (like Cho et al., 2014) mixes old and new as
    `h_t = z * h_prev + (1 - z) * candidate`: an update gate `z` near 1 keeps
    the old state.

    Args:
        x_t: inputs at this step, shape `(batch, features)`.
        h_prev: hidden state from the previous step, shape `(batch, units)`.
        kernel: shape `(features, 3 * units)`, columns in Keras' gate order
            update, reset, candidate.
        recurrent_kernel: shape `(units, 3 * units)`, same column order.
        bias: with `reset_after=True`, shape `(2, 3 * units)`: row 0 is added
            to the input side, row 1 to the recurrent side (before the reset
            gate multiplies it). With `reset_after=False`, shape `(3 * units,)`,
            input side only.
        reset_after: `True` (Keras' default) applies the reset gate after the
            recurrent matrix product, `False` before it, as in the 2014 paper.

    Returns:
        A dict of arrays of shape `(batch, units)`: the gates `"update"` and
        `"reset"` (each in (0, 1)), the `"candidate"` (in (-1, 1)) and the
        new `"hidden"` state.
    """
    if reset_after:
        input_bias, recurrent_bias = bias[0], bias[1]
    else:
        input_bias, recurrent_bias = bias, 0.0
    x_z, x_r, x_h = np.split(x_t @ kernel + input_bias, 3, axis=-1)
    h_z, h_r, h_h = np.split(h_prev @ recurrent_kernel + recurrent_bias, 3, axis=-1)
    z = sigmoid(x_z + h_z)  # update gate: how much of the old state to keep
    r = sigmoid(x_r + h_r)  # reset gate: how much of the old state the candidate sees
    if reset_after:
        g = np.tanh(x_h + r * h_h)
    else:
        units = h_prev.shape[-1]
        g = np.tanh(x_h + (r * h_prev) @ recurrent_kernel[:, 2 * units :])
    h = z * h_prev + (1.0 - z) * g
    return {"update": z, "reset": r, "candidate": g, "hidden": h}


def gru_step(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after=True):
    """One GRU step: the new hidden state (see `gru_gates` for the Args).

    Returns:
        `h_t`, shape `(batch, units)`.
    """
    return gru_gates(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after)["hidden"]


def _check_cell_inputs(cell, inputs, kernel, recurrent_kernel, bias, n_blocks, bias_shape, mask):
    """Checks shapes against Keras' layout; returns `(inputs, mask)` as arrays."""
    inputs = np.asarray(inputs, dtype=np.asarray(kernel).dtype)
    if inputs.ndim != 3:
        raise ValueError(
            "Argument `inputs` must have shape (batch, timesteps, features). "
            f"Received: inputs.shape={inputs.shape}"
        )
    units = recurrent_kernel.shape[0]
    expected = {
        "kernel": (kernel, (inputs.shape[-1], n_blocks * units)),
        "recurrent_kernel": (recurrent_kernel, (units, n_blocks * units)),
        "bias": (bias, bias_shape(units)),
    }
    for name, (array, shape) in expected.items():
        if np.shape(array) != shape:
            raise ValueError(
                f"Argument `{name}` must have shape {shape} for a {cell} with "
                f"{inputs.shape[-1]} input features and {units} units (Keras' layout, "
                f"as `layer.get_weights()` returns it). Received: {name}.shape={np.shape(array)}"
            )
    if mask is not None:
        mask = np.asarray(mask)
        if mask.shape != inputs.shape[:2]:
            raise ValueError(
                f"Argument `mask` must have shape (batch, timesteps) = {inputs.shape[:2]}. "
                f"Received: mask.shape={mask.shape}"
            )
        mask = mask.astype(bool)
    return inputs, mask


def _stack_gates(per_step, mask):
    """Stacks per-step dicts into arrays `(batch, timesteps, units)`; NaN where masked."""
    gates = {name: np.stack([values[name] for values in per_step], axis=1) for name in per_step[0]}
    if mask is not None:
        gates = {name: np.where(mask[:, :, None], array, np.nan) for name, array in gates.items()}
    return gates


def lstm_forward(
    inputs, kernel, recurrent_kernel, bias, mask=None, initial_state=None, return_gates=False
):
    """A whole LSTM layer in NumPy, equal to `keras.layers.LSTM` with the same weights.

    Call it with a Keras layer's weights: `lstm_forward(x, *layer.get_weights())`.

    Args:
        inputs: array of shape `(batch, timesteps, features)`.
        kernel, recurrent_kernel, bias: the weights, in the order and layout of
            `keras.layers.LSTM(...).get_weights()` (see `lstm_gates`).
        mask: optional boolean array `(batch, timesteps)`, `False` at padding
            (e.g. `token_ids != 0` for an Embedding with `mask_zero=True`).
            At masked steps the states are carried over unchanged, as in Keras.
        initial_state: optional `(h0, c0)`; zeros by default, as in Keras.
        return_gates: also return every gate's value at every step.

    Returns:
        `(outputs, (h_final, c_final))`: the hidden state at every step, shape
        `(batch, timesteps, units)` (Keras' `return_sequences=True` output), and
        the final states, shape `(batch, units)` each. With `return_gates=True`,
        a third item: a dict with the keys of `lstm_gates` (`"input"`,
        `"forget"`, `"candidate"`, `"output"`, `"cell"`, `"hidden"`), each of
        shape `(batch, timesteps, units)`, NaN at masked steps (the gates there
        are computed but never used).
    """
    inputs, mask = _check_cell_inputs(
        "LSTM", inputs, kernel, recurrent_kernel, bias, 4, lambda units: (4 * units,), mask
    )
    units = recurrent_kernel.shape[0]
    if initial_state is None:
        zeros = np.zeros((inputs.shape[0], units), dtype=inputs.dtype)
        initial_state = (zeros, zeros)
    per_step = []

    def step(x_t, h_prev, c_prev):
        values = lstm_gates(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias)
        per_step.append(values)
        return values["hidden"], values["cell"]

    outputs, final_states = unroll(step, inputs, tuple(initial_state), mask=mask)
    if return_gates:
        return outputs, final_states, _stack_gates(per_step, mask)
    return outputs, final_states


def gru_forward(
    inputs,
    kernel,
    recurrent_kernel,
    bias,
    mask=None,
    initial_state=None,
    reset_after=True,
    return_gates=False,
):
    """A whole GRU layer in NumPy, equal to `keras.layers.GRU` with the same weights.

    Call it with a Keras layer's weights:
    `gru_forward(x, *layer.get_weights(), reset_after=layer.reset_after)`.

    Args:
        inputs: array of shape `(batch, timesteps, features)`.
        kernel, recurrent_kernel, bias: the weights, in the order and layout of
            `keras.layers.GRU(...).get_weights()` (see `gru_gates`).
        mask: optional boolean array `(batch, timesteps)`, `False` at padding.
            At masked steps the state is carried over unchanged, as in Keras.
        initial_state: optional `h0`; zeros by default, as in Keras.
        reset_after: the layer's `reset_after` setting (Keras' default `True`).
        return_gates: also return every gate's value at every step.

    Returns:
        `(outputs, h_final)`: the hidden state at every step, shape
        `(batch, timesteps, units)`, and the last one, shape `(batch, units)`.
        With `return_gates=True`, a third item: a dict with the keys of
        `gru_gates` (`"update"`, `"reset"`, `"candidate"`, `"hidden"`), each of
        shape `(batch, timesteps, units)`, NaN at masked steps.
    """
    check_choice("reset_after", reset_after, (True, False))

    def bias_shape(units):
        return (2, 3 * units) if reset_after else (3 * units,)

    inputs, mask = _check_cell_inputs(
        f"GRU(reset_after={reset_after})",
        inputs,
        kernel,
        recurrent_kernel,
        bias,
        3,
        bias_shape,
        mask,
    )
    units = recurrent_kernel.shape[0]
    if initial_state is None:
        initial_state = np.zeros((inputs.shape[0], units), dtype=inputs.dtype)
    per_step = []

    def step(x_t, h_prev):
        values = gru_gates(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after)
        per_step.append(values)
        return values["hidden"]

    outputs, h_final = unroll(step, inputs, initial_state, mask=mask)
    if return_gates:
        return outputs, h_final, _stack_gates(per_step, mask)
    return outputs, h_final


def lstm_param_count(features, units):
    """Trainable parameters of `keras.layers.LSTM(units)` on `features` inputs.

    Four blocks (three gates and the candidate), each with an input kernel,
    a recurrent kernel and a bias: `4 * units * (features + units + 1)`.
    """
    features = check_positive_int("features", features)
    units = check_positive_int("units", units)
    return 4 * units * (features + units + 1)


def gru_param_count(features, units, reset_after=True):
    """Trainable parameters of `keras.layers.GRU(units, reset_after=...)`.

    Three blocks (two gates and the candidate); `reset_after=True` keeps a
    second bias row for the recurrent side: `3 * units * (features + units + 2)`,
    else `3 * units * (features + units + 1)`.
    """
    features = check_positive_int("features", features)
    units = check_positive_int("units", units)
    bias_rows = 2 if check_choice("reset_after", reset_after, (True, False)) else 1
    return 3 * units * (features + units + bias_rows)


def softmax(logits, temperature=1.0):
    """`softmax(logits / temperature)` along the last axis, without overflow.

    The read-out of a network that guesses the next character (notebooks 07 and 08).

    Args:
        logits: an array, one score per character along the last axis.
        temperature: a positive number; below 1 sharpens, above 1 flattens.

    Returns:
        Probabilities of the same shape, each row summing to 1.
    """
    z = np.asarray(logits, dtype=float) / check_positive_number("temperature", temperature)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
