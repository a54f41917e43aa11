"""The memory task: data, model, training and the lag sweep (notebooks 01 to 03)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import lesson_utils.experiments.memory as memory_task
from lesson_utils.data.memory_task import make_memory_task
from lesson_utils.experiments.memory import (
    CELL_TYPES,
    accuracy_by_lag,
    memory_accuracy,
    train_memory_model,
)
from lesson_utils.figures.memory import plot_accuracy_by_lag
from lesson_utils.models.memory import build_memory_model
from lesson_utils.settings import lesson_sizes


def test_exact_lag_marks_the_first_step_and_targets_its_bit():
    inputs, targets = make_memory_task(5, 40, seed=0)
    assert inputs.shape == (40, 6, 2) and targets.shape == (40,)
    assert inputs.dtype == np.float32
    assert np.all(inputs[:, 0, 1] == 1) and np.all(inputs[:, 1:, 1] == 0)
    np.testing.assert_array_equal(targets, (inputs[:, 0, 0] > 0).astype("float32"))
    assert set(np.unique(inputs[:, :, 0])) == {-1.0, 1.0}


def test_mixed_lags_are_silent_before_the_marked_step():
    inputs, targets = make_memory_task(9, 500, shortest_lag=3, seed=1)
    marked = inputs[:, :, 1].argmax(axis=1)
    lags = 9 - marked
    assert lags.min() == 3 and lags.max() == 9
    assert np.all(inputs[:, :, 1].sum(axis=1) == 1)
    for row, position in enumerate(marked[:50]):
        assert np.all(inputs[row, :position] == 0)
        assert np.all(np.abs(inputs[row, position:, 0]) == 1)
        assert targets[row] == (inputs[row, position, 0] > 0)


def test_same_seed_same_data_and_bad_arguments_are_named():
    a, b = make_memory_task(4, 10, seed=7), make_memory_task(4, 10, seed=7)
    np.testing.assert_array_equal(a[0], b[0])
    with pytest.raises(ValueError, match="lag"):
        make_memory_task(0, 10)
    with pytest.raises(ValueError, match="shortest_lag"):
        make_memory_task(3, 10, shortest_lag=4)
    with pytest.raises(ValueError, match="n_samples"):
        make_memory_task(3, -2)


@pytest.mark.parametrize("cell", CELL_TYPES)
def test_model_reads_any_length_and_outputs_a_probability(cell):
    model = build_memory_model(cell, units=4)
    kernel, bias = model.get_layer("readout").get_weights()
    for timesteps in (3, 11):
        inputs, _ = make_memory_task(timesteps - 1, 5)
        probabilities = np.asarray(model(inputs))
        assert probabilities.shape == (5, 1)
        # The sigmoid of one linear unit reading the recurrent layer's last state.
        state = np.asarray(model.get_layer(cell)(inputs))
        np.testing.assert_allclose(
            probabilities, 1 / (1 + np.exp(-(state @ kernel + bias))), rtol=1e-5
        )


def test_recurrent_gain_is_the_simple_rnn_spectral_radius():
    model = build_memory_model("simple_rnn", units=8, recurrent_gain=2.0)
    recurrent_kernel = model.get_layer("simple_rnn").get_weights()[1]
    np.testing.assert_allclose(np.linalg.svd(recurrent_kernel, compute_uv=False), 2.0, rtol=1e-5)
    np.testing.assert_allclose(np.abs(np.linalg.eigvals(recurrent_kernel)), 2.0, rtol=1e-4)


def test_bad_cell_and_gain_are_named():
    with pytest.raises(ValueError, match="cell"):
        build_memory_model("transformer")
    with pytest.raises(ValueError, match="recurrent_gain"):
        build_memory_model("gru", recurrent_gain=0)


def test_quick_mode_tries_fewer_lags_on_fewer_sequences_with_the_same_training():
    # The same training in both modes: trained longer, a SimpleRNN learns even lag 100 for some
    # seeds, and the lesson would depend on the seed (settings.SIZES, course_tools.claims).
    quick, full = lesson_sizes("01", True), lesson_sizes("01", False)
    assert set(quick) == set(full)
    assert len(quick["lags"]) < len(full["lags"]) and max(quick["lags"]) <= max(full["lags"])
    assert quick["test_samples"] < full["test_samples"]
    assert (quick["train_samples"], quick["epochs"]) == (full["train_samples"], full["epochs"])


def test_a_simple_rnn_learns_a_short_lag():
    model, accuracy = train_memory_model("simple_rnn", 2, quick=True)
    assert accuracy >= 0.9
    inputs, targets = make_memory_task(2, 200, seed=99)
    assert memory_accuracy(model, inputs, targets) >= 0.9


def test_accuracy_by_lag_trains_one_model_per_lag_in_order(monkeypatch):
    tiny = dict(lesson_sizes("01", True), train_samples=32, test_samples=16, epochs=1)
    monkeypatch.setattr(memory_task, "lesson_sizes", lambda notebook, quick=None: tiny)
    calls, accuracies = [], {}
    original = memory_task.train_memory_model

    def spy(cell, lag, **kwargs):
        calls.append((cell, lag))
        model, accuracies[lag] = original(cell, lag, **kwargs)
        return model, accuracies[lag]

    monkeypatch.setattr(memory_task, "train_memory_model", spy)
    result = accuracy_by_lag("gru", [3, 1])
    assert list(result) == [1, 3] and calls == [("gru", 1), ("gru", 3)]
    assert result == accuracies, "each lag's accuracy is that of the model trained at that lag"
    with pytest.raises(ValueError, match="lags"):
        accuracy_by_lag("gru", [])
    with pytest.raises(ValueError, match="cell"):
        accuracy_by_lag("rnn", [1])


def test_plot_has_one_line_per_cell_and_chance():
    fig = plot_accuracy_by_lag({"simple_rnn": {2: 1.0, 30: 0.5}, "lstm": {2: 1.0, 30: 1.0}})
    ax = fig.axes[0]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == (
        "Recalling a bit: accuracy against lag",
        "Lag (steps between the marked bit and the answer)",
        "Test accuracy (fraction recalled)",
    )
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["SimpleRNN", "LSTM", "chance (50 %)"]
    plt.close(fig)
    with pytest.raises(ValueError, match="results"):
        plot_accuracy_by_lag({})


def _tiny_settings(monkeypatch, epochs=1):
    tiny = dict(lesson_sizes("01", True), train_samples=32, test_samples=16, epochs=epochs)
    monkeypatch.setattr(memory_task, "lesson_sizes", lambda notebook, quick=None: tiny)


def _spy_on_track(monkeypatch):
    """Replaces `track` with a spy that records each bar's title, item labels and end."""
    bars = []

    def spy(items, what, *, unit, label=str):
        bars.append([f"{what} ({unit})"])
        for item in items:
            bars[-1].append(label(item))
            yield item
        bars[-1].append("finished")

    monkeypatch.setattr(memory_task, "track", spy)
    return bars


