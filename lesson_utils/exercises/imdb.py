"""Notebooks 04 and 05's exercises: the share of padding and the state a mask keeps (04),
max-pooling over a review's words and a pair of reviews that only word order tells apart (05)."""

import numpy as np

from lesson_utils.data.imdb import get_word_index
from lesson_utils.data.text import INDEX_FROM, text_to_words
from lesson_utils.data.word_order import (
    WORD_ORDER_PAIRS,
    is_word_order_pair,
    words_outside_vocabulary,
)
from lesson_utils.exercises.core import Exercise, call, name_of, report, unexpected
from lesson_utils.experiments.word_order import word_order_scores
from lesson_utils.models.recurrent import model_vocab_size
from lesson_utils.models.store import SavedModelError, load_model
from lesson_utils.settings import lesson_sizes
from lesson_utils.training.pipeline import lesson_model, lesson_model_settings


def _padding_share(lengths, max_length):
    return np.maximum(max_length - lengths, 0).sum() / (len(lengths) * max_length)


_lengths = np.array([10, 256, 300, 256, 12, 900, 257, 40])
PADDING_SHARE = Exercise(
    _padding_share,
    {str(_lengths.tolist()): (_lengths, 256)},
    "the fraction of the padded array that is padding",
    {
        "a review longer than max_length is cut, not given negative padding: count "
        "max(max_length - length, 0).": lambda lengths, m: np.mean(m - lengths) / m,
        "that is a percentage: return a fraction between 0 and 1.": (
            lambda *args: 100 * _padding_share(*args)
        ),
        "that is the number of padding zeros: divide by the size of the array, reviews x "
        "max_length.": lambda lengths, m: np.maximum(m - lengths, 0).sum(),
        "that is the share of reviews that get some padding; the question asks for the share of "
        "the array's cells.": lambda lengths, m: np.mean(lengths < m),
        "that is the share of real word ids; the question asks for the zeros.": (
            lambda *args: 1 - _padding_share(*args)
        ),
    },
    success="{expected:.3f} of the padded array of these reviews is zeros.",
    otherwise="got {result:.4f} for lengths {case} and max_length 256, expected {expected:.4f}.",
)


def _masked_final_state(states, lengths):
    return states[np.arange(len(lengths)), np.asarray(lengths) - 1]


# States of 4 post-padded reviews over 7 steps (3 units each), and their real lengths: one
# review fills every step, one is a single word.
_states = np.random.default_rng(3).uniform(-1, 1, size=(4, 7, 3))
_real_lengths = np.array([7, 3, 1, 5])
MASKED_FINAL_STATE = Exercise(
    _masked_final_state,
    {"lengths [7, 3, 1, 5], 7 steps": (_states, _real_lengths)},
    "one state per review, (reviews, units)",
    {
        "that is the state after the last step, padding included: what an LSTM reads with "
        "post-padding and no mask. Take each review's state at its own last word.": (
            lambda states, lengths: states[:, -1]
        ),
        "one step too far: the last word of a review of length n is at index n - 1.": (
            lambda states, lengths: states[
                np.arange(len(lengths)), np.minimum(lengths, states.shape[1] - 1)
            ]
        ),
        "that is the state after the first word; the mask keeps the state after the last.": (
            lambda states, lengths: states[:, 0]
        ),
        "that is the mean of the states over the real words; the mask keeps the last one.": (
            lambda states, lengths: np.stack(
                [states[r, :n].mean(axis=0) for r, n in enumerate(lengths)]
            )
        ),
    },
    success="{name} gives each review the state a masked LSTM ends with.",
)


def _max_over_words(states, lengths):
    return np.stack([states[review, :n].max(axis=0) for review, n in enumerate(lengths)])


# A bidirectional layer's states for 4 post-padded reviews over 7 steps (4 numbers each), zeros
# at the padding steps as Keras' Bidirectional returns them; the second review's first number
# is negative at every word, so that the padding's 0 would beat it.
_pooled_states = np.random.default_rng(8).uniform(-1, 1, size=(4, 7, 4))
_word_counts = np.array([7, 3, 2, 5])
_pooled_states[1, :3, 0] = [-0.3, -0.6, -0.2]
for _review, _n in enumerate(_word_counts):
    _pooled_states[_review, _n:] = 0.0
MAX_OVER_WORDS = Exercise(
    _max_over_words,
    {"lengths [7, 3, 2, 5], 7 steps": (_pooled_states, _word_counts)},
    "one vector per review, (reviews, width)",
    {
        "the padding steps count: a bidirectional layer returns zeros there, so a number that "
        "is negative at every real word becomes 0. Take the largest value over each review's "
        "own words, its first `length` steps.": lambda states, lengths: states.max(axis=1),
        "that is the state after the last real word (notebook 04's exercise 2); max-pooling "
        "takes, for each number, its largest value over all the review's words.": (
            _masked_final_state
        ),
        "that is the mean over the real words (mean-pooling); max-pooling takes the largest "
        "value.": lambda states, lengths: np.stack(
            [states[review, :n].mean(axis=0) for review, n in enumerate(lengths)]
        ),
        "one word short: a review of length n has its words at steps 0 to n - 1, and all n "
        "count.": lambda states, lengths: np.stack(
            [states[review, : n - 1].max(axis=0) for review, n in enumerate(lengths)]
        ),
    },
    success="{name} pools each review as the model's MaxOverTime layer does.",
)


