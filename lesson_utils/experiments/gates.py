"""Notebook 03 (the LSTM and GRU gates): the gates one at a time, and LSTM against GRU.

One-unit cells whose gates a learner sets by hand, the cell state as a
"conveyor belt", the GRU's two conventions for its update gate, and a fair
LSTM-versus-GRU comparison (parameters, time per step). Every number comes
from the NumPy cells in `lesson_utils.scratch.cells` or from Keras' own layers.
"""

import time

import numpy as np

from lesson_utils.arguments import check_choice, check_positive_int
from lesson_utils.quiet_tensorflow import import_tensorflow_quietly
from lesson_utils.scratch.cells import (
    gru_gates,
    gru_param_count,
    lstm_forward,
    lstm_gates,
    lstm_param_count,
    unroll,
)
from lesson_utils.settings import course_seed
from lesson_utils.tables import markdown_table

import_tensorflow_quietly()
import keras  # noqa: E402


def randomize_weights(layer, scale=0.6, seed=None):
    """Gives every weight of a built Keras layer a random normal value, biases included.

    A new layer's biases are 0 (and 1 for an LSTM's forget gate), so a test
    with them would not notice a bias added in the wrong place.

    Args:
        layer: a built Keras layer.
        scale: the standard deviation of the new values.
        seed: seed of the random values.

    Returns:
        The layer, for chaining.
    """
    seed = course_seed(seed)
    if not layer.built:
        raise ValueError(
            f"Layer {layer.name!r} has no weights yet: call `layer.build(...)` "
            "or call it on data first."
        )
    rng = np.random.default_rng(seed)
    layer.set_weights(
        [rng.normal(scale=scale, size=w.shape).astype(w.dtype) for w in layer.get_weights()]
    )
    return layer


def _as_step_arrays(*values):
    """Turns floats into `(1, 1)` arrays: a batch of one, one unit."""
    return [np.array([[float(v)]]) for v in values]


def one_unit_lstm(
    x,
    h_prev,
    c_prev,
    input_bias=0.0,
    forget_bias=1.0,
    candidate_bias=0.0,
    output_bias=0.0,
    weight=1.0,
):
    """One step of a one-unit LSTM whose weights are all `weight`, with biases set by hand.

    Every gate sees the same pre-activation `weight * x + weight * h_prev`, so
    its bias alone decides whether the gate is near 1 or near 0 (for the
    forget gate: keep the old cell state, or let it be overwritten): what the
    sliders of `gate_explorer` move. The forget bias starts at 1, as Keras'
    `unit_forget_bias` sets it.

    Args:
        x: the input (one feature).
        h_prev, c_prev: the previous hidden and cell states.
        input_bias, forget_bias, candidate_bias, output_bias: the four biases.
        weight: every input and recurrent weight.

    Returns:
        A dict of floats with the keys of `lesson_utils.scratch.cells.lstm_gates`.
    """
    x_t, h, c = _as_step_arrays(x, h_prev, c_prev)
    kernel = np.full((1, 4), float(weight))
    bias = np.array([input_bias, forget_bias, candidate_bias, output_bias], dtype=float)
    values = lstm_gates(x_t, h, c, kernel, kernel.copy(), bias)
    return {name: float(array[0, 0]) for name, array in values.items()}


def one_unit_gru(
    x, h_prev, update_bias=0.0, reset_bias=0.0, candidate_bias=0.0, weight=1.0, reset_after=True
):
    """One step of a one-unit GRU whose weights are all `weight`, with biases set by hand.

    Args:
        x: the input (one feature).
        h_prev: the previous hidden state.
        update_bias, reset_bias, candidate_bias: the input-side biases.
        weight: every input and recurrent weight.
        reset_after: Keras' `reset_after` setting (the recurrent biases are 0).

    Returns:
        A dict of floats with the keys of `lesson_utils.scratch.cells.gru_gates`.
    """
    x_t, h = _as_step_arrays(x, h_prev)
    kernel = np.full((1, 3), float(weight))
    bias = np.array([update_bias, reset_bias, candidate_bias], dtype=float)
    if reset_after:
        bias = np.stack([bias, np.zeros(3)])
    values = gru_gates(x_t, h, kernel, kernel.copy(), bias, reset_after=reset_after)
    return {name: float(array[0, 0]) for name, array in values.items()}


def carry_over_time(forget_bias, steps=150):
    """Writes 1 into a one-unit LSTM's cell state, then lets only the forget gate act.

    At step 0 the input is 1, the input gate is near 1 and the candidate near
    1, so the cell state becomes (almost exactly) 1; afterwards the input is
    0, the input gate is near 0 (nothing new is written), and every step
    multiplies the cell state by the forget gate `f = sigmoid(forget_bias)`:
    the cell state is `f ** t`. This runs the
    real `lstm_forward`, not the formula.

    Args:
        forget_bias: the forget gate's bias (the forget gate's pre-activation,
            since its weights are 0 here).
        steps: number of time steps.

    Returns:
        `(cell_states, forget_gate)`: the cell state at every step, shape
        `(steps,)`, and the forget gate's value (a float).
    """
    steps = check_positive_int("steps", steps)
    inputs = np.zeros((1, steps, 1))
    inputs[0, 0, 0] = 1.0
    #                  input  forget  candidate  output
    kernel = np.array([[20.0, 0.0, 20.0, 0.0]])
    bias = np.array([-10.0, float(forget_bias), 0.0, 0.0])
    _, _, gates = lstm_forward(inputs, kernel, np.zeros((1, 4)), bias, return_gates=True)
    return gates["cell"][0, :, 0], float(gates["forget"][0, -1, 0])


