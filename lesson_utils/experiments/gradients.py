"""Notebook 02 (vanishing and exploding gradients): backpropagation through time, measured.

Four measurements, each a short function:

* `cell_gradient_norms`: with `tf.GradientTape`, how strongly the loss at the
  end of a sequence depends on the input at each earlier step, for a
  SimpleRNN, an LSTM and a GRU.
* `radius_gradient_curves`: the same in plain NumPy for a tanh RNN and a
  linear one whose recurrent matrix has a chosen spectral radius; fast
  enough to re-plot on every move of a slider.
* `weight_gradient_shares`: each step's share of the recurrent kernel's
  gradient, a sum over time (`simple_rnn_tape_gradients` checks the NumPy
  sum against `tf.GradientTape`).
* `clipping_comparison`: one SimpleRNN trained twice on the same data, with
  and without gradient clipping.
"""

import numpy as np

from lesson_utils.arguments import (
    check_choice,
    check_int_in_range,
    check_positive_int,
    check_positive_number,
)
from lesson_utils.data.memory_task import make_memory_task
from lesson_utils.models.memory import build_memory_model
from lesson_utils.progress import track
from lesson_utils.quiet_tensorflow import import_tensorflow_quietly
from lesson_utils.scratch.bptt import backprop_through_time, simple_rnn_weight_gradients
from lesson_utils.scratch.cells import simple_rnn_forward
from lesson_utils.settings import (
    CELL_TYPES,
    CELLS,
    course_seed,
    lesson_sizes,
    set_global_seed,
)

import_tensorflow_quietly()
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

# ---------------------------------------------------------------------------
# Measured with TensorFlow: how far back does the loss reach?
# ---------------------------------------------------------------------------


def input_gradient_norms(model, inputs, targets, loss=None):
    """Norm of the gradient of the loss with respect to the input at each step.

    The input `x_t` reaches the loss only through the hidden states
    `h_t, h_{t+1}, ...`, so this norm shows how much of the error signal
    travels back to step `t`.

    Args:
        model: a Keras model taking `(batch, timesteps, features)`.
        inputs: array `(batch, timesteps, features)`.
        targets: array `(batch,)` or `(batch, 1)`.
        loss: a Keras loss (default: binary cross-entropy, the memory task's).

    Returns:
        A NumPy array `(timesteps,)`: `||dL/dx_t||` for each `t`, averaged over
        the batch.
    """
    inputs = np.asarray(inputs, dtype=model.dtype)
    if inputs.ndim != 3:
        raise ValueError(
            "Argument `inputs` must have shape (batch, timesteps, features). "
            f"Received: inputs.shape={inputs.shape}"
        )
    targets = np.asarray(targets, dtype=model.dtype).reshape(len(inputs), -1)
    loss = loss or keras.losses.BinaryCrossentropy()
    inputs = tf.convert_to_tensor(inputs)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        value = loss(targets, model(inputs))
    gradients = tape.gradient(value, inputs).numpy()
    return np.linalg.norm(gradients, axis=-1).mean(axis=0)


def cell_gradient_norms(cells=CELL_TYPES, *, quick=None, seed=None):
    """Input-gradient norms of freshly initialised memory models, one per cell.

    Each model is `build_memory_model(cell)` with the same number of units,
    given the same batch of memory-task sequences whose marked bit is at the
    very first step (lag `timesteps - 1`). The models, their inputs
    included, compute in float64: in float32 (Keras' default) the GRU's
    gradient falls within 200 steps below float32's smallest normal number,
    about 1e-38, where it loses its digits and, depending on the processor,
    reads as 0.

    Args:
        cells: cell names among `"simple_rnn"`, `"lstm"`, `"gru"`.
        quick: `True`/`False`, or `None` to read `QUICK_TEST_MODE`.
        seed: seeds the weights (the same for every cell) and the data.

    Returns:
        A dict `{cell: array (timesteps,)}` as `input_gradient_norms` returns.
    """
    seed = course_seed(seed)
    settings = lesson_sizes("02", quick)
    inputs, targets = make_memory_task(settings["timesteps"] - 1, settings["batch"], seed=seed)
    for cell in cells:
        check_choice("cell", cell, CELL_TYPES)
    norms = {}
    policy = keras.config.dtype_policy()
    for cell in track(
        cells, "measuring the gradient of an untrained model", unit="models", label=CELLS.get
    ):
        set_global_seed(seed)
        keras.config.set_dtype_policy("float64")
        try:
            model = build_memory_model(cell, units=settings["units"])
        finally:
            keras.config.set_dtype_policy(policy)
        norms[cell] = input_gradient_norms(model, inputs, targets)
    return norms


