"""Notebooks 04 to 06: their sizes and the shared trained models."""

import keras
import numpy as np

from lesson_utils.settings import lesson_sizes
from lesson_utils.training.pipeline import (
    lesson_model,
    train_lesson_model,
)


def test_sizes_in_quick_and_full_mode():
    full, quick = lesson_sizes("04", False), lesson_sizes("04", True)
    assert full["max_length"] == 256 and full["epochs"] == 3 and full["comparison_epochs"] is None
    assert quick["max_length"] == 100 and quick["epochs"] == 1 and quick["comparison_epochs"] == 1


def test_lesson_model_trains_and_saves_a_missing_model_then_loads_it(fake_imdb, tmp_path):
    model, note = lesson_model("gru", folder=tmp_path, quick=True, source=fake_imdb)
    assert "No saved GRU yet" in note and "saved it to" in note
    gru = model.get_layer("gru")
    assert type(gru) is keras.layers.GRU and gru.units == lesson_sizes("04", True)["units"]
    loaded, note = lesson_model("gru", folder=tmp_path, quick=True, source=fake_imdb)
    assert note.startswith("Loaded the course's GRU")
    # The model loaded is the one trained and saved: the same weights, not only the same shape.
    for saved, trained in zip(loaded.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(saved, trained)


def test_train_lesson_model_returns_what_run_full_workflow_returns(fake_imdb):
    history, metrics, model = train_lesson_model("lstm", quick=True, verbose=0, source=fake_imdb)
    assert len(history.history["loss"]) == 1
    assert set(metrics) == {
        "loss",
        "accuracy",
        "seconds_per_epoch",
        "epoch_seconds",
        "epoch_cpu_seconds",
    }
    assert model.get_layer("lstm").units == lesson_sizes("04", True)["units"]
