"""The sentiment classifier: Embedding -> recurrent layer(s) -> Dense -> probability.

The default reads post-padded reviews through a mask (`mask_zero=True`), so the
recurrent layer's final state is taken at each review's last real word instead
of after a run of padding zeros: the mistake the course's first lesson made.
Post-padding with a mask is also what the fast cuDNN kernel accepts on a GPU.
"""

import numpy as np

from lesson_utils.arguments import (
    check_choice,
    check_fraction,
    check_positive_int,
    check_positive_number,
)
from lesson_utils.data.text import OOV_ID, PAD_ID
from lesson_utils.quiet_tensorflow import import_tensorflow_quietly
from lesson_utils.settings import (
    CELL_TYPES,
    CELLS,
    DEFAULT_DENSE_UNITS,
    DEFAULT_EMBEDDING_DIM,
    DEFAULT_UNITS,
    DEFAULT_VOCAB_SIZE,
)

import_tensorflow_quietly()
import keras  # noqa: E402

_said_cudnn_off = False

# What the classifier's head reads of the last recurrent layer (`build_rnn_model`'s `pooling`).
POOLINGS = ("last", "max", "max_mean")


@keras.saving.register_keras_serializable(package="lesson_utils")
class MaxOverTime(keras.layers.Layer):
    """For each unit, the largest value over the time steps that the mask keeps.

    Takes `(batch, timesteps, units)` and its mask, returns `(batch, units)`.
    Masked steps (padding) get minus infinity before the maximum, so that a
    review's padding never wins, whatever the sign of its units' values.
    """

    def compute_mask(self, inputs, mask=None):
        return None

    def call(self, inputs, mask=None):
        if mask is not None:
            keep = keras.ops.expand_dims(mask, axis=-1)
            inputs = keras.ops.where(keep, inputs, float("-inf"))
        return keras.ops.max(inputs, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])


