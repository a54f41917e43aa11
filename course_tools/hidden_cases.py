"""The inputs of the graded edition's hidden tests, one entry per exercise check.

A hidden test calls the learner's function on inputs that its visible check does not use, drawn
when `course_tools.assignments build` writes the edition, and compares the answer with the course
reference's answer on them, computed then and frozen into the test as numbers: grading never
calls `lesson_utils`, whose reference functions a learner could call too. The shapes differ from
the check's, so that an answer written for the check's shapes, or the check's answer itself,
fails. Where an exercise has no single right answer (weights that hold a bit, a pair of reviews),
the test states what a right answer must do instead (`verify`).
"""

import dataclasses

import numpy as np

from lesson_utils.data.text import FILTERS, text_to_words
from lesson_utils.data.word_order import WORD_ORDER_PAIRS
from lesson_utils.scratch.char_rnn import PARAMETER_NAMES


@dataclasses.dataclass(frozen=True)
class HiddenCase:
    """One hidden call of a learner's function.

    Attributes:
        draw: a function of a NumPy random generator returning a dict, name -> value: the values
            written into the test (arrays, numbers, texts, dicts and lists of them).
        call: the names of the call's arguments, in order; `None` for all of `draw`'s, in its order.
        setup: plain NumPy source, run in the test after the values, that defines more names
            (a model's step function, a loss), so that the call's functions are the test's own.
        verify: source asserting on `answer` instead of comparing it with the reference's
            answer, for an exercise with no single right answer.
        answer_keys: the order in which an answer that is a dict is read as a list.
        mistake: for an exercise whose check has no list of mistakes as data, the body of a
            function that makes its usual mistake (the checks' own lists serve the others).
    """

    draw: object
    call: tuple | None = None
    setup: str = ""
    verify: str = ""
    answer_keys: tuple = ()
    mistake: str = ""

    def names(self, values):
        """The names of the call's arguments, given the drawn values."""
        return tuple(values) if self.call is None else self.call


def _normal(rng, *shape, scale=1.0):
    return rng.normal(scale=scale, size=shape)


def _step(rng, features, units, blocks, bias_rows=None):
    """One recurrent step's arguments in Keras' layout, in other sizes than the checks' 5, 3, 4."""
    columns = units * blocks
    return {
        "x_t": _normal(rng, 3, features),
        "h_prev": rng.uniform(-0.9, 0.9, size=(3, units)),
        "kernel": _normal(rng, features, columns),
        "recurrent_kernel": _normal(rng, units, columns),
        "bias": _normal(rng, *((bias_rows,) if bias_rows else ()), columns),
    }


def _stacked_step(rng):
    step = _step(rng, features=2, units=6, blocks=1)
    weights = np.concatenate([step["kernel"], step["recurrent_kernel"]])
    return {"x_t": step["x_t"], "h_prev": step["h_prev"], "weights": weights, "bias": step["bias"]}


def _gradients(rng, clip_norm):
    """Three gradients of global norm about 6: above one clip_norm, below another."""
    return {
        "gradients": [_normal(rng, *shape, scale=1.5) for shape in [(2, 3), (3,), (5, 1)]],
        "clip_norm": clip_norm,
    }


def _latch_sequences(rng, steps=160):
    """Where the 1s are in each sequence: none, a single 1 at the first, the last and at random
    steps, and a few 1s."""
    singles = [0, steps - 1, *rng.choice(np.arange(1, steps - 1), size=10, replace=False)]
    few = [np.flatnonzero(rng.random(steps) < 0.03) for _ in range(16)]
    ones = [[], [], *([int(step)] for step in singles), *(row.tolist() for row in few)]
    return {"steps": steps, "ones": ones}


LATCH_SEQUENCES = """\
sequences = np.zeros((len(ones), steps))
for row, positions in enumerate(ones):
    sequences[row, positions] = 1.0
"""
LATCH_VERIFY = """\
w_x, w_h, b = (float(w) for w in np.asarray(answer, dtype=float).reshape(3))
h = np.zeros(len(sequences))
for x_t in sequences.T:
    h = np.tanh(w_x * x_t + w_h * h + b)
held = sequences.any(axis=1)
wrong = int(np.sum(np.where(held, h <= 0, h >= 0)))
assert wrong == 0, (
    f"on {wrong} of {len(held)} other sequences, {sequences.shape[1]} steps long, the final state "
    "is not on the right side of 0 (above after a 1, below without)"
)
"""


def _word_order_pairs(rng):
    """The course's own pairs, as words: an answer must not be one of them."""
    texts = [text for pair in WORD_ORDER_PAIRS for text in pair.values()]
    return {"filters": FILTERS, "course_reviews": [text_to_words(text) for text in texts]}


WORD_ORDER_VERIFY = """\
assert isinstance(answer, (tuple, list)) and len(answer) == 2, "return two texts"
assert all(isinstance(text, str) for text in answer), "return two texts"
spaces = str.maketrans({char: " " for char in filters})
positive, negative = (
    [word for word in text.lower().translate(spaces).split(" ") if word] for text in answer
)
assert sorted(positive) == sorted(negative) and positive != negative, (
    "the two reviews should hold the same words, each as often, in another order"
)
assert positive not in course_reviews and negative not in course_reviews, (
    "the pair should be the learner's own, not one of the course's"
)
"""

GREEDY_STEP = """\
def step(char_id, state):
    state = np.tanh(embedding[char_id] + state @ recurrent)
    logits = state @ output
    probabilities = np.exp(logits - logits.max())
    return probabilities / probabilities.sum(), state
"""


