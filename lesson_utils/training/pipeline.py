"""The whole IMDB experiment in one call: data, model, training, evaluation.

`run_full_workflow` is the course's one pipeline: the first lesson calls it,
and so do `train_lesson_model`, notebook 05's training panel, the command
line's `train` and the benchmark (`course_tools.bench`).
"""

import time

from lesson_utils.arguments import check_choice
from lesson_utils.data.imdb import prepare_imdb_data
from lesson_utils.models.recurrent import build_rnn_model
from lesson_utils.models.store import SavedModelError, find_model, load_model, save_model
from lesson_utils.quiet_tensorflow import import_tensorflow_quietly
from lesson_utils.settings import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_DENSE_UNITS,
    DEFAULT_EMBEDDING_DIM,
    DEFAULT_EPOCHS,
    DEFAULT_MAX_LENGTH,
    DEFAULT_UNITS,
    DEFAULT_VOCAB_SIZE,
    GATED_CELLS,
    QUICK_EPOCHS,
    course_seed,
    is_quick_mode,
    lesson_sizes,
    quick_mode_note,
    set_global_seed,
)
from lesson_utils.training.fit import (
    evaluate_rnn_model,
    return_freed_memory,
    train_rnn_model,
    training_share,
)

import_tensorflow_quietly()
import keras  # noqa: E402


class _EpochFigures(keras.callbacks.Callback):
    """Records each epoch's wall and CPU seconds, and the test accuracy after it if given `test`."""

    def __init__(self, test=None):
        super().__init__()
        self.test = test
        self.figures = {"epoch_seconds": [], "epoch_cpu_seconds": []}
        if test is not None:
            self.figures["test_accuracy_per_epoch"] = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start, self.cpu_start = time.perf_counter(), time.process_time()

    def on_epoch_end(self, epoch, logs=None):
        self.figures["epoch_seconds"].append(time.perf_counter() - self.start)
        self.figures["epoch_cpu_seconds"].append(time.process_time() - self.cpu_start)
        if self.test is not None:
            self.figures["test_accuracy_per_epoch"].append(
                evaluate_rnn_model(self.model, *self.test)["accuracy"]
            )


def _say_nothing(stage, **info):
    """The default `on_stage`: nobody is told."""


def run_full_workflow(
    vocab_size=DEFAULT_VOCAB_SIZE,
    max_length=DEFAULT_MAX_LENGTH,
    embedding_dim=DEFAULT_EMBEDDING_DIM,
    lstm_units=DEFAULT_UNITS,
    dense_units=DEFAULT_DENSE_UNITS,
    epochs=DEFAULT_EPOCHS,
    batch_size=DEFAULT_BATCH_SIZE,
    validation_split=0.2,
    verbose=1,
    shuffle=True,
    seed=None,
    *,
    cell="lstm",
    bidirectional=False,
    num_layers=1,
    mask_zero=True,
    padding="post",
    truncating="pre",
    dropout=0.2,
    recurrent_dropout=0.0,
    source=None,
    quick=None,
    quick_epochs=QUICK_EPOCHS,
    build=None,
    callbacks=(),
    on_stage=_say_nothing,
    test_every_epoch=False,
):
    """Prepares IMDB, builds, trains and evaluates a model, and prints the test metrics.

    Args:
        vocab_size, max_length, padding, truncating, source, quick: as for
            `prepare_imdb_data`.
        embedding_dim, lstm_units, dense_units, cell, bidirectional,
            num_layers, mask_zero, dropout, recurrent_dropout: as for
            `build_rnn_model`.
        epochs, batch_size, validation_split, verbose, shuffle, seed: as for
            `train_rnn_model`. `seed` also seeds the weights.
        quick_epochs: the most epochs quick mode trains; `None` trains
            `epochs` in quick mode too.
        build: a function `build(reviews)` returning a compiled model to
            train instead of `build_rnn_model`'s (the benchmark's bag of
            words, say), given the prepared reviews it will train on: their
            width is the input length, and word vectors counted from them
            (`count_word_vectors`) know nothing of the held-out reviews.
        callbacks: more Keras callbacks, e.g. a `StopAfterBatch`.
        on_stage: a function told when training starts,
            `on_stage("training", reviews=..., validation_reviews=...,
            max_length=..., model=...)` (the reviews trained on and those held
            out to validate), and
            when testing starts, `on_stage("testing", reviews=...)`.
        test_every_epoch: also measure the test accuracy after every epoch.

    Returns:
        `(history, metrics, model)`: the Keras History of the finished epochs;
        a dict with the test `loss` and `accuracy`, each finished epoch's
        `epoch_seconds` and `epoch_cpu_seconds`, their mean
        `seconds_per_epoch`, and with `test_every_epoch` the
        `test_accuracy_per_epoch` (metrics is `None` when training was stopped
        before its first epoch finished: there is nothing to test); and the
        trained model.
    """
    seed = course_seed(seed)
    quick = is_quick_mode(quick)
    if quick and quick_epochs is not None:
        epochs = min(epochs, quick_epochs)
    set_global_seed(seed)
    (x_train, y_train), (x_test, y_test) = prepare_imdb_data(
        vocab_size, max_length, padding=padding, truncating=truncating, source=source, quick=quick
    )
    trained_on = training_share(len(x_train), validation_split)
    if build is None:
        model = build_rnn_model(
            vocab_size,
            embedding_dim,
            lstm_units,
            dense_units,
            cell=cell,
            bidirectional=bidirectional,
            num_layers=num_layers,
            mask_zero=mask_zero,
            padding=padding,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
        )
    else:
        model = build(x_train[:trained_on])
    on_stage(
        "training",
        reviews=trained_on,
        validation_reviews=len(x_train) - trained_on,
        max_length=x_train.shape[1],
        model=model,
    )
    figures = _EpochFigures((x_test, y_test) if test_every_epoch else None)
    history = train_rnn_model(
        model,
        x_train,
        y_train,
        epochs=epochs,
        batch_size=batch_size,
        validation_split=validation_split,
        verbose=verbose,
        shuffle=shuffle,
        seed=seed,
        callbacks=[figures, *callbacks],
    )
    done = len(history.history.get("loss", []))
    if done == 0:
        if verbose:
            print("No epoch finished: there is nothing to test.")
        return history, None, model
    on_stage("testing", reviews=len(x_test))
    metrics = evaluate_rnn_model(model, x_test, y_test)
    # An epoch cut short by a stop is not kept: only the first `done` epochs finished.
    metrics.update({name: values[:done] for name, values in figures.figures.items()})
    metrics["seconds_per_epoch"] = sum(metrics["epoch_seconds"]) / done
    if verbose:
        print(
            f"Test accuracy {metrics['accuracy']:.3f}, loss {metrics['loss']:.3f} on "
            f"{len(x_test):,} reviews {quick_mode_note(quick)}".rstrip()
        )
    return history, metrics, model


