"""Notebook 07, section 7: the strings to reverse, the encoder-decoder, its greedy writing, its
scores by length and their figure."""

import numpy as np
import pytest

import lesson_utils.experiments.sequence_to_sequence as sequence_to_sequence
from lesson_utils.data.strings import (
    START,
    STRING_VOCAB_SIZE,
    ids_to_digits,
    make_reversal_task,
)
from lesson_utils.experiments.sequence_to_sequence import (
    reversal_accuracy,
    reversal_by_length,
    reversal_examples,
)
from lesson_utils.figures.sequence_to_sequence import plot_accuracy_by_length
from lesson_utils.models.encoder_decoder import build_encoder_decoder, decode_greedily


def test_each_target_is_its_source_reversed_and_the_decoder_reads_it_one_step_late():
    task = make_reversal_task(50, 1, 6, seed=0)
    assert task["sources"].shape == task["targets"].shape == (50, 6)
    assert set(task["lengths"]) <= set(range(1, 7)) and len(set(task["lengths"])) > 3
    for source, target, decoder_input, weights, length in zip(
        task["sources"], task["targets"], task["decoder_inputs"], task["weights"], task["lengths"]
    ):
        assert ids_to_digits(target) == ids_to_digits(source)[::-1]
        assert len(ids_to_digits(source)) == length and weights.sum() == length
        assert (source[length:] == 0).all() and (weights[length:] == 0).all()
        assert decoder_input[0] == START and (decoder_input[1:] == target[:-1]).all()
    assert task["sources"].max() < START and task["sources"][task["weights"] > 0].min() >= 1


def test_strings_of_one_length_and_bad_arguments():
    task = make_reversal_task(10, 4, 4, seed=1)
    assert (task["lengths"] == 4).all() and task["weights"].all()
    assert ids_to_digits([4, 2, 0, START]) == "31"
    with pytest.raises(ValueError, match="shortest=5"):
        make_reversal_task(10, 5, 4)
    with pytest.raises(ValueError, match="count=0"):
        make_reversal_task(0, 1, 4)


def _randomized(model, seed=0):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(scale=0.5, size=w.shape) for w in model.get_weights()])
    return model


def test_the_decoder_sees_the_source_only_through_the_encoders_state_after_its_last_digit():
    model = _randomized(build_encoder_decoder(STRING_VOCAB_SIZE, embedding_dim=4, units=8))
    task = make_reversal_task(4, 3, 3, seed=2)
    outputs = np.asarray(model([task["sources"], task["decoder_inputs"]]))
    assert outputs.shape == (4, 3, STRING_VOCAB_SIZE)
    assert np.allclose(outputs.sum(axis=-1), 1, atol=1e-5)
    padded = np.pad(task["sources"], ((0, 0), (0, 5)))  # padding after the end changes nothing
    assert np.allclose(model([padded, task["decoder_inputs"]]), outputs, atol=1e-6)
    other = task["sources"].copy()
    other[:, 0] = other[:, 0] % 10 + 1  # another first digit: another state, other outputs
    assert not np.allclose(model([other, task["decoder_inputs"]]), outputs, atol=1e-3)


def test_greedy_decoding_feeds_each_choice_back_in():
    model = _randomized(build_encoder_decoder(STRING_VOCAB_SIZE, embedding_dim=4, units=8), 1)
    sources = make_reversal_task(5, 4, 4, seed=3)["sources"]
    written = decode_greedily(model, sources, 4, START)
    assert written.shape == (5, 4)
    prefix = np.concatenate([np.full((5, 1), START), written[:, :-1]], axis=1)
    chosen = np.asarray(model([sources, prefix])).argmax(axis=-1)
    assert (chosen == written).all(), (
        "each id written should be the most probable after the ones before"
    )
    with pytest.raises(ValueError, match="steps=0"):
        decode_greedily(model, sources, 0, START)


def test_reversal_accuracy_counts_characters_and_whole_strings(monkeypatch):
    task = make_reversal_task(4, 3, 3, seed=4)
    answers = task["targets"].copy()
    answers[0, 1] = answers[0, 1] % 10 + 1  # one wrong character in the first string
    monkeypatch.setattr(sequence_to_sequence, "decode_greedily", lambda *args: answers)
    assert reversal_accuracy(None, task) == {"character": 11 / 12, "string": 3 / 4}
    with pytest.raises(ValueError, match="one length"):
        reversal_accuracy(None, make_reversal_task(4, 1, 3, seed=5))


def test_a_short_training_learns_to_reverse_short_strings():
    sizes = dict(units=32, embedding_dim=8, train_strings=2000, epochs=6, batch_size=32)
    model, scores = reversal_by_length(
        (1, 2), learning_rate=0.01, test_strings=100, seed=0, **sizes
    )
    assert sorted(scores) == [1, 2]
    assert scores[1]["character"] > 0.8, scores  # chance: 0.1
    examples = reversal_examples(model, 3, 2, seed=6)
    assert len(examples) == 3 and all(reversal == source[::-1] for source, reversal, _ in examples)


def test_the_figure_draws_both_accuracies_and_chance():
    scores = {2: {"character": 1.0, "string": 1.0}, 8: {"character": 0.5, "string": 0.1}}
    fig = plot_accuracy_by_length(scores, chance=0.1)
    ax = fig.axes[0]
    assert ax.get_title() and "Length" in ax.get_xlabel() and "%" in ax.get_ylabel()
    assert [list(line.get_ydata()) for line in ax.lines[:2]] == [[100, 50], [100, 10]]
    assert len(ax.get_legend().get_texts()) == 3
    with pytest.raises(ValueError, match="scores"):
        plot_accuracy_by_length({}, chance=0.1)
