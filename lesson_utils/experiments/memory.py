"""Notebooks 01 to 03: recurrent networks trained to recall a marked bit after `lag` steps.

Each sequence is silent (zeros) until one *marked* step carries a bit, +1 or
-1, flagged by a 1 in the second feature. Then come random +1/-1 distractors,
`lag` of them, and at the end the network must say which bit was marked
(`lesson_utils.data.memory_task`). The task is easy to state, easy to score
(chance is 50 %), and its difficulty is one number, the lag: how many steps
the network must carry the bit.

Notebook 01 trains a `SimpleRNN` on it, notebook 02 an LSTM and a GRU too,
and notebook 03 compares the gated cells at long lags; all through
`memory_comparison` (or `accuracy_by_lag`, its one-cell form), which shows a
progress bar while it trains.
"""

import numpy as np

from lesson_utils.arguments import check_choice, check_positive_int
from lesson_utils.data.memory_task import make_memory_task
from lesson_utils.models.memory import build_memory_model
from lesson_utils.progress import track
from lesson_utils.quiet_tensorflow import import_tensorflow_quietly
from lesson_utils.settings import (
    CELL_TYPES,
    CELLS,
    course_seed,
    lesson_sizes,
    set_global_seed,
)

import_tensorflow_quietly()
import keras  # noqa: E402


def memory_accuracy(model, inputs, targets):
    """Fraction of sequences whose marked bit the model recalls (probability > 0.5 means +1)."""
    predictions = np.asarray(model(inputs, training=False))[:, 0] > 0.5
    return float(np.mean(predictions == (targets > 0.5)))


class _EpochProgress(keras.callbacks.Callback):
    """Moves a `track` progress bar on at the start of every epoch of `fit`.

    Args:
        epochs: how many epochs `fit` runs.
        what: what is being trained, shown beside the bar.
    """

    def __init__(self, epochs, what):
        super().__init__()
        self.bar = track(
            range(1, epochs + 1), what, unit="epochs", label=lambda epoch: f"epoch {epoch}"
        )

    def on_epoch_begin(self, epoch, logs=None):
        next(self.bar)

    def on_train_end(self, logs=None):
        next(self.bar, None)  # past the last epoch: the bar fills and says how long it took


def train_memory_model(cell, lag, *, quick=None, seed=None, progress=False):
    """Trains a memory model at one lag and tests it on fresh sequences.

    Training sequences mix every lag from 1 to `lag` (easy cases first
    teach the network what the marker means); the test sequences all have
    exactly `lag`.

    Args:
        cell: `"simple_rnn"`, `"lstm"` or `"gru"`.
        lag: the lag to learn and to test.
        quick: `True`/`False`, or `None` to read `QUICK_TEST_MODE`.
        seed: seeds the weights and the data.
        progress: if `True`, shows a progress bar of the epochs in a notebook.

    Returns:
        `(model, accuracy)`: the trained model and its test accuracy.
    """
    seed = course_seed(seed)
    check_choice("cell", cell, CELL_TYPES)
    lag = check_positive_int("lag", lag)
    settings = lesson_sizes("01", quick)
    set_global_seed(seed)
    inputs, targets = make_memory_task(lag, settings["train_samples"], shortest_lag=1, seed=seed)
    model = build_memory_model(
        cell, units=settings["units"], learning_rate=settings["learning_rate"]
    )
    what = f"training a {CELLS[cell]} at lag {lag}"
    callbacks = [_EpochProgress(settings["epochs"], what)] if progress else []
    model.fit(
        inputs,
        targets,
        epochs=settings["epochs"],
        batch_size=settings["batch_size"],
        verbose=0,
        callbacks=callbacks,
    )
    test_inputs, test_targets = make_memory_task(lag, settings["test_samples"], seed=seed + 1)
    return model, memory_accuracy(model, test_inputs, test_targets)


