"""Notebook 07 (An RNN that writes): a character language model in Keras.

Embedding -> GRU (or LSTM) with `return_sequences=True` -> Dense with a softmax:
at every step, the probability of each character coming next. It is trained
with the loss at every step (teacher forcing: the input is the text, the target
the same text one character later).

Trained with its state carried from one window of text to the next, the
model is `stateful`, which fixes its batch size; `reading_copy` gives the same
weights in a model that reads any number of texts of any length, from a zero
state, to evaluate it and to check the NumPy sampler against it.
"""

from lesson_utils.arguments import check_choice, check_positive_int, check_positive_number
from lesson_utils.models.recurrent import recurrent_layer_class
from lesson_utils.quiet_tensorflow import import_tensorflow_quietly
from lesson_utils.settings import GATED_CELLS

import_tensorflow_quietly()
import keras  # noqa: E402


def build_language_model(
    vocab_size,
    *,
    embedding_dim=16,
    units=128,
    cell="gru",
    stateful=False,
    batch_size=None,
    learning_rate=0.003,
):
    """Builds and compiles a character language model.

    Args:
        vocab_size: how many characters the model knows (the softmax's width).
        embedding_dim: numbers per character vector.
        units: size of the recurrent state.
        cell: `"gru"` or `"lstm"`.
        stateful: if `True`, the recurrent layer keeps its final state as the
            next batch's initial state (row by row), so a text cut into
            windows is read without a break; it then needs `batch_size`.
        batch_size: the fixed number of rows per batch (`stateful=True` only).
        learning_rate: Adam's step size (gradients clipped to a global norm of 1).

    Returns:
        A compiled `keras.Model` from character ids `(batch, steps)` to the
        next-character probabilities `(batch, steps, vocab_size)`, with layers
        named `"embedding"`, `cell` and `"next_character"`.
    """
    vocab_size = check_positive_int("vocab_size", vocab_size)
    check_choice("cell", cell, GATED_CELLS)
    check_choice("stateful", stateful, (True, False))
    if stateful:
        inputs = keras.Input(
            batch_shape=(check_positive_int("batch_size", batch_size), None), dtype="int32"
        )
    else:
        inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(
        vocab_size, check_positive_int("embedding_dim", embedding_dim), name="embedding"
    )(inputs)
    x = recurrent_layer_class(cell)(
        check_positive_int("units", units), return_sequences=True, stateful=stateful, name=cell
    )(x)
    outputs = keras.layers.Dense(vocab_size, activation="softmax", name="next_character")(x)
    model = keras.Model(inputs, outputs, name=f"{cell}_language_model")
    optimizer = keras.optimizers.Adam(
        check_positive_number("learning_rate", learning_rate), global_clipnorm=1.0
    )
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", jit_compile=False)
    return model


def reading_copy(model):
    """The same language model for any batch size and length, not stateful, same weights.

    Args:
        model: a model from `build_language_model`.

    Returns:
        A new `keras.Model` that starts every text from a zero state.
    """
    embedding, cell = model.get_layer("embedding"), model_cell(model)
    copy = build_language_model(
        embedding.input_dim,
        embedding_dim=embedding.output_dim,
        units=model.get_layer(cell).units,
        cell=cell,
    )
    copy.set_weights(model.get_weights())
    return copy


def reset_state(model):
    """Sets a stateful model's carried state back to zeros (a new text starts).

    Args:
        model: a model from `build_language_model(..., stateful=True)`.
    """
    model.get_layer(model_cell(model)).reset_state()


def model_cell(model):
    """The cell of a model from `build_language_model`: `"gru"` or `"lstm"`."""
    names = {layer.name for layer in model.layers}
    return next(cell for cell in GATED_CELLS if cell in names)
