"""Review lengths, truncation and padding made visible."""

import types

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
import tensorflow as tf

from lesson_utils.data.text import review_lengths
from lesson_utils.experiments.reviews import padded_words, padding_examples, truncated_share
from lesson_utils.figures.reviews import plot_review_lengths


def test_lengths_of_lists_and_of_padded_rows():
    assert review_lengths([[1, 2, 3], [1]]).tolist() == [3, 1]
    assert review_lengths(np.array([[1, 2, 0], [1, 0, 0]])).tolist() == [2, 1]


def test_truncated_share_counts_reviews_longer_than_max_length():
    assert truncated_share([10, 256, 257, 300], 256) == 0.5
    with pytest.raises(ValueError, match="max_length"):
        truncated_share([1], 0)
    with pytest.raises(ValueError, match="empty"):
        truncated_share([], 3)


def test_padding_examples_match_keras_pad_sequences():
    ids = [1, 14, 22, 16, 43, 530]
    for max_length in (4, 9):
        examples = padding_examples(ids, max_length)
        assert len(examples) == 4
        for padding in ("pre", "post"):
            for truncating in ("pre", "post"):
                expected = keras.utils.pad_sequences(
                    [ids], max_length, padding=padding, truncating=truncating
                )[0]
                got = examples[f"padding={padding!r}, truncating={truncating!r}"]
                assert got.tolist() == expected.tolist()


def test_padded_words_shows_padding():
    index = {"great": 1, "film": 2}
    assert padded_words([1, 4, 5, 0, 0], index) == "[START] great film · ·"


def test_length_histogram_marks_max_length_and_writes_the_share_it_is_given():
    fig = plot_review_lengths(np.arange(1, 1001), 256, 0.744, title="Lengths")
    ax = fig.axes[0]
    assert any(list(line.get_xdata()) == [256, 256] for line in ax.lines)
    assert "74%" in " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == (
        "Lengths",
        "Review length (word ids; the last bar holds the longest 1%)",
        "Number of reviews",
    )
    plt.close(fig)


def test_find_phrase_finds_the_reviews_holding_it_word_for_word(fake_imdb):
    from lesson_utils import get_word_index
    from lesson_utils.experiments.reviews import find_phrase

    word_index = get_word_index(fake_imdb)  # the: 1, film: 2, was: 3, great: 4, bad: 5
    reviews = [[1, 5, 6, 7], [1, 6, 5, 7], [1, 4, 5, 6, 9]]  # ids are ranks + 3
    assert find_phrase(reviews, "Film was!", word_index) == [0, 2]
    assert find_phrase(reviews, "the film was", word_index) == [2]
    with pytest.raises(ValueError, match="phrase"):
        find_phrase(reviews, "zorglub", word_index)


def test_short_reviews_keeps_the_first_short_ones_in_order():
    from lesson_utils.experiments.reviews import short_reviews

    reviews = [[1] * 5, [1] * 50, [1] * 3, [1] * 7]
    kept, labels = short_reviews(reviews, [0, 1, 1, 0], 2, 6)
    assert [len(r) for r in kept] == [5, 3] and labels.tolist() == [0, 1]
    with pytest.raises(ValueError, match="Only 3 reviews have at most 10 ids"):
        short_reviews(reviews, [0, 1, 1, 0], 4, 10)


