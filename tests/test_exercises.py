"""Every exercise check through one harness, in the manner of Keras' `run_layer_test`.

Each row of `CHECKS` is one check. For every row the harness proves that the course's
answer and other right ones pass; that nothing passed in, a function that raises, a stub
that returns `None`, an answer of the wrong type and one of the wrong shape are each
reported in their own words; and that each known mistake is recognised with its hint. A
new check is covered by adding its row.
"""

import dataclasses
import functools
from collections.abc import Callable

import numpy as np
import pytest

import lesson_utils
from lesson_utils.exercises import char_rnn, gates, generation, gradients, imdb, inside, rnn_loop
from lesson_utils.models.bag_of_words import build_bag_of_words_model
from lesson_utils.models.recurrent import build_rnn_model, model_vocab_size
from lesson_utils.models.store import save_model
from lesson_utils.scratch.char_rnn import PARAMETER_NAMES
from lesson_utils.settings import DEFAULT_VOCAB_SIZE


@dataclasses.dataclass(frozen=True)
class Row:
    """A check and what it must do.

    Attributes:
        check: the check.
        right: answers it must accept, the course's first.
        mistakes: dict hint -> a wrong answer, which must be refused with its hint.
        wrong_shape: an answer of the wrong shape, refused with `shape_message`.
        shape_message: what the check says of `wrong_shape`, after the function's name.
        slightly_off: a wrong answer no mistake explains, or `None`.
        on_error: what the check says after the error of a function that raises.
        arguments: a function returning the check's other arguments.
    """

    check: Callable
    right: tuple
    mistakes: dict
    wrong_shape: Callable
    shape_message: str = "returned shape"
    slightly_off: Callable = None
    on_error: str = ""
    arguments: Callable = dict


def _changed(function, change):
    """`function`, with `change` applied to its answer (to each array of a list)."""

    def changed(*args):
        answer = function(*args)
        return [change(a) for a in answer] if isinstance(answer, list) else change(answer)

    return changed


def exercise_row(check, exercise, *also_right):
    """The row of a check stated as an `Exercise`: its answer and mistakes come from it."""
    return Row(
        check,
        (exercise.reference, *also_right),
        exercise.mistakes,
        wrong_shape=_changed(exercise.reference, lambda a: np.stack([a, a])),
        slightly_off=_changed(exercise.reference, lambda a: 1.01 * a + 0.01),
        on_error=exercise.on_error,
    )


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def stacked_step_split(x_t, h_prev, weights, bias):
    """Also right: the stacked matrix split back into W_x and W_h."""
    features = x_t.shape[1]
    return np.tanh(x_t @ weights[:features] + h_prev @ weights[features:] + bias)


def weight_gradient_by_hand(states, recurrent_kernel, grad_last):
    grad_h, total = grad_last, np.zeros_like(recurrent_kernel)
    for t in range(states.shape[1] - 1, 0, -1):
        delta = grad_h * (1 - states[:, t] ** 2)
        total += states[:, t - 1].T @ delta
        grad_h = delta @ recurrent_kernel.T
    return total


def forget_gate_by_hand(x_t, h_prev, kernel, recurrent_kernel, bias):
    f = slice(h_prev.shape[1], 2 * h_prev.shape[1])
    return sigmoid(x_t @ kernel[:, f] + h_prev @ recurrent_kernel[:, f] + bias[f])


def gru_step_by_hand(x_t, h_prev, kernel, recurrent_kernel, bias):
    x_z, x_r, x_h = np.split(x_t @ kernel + bias[0], 3, axis=-1)
    h_z, h_r, h_h = np.split(h_prev @ recurrent_kernel + bias[1], 3, axis=-1)
    z, r = sigmoid(x_z + h_z), sigmoid(x_r + h_r)
    return z * h_prev + (1 - z) * np.tanh(x_h + r * h_h)


