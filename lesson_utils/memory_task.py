"""A small sequence task where memory matters: recall a marked bit after `lag` steps.

Each sequence is silent (zeros) until one *marked* step carries a bit, +1 or
-1, flagged by a 1 in the second feature. Then come random +1/-1 distractors,
`lag` of them, and at the end the network must say which bit was marked. The
task is easy to state, easy to score (chance is 50 %), and its difficulty is
one number, the lag: how many steps the network must carry the bit.

Notebook 01 trains a `SimpleRNN` on it, notebook 02 an LSTM and a GRU too,
and notebook 03 compares the gated cells at long lags; all through
`memory_comparison` (or `accuracy_by_lag`, its one-cell form), which shows a
progress bar while it trains.
"""

import keras
import matplotlib.pyplot as plt
import numpy as np

from .config import DEFAULT_SEED, is_quick_mode, set_global_seed
from .progress import track
from .plots import CELL_COLORS, CELL_LINE_STYLES, PALETTE, thin_line
from .validation import check_choice, check_positive_int

CELL_TYPES = ("simple_rnn", "lstm", "gru")
CELL_NAMES = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}

_LAYERS = {"simple_rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}


def memory_task_settings(quick=None):
    """Sizes of the memory task, small in quick mode.

    Args:
        quick: `True`/`False`, or `None` to read `QUICK_TEST_MODE`.

    Returns:
        A dict: `lags` (the lags tried by default), `demo_lag` (the short lag
        notebook 01 trains once to look inside), `units`, `train_samples`,
        `test_samples`, `epochs`, `batch_size` and `learning_rate` (Adam's).
    """
    sizes = {"demo_lag": 8, "units": 16, "batch_size": 32, "learning_rate": 0.01}
    if is_quick_mode(quick):
        sizes.update(lags=(2, 8, 30), train_samples=512, test_samples=256, epochs=10)
    else:
        sizes.update(lags=(1, 2, 5, 10, 15, 20, 30, 50, 100), train_samples=2048,
                     test_samples=1000, epochs=20)
    return sizes


def make_memory_task(lag, n_samples, *, shortest_lag=None, seed=DEFAULT_SEED):
    """Sequences whose target is the bit marked `lag` steps before the end.

    Every sequence has `lag + 1` steps and two features, `(bit, marker)`:
    zeros before the marked step, `(+1 or -1, 1)` at the marked step, then
    random `(+1 or -1, 0)` distractors up to the end.

    Args:
        lag: how many distractor steps follow the marked one (at least 1).
        n_samples: how many sequences.
        shortest_lag: if given, each sequence's lag is drawn uniformly from
            `shortest_lag..lag` (the marked step moves, the length stays
            `lag + 1`); training uses it so that a learner sees easy cases
            too. By default every sequence has exactly `lag`.
        seed: seed of the random generator.

    Returns:
        `(inputs, targets)`: float32 arrays of shapes
        `(n_samples, lag + 1, 2)` and `(n_samples,)`, target 1.0 for a
        marked +1 and 0.0 for a marked -1.
    """
    lag = check_positive_int("lag", lag)
    n_samples = check_positive_int("n_samples", n_samples)
    if shortest_lag is None:
        shortest_lag = lag
    shortest_lag = check_positive_int("shortest_lag", shortest_lag)
    if shortest_lag > lag:
        raise ValueError("Argument `shortest_lag` must be at most `lag`. "
                         f"Received: shortest_lag={shortest_lag}, lag={lag}")
    rng = np.random.default_rng(seed)
    timesteps = lag + 1
    inputs = np.zeros((n_samples, timesteps, 2), dtype="float32")
    inputs[:, :, 0] = rng.choice([-1.0, 1.0], size=(n_samples, timesteps))
    lags = rng.integers(shortest_lag, lag + 1, size=n_samples)
    marked = timesteps - 1 - lags
    rows = np.arange(n_samples)
    inputs[rows, marked, 1] = 1.0
    inputs[np.arange(timesteps)[None, :] < marked[:, None]] = 0.0
    targets = (inputs[rows, marked, 0] > 0).astype("float32")
    return inputs, targets


def build_memory_model(cell="simple_rnn", *, units=16, learning_rate=0.01, recurrent_gain=1.0,
                       optimizer=None):
    """A recurrent layer and a sigmoid unit: reads a sequence, outputs P(marked bit is +1).

    Args:
        cell: `"simple_rnn"`, `"lstm"` or `"gru"`.
        units: size of the hidden state.
        learning_rate: the learning rate of Adam, which clips the gradient to a
            global norm of 1 (ignored when `optimizer` is given).
        recurrent_gain: the recurrent kernel starts as a random orthogonal
            matrix times this number (Keras' default is 1). For a SimpleRNN
            it is then the matrix's spectral radius, the knob of notebook 02.
        optimizer: a Keras optimizer to compile with instead of Adam.

    Returns:
        A compiled `keras.Model` taking `(batch, timesteps, 2)` for any
        number of timesteps.
    """
    check_choice("cell", cell, CELL_TYPES)
    units = check_positive_int("units", units)
    if not recurrent_gain > 0:
        raise ValueError(f"Argument `recurrent_gain` must be a positive number. "
                         f"Received: recurrent_gain={recurrent_gain!r}")
    recurrent = _LAYERS[cell](units, recurrent_initializer=keras.initializers.Orthogonal(
        gain=recurrent_gain), name=cell)
    model = keras.Sequential([keras.Input(shape=(None, 2)), recurrent,
                              keras.layers.Dense(1, activation="sigmoid", name="readout")],
                             name=f"memory_{cell}")
    # Clipping keeps long-lag training from being thrown off by one huge gradient
    # (notebook 02); no XLA, which is slower for these small models on a CPU.
    optimizer = optimizer or keras.optimizers.Adam(learning_rate, global_clipnorm=1.0)
    model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"],
                  jit_compile=False)
    return model


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
        self.bar = track(range(1, epochs + 1), what, label=lambda epoch: f"epoch {epoch}")

    def on_epoch_begin(self, epoch, logs=None):
        next(self.bar)

    def on_train_end(self, logs=None):
        next(self.bar, None)  # past the last epoch: the bar fills and says how long it took


