"""Notebook 04 (IMDB sentiment): an embedding lookup is a one-hot vector times a matrix.

Keras' `Embedding` layer reads row `i` of its matrix for word id `i`. Written
as a product, the same lookup is `one_hot(ids) @ matrix`: each one-hot row
picks one row of the matrix. The product is the definition; the lookup is
how every library computes it, without building the one-hot vectors.
"""

import numpy as np

from lesson_utils.arguments import check_positive_int


def one_hot(ids, vocab_size):
    """One-hot vectors of word ids.

    Args:
        ids: integer array of word ids, any shape, each in `[0, vocab_size)`.
        vocab_size: the number of ids.

    Returns:
        A float array of shape `ids.shape + (vocab_size,)`, with a single 1 per vector.
    """
    vocab_size = check_positive_int("vocab_size", vocab_size)
    ids = np.asarray(ids)
    if ids.size and (ids.min() < 0 or ids.max() >= vocab_size):
        raise ValueError(
            f"Argument `ids` must hold word ids from 0 to {vocab_size - 1} (vocab_size="
            f"{vocab_size}). Received ids from {ids.min()} to {ids.max()}."
        )
    return (ids[..., None] == np.arange(vocab_size)).astype(float)


def embedding_lookup(ids, matrix):
    """What an Embedding layer does, written as a product: `one_hot(ids) @ matrix`.

    Args:
        ids: integer array of word ids, any shape.
        matrix: the embedding matrix, shape `(vocab_size, embedding_dim)`.

    Returns:
        A float array of shape `ids.shape + (embedding_dim,)`: row `i` of
        `matrix` for each id `i`.
    """
    matrix = np.asarray(matrix)
    return one_hot(ids, matrix.shape[0]) @ matrix