def _greedy(rng):
    characters, units = 7, 4
    return {
        "embedding": _normal(rng, characters, units, scale=1.5),
        "recurrent": _normal(rng, units, units, scale=1.5),
        "output": _normal(rng, units, characters, scale=1.5),
        "first_id": 3,
        "state": rng.uniform(-1, 1, size=units),
        "length": 15,
    }


def _probabilities(rng):
    logits = _normal(rng, 30, 8, scale=2.0)
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    return {
        "probabilities": probabilities / probabilities.sum(axis=1, keepdims=True),
        "targets": rng.integers(0, 8, size=30),
    }


def _window(rng, vocab=6, units=4, batch=2, steps=5):
    shapes = {
        "kernel": (vocab, units),
        "recurrent_kernel": (units, units),
        "bias": (units,),
        "output_kernel": (units, vocab),
        "output_bias": (vocab,),
    }
    return {
        "params": {name: _normal(rng, *shapes[name], scale=0.6) for name in PARAMETER_NAMES},
        "inputs": rng.integers(0, vocab, size=(batch, steps)),
        "targets": rng.integers(0, vocab, size=(batch, steps)),
        "h_prev": rng.uniform(-0.8, 0.8, size=(batch, units)),
    }


BUMPY_LOSS = """\
def loss(array):
    return float(np.sum(np.cos(2 * array) * weights) + np.sum(array**3))
"""

# Keyed by the name of the exercise's check: one hidden call, or several where one cannot tell every
# usual mistake from the right answer.
HIDDEN_CASES = {
    "check_stacked_rnn_step": HiddenCase(_stacked_step),
    "check_latch_weights": HiddenCase(
        _latch_sequences,
        call=(),
        setup=LATCH_SEQUENCES,
        verify=LATCH_VERIFY,
        mistake="from lesson_utils.exercises.rnn_loop import LATCH_MISTAKES\n\n"
        "return next(iter(LATCH_MISTAKES.values()))()",
    ),
    "check_bptt_step": HiddenCase(
        lambda rng: {
            "grad_h": _normal(rng, 3, 6),
            "h": rng.uniform(-0.95, 0.95, size=(3, 6)),
            "recurrent_kernel": _normal(rng, 6, 6),
        }
    ),
    "check_clip_by_global_norm": (
        HiddenCase(lambda rng: _gradients(rng, clip_norm=2.5)),
        HiddenCase(lambda rng: _gradients(rng, clip_norm=50.0)),
    ),
    "check_geometric_mean": HiddenCase(lambda rng: {"factors": rng.uniform(0.2, 2.5, size=30)}),
    "check_recurrent_weight_gradient": HiddenCase(
        lambda rng: {
            "states": rng.uniform(-0.95, 0.95, size=(3, 5, 6)),
            "recurrent_kernel": _normal(rng, 6, 6, scale=0.5),
            "grad_last": _normal(rng, 3, 6),
        }
    ),
    "check_forget_gate": HiddenCase(lambda rng: _step(rng, features=2, units=5, blocks=4)),
    "check_gru_step": HiddenCase(
        lambda rng: _step(rng, features=2, units=5, blocks=3, bias_rows=2)
    ),
    "check_forget_bias": HiddenCase(lambda rng: {"share": 0.3, "steps": 25}),
    "check_padding_share": HiddenCase(
        lambda rng: {"lengths": rng.integers(1, 700, size=12), "max_length": 200}
    ),
    "check_masked_final_state": HiddenCase(
        lambda rng: {
            "states": rng.uniform(-1, 1, size=(5, 9, 2)),
            "lengths": np.array([9, 4, 1, 6, 2]),
        }
    ),
    "check_max_over_words": HiddenCase(
        lambda rng: {
            "states": rng.uniform(-1, 1, size=(5, 8, 3)),
            "lengths": np.array([8, 3, 1, 5, 2]),
        }
    ),
    "check_word_order_pair": HiddenCase(
        _word_order_pairs,
        call=(),
        verify=WORD_ORDER_VERIFY,
        mistake="from lesson_utils.data.word_order import WORD_ORDER_PAIRS\n\n"
        'return WORD_ORDER_PAIRS[0]["positive"], WORD_ORDER_PAIRS[0]["negative"]',
    ),
    "check_head_probability": HiddenCase(
        lambda rng: {
            "states": rng.uniform(-1, 1, size=(7, 4)),
            "kernel_1": _normal(rng, 4, 3),
            "bias_1": _normal(rng, 3),
            "kernel_2": _normal(rng, 3, 1),
            "bias_2": _normal(rng, 1),
        }
    ),
    "check_surviving_share": HiddenCase(
        lambda rng: {"forget_gates": rng.uniform(0.05, 0.95, size=(8, 3))}
    ),
    "check_bits_per_character": HiddenCase(_probabilities),
    "check_write_greedily": HiddenCase(
        _greedy, call=("step", "first_id", "state", "length"), setup=GREEDY_STEP
    ),
    "check_window_bits": HiddenCase(_window),
    "check_char_rnn_gradients": HiddenCase(_window, answer_keys=PARAMETER_NAMES),
    "check_numerical_gradient": HiddenCase(
        lambda rng: {"weights": _normal(rng, 2, 3), "array": _normal(rng, 2, 3), "eps": 1e-4},
        call=("loss", "array", "eps"),
        setup=BUMPY_LOSS,
    ),
    "check_clipped_check_error": (
        HiddenCase(lambda rng: {"global_norm": 5.0, "clip_norm": 2.0}),
        HiddenCase(lambda rng: {"global_norm": 0.8, "clip_norm": 2.0}),
    ),
}
