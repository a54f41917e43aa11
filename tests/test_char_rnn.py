"""The capstone's NumPy character RNN (notebook 08): forward, backward, gradient check, training."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from lesson_utils.data.characters import CHARACTERS, encode_text
from lesson_utils.experiments.char_rnn import (
    char_rnn_surprise,
    sample_char_rnn,
    train_char_rnn,
    unigram_surprise,
)
from lesson_utils.figures.char_rnn import plot_char_rnn_training
from lesson_utils.scratch.char_rnn import (
    PARAMETER_NAMES,
    char_rnn_backward,
    char_rnn_forward,
    char_rnn_loss_and_gradients,
    gradient_check,
    init_char_rnn,
    numerical_gradient,
    one_hot,
    relative_error,
)

VOCAB = len(CHARACTERS)


def _window(units=6, batch=3, steps=7, seed=0):
    rng = np.random.default_rng(seed)
    params = init_char_rnn(VOCAB, units, seed)
    inputs, targets = rng.integers(0, VOCAB, size=(2, batch, steps))
    return params, inputs, targets, rng.uniform(-0.9, 0.9, size=(batch, units))


def test_the_forward_pass_has_keras_shapes_and_scores_in_bits():
    params, inputs, targets, h_prev = _window()
    bits, cache = char_rnn_forward(params, inputs, targets, h_prev)
    assert {name: params[name].shape for name in PARAMETER_NAMES} == {
        "kernel": (VOCAB, 6),
        "recurrent_kernel": (6, 6),
        "bias": (6,),
        "output_kernel": (6, VOCAB),
        "output_bias": (VOCAB,),
    }
    assert cache["states"].shape == (3, 7, 6) and cache["probabilities"].shape == (3, 7, VOCAB)
    assert np.allclose(cache["probabilities"].sum(axis=-1), 1)
    assert np.array_equal(cache["h_last"], cache["states"][:, -1])
    p = cache["probabilities"]
    expected = np.mean(-np.log2(p[np.arange(3)[:, None], np.arange(7)[None], targets]))
    assert bits == pytest.approx(expected)
    # Uniform probabilities (all output weights zero) cost log2(vocab) bits.
    flat = {**params, "output_kernel": 0 * params["output_kernel"]}
    assert char_rnn_forward(flat, inputs, targets, h_prev)[0] == pytest.approx(np.log2(VOCAB))


def test_a_state_carried_across_two_windows_reads_like_one_long_window():
    params, inputs, targets, h_prev = _window(steps=8)
    whole, cache = char_rnn_forward(params, inputs, targets, h_prev)
    first, first_cache = char_rnn_forward(params, inputs[:, :4], targets[:, :4], h_prev)
    second, second_cache = char_rnn_forward(
        params, inputs[:, 4:], targets[:, 4:], first_cache["h_last"]
    )
    assert whole == pytest.approx((first + second) / 2)
    assert np.allclose(second_cache["h_last"], cache["h_last"])


def test_the_backward_pass_passes_a_gradient_check_and_a_wrong_one_fails_it():
    params, inputs, targets, h_prev = _window(units=4, batch=2, steps=5)
    errors = gradient_check(params, inputs, targets, h_prev)
    assert set(errors) == set(PARAMETER_NAMES) and max(errors.values()) < 1e-7

    def no_slope(params, cache):  # the usual bug: tanh's slope left out
        grads = char_rnn_backward(params, {**cache, "states": 0 * cache["states"]})
        return {**char_rnn_backward(params, cache), "recurrent_kernel": grads["recurrent_kernel"]}

    assert gradient_check(params, inputs, targets, h_prev, no_slope)["recurrent_kernel"] > 1e-2


def test_loss_and_gradients_is_forward_then_backward():
    params, inputs, targets, h_prev = _window()
    bits, grads, h_last = char_rnn_loss_and_gradients(params, inputs, targets, h_prev)
    expected_bits, cache = char_rnn_forward(params, inputs, targets, h_prev)
    assert bits == expected_bits and np.array_equal(h_last, cache["h_last"])
    assert all(grads[name].shape == params[name].shape for name in PARAMETER_NAMES)


def test_the_numerical_gradient_is_centred_and_puts_every_entry_back():
    array = np.array([[0.5, -1.0], [2.0, 0.1]])
    kept = array.copy()
    grad = numerical_gradient(lambda w: float(np.sum(w**3)), array, eps=1e-3)
    assert np.array_equal(array, kept)
    # The centred difference of w**3 is 3 w**2 + eps**2, exactly.
    assert np.allclose(grad, 3 * kept**2 + 1e-6, atol=1e-9)


def test_the_relative_error_ignores_the_gradients_size():
    a = np.array([1.0, 2.0, 3.0])
    assert relative_error(a, 1.01 * a) == pytest.approx(relative_error(1e-6 * a, 1.01e-6 * a))
    assert relative_error(a, -a) == pytest.approx(1.0)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    with pytest.raises(ValueError, match=r"same shape. Received: \(3,\) and \(2,\)"):
        relative_error(a, a[:2])


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="Argument `units` must be a positive integer.*units=0"):
        init_char_rnn(VOCAB, 0, seed=0)
    with pytest.raises(ValueError, match=r"Argument `ids` must hold character ids from 0 to 29"):
        one_hot([3, 30], VOCAB)
    params, inputs, targets, h_prev = _window()
    with pytest.raises(ValueError, match=r"targets.shape=\(3, 6\)"):
        char_rnn_forward(params, inputs, targets[:, :-1], h_prev)
    with pytest.raises(ValueError, match="Argument `prompt`"):
        sample_char_rnn(params, "", 5)


def _trained(steps=150):
    text = "the cat sat on the mat\n" * 300
    ids = encode_text(text)
    return ids, train_char_rnn(
        ids,
        ids[:2000],
        units=16,
        window=10,
        batch_size=8,
        steps=steps,
        learning_rate=0.1,
        clip_norm=1.0,
        record_every=50,
        seed=3,
    )


def test_training_carries_the_state_and_beats_the_unigram_on_a_repetitive_text():
    ids, (params, history) = _trained()
    assert [row["step"] for row in history] == [0, 50, 100, 150]
    unigram = unigram_surprise(ids, ids[:2000], window=10)
    surprise = char_rnn_surprise(params, ids[:2000], window=10)
    assert surprise.shape == unigram.shape
    assert history[-1]["heldout_bits"] == pytest.approx(surprise.mean())
    assert history[-1]["heldout_bits"] < unigram.mean() - 1.5
    assert history[-1]["heldout_bits"] < history[0]["heldout_bits"] - 2


def test_training_with_a_learners_function_calls_it():
    calls = []

    def mine(params, inputs, targets, h_prev):
        calls.append(h_prev.copy())
        return char_rnn_loss_and_gradients(params, inputs, targets, h_prev)

    ids = encode_text("abc " * 200)
    train_char_rnn(
        ids,
        ids,
        units=4,
        window=5,
        batch_size=2,
        steps=3,
        learning_rate=0.1,
        clip_norm=1.0,
        record_every=3,
        loss_and_gradients=mine,
    )
    assert len(calls) == 3 and not calls[0].any() and calls[1].any()  # zeros, then carried


def test_sampling_writes_characters_of_the_vocabulary_and_repeats_with_its_seed():
    _, (params, _) = _trained()
    text = sample_char_rnn(params, "the ", 60, temperature=0.5, seed=1)
    assert len(text) == 60 and set(text) <= set(CHARACTERS)
    assert text == sample_char_rnn(params, "the ", 60, temperature=0.5, seed=1)
    assert "cat" in sample_char_rnn(params, "the ", 60, temperature=0.1, seed=2)


def test_the_training_figure_shows_both_curves_and_the_baseline():
    history = [
        {"step": 0, "train_bits": 4.9, "heldout_bits": 4.9},
        {"step": 10, "train_bits": 3.0, "heldout_bits": 3.1},
    ]
    fig = plot_char_rnn_training(history, 4.1)
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert any("unigram" in label and "4.10" in label for label in labels)
    assert ax.get_title() and "Updates" in ax.get_xlabel() and "Bits" in ax.get_ylabel()
    plt.close(fig)
