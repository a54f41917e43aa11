"""The first lesson's API still works, and the command line runs the workflow."""

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

import lesson_utils
import lesson_utils.data.imdb as data
from course_tools.cli import main
from lesson_utils.figures.training import plot_history
from lesson_utils.models.bag_of_words import build_bag_of_words_model
from lesson_utils.scratch.cells import lstm_param_count
from lesson_utils.training.fit import predict_proba, training_share


def fake_load_imdb(*, vocab_size=10_000, source=None):
    """A handful of synthetic reviews in Keras' format, as the first lesson's test used."""
    rng = np.random.default_rng(0)

    def split(n):
        x = np.empty(n, dtype=object)
        x[:] = [
            [1] + rng.integers(3, vocab_size, size=rng.integers(3, 30)).tolist() for _ in range(n)
        ]
        return x, rng.integers(0, 2, size=n)

    return split(40), split(20)


@pytest.fixture
def stubbed_imdb(monkeypatch):
    """`fake_load_imdb` as the data, wherever `IMDB_DATA_DIR` points (CI points it at IMDB)."""
    monkeypatch.delenv("IMDB_DATA_DIR", raising=False)
    monkeypatch.setattr(data, "load_imdb", fake_load_imdb)


def test_old_lesson_api_runs_end_to_end_on_stubbed_data(stubbed_imdb, monkeypatch):
    history, metrics, model = lesson_utils.run_full_workflow(
        vocab_size=100,
        max_length=20,
        embedding_dim=4,
        lstm_units=4,
        dense_units=4,
        epochs=1,
        batch_size=8,
        validation_split=0.25,
        verbose=0,
        shuffle=True,
        seed=lesson_utils.DEFAULT_SEED,
        quick=False,
    )
    assert len(history.history["loss"]) == 1
    # The test metrics are those of the model's own predictions on the test reviews.
    _, (x_test, y_test) = lesson_utils.prepare_imdb_data(vocab_size=100, max_length=20, quick=False)
    p = np.clip(predict_proba(model, x_test), 1e-7, 1 - 1e-7)
    assert metrics["accuracy"] == pytest.approx(np.mean((p > 0.5) == y_test))
    cross_entropy = -np.mean(y_test * np.log(p) + (1 - y_test) * np.log(1 - p))
    assert metrics["loss"] == pytest.approx(cross_entropy, rel=1e-4)
    # Embedding, LSTM, hidden Dense and the output unit, at the sizes asked.
    assert model.count_params() == 100 * 4 + lstm_param_count(4, 4) + (4 * 4 + 4) + (4 + 1)


def test_old_lesson_functions_keep_their_names_and_keywords(stubbed_imdb, monkeypatch):
    assert lesson_utils.DEFAULT_SEED == 42
    assert lesson_utils.set_global_seed(7) == 7
    (x_train, y_train), (x_test, y_test) = lesson_utils.prepare_imdb_data(
        vocab_size=100, max_length=10, quick=False
    )
    model = lesson_utils.build_rnn_model(
        vocab_size=100, embedding_dim=4, lstm_units=3, dense_units=2
    )
    history = lesson_utils.train_rnn_model(
        model,
        x_train,
        y_train,
        epochs=1,
        batch_size=8,
        validation_split=0.2,
        verbose=0,
        shuffle=False,
    )
    metrics = lesson_utils.evaluate_rnn_model(model, x_test, y_test)
    assert set(metrics) == {"loss", "accuracy"} and len(history.history["loss"]) == 1


def test_same_seed_same_run(stubbed_imdb, monkeypatch):
    kwargs = dict(
        vocab_size=100,
        max_length=20,
        embedding_dim=4,
        lstm_units=4,
        dense_units=4,
        epochs=1,
        batch_size=8,
        verbose=0,
        quick=False,
    )
    first = lesson_utils.run_full_workflow(**kwargs)[1]["loss"]
    second = lesson_utils.run_full_workflow(**kwargs)[1]["loss"]
    assert first == pytest.approx(second, abs=1e-6)


def test_quick_mode_caps_epochs_and_says_so(stubbed_imdb, monkeypatch, capsys):
    history, _, _ = lesson_utils.run_full_workflow(
        vocab_size=100,
        embedding_dim=4,
        lstm_units=4,
        dense_units=4,
        epochs=4,
        batch_size=8,
        verbose=2,
        quick=True,
    )
    assert len(history.history["loss"]) == 1
    assert "quick mode" in capsys.readouterr().out


def test_the_workflow_says_its_stages_and_times_each_epoch(stubbed_imdb, monkeypatch):
    stages = []
    _, metrics, model = lesson_utils.run_full_workflow(
        vocab_size=100,
        max_length=20,
        embedding_dim=4,
        lstm_units=4,
        dense_units=4,
        epochs=2,
        batch_size=8,
        verbose=0,
        quick=False,
        test_every_epoch=True,
        on_stage=lambda stage, **info: stages.append((stage, info)),
    )
    assert stages == [
        ("training", dict(reviews=32, validation_reviews=8, max_length=20, model=model)),
        ("testing", dict(reviews=20)),
    ]
    assert len(metrics["epoch_seconds"]) == len(metrics["epoch_cpu_seconds"]) == 2
    assert metrics["seconds_per_epoch"] == pytest.approx(sum(metrics["epoch_seconds"]) / 2)
    accuracies = metrics["test_accuracy_per_epoch"]
    assert len(accuracies) == 2
    # The weights kept are those of an epoch the accuracies were measured after.
    assert metrics["accuracy"] in accuracies