def marked_bit_dependence(model, lag, *, quick=None, seed=None):
    """How a memory model's answers depend on the marked bit, measured on twin sequences.

    Each fresh test sequence gets a twin, the same sequence with its marked
    bit (and so its target) flipped. A model that ignores the marked bit
    gives both twins the same answer, right for exactly one of them; only
    answers that change with the bit move the score away from 50 %: up when
    they follow the bit, down when they go against it. Over the pairs,
    `accuracy on the pairs = 0.5 + (follows - against) / 2`.

    Args:
        model: a trained memory model (`train_memory_model`).
        lag: the lag of the test sequences.
        quick: `True`/`False`, or `None` to read `QUICK_TEST_MODE`: how many
            test sequences (`lesson_sizes("01")["test_samples"]`).
        seed: the seed the model was trained with: the test sequences are
            those `train_memory_model` tested it on.

    Returns:
        A dict of shares of the sequences: `accuracy` (on the sequences
        alone, as `train_memory_model` measures it), `pair_accuracy` (on the
        sequences and their twins), `follows` (the answer changes with the
        bit and is right for both twins), `against` (it changes and is wrong
        for both) and `ignores` (it does not change).
    """
    seed = course_seed(seed)
    lag = check_positive_int("lag", lag)
    n_samples = lesson_sizes("01", quick)["test_samples"]
    inputs, targets = make_memory_task(lag, n_samples, seed=seed + 1)
    twins = inputs.copy()
    twins[:, 0, 0] *= -1  # every test sequence has exactly `lag`: its marked step is the first
    answers = np.asarray(model(inputs, training=False))[:, 0] > 0.5
    twin_answers = np.asarray(model(twins, training=False))[:, 0] > 0.5
    right, twin_right = answers == (targets > 0.5), twin_answers == (targets < 0.5)
    changed = answers != twin_answers
    return {
        "accuracy": float(np.mean(right)),
        "pair_accuracy": float(np.mean(np.concatenate([right, twin_right]))),
        "follows": float(np.mean(changed & right)),
        "against": float(np.mean(changed & ~right)),
        "ignores": float(np.mean(~changed)),
    }


def accuracy_by_lag(cell, lags=None, *, quick=None, seed=None):
    """Trains one model per lag and measures how well each recalls the marked bit.

    Args:
        cell: `"simple_rnn"`, `"lstm"` or `"gru"`.
        lags: the lags to try (default: `lesson_sizes("01")["lags"]`).
        quick: `True`/`False`, or `None` to read `QUICK_TEST_MODE`.
        seed: seeds every model and data set (the same for every lag).

    Returns:
        A dict `{lag: test accuracy}`, lags in increasing order.
    """
    return memory_comparison((cell,), lags, quick=quick, seed=seed)[cell]


def memory_comparison(cells, lags=None, *, quick=None, seed=None):
    """Trains one model per cell and lag, with one progress bar for them all.

    Args:
        cells: the cells to compare, e.g. `("simple_rnn", "lstm", "gru")`.
        lags: the lags to try (default: `lesson_sizes("01")["lags"]`).
        quick: `True`/`False`, or `None` to read `QUICK_TEST_MODE`.
        seed: seeds every model and data set (the same for every lag).

    Returns:
        A dict `{cell: {lag: test accuracy}}`, lags in increasing order.
    """
    for cell in cells:
        check_choice("cell", cell, CELL_TYPES)
    if lags is None:
        lags = lesson_sizes("01", quick)["lags"]
    lags = sorted(check_positive_int("lags", lag) for lag in lags)
    if not lags:
        raise ValueError("Argument `lags` must list at least one lag. Received: lags=[]")
    results = {cell: {} for cell in cells}
    runs = [(cell, lag) for cell in cells for lag in lags]
    for cell, lag in track(
        runs,
        "training one model per cell and lag",
        unit="models",
        label=lambda run: f"{CELLS[run[0]]} at lag {run[1]}",
    ):
        results[cell][lag] = train_memory_model(cell, lag, quick=quick, seed=seed)[1]
    return results
