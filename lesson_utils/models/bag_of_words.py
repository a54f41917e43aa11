"""An honest baseline for the review classifier: a bag of words.

A bag of words forgets the order of the words and keeps only which words a
review uses: each review becomes a vector of `vocab_size` zeros and ones
("multi-hot"). A logistic regression on that vector, or a small dense network,
is the model any recurrent network on IMDB has to beat to earn its cost.

The models take the same padded word ids as `build_rnn_model` (the multi-hot
encoding is their first layer), so `train_rnn_model`, `evaluate_rnn_model` and
`predict_proba` serve them unchanged.
"""

from lesson_utils.arguments import check_positive_int, check_positive_number
from lesson_utils.quiet_tensorflow import import_tensorflow_quietly
from lesson_utils.settings import DEFAULT_VOCAB_SIZE

import_tensorflow_quietly()
import keras  # noqa: E402

# Longer than every IMDB review (the longest has 2,494 ids), so that a bag of
# words prepared with it reads every review whole.
BAG_OF_WORDS_MAX_LENGTH = 2_500


def build_bag_of_words_model(vocab_size=DEFAULT_VOCAB_SIZE, hidden_units=(), *, learning_rate=1e-3):
    """Builds and compiles a multi-hot bag-of-words classifier.

    The padding id 0 and the start id 1 get a column each like any word; both
    are (almost) always 1, so they act as a second bias and change nothing.

    Args:
        vocab_size: number of word ids, as in `load_imdb` (ids must be below it).
        hidden_units: sizes of the hidden ReLU layers; `()` (the default) is a
            logistic regression, `(16, 16)` a small dense network.
        learning_rate: Adam's step size.

    Returns:
        A compiled `keras.Model` from word ids `(reviews, length)` to the
        probability of a positive review, with loss binary cross-entropy and
        metric accuracy.
    """
    vocab_size = check_positive_int("vocab_size", vocab_size)
    learning_rate = check_positive_number("learning_rate", learning_rate)
    if isinstance(hidden_units, int) or not hasattr(hidden_units, "__iter__"):
        raise ValueError(
            "Argument `hidden_units` must be a tuple of layer sizes, e.g. () or "
            f"(16, 16). Received: hidden_units={hidden_units!r}"
        )
    hidden_units = [check_positive_int("hidden_units", units) for units in hidden_units]

    inputs = keras.Input(shape=(None,), dtype="int32", name="word_ids")
    x = keras.layers.CategoryEncoding(vocab_size, output_mode="multi_hot", name="multi_hot")(inputs)
    for i, units in enumerate(hidden_units, start=1):
        x = keras.layers.Dense(units, activation="relu", name=f"dense_{i}")(x)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="sentiment")(x)
    name = "bag_of_words_" + (
        "logistic" if not hidden_units else "dense_" + "_".join(str(u) for u in hidden_units)
    )
    model = keras.Model(inputs, outputs, name=name)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model
