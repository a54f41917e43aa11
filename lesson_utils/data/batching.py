"""Batches of reviews of similar length, cut at their longest review.

A masked RNN skips padding, but on a CPU it still pays for every time step of
the padded batch. Grouping reviews of similar length and cutting each batch at
its longest review removes almost all padding steps; with a mask and
post-padding the result is exactly what the full-length batch would give.
"""

import numpy as np

from lesson_utils.data.text import review_lengths
from lesson_utils.quiet_tensorflow import import_tensorflow_quietly

import_tensorflow_quietly()
import tensorflow as tf  # noqa: E402

# Reviews are sorted by length within windows of this many batches: large
# enough to group similar lengths, small enough to keep batches varied.
SORT_WINDOW_BATCHES = 50


def is_post_padded(x):
    """Tells whether every row is its ids followed only by zeros."""
    nonzero = x != 0
    lengths = nonzero.sum(axis=1)
    return bool(np.array_equal(nonzero, np.arange(x.shape[1]) < lengths[:, None]))


def length_bucketed_batches(lengths, batch_size, rng=None):
    """Splits row indices into batches of reviews of similar length.

    Args:
        lengths: length of each review.
        batch_size: reviews per batch.
        rng: a `numpy.random.Generator` to shuffle the reviews and the order
            of the batches; `None` sorts everything by length (for evaluation).

    Returns:
        A list of index arrays, one per batch.
    """
    n = len(lengths)
    if rng is None:
        order, window = np.argsort(lengths, kind="stable"), max(n, 1)
    else:
        order, window = rng.permutation(n), batch_size * SORT_WINDOW_BATCHES
    batches = []
    for start in range(0, n, window):
        chunk = order[start : start + window]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    if rng is not None:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return batches


def bucketed_dataset(x, y, batch_size, *, shuffle=False, seed=None):
    """A `tf.data.Dataset` of post-padded batches cut at their longest review.

    Args:
        x: post-padded ids, shape `(reviews, max_length)`.
        y: labels, shape `(reviews,)`.
        batch_size: reviews per batch.
        shuffle: new random batches each epoch (training) or one fixed,
            length-sorted order (evaluation).
        seed: seed of the shuffling, so a run can be repeated.

    Returns:
        A dataset of `(ids, labels)` with a known number of batches.
    """
    x = np.asarray(x, dtype=np.int32)
    lengths = review_lengths(x)
    rng = np.random.default_rng(seed) if shuffle else None
    n_batches = len(length_bucketed_batches(lengths, batch_size, None))
    labels = np.asarray(y, dtype=np.float32)

    def batches():
        for idx in length_bucketed_batches(lengths, batch_size, rng):
            yield x[idx, : lengths[idx].max()], labels[idx]

    dataset = tf.data.Dataset.from_generator(
        batches,
        output_signature=(
            tf.TensorSpec((None, None), tf.int32),
            tf.TensorSpec((None,), tf.float32),
        ),
    )
    return dataset.apply(tf.data.experimental.assert_cardinality(n_batches)).prefetch(2)
