"""Notebook 06 self-checks accept the right answer and reject plausible wrong ones."""

import numpy as np

from lesson_utils.exercises import check_bits_per_character, check_temperature_softmax


def right_softmax(logits, temperature):
    z = np.asarray(logits) / temperature
    e = np.exp(z - z.max())
    return e / e.sum()


def naive_softmax(logits, temperature):
    e = np.exp(np.asarray(logits) / temperature)
    return e / e.sum()


def test_temperature_softmax(capsys):
    assert check_temperature_softmax(right_softmax)

    def powered(logits, temperature):
        p = right_softmax(logits, 1.0) ** (1 / temperature)
        return p / p.sum()

    assert check_temperature_softmax(powered), "p ** (1 / T), normalised, is the same softmax"
    for wrong, words in [
        (lambda z, t: right_softmax(np.asarray(z) * t, 1.0), "multiplied by the temperature"),
        (lambda z, t: right_softmax(z, 1.0), "temperature is missing"),
        (lambda z, t: np.exp(np.asarray(z) / t), "do not add up to 1"),
        (lambda z, t: right_softmax(z, 1.0) / t, "before the exponential"),
        (naive_softmax, "subtract the largest logit"),
        (lambda z, t: right_softmax(z, t)[:-1], "shape"),
        (lambda z, t: None, "returned None"),
        (lambda z, t: 1 / 0, "ZeroDivisionError"),
    ]:
        assert not check_temperature_softmax(wrong)
        assert words in capsys.readouterr().out


def test_temperature_softmax_stub_is_named(capsys):
    def temperature_softmax(logits, temperature):
        return None

    assert not check_temperature_softmax(temperature_softmax)
    assert "Not yet: temperature_softmax returned None" in capsys.readouterr().out


def right_bits(probabilities, targets):
    return float(np.mean(-np.log2(probabilities[np.arange(len(targets)), targets])))


def given(probabilities, targets):
    return probabilities[np.arange(len(targets)), targets]


def test_bits_per_character(capsys):
    assert check_bits_per_character(right_bits)
    for wrong, words in [
        (lambda p, t: float(np.mean(-np.log(given(p, t)))), "nats"),
        (lambda p, t: float(np.mean(-np.log10(given(p, t)))), "log10"),
        (lambda p, t: float(np.sum(-np.log2(given(p, t)))), "is the mean"),
        (lambda p, t: float(np.mean(np.log2(given(p, t)))), "minus sign"),
        (lambda p, t: 2 ** right_bits(p, t), "perplexity"),
        (lambda p, t: float(np.mean(-np.log2(p.max(axis=1)))), "most likely character"),
        (lambda p, t: float(np.mean(-np.log2(p[:, t]))), "every target at every step"),
        (lambda p, t: float(-np.log2(np.mean(given(p, t)))), "average the surprises"),
        (lambda p, t: right_bits(p, t) + 0.1, "expected"),
        (lambda p, t: "two bits", "one number"),
        (lambda p, t: -np.log2(given(p, t)), "one number"),
        (lambda p, t: None, "returned None"),
        (lambda p, t: p[len(p)], "IndexError"),
    ]:
        assert not check_bits_per_character(wrong)
        assert words in capsys.readouterr().out


def test_bits_per_character_stub_is_named(capsys):
    def bits_per_character(probabilities, targets):
        return None

    assert not check_bits_per_character(bits_per_character)
    assert "Not yet: bits_per_character returned None" in capsys.readouterr().out