def flip_update_gate(kernel, recurrent_kernel, bias):
    """GRU weights for the other convention, `h = (1 - z) * h_prev + z * candidate`.

    Since `sigmoid(-a) = 1 - sigmoid(a)`, negating the update gate's columns
    turns Keras' `z` into `1 - z`: the same model, with `z` renamed.

    Args:
        kernel, recurrent_kernel, bias: a GRU's weights in Keras' layout
            (either `reset_after` setting).

    Returns:
        `(kernel, recurrent_kernel, bias)`: new arrays, the update block negated.
    """
    units = recurrent_kernel.shape[0]
    flipped = []
    for array in (kernel, recurrent_kernel, bias):
        array = np.array(array, copy=True)
        array[..., :units] *= -1
        flipped.append(array)
    return tuple(flipped)


def gru_forward_other_convention(inputs, kernel, recurrent_kernel, bias, reset_after=True):
    """A GRU that mixes as `h = (1 - z) * h_prev + z * candidate` (the "other" convention).

    Some well-known diagrams write the GRU this way, so that `z` near 1 takes
    the new candidate; Keras and Cho et al. (2014) write `z * h_prev + (1 - z) *
    candidate`, so that `z` near 1 keeps the old state. Fed the weights from
    `flip_update_gate`, this gives exactly Keras' outputs.

    Args:
        inputs: array of shape `(batch, timesteps, features)`.
        kernel, recurrent_kernel, bias: weights in Keras' layout.
        reset_after: Keras' `reset_after` setting.

    Returns:
        `(outputs, h_final)` as `lesson_utils.scratch.cells.gru_forward` returns them.
    """
    inputs = np.asarray(inputs, dtype=np.asarray(kernel).dtype)

    def step(x_t, h_prev):
        values = gru_gates(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after)
        z = values["update"]
        return (1.0 - z) * h_prev + z * values["candidate"]

    h0 = np.zeros((inputs.shape[0], recurrent_kernel.shape[0]), dtype=inputs.dtype)
    return unroll(step, inputs, h0)


def time_per_step(cell, units, features, timesteps, batch, repeats, seed=None):
    """Measures a Keras LSTM or GRU layer's forward pass on CPU, per time step.

    Both cells get the same random input. The layer runs inside a compiled
    model (`predict_on_batch`), once to warm up, then `repeats` times; the
    median is kept because a shared machine has outliers.

    Args:
        cell: `"lstm"` or `"gru"`.
        units, features, timesteps, batch: the sizes.
        repeats: timed runs.
        seed: seed of the input and the weights.

    Returns:
        Seconds per time step for the whole batch (a float).
    """
    seed = course_seed(seed)
    check_choice("cell", cell, ("lstm", "gru"))
    for name, value in (
        ("units", units),
        ("features", features),
        ("timesteps", timesteps),
        ("batch", batch),
        ("repeats", repeats),
    ):
        check_positive_int(name, value)
    keras.utils.set_random_seed(seed)
    layer = keras.layers.LSTM(units) if cell == "lstm" else keras.layers.GRU(units)
    model = keras.Sequential([keras.Input((timesteps, features)), layer])
    x = np.random.default_rng(seed).normal(size=(batch, timesteps, features)).astype("float32")
    model.predict_on_batch(x)
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.predict_on_batch(x)
        seconds.append(time.perf_counter() - start)
    return float(np.median(seconds)) / timesteps


def compare_lstm_gru(units, features, timesteps, batch, repeats, accuracies=None):
    """Parameters and time per step of an LSTM and a GRU of the same size.

    Args:
        units, features, timesteps, batch, repeats: as for `time_per_step`.
        accuracies: optional `{"lstm": {lag: accuracy}, "gru": {lag: accuracy}}`
            from the memory task, added to the rows.

    Returns:
        A dict per cell (`"lstm"`, `"gru"`): `params` (Keras' default
        `reset_after=True` for the GRU), `ms_per_step`, and `accuracy` (a
        `{lag: accuracy}` dict, empty when not given).
    """
    counts = {"lstm": lstm_param_count(features, units), "gru": gru_param_count(features, units)}
    rows = {}
    for cell in ("lstm", "gru"):
        seconds = time_per_step(cell, units, features, timesteps, batch, repeats)
        rows[cell] = {
            "params": counts[cell],
            "ms_per_step": 1000 * seconds,
            "accuracy": dict((accuracies or {}).get(cell, {})),
        }
    return rows


def comparison_markdown(rows):
    """Formats `compare_lstm_gru`'s result as a Markdown table (one row per cell).

    Args:
        rows: what `compare_lstm_gru` returns.

    Returns:
        The table as a Markdown string, for `IPython.display.Markdown`.
    """
    lags = sorted({lag for row in rows.values() for lag in row["accuracy"]})
    header = ["cell", "parameters", "ms per step (CPU)"] + [
        f"accuracy at lag {lag}" for lag in lags
    ]
    table = [
        [cell.upper(), f"{row['params']:,}", f"{row['ms_per_step']:.3f}"]
        + [f"{row['accuracy'][lag]:.2f}" if lag in row["accuracy"] else "-" for lag in lags]
        for cell, row in rows.items()
    ]
    return markdown_table(header, table)
