"""Notebook 07 (An RNN that writes): the reviews' own text, as characters, and its windows.

The text comes through the course's IMDB loader (`load_imdb`, so Keras'
download and the offline copy in `IMDB_DATA_DIR` both work): each review's word
ids are decoded back into words with Keras' word index. What the ids kept is
what the text has: lowercase words separated by single spaces. Punctuation
and capitals were removed when the reviews were encoded, and a word outside
the 10,000 most frequent ones became the out-of-vocabulary id, written here
as the unknown mark `#`. Reviews follow one another, each ending with a line
break.

A character model reads ids: `encode_text` and `decode_ids` go between the
text and `CHARACTERS`, its vocabulary. `stream_windows` cuts a long text into
the windows of truncated backpropagation through time, in the order that lets
a model carry its state from one window to the next.
"""

import numpy as np

from lesson_utils.arguments import check_positive_int
from lesson_utils.data.imdb import get_word_index, load_imdb
from lesson_utils.data.text import INDEX_FROM, OOV_ID, START_ID
from lesson_utils.settings import DEFAULT_VOCAB_SIZE

END_OF_REVIEW = "\n"
UNKNOWN = "#"
# The vocabulary: the end of a review, the space, the unknown mark, the apostrophe
# (in "it's", "don't") and the 26 letters. Anything else (digits, accented letters)
# is read as the unknown mark.
CHARACTERS = END_OF_REVIEW + " " + UNKNOWN + "'" + "abcdefghijklmnopqrstuvwxyz"
CHARACTER_IDS = {character: i for i, character in enumerate(CHARACTERS)}


def id_to_word_table(word_index):
    """The inverse of Keras' word index: word id -> word, for `review_text`.

    Args:
        word_index: dict word -> frequency rank, as `get_word_index()` returns.

    Returns:
        A dict word id -> word (a word's id is its rank plus 3).
    """
    return {rank + INDEX_FROM: word for word, rank in word_index.items()}


def review_text(ids, id_to_word):
    """Turns one review's word ids into the text a character model reads.

    Args:
        ids: the review's word ids, as `load_imdb` returns them.
        id_to_word: the table of `id_to_word_table`.

    Returns:
        The words joined by spaces, the out-of-vocabulary id as `#`, and every
        character outside `CHARACTERS` replaced by `#` (the start id is dropped).
    """
    words = [UNKNOWN if i == OOV_ID else id_to_word.get(i, UNKNOWN) for i in ids if i != START_ID]
    return "".join(c if c in CHARACTER_IDS else UNKNOWN for c in " ".join(words))


def reviews_text(reviews, characters, id_to_word):
    """Decodes reviews in order, each ending with a line break, until the text is long enough.

    Args:
        reviews: lists of word ids (e.g. `load_imdb`'s training reviews).
        characters: how many characters the text should have.
        id_to_word: the table of `id_to_word_table`.

    Returns:
        A string of exactly `characters` characters (the last review may be cut).
    """
    characters = check_positive_int("characters", characters)
    pieces, length = [], 0
    for ids in reviews:
        pieces.append(review_text(ids, id_to_word) + END_OF_REVIEW)
        length += len(pieces[-1])
        if length >= characters:
            return "".join(pieces)[:characters]
    raise ValueError(
        f"Argument `characters` asks for more text than the {len(reviews):,} "
        f"reviews hold ({length:,} characters). Received: characters={characters}"
    )


def load_review_text(train_characters, heldout_characters, *, source=None):
    """The training text (from IMDB's training reviews) and held-out text (from its test reviews).

    Args:
        train_characters: length of the training text.
        heldout_characters: length of the held-out text, which the model never
            trains on: it comes from other reviews (IMDB's test half).
        source: as for `load_imdb` (`None`: `IMDB_DATA_DIR`, else Keras' download).

    Returns:
        `(train_text, heldout_text)`, two strings over `CHARACTERS`.
    """
    (train_reviews, _), (test_reviews, _) = load_imdb(vocab_size=DEFAULT_VOCAB_SIZE, source=source)
    id_to_word = id_to_word_table(get_word_index(source))
    return (
        reviews_text(train_reviews, train_characters, id_to_word),
        reviews_text(test_reviews, heldout_characters, id_to_word),
    )


