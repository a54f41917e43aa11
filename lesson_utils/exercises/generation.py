"""Notebook 07's exercises: the softmax with a temperature, and bits per character."""

import numpy as np

from lesson_utils.exercises.core import Exercise


def _softmax(logits, temperature):
    z = logits / temperature
    e = np.exp(z - z.max())
    return e / e.sum()


_logits = np.random.default_rng(16).normal(scale=2.0, size=30)
TEMPERATURE_SOFTMAX = Exercise(
    _softmax,
    {
        "temperature 0.5": (_logits, 0.5),
        "temperature 2.0": (_logits, 2.0),
        "temperature 1.0": (_logits, 1.0),
        "temperature 0.5 with logits near 1000": (_logits + 1000.0, 0.5),
    },
    "the probabilities, one per character",
    {
        "the logits were multiplied by the temperature: divide them by it, so that a low "
        "temperature sharpens the distribution.": lambda z, t: _softmax(z * t, 1.0),
        "the temperature is missing: divide the logits by it before the softmax.": (
            lambda z, t: _softmax(z, 1.0)
        ),
        "these do not add up to 1: divide the exponentials by their sum.": (
            lambda z, t: np.exp(z / t)
        ),
        "the temperature divides the logits, before the exponential, not the probabilities after "
        "it.": lambda z, t: _softmax(z, 1.0) / t,
        "right for small logits, but for logits near 1000 the exponential overflows (exp(2000) is "
        "inf, and inf / inf is nan): subtract the largest logit before the exponential; the "
        "probabilities do not change.": lambda z, t: np.exp(z / t) / np.exp(z / t).sum(),
    },
    success="{name} gives softmax(logits / temperature), large logits included.",
    otherwise="at {case} your probabilities differ from softmax(logits / temperature) by up to "
    "{gap:.3g}.",
)


def _given(probabilities, targets):
    """The probability given to each target, one per step."""
    return probabilities[np.arange(len(targets)), targets]


_rng = np.random.default_rng(17)
_probabilities = np.array([_softmax(row, 1.0) for row in _rng.normal(scale=2, size=(40, 6))])
BITS_PER_CHARACTER = Exercise(
    lambda probabilities, targets: np.mean(-np.log2(_given(probabilities, targets))),
    {"random probabilities": (_probabilities, _rng.integers(0, 6, size=40))},
    "the mean surprise in bits",
    {
        "that is in nats (the natural logarithm): bits use log2, or divide by ln 2.": (
            lambda *args: np.mean(-np.log(_given(*args)))
        ),
        "that uses log10: bits use log2.": lambda *args: np.mean(-np.log10(_given(*args))),
        "that is the total over the whole text: bits *per character* is the mean.": (
            lambda *args: np.sum(-np.log2(_given(*args)))
        ),
        "a minus sign is missing: the surprise is -log2 p, which is never negative.": (
            lambda *args: np.mean(np.log2(_given(*args)))
        ),
        "that is the perplexity, 2 ** bits: return the bits themselves.": (
            lambda *args: 2 ** np.mean(-np.log2(_given(*args)))
        ),
        "that scores the most likely character at each step; score the probability the model gave "
        "the character that really came next, probabilities[t, targets[t]].": (
            lambda p, targets: np.mean(-np.log2(p.max(axis=1)))
        ),
        "probabilities[:, targets] takes every target at every step: take one per step, "
        "probabilities[np.arange(len(targets)), targets].": (
            lambda p, targets: np.mean(-np.log2(p[:, targets]))
        ),
        "average the surprises, not the probabilities: the mean of -log2 p, not -log2 of the mean "
        "p.": lambda *args: -np.log2(np.mean(_given(*args))),
    },
    success="{name} gives {expected:.4f} bits per character on this example.",
    otherwise="got {result:.4g}, expected {expected:.4g}: the mean over the steps of -log2 of "
    "the probability given to the target character.",
)


def check_temperature_softmax(temperature_softmax):
    """Checks a learner's `temperature_softmax(logits, temperature)`.

    Args:
        temperature_softmax: a function taking a 1-D array of logits (one per character) and a
            positive temperature, returning the probabilities `softmax(logits / temperature)`, shape
            `(vocab,)`.

    Returns:
        `True` if it is right (large logits included), else `False` (and prints why).
    """
    return TEMPERATURE_SOFTMAX.check(temperature_softmax)


def check_bits_per_character(bits_per_character):
    """Checks a learner's `bits_per_character(probabilities, targets)`.

    Args:
        bits_per_character: a function taking the model's probabilities `(steps, vocab)` (each row
            sums to 1) and the characters that came next, `targets` `(steps,)` ints, and returning
            one number: the mean of `-log2` of the probability given to each target.

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    return BITS_PER_CHARACTER.check(bits_per_character)
