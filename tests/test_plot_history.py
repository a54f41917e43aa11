"""The training-history figure: both curves, labelled, from a History or its dict."""

import keras
import numpy as np
import pytest

from lesson_utils import plot_history
from lesson_utils.figures.style import PALETTE

LOGS = {
    "loss": [0.7, 0.5, 0.4],
    "accuracy": [0.5, 0.7, 0.8],
    "val_loss": [0.6, 0.5, 0.45],
    "val_accuracy": [0.6, 0.75, 0.78],
}


def test_plot_history_draws_training_and_validation_per_epoch():
    fig = plot_history(LOGS, title="Test run")
    loss_ax, acc_ax = fig.axes
    assert fig.get_suptitle() == "Test run"
    for ax, key, title, ylabel in (
        (loss_ax, "loss", "Loss", "Binary cross-entropy"),
        (acc_ax, "accuracy", "Accuracy", "Accuracy (fraction correct)"),
    ):
        assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == (title, "Epoch", ylabel)
        train, val = ax.get_lines()
        np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3])
        np.testing.assert_allclose(train.get_ydata(), LOGS[key])
        np.testing.assert_allclose(val.get_ydata(), LOGS["val_" + key])
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["training", "validation"]
        assert train.get_color().lower() == PALETTE["blue"].lower()


def test_plot_history_takes_a_keras_history_without_validation():
    history = keras.callbacks.History()
    history.history = {"loss": [0.7, 0.6], "accuracy": [0.5, 0.6]}
    fig = plot_history(history)
    assert len(fig.axes[0].get_lines()) == 1


def test_plot_history_explains_bad_input():
    with pytest.raises(ValueError, match="`history` must be a Keras History"):
        plot_history({"acc": [1]})
