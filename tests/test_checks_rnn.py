"""Notebooks 01 and 02's self-checks accept a right answer and name each plausible mistake."""

import numpy as np
import pytest

from lesson_utils.cells import simple_rnn_param_count, simple_rnn_step
from lesson_utils.checks import (
    check_bptt_step,
    check_clip_by_global_norm,
    check_rnn_step,
    check_simple_rnn_param_count,
)
from lesson_utils.gradients import bptt_step, clip_by_global_norm


def _verdict(check, answer, capsys):
    ok = check(answer)
    return ok, capsys.readouterr().out


def test_rnn_step_accepts_the_reference(capsys):
    ok, out = _verdict(check_rnn_step, simple_rnn_step, capsys)
    assert ok and out.startswith("Correct")


@pytest.mark.parametrize("wrong,words", [
    (lambda x, h, W, U, b: 1 / (1 + np.exp(-(x @ W + h @ U + b))), "sigmoid"),
    (lambda x, h, W, U, b: np.maximum(x @ W + h @ U + b, 0), "ReLU"),
    (lambda x, h, W, U, b: x @ W + h @ U + b, "no activation"),
    (lambda x, h, W, U, b: np.tanh(x @ W + h @ U), "bias is missing"),
    (lambda x, h, W, U, b: np.tanh(x @ W + h @ U.T + b), "transposed"),
    (lambda x, h, W, U, b: np.tanh(x @ W + b), "previous state is missing"),
    (lambda x, h, W, U, b: np.tanh(h @ U + b), "input is missing"),
    (lambda x, h, W, U, b: np.tanh(x @ W.T + h @ U + b), "Shapes"),
    (lambda x, h, W, U, b: None, "returned None"),
    (None, "nothing to check yet"),
])
def test_rnn_step_names_the_mistake(wrong, words, capsys):
    ok, out = _verdict(check_rnn_step, wrong, capsys)
    assert ok is False and out.startswith("Not yet") and words in out


def test_param_count_accepts_the_reference_and_names_mistakes(capsys):
    assert _verdict(check_simple_rnn_param_count, simple_rnn_param_count, capsys)[0]
    for wrong, words in [(lambda f, u: u * (f + u), "bias is missing"),
                         (lambda f, u: u * (f + 1), "recurrent kernel"),
                         (lambda f, u: f * u + u * u + f, "per unit"),
                         (lambda f, u: 4 * u * (f + u + 1), "LSTM"),
                         (lambda f, u: 42, "expected"),
                         (None, "nothing to check yet")]:
        ok, out = _verdict(check_simple_rnn_param_count, wrong, capsys)
        assert ok is False and words in out


def test_bptt_step_accepts_the_reference(capsys):
    ok, out = _verdict(check_bptt_step, bptt_step, capsys)
    assert ok and out.startswith("Correct")


@pytest.mark.parametrize("wrong,words", [
    (lambda g, h, U: (g * (1 - h ** 2)) @ U, "not transposed"),
    (lambda g, h, U: g @ U.T, "slope is missing"),
    (lambda g, h, U: (g * (1 - h)) @ U.T, "not 1 - h"),
    (lambda g, h, U: (g * (1 - np.tanh(h) ** 2)) @ U.T, "tanh to h again"),
    (lambda g, h, U: g * (1 - h ** 2), "through W_h is missing"),
    (lambda g, h, U: 1 / 0, "ZeroDivisionError"),
    (None, "nothing to check yet"),
])
def test_bptt_step_names_the_mistake(wrong, words, capsys):
    ok, out = _verdict(check_bptt_step, wrong, capsys)
    assert ok is False and words in out


def test_clip_accepts_the_reference(capsys):
    ok, out = _verdict(check_clip_by_global_norm, clip_by_global_norm, capsys)
    assert ok and out.startswith("Correct")


def _per_array(grads, c):
    return [g * min(1.0, c / np.linalg.norm(g)) for g in grads]


def _always(grads, c):
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * c / total for g in grads]


@pytest.mark.parametrize("wrong,words", [
    (_per_array, "on its own norm"),
    (lambda grads, c: [np.clip(g, -c, c) for g in grads], "clipvalue"),
    (_always, "stay unchanged"),
    (lambda grads, c: grads[0], "list of 3 arrays"),
    (lambda grads, c: [g * 0.5 for g in grads], "differs"),
    (lambda grads, c: None, "returned None"),
    (None, "nothing to check yet"),
])
def test_clip_names_the_mistake(wrong, words, capsys):
    ok, out = _verdict(check_clip_by_global_norm, wrong, capsys)
    assert ok is False and words in out
