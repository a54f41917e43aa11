"""Saving and loading the trained models shared by notebooks 04 and 06."""

from pathlib import Path

import keras
import numpy as np
import pytest
from saved_models import other_minor_version, read_only, written_by

from lesson_utils import build_rnn_model
from lesson_utils.models.store import (
    SavedModelError,
    check_saved_model,
    find_model,
    load_model,
    model_path,
    save_model,
    saved_model_record,
)


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


def _tiny_model():
    return build_rnn_model(vocab_size=30, embedding_dim=4, lstm_units=3, dense_units=4)


def test_a_saved_model_records_the_keras_that_wrote_it_and_the_course_settings(tmp_path):
    settings = {"vocab_size": 30, "mode": "quick"}
    path = save_model(_tiny_model(), "imdb_lstm", folder=tmp_path, quick=True, settings=settings)
    record = saved_model_record(path)
    assert record == {"keras_version": keras.__version__, "settings": settings}
    check_saved_model(path, settings)


def test_a_model_written_by_another_keras_minor_version_is_not_loaded(tmp_path):
    path = save_model(_tiny_model(), "imdb_lstm", folder=tmp_path, quick=False)
    version = other_minor_version()
    written_by(path, version)
    with pytest.raises(SavedModelError) as caught:
        load_model("imdb_lstm", folder=tmp_path, quick=False)
    assert caught.value.path == path
    running = keras.__version__
    assert caught.value.reason == f"was written by Keras {version}; this is Keras {running}"
    assert "run notebook 04 again" in str(caught.value)


def test_another_patch_release_of_the_same_keras_loads(tmp_path):
    path = save_model(_tiny_model(), "imdb_lstm", folder=tmp_path, quick=False)
    major, minor = keras.__version__.split(".")[:2]
    written_by(path, f"{major}.{minor}.999")
    assert isinstance(load_model("imdb_lstm", folder=tmp_path, quick=False), keras.Model)


def test_a_model_trained_with_another_vocabulary_is_not_loaded(tmp_path):
    save_model(_tiny_model(), "m", folder=tmp_path, quick=False, settings={"vocab_size": 30})
    with pytest.raises(SavedModelError, match="vocab_size=30; the course now uses 10000"):
        load_model("m", folder=tmp_path, quick=False, settings={"vocab_size": 10000})


@pytest.mark.parametrize(
    "error",
    [
        TypeError("GlorotUniform.__init__() got an unexpected keyword argument 'input_axes'"),
        ValueError("<class 'keras.src.layers.rnn.gru.GRU'> could not be deserialized properly."),
    ],
    ids=["TypeError", "ValueError"],
)
def test_any_error_keras_raises_on_load_is_named_with_the_file(tmp_path, monkeypatch, error):
    path = save_model(_tiny_model(), "imdb_gru", folder=tmp_path, quick=False)

    def fails(*args, **kwargs):
        raise error

    monkeypatch.setattr(keras.models, "load_model", fails)
    with pytest.raises(SavedModelError) as caught:
        load_model("imdb_gru", folder=tmp_path, quick=False)
    assert caught.value.path == path
    assert caught.value.reason.startswith(f"is not a model Keras {keras.__version__} can load")
    assert type(error).__name__ in caught.value.reason and str(error) in caught.value.reason


def test_a_corrupt_archive_is_named_before_keras_reads_it(tmp_path):
    path = save_model(_tiny_model(), "imdb_lstm", folder=tmp_path, quick=False)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(SavedModelError, match="is not a model Keras can load"):
        load_model("imdb_lstm", folder=tmp_path, quick=False)


def test_saving_to_a_read_only_folder_says_what_to_do(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    with read_only(folder), pytest.raises(ValueError, match="cannot be written") as caught:
        save_model(_tiny_model(), "imdb_lstm", folder=folder, quick=False)
    assert "RNN_COURSE_MODELS_DIR" in str(caught.value)
    assert list(folder.iterdir()) == []


def test_the_learners_own_model_comes_first_then_the_class_shared_one(tmp_path, monkeypatch):
    own, shared = tmp_path / "own", tmp_path / "shared"
    monkeypatch.setenv("RNN_COURSE_MODELS_DIR", str(own))
    monkeypatch.setenv("RNN_COURSE_SHARED_DIR", str(shared))
    assert find_model("imdb_lstm", quick=False) is None
    in_shared = save_model(_tiny_model(), "imdb_lstm", folder=shared / "models", quick=False)
    assert find_model("imdb_lstm", quick=False) == in_shared
    mine = save_model(_tiny_model(), "imdb_lstm", quick=False)
    assert mine.parent == own and find_model("imdb_lstm", quick=False) == mine
