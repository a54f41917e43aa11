"""Word vectors from counts: each word described by the words found near it.

Notebook 05 starts a review classifier's `Embedding` from these vectors instead
of random numbers. They are counted from the very reviews the classifier trains
on, without their labels, so no other text comes in; what they bring is what
the words' neighbours say, which a classifier told only "positive" or
"negative" learns slowly. Three steps, each a few lines of NumPy:

1. `cooccurrence_counts`: how often each word appears within a few words of
   each of the most frequent words (its contexts);
2. `positive_pmi`: how much more often than chance (positive pointwise mutual
   information), so that "the" near everything stops counting;
3. `truncated_svd_rows`: the best `dim` numbers per word to rebuild those rows
   (a truncated singular value decomposition).

Levy and Goldberg (2014) showed that word2vec's vectors amount to this
factorisation, done implicitly.
"""

import numpy as np

from lesson_utils.arguments import check_positive_int, check_positive_number
from lesson_utils.data.text import PAD_ID

# How many of the most frequent words serve as contexts, and how far a neighbour may stand.
CONTEXT_WORDS = 5_000
WINDOW = 5
# Vectors are scaled to this standard deviation: small, like the random
# numbers Keras starts an Embedding from (within +-0.05).
VECTOR_SCALE = 0.05
# Reviews counted at a time: the pairs of 200 reviews of 256 words take about 4 MB.
REVIEWS_PER_CHUNK = 200
# Entries of the table of counts turned into PMI at a time (2 MB of float64).
VALUES_PER_BLOCK = 250_000


def cooccurrence_counts(reviews, vocab_size, *, contexts=CONTEXT_WORDS, window=WINDOW):
    """Counts how often each word stands within `window` words of each context word.

    Args:
        reviews: the reviews as word ids, a list of lists or a padded array
            (the padding id 0 is never counted).
        vocab_size: ids must be below it; one row per id.
        contexts: the context words are the ids below this (IMDB's ids are
            ranked by frequency, so these are the most frequent words).
        window: how many words on either side count as near.

    Returns:
        A float32 array `(vocab_size, contexts)`: row `w`, column `c` is how
        often `c` stands within `window` words of `w`, over all reviews.
    """
    vocab_size = check_positive_int("vocab_size", vocab_size)
    contexts = min(check_positive_int("contexts", contexts), vocab_size)
    window = check_positive_int("window", window)
    counts = np.zeros(vocab_size * contexts, dtype=np.float32)
    # A few hundred reviews at a time, so that the pairs of all reviews never sit in memory at once.
    reviews = list(reviews)
    for start in range(0, len(reviews), REVIEWS_PER_CHUNK):
        codes, times = np.unique(
            _pair_codes(reviews[start : start + REVIEWS_PER_CHUNK], vocab_size, contexts, window),
            return_counts=True,
        )
        counts[codes] += times
    return counts.reshape(vocab_size, contexts)


def _pair_codes(reviews, vocab_size, contexts, window):
    """Each (word, context) pair of `reviews` as one number, `word * contexts + context`."""
    gap = np.full(window, PAD_ID, dtype=np.int64)
    # One stream of the reviews' words, each review followed by a gap of padding so that no pair
    # spans two reviews.
    pieces = []
    for review in reviews:
        review = np.asarray(review, dtype=np.int64)
        pieces += [review[review != PAD_ID], gap]
    stream = np.concatenate(pieces)
    if stream.max() >= vocab_size:
        raise ValueError(
            f"Argument `reviews` holds the id {stream.max()}, not below vocab_size={vocab_size}. "
            "Prepare the reviews with the same vocab_size."
        )
    pairs = []
    for distance in range(1, window + 1):
        left, right = stream[:-distance], stream[distance:]
        real = (left != PAD_ID) & (right != PAD_ID)
        for word, context in ((left, right), (right, left)):
            keep = real & (context < contexts)
            pairs.append(word[keep] * contexts + context[keep])
    return np.concatenate(pairs)


