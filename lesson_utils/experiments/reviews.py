"""Notebook 04 (IMDB sentiment): the reviews' lengths, padding and truncation, and what they cost.

A model takes a rectangle of ids, so every review is cut or filled to
`max_length` ids. These functions measure what that costs (how many reviews
lose words), show what padding and truncating do to one review, and train
the same small LSTM with the padding done three ways (`padding_comparison`),
and measure how much of the label's error signal reaches a review's last word
with each (`last_word_gradients`).
"""

import time

import numpy as np

from lesson_utils.arguments import check_positive_int
from lesson_utils.data import text
from lesson_utils.models.recurrent import build_rnn_model
from lesson_utils.progress import track
from lesson_utils.quiet_tensorflow import import_tensorflow_quietly
from lesson_utils.settings import DEFAULT_VOCAB_SIZE, course_seed, set_global_seed
from lesson_utils.training.fit import evaluate_rnn_model, train_rnn_model

import_tensorflow_quietly()
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

# The live padding comparison of notebook 04, the same in quick and full mode:
# 3,000 training reviews of at most 150 ids, padded to 200, so that every
# review gets at least 50 padding zeros (about 90 on average); a small LSTM,
# one epoch of small batches with a brisk learning rate (about 15 s on 2 cores).
PADDING_COMPARISON_SIZES = dict(
    vocab_size=DEFAULT_VOCAB_SIZE,
    train_reviews=3_000,
    test_reviews=1_000,
    longest=150,
    max_length=200,
    embedding_dim=16,
    units=32,
    dense_units=64,
    batch_size=32,
    learning_rate=3e-3,
    epochs=1,
)
# Reviews whose gradients `last_word_gradients` computes together.
GRADIENT_BATCH = 50
# What each model of the comparison changes, and nothing else.
PADDING_SETTINGS = {
    "(a) post-padding, no mask": dict(padding="post", mask_zero=False),
    "(b) pre-padding, no mask": dict(padding="pre", mask_zero=False),
    "(c) post-padding + mask": dict(padding="post", mask_zero=True),
}


def truncated_share(lengths, max_length):
    """Fraction of reviews longer than `max_length` ids, which padding to it truncates.

    Args:
        lengths: review lengths, as `review_lengths` returns.
        max_length: the length every review is cut or padded to.

    Returns:
        A float between 0 and 1.
    """
    max_length = check_positive_int("max_length", max_length)
    lengths = np.asarray(lengths)
    if lengths.size == 0:
        raise ValueError("Argument `lengths` is empty: pass the length of at least one review.")
    return float(np.mean(lengths > max_length))


def padding_examples(ids, max_length):
    """The same review padded or truncated every way Keras can.

    Args:
        ids: one review's word ids.
        max_length: the length to pad or cut to.

    Returns:
        A dict, name -> int array of length `max_length`, for the four
        combinations of `padding` and `truncating` ("pre"/"post").
    """
    max_length = check_positive_int("max_length", max_length)
    out = {}
    for padding in ("post", "pre"):
        for truncating in ("pre", "post"):
            out[f"padding={padding!r}, truncating={truncating!r}"] = text.pad_reviews(
                [list(ids)], max_length, padding=padding, truncating=truncating
            )[0]
    return out


def padded_words(row, word_index, pad_symbol="·"):
    """A padded row as words, with a visible symbol for each padding zero.

    Args:
        row: padded word ids.
        word_index: Keras' IMDB word index (`get_word_index()`).
        pad_symbol: what a padding zero is shown as.

    Returns:
        One string.
    """
    real_words = iter(text.ids_to_words(row, word_index))
    return " ".join(pad_symbol if int(i) == text.PAD_ID else next(real_words) for i in row)


