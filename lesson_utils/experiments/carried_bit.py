"""Notebook 03 (the LSTM and GRU gates): how a trained gated cell carries the memory task's bit.

Notebook 02 measured the error signal fading through a SimpleRNN and said
that gates fix it; here the gated cells are trained on notebook 01's memory
task (`lesson_utils.experiments.memory`) at a lag where the SimpleRNN fails,
then opened up on test sequences whose bit is marked at the first step:

* `bit_path_gates` runs the trained layer's weights through the NumPy cells
  (`recurrent_layer_forward`) and reads the gate that keeps the state, the
  forget gate of the LSTM or the update gate of the GRU, for the units that
  hold the bit at the end and for the others, from the marked step to the end;
* `state_gradient_norms` measures, as notebook 02 did, how much of the error
  signal at the end reaches the state at each earlier step.
"""

import numpy as np

from lesson_utils.arguments import check_choice, check_positive_int
from lesson_utils.data.memory_task import make_memory_task
from lesson_utils.experiments.gradients import steps_back_ratio
from lesson_utils.experiments.inspection import recurrent_layer_forward
from lesson_utils.experiments.memory import train_memory_model
from lesson_utils.progress import track
from lesson_utils.quiet_tensorflow import import_tensorflow_quietly
from lesson_utils.settings import CELL_TYPES, CELLS, course_seed, lesson_sizes

import_tensorflow_quietly()
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

# The gate that keeps a unit's state from one step to the next: near 1, the state is carried.
KEEP_GATES = {"lstm": "forget", "gru": "update"}

# A unit carries the bit when its state at the end tells the bit apart this well: the
# absolute correlation, over the test sequences, of its final state with the marked bit.
CARRIER_CORRELATION = 0.5


def _memory_layers(model):
    """The recurrent layer and the readout of a memory model, checked."""
    layers = getattr(model, "layers", None)
    recurrent = (keras.layers.SimpleRNN, keras.layers.LSTM, keras.layers.GRU)
    if not layers or len(layers) != 2 or not isinstance(layers[0], recurrent):
        raise ValueError(
            "Argument `model` must be a memory model: a SimpleRNN, LSTM or GRU layer and a "
            f"readout (`build_memory_model`). Received: model={model!r}"
        )
    return layers


def _check_marked_first(inputs):
    """The memory task's sequences whose bit is marked at the first step, as float32."""
    inputs = np.asarray(inputs, dtype="float32")
    if inputs.ndim != 3 or inputs.shape[-1] != 2 or not np.all(inputs[:, 0, 1] == 1):
        raise ValueError(
            "Argument `inputs` must be memory-task sequences of shape (batch, lag + 1, 2) "
            "whose bit is marked at the first step (`make_memory_task(lag, n)`). Received: "
            f"inputs of shape {inputs.shape}"
        )
    return inputs


