"""The training panel: Train trains in the background, Stop stops, the table fills."""

import importlib
import time

import numpy as np
import pytest

from lesson_utils.training import pipeline
from lesson_utils.training.fit import evaluate_rnn_model
from lesson_utils.training.pipeline import run_full_workflow
from lesson_utils.widgets.training_panel import training_panel

# The module itself: `lesson_utils.widgets.training_panel` is also the name of the function.
panel_module = importlib.import_module("lesson_utils.widgets.training_panel")


def tiny_panel(source, **settings):
    panel = training_panel(source=source, quick=True)
    values = dict(cell="gru", units=4, embedding_dim=4, epochs=1, max_length=8)
    values.update(settings)
    for name, value in values.items():
        panel.controls[name].value = value
    return panel


def wait_until(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_train_button_trains_and_adds_a_row(fake_imdb):
    panel = tiny_panel(fake_imdb, epochs=2)
    assert panel.runs_table.value.count("<tr>") == 1  # the header only
    panel.train_button.click()
    run = panel.wait(timeout=120)
    assert not panel.is_training()
    assert run["epochs_done"] == 2 and not run["stopped"]
    assert len(panel.history.history["loss"]) == 2
    assert panel.runs_table.value.count("<tr>") == 2
    assert "GRU" in panel.runs_table.value
    assert panel.plot.value[:4] == b"\x89PNG"  # the history plot was drawn
    assert "Epoch 2/2" in panel.epoch_log.value
    assert not panel.train_button.disabled and panel.stop_button.disabled

    panel.controls["bidirectional"].value = True
    panel.controls["cell"].value = "simple_rnn"
    panel.train_button.click()
    panel.wait(timeout=120)
    assert len(panel.runs) == 2 and panel.runs_table.value.count("<tr>") == 3
    assert "bidirectional SimpleRNN" in panel.runs_table.value


def test_stop_button_ends_training_early_and_keeps_the_history(fake_imdb):
    panel = tiny_panel(fake_imdb, epochs=50)
    panel.train_button.click()
    assert panel.stop_button.disabled is False and panel.train_button.disabled is True
    wait_until(lambda: len(panel.epoch_lines) >= 1)
    panel.stop_button.click()
    run = panel.wait(timeout=120)
    assert run["stopped"]
    assert 1 <= run["epochs_done"] < 50
    assert len(panel.history.history["loss"]) == run["epochs_done"]
    assert "(stopped)" in panel.runs_table.value
    assert "stopped by you" in panel.status.value


@pytest.mark.parametrize(
    "name, value, words",
    [
        ("units", 0, "Units must be a whole number from 1 to 512 (you entered 0)"),
        ("epochs", -3, "Epochs must be a whole number from 1 to 50 (you entered -3)"),
        ("max_length", 100_000, "above 2500 a run would take far too long"),
        ("num_layers", 9, "Layers must be a whole number from 1 to 4 (you entered 9)"),
    ],
)
def test_impossible_settings_give_a_message_not_a_traceback(fake_imdb, name, value, words):
    panel = tiny_panel(fake_imdb, **{name: value})
    panel.train_button.click()
    assert not panel.is_training() and panel.runs == []
    assert words in panel.status.value


def test_too_small_a_setting_says_so_and_not_that_it_is_too_large(fake_imdb):
    panel = tiny_panel(fake_imdb, units=0)
    panel.train_button.click()
    assert "a model needs at least 1" in panel.status.value
    assert "far too long" not in panel.status.value


def test_after_a_done_run_impossible_settings_do_not_leave_the_bar_saying_done(fake_imdb):
    panel = tiny_panel(fake_imdb)
    panel.train_button.click()
    panel.wait(timeout=120)
    assert panel.progress.description == "Done" and panel.progress.bar_style == "success"
    panel.controls["units"].value = 0
    panel.train_button.click()
    assert "Units must be" in panel.status.value
    assert (panel.progress.description, panel.progress.bar_style) == ("Not started", "danger"), (
        "the bar must agree with the status: no run started"
    )


def test_the_status_says_how_many_reviews_train_and_how_many_validate(fake_imdb, monkeypatch):
    said = []
    panel = tiny_panel(fake_imdb)
    monkeypatch.setattr(panel, "_say", lambda message, error=False: said.append(message))
    panel.train_button.click()
    panel.wait(timeout=120)
    (training,) = [message for message in said if "training on" in message]
    (x_train, _), _ = pipeline.prepare_imdb_data(panel.vocab_size, 8, source=fake_imdb, quick=True)
    trained_on = int(len(x_train) * 0.8)
    held_out = len(x_train) - trained_on
    assert f"training on {trained_on:,} reviews, validating on the {held_out:,}" in training


def test_the_panel_trains_as_run_full_workflow_does(fake_imdb):
    panel = tiny_panel(fake_imdb, epochs=2)
    panel.train_button.click()
    run = panel.wait(timeout=120)
    _, metrics, model = run_full_workflow(
        panel.vocab_size,
        8,
        4,
        4,
        panel.dense_units,
        epochs=2,
        batch_size=panel.batch_size,
        verbose=0,
        seed=panel.seed,
        cell="gru",
        source=fake_imdb,
        quick=True,
        quick_epochs=None,
    )
    assert run["test_accuracy"] == metrics["accuracy"]
    for in_panel, in_workflow in zip(run["model"].get_weights(), model.get_weights(), strict=True):
        np.testing.assert_allclose(
            in_panel,
            in_workflow,
            rtol=1e-6,
            atol=1e-7,
            err_msg=(
                "the panel and run_full_workflow should train the same model from the same settings"
            ),
        )


def test_the_layers_control_stacks_recurrent_layers_and_the_table_says_so(fake_imdb):
    panel = tiny_panel(fake_imdb, num_layers=2)
    panel.train_button.click()
    run = panel.wait(timeout=120)
    assert [layer.name for layer in run["model"].layers if layer.name.startswith("gru")] == [
        "gru_1",
        "gru_2",
    ]
    header = panel.runs_table.value.split("<tbody>")[0]
    assert "<th" in header and ">layers</th>" in header
    assert "<td" in panel.runs_table.value.split("<tbody>")[1]
    cells = panel.runs_table.value.split("<tbody>")[1].split("</td>")
    assert cells[2].endswith(">2"), "the table's layers column should say 2"


def test_missing_data_is_reported_in_the_panel(tmp_path):
    panel = tiny_panel(tmp_path / "nowhere")
    panel.train_button.click()
    panel.wait(timeout=60)
    assert panel.runs == []
    assert "does not exist" in panel.status.value
    assert not panel.train_button.disabled
    assert panel.progress.description == "Failed", "the bar should say the run failed"


def test_stable_css_classes_for_browser_tests(fake_imdb):
    panel = tiny_panel(fake_imdb)
    assert "lesson-training-panel" in panel._dom_classes
    assert "lesson-train-button" in panel.train_button._dom_classes
    assert "lesson-stop-button" in panel.stop_button._dom_classes
    assert "lesson-runs-table" in panel.runs_table._dom_classes
    assert panel.train_button.description == "Train"


# --- a stop mid-epoch, and what the bar, the status and the plot say ----------------------------


def synthetic_imdb(vocab_size, max_length, **_):
    """Post-padded reviews whose label is whether id 5 appears: 200 for training, 40 for testing."""
    rng = np.random.default_rng(0)

    def reviews(n):
        x = np.zeros((n, max_length), dtype=np.int32)
        for i, length in enumerate(rng.integers(2, max_length + 1, size=n)):
            x[i, :length] = rng.integers(6, 40, size=length)
            x[i, 0] = 1
        y = rng.integers(0, 2, size=n)
        x[y == 1, 1] = 5
        return x, y

    return reviews(200), reviews(40)


class Recorder:
    """Records what the panel shows, from its progress callback and from the test evaluation."""

    def __init__(self, panel, monkeypatch, stop_at=None):
        self.panel, self.states, self.weights_after = panel, [], {}
        progress = panel_module._PanelProgress
        batch_end, epoch_end = progress.on_train_batch_end, progress.on_epoch_end
        evaluate = pipeline.evaluate_rnn_model
        recorder = self

        def on_train_batch_end(callback, batch, logs=None):
            batch_end(callback, batch, logs)
            recorder.record("batch")
            epoch = int(panel.progress.description.split()[1].split("/")[0])
            if stop_at == (epoch, batch + 1):
                panel.stop_button.click()

        def on_epoch_end(callback, epoch, logs=None):
            run = getattr(panel, "run_number", len(panel.runs) + 1)
            recorder.weights_after[(run, epoch + 1)] = callback.model.get_weights()
            epoch_end(callback, epoch, logs)

        def evaluate_and_record(*args, **kwargs):
            recorder.record("testing")
            return evaluate(*args, **kwargs)

        monkeypatch.setattr(progress, "on_train_batch_end", on_train_batch_end)
        monkeypatch.setattr(progress, "on_epoch_end", on_epoch_end)
        monkeypatch.setattr(pipeline, "evaluate_rnn_model", evaluate_and_record)

    def record(self, when):
        p = self.panel
        self.states.append(
            dict(
                when=when,
                run=getattr(p, "run_number", len(p.runs) + 1),
                training=p.is_training(),
                bar=p.progress.description,
                value=p.progress.value,
                full=p.progress.value >= p.progress.max,
                status=p.status.value,
                plot_title=getattr(p, "plot_title", None),
                plot=p.plot.value,
            )
        )


@pytest.fixture
def synthetic_panel(monkeypatch):
    monkeypatch.setattr(pipeline, "prepare_imdb_data", synthetic_imdb)
    panel = panel_module.TrainingPanel(quick=True, batch_size=8)  # 160 reviews: 20 batches
    for name, value in dict(cell="gru", units=4, embedding_dim=4, epochs=3, max_length=12).items():
        panel.controls[name].value = value
    return panel


def test_a_stop_mid_epoch_keeps_only_the_finished_epochs(synthetic_panel, monkeypatch):
    panel = synthetic_panel
    recorder = Recorder(panel, monkeypatch, stop_at=(2, 6))  # 30 % into epoch 2 of 3
    panel.train_button.click()
    run = panel.wait(timeout=120)
    assert run is not None and run["stopped"]
    assert run["epochs_done"] == 1, "only epoch 1 finished"
    assert len(panel.history.history["loss"]) == 1
    assert "<td" in panel.runs_table.value and "1/3 (stopped)" in panel.runs_table.value
    assert "Epoch 1/3" in panel.epoch_log.value and "Epoch 2/3" not in panel.epoch_log.value
    assert "stopped by you during epoch 2: kept the 1 epoch that finished" in panel.status.value
    for kept, after_epoch_1 in zip(run["model"].get_weights(), recorder.weights_after[(1, 1)]):
        np.testing.assert_array_equal(kept, after_epoch_1)
    x_test, y_test = synthetic_imdb(10_000, 12)[1]
    assert run["test_accuracy"] == pytest.approx(
        evaluate_rnn_model(run["model"], x_test, y_test)["accuracy"]
    )
    assert panel.progress.description == "Stopped"


def test_a_stop_during_epoch_1_keeps_nothing_and_says_so(synthetic_panel, monkeypatch):
    panel = synthetic_panel
    Recorder(panel, monkeypatch, stop_at=(1, 3))
    panel.train_button.click()
    assert panel.wait(timeout=120) is None
    assert panel.runs == [] and panel.epoch_lines == []
    assert "before any epoch finished" in panel.status.value
    assert panel.progress.description == "Stopped"


def test_bar_status_and_plot_title_agree_in_every_run(synthetic_panel, monkeypatch):
    panel = synthetic_panel
    recorder = Recorder(panel, monkeypatch)
    assert panel.progress.description == "Idle" and getattr(panel, "plot_title", None) is None
    panel.controls["epochs"].value = 1
    panel.train_button.click()
    panel.wait(timeout=120)
    first_plot = panel.plot.value
    assert str(getattr(panel, "plot_title", None)).startswith("Run 1:")
    panel.controls["epochs"].value = 2
    panel.train_button.click()
    assert panel.progress.description != "Idle", "a run has started: the bar must not say Idle"
    run = panel.wait(timeout=120)
    recorder.record("after")
    assert run["number"] == 2 and panel.plot_title.startswith("Run 2:")

    for state in recorder.states:
        if state["when"] == "after":
            assert not state["training"] and state["bar"] == "Done" and state["full"]
            continue
        assert state["training"] and state["bar"] != "Idle", state
        assert state["status"].startswith(f"Run {state['run']}"), state
        assert state["plot_title"] is None or state["plot_title"].startswith(f"Run {state['run']}:")
        if state["when"] == "testing":
            assert state["bar"] == "Testing" and "test accuracy" in state["status"], state
        else:
            assert state["bar"].startswith("Epoch "), state
    run_2_epoch_1 = [s for s in recorder.states if s["run"] == 2 and s["bar"] == "Epoch 1/2"]
    assert run_2_epoch_1, "run 2 was recorded during its first epoch"
    for state in run_2_epoch_1:
        assert state["plot"] != first_plot, "run 1's plot is still shown while run 2 trains"
        assert state["plot_title"] is None