def steps_back_ratio(norms, steps):
    """How many times smaller the gradient is `steps` steps before the end than at the end.

    Args:
        norms: array `(timesteps,)`, e.g. one curve of `cell_gradient_norms`.
        steps: how far back, `0 <= steps < timesteps`.

    Returns:
        `norms[-1] / norms[-1 - steps]` as a float (`inf` if the gradient there is 0).
    """
    norms = np.asarray(norms, dtype=float)
    steps = check_int_in_range("steps", steps, 0, len(norms) - 1)
    back = norms[-1 - steps]
    return float(norms[-1] / back) if back > 0 else float("inf")


def growth_per_step(curve, steps=None):
    """The factor by which a gradient curve grows per step, on average over `steps` steps.

    Over `k` steps the gradient is multiplied by `k` per-step factors, so the
    average that compounds is their geometric mean,
    `(curve[k] / curve[0]) ** (1 / k)`: the factor which, applied `k` times,
    gives the same growth. (The arithmetic mean of the factors overstates
    it: `[0.5, 2]` averages 1.25 but leaves the gradient as it was. Being
    never above the arithmetic mean, it cannot explain why the radius times
    the mean slope falls short of the measured growth: `slope_factors` shows
    what does.)

    Args:
        curve: gradient norms against steps back, `curve[0]` at the loss
            (as `radius_gradient_curves` returns them).
        steps: how many steps to measure over, `1 <= steps < len(curve)`
            (default: the whole curve).

    Returns:
        The factor per step, a float (above 1: growing; below 1: vanishing).
    """
    curve = np.asarray(curve, dtype=float)
    steps = len(curve) - 1 if steps is None else steps
    steps = check_int_in_range("steps", steps, 1, len(curve) - 1)
    if not (curve[0] > 0 and curve[steps] > 0):
        raise ValueError(
            "Argument `curve` must be positive at 0 and at `steps` steps back. "
            f"Received: curve[0]={curve[0]!r}, curve[{steps}]={curve[steps]!r}"
        )
    return float((curve[steps] / curve[0]) ** (1.0 / steps))


def accuracy_table(results):
    """The memory task's accuracies as a short text table: one row per cell, one column per lag.

    Args:
        results: `{cell: {lag: accuracy}}`, as `memory_comparison` returns.

    Returns:
        A string of lines no wider than 11 + 6 characters per lag, e.g.
        `"lag           2    30\nSimpleRNN  100%   52%\n..."`.
    """
    lags = sorted({lag for by_lag in results.values() for lag in by_lag})
    rows = ["lag       " + "".join(f"{lag:>6}" for lag in lags)]
    for cell, by_lag in results.items():
        check_choice("cell", cell, CELL_TYPES)
        rows.append(
            f"{CELLS[cell]:<10}"
            + "".join(f"{by_lag[lag]:>6.0%}" if lag in by_lag else f"{'-':>6}" for lag in lags)
        )
    return "\n".join(rows)


def scaled_orthogonal(units, radius, seed=None):
    """A random orthogonal matrix times `radius`: every eigenvalue has modulus `radius`.

    It is Keras' default recurrent kernel (`Orthogonal(gain=radius)`), so
    `radius` is both its spectral radius and its largest singular value.
    """
    seed = course_seed(seed)
    units = check_positive_int("units", units)
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(units, units)))
    return radius * q * np.sign(np.diag(r))


