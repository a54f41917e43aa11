"""The training panel of notebook 05: pick a recurrent model, train it, stop it, compare runs.

A Jupyter kernel that is busy inside `fit` handles no widget events, so a Stop
button would never be heard. The panel therefore trains in a background
thread: the kernel stays free, the Stop button asks Keras to stop after the
current batch (`StopAfterBatch`). An epoch cut short by Stop is not kept: the
history, the log, the plot and the table count finished epochs only, and the
test accuracy is measured with the weights of the finished epoch with the
lowest validation loss. `panel.wait()` blocks until a run ends, for notebooks
and tests that need the result.

The progress bar's label, the status line and the plot's title always say the
same thing: `Idle` before the first run, then `Loading`, `Epoch k/N`,
`Validating`, `Testing`, and at the end `Done`, `Stopped` or `Failed`; a
press of Train with impossible settings starts no run and says `Not started`.

Stable CSS classes, for browser tests and custom styling:
`lesson-training-panel` (the whole panel), `lesson-train-button`,
`lesson-stop-button`, `lesson-runs-table` (the runs table) and
`lesson-training-status` (messages).
"""

import html
import threading
import time

import ipywidgets as widgets

from lesson_utils.arguments import check_int_in_range
from lesson_utils.data.imdb import ImdbDataError
from lesson_utils.figures.style import PALETTE, figure_png
from lesson_utils.figures.training import plot_history
from lesson_utils.quiet_tensorflow import import_tensorflow_quietly
from lesson_utils.settings import CELLS, DEFAULT_BATCH_SIZE, course_seed, lesson_sizes
from lesson_utils.training.fit import StopAfterBatch
from lesson_utils.training.pipeline import run_full_workflow

import_tensorflow_quietly()
import keras  # noqa: E402

# The largest values the panel accepts: beyond them a run takes hours on a laptop.
LIMITS = {"num_layers": 4, "units": 512, "epochs": 50, "embedding_dim": 512, "max_length": 2_500}
LABELS = {
    "num_layers": "Layers",
    "units": "Units",
    "epochs": "Epochs",
    "embedding_dim": "Embedding size",
    "max_length": "Max length",
}
# The progress bar's label and colour when a run fails, and when the settings start no run.
FAILED = ("Failed", "danger")
NOT_STARTED = ("Not started", "danger")
TABLE_COLUMNS = (
    "#",
    "cell",
    "layers",
    "units",
    "embedding",
    "max length",
    "epochs",
    "test accuracy",
    "seconds",
    "seconds / epoch",
)


class _PanelProgress(keras.callbacks.Callback):
    """Moves the panel's progress bar after each batch; redraws its plot after each full epoch."""

    def __init__(self, panel, epochs):
        super().__init__()
        self.panel, self.epochs = panel, epochs
        self.logs, self.epoch_start, self.batches = {}, 0.0, 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch_start, self.batches = time.perf_counter(), 0
        bar = self.panel.progress
        bar.value, bar.max = 0, max(self.params.get("steps") or 1, 1)
        bar.description = f"Epoch {epoch + 1}/{self.epochs}"
        self.panel._say(
            f"Run {self.panel.run_number}: training epoch {epoch + 1} of {self.epochs}..."
        )

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1
        self.panel.progress.value = self.batches

    def on_test_begin(self, logs=None):
        self.panel.progress.description = "Validating"

    def on_epoch_end(self, epoch, logs=None):
        if self.batches < (self.params.get("steps") or 0):  # Cut short by Stop: not kept.
            return
        logs = logs or {}
        seconds = time.perf_counter() - self.epoch_start
        for key, value in logs.items():
            self.logs.setdefault(key, []).append(float(value))
        figures = " - ".join(
            f"{key} {float(value):.4f}"
            for key, value in logs.items()
            if key in ("loss", "accuracy", "val_loss", "val_accuracy")
        )
        self.panel.epoch_lines.append(
            f"Epoch {epoch + 1}/{self.epochs}: {seconds:.1f} s - {figures}"
        )
        log = html.escape("\n".join(self.panel.epoch_lines))
        self.panel.epoch_log.value = f"<pre>{log}</pre>"
        self.panel._draw(self.logs)