def test_padding_comparison_changes_only_the_padding_or_the_mask(monkeypatch):
    from lesson_utils.experiments import reviews as review_data

    built, trained = [], []
    real_build, real_train = review_data.build_rnn_model, review_data.train_rnn_model

    def build(*args, **kwargs):
        built.append(kwargs)
        return real_build(*args, **kwargs)

    def train(model, x, y, **kwargs):
        trained.append(x)
        return real_train(model, x, y, **kwargs)

    monkeypatch.setattr(review_data, "build_rnn_model", build)
    monkeypatch.setattr(review_data, "train_rnn_model", train)
    # A clock on which the three models take 1.5, 2 and 0.25 s.
    ticks = iter([0.0, 1.5, 10.0, 12.0, 20.0, 20.25])
    monkeypatch.setattr(
        review_data, "time", types.SimpleNamespace(perf_counter=lambda: next(ticks))
    )
    rng = np.random.default_rng(0)
    reviews = [[1, *rng.integers(3, 50, size=rng.integers(2, 9))] for _ in range(40)]
    labels = rng.integers(0, 2, size=40)
    sizes = dict(
        vocab_size=50,
        train_reviews=24,
        test_reviews=8,
        longest=9,
        max_length=12,
        embedding_dim=4,
        units=4,
        dense_units=4,
        batch_size=8,
    )
    results = review_data.padding_comparison((reviews, labels), (reviews, labels), sizes=sizes)
    assert list(results) == list(review_data.PADDING_SETTINGS)
    assert [(k["padding"], k["mask_zero"]) for k in built] == [
        ("post", False),
        ("pre", False),
        ("post", True),
    ]
    assert all(k["max_length"] == 12 for k in built), "every model reads the same fixed length"
    assert all(
        {**k, "padding": None, "mask_zero": None}
        == {**built[0], "padding": None, "mask_zero": None}
        for k in built
    )
    post, pre, masked = trained
    np.testing.assert_array_equal(post, masked)
    assert (post[:, -1] == 0).all() and (pre[:, 0] == 0).all(), "every review is padded"
    zeros_per_review = (post == 0).sum(axis=1).mean()  # every review is shorter than max_length
    assert [figures["mean_padding"] for figures in results.values()] == pytest.approx(
        [zeros_per_review] * 3
    )
    assert [figures["seconds"] for figures in results.values()] == [1.5, 2.0, 0.25]


def test_last_word_gradients_the_mask_reads_the_review_alone_and_padding_shrinks_the_signal():
    from lesson_utils.experiments.reviews import last_word_gradients
    from lesson_utils.models.recurrent import build_rnn_model

    keras.utils.set_random_seed(0)
    model = build_rnn_model(50, 4, 8, 0, mask_zero=False, dropout=0.0)
    rng = np.random.default_rng(0)
    reviews = [list(rng.integers(1, 50, size=n)) for n in (5, 9, 12)]
    labels = [1, 0, 1]
    norms = last_word_gradients(model, reviews, labels, 120)
    assert norms["padding_steps"].tolist() == [115, 111, 108]
    # With the mask, each review's gradient is the one it gets read alone, without padding.
    alone = [last_word_gradients(model, [r], [y], len(r)) for r, y in zip(reviews, labels)]
    np.testing.assert_allclose(
        norms["(c) post-padding + mask"],
        [a["(a) post-padding, no mask"][0] for a in alone],
        rtol=1e-4,
    )
    # Read through 100 padding steps, the signal reaching the last word has all but vanished.
    assert (norms["(a) post-padding, no mask"] < 1e-3 * norms["(c) post-padding + mask"]).all()
    assert (norms["(b) pre-padding, no mask"] > 0.1 * norms["(c) post-padding + mask"]).all()
    with pytest.raises(ValueError, match="labels"):
        last_word_gradients(model, reviews, [1], 20)


def test_last_word_gradients_in_batches_keep_tiny_gradients_and_trace_once(capfd):
    from lesson_utils.experiments.reviews import GRADIENT_BATCH, last_word_gradients
    from lesson_utils.models.recurrent import build_rnn_model

    # TensorFlow's one-time lines on finding its devices (this file imports keras before
    # lesson_utils, so they may come first in this test) are not the function's.
    tf.config.list_physical_devices()
    capfd.readouterr()
    keras.utils.set_random_seed(0)
    model = build_rnn_model(50, 4, 8, 0, mask_zero=False, dropout=0.0)
    rng = np.random.default_rng(1)
    reviews = [list(rng.integers(1, 50, size=n)) for n in rng.integers(3, 20, GRADIENT_BATCH + 7)]
    labels = rng.integers(0, 2, len(reviews)).tolist()
    together = last_word_gradients(model, reviews, labels, 40)
    for i in (0, GRADIENT_BATCH - 1, GRADIENT_BATCH, len(reviews) - 1):  # across the batches
        alone = last_word_gradients(model, [reviews[i]], [labels[i]], 40)
        for name in together:
            np.testing.assert_allclose(together[name][i], alone[name][0], rtol=1e-4)
    # After 290 padding steps the gradient is about 1e-29: squared in float32, it would be 0.
    far = last_word_gradients(model, reviews[:3], labels[:3], 300)["(a) post-padding, no mask"]
    assert (far > 0).all() and (far < 1e-20).all(), far
    assert capfd.readouterr().err == "", "TensorFlow warned (retracing?) on standard error"