def max_pooled_by_masking(states, lengths):
    """Also right: padding steps set to minus infinity, then one maximum over time."""
    real = np.arange(states.shape[1]) < np.asarray(lengths)[:, None]
    return np.where(real[..., None], states, -np.inf).max(axis=1)


def masked_state_by_loop(states, lengths):
    return np.array([states[review, length - 1] for review, length in enumerate(lengths)])


def surviving_share_by_loop(forget_gates):
    """Also right: from the last step back, each share is the next one times the next gate."""
    share = np.ones_like(forget_gates)
    for t in range(len(forget_gates) - 2, -1, -1):
        share[t] = share[t + 1] * forget_gates[t + 1]
    return share


def write_greedily_as_list(step, first_id, state, length):
    """Also right: a list of Python ints, the state renamed at each step."""
    ids = []
    for _ in range(length):
        probabilities, state = step(ids[-1] if ids else first_id, state)
        ids.append(int(np.argmax(probabilities)))
    return ids


@functools.cache
def tiny_models():
    return {
        "bag of words": build_bag_of_words_model(DEFAULT_VOCAB_SIZE),
        "LSTM": build_rnn_model(DEFAULT_VOCAB_SIZE, embedding_dim=4, lstm_units=3, dense_units=2),
    }


A_PAIR = ("Good acting, poor story.", "Poor acting, good story.")
CHECKS = [
    exercise_row(rnn_loop.check_stacked_rnn_step, rnn_loop.STACKED_RNN_STEP, stacked_step_split),
    Row(
        rnn_loop.check_latch_weights,
        right=(lambda: (10.0, 4.0, -2.0), lambda: [20, 6, -3]),
        mistakes=rnn_loop.LATCH_MISTAKES,
        wrong_shape=lambda: (10.0, 4.0),
        shape_message="returned 2 numbers, expected three numbers",
    ),
    exercise_row(gradients.check_bptt_step, gradients.BPTT_STEP),
    exercise_row(gradients.check_clip_by_global_norm, gradients.CLIP_BY_GLOBAL_NORM),
    exercise_row(
        gradients.check_geometric_mean,
        gradients.GEOMETRIC_MEAN,
        lambda factors: np.exp(np.mean(np.log(factors))),
    ),
    exercise_row(
        gradients.check_recurrent_weight_gradient,
        gradients.RECURRENT_WEIGHT_GRADIENT,
        weight_gradient_by_hand,
    ),
    exercise_row(gates.check_forget_gate, gates.FORGET_GATE, forget_gate_by_hand),
    exercise_row(gates.check_gru_step, gates.GRU_STEP, gru_step_by_hand),
    exercise_row(
        gates.check_forget_bias,
        gates.FORGET_BIAS,
        lambda share, steps: -np.log(share ** (-1 / steps) - 1),
    ),
    exercise_row(imdb.check_padding_share, imdb.PADDING_SHARE),
    exercise_row(imdb.check_masked_final_state, imdb.MASKED_FINAL_STATE, masked_state_by_loop),
    exercise_row(imdb.check_max_over_words, imdb.MAX_OVER_WORDS, max_pooled_by_masking),
    Row(
        imdb.check_word_order_pair,
        right=(lambda: A_PAIR,),
        mistakes={
            "should hold exactly the same words": lambda: ("a good film", "a film"),
            "exactly the same words (each as often) in a different order": lambda: (
                "a good film",
                "a good film",
            ),
            "that review is one of the course's pairs": lambda: (
                "Bad reviews, great movie!",
                "great reviews bad movie",
            ),
            "the models do not know zorglubesque": lambda: (
                "a zorglubesque good film",
                "a good zorglubesque film",
            ),
        },
        wrong_shape=lambda: ("good not bad", "bad not good", "extra"),
        shape_message="returned 3 texts, expected two texts",
        arguments=lambda: {"models": tiny_models()},
    ),
    exercise_row(inside.check_head_probability, inside.HEAD_PROBABILITY),
    exercise_row(inside.check_surviving_share, inside.SURVIVING_SHARE, surviving_share_by_loop),
    exercise_row(generation.check_bits_per_character, generation.BITS_PER_CHARACTER),
    exercise_row(
        generation.check_write_greedily, generation.WRITE_GREEDILY, write_greedily_as_list
    ),
    exercise_row(char_rnn.check_window_bits, char_rnn.WINDOW_BITS),
    exercise_row(
        char_rnn.check_char_rnn_gradients,
        char_rnn.GRADIENTS,
        lambda *args: dict(zip(PARAMETER_NAMES, char_rnn.GRADIENTS.reference(*args))),
    ),
    exercise_row(char_rnn.check_numerical_gradient, char_rnn.NUMERICAL_GRADIENT),
    exercise_row(
        char_rnn.check_clipped_check_error,
        char_rnn.CLIPPED_CHECK,
        lambda n, c: 1 - 2 / (1 + max(1.0, n / c)),
    ),
]