def _radius_rnn(radius, timesteps, units, batch, seed):
    """A tanh RNN with a recurrent kernel of spectral radius `radius`, run forward.

    Keras' SimpleRNN initialisation (Glorot-uniform input kernel, zero bias)
    except the recurrent kernel, `scaled_orthogonal(units, radius)`, on
    memory-task sequences; the loss's gradient at the last state is a random
    unit vector per sequence.

    Returns:
        `(inputs, (kernel, recurrent_kernel, bias), states, grad_last)`.
    """
    radius = check_positive_number("radius", radius)
    timesteps = check_positive_int("timesteps", timesteps)
    units = check_positive_int("units", units)
    batch = check_positive_int("batch", batch)
    rng = np.random.default_rng(seed)
    inputs, _ = make_memory_task(max(timesteps - 1, 1), batch, seed=seed)
    inputs = inputs[:, -timesteps:].astype(float)
    limit = np.sqrt(6.0 / (inputs.shape[-1] + units))
    weights = (
        rng.uniform(-limit, limit, size=(inputs.shape[-1], units)),
        scaled_orthogonal(units, radius, seed=seed),
        np.zeros(units),
    )
    states, _ = simple_rnn_forward(inputs, *weights)
    grad_last = rng.normal(size=(batch, units))
    grad_last /= np.linalg.norm(grad_last, axis=1, keepdims=True)
    return inputs, weights, states, grad_last


def radius_gradient_curves(radius, *, timesteps=100, units=32, batch=16, seed=None):
    """Gradient norms back through time for a recurrent matrix of spectral radius `radius`.

    The RNN reads memory-task sequences with Keras' SimpleRNN initialisation
    (Glorot-uniform input kernel, zero bias) except that the recurrent kernel
    is `scaled_orthogonal(units, radius)`. The loss's gradient at the last
    state is a random unit vector per sequence, carried back by
    `backprop_through_time`, once through tanh and once as if the RNN were
    linear (tanh's slope replaced by 1).

    Args:
        radius: the spectral radius, a positive number.
        timesteps, units, batch: sizes (small: this runs on every slider move).
        seed: seeds the weights and the data.

    Returns:
        A dict: `steps_back` (0 .. timesteps-1), `tanh` and `linear` (mean
        `||dL/dh_t||` at that many steps back, 1.0 at 0 steps back),
        `per_step` (the tanh curve's own growth per step over its whole
        length, `growth_per_step(tanh)`), `mean_slope` and `rms_slope` (the
        arithmetic mean and the root-mean-square of tanh's slope
        `s = 1 - h**2` over every state and unit), and `weighted_slopes`,
        shape `(batch, timesteps - 1)`: for each sequence and each step back,
        `||g * s|| / ||g||` with `g = dL/dh_t`, the slope weighted by where
        the gradient is (times `radius`, it is exactly the factor by which
        that step multiplies the gradient's norm, since `W_h / radius` is
        orthogonal), in the order of the states `h_2 .. h_T`.
    """
    seed = course_seed(seed)
    inputs, (_, recurrent_kernel, _), states, grad_last = _radius_rnn(
        radius, timesteps, units, batch, seed
    )
    grads = {
        name: backprop_through_time(states, recurrent_kernel, grad_last, linear=linear)
        for name, linear in (("tanh", False), ("linear", True))
    }
    curves = {"steps_back": np.arange(timesteps)}
    for name, grad in grads.items():
        curves[name] = np.linalg.norm(grad, axis=-1).mean(axis=0)[::-1]
    curves["per_step"] = growth_per_step(curves["tanh"]) if timesteps > 1 else 1.0
    slopes = 1.0 - states**2
    curves["mean_slope"] = float(np.mean(slopes))
    curves["rms_slope"] = float(np.sqrt(np.mean(slopes**2)))
    # The steps back from h_T, ..., h_2; none is taken from h_1 (h_0 = 0 is not computed).
    stepped = grads["tanh"][:, 1:]
    curves["weighted_slopes"] = np.linalg.norm(stepped * slopes[:, 1:], axis=-1) / np.linalg.norm(
        stepped, axis=-1
    )
    return curves


def slope_factors(radius, *, timesteps=100, units=32, batch=16, seed=None):
    """Estimates of the gradient's growth per step beside the growth measured, for one radius.

    One run of `radius_gradient_curves` (same arguments). Through
    `W_h = radius * Q`, `Q` orthogonal, one step back multiplies a
    gradient's norm by exactly `radius * ||g * s|| / ||g||` (`g = dL/dh_t`,
    `s = 1 - h_t**2`): the slope weighted by where the gradient is, near
    `radius` times the root-mean-square slope, which is never below
    `radius` times the mean slope.

    Args:
        radius: the spectral radius, a positive number.
        timesteps, units, batch, seed: passed to `radius_gradient_curves`.

    Returns:
        A dict of factors per step: `measured` (the tanh curve's own
        growth, `per_step`), `weighted` and `weighted_geometric` (the
        arithmetic and geometric means of `radius * ||g * s|| / ||g||` over
        the sequences and steps), `rms_slope` (`radius` times the
        root-mean-square slope) and `mean_slope` (`radius` times the mean slope).
    """
    curves = radius_gradient_curves(
        radius, timesteps=timesteps, units=units, batch=batch, seed=seed
    )
    factors = radius * curves["weighted_slopes"]
    return {
        "measured": curves["per_step"],
        "weighted": float(np.mean(factors)),
        "weighted_geometric": float(np.exp(np.mean(np.log(factors)))),
        "rms_slope": radius * curves["rms_slope"],
        "mean_slope": radius * curves["mean_slope"],
    }


