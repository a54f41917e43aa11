"""Tokenisation, id mapping and padding follow Keras' IMDB conventions."""

import numpy as np
import pytest

from lesson_utils.data import text

INDEX = {"the": 1, "film": 2, "great": 3, "br": 4, "loved": 5, "it": 6}


def test_text_to_words_matches_keras_filters_and_split():
    assert text.text_to_words("Great!<br />Loved it") == ["great", "br", "loved", "it"]
    assert text.text_to_words("a\tb\nc  d") == ["a", "b", "c", "d"]
    # Only the space character splits: other white space stays inside a word.
    assert text.text_to_words("a\x85b c") == ["a\x85b", "c"]
    assert text.text_to_words("don't") == ["don't"]


def test_text_to_words_agrees_with_keras_own_function():
    keras_text = pytest.importorskip("keras.src.legacy.preprocessing.text")
    sample = "It's a <br />GREAT film... 10/10!\tReally\u0085good, isn't it?"
    assert text.text_to_words(sample) == keras_text.text_to_word_sequence(sample)


def test_words_to_ids_starts_with_1_skips_unknown_and_caps_vocabulary():
    words = ["the", "unknown", "film", "loved"]
    assert text.words_to_ids(words, INDEX) == [1, 4, 5, 8]
    # "loved" has id 5 + 3 = 8 >= vocab_size 8, so it becomes the OOV id 2.
    assert text.words_to_ids(words, INDEX, vocab_size=8) == [1, 4, 5, 2]


@pytest.mark.parametrize(
    "padding,truncating,expected",
    [
        ("post", "pre", [[1, 2, 0, 0], [4, 5, 6, 7]]),
        ("pre", "pre", [[0, 0, 1, 2], [4, 5, 6, 7]]),
        ("post", "post", [[1, 2, 0, 0], [1, 3, 4, 5]]),
    ],
)
def test_pad_reviews(padding, truncating, expected):
    out = text.pad_reviews([[1, 2], [1, 3, 4, 5, 6, 7]], 4, padding=padding, truncating=truncating)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, expected)


def test_pad_reviews_refuses_an_all_padding_row():
    with pytest.raises(ValueError, match="all padding"):
        text.pad_reviews([[1, 2], []], 4)


@pytest.mark.parametrize("bad", [0, -1, 2.5, "10", None])
def test_pad_reviews_names_a_bad_max_length(bad):
    with pytest.raises(
        ValueError, match=r"`max_length` must be a positive integer.*Received: max_length="
    ):
        text.pad_reviews([[1]], bad)


def test_ids_to_words_marks_special_ids_and_drops_padding():
    assert text.ids_to_words([1, 6, 2, 99, 0, 0], INDEX) == ["[START]", "great", "[OOV]", "[?]"]
