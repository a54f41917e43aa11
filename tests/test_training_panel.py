"""The training panel: Train trains in the background, Stop stops, the table fills."""

import time

import pytest

from lesson_utils.training_panel import training_panel


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
    assert 0.0 <= run["test_accuracy"] <= 1.0
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


@pytest.mark.parametrize("name, value, words", [
    ("units", 0, "Units must be a whole number of at least 1"),
    ("epochs", -3, "Epochs must be a whole number"),
    ("max_length", 100_000, "use at most 2500"),
])
def test_impossible_settings_give_a_message_not_a_traceback(fake_imdb, name, value, words):
    panel = tiny_panel(fake_imdb, **{name: value})
    panel.train_button.click()
    assert not panel.is_training() and panel.runs == []
    assert words in panel.status.value


def test_missing_data_is_reported_in_the_panel(tmp_path):
    panel = tiny_panel(tmp_path / "nowhere")
    panel.train_button.click()
    panel.wait(timeout=60)
    assert panel.runs == []
    assert "does not exist" in panel.status.value
    assert not panel.train_button.disabled


def test_stable_css_classes_for_browser_tests(fake_imdb):
    panel = tiny_panel(fake_imdb)
    assert "lesson-training-panel" in panel._dom_classes
    assert "lesson-train-button" in panel.train_button._dom_classes
    assert "lesson-stop-button" in panel.stop_button._dom_classes
    assert "lesson-runs-table" in panel.runs_table._dom_classes
    assert panel.train_button.description == "Train"
