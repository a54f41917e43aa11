"""Notebooks 01 and 02's self-checks accept a right answer and name each plausible mistake."""

import numpy as np
import pytest

from lesson_utils.exercises import (
    check_bptt_step,
    check_clip_by_global_norm,
    check_geometric_mean,
    check_recurrent_weight_gradient,
    check_simple_rnn_param_count,
    check_stacked_rnn_step,
)
from lesson_utils.scratch.bptt import bptt_step, clip_by_global_norm, simple_rnn_weight_gradients
from lesson_utils.scratch.cells import simple_rnn_param_count, simple_rnn_step


def _verdict(check, answer, capsys):
    ok = check(answer)
    return ok, capsys.readouterr().out


def _stacked_step(x, h, weights, bias):
    return np.tanh(np.concatenate([x, h], axis=1) @ weights + bias)


def _split_step(x, h, weights, bias):
    """Also right: split the stacked matrix back into W_x and W_h."""
    return simple_rnn_step(x, h, weights[: x.shape[1]], weights[x.shape[1] :], bias)


@pytest.mark.parametrize("right", [_stacked_step, _split_step])
def test_stacked_rnn_step_accepts_a_right_answer(right, capsys):
    ok, out = _verdict(check_stacked_rnn_step, right, capsys)
    assert ok and out.startswith("Correct")


@pytest.mark.parametrize(
    "wrong,words",
    [
        (lambda x, h, W, b: 1 / (1 + np.exp(-(np.hstack([x, h]) @ W + b))), "sigmoid"),
        (lambda x, h, W, b: np.hstack([x, h]) @ W + b, "no activation"),
        (lambda x, h, W, b: np.tanh(np.hstack([x, h]) @ W), "bias is missing"),
        (lambda x, h, W, b: np.tanh(np.hstack([h, x]) @ W + b), "wrong order"),
        (lambda x, h, W, b: np.tanh(x @ W[: x.shape[1]] + b), "previous state is missing"),
        (lambda x, h, W, b: np.tanh(np.concatenate([x, h]) @ W + b), "Shapes"),
        (lambda x, h, W, b: _stacked_step(x, h, W, b) + 0.01, "differs from the reference"),
        (lambda x, h, W, b: None, "returned None"),
    ],
)
def test_stacked_rnn_step_names_the_mistake(wrong, words, capsys):
    ok, out = _verdict(check_stacked_rnn_step, wrong, capsys)
    assert ok is False and out.startswith("Not yet") and words in out


def test_stacked_rnn_step_names_the_learners_function_when_it_returns_none(capsys):
    def rnn_step_one_matrix(x_t, h_prev, weights, bias):
        return None

    ok, out = _verdict(check_stacked_rnn_step, rnn_step_one_matrix, capsys)
    assert not ok and out.startswith("Not yet: rnn_step_one_matrix returned None")


def test_param_count_accepts_the_reference_and_names_mistakes(capsys):
    assert _verdict(check_simple_rnn_param_count, simple_rnn_param_count, capsys)[0]
    for wrong, words in [
        (lambda f, u: u * (f + u), "bias is missing"),
        (lambda f, u: u * (f + 1), "recurrent kernel"),
        (lambda f, u: f * u + u * u + f, "per unit"),
        (lambda f, u: 4 * u * (f + u + 1), "LSTM"),
        (lambda f, u: 42, "expected"),
        (lambda f, u: None, "returned None"),
    ]:
        ok, out = _verdict(check_simple_rnn_param_count, wrong, capsys)
        assert ok is False and words in out


def test_bptt_step_accepts_the_reference(capsys):
    ok, out = _verdict(check_bptt_step, bptt_step, capsys)
    assert ok and out.startswith("Correct")


@pytest.mark.parametrize(
    "wrong,words",
    [
        (lambda g, h, U: (g * (1 - h**2)) @ U, "not transposed"),
        (lambda g, h, U: g @ U.T, "slope is missing"),
        (lambda g, h, U: (g * (1 - h)) @ U.T, "not 1 - h"),
        (lambda g, h, U: (g * (1 - np.tanh(h) ** 2)) @ U.T, "tanh to h again"),
        (lambda g, h, U: g * (1 - h**2), "through W_h is missing"),
        (lambda g, h, U: 1 / 0, "ZeroDivisionError"),
        (None, "nothing to check yet"),
    ],
)
def test_bptt_step_names_the_mistake(wrong, words, capsys):
    ok, out = _verdict(check_bptt_step, wrong, capsys)
    assert ok is False and words in out


def test_clip_accepts_the_reference(capsys):
    ok, out = _verdict(check_clip_by_global_norm, clip_by_global_norm, capsys)
    assert ok and out.startswith("Correct")


def _per_array(grads, c):
    return [g * min(1.0, c / np.linalg.norm(g)) for g in grads]


