"""Review lengths, truncation and padding made visible."""

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from lesson_utils.text import review_lengths
from lesson_utils.review_data import (
    padded_words,
    padding_examples,
    plot_review_lengths,
    truncated_share,
)


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
                expected = keras.utils.pad_sequences([ids], max_length, padding=padding,
                                                     truncating=truncating)[0]
                got = examples[f"padding={padding!r}, truncating={truncating!r}"]
                assert got.tolist() == expected.tolist()


def test_padded_words_shows_padding():
    index = {"great": 1, "film": 2}
    assert padded_words([1, 4, 5, 0, 0], index) == "[START] great film · ·"


def test_length_histogram_marks_max_length():
    fig = plot_review_lengths(np.arange(1, 1001), 256)
    ax = fig.axes[0]
    assert any(list(line.get_xdata()) == [256, 256] for line in ax.lines)
    assert "74%" in " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    plt.close(fig)
