"""Word vectors from counts (models.word_vectors), against plain loops and NumPy's SVD."""

import numpy as np
import pytest

from lesson_utils.models import word_vectors
from lesson_utils.models.recurrent import build_rnn_model
from lesson_utils.models.word_vectors import (
    VECTOR_SCALE,
    cooccurrence_counts,
    count_word_vectors,
    positive_pmi,
    truncated_svd_rows,
)


def counts_by_loops(reviews, vocab_size, contexts, window):
    counts = np.zeros((vocab_size, contexts))
    for review in reviews:
        words = [w for w in review if w != 0]
        for i, word in enumerate(words):
            for j in range(max(0, i - window), min(len(words), i + window + 1)):
                if j != i and words[j] < contexts:
                    counts[word, words[j]] += 1
    return counts


@pytest.mark.parametrize("chunk", [1, 3, word_vectors.REVIEWS_PER_CHUNK])
def test_counts_are_those_of_a_plain_loop_over_each_review(chunk, monkeypatch):
    monkeypatch.setattr(word_vectors, "REVIEWS_PER_CHUNK", chunk)
    rng = np.random.default_rng(0)
    reviews = [list(rng.integers(1, 30, size=n)) for n in (1, 7, 12, 3)]
    got = cooccurrence_counts(reviews, 30, contexts=10, window=2)
    assert got.shape == (30, 10)
    np.testing.assert_array_equal(got, counts_by_loops(reviews, 30, 10, 2))


def test_padding_is_not_a_word_and_no_pair_spans_two_reviews():
    padded = np.array([[5, 6, 0, 0], [7, 8, 9, 0]])
    got = cooccurrence_counts(padded, 10, contexts=10, window=3)
    np.testing.assert_array_equal(got, counts_by_loops([[5, 6], [7, 8, 9]], 10, 10, 3))
    assert got[:, 0].sum() == 0 and got[0].sum() == 0
    assert got[6, 7] == 0, "the last word of one review is not near the first of the next"


def test_an_id_beyond_the_vocabulary_is_a_clear_error():
    with pytest.raises(ValueError, match="holds the id 12, not below vocab_size=10"):
        cooccurrence_counts([[3, 12]], 10)


def test_positive_pmi_is_zero_at_chance_and_above_zero_for_pairs_met_more_often():
    counts = np.array([[4.0, 0.0], [0.0, 4.0], [2.0, 2.0]])
    pmi = positive_pmi(counts, smoothing=1.0)
    # P(word 0, context 0) = 4/12 against P(word 0) P(context 0) = 4/12 * 6/12: log 2.
    assert pmi[0, 0] == pytest.approx(np.log(2))
    assert pmi[0, 1] == 0, "a pair never seen counts 0"
    # Word 2 meets each context exactly as often as chance predicts.
    np.testing.assert_allclose(pmi[2], 0, atol=1e-6)
    # Smoothing gives the rarer context more probability, so a pair with it less PMI.
    uneven = np.array([[4.0, 1.0], [4.0, 0.0]])
    assert positive_pmi(uneven, smoothing=0.75)[0, 1] < positive_pmi(uneven, smoothing=1.0)[0, 1]
    with pytest.raises(ValueError, match="all zeros"):
        positive_pmi(np.zeros((2, 2)))


def test_the_truncated_svd_keeps_what_an_exact_svd_keeps():
    rng = np.random.default_rng(1)
    matrix = rng.normal(size=(60, 3)) @ rng.normal(size=(3, 40)) + 0.01 * rng.normal(size=(60, 40))
    rows = truncated_svd_rows(matrix, 3)
    u, s, _ = np.linalg.svd(matrix, full_matrices=False)
    exact = u[:, :3] * np.sqrt(s[:3])
    # The same rows up to the sign of each column.
    signs = np.sign(np.sum(rows * exact, axis=0))
    np.testing.assert_allclose(rows * signs, exact, atol=1e-3)
    with pytest.raises(ValueError, match="at most the smaller side"):
        truncated_svd_rows(matrix, 41)


def test_words_that_share_their_neighbours_get_close_vectors():
    # Words 3 and 4 each stand between 5 and 6; words 7 and 8 between 9 and 10.
    rng = np.random.default_rng(2)
    reviews = [[5, int(rng.choice([3, 4])), 6] for _ in range(100)]
    reviews += [[9, int(rng.choice([7, 8])), 10] for _ in range(100)]
    vectors = count_word_vectors(reviews, 12, 4, contexts=12, window=1)
    assert vectors.shape == (12, 4) and vectors.std() == pytest.approx(VECTOR_SCALE, rel=1e-4)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True).clip(1e-12)
    assert unit[3] @ unit[4] > 0.99 and unit[7] @ unit[8] > 0.99
    assert abs(unit[3] @ unit[7]) < 0.1, "words with no neighbour in common stay apart"


def test_a_model_starts_from_the_word_vectors_it_is_given():
    vectors = np.arange(20 * 4, dtype=np.float32).reshape(20, 4) / 100
    model = build_rnn_model(vocab_size=20, embedding_dim=4, lstm_units=3, word_vectors=vectors)
    np.testing.assert_array_equal(model.get_layer("embedding").get_weights()[0], vectors)
    assert model.get_layer("embedding").trainable, "training goes on changing them"
    with pytest.raises(ValueError, match=r"shape \(20, 5\). Received: an array of shape \(20, 4\)"):
        build_rnn_model(vocab_size=20, embedding_dim=5, lstm_units=3, word_vectors=vectors)


def test_pmi_written_over_its_own_counts_is_the_pmi_of_a_new_array(monkeypatch):
    monkeypatch.setattr(word_vectors, "VALUES_PER_BLOCK", 4)  # Blocks of two words of 2 contexts.
    counts = np.random.default_rng(3).integers(0, 5, size=(7, 2)).astype(np.float32)
    expected = positive_pmi(counts.copy())
    got = positive_pmi(counts, out=counts)
    assert got is counts
    np.testing.assert_array_equal(got, expected)
    with pytest.raises(ValueError, match="`out` must be a float32 array of the shape"):
        positive_pmi(expected, out=np.zeros((7, 2)))