def _always(grads, c):
    total = np.sqrt(sum(np.sum(g**2) for g in grads))
    return [g * c / total for g in grads]


@pytest.mark.parametrize(
    "wrong,words",
    [
        (_per_array, "on its own norm"),
        (lambda grads, c: [np.clip(g, -c, c) for g in grads], "clipvalue"),
        (_always, "stay unchanged"),
        (lambda grads, c: grads[0], "list of 3 arrays"),
        (lambda grads, c: [g * 0.5 for g in grads], "differs"),
        (lambda grads, c: None, "returned None"),
        (None, "nothing to check yet"),
    ],
)
def test_clip_names_the_mistake(wrong, words, capsys):
    ok, out = _verdict(check_clip_by_global_norm, wrong, capsys)
    assert ok is False and words in out


def my_answer(*args):
    return None


@pytest.mark.parametrize(
    "check",
    [
        check_bptt_step,
        check_clip_by_global_norm,
        check_geometric_mean,
        check_recurrent_weight_gradient,
    ],
)
def test_notebook_02_checks_name_the_stub_that_returned_none(check, capsys):
    ok, out = _verdict(check, my_answer, capsys)
    assert ok is False and out.startswith("Not yet: my_answer returned None")


@pytest.mark.parametrize(
    "right", [lambda f: np.prod(f) ** (1 / len(f)), lambda f: np.exp(np.mean(np.log(f)))]
)
def test_geometric_mean_accepts_right_answers(right, capsys):
    ok, out = _verdict(check_geometric_mean, right, capsys)
    assert ok and out.startswith("Correct")


@pytest.mark.parametrize(
    "wrong,words",
    [
        (np.mean, "arithmetic mean"),
        (np.prod, "k-th root"),
        (lambda f: np.prod(f) / len(f), "not an average"),
        (np.max, "expected"),
        (lambda f: [1.0, 2.0], "one number"),
        (lambda f: 1 / 0, "ZeroDivisionError"),
        (None, "nothing to check yet"),
    ],
)
def test_geometric_mean_names_the_mistake(wrong, words, capsys):
    ok, out = _verdict(check_geometric_mean, wrong, capsys)
    assert ok is False and out.startswith("Not yet") and words in out


def _weight_gradient(
    states,
    recurrent_kernel,
    grad_last,
    *,
    slope=True,
    swap=False,
    previous=True,
    reverse=False,
    transpose=True,
    steps=None,
):
    """dL/dW_h by the accumulation, with one of its parts optionally wrong."""
    states = states[:, ::-1] if reverse else states
    shifted = np.concatenate([np.zeros_like(states[:, :1]), states[:, :-1]], axis=1)
    grad_h, total = grad_last, np.zeros_like(recurrent_kernel)
    last = states.shape[1] - 1
    for t in range(last, last - (steps or states.shape[1]), -1):
        delta = grad_h * (1 - states[:, t] ** 2) if slope else grad_h
        h = shifted[:, t] if previous else states[:, t]
        total = total + (delta.T @ h if swap else h.T @ delta)
        grad_h = delta @ (recurrent_kernel.T if transpose else recurrent_kernel)
    return total


def _weight_gradient_by_package(states, recurrent_kernel, grad_last):
    inputs = np.zeros(states.shape[:2] + (2,))
    return simple_rnn_weight_gradients(inputs, states, recurrent_kernel, grad_last)[1]


@pytest.mark.parametrize("right", [_weight_gradient, _weight_gradient_by_package])
def test_recurrent_weight_gradient_accepts_right_answers(right, capsys):
    ok, out = _verdict(check_recurrent_weight_gradient, right, capsys)
    assert ok is True and out.startswith("Correct")


@pytest.mark.parametrize(
    "wrong, words",
    [
        (lambda s, w, g: _weight_gradient(s, w, g, swap=True), "transposed"),
        (lambda s, w, g: _weight_gradient(s, w, g, slope=False), "slope is missing"),
        (lambda s, w, g: _weight_gradient(s, w, g, previous=False), "off by one"),
        (lambda s, w, g: _weight_gradient(s, w, g, reverse=True), "wrong end"),
        (lambda s, w, g: _weight_gradient(s, w, g, transpose=False), "not transposed"),
        (lambda s, w, g: _weight_gradient(s, w, g, steps=1), "only the last step"),
        (lambda s, w, g: _weight_gradient(s, w, g)[:2], "shape"),
        (lambda s, w, g: 2 * _weight_gradient(s, w, g), "differs from the reference"),
        (lambda s, w, g: s.missing, "raised AttributeError"),
        (None, "nothing to check yet"),
    ],
)
def test_recurrent_weight_gradient_names_the_mistake(wrong, words, capsys):
    ok, out = _verdict(check_recurrent_weight_gradient, wrong, capsys)
    assert ok is False and out.startswith("Not yet") and words in out