def train_lesson_model(cell="lstm", *, quick=None, verbose=2, source=None, seed=None):
    """Trains the course's model with `cell` at notebook 04's sizes.

    Args:
        cell: `"lstm"` or `"gru"`.
        quick: `True`/`False`, or `None` to read `QUICK_TEST_MODE`.
        verbose: Keras' verbosity.
        source: as for `load_imdb`.
        seed: seeds the weights and the shuffling (default: `course_seed()`).

    Returns:
        `(history, metrics, model)`, as `run_full_workflow` returns them.
    """
    check_choice("cell", cell, GATED_CELLS)
    sizes = lesson_sizes("04", quick)
    return run_full_workflow(
        sizes["vocab_size"],
        sizes["max_length"],
        sizes["embedding_dim"],
        sizes["units"],
        sizes["dense_units"],
        epochs=sizes["epochs"],
        batch_size=sizes["batch_size"],
        verbose=verbose,
        cell=cell,
        source=source,
        quick=quick,
        seed=seed,
    )


def lesson_model_settings(cell="lstm", quick=None):
    """The settings the course's model with `cell` is trained with, as its saved file records them.

    Args:
        cell: `"lstm"` or `"gru"`.
        quick: `True`/`False`, or `None` to read `QUICK_TEST_MODE`.

    Returns:
        A dict: `cell`, `mode` (`"quick"` or `"full"`) and notebook 04's sizes.
    """
    check_choice("cell", cell, GATED_CELLS)
    mode = "quick" if is_quick_mode(quick) else "full"
    return dict(lesson_sizes("04", quick), cell=cell, mode=mode)


def save_lesson_model(model, cell="lstm", *, folder=None, quick=None):
    """Saves the course's model with `cell` for the notebooks after, with its settings.

    Args:
        model: the trained model (`train_lesson_model`).
        cell: `"lstm"` or `"gru"`.
        folder: as for `save_model` (the learner's models folder by default).
        quick: as for `lesson_model_settings`; quick mode's models have files of their own.

    Returns:
        The `Path` written.
    """
    settings = lesson_model_settings(cell, quick)
    return save_model(model, f"imdb_{cell}", folder, quick, settings)


def lesson_model(cell="lstm", *, folder=None, quick=None, source=None):
    """The course's model with `cell`: the saved one, or one trained and saved now.

    Notebook 04 trains and saves the LSTM; notebook 05 uses it; notebook 06 opens the LSTM and a
    GRU. A model not saved yet, or saved by another version of Keras (or with
    other settings), is trained now at the mode's sizes (full sizes in full
    mode, so that what notebook 06 says of a trained model holds) and saved
    to the learner's own folder, so that the next run loads it.

    Args:
        cell: `"lstm"` or `"gru"`.
        folder: where the models are (see `lesson_utils.models.store`).
        quick: as for `train_lesson_model`; quick mode has models of its own.
        source: as for `load_imdb`.

    Returns:
        `(model, note)`: the model and one sentence saying where it came from.
    """
    check_choice("cell", cell, GATED_CELLS)
    name = cell.upper()
    try:
        model = load_model(f"imdb_{cell}", folder, quick, lesson_model_settings(cell, quick))
    except SavedModelError as err:
        model, unusable = None, err
    else:
        unusable = None
    if model is not None:
        path = find_model(f"imdb_{cell}", folder, quick)
        return model, f"Loaded the course's {name}, trained earlier ({path})."
    history, metrics, model = train_lesson_model(cell, quick=quick, verbose=2, source=source)
    if metrics is None:
        return model, (
            f"Training was stopped before its first epoch finished: this "
            f"{name} is untrained and was not saved."
        )
    path = save_lesson_model(model, cell, folder=folder, quick=quick)
    epochs = len(history.history["loss"])
    # The notebook goes on with the model as saved, as its next run will: the trained one, its
    # optimizer's state and its training functions are let go (`history` holds it too), and the
    # memory they and the reviews took goes back to the system, which a class's hub counts.
    del history, model
    return_freed_memory()
    model = load_model(f"imdb_{cell}", folder, quick, lesson_model_settings(cell, quick))
    why = (
        f"The saved {name} ({unusable.path}) {unusable.reason}, so"
        if unusable
        else f"No saved {name} yet:"
    )
    return model, (
        f"{why} trained the course's {name} now ({epochs} epoch(s), "
        f"test accuracy {metrics['accuracy']:.3f}) and saved it to {path}."
    )