# How many usual mistakes each check names, so that dropping one fails a test.
KNOWN_MISTAKES = {
    "check_stacked_rnn_step": 5,
    "check_latch_weights": 3,
    "check_bptt_step": 5,
    "check_clip_by_global_norm": 3,
    "check_geometric_mean": 3,
    "check_recurrent_weight_gradient": 7,
    "check_forget_gate": 6,
    "check_gru_step": 5,
    "check_forget_bias": 4,
    "check_padding_share": 5,
    "check_masked_final_state": 4,
    "check_max_over_words": 4,
    "check_word_order_pair": 4,
    "check_head_probability": 8,
    "check_surviving_share": 5,
    "check_bits_per_character": 8,
    "check_write_greedily": 6,
    "check_window_bits": 7,
    "check_char_rnn_gradients": 6,
    "check_numerical_gradient": 2,
    "check_clipped_check_error": 4,
}


def _verdict(row, answer, capsys):
    ok = row.check(answer, **row.arguments())
    return ok, capsys.readouterr().out


def _name(row):
    return row.check.__name__


def test_every_public_check_has_a_row():
    public = {name for name in lesson_utils.__all__ if name.startswith("check_")}
    assert sorted(map(_name, CHECKS)) == sorted(public)


def test_no_known_mistake_is_dropped():
    assert {_name(row): len(row.mistakes) for row in CHECKS} == KNOWN_MISTAKES


@pytest.mark.parametrize("row", CHECKS, ids=_name)
def test_right_answers_pass(row, capsys):
    for answer in row.right:
        ok, out = _verdict(row, answer, capsys)
        assert ok is True and out.startswith("Correct: "), out


@pytest.mark.parametrize("row", CHECKS, ids=_name)
def test_nothing_passed_in_is_reported(row, capsys):
    ok, out = _verdict(row, None, capsys)
    assert (
        ok is False and out == "Not yet: nothing to check yet: pass in your function, not None.\n"
    )


@pytest.mark.parametrize("row", CHECKS, ids=_name)
def test_a_function_that_raises_is_reported(row, capsys):
    def broken(*args):
        raise KeyError("oops")

    ok, out = _verdict(row, broken, capsys)
    assert ok is False and out == f"Not yet: broken raised KeyError: 'oops'{row.on_error}\n"


@pytest.mark.parametrize("row", CHECKS, ids=_name)
def test_a_stub_that_returns_none_is_reported_by_its_name(row, capsys):
    def my_answer(*args):
        return None

    ok, out = _verdict(row, my_answer, capsys)
    assert ok is False
    assert out.startswith("Not yet: my_answer returned None: finish the function and `return` ")


@pytest.mark.parametrize("row", CHECKS, ids=_name)
def test_an_answer_of_the_wrong_type_is_reported(row, capsys):
    def my_answer(*args):
        return "no idea"

    ok, out = _verdict(row, my_answer, capsys)
    assert ok is False and out.startswith("Not yet: my_answer returned str, expected "), out


