"""Notebooks 04 and 05 (IMDB sentiment): what each layer of a model holds and what it can read.

`layer_rows` lists a model's layers with their output shapes and parameter
counts (the embedding's share, the doubled width of a bidirectional layer,
the sequences passed between stacked layers); `bidirectional_halves` reads
the two directions of a bidirectional layer apart;
`later_step_changes_earlier_outputs` shows that a one-way layer's output at
a step depends only on the words read so far, and a bidirectional one's on
words still to come.
"""

import numpy as np

from lesson_utils.arguments import check_int_in_range
from lesson_utils.quiet_tensorflow import import_tensorflow_quietly
from lesson_utils.tables import markdown_table

import_tensorflow_quietly()
import keras  # noqa: E402


def layer_rows(model):
    """One row per layer of a built model (its input layer left out).

    Args:
        model: a built `keras.Model`, e.g. from `build_rnn_model`.

    Returns:
        A list of dicts with `name`, `kind` (the Keras class, with the
        wrapped layer's for `Bidirectional`), `output_shape` (a tuple,
        `None` for sizes that vary: the batch, and the review length),
        `params` and `share` (of the model's parameters).
    """
    total = model.count_params()
    rows = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        kind = type(layer).__name__
        if isinstance(layer, keras.layers.Bidirectional):
            kind += f"({type(layer.forward_layer).__name__})"
        rows.append(
            dict(
                name=layer.name,
                kind=kind,
                output_shape=tuple(layer.output.shape),
                params=layer.count_params(),
                share=layer.count_params() / total,
            )
        )
    return rows


def _percent(share):
    """A share as a percentage; a layer with a few parameters shows `<0.1%`, not `0.0%`."""
    return "<0.1%" if 0 < share < 0.0005 else f"{share:.1%}"


def layer_markdown(rows):
    """A Markdown table of `layer_rows`, with the total on the last line."""
    table = [
        (
            row["name"],
            row["kind"],
            row["output_shape"],
            f"{row['params']:,}",
            _percent(row["share"]),
        )
        for row in rows
    ]
    table.append(("**total**", "", "", f"**{sum(row['params'] for row in rows):,}**", "100%"))
    header = ("layer", "kind", "output shape", "parameters", "share")
    return markdown_table(header, table, right=(3, 4))


def later_step_changes_earlier_outputs(layer, inputs, step, *, seed=0):
    """How much a layer's outputs before `step` move when the input at `step` changes.

    Args:
        layer: a recurrent layer, or a `Bidirectional` one, built with
            `return_sequences=True`.
        inputs: float array `(batch, timesteps, features)`.
        step: the step whose input is replaced by random values.
        seed: seeds the replacement.

    Returns:
        The largest absolute change of any output at steps `0 .. step - 1`:
        0 for a layer that reads only forwards, which has not read step
        `step` yet when it gives those outputs.
    """
    inputs = np.asarray(inputs, dtype="float32")
    step = check_int_in_range("step", step, 1, inputs.shape[1] - 1)
    changed = inputs.copy()
    changed[:, step] = np.random.default_rng(seed).normal(size=changed[:, step].shape)
    before = keras.ops.convert_to_numpy(layer(inputs))[:, :step]
    after = keras.ops.convert_to_numpy(layer(changed))[:, :step]
    return float(np.abs(after - before).max())


def bidirectional_halves(model, ids):
    """A model's Bidirectional layer on reviews, and each of its two directions alone.

    Args:
        model: a model from `build_rnn_model(..., bidirectional=True)` with
            one recurrent layer.
        ids: post-padded word ids, shape `(reviews, timesteps)`.

    Returns:
        A dict of float arrays: `output`, the layer's output `(reviews, 2 * units)`;
        `forward`, the forward layer alone (its state after the last real word)
        and `backward`, the backward layer alone (its state after reading back
        to the first word), each `(reviews, units)`.
    """
    layers = [layer for layer in model.layers if isinstance(layer, keras.layers.Bidirectional)]
    if len(layers) != 1:
        raise ValueError(
            "Argument `model` must have one Bidirectional layer, as "
            "build_rnn_model(..., bidirectional=True) builds. "
            f"Received: model={model.name!r} with {len(layers)}."
        )
    [layer] = layers
    embedding = model.get_layer("embedding")
    ids = np.asarray(ids)
    vectors, mask = embedding(ids), embedding.compute_mask(ids)
    read = {
        "output": layer,
        "forward": layer.forward_layer,
        "backward": layer.backward_layer,
    }
    return {
        name: keras.ops.convert_to_numpy(part(vectors, mask=mask)) for name, part in read.items()
    }


def max_pooled_reading(model, ids):
    """What the max-pooling head of a one-layer model reads, step by step and pooled.

    Args:
        model: a model from `build_rnn_model(..., pooling="max")` with one
            recurrent layer (bidirectional or not).
        ids: post-padded word ids, shape `(reviews, timesteps)`.

    Returns:
        A dict of arrays: `states`, the recurrent layer's output at every step,
        `(reviews, timesteps, width)` (what it returns at padding steps depends
        on the layer: a Bidirectional layer returns zeros); `lengths`, each
        review's number of real words, `(reviews,)`; `pooled`, the model's
        `MaxOverTime` layer on those states, `(reviews, width)`.
    """
    names = [layer.name for layer in model.layers]
    if "max_over_time" not in names or len(model.layers) < 4:
        raise ValueError(
            "Argument `model` must be built with build_rnn_model(..., pooling='max'). "
            f"Received: model={model.name!r} with layers {names}."
        )
    embedding, recurrent = model.get_layer("embedding"), model.layers[2]
    ids = np.asarray(ids)
    vectors, mask = embedding(ids), embedding.compute_mask(ids)
    states = recurrent(vectors, mask=mask)
    pooled = model.get_layer("max_over_time")(states, mask=mask)
    return {
        "states": keras.ops.convert_to_numpy(states),
        "lengths": (ids != 0).sum(axis=1),
        "pooled": keras.ops.convert_to_numpy(pooled),
    }