def encode_text(text):
    """Turns a text into character ids; a character outside `CHARACTERS` becomes `#`'s id.

    Args:
        text: a string (upper case is read as lower case).

    Returns:
        An int32 array of shape `(len(text),)`.
    """
    if not isinstance(text, str):
        raise TypeError(f"Argument `text` must be a string. Received: text={text!r}")
    unknown = CHARACTER_IDS[UNKNOWN]
    return np.array([CHARACTER_IDS.get(c, unknown) for c in text.lower()], dtype=np.int32)


def decode_ids(ids):
    """Turns character ids back into text.

    Args:
        ids: an iterable of ids below `len(CHARACTERS)`.

    Returns:
        A string.
    """
    return "".join(CHARACTERS[int(i)] for i in ids)


def text_rows(ids, rows, length=None):
    """Splits a text into `rows` streams of consecutive characters, inputs and targets.

    The targets are the inputs shifted by one character: at every step a model
    is given the true previous character (teacher forcing) and asked for the
    next one.

    Args:
        ids: the text's character ids, shape `(n,)`.
        rows: the number of streams.
        length: steps per stream; `None` for as many as the text allows.

    Returns:
        `(inputs, targets)`, int32 arrays of shape `(rows, length)`; row `r`
        starts `r * ((n - 1) // rows)` characters into the text.
    """
    rows = check_positive_int("rows", rows)
    ids = np.asarray(ids, dtype=np.int32)
    longest = (len(ids) - 1) // rows
    length = longest if length is None else check_positive_int("length", length)
    if not 0 < length <= longest:
        raise ValueError(
            f"Argument `ids` is too short for {rows} rows of {length or 1} steps. "
            f"Received: {len(ids)} ids"
        )
    starts = np.arange(rows)[:, None] * longest + np.arange(length + 1)[None, :]
    streams = ids[starts]
    return streams[:, :-1], streams[:, 1:]


def whole_windows(ids, rows, window):
    """How many whole windows of `window` steps each of `rows` streams of a text holds.

    Raises:
        ValueError: when the text does not fill one window in every stream
            (it takes `rows * window + 1` ids: each target is the next id).
    """
    window = check_positive_int("window", window)
    windows = (len(ids) - 1) // check_positive_int("rows", rows) // window
    if windows == 0:
        raise ValueError(
            f"Argument `ids` is too short for {rows} rows of at least one window of "
            f"{window} steps (that takes {rows * window + 1} ids). Received: {len(ids)} ids"
        )
    return windows


def stream_windows(ids, rows, window):
    """Cuts a long text into windows, in the order that lets a model carry its state across them.

    The text is split into `rows` streams (`text_rows`), one per row of a
    batch, and each stream into windows of `window` steps. Batch `k` holds
    window `k` of every stream, so row `r` of batch `k + 1` is the text that
    follows row `r` of batch `k`: a model that keeps its state from one batch
    to the next (`stateful=True`) reads each stream without a break.

    Args:
        ids: the text's character ids, shape `(n,)`.
        rows: the number of streams (the batch size).
        window: steps per window (how far back each gradient reaches).

    Returns:
        `(inputs, targets)`, int32 arrays of shape `(windows * rows, window)`:
        the rows of batch `k` are `inputs[k * rows:(k + 1) * rows]`. The end
        of each stream that does not fill a window is left out.
    """
    windows = whole_windows(ids, rows, window)

    def by_batch(part):
        return part.reshape(rows, windows, window).transpose(1, 0, 2).reshape(-1, window)

    return tuple(by_batch(part) for part in text_rows(ids, rows, windows * window))
