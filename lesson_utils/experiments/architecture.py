"""Notebook 04 (IMDB sentiment): what each layer of a model holds and what it can read.

`layer_rows` lists a model's layers with their output shapes and parameter
counts (the embedding's share, the doubled width of a bidirectional layer,
the sequences passed between stacked layers); `later_step_changes_earlier_outputs`
shows that a one-way layer's output at a step depends only on the words
read so far, and a bidirectional one's on words still to come.
"""

import keras
import numpy as np

from lesson_utils.arguments import check_int_in_range


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


def layer_markdown(rows):
    """A Markdown table of `layer_rows`, with the total on the last line."""
    lines = ["| layer | kind | output shape | parameters | share |", "|---|---|---|--:|--:|"]
    lines += [
        f"| {row['name']} | {row['kind']} | {row['output_shape']} | {row['params']:,} | "
        f"{row['share']:.1%} |"
        for row in rows
    ]
    lines.append(f"| **total** | | | **{sum(row['params'] for row in rows):,}** | 100% |")
    return "\n".join(lines)


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
