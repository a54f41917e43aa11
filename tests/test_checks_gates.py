"""Notebook 03's self-checks accept right answers and reject the usual wrong ones."""

import numpy as np
import pytest

from lesson_utils.exercises import check_forget_gate, check_gru_param_count, check_gru_step
from lesson_utils.scratch.cells import gru_param_count, gru_step, sigmoid


def _blocks(x_t, h_prev, kernel, recurrent_kernel, bias, n):
    return np.split(x_t @ kernel + h_prev @ recurrent_kernel + bias, n, axis=-1)


def right_forget_gate(x_t, h_prev, kernel, recurrent_kernel, bias):
    units = h_prev.shape[1]
    f = slice(units, 2 * units)
    return sigmoid(x_t @ kernel[:, f] + h_prev @ recurrent_kernel[:, f] + bias[f])


WRONG_FORGET_GATES = {
    "input gate's values": lambda *a: sigmoid(_blocks(*a, 4)[0]),
    "third block": lambda *a: sigmoid(_blocks(*a, 4)[2]),
    "output gate's values": lambda *a: sigmoid(_blocks(*a, 4)[3]),
    "not tanh": lambda *a: np.tanh(_blocks(*a, 4)[1]),
    "previous hidden state is missing": lambda x, h, k, rk, b: right_forget_gate(
        x, 0 * h, k, rk, b
    ),
    "bias is missing": lambda x, h, k, rk, b: right_forget_gate(x, h, k, rk, 0 * b),
    "differs from the reference": lambda *a: right_forget_gate(*a) + 0.01,
    "returned shape": lambda *a: right_forget_gate(*a).T,
    "raised ZeroDivisionError": lambda *a: 1 / 0,
    "returned None": lambda *a: None,
}


def test_check_forget_gate_accepts_a_right_answer(capsys):
    assert check_forget_gate(right_forget_gate) is True
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("message", list(WRONG_FORGET_GATES))
def test_check_forget_gate_rejects_and_explains(message, capsys):
    assert check_forget_gate(WRONG_FORGET_GATES[message]) is False
    assert message in capsys.readouterr().out


def test_checks_name_the_learners_stub_that_returns_none(capsys):
    def forget_gate(x_t, h_prev, kernel, recurrent_kernel, bias):
        return None

    def my_gru_step(x_t, h_prev, kernel, recurrent_kernel, bias):
        return None

    def count_gru_params(features, units, reset_after):
        return None

    for check, stub in (
        (check_forget_gate, forget_gate),
        (check_gru_step, my_gru_step),
        (check_gru_param_count, count_gru_params),
    ):
        assert check(stub) is False
        assert capsys.readouterr().out.startswith(f"Not yet: {stub.__name__} returned None")


def right_gru_step(x_t, h_prev, kernel, recurrent_kernel, bias):
    x_z, x_r, x_h = np.split(x_t @ kernel + bias[0], 3, axis=-1)
    h_z, h_r, h_h = np.split(h_prev @ recurrent_kernel + bias[1], 3, axis=-1)
    z = sigmoid(x_z + h_z)
    r = sigmoid(x_r + h_r)
    candidate = np.tanh(x_h + r * h_h)
    return z * h_prev + (1 - z) * candidate


def _gru_variant(
    x_t,
    h_prev,
    kernel,
    recurrent_kernel,
    bias,
    *,
    order=(0, 1),
    gate=sigmoid,
    squash=np.tanh,
    keep_old=True,
    reset="after",
):
    """A GRU step with one thing changed, as a learner might write it."""
    units = h_prev.shape[1]
    xs = np.split(x_t @ kernel + bias[0], 3, axis=-1)
    hs = np.split(h_prev @ recurrent_kernel + bias[1], 3, axis=-1)
    z = gate(xs[order[0]] + hs[order[0]])
    r = gate(xs[order[1]] + hs[order[1]])
    if reset == "after":
        candidate = squash(xs[2] + r * hs[2])
    elif reset == "before":
        candidate = squash(
            xs[2] + (r * h_prev) @ recurrent_kernel[:, 2 * units :] + bias[1, 2 * units :]
        )
    else:
        candidate = squash(xs[2] + hs[2])
    return z * h_prev + (1 - z) * candidate if keep_old else (1 - z) * h_prev + z * candidate


WRONG_GRU_STEPS = {
    "other convention": dict(keep_old=False),
    "applied before the recurrent matrix product": dict(reset="before"),
    "swapped: Keras' order is update": dict(order=(1, 0)),
    "sigmoid and tanh are swapped": dict(gate=np.tanh, squash=sigmoid),
    "reset gate is missing": dict(reset="none"),
}


def test_check_gru_step_accepts_right_answers(capsys):
    assert check_gru_step(right_gru_step) is True
    assert check_gru_step(_gru_variant) is True
    assert check_gru_step(gru_step) is True
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("message", list(WRONG_GRU_STEPS))
def test_check_gru_step_rejects_and_explains(message, capsys):
    def wrong(*args):
        return _gru_variant(*args, **WRONG_GRU_STEPS[message])

    assert check_gru_step(wrong) is False
    assert message in capsys.readouterr().out


def test_check_gru_param_count(capsys):
    assert check_gru_param_count(gru_param_count) is True
    assert check_gru_param_count(lambda f, u, ra: 3 * u * (f + u + (2 if ra else 1))) is True
    wrong = {
        "keeps a second bias row": lambda f, u, ra: 3 * u * (f + u + 1),
        "belongs to reset_after=True": lambda f, u, ra: 3 * u * (f + u + (1 if ra else 2)),
        "only one bias row": lambda f, u, ra: 3 * u * (f + u + 2),
        "three blocks": lambda f, u, ra: 4 * u * (f + u + (2 if ra else 1)),
        "raised TypeError": lambda f, u: 0,
        "returned None": lambda f, u, ra: None,
    }
    capsys.readouterr()
    for message, count in wrong.items():
        assert check_gru_param_count(count) is False
        assert message in capsys.readouterr().out