@pytest.mark.parametrize("row", CHECKS, ids=_name)
def test_an_answer_of_the_wrong_shape_is_reported(row, capsys):
    ok, out = _verdict(row, row.wrong_shape, capsys)
    name = row.wrong_shape.__name__
    assert ok is False and out.startswith(f"Not yet: {name} {row.shape_message}"), out


@pytest.mark.parametrize(
    "row, mistake, hint",
    [
        pytest.param(row, mistake, hint, id=f"{_name(row)}-{index}")
        for row in CHECKS
        for index, (hint, mistake) in enumerate(row.mistakes.items())
    ],
)
def test_each_known_mistake_is_recognised_with_its_hint(row, mistake, hint, capsys):
    ok, out = _verdict(row, mistake, capsys)
    assert ok is False and out.startswith("Not yet: ") and hint in out, out


@pytest.mark.parametrize("row", [row for row in CHECKS if row.slightly_off], ids=_name)
def test_a_wrong_answer_no_mistake_explains_gets_no_hint(row, capsys):
    ok, out = _verdict(row, row.slightly_off, capsys)
    assert ok is False and out.startswith("Not yet: "), out
    assert not any(hint in out for hint in row.mistakes) and "returned shape" not in out


@pytest.mark.parametrize("row", CHECKS, ids=_name)
def test_a_right_answer_that_then_changes_its_arguments_still_passes(row, capsys):
    def right_then_zeroed(*args):
        answer = row.right[0](*args)
        for value in args:
            for array in value if isinstance(value, list) else [value]:
                if isinstance(array, np.ndarray):
                    array[...] = 0
        return answer

    ok, out = _verdict(row, right_then_zeroed, capsys)
    assert ok is True, out


def test_a_mistake_that_shows_in_one_case_only_is_recognised_there(capsys):
    # This loop starts from zeros, not from the state it is given, and does not carry the state:
    # from the other case's state that matches no mistake; the first case starts from zeros,
    # where it is the state not carried.
    def write_from_zeros(step, first_id, state, length):
        ids, current, zeros = [], first_id, np.zeros_like(state)
        for _ in range(length):
            probabilities, _ = step(current, zeros)
            current = int(np.argmax(probabilities))
            ids.append(current)
        return ids

    assert not generation.check_write_greedily(write_from_zeros)
    hint = "the state is not carried"
    assert capsys.readouterr().out.startswith(f"Not yet: {hint}")


def test_the_word_order_check_reports_each_models_probabilities(capsys):
    assert imdb.check_word_order_pair(lambda: A_PAIR, tiny_models())
    out = capsys.readouterr().out
    assert "LSTM: P(positive)" in out and "bag of words: P(positive)" in out


@pytest.mark.parametrize("gru_saved", [False, True])
def test_the_word_order_check_uses_the_saved_models_and_trains_none(
    capsys, tmp_path, monkeypatch, gru_saved
):
    monkeypatch.setenv("RNN_COURSE_MODELS_DIR", str(tmp_path))
    save_model(tiny_models()["LSTM"], "imdb_lstm")
    if gru_saved:
        save_model(tiny_models()["LSTM"], "imdb_gru")
    monkeypatch.setattr(
        "lesson_utils.training.pipeline.train_lesson_model",
        lambda *args, **kwargs: pytest.fail("the check should train no model"),
    )
    assert imdb.check_word_order_pair(lambda: A_PAIR)
    out = capsys.readouterr().out
    assert "LSTM: P(positive)" in out
    assert ("GRU: P(positive)" in out) is gru_saved
    assert ("No GRU saved yet" in out) is not gru_saved


def test_the_word_order_check_counts_the_words_the_models_know(capsys):
    # ids 0-3 are reserved (padding, start, [OOV], unused): a vocabulary of V ids knows V - 4 words.
    models = tiny_models()
    vocab_size = model_vocab_size(models["LSTM"])
    assert not imdb.check_word_order_pair(
        lambda: ("a zorglub good film", "a good zorglub film"), models
    )
    assert f"not among IMDB's {vocab_size - 4:,} most frequent words" in capsys.readouterr().out
