"""From text to word ids and back, with Keras' IMDB conventions.

Keras' IMDB reviews are lists of word ids: 1 starts a review, 2 stands for a
word outside the vocabulary, and a word's id is its frequency rank in Keras'
IMDB word index plus 3 (0 is left for padding). The same tokenisation serves
the offline loader, `encode_review` and `decode_review`, so that a learner's
own sentence is read exactly as the training reviews were.
"""

import itertools

import numpy as np

from lesson_utils.arguments import check_choice, check_positive_int

PAD_ID = 0
START_ID = 1
OOV_ID = 2
INDEX_FROM = 3

# Keras' `text_to_word_sequence` defaults: these characters become spaces.
FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
_SPACE_FOR_FILTERS = str.maketrans({char: " " for char in FILTERS})


def text_to_words(text):
    """Splits a text into words exactly as Keras' `text_to_word_sequence` does.

    Lower-cases, turns every punctuation character of Keras' default filter
    (and tab and newline) into a space, splits on the space character only and
    drops empty pieces, so `"Great!<br />Loved it"` gives
    `["great", "br", "loved", "it"]`.

    Args:
        text: a string.

    Returns:
        A list of words.
    """
    if not isinstance(text, str):
        raise TypeError(f"Argument `text` must be a string. Received: text={text!r}")
    return [word for word in text.lower().translate(_SPACE_FOR_FILTERS).split(" ") if word]


def words_to_ids(words, word_index, vocab_size=None):
    """Maps words to Keras IMDB ids, starting with the start id 1.

    A word absent from the word index is skipped, as Keras' own preprocessing
    did; a known word whose id (rank + 3) is `>= vocab_size` becomes 2.

    Args:
        words: a list of words from `text_to_words`.
        word_index: dict word -> frequency rank (1 is the most frequent word).
        vocab_size: the number of ids the model knows, or `None` to keep
            every word's full id.

    Returns:
        A list of ints.
    """
    ids = [START_ID]
    for word in words:
        rank = word_index.get(word)
        if rank is None:
            continue
        word_id = rank + INDEX_FROM
        ids.append(OOV_ID if vocab_size is not None and word_id >= vocab_size else word_id)
    return ids


def pad_reviews(sequences, max_length, *, padding="post", truncating="pre"):
    """Pads or truncates every review to `max_length` ids, with 0 as padding.

    Args:
        sequences: a list (or object array) of lists of word ids.
        max_length: the length of every output row.
        padding: `"post"` puts the zeros after the review (what the cuDNN
            kernel needs on a GPU), `"pre"` before it.
        truncating: `"pre"` drops the start of a long review (keeping its
            ending, where reviewers often sum up), `"post"` drops its end.

    Returns:
        An int32 array of shape `(len(sequences), max_length)`.
    """
    ids, offsets = join_reviews(sequences)
    return pad_joined_reviews(ids, offsets, max_length, padding=padding, truncating=truncating)


def join_reviews(sequences):
    """Reviews as one array of ids, one review after another, and where each starts.

    Args:
        sequences: a list (or object array) of lists of word ids.

    Returns:
        `(ids, offsets)`: review `i` is `ids[offsets[i]:offsets[i + 1]]`.
    """
    lengths = [len(sequence) for sequence in sequences]
    ids = np.fromiter(itertools.chain.from_iterable(sequences), dtype=np.int32, count=sum(lengths))
    return ids, np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])


def pad_joined_reviews(ids, offsets, max_length, *, padding="post", truncating="pre"):
    """`pad_reviews` for reviews stored one after another in one array.

    Review `i` is `ids[offsets[i]:offsets[i + 1]]`. The rows are those `pad_reviews` gives for
    the reviews as lists, from a few NumPy arrays: 25,000 reviews as lists of Python ints take
    about five times the memory.

    Args:
        ids: every review's word ids, one review after another.
        offsets: where each review starts, then where the last one ends.
        max_length, padding, truncating: as for `pad_reviews`.

    Returns:
        An int32 array of shape `(len(offsets) - 1, max_length)`.
    """
    max_length = check_positive_int("max_length", max_length)
    check_choice("padding", padding, ("pre", "post"))
    check_choice("truncating", truncating, ("pre", "post"))
    starts, ends = np.asarray(offsets[:-1]), np.asarray(offsets[1:])
    empty = np.flatnonzero(ends <= starts)
    if len(empty):
        raise ValueError(
            f"Review {int(empty[0])} has no word ids, so its row would be all padding, which "
            "a masked RNN cannot read (and cuDNN rejects). Give every review at least one id "
            "(Keras' reviews start with the start id 1)."
        )
    kept = np.minimum(ends - starts, max_length)
    firsts = ends - kept if truncating == "pre" else starts
    out = np.zeros((len(starts), max_length), dtype=np.int32)
    for row, (first, length) in enumerate(zip(firsts, kept)):
        column = 0 if padding == "post" else max_length - length
        out[row, column : column + length] = ids[first : first + length]
    return out


def review_lengths(reviews):
    """Number of ids in each review (the start id included, padding zeros not).

    Args:
        reviews: a list or object array of id lists (as `load_imdb` returns),
            or a padded 2-D array.

    Returns:
        An int array of shape `(reviews,)`.
    """
    if isinstance(reviews, np.ndarray) and reviews.ndim == 2:
        return np.count_nonzero(reviews, axis=1)
    return np.array([len(review) for review in reviews], dtype=np.int64)


def ids_to_words(ids, word_index):
    """Turns ids back into words, with readable markers for the special ids.

    Args:
        ids: an iterable of word ids (padding zeros are dropped).
        word_index: dict word -> frequency rank.

    Returns:
        A list of strings: `[START]` for 1, `[OOV]` for 2, `[?]` for an id no
        word has.
    """
    id_to_word = {rank + INDEX_FROM: word for word, rank in word_index.items()}
    id_to_word[START_ID] = "[START]"
    id_to_word[OOV_ID] = "[OOV]"
    return [id_to_word.get(int(i), "[?]") for i in ids if int(i) != PAD_ID]