def test_memory_comparison_shows_one_bar_for_every_cell_and_lag(monkeypatch):
    _tiny_settings(monkeypatch)
    bars = _spy_on_track(monkeypatch)
    result = memory_task.memory_comparison(("lstm", "gru"), [3, 1])
    assert list(result) == ["lstm", "gru"] and all(list(r) == [1, 3] for r in result.values())
    assert bars == [
        [
            "training one model per cell and lag (models)",
            "LSTM at lag 1",
            "LSTM at lag 3",
            "GRU at lag 1",
            "GRU at lag 3",
            "finished",
        ]
    ]


def test_train_memory_model_can_show_its_epochs_on_a_bar(monkeypatch):
    _tiny_settings(monkeypatch, epochs=3)
    bars = _spy_on_track(monkeypatch)
    memory_task.train_memory_model("simple_rnn", 4)
    assert bars == []
    memory_task.train_memory_model("simple_rnn", 4, progress=True)
    assert bars == [
        ["training a SimpleRNN at lag 4 (epochs)", "epoch 1", "epoch 2", "epoch 3", "finished"]
    ]


class _ReadsOneStep:
    """A stand-in memory model whose answer is `sign *` one step's bit > 0."""

    def __init__(self, step, sign):
        self.step, self.sign = step, sign

    def __call__(self, inputs, training=False):
        return (self.sign * inputs[:, self.step, :1] > 0).astype("float32")


def test_marked_bit_dependence_tells_a_model_that_reads_the_bit_from_one_that_ignores_it():
    # Reads the marked bit (the first step at the full lag): right, or wrong, on every twin.
    follows = memory_task.marked_bit_dependence(_ReadsOneStep(0, 1.0), 5, quick=True, seed=3)
    assert follows == dict(accuracy=1.0, pair_accuracy=1.0, follows=1.0, against=0.0, ignores=0.0)
    against = memory_task.marked_bit_dependence(_ReadsOneStep(0, -1.0), 5, quick=True, seed=3)
    assert against == dict(accuracy=0.0, pair_accuracy=0.0, follows=0.0, against=1.0, ignores=0.0)
    # Reads the last distractor: the same answer for both twins, exactly 50 % on the pairs.
    last = memory_task.marked_bit_dependence(_ReadsOneStep(-1, 1.0), 5, quick=True, seed=3)
    assert last["ignores"] == 1.0 and last["pair_accuracy"] == 0.5
    assert 0.35 < last["accuracy"] < 0.65