class TrainingPanel(widgets.VBox):
    """Controls, Train and Stop buttons, live progress and plot, and a table of every run.

    Build it with `training_panel()`. Attributes for tests and curious
    learners: `controls` (dict of the setting widgets, keyed like
    `build_rnn_model`'s arguments: `cell`, `bidirectional`, `num_layers`,
    `units`, `embedding_dim`, plus `epochs` and `max_length`), `train_button`,
    `stop_button`, `progress`, `status`, `epoch_log`, `plot`, `plot_title`
    (the title of the plot shown, `None` while there is none), `runs_table`,
    `runs` (a list of dicts, one per run that finished at least one epoch),
    `run_number` (of the latest run started) and `history` (the latest run's
    Keras History, finished epochs only).
    """

    def __init__(self, *, source=None, quick=None, seed=None, batch_size=DEFAULT_BATCH_SIZE):
        seed = course_seed(seed)
        sizes = lesson_sizes("04", quick)
        self.source, self.quick, self.seed, self.batch_size = source, quick, seed, batch_size
        self.vocab_size, self.dense_units = sizes["vocab_size"], sizes["dense_units"]
        # Two rows, within a notebook's width at 1280 px (wider ones were cut off).
        small = widgets.Layout(width="16em")
        style = {"description_width": "8em"}
        self.controls = {
            "cell": widgets.Dropdown(
                options=[(label, cell) for cell, label in CELLS.items()],
                value="lstm",
                description="Cell",
                layout=widgets.Layout(width="18em"),
                style=style,
            ),
            "bidirectional": widgets.Checkbox(
                value=False,
                description="Bidirectional",
                indent=False,
                layout=widgets.Layout(width="9em"),
            ),
            "num_layers": widgets.IntText(
                value=1,
                description="Layers",
                layout=widgets.Layout(width="10em"),
                style={"description_width": "4em"},
            ),
            "units": widgets.IntText(
                value=sizes["units"], description="Units", layout=small, style=style
            ),
            "embedding_dim": widgets.IntText(
                value=sizes["embedding_dim"],
                description="Embedding size",
                layout=small,
                style=style,
            ),
            "epochs": widgets.IntText(
                value=sizes["epochs"], description="Epochs", layout=small, style=style
            ),
            "max_length": widgets.IntText(
                value=sizes["max_length"], description="Max length", layout=small, style=style
            ),
        }
        self.train_button = widgets.Button(
            description="Train",
            button_style="primary",
            icon="play",
            tooltip="Train a model with these settings",
        )
        self.stop_button = widgets.Button(
            description="Stop",
            button_style="warning",
            icon="stop",
            disabled=True,
            tooltip="Stop after the current batch",
        )
        self.train_button.add_class("lesson-train-button")
        self.stop_button.add_class("lesson-stop-button")
        self.progress = widgets.IntProgress(
            value=0, min=0, max=1, description="Idle", layout=widgets.Layout(width="24em")
        )
        self.status = widgets.HTML("Choose the settings and press <b>Train</b>.")
        self.status.add_class("lesson-training-status")
        self.epoch_log = widgets.HTML()
        self.plot = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.runs_table = widgets.HTML()
        self.runs_table.add_class("lesson-runs-table")
        self.runs, self.history, self.epoch_lines = [], None, []
        self.run_number, self.plot_title = 0, None
        self._thread, self._stopper, self._result, self._stages = None, None, None, {}
        c = self.controls
        super().__init__(
            [
                widgets.HBox([c["cell"], c["bidirectional"], c["num_layers"], c["units"]]),
                widgets.HBox(
                    [
                        c["embedding_dim"],
                        c["epochs"],
                        c["max_length"],
                        self.train_button,
                        self.stop_button,
                    ]
                ),
                self.progress,
                self.status,
                self.epoch_log,
                self.plot,
                self.runs_table,
            ],
            layout=widgets.Layout(max_width="100%"),
        )
        self.add_class("lesson-training-panel")
        self.train_button.on_click(lambda _: self.train())
        self.stop_button.on_click(lambda _: self.stop())
        self._render_table()

    # --- what the buttons do -------------------------------------------------

    def settings(self):
        """The current settings, checked.

        Returns:
            A dict with `cell`, `bidirectional`, `num_layers`, `units`,
            `embedding_dim`, `epochs` and `max_length`.

        Raises:
            ValueError: with a message for the learner when a setting is
                impossible (not a whole number from 1 to its `LIMITS`), saying
                why the range stops where the value left it.
        """
        values = {name: control.value for name, control in self.controls.items()}
        for name, limit in LIMITS.items():
            try:
                check_int_in_range(name, values[name], 1, limit)
            except ValueError:  # The check names `units`; the learner sees the label "Units".
                value = values[name]
                why = (
                    f"above {limit} a run would take far too long here"
                    if isinstance(value, int) and value > limit
                    else "a model needs at least 1"
                )
                raise ValueError(
                    f"{LABELS[name]} must be a whole number from 1 to {limit} (you "
                    f"entered {value!r}): {why}."
                ) from None
        return values

    def train(self):
        """Starts a run with the current settings in a background thread (the Train button).

        Returns:
            `True` if a run started, `False` if the settings were impossible
            or a run is already going (the status line says which).
        """
        if self.is_training():
            self._say("A run is already going: wait for it, or press <b>Stop</b>.", error=True)
            return False
        try:
            settings = self.settings()
        except ValueError as err:
            self._finish(NOT_STARTED, html.escape(str(err)), error=True)
            return False
        self._stopper, self._result, self._stages = StopAfterBatch(), None, {}
        self.run_number += 1
        self._set_busy(True)
        self.epoch_lines, self.history = [], None
        self.epoch_log.value = ""
        self._draw(None)
        self._show_bar("Loading", "info", value=0)
        self._say(
            f"Run {self.run_number}: loading the reviews (max length {settings['max_length']})..."
        )
        self._thread = threading.Thread(target=self._run, args=(settings,), daemon=True)
        self._thread.start()
        return True

    def stop(self):
        """Asks the current run to stop after its current batch (the Stop button)."""
        if self._stopper is not None and self.is_training():
            self._stopper.request()
            self._say(
                f"Run {self.run_number}: stopping after the current batch; the finished "
                "epochs are kept, an unfinished one is dropped..."
            )

    def is_training(self):
        """Tells whether a run is going."""
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout=None):
        """Blocks until the current run (if any) has finished.

        Args:
            timeout: seconds to wait at most; `None` waits as long as it takes.

        Returns:
            The run's dict (see `runs`), or `None` if it kept nothing (it
            failed, or was stopped before its first epoch finished).
        """
        if self._thread is not None:
            self._thread.join(timeout)
        return self._result

    # --- the run itself, in the background thread ------------------------------

    def _run(self, settings):
        number = self.run_number
        try:
            history, metrics, model = run_full_workflow(
                self.vocab_size,
                settings["max_length"],
                settings["embedding_dim"],
                settings["units"],
                self.dense_units,
                epochs=settings["epochs"],
                batch_size=self.batch_size,
                verbose=0,
                seed=self.seed,
                cell=settings["cell"],
                bidirectional=settings["bidirectional"],
                num_layers=settings["num_layers"],
                source=self.source,
                quick=self.quick,
                quick_epochs=None,
                on_stage=self._show_stage,
                callbacks=[_PanelProgress(self, settings["epochs"]), self._stopper],
            )
            self.history = history
            done = len(history.history.get("loss", []))
            stopped = self._stopper.requested and done < settings["epochs"]
            outcome = ("Stopped", "warning") if stopped else ("Done", "success")
            if metrics is None:
                self._finish(
                    outcome,
                    f"Run {number} stopped during epoch 1, before any epoch "
                    "finished: there is nothing to keep.",
                )
                return
            seconds, accuracy = sum(metrics["epoch_seconds"]), metrics["accuracy"]
            run = dict(
                settings,
                number=number,
                max_length=self._stages["training"]["max_length"],
                epochs_done=done,
                stopped=stopped,
                test_accuracy=accuracy,
                seconds=seconds,
                seconds_per_epoch=metrics["seconds_per_epoch"],
                model=model,
            )
            self.runs.append(run)
            self._result = run
            self._render_table()
            epochs = f"{done} epoch{'s' if done != 1 else ''}"
            how = (
                f"stopped by you during epoch {done + 1}: kept the {epochs} that finished"
                if stopped
                else epochs
            )
            test_reviews = self._stages["testing"]["reviews"]
            self._finish(
                outcome,
                f"Run {number} done ({how}, {seconds:.0f} s): test accuracy "
                f"<b>{accuracy:.3f}</b> on {test_reviews:,} reviews.",
            )
        except (ImdbDataError, ValueError) as err:
            self._finish(FAILED, html.escape(str(err)).replace("\n", "<br>"), error=True)
        except Exception as err:  # A thread's traceback would be lost: show what went wrong.
            self._finish(
                FAILED,
                f"Training failed: {html.escape(type(err).__name__)}: {html.escape(str(err))}",
                error=True,
            )
        finally:
            self._set_busy(False)

    def _show_stage(self, stage, **info):
        """Says which stage the run is in (`run_full_workflow`'s `on_stage`) and keeps its sizes."""
        self._stages[stage] = info
        if stage == "training":
            self._say(
                f"Run {self.run_number}: training on {info['reviews']:,} reviews, "
                f"validating on the {info['validation_reviews']:,} held out "
                f"({info['model'].count_params():,} parameters)..."
            )
        elif stage == "testing":
            self._show_bar("Testing", "info", value=self.progress.max)
            self._say(
                f"Run {self.run_number}: measuring the test accuracy on "
                f"{info['reviews']:,} reviews..."
            )

    # --- display ------------------------------------------------------------------

    def _say(self, message, error=False):
        if error:
            message = f'<span style="color:{PALETTE["vermillion"]}">&#9888; {message}</span>'
        self.status.value = message

    def _finish(self, outcome, message, error=False):
        """Shows how a run ended: the bar's label and colour (`outcome`), then the status."""
        self._show_bar(*outcome)
        self._say(message, error=error)

    def _show_bar(self, description, style="", value=None):
        """Sets the progress bar's label (and value and colour): it must agree with the status."""
        self.progress.description = description
        if value is not None:
            self.progress.value = value
        self.progress.bar_style = style

    def _draw(self, logs):
        """Draws the finished epochs' curves, or clears the plot when `logs` is `None`."""
        if logs is None:
            self.plot_title, self.plot.value = None, b""
            return
        self.plot_title = f"Run {self.run_number}: loss and accuracy per finished epoch"
        self.plot.value = figure_png(plot_history(logs, title=self.plot_title))

    def _set_busy(self, busy):
        self.train_button.disabled = busy
        self.stop_button.disabled = not busy
        for control in self.controls.values():
            control.disabled = busy

    def _render_table(self):
        cell_style = 'style="padding:2px 10px;text-align:right"'
        header = "".join(f"<th {cell_style}>{name}</th>" for name in TABLE_COLUMNS)
        rows = []
        for run in self.runs:
            cell = CELLS[run["cell"]]
            if run["bidirectional"]:
                cell = "bidirectional " + cell
            epochs = f"{run['epochs_done']}/{run['epochs']}"
            if run["stopped"]:
                epochs += " (stopped)"
            cells = (
                run["number"],
                cell,
                run["num_layers"],
                run["units"],
                run["embedding_dim"],
                run["max_length"],
                epochs,
                f"{run['test_accuracy']:.3f}",
                f"{run['seconds']:.1f}",
                f"{run['seconds_per_epoch']:.1f}",
            )
            rows.append("<tr>" + "".join(f"<td {cell_style}>{c}</td>" for c in cells) + "</tr>")
        empty = "" if self.runs else "<p><i>No runs yet: each run adds a row here.</i></p>"
        self.runs_table.value = (
            f'<table class="lesson-runs-table"><thead><tr>{header}</tr>'
            f"</thead><tbody>{''.join(rows)}</tbody></table>{empty}"
        )


def training_panel(*, source=None, quick=None, seed=None):
    """Builds notebook 05's training panel.

    Args:
        source: where the reviews come from, as for `load_imdb`.
        quick: `True`/`False`, or `None` to read `QUICK_TEST_MODE` (quick mode
            trains on the small subsample, at most 100 ids per review).
        seed: seeds the weights and the shuffling of every run, so that the
            same settings give the same result.

    Returns:
        A `TrainingPanel` (an `ipywidgets.VBox`).
    """
    return TrainingPanel(source=source, quick=quick, seed=seed)