def simple_rnn_tape_gradients(inputs, grad_last, *, units=16, seed=None):
    """The gradients of a Keras SimpleRNN's weights, computed by `tf.GradientTape`.

    The loss is `sum(h_T * grad_last)`, so that `dL/dh_T = grad_last`,
    as `simple_rnn_weight_gradients` takes it. The layer computes in float64.

    Args:
        inputs: array `(batch, timesteps, features)`.
        grad_last: the gradient of the loss at the last hidden state, `(batch, units)`.
        units: the layer's units.
        seed: seeds the layer's weights (Keras' default initialisers).

    Returns:
        `(weights, gradients)`: the layer's `[kernel, recurrent_kernel, bias]` and
        their gradients, as NumPy arrays.
    """
    seed = course_seed(seed)
    units = check_positive_int("units", units)
    set_global_seed(seed)
    layer = keras.layers.SimpleRNN(units, dtype="float64")
    inputs = tf.convert_to_tensor(np.asarray(inputs, dtype="float64"))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(inputs) * grad_last)
    gradients = tape.gradient(loss, layer.trainable_weights)
    return [w.numpy() for w in layer.weights], [g.numpy() for g in gradients]


def weight_gradients_against_tape(inputs, grad_last, *, units=16, seed=None):
    """The NumPy loop's weight gradients against `tf.GradientTape`'s, for a Keras SimpleRNN.

    The layer's own weights are run forward in NumPy (`simple_rnn_forward`)
    and back through `simple_rnn_weight_gradients`; notebook 02 shows the
    differences without showing the loop, which its exercise 4 asks for.

    Args:
        inputs: array `(batch, timesteps, features)`.
        grad_last: the gradient of the loss at the last hidden state, `(batch, units)`.
        units: the layer's units.
        seed: seeds the layer's weights.

    Returns:
        A dict `W_x`, `W_h`, `b` -> `(shape, largest absolute difference)`.
    """
    weights, tape_gradients = simple_rnn_tape_gradients(inputs, grad_last, units=units, seed=seed)
    states, _ = simple_rnn_forward(np.asarray(inputs, dtype="float64"), *weights)
    *numpy_gradients, _ = simple_rnn_weight_gradients(inputs, states, weights[1], grad_last)
    return {
        name: (ours.shape, float(np.abs(ours - theirs).max()))
        for name, ours, theirs in zip(("W_x", "W_h", "b"), numpy_gradients, tape_gradients)
    }


def weight_gradient_shares(radii=(0.9, 1.0), *, timesteps=100, units=16, batch=32, seed=None):
    """Each step's share of the recurrent kernel's gradient, by distance from the loss.

    For each spectral radius, a tanh RNN as in `radius_gradient_curves` is run
    forward and `simple_rnn_weight_gradients` gives each step's term
    `h_{t-1}.T @ delta_t` of `dL/dW_h`. A step's share is its term's norm
    divided by the sum of all the terms' norms.

    Args:
        radii: the spectral radii of the recurrent kernel.
        timesteps, units, batch: sizes.
        seed: seeds the weights and the data.

    Returns:
        `{radius: array (timesteps,)}`: the share of the step `k` steps back from
        the loss, for `k = 0 .. timesteps - 1` (each array sums to 1).
    """
    seed = course_seed(seed)
    shares = {}
    for radius in radii:
        inputs, (_, recurrent_kernel, _), states, grad_last = _radius_rnn(
            radius, timesteps, units, batch, seed
        )
        *_, terms = simple_rnn_weight_gradients(inputs, states, recurrent_kernel, grad_last)
        norms = np.linalg.norm(terms, axis=(1, 2))[::-1]
        shares[radius] = norms / norms.sum()
    return shares