def train_memory_model(cell, lag, *, quick=None, seed=DEFAULT_SEED, progress=False):
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
    check_choice("cell", cell, CELL_TYPES)
    lag = check_positive_int("lag", lag)
    settings = memory_task_settings(quick)
    set_global_seed(seed)
    inputs, targets = make_memory_task(lag, settings["train_samples"], shortest_lag=1, seed=seed)
    model = build_memory_model(cell, units=settings["units"],
                               learning_rate=settings["learning_rate"])
    what = f"training a {CELL_NAMES[cell]} at lag {lag}"
    callbacks = [_EpochProgress(settings["epochs"], what)] if progress else []
    model.fit(inputs, targets, epochs=settings["epochs"], batch_size=settings["batch_size"],
              verbose=0, callbacks=callbacks)
    test_inputs, test_targets = make_memory_task(lag, settings["test_samples"], seed=seed + 1)
    return model, memory_accuracy(model, test_inputs, test_targets)


def accuracy_by_lag(cell, lags=None, *, quick=None, seed=DEFAULT_SEED):
    """Trains one model per lag and measures how well each recalls the marked bit.

    Args:
        cell: `"simple_rnn"`, `"lstm"` or `"gru"`.
        lags: the lags to try (default: `memory_task_settings()["lags"]`).
        quick: `True`/`False`, or `None` to read `QUICK_TEST_MODE`.
        seed: seeds every model and data set (the same for every lag).

    Returns:
        A dict `{lag: test accuracy}`, lags in increasing order.
    """
    return memory_comparison((cell,), lags, quick=quick, seed=seed)[cell]


def memory_comparison(cells, lags=None, *, quick=None, seed=DEFAULT_SEED):
    """Trains one model per cell and lag, with one progress bar for them all.

    Args:
        cells: the cells to compare, e.g. `("simple_rnn", "lstm", "gru")`.
        lags: the lags to try (default: `memory_task_settings()["lags"]`).
        quick: `True`/`False`, or `None` to read `QUICK_TEST_MODE`.
        seed: seeds every model and data set (the same for every lag).

    Returns:
        A dict `{cell: {lag: test accuracy}}`, lags in increasing order.
    """
    for cell in cells:
        check_choice("cell", cell, CELL_TYPES)
    if lags is None:
        lags = memory_task_settings(quick)["lags"]
    lags = sorted(check_positive_int("lags", lag) for lag in lags)
    if not lags:
        raise ValueError("Argument `lags` must list at least one lag. Received: lags=[]")
    results = {cell: {} for cell in cells}
    runs = [(cell, lag) for cell in cells for lag in lags]
    for cell, lag in track(runs, "training one model per cell and lag",
                           label=lambda run: f"{CELL_NAMES[run[0]]} at lag {run[1]}"):
        results[cell][lag] = train_memory_model(cell, lag, quick=quick, seed=seed)[1]
    return results


def plot_accuracy_by_lag(results, *, title="Recalling a bit: accuracy against lag"):
    """Plots test accuracy against lag, one line per cell, with chance level.

    Args:
        results: `{cell: {lag: accuracy}}`, e.g.
            `{"simple_rnn": accuracy_by_lag("simple_rnn")}`.
        title: the figure's title.

    Returns:
        A matplotlib `Figure`.
    """
    if not isinstance(results, dict) or not results:
        raise ValueError("Argument `results` must be a dict {cell: {lag: accuracy}}, as "
                         f"accuracy_by_lag returns per cell. Received: results={results!r}")
    fig, ax = plt.subplots()
    for cell, by_lag in results.items():
        check_choice("cell", cell, CELL_TYPES)
        lags = sorted(by_lag)
        ax.plot(lags, [by_lag[lag] for lag in lags], color=CELL_COLORS[cell],
                label=CELL_NAMES[cell], **CELL_LINE_STYLES[cell])
    ax.axhline(0.5, color=PALETTE["black"], linestyle=":", linewidth=thin_line(), label="chance (50 %)")
    ax.set_ylim(0.35, 1.05)
    ax.set_xlabel("Lag (steps between the marked bit and the answer)")
    ax.set_ylabel("Test accuracy (fraction recalled)")
    ax.set_title(title)
    ax.legend()
    return fig
