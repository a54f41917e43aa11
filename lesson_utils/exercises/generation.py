"""Notebook 07's exercises: bits per character, and the loop that makes a model write."""

import numpy as np

from lesson_utils.exercises.core import Exercise
from lesson_utils.scratch.cells import softmax


def _given(probabilities, targets):
    """The probability given to each target, one per step."""
    return probabilities[np.arange(len(targets)), targets]


_rng = np.random.default_rng(17)
_probabilities = np.array([softmax(row) for row in _rng.normal(scale=2, size=(40, 6))])
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


def _tiny_rnn(seed=6, characters=6, units=5):
    """A small random RNN's step, `step(char_id, state) -> (probabilities, new_state)`.

    Not a trained model: a fixed example on which each usual mistake of the writing loop writes
    something other than the greedy text.
    """
    rng = np.random.default_rng(seed)
    embedding, recurrent, output = (
        rng.normal(scale=1.5, size=shape)
        for shape in [(characters, units), (units, units), (units, characters)]
    )

    def step(char_id, state):
        state = np.tanh(embedding[char_id] + state @ recurrent)
        return softmax(state @ output), state

    return step


def _write(step, first_id, state, length, *, carry=True, feed_first=False, keep=np.argmax):
    """Greedy writing; the keywords make the usual mistakes: the state not carried, the first
    id fed at every step, the chosen character's probability kept instead of its id."""
    ids, current = [], first_id
    for _ in range(length):
        probabilities, new_state = step(first_id if feed_first else current, state)
        state = new_state if carry else state
        current = int(np.argmax(probabilities))
        ids.append(keep(probabilities))
    return np.array(ids)


_step = _tiny_rnn()
WRITE_GREEDILY = Exercise(
    _write,
    {
        "from a zero state": (_step, 2, np.zeros(5), 12),
        "from another state": (_step, 4, np.random.default_rng(106).uniform(-1, 1, 5), 9),
    },
    "the ids of the `length` characters written, in order",
    {
        "the state is not carried: every step starts again from the state you were given, so "
        "each character depends on the one before it only. Keep the new state: "
        "`probabilities, state = step(current, state)`.": lambda *args: _write(*args, carry=False),
        "first_id is fed in at every step: feed back the character just written, so that the "
        "model reads its own text.": lambda *args: _write(*args, feed_first=True),
        "first_id is where the writing starts, not a character written: return only the "
        "`length` new ids.": lambda step, first_id, *rest: np.array(
            [first_id, *_write(step, first_id, *rest)]
        ),
        "one character too few: the loop should write `length` characters.": (
            lambda *args: _write(*args)[:-1]
        ),
        "the list starts with first_id and misses the last character written: append each id "
        "after the step that chooses it.": lambda step, first_id, *rest: np.array(
            [first_id, *_write(step, first_id, *rest)[:-1]]
        ),
        "those are the probabilities of the characters chosen, not their ids: np.argmax gives "
        "the id, np.max its probability.": lambda *args: _write(*args, keep=np.max),
    },
    success="{name} writes {expected} from a zero state: each character the most probable one, "
    "fed back in, the state carried.",
    otherwise="{case}, your ids {result} differ from greedy writing's {expected}. At each step "
    "take the most probable character's id, np.argmax(probabilities), keep it, and feed it back "
    "in with the new state.",
)


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


def check_write_greedily(write_greedily):
    """Checks a learner's `write_greedily(step, first_id, state, length)`.

    Args:
        write_greedily: a function taking a model's step, `step(char_id, state)` returning
            `(probabilities, new_state)`, the id of the character to start from, the state to
            start from and how many characters to write, and returning the `length` ids
            written: each the most probable next character, fed back in as the next input, the
            state carried from step to step.

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    return WRITE_GREEDILY.check(write_greedily)
