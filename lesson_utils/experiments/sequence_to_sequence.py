"""Notebook 07, section 7: what one vector between an encoder and a decoder can carry.

`reversal_by_length` trains the encoder-decoder of
`lesson_utils.models.encoder_decoder` to reverse strings of digits of every
length up to a longest, then scores it on fresh strings of each length,
written greedily (each character chosen fed back in). The whole source must
pass through the encoder's final state, a vector of a fixed size: the longer
the string, the more it must hold, and the accuracy falls. This is the limit
attention (Bahdanau, Cho & Bengio, 2015) was invented to lift.
"""

from lesson_utils.arguments import check_positive_int
from lesson_utils.data.strings import (
    START,
    STRING_VOCAB_SIZE,
    ids_to_digits,
    make_reversal_task,
)
from lesson_utils.models.encoder_decoder import build_encoder_decoder, decode_greedily
from lesson_utils.progress import track
from lesson_utils.settings import course_seed, set_global_seed


def reversal_accuracy(model, task):
    """Scores a model's greedy reversals of `task`'s strings, all of one length.

    Args:
        model: a trained model from `build_encoder_decoder`.
        task: `make_reversal_task(count, length, length)`'s dict.

    Returns:
        `{"character": ..., "string": ...}`: the fraction of characters written
        right, each in its place, and the fraction of strings written right whole.
    """
    length = int(task["lengths"].max())
    if task["lengths"].min() != length:
        raise ValueError(
            "Argument `task` must hold strings of one length (make_reversal_task(count, n, n)). "
            f"Received lengths from {task['lengths'].min()} to {length}"
        )
    right = decode_greedily(model, task["sources"], length, START) == task["targets"][:, :length]
    return {"character": float(right.mean()), "string": float(right.all(axis=1).mean())}


def reversal_by_length(
    lengths,
    *,
    units,
    embedding_dim,
    train_strings,
    epochs,
    batch_size,
    learning_rate,
    test_strings=500,
    seed=None,
):
    """Trains one encoder-decoder to reverse strings, then scores it at each length.

    The training strings' lengths are drawn uniformly from 1 to `max(lengths)`;
    each length is then scored on `test_strings` fresh strings of exactly that
    length.

    Args:
        lengths: the lengths to score, e.g. `(2, 4, 8, 12)`.
        units, embedding_dim, learning_rate: as for `build_encoder_decoder`.
        train_strings: how many training strings.
        epochs: passes over them.
        batch_size: strings per gradient step.
        test_strings: strings scored per length.
        seed: seeds the weights and the strings (the test strings with other seeds).

    Returns:
        `(model, scores)`: the trained model and `{length: {"character": ...,
        "string": ...}}` (`reversal_accuracy` at each length).
    """
    seed = course_seed(seed)
    lengths = sorted(check_positive_int("lengths", length) for length in lengths)
    set_global_seed(seed)
    task = make_reversal_task(train_strings, 1, lengths[-1], seed=seed)
    model = build_encoder_decoder(
        STRING_VOCAB_SIZE, embedding_dim=embedding_dim, units=units, learning_rate=learning_rate
    )
    for _ in track(
        range(1, check_positive_int("epochs", epochs) + 1),
        "training the encoder-decoder",
        unit="epochs",
        label=lambda epoch: f"epoch {epoch}",
    ):
        model.fit(
            [task["sources"], task["decoder_inputs"]],
            task["targets"],
            sample_weight=task["weights"],
            batch_size=batch_size,
            epochs=1,
            verbose=0,
        )
    scores = {
        length: reversal_accuracy(
            model, make_reversal_task(test_strings, length, length, seed=seed + length)
        )
        for length in lengths
    }
    return model, scores


def reversal_examples(model, count, length, *, seed=None):
    """A few strings of one length, their reversal and what the model wrote.

    Returns:
        A list of `(source, reversal, written)` strings of digits.
    """
    task = make_reversal_task(check_positive_int("count", count), length, length, seed=seed)
    written = decode_greedily(model, task["sources"], length, START)
    return [
        (ids_to_digits(source), ids_to_digits(target), ids_to_digits(row))
        for source, target, row in zip(task["sources"], task["targets"], written)
    ]