def growth_by_radius(radii, **sizes):
    """The tanh RNN's measured gradient growth per step at each spectral radius.

    Args:
        radii: the spectral radii to try.
        **sizes: `timesteps`, `units`, `batch`, `seed`, passed to
            `radius_gradient_curves`.

    Returns:
        A NumPy array: `radius_gradient_curves(radius)["per_step"]` for each radius.
    """
    return np.array(
        [radius_gradient_curves(float(radius), **sizes)["per_step"] for radius in radii]
    )


def steadiest_radius(growth):
    """The radius at which the gradient comes nearest to steady: growth per step nearest 1.

    Nearest on a log scale, so that shrinking by a factor and growing by the
    same factor count as equally far from steady.

    Args:
        growth: `{radius: growth per step}`, e.g. `growth_by_radius` over a grid of radii.

    Returns:
        The radius, a key of `growth`.
    """
    if not growth or min(growth.values()) <= 0:
        raise ValueError(
            "Argument `growth` must map at least one radius to a positive growth per step. "
            f"Received: growth={growth!r}"
        )
    return min(growth, key=lambda radius: abs(np.log(growth[radius])))


def train_recording_gradients(model, inputs, targets, *, steps, batch_size):
    """Trains with the model's optimizer, batch after batch, recording every step.

    A plain loop (`tf.GradientTape`, then `optimizer.apply`) rather than
    `fit`, so that each step's own loss and the gradient's global norm
    *before* any clipping can be recorded. The optimizer clips if it was
    made with `clipnorm` or `global_clipnorm`.

    Args:
        model: a compiled memory model (binary cross-entropy).
        inputs, targets: at least `steps * batch_size` sequences.
        steps: number of optimizer steps.
        batch_size: sequences per step.

    Returns:
        A dict of NumPy arrays `(steps,)`: `loss` and `gradient_norm`.
    """
    steps = check_positive_int("steps", steps)
    batch_size = check_positive_int("batch_size", batch_size)
    if len(inputs) < steps * batch_size:
        raise ValueError(
            f"Argument `inputs` holds {len(inputs)} sequences, fewer than "
            f"steps * batch_size = {steps * batch_size}: make more data or "
            "take fewer steps."
        )
    loss_fn = keras.losses.BinaryCrossentropy()
    optimizer = model.optimizer
    variables = model.trainable_variables
    optimizer.build(variables)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        gradients = tape.gradient(loss, variables)
        optimizer.apply(gradients, variables)
        return loss, tf.linalg.global_norm(gradients)

    record = {"loss": [], "gradient_norm": []}
    for step in range(steps):
        batch = slice(step * batch_size, (step + 1) * batch_size)
        loss, norm = train_step(inputs[batch], targets[batch, None])
        record["loss"].append(float(loss))
        record["gradient_norm"].append(float(norm))
    return {name: np.array(values) for name, values in record.items()}


def clipping_comparison(*, quick=None, seed=None):
    """Trains one SimpleRNN twice on the same data, without and with `global_clipnorm`.

    The recurrent kernel starts with spectral radius `clip_gain` (2 by
    default: the exploding side) and the optimizer is plain SGD, whose step
    is the learning rate times the gradient, so a huge gradient makes a huge
    step unless it is clipped.

    Args:
        quick: `True`/`False`, or `None` to read `QUICK_TEST_MODE`.
        seed: the same weights and data for both runs.

    Returns:
        A dict: `clipnorm`, and `without` and `with` (each the record of
        `train_recording_gradients`: `loss` and `gradient_norm` per step).
    """
    seed = course_seed(seed)
    settings = lesson_sizes("02", quick)
    steps, batch = settings["clip_steps"], settings["clip_batch"]
    inputs, targets = make_memory_task(
        settings["clip_lag"], steps * batch, shortest_lag=1, seed=seed
    )
    result = {"clipnorm": settings["clipnorm"]}
    for name, clipnorm in (("without", None), ("with", settings["clipnorm"])):
        set_global_seed(seed)
        optimizer = keras.optimizers.SGD(settings["clip_learning_rate"], global_clipnorm=clipnorm)
        model = build_memory_model(
            "simple_rnn",
            units=settings["units"],
            recurrent_gain=settings["clip_gain"],
            optimizer=optimizer,
        )
        result[name] = train_recording_gradients(
            model, inputs, targets, steps=steps, batch_size=batch
        )
    return result