def positive_pmi(counts, *, smoothing=0.75, out=None):
    """Positive pointwise mutual information of a table of counts.

    `log(P(word, context) / (P(word) P(context)))`: 0 when a word meets a
    context as often as chance predicts, above 0 when more often. Values below
    0 and pairs never seen become 0.

    Args:
        counts: `(words, contexts)` counts, as `cooccurrence_counts` returns.
        smoothing: the contexts' counts are raised to this power before
            they become probabilities. Below 1 it gives rare contexts more
            probability, so a word seen once beside a rare word does not
            score the highest PMI (word2vec's negative sampling does the same).
        out: a float32 array of the shape of `counts` to write into, which may
            be `counts` itself (each block of words is read before it is
            written), so that a large table is held once; `None` for a new one.

    Returns:
        A float32 array of the shape of `counts` (`out` when given).
    """
    smoothing = check_positive_number("smoothing", smoothing)
    counts = np.asarray(counts)
    total = counts.sum(dtype=np.float64)
    if total == 0:
        raise ValueError("Argument `counts` is all zeros: there is nothing to measure.")
    word_p = counts.sum(axis=1, keepdims=True, dtype=np.float64) / total
    context_p = counts.sum(axis=0, keepdims=True, dtype=np.float64) ** smoothing
    context_p /= context_p.sum()
    pmi = np.zeros(counts.shape, dtype=np.float32) if out is None else out
    if pmi.shape != counts.shape or pmi.dtype != np.float32:
        raise ValueError(
            f"Argument `out` must be a float32 array of the shape of `counts` {counts.shape}. "
            f"Received: a {pmi.dtype} array of shape {pmi.shape}"
        )
    # A block of words at a time, so that the float64 arithmetic never holds the whole table.
    rows = max(1, VALUES_PER_BLOCK // counts.shape[1])
    for start in range(0, len(counts), rows):
        block = counts[start : start + rows].astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            block_pmi = np.log(block / total / (word_p[start : start + rows] * context_p))
        pmi[start : start + rows] = np.where(block > 0, np.maximum(block_pmi, 0.0), 0.0)
    return pmi


def truncated_svd_rows(matrix, dim, *, seed=0, power_iterations=3):
    """The rows of `matrix` described by `dim` numbers each: `U_dim * sqrt(S_dim)`.

    A randomized truncated SVD (Halko, Martinsson & Tropp, 2011): the matrix
    times a few random directions, sharpened by power iterations, spans its
    top singular vectors; an exact SVD of that small projection finishes it.
    Seconds instead of minutes for IMDB's 20,000 x 5,000.

    Args:
        matrix: a 2-D array, one row per word.
        dim: numbers per row, at most the smaller side of `matrix`.
        seed: seeds the random directions (the result barely depends on it).
        power_iterations: rounds of sharpening.

    Returns:
        A float32 array `(rows, dim)`.
    """
    matrix = np.asarray(matrix, dtype=np.float32)
    dim = check_positive_int("dim", dim)
    if dim > min(matrix.shape):
        raise ValueError(
            f"Argument `dim` must be at most the smaller side of `matrix` {matrix.shape}. "
            f"Received: dim={dim}"
        )
    rng = np.random.default_rng(seed)
    extra = min(dim + 20, min(matrix.shape))
    basis = matrix @ rng.normal(size=(matrix.shape[1], extra)).astype(np.float32)
    for _ in range(power_iterations):
        basis, _ = np.linalg.qr(basis)
        basis = matrix @ (matrix.T @ basis)
    basis, _ = np.linalg.qr(basis)
    u, s, _ = np.linalg.svd(basis.T @ matrix, full_matrices=False)
    return ((basis @ u[:, :dim]) * np.sqrt(s[:dim])).astype(np.float32)


def count_word_vectors(reviews, vocab_size, dim, *, contexts=CONTEXT_WORDS, window=WINDOW):
    """Word vectors from the reviews' counts, ready to start an `Embedding` from.

    Args:
        reviews, vocab_size, contexts, window: as for `cooccurrence_counts`.
        dim: numbers per word (the Embedding's `embedding_dim`).

    Returns:
        A float32 array `(vocab_size, dim)`, scaled to a standard deviation of
        `VECTOR_SCALE`; a word never seen near a context word gets zeros.
    """
    # The counts become PMI where they stand: one table in memory, not two.
    counts = cooccurrence_counts(reviews, vocab_size, contexts=contexts, window=window)
    vectors = truncated_svd_rows(positive_pmi(counts, out=counts), dim)
    return vectors * (VECTOR_SCALE / max(float(vectors.std()), 1e-12))
