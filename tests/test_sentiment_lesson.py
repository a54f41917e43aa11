"""Notebook 04/05 sizes and the shared trained models."""

from lesson_utils.model_store import save_model
from lesson_utils.sentiment_lesson import (
    full_lesson_models_saved,
    lesson_model,
    sentiment_lesson_sizes,
    train_lesson_model,
)


def test_sizes_in_quick_and_full_mode():
    full, quick = sentiment_lesson_sizes(False), sentiment_lesson_sizes(True)
    assert full["max_length"] == 256 and full["epochs"] == 3 and full["comparison_epochs"] is None
    assert quick["max_length"] == 100 and quick["epochs"] == 1 and quick["comparison_epochs"] == 1


def test_lesson_model_loads_a_saved_model_else_trains_and_says_so(fake_imdb, tmp_path, capsys):
    model, note = lesson_model("gru", folder=tmp_path, source=fake_imdb)
    assert "No saved GRU model" in note and "trained a small one" in note
    assert model.get_layer("gru") is not None
    save_model(model, "imdb_gru", folder=tmp_path)
    loaded, note = lesson_model("gru", folder=tmp_path, source=fake_imdb)
    assert note.startswith("Loaded the GRU model")
    assert loaded.count_params() == model.count_params()


def test_train_lesson_model_reports_test_metrics(fake_imdb):
    model, history, metrics = train_lesson_model("lstm", quick=True, verbose=0, source=fake_imdb)
    assert len(history.history["loss"]) == 1
    assert set(metrics) == {"loss", "accuracy", "seconds_per_epoch"}


def test_full_models_are_recognised_only_outside_quick_mode(fake_imdb, tmp_path):
    model, _ = lesson_model("lstm", folder=tmp_path, quick=True, source=fake_imdb)
    assert not full_lesson_models_saved(tmp_path, quick=False)
    save_model(model, "imdb_lstm", folder=tmp_path, quick=False)
    assert not full_lesson_models_saved(tmp_path, quick=False)  # the GRU is missing
    save_model(model, "imdb_gru", folder=tmp_path, quick=False)
    assert full_lesson_models_saved(tmp_path, quick=False)
    assert not full_lesson_models_saved(tmp_path, quick=True)