@keras.saving.register_keras_serializable(package="lesson_utils")
class WordDropout(keras.layers.Layer):
    """While training, reads a fraction `rate` of a review's words as unknown.

    Takes word ids `(batch, timesteps)` and returns them with each real word
    replaced, with probability `rate`, by the out-of-vocabulary id; padding
    stays padding. At test time it changes nothing. A model that cannot count
    on any one word must gather the verdict from many of them.

    Args:
        rate: fraction of the words read as unknown, in [0, 1).
        seed: seeds the words' draws.
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_fraction("rate", rate)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, word_ids, training=False):
        if not training or not self.rate:
            return word_ids
        draws = keras.random.uniform(keras.ops.shape(word_ids), seed=self.seed_generator)
        unknown = keras.ops.logical_and(draws < self.rate, word_ids != PAD_ID)
        return keras.ops.where(unknown, keras.ops.full_like(word_ids, OOV_ID), word_ids)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return dict(super().get_config(), rate=self.rate, seed=self.seed)


def recurrent_layer_class(cell):
    """The Keras layer of a cell in `settings.CELLS`: `keras.layers.LSTM` for `"lstm"`, ..."""
    check_choice("cell", cell, CELL_TYPES)
    return getattr(keras.layers, CELLS[cell])


def _say_cudnn_off_once():
    global _said_cudnn_off
    if not _said_cudnn_off:
        print(
            "Note: pre-padding with a mask is not what the cuDNN kernel accepts on a GPU "
            "(it needs post-padding), so this model uses Keras' generic kernel "
            "(use_cudnn=False). On a CPU nothing changes."
        )
        _said_cudnn_off = True


def build_rnn_model(
    vocab_size=DEFAULT_VOCAB_SIZE,
    embedding_dim=DEFAULT_EMBEDDING_DIM,
    lstm_units=DEFAULT_UNITS,
    dense_units=DEFAULT_DENSE_UNITS,
    *,
    cell="lstm",
    bidirectional=False,
    num_layers=1,
    mask_zero=True,
    padding="post",
    dropout=0.2,
    recurrent_dropout=0.0,
    max_length=None,
    learning_rate=1e-3,
    pooling="last",
    embedding_dropout=0.0,
    learning_rate_decay=None,
    word_dropout=0.0,
    word_vectors=None,
    ema_momentum=None,
):
    """Builds and compiles the review classifier.

    Args:
        vocab_size: number of word ids the Embedding knows (as in `load_imdb`).
        embedding_dim: size of each word's vector.
        lstm_units: units of the recurrent layer (whatever `cell` is; the name
            is the first lesson's).
        dense_units: units of the hidden Dense layer; 0 leaves it out.
        cell: `"lstm"`, `"gru"` or `"simple_rnn"`.
        bidirectional: read each review forwards and backwards.
        num_layers: recurrent layers stacked; each but the last returns its
            state at every step (`return_sequences=True`), the sequence the
            next one reads.
        mask_zero: let the recurrent layer skip padding zeros.
        padding: how the reviews were padded (`"post"` or `"pre"`); with
            `"pre"` and a mask, LSTM/GRU are built with `use_cudnn=False`,
            because cuDNN only accepts right-padded masks.
        dropout: fraction of each recurrent layer's inputs, and of the Dense
            layer's outputs, dropped while training.
        recurrent_dropout: fraction of each recurrent layer's state dropped at
            every step while training. Any value above 0 makes Keras leave
            the fast cuDNN kernel on a GPU.
        max_length: fixes the input length; `None` (the default) accepts
            reviews of any length, so training can batch reviews of similar
            length and skip most of the padding.
        learning_rate: Adam's step size.
        pooling: what the head reads of the last recurrent layer: `"last"`,
            its state after the review's last word, or `"max"`, for each unit
            the largest value its state took over the review's words
            (`MaxOverTime`), then dropped out by `dropout` while training.
            With `"max"` a strong word counts wherever it stands in a long
            review, not only as far as it survives to the last state.
            `"max_mean"` hands on both that and each unit's mean over the
            review's words (twice the numbers).
        embedding_dropout: fraction of the word vectors' numbers dropped while
            training, the same numbers for every word of a review
            (`SpatialDropout1D`): the model cannot lean on any one of them.
        learning_rate_decay: `None` keeps Adam's step size; `(factor, updates)`
            multiplies it by `factor` every `updates` training steps (smoothly,
            `keras.optimizers.schedules.ExponentialDecay`), so that late epochs
            take small steps instead of bouncing around a minimum.
        word_dropout: fraction of each review's words read as unknown while
            training, each word drawn anew every time (`WordDropout`).
        word_vectors: `None` starts the Embedding from random numbers; an array
            `(vocab_size, embedding_dim)` starts it from these vectors instead
            (`lesson_utils.models.word_vectors.count_word_vectors`), which
            training goes on changing.
        ema_momentum: `None` keeps the weights as training leaves them; a
            number below 1, e.g. 0.995, makes Adam also keep a moving average
            of the weights (each update moves it by `1 - ema_momentum` of the
            way), which `train_rnn_model` then validates, tests and keeps
            instead (Polyak averaging). The weights bounce between updates;
            their average over a few hundred updates sits nearer the middle of
            where they bounce.

    Returns:
        A compiled `keras.Model` with loss binary cross-entropy and metric accuracy.
    """
    vocab_size = check_positive_int("vocab_size", vocab_size)
    embedding_dim = check_positive_int("embedding_dim", embedding_dim)
    lstm_units = check_positive_int("lstm_units", lstm_units)
    if dense_units != 0:
        dense_units = check_positive_int("dense_units", dense_units)
    layer_class = recurrent_layer_class(cell)
    check_choice("padding", padding, ("pre", "post"))
    num_layers = check_positive_int("num_layers", num_layers)
    dropout = check_fraction("dropout", dropout)
    recurrent_dropout = check_fraction("recurrent_dropout", recurrent_dropout)
    learning_rate = check_positive_number("learning_rate", learning_rate)
    check_choice("pooling", pooling, POOLINGS)
    embedding_dropout = check_fraction("embedding_dropout", embedding_dropout)
    word_dropout = check_fraction("word_dropout", word_dropout)
    step_size = _step_size(learning_rate, learning_rate_decay)
    if ema_momentum is not None:
        ema_momentum = check_fraction("ema_momentum", ema_momentum, allow_zero=False)
    if max_length is not None:
        max_length = check_positive_int("max_length", max_length)
    if word_vectors is not None:
        word_vectors = np.asarray(word_vectors, dtype="float32")
        if word_vectors.shape != (vocab_size, embedding_dim):
            raise ValueError(
                "Argument `word_vectors` must have one row of embedding_dim numbers per word id, "
                f"shape ({vocab_size}, {embedding_dim}). Received: an array of shape "
                f"{word_vectors.shape}"
            )

    recurrent_kwargs = {"dropout": dropout, "recurrent_dropout": recurrent_dropout}
    if cell != "simple_rnn" and mask_zero and padding == "pre":
        _say_cudnn_off_once()
        recurrent_kwargs["use_cudnn"] = False

    inputs = keras.Input(shape=(max_length,), dtype="int32", name="word_ids")
    x = inputs
    if word_dropout:
        x = WordDropout(word_dropout, name="word_dropout")(x)
    embedding = keras.layers.Embedding(
        vocab_size, embedding_dim, mask_zero=bool(mask_zero), name="embedding"
    )
    x = embedding(x)
    if embedding_dropout:
        x = keras.layers.SpatialDropout1D(embedding_dropout, name="embedding_dropout")(x)
    for number in range(1, num_layers + 1):
        name = cell if num_layers == 1 else f"{cell}_{number}"
        every_step = number < num_layers or pooling != "last"
        recurrent = layer_class(
            lstm_units, return_sequences=every_step, name=name, **recurrent_kwargs
        )
        if bidirectional:
            recurrent = keras.layers.Bidirectional(recurrent, name=f"bidirectional_{name}")
        x = recurrent(x)
    if pooling != "last":
        states = x
        x = MaxOverTime(name="max_over_time")(states)
        if pooling == "max_mean":
            mean = keras.layers.GlobalAveragePooling1D(name="mean_over_time")(states)
            x = keras.layers.Concatenate(name="max_and_mean")([x, mean])
        if dropout:
            x = keras.layers.Dropout(dropout, name="pooled_dropout")(x)
    if dense_units:
        x = keras.layers.Dense(dense_units, activation="relu", name="dense")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="sentiment")(x)
    model = keras.Model(inputs, outputs, name=f"imdb_{cell}")
    if word_vectors is not None:
        embedding.set_weights([word_vectors])
    averaging = {} if ema_momentum is None else dict(use_ema=True, ema_momentum=ema_momentum)
    model.compile(
        optimizer=keras.optimizers.Adam(step_size, **averaging),
        loss="binary_crossentropy",
        metrics=["accuracy"],
        # Batches of different lengths would make XLA recompile for each length.
        jit_compile=False,
    )
    return model


def _step_size(learning_rate, decay):
    """Adam's learning rate: `learning_rate`, or decaying by `decay = (factor, updates)`."""
    if decay is None:
        return learning_rate
    if not (isinstance(decay, (tuple, list)) and len(decay) == 2):
        raise ValueError(
            "Argument `learning_rate_decay` must be None or a pair (factor, updates), e.g. "
            f"(0.6, 80). Received: learning_rate_decay={decay!r}"
        )
    factor = check_fraction("learning_rate_decay[0]", decay[0], allow_zero=False)
    updates = check_positive_int("learning_rate_decay[1]", decay[1])
    return keras.optimizers.schedules.ExponentialDecay(learning_rate, updates, factor)


def model_vocab_size(model):
    """The number of word ids a model takes, or `None` if it has no word-id input layer.

    Reads the `Embedding` of a recurrent model, or the `CategoryEncoding` of a
    bag of words (`lesson_utils.models.bag_of_words`).
    """
    for layer in model.layers:
        if isinstance(layer, keras.layers.Embedding):
            return layer.input_dim
        if isinstance(layer, keras.layers.CategoryEncoding):
            return layer.num_tokens
    return None


def model_masks_padding(model):
    """Tells whether a model's Embedding skips padding zeros (`mask_zero=True`)."""
    return any(
        isinstance(layer, keras.layers.Embedding) and layer.mask_zero for layer in model.layers
    )