def state_gradient_norms(model, inputs, targets):
    """Norm of the gradient of the loss with respect to the recurrent state at each step.

    The state that step `t` hands on to step `t + 1` (`h_t`, and for an LSTM
    `c_t` too) gets a zero added to it, and `tf.GradientTape` gives the
    gradient of the loss with respect to that zero: `dL/ds_t`, all that the
    error signal at the end says about step `t`'s state. Notebook 02's
    `radius_gradient_curves` measures the same quantity in NumPy for a tanh
    RNN; this one steps the trained layer's own Keras cell.

    Args:
        model: a memory model (`build_memory_model`), trained or not.
        inputs: array `(batch, timesteps, 2)`.
        targets: array `(batch,)` of 0 and 1.

    Returns:
        A NumPy array `(timesteps,)`: `||dL/ds_t||` for each `t`, averaged over
        the batch, last step last (as `input_gradient_norms` orders it, so that
        `steps_back_ratio` and `plot_gradient_norms` read it).
    """
    recurrent, readout = _memory_layers(model)
    inputs = np.asarray(inputs, dtype="float32")
    if inputs.ndim != 3:
        raise ValueError(
            "Argument `inputs` must have shape (batch, timesteps, features). "
            f"Received: inputs.shape={inputs.shape}"
        )
    targets = np.asarray(targets, dtype="float32").reshape(len(inputs), 1)
    batch, timesteps, _ = inputs.shape
    n_states = 2 if isinstance(recurrent, keras.layers.LSTM) else 1
    zero = tf.zeros((batch, recurrent.units))
    probes = [[tf.identity(zero) for _ in range(n_states)] for _ in range(timesteps)]
    with tf.GradientTape() as tape:
        tape.watch(probes)
        states = [zero] * n_states
        for t in range(timesteps):
            _, new_states = recurrent.cell(inputs[:, t], states, training=False)
            states = [state + probe for state, probe in zip(new_states, probes[t])]
        loss = keras.losses.BinaryCrossentropy()(targets, readout(states[0]))
    # The last cell state reaches no loss: its gradient is 0 (TensorFlow would say None).
    gradients = tape.gradient(loss, probes, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    per_step = np.stack([np.concatenate([g.numpy() for g in step], -1) for step in gradients], 1)
    return np.linalg.norm(per_step, axis=-1).mean(axis=0)


def bit_path_gates(model, inputs, cell):
    """The keeping gate of a trained memory model, per step and unit, on the marked bit's path.

    The trained layer's weights run through our NumPy cells
    (`recurrent_layer_forward`) on sequences whose bit is marked at step 0:
    the bit is written at step 0 and must be kept by the gates of steps
    1 to `lag`, its path to the end. A unit *carries* the bit when its final
    state (the cell state of an LSTM) correlates with the bit, over the
    sequences, by at least `CARRIER_CORRELATION` in absolute value.

    Args:
        model: a trained memory model (`train_memory_model`) with an LSTM or a GRU.
        inputs: memory-task sequences marked at the first step,
            `make_memory_task(lag, n)[0]`, shape `(n, lag + 1, 2)`.
        cell: `"lstm"` or `"gru"`, the model's cell.

    Returns:
        A dict: `gate` (`"forget"` or `"update"`), `by_step` (the gate's mean
        over the sequences, shape `(lag + 1, units)`, row 0 the marked step),
        `correlation` (each unit's final state against the bit, `(units,)`),
        `carriers` (the carrying units' indices, strongest first),
        `on_path` (the carriers' gate, mean over steps 1 to `lag`),
        `others_on_path` (the same for the other units, NaN if there are
        none), `at_mark` (the carriers' gate at the marked step) and
        `kept` (the median over the sequences of the product of the
        strongest carrier's gates along the path: the share of its state
        that the gates alone keep from step 0 to the end).
    """
    check_choice("cell", cell, tuple(KEEP_GATES))
    recurrent, _ = _memory_layers(model)
    inputs = _check_marked_first(inputs)
    _, final_states, gates = recurrent_layer_forward(recurrent, inputs)
    final = final_states[1] if cell == "lstm" else final_states
    bits = inputs[:, 0, 0]
    centred = final - final.mean(axis=0)
    spread = np.linalg.norm(centred, axis=0) * np.linalg.norm(bits - bits.mean())
    correlation = np.divide(
        centred.T @ (bits - bits.mean()), spread, out=np.zeros(final.shape[1]), where=spread > 0
    )
    strength = np.abs(correlation)
    carriers = [int(u) for u in np.argsort(-strength) if strength[u] >= CARRIER_CORRELATION]
    others = [u for u in range(final.shape[1]) if u not in carriers]
    gate = gates[KEEP_GATES[cell]]
    by_step = gate.mean(axis=0)
    on_path = gate[:, 1:]
    return {
        "gate": KEEP_GATES[cell],
        "by_step": by_step,
        "correlation": correlation,
        "carriers": carriers,
        "on_path": float(on_path[:, :, carriers].mean()) if carriers else float("nan"),
        "others_on_path": float(on_path[:, :, others].mean()) if others else float("nan"),
        "at_mark": float(gate[:, 0, carriers].mean()) if carriers else float("nan"),
        "kept": float(np.median(on_path[:, :, carriers[0]].prod(axis=1)))
        if carriers
        else float("nan"),
    }


def carried_bit_measurements(lag, *, quick=None, seed=None):
    """Trains a SimpleRNN, an LSTM and a GRU at one lag and measures how each carries the bit.

    Each cell is trained as notebooks 01 to 03 train it (`train_memory_model`,
    the same seed, so the same model as `memory_comparison` trains), then
    measured on its own test sequences, whose bit is marked at the first step.

    Args:
        lag: the lag to train and test at.
        quick: `True`/`False`, or `None` to read `QUICK_TEST_MODE`.
        seed: seeds the weights and the data.

    Returns:
        `{cell: measurements}` for `"simple_rnn"`, `"lstm"` and `"gru"`, each
        a dict: `accuracy` (on the test sequences), `gradient`
        (`state_gradient_norms`, shape `(lag + 1,)`), `gradient_ratio` (how
        many times smaller the gradient is at the marked step than at the
        end, `steps_back_ratio(gradient, lag)`) and, for the gated cells,
        `gates` (`bit_path_gates`).
    """
    seed = course_seed(seed)
    lag = check_positive_int("lag", lag)
    inputs, targets = make_memory_task(
        lag, lesson_sizes("01", quick)["test_samples"], seed=seed + 1
    )
    results = {}
    for cell in track(
        CELL_TYPES, f"training at lag {lag}, then measuring", unit="models", label=CELLS.get
    ):
        model, accuracy = train_memory_model(cell, lag, quick=quick, seed=seed)
        gradient = state_gradient_norms(model, inputs, targets)
        results[cell] = {
            "accuracy": accuracy,
            "gradient": gradient,
            "gradient_ratio": steps_back_ratio(gradient, lag),
        }
        if cell in KEEP_GATES:
            results[cell]["gates"] = bit_path_gates(model, inputs, cell)
    return results