def short_reviews(reviews, labels, count, longest):
    """The first `count` reviews of at most `longest` ids, in their order.

    Args:
        reviews: lists of word ids, as `load_imdb` returns.
        labels: their labels.
        count: how many reviews to keep.
        longest: the most ids a kept review may have.

    Returns:
        `(reviews, labels)`: a list of id lists and an int array.

    Raises:
        ValueError: when fewer than `count` reviews are short enough.
    """
    count = check_positive_int("count", count)
    longest = check_positive_int("longest", longest)
    chosen = [i for i, review in enumerate(reviews) if len(review) <= longest][:count]
    if len(chosen) < count:
        raise ValueError(
            f"Only {len(chosen)} reviews have at most {longest} ids; asked for "
            f"{count}. Received: count={count}, longest={longest}"
        )
    return [list(reviews[i]) for i in chosen], np.asarray(labels)[chosen].astype(int)


def padding_comparison(train, test, *, sizes=None, seed=None):
    """Trains the same small LSTM three times, changing only the padding or the mask.

    The models are (a) post-padding without a mask, (b) pre-padding without
    a mask and (c) post-padding with `mask_zero=True` (`PADDING_SETTINGS`).
    All three read the same short reviews, padded to the same fixed
    `max_length` (so (c) computes every padded step too, and differs from (a)
    only by its mask), with the same seed, sizes and optimiser. In a notebook
    a progress bar shows which model trains.

    Args:
        train: `(reviews, labels)` for training, as `load_imdb` returns.
        test: `(reviews, labels)` for testing.
        sizes: a dict like `PADDING_COMPARISON_SIZES` (the default).
        seed: seeds the weights and the shuffling.

    Returns:
        A dict, setting name -> dict with `padding`, `mask_zero`,
        `test_accuracy`, `seconds` (training and testing), and
        `mean_padding` (padding zeros per training review).
    """
    seed = course_seed(seed)
    sizes = dict(PADDING_COMPARISON_SIZES, **(sizes or {}))
    x_train, y_train = short_reviews(*train, sizes["train_reviews"], sizes["longest"])
    x_test, y_test = short_reviews(*test, sizes["test_reviews"], sizes["longest"])
    max_length = sizes["max_length"]
    mean_padding = max_length - float(np.mean([len(review) for review in x_train]))
    results = {}
    for name in track(
        PADDING_SETTINGS,
        "LSTM, one model per padding setting",
        unit="models",
        label=lambda name: name,
    ):
        setting = PADDING_SETTINGS[name]
        start = time.perf_counter()
        set_global_seed(seed)
        model = build_rnn_model(
            sizes["vocab_size"],
            sizes["embedding_dim"],
            sizes["units"],
            sizes["dense_units"],
            dropout=0.0,
            max_length=max_length,
            learning_rate=sizes["learning_rate"],
            **setting,
        )
        padded_train, padded_test = (
            text.pad_reviews(x, max_length, padding=setting["padding"]) for x in (x_train, x_test)
        )
        train_rnn_model(
            model,
            padded_train,
            y_train,
            epochs=sizes["epochs"],
            batch_size=sizes["batch_size"],
            validation_split=0.0,
            verbose=0,
            seed=seed,
        )
        accuracy = evaluate_rnn_model(model, padded_test, y_test)["accuracy"]
        results[name] = dict(
            setting,
            test_accuracy=accuracy,
            mean_padding=mean_padding,
            seconds=time.perf_counter() - start,
        )
    return results


