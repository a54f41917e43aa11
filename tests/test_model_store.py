"""Saving and loading the trained models shared by notebooks 04 and 06."""

from pathlib import Path

import numpy as np
import pytest

from lesson_utils import build_rnn_model
from lesson_utils.models.store import load_model, model_path, save_model


def test_round_trip_keeps_the_predictions(tmp_path):
    model = build_rnn_model(vocab_size=30, embedding_dim=4, lstm_units=3, dense_units=4)
    x = np.array([[1, 5, 7, 0, 0], [1, 9, 0, 0, 0]])
    path = save_model(model, "imdb_lstm", folder=tmp_path, quick=False)
    assert path == tmp_path / "imdb_lstm.keras" and path.is_file()
    loaded = load_model("imdb_lstm", folder=tmp_path, quick=False)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_quick_mode_has_its_own_file_and_missing_models_are_none(tmp_path):
    assert model_path("m", tmp_path, quick=True).name == "m_quick.keras"
    assert model_path("m", tmp_path, quick=False).name == "m.keras"
    assert load_model("m", folder=tmp_path) is None


def test_folder_comes_from_the_environment_else_the_learners_course_home(monkeypatch, tmp_path):
    monkeypatch.setenv("RNN_COURSE_MODELS_DIR", str(tmp_path / "mine"))
    assert model_path("m", quick=False).parent == tmp_path / "mine"
    monkeypatch.delenv("RNN_COURSE_MODELS_DIR")
    monkeypatch.setenv("RNN_COURSE_HOME", str(tmp_path / "home"))
    assert model_path("m", quick=False).parent == tmp_path / "home" / "models"
    monkeypatch.delenv("RNN_COURSE_HOME")
    assert model_path("m", quick=False).parent == Path.home() / ".rnn_course" / "models"


def test_bad_names_and_files_get_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="name"):
        model_path("../evil", tmp_path)
    (tmp_path / "broken.keras").write_text("not a model")
    with pytest.raises(ValueError, match="run notebook 04 again"):
        load_model("broken", folder=tmp_path, quick=False)
    with pytest.raises(ValueError, match="keras.Model"):
        save_model("not a model", "m", folder=tmp_path)


def test_a_save_that_fails_leaves_the_saved_model_whole_and_no_partial_file(tmp_path, monkeypatch):
    model = build_rnn_model(vocab_size=30, embedding_dim=4, lstm_units=3, dense_units=4)
    path = save_model(model, "imdb_lstm", folder=tmp_path, quick=False)
    before = path.read_bytes()

    def interrupted(self, filepath, *args, **kwargs):
        Path(filepath).write_bytes(b"half a model")
        raise KeyboardInterrupt

    monkeypatch.setattr(type(model), "save", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_model(model, "imdb_lstm", folder=tmp_path, quick=False)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["imdb_lstm.keras"]