def check_padding_share(padding_share):
    """Checks a learner's `padding_share(lengths, max_length)`.

    Args:
        padding_share: a function returning the fraction (0 to 1) of the padded array `(reviews,
            max_length)` that is padding zeros, for reviews of the given lengths (a review longer
            than `max_length` is cut and gets no padding).

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    return PADDING_SHARE.check(padding_share)


def check_masked_final_state(masked_final_state):
    """Checks a learner's `masked_final_state(states, lengths)`.

    Args:
        masked_final_state: a function returning, from an LSTM's states at every step of
            post-padded reviews, `(reviews, steps, units)`, and the reviews' real lengths, each
            review's state after its last real word, `(reviews, units)`: the state a masked
            LSTM ends with.

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    return MASKED_FINAL_STATE.check(masked_final_state)


def check_max_over_words(max_over_words):
    """Checks a learner's `max_over_words(states, lengths)`, max-pooling over time with a mask.

    Args:
        max_over_words: a function returning, from a recurrent layer's states at every step of
            post-padded reviews, `(reviews, steps, width)`, and the reviews' real lengths, for
            each review and each number its largest value over the review's real words,
            `(reviews, width)`: what `build_rnn_model(..., pooling="max")` hands its head.

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    return MAX_OVER_WORDS.check(max_over_words)


def _saved_gru():
    """The GRU notebook 06 saved, or `None` (saying why) when there is none this course can use."""
    try:
        gru = load_model("imdb_gru", settings=lesson_model_settings("gru"))
    except SavedModelError as err:
        print(f"  (The saved GRU {err.reason}: notebook 06 trains a new one; come back then.)")
        return None
    if gru is None:
        print("  (No GRU saved yet: notebook 06 trains one; come back to test it too.)")
    return gru


def check_word_order_pair(word_order_pair, models=None, *, source=None):
    """Checks a learner's `word_order_pair()` and shows what the models make of it.

    Args:
        word_order_pair: a function returning `(positive, negative)`: a review that praises the film
            and one that pans it, made of the same words in another order, every word among the
            models' known words.
        models: dict name -> trained model, or `None` for the course's LSTM (`lesson_model`:
            notebook 04 saves it) and its GRU if one is saved (notebook 06 trains it), so that the
            check trains nothing new.
        source: as for `load_imdb` (where the word index comes from).

    Returns:
        `True` if it is such a pair, else `False` (and prints why); for a
        pair, also prints each model's probabilities.
    """
    answer = "the two reviews, (positive, negative)"
    result, problem = call(word_order_pair, (), answer)
    if problem:
        return report(False, problem)
    name = name_of(word_order_pair)
    if not isinstance(result, (tuple, list)) or not all(isinstance(r, str) for r in result):
        return report(False, unexpected(name, type(result).__name__, "two texts", answer))
    if len(result) != 2:
        return report(False, unexpected(name, f"{len(result)} texts", "two texts", answer))
    positive, negative = result
    if not is_word_order_pair(positive, negative):
        return report(
            False,
            "the two reviews should hold exactly the same words (each as often) "
            f"in a different order: {positive!r} and {negative!r} do not.",
        )
    course_reviews = {
        tuple(text_to_words(review)) for pair in WORD_ORDER_PAIRS for review in pair.values()
    }
    if {tuple(text_to_words(positive)), tuple(text_to_words(negative))} & course_reviews:
        return report(False, "that review is one of the course's pairs: write a pair of your own.")
    if models is None:
        models = {"LSTM": lesson_model("lstm", source=source)[0]}
        gru = _saved_gru()
        if gru is not None:
            models["GRU"] = gru
    vocab_size = min(model_vocab_size(model) for model in models.values())
    outside = words_outside_vocabulary(positive, get_word_index(source), vocab_size)
    if outside:
        return report(
            False,
            f"the models do not know {', '.join(outside)} (not among IMDB's "
            f"{vocab_size - 1 - INDEX_FROM:,} most frequent words): choose other words.",
        )
    scores = word_order_scores(
        models,
        [dict(positive=positive, negative=negative)],
        max_length=lesson_sizes("04")["max_length"],
        source=source,
    )
    report(True, "the same words in another order; a bag of words gives both the same probability.")
    for model_name, score in scores.items():
        verdict = "right" if score["correct"][0] else "wrong"
        print(
            f"  {model_name}: P(positive) {score['positive'][0]:.3f} for {positive!r}, "
            f"{score['negative'][0]:.3f} for {negative!r}: {verdict} order"
        )
    return True