def last_word_gradients(model, reviews, labels, max_length):
    """How strongly the loss reaches each review's last word, padded three ways.

    The same model, with the same weights, reads the reviews as in
    `PADDING_SETTINGS`: post-padded without a mask, pre-padded without a
    mask, post-padded with a mask (the mask is given to the recurrent layers
    directly, so the model's own `mask_zero` does not matter). For each, the
    gradient of the review's binary cross-entropy with respect to the
    embedding vector of its last real word is what training can learn from
    that word; with post-padding it must travel back through every padding
    step first.

    Args:
        model: a model from `build_rnn_model`.
        reviews: a list of lists of word ids.
        labels: their labels, 0 or 1.
        max_length: the length the reviews are padded or cut to.

    Returns:
        A dict: for each name of `PADDING_SETTINGS`, a float array with, per
        review, the norm of that gradient; and `padding_steps`, an int array
        with each review's number of padding zeros.
    """
    max_length = check_positive_int("max_length", max_length)
    if len(labels) != len(reviews):
        raise ValueError(
            f"Argument `labels` must give one label per review ({len(reviews)} reviews). "
            f"Received: {len(labels)} labels"
        )
    lengths = np.array([min(len(review), max_length) for review in reviews])
    y = np.asarray(labels, dtype="float32").reshape(-1, 1)
    embedding = model.get_layer("embedding")
    after = model.layers[model.layers.index(embedding) + 1 :]
    recurrent = (keras.layers.RNN, keras.layers.Bidirectional)

    # One graph, a few reviews at a time: run eagerly, the tape would keep every step's tensors
    # of all the reviews at once (about 350 MiB for 200 reviews of 256 steps), three times slower.
    # Traced once: every setting gives a mask, and an all-True mask masks nothing.
    @tf.function(
        input_signature=[
            tf.TensorSpec([None, None], tf.int32),  # word ids
            tf.TensorSpec([None, 1], tf.float32),  # labels
            tf.TensorSpec([None], tf.int32),  # where each review's last word is
            tf.TensorSpec([None, None], tf.bool),  # the mask
        ]
    )
    def last_word_gradient(ids, y, last, mask):
        vectors = tf.gather(embedding.embeddings, ids)
        with tf.GradientTape() as tape:
            tape.watch(vectors)
            x = vectors
            for layer in after:
                x = layer(x, mask=mask) if isinstance(layer, recurrent) else layer(x)
            # Summed, each review's gradient is that of its own loss.
            loss = tf.reduce_sum(keras.losses.binary_crossentropy(y, x))
        return tf.gather(tape.gradient(loss, vectors), last, batch_dims=1)

    norms = {}
    for name, setting in PADDING_SETTINGS.items():
        ids = text.pad_reviews(reviews, max_length, padding=setting["padding"])
        last = lengths - 1 if setting["padding"] == "post" else np.full(len(ids), max_length - 1)
        last = last.astype("int32")
        mask = ids != 0 if setting["mask_zero"] else np.ones(ids.shape, bool)
        parts = []
        for start in range(0, len(ids), GRADIENT_BATCH):
            part = slice(start, start + GRADIENT_BATCH)
            parts.append(last_word_gradient(ids[part], y[part], last[part], mask[part]).numpy())
        # In float64: squared, a gradient of 1e-20 would be flushed to 0 by TensorFlow.
        norms[name] = np.linalg.norm(np.concatenate(parts).astype(np.float64), axis=1)
    norms["padding_steps"] = max_length - lengths
    return norms


def find_phrase(reviews, phrase, word_index, vocab_size=DEFAULT_VOCAB_SIZE):
    """The reviews that contain a phrase, word for word.

    Args:
        reviews: lists of word ids, as `load_imdb` returns.
        phrase: words as `decode_review` shows them (lower case, no punctuation).
        word_index: Keras' IMDB word index (`get_word_index()`).
        vocab_size: as the reviews were loaded (rarer words are id 2).

    Returns:
        The indices of the reviews that contain the phrase's ids in a row.
    """
    ids = text.words_to_ids(text.text_to_words(phrase), word_index, vocab_size)[1:]
    if not ids:
        raise ValueError(
            f"Argument `phrase` has no word of IMDB's index. Received: phrase={phrase!r}"
        )
    size = len(ids)
    return [
        i
        for i, review in enumerate(reviews)
        if any(
            list(review[start : start + size]) == ids
            for start in range(len(review) - size + 1)
            if review[start] == ids[0]
        )
    ]
