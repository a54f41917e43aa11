"""Notebook 07, section 7: an encoder-decoder (sequence to sequence) in Keras.

The encoder, a GRU, reads the source string and keeps only its final state:
one vector of `units` numbers. The decoder, another GRU, starts from that
vector and writes the output one character at a time, reading at each step the
character before (teacher forcing in training, its own previous choice when it
writes). Everything the decoder knows about the source passes through that
one vector (Sutskever, Vinyals & Le, 2014; Cho et al., 2014).
"""

import numpy as np

from lesson_utils.arguments import check_positive_int, check_positive_number
from lesson_utils.quiet_tensorflow import import_tensorflow_quietly

import_tensorflow_quietly()
import keras  # noqa: E402


def build_encoder_decoder(vocab_size, *, embedding_dim=16, units=64, learning_rate=0.01):
    """Builds and compiles a GRU encoder and a GRU decoder joined by one state vector.

    Args:
        vocab_size: how many ids there are, padding (id 0) and start mark included.
        embedding_dim: numbers per id's vector (one embedding, shared by both GRUs).
        units: size of each GRU's state, and so of the one vector between them.
        learning_rate: Adam's step size (gradients clipped to a global norm of 1).

    Returns:
        A compiled `keras.Model` from `[sources, decoder_inputs]`, ids of shapes
        `(batch, source steps)` and `(batch, output steps)`, to the probabilities
        of each id at each output step, `(batch, output steps, vocab_size)`; its
        layers are named `"embedding"`, `"encoder"`, `"decoder"` and `"next_character"`.
    """
    vocab_size = check_positive_int("vocab_size", vocab_size)
    units = check_positive_int("units", units)
    sources = keras.Input(shape=(None,), dtype="int32", name="sources")
    decoder_inputs = keras.Input(shape=(None,), dtype="int32", name="decoder_inputs")
    # mask_zero: the encoder's final state is its state after the last real digit.
    embedding = keras.layers.Embedding(
        vocab_size,
        check_positive_int("embedding_dim", embedding_dim),
        mask_zero=True,
        name="embedding",
    )
    state = keras.layers.GRU(units, name="encoder")(embedding(sources))
    decoded = keras.layers.GRU(units, return_sequences=True, name="decoder")(
        embedding(decoder_inputs), initial_state=state
    )
    outputs = keras.layers.Dense(vocab_size, activation="softmax", name="next_character")(decoded)
    model = keras.Model([sources, decoder_inputs], outputs, name="encoder_decoder")
    optimizer = keras.optimizers.Adam(
        check_positive_number("learning_rate", learning_rate), global_clipnorm=1.0
    )
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", jit_compile=False)
    return model


def decode_greedily(model, sources, steps, start):
    """Writes `steps` ids for each source, each step's most probable id fed back in.

    The decoder reads the start mark, then its own previous choices, never the
    true output: this is how the model is used, and how it is scored.

    Args:
        model: a model from `build_encoder_decoder`.
        sources: source ids, `(batch, source steps)`.
        steps: how many ids to write.
        start: the start mark's id, the decoder's first input.

    Returns:
        The ids written, an int array of shape `(batch, steps)`.
    """
    sources = np.asarray(sources, dtype="int32")
    written = np.full((len(sources), 1), start, dtype="int32")
    for _ in range(check_positive_int("steps", steps)):
        probabilities = np.asarray(model([sources, written], training=False))
        written = np.concatenate([written, probabilities[:, -1].argmax(axis=-1)[:, None]], axis=1)
    return written[:, 1:]
