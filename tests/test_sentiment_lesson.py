"""Notebooks 04 to 06: their sizes and the shared trained models."""

import gc
import weakref

import keras
import numpy as np
from saved_models import other_minor_version, read_only, written_by

from lesson_utils import build_rnn_model
from lesson_utils.models.store import saved_model_record
from lesson_utils.settings import lesson_sizes
from lesson_utils.training import pipeline
from lesson_utils.training.pipeline import (
    lesson_model,
    save_lesson_model,
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


def test_lesson_model_hands_trainings_memory_back_before_it_returns(
    fake_imdb, tmp_path, monkeypatch
):
    """Training a missing model leaves megabytes freed but kept; the notebook needs them next."""
    events, trained = [], []

    def train(*args, **kwargs):
        history, metrics, model = train_lesson_model(*args, **kwargs)
        trained.append(weakref.ref(model))
        events.append("trained")
        return history, metrics, model

    def freed():  # As return_freed_memory does first: collect the cycles a Keras model makes.
        events.append("returned")
        gc.collect()
        assert trained[0]() is None, "the trained model should be let go before"

    monkeypatch.setattr(pipeline, "train_lesson_model", train)
    monkeypatch.setattr(pipeline, "return_freed_memory", freed)
    model, _ = lesson_model("gru", folder=tmp_path, quick=True, source=fake_imdb)
    assert events == ["trained", "returned"]
    assert model.predict(np.ones((1, 5), dtype="int32"), verbose=0).shape == (1, 1)
    lesson_model("gru", folder=tmp_path, quick=True, source=fake_imdb)
    assert events == ["trained", "returned"], "loading a saved model frees nothing to hand back"


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


def test_a_model_from_another_keras_is_retrained_with_one_line_saying_so(fake_imdb, tmp_path):
    stale = save_lesson_model(build_rnn_model(vocab_size=30), "gru", folder=tmp_path, quick=True)
    written_by(stale, other_minor_version())
    model, note = lesson_model("gru", folder=tmp_path, quick=True, source=fake_imdb)
    assert note.startswith(
        f"The saved GRU ({stale}) was written by Keras {other_minor_version()}; "
        f"this is Keras {keras.__version__}, so trained the course's GRU now"
    )
    assert note.endswith(f"saved it to {stale}.") and "\n" not in note
    assert saved_model_record(stale)["keras_version"] == keras.__version__
    assert lesson_model("gru", folder=tmp_path, quick=True, source=fake_imdb)[1].startswith(
        "Loaded"
    )


def test_a_class_shared_read_only_model_is_used_or_retrained_into_the_learners_own_folder(
    fake_imdb, tmp_path, monkeypatch
):
    shared, own = tmp_path / "shared", tmp_path / "own"
    monkeypatch.setenv("RNN_COURSE_SHARED_DIR", str(shared))
    monkeypatch.setenv("RNN_COURSE_MODELS_DIR", str(own))
    lesson_model("lstm", folder=shared / "models", quick=True, source=fake_imdb)
    shared_file = shared / "models" / "imdb_lstm_quick.keras"
    with read_only(shared / "models"):
        model, note = lesson_model("lstm", quick=True, source=fake_imdb)
    assert note == f"Loaded the course's LSTM, trained earlier ({shared_file})."
    written_by(shared_file, "2.0.0")
    before = shared_file.read_bytes()
    with read_only(shared / "models"):
        model, note = lesson_model("lstm", quick=True, source=fake_imdb)
    assert "was written by Keras 2.0.0" in note
    assert note.endswith(f"saved it to {own / 'imdb_lstm_quick.keras'}.")
    assert shared_file.read_bytes() == before, "the shared folder is never written"