def test_a_run_stopped_in_its_first_epoch_has_nothing_to_test(stubbed_imdb, monkeypatch, capsys):

    class StopAfterOneBatch(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            self.model.stop_training = True

    stages = []
    history, metrics, model = lesson_utils.run_full_workflow(
        vocab_size=100,
        max_length=20,
        embedding_dim=4,
        lstm_units=4,
        dense_units=4,
        epochs=3,
        batch_size=8,
        verbose=1,
        quick=False,
        callbacks=[StopAfterOneBatch()],
        on_stage=lambda stage, **info: stages.append(stage),
    )
    assert metrics is None and history.history["loss"] == []
    assert stages == ["training"], "a run with no finished epoch is not tested"
    assert "nothing to test" in capsys.readouterr().out


def test_the_workflow_trains_a_model_another_function_builds(stubbed_imdb, monkeypatch):
    given, built = [], []

    def build(reviews):
        given.append(reviews)
        built.append(build_bag_of_words_model(vocab_size=100))
        built.append([w.copy() for w in built[0].get_weights()])
        return built[0]

    _, metrics, model = lesson_utils.run_full_workflow(
        vocab_size=100, max_length=20, epochs=1, batch_size=8, verbose=0, quick=False, build=build
    )
    # The builder is given the prepared reviews the model trains on, not those held out.
    (x_train, _), (x_test, y_test) = lesson_utils.prepare_imdb_data(
        vocab_size=100, max_length=20, quick=False
    )
    trained_on = training_share(len(x_train), 0.2)  # run_full_workflow's validation_split
    assert 0 < trained_on < len(x_train)
    assert len(given) == 1 and np.array_equal(given[0], x_train[:trained_on])
    assert model is built[0]
    # It was trained (its weights moved) and tested.
    assert any(not np.array_equal(w, w0) for w, w0 in zip(model.get_weights(), built[1]))
    assert metrics["accuracy"] == pytest.approx(
        np.mean((predict_proba(model, x_test) > 0.5) == y_test)
    )


def test_command_line_data_says_where_and_how_many(fake_imdb, capsys):
    assert main(["data", "--source", str(fake_imdb)]) == 0
    out = capsys.readouterr().out
    assert "local copy" in out and "6 for training" in out and "4 for testing" in out


def test_command_line_train_prints_metrics_and_saves_the_plot(fake_imdb, tmp_path, capsys):
    plot = tmp_path / "history.png"
    assert (
        main(
            [
                "train",
                "--quick",
                "--units",
                "4",
                "--max-length",
                "8",
                "--source",
                str(fake_imdb),
                "--plot",
                str(plot),
            ]
        )
        == 0
    )
    assert "Test accuracy" in capsys.readouterr().out
    # A PNG of the history figure: read back, it has the size `plot_history` draws.
    reference = tmp_path / "reference.png"
    plot_history({"loss": [0.7], "accuracy": [0.5]}).savefig(reference)
    assert plt.imread(plot).shape == plt.imread(reference).shape


def test_command_line_train_saves_the_model_for_notebook_06(fake_imdb, tmp_path, capsys):
    from lesson_utils.models.store import load_model

    assert (
        main(
            [
                "train",
                "--quick",
                "--cell",
                "gru",
                "--units",
                "4",
                "--max-length",
                "8",
                "--source",
                str(fake_imdb),
                "--save",
                "--models-dir",
                str(tmp_path),
            ]
        )
        == 0
    )
    assert "Model saved to" in capsys.readouterr().out
    assert load_model("imdb_gru", tmp_path, quick=True).get_layer("gru").units == 4


def test_command_line_saves_a_bidirectional_model_apart_from_notebook_05s(
    fake_imdb, tmp_path, capsys
):
    from lesson_utils.models.store import model_path

    assert (
        main(
            [
                "train",
                "--quick",
                "--bidirectional",
                "--units",
                "4",
                "--max-length",
                "8",
                "--source",
                str(fake_imdb),
                "--save",
                "--models-dir",
                str(tmp_path),
            ]
        )
        == 0
    )
    assert "one-way models only" in capsys.readouterr().out
    assert model_path("imdb_bidirectional_lstm", tmp_path, quick=True).is_file()
    assert not model_path("imdb_lstm", tmp_path, quick=True).exists()


def test_command_line_reports_bad_data_plainly(tmp_path, capsys):
    assert main(["data", "--source", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "IMDB_DATA_DIR" in err and "Traceback" not in err


@pytest.mark.parametrize("value", ["0", "-2", "two"])
def test_command_line_rejects_a_number_that_is_not_positive(value, capsys):
    with pytest.raises(SystemExit):
        main(["train", "--epochs", value])
    err = capsys.readouterr().err
    assert "argument --epochs: Argument `--epochs` must be a positive integer" in err
    assert "Received: --epochs=" in err
