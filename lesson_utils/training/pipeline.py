"""The whole IMDB experiment in one call: data, model, training, evaluation."""

import time

from lesson_utils.arguments import check_choice
from lesson_utils.data.imdb import prepare_imdb_data
from lesson_utils.models.recurrent import build_rnn_model
from lesson_utils.models.store import load_model, model_path, save_model
from lesson_utils.settings import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_DENSE_UNITS,
    DEFAULT_EMBEDDING_DIM,
    DEFAULT_EPOCHS,
    DEFAULT_MAX_LENGTH,
    DEFAULT_SEED,
    DEFAULT_UNITS,
    DEFAULT_VOCAB_SIZE,
    GATED_CELLS,
    QUICK_EPOCHS,
    is_quick_mode,
    lesson_sizes,
    quick_mode_note,
    set_global_seed,
)
from lesson_utils.training.fit import evaluate_rnn_model, train_rnn_model


def run_full_workflow(vocab_size=DEFAULT_VOCAB_SIZE, max_length=DEFAULT_MAX_LENGTH,
                      embedding_dim=DEFAULT_EMBEDDING_DIM, lstm_units=DEFAULT_UNITS,
                      dense_units=DEFAULT_DENSE_UNITS, epochs=DEFAULT_EPOCHS, batch_size=DEFAULT_BATCH_SIZE,
                      validation_split=0.2,
                      verbose=1, shuffle=True, seed=DEFAULT_SEED, *, cell="lstm",
                      bidirectional=False, mask_zero=True, padding="post", truncating="pre",
                      dropout=0.2, source=None, quick=None):
    """Prepares IMDB, builds, trains and evaluates a model, and prints the test metrics.

    Args:
        vocab_size, max_length, padding, truncating, source, quick: as for
            `prepare_imdb_data`.
        embedding_dim, lstm_units, dense_units, cell, bidirectional,
            mask_zero, dropout: as for `build_rnn_model`.
        epochs, batch_size, validation_split, verbose, shuffle, seed: as for
            `train_rnn_model`; in quick mode `epochs` is at most
            `QUICK_EPOCHS`. `seed` also seeds the weights.

    Returns:
        `(history, metrics, model)`: the Keras History, a dict with the test
        `loss` and `accuracy` and the mean `seconds_per_epoch`, and the
        trained model.
    """
    quick = is_quick_mode(quick)
    if quick:
        epochs = min(epochs, QUICK_EPOCHS)
    set_global_seed(seed)
    (x_train, y_train), (x_test, y_test) = prepare_imdb_data(
        vocab_size, max_length, padding=padding, truncating=truncating, source=source, quick=quick)
    model = build_rnn_model(vocab_size, embedding_dim, lstm_units, dense_units, cell=cell,
                            bidirectional=bidirectional, mask_zero=mask_zero, padding=padding,
                            dropout=dropout)
    start = time.perf_counter()
    history = train_rnn_model(model, x_train, y_train, epochs=epochs, batch_size=batch_size,
                              validation_split=validation_split, verbose=verbose,
                              shuffle=shuffle, seed=seed)
    done = max(len(history.history.get("loss", [])), 1)
    metrics = evaluate_rnn_model(model, x_test, y_test)
    metrics["seconds_per_epoch"] = (time.perf_counter() - start) / done
    if verbose:
        print(f"Test accuracy {metrics['accuracy']:.3f}, loss {metrics['loss']:.3f} on "
              f"{len(x_test):,} reviews {quick_mode_note(quick)}".rstrip())
    return history, metrics, model

def train_lesson_model(cell="lstm", *, quick=None, verbose=2, source=None):
    """Trains the course's model with `cell` at the lesson's sizes.

    Args:
        cell: `"lstm"` or `"gru"`.
        quick: `True`/`False`, or `None` to read `QUICK_TEST_MODE`.
        verbose: Keras' verbosity.
        source: as for `load_imdb`.

    Returns:
        `(model, history, metrics)`: metrics holds the test `loss` and
        `accuracy` and the mean `seconds_per_epoch`.
    """
    check_choice("cell", cell, GATED_CELLS)
    sizes = lesson_sizes("04", quick)
    history, metrics, model = run_full_workflow(
        sizes["vocab_size"], sizes["max_length"], sizes["embedding_dim"], sizes["units"],
        sizes["dense_units"], epochs=sizes["epochs"], batch_size=sizes["batch_size"],
        verbose=verbose, cell=cell, source=source, quick=quick)
    return model, history, metrics


def lesson_model(cell="lstm", *, folder=None, quick=None, source=None):
    """The course's model with `cell`: the saved one, or one trained and saved now.

    Notebook 04 trains and saves the LSTM; notebook 05 opens the LSTM and a
    GRU. A model not saved yet is trained now at the mode's sizes (full
    sizes in full mode, so that what notebook 05 says of a trained model
    holds) and saved, so that the next run loads it.

    Args:
        cell: `"lstm"` or `"gru"`.
        folder: where the models are (see `lesson_utils.models.store`).
        quick: as for `train_lesson_model`; quick mode has models of its own.
        source: as for `load_imdb`.

    Returns:
        `(model, note)`: the model and one sentence saying where it came from.
    """
    check_choice("cell", cell, GATED_CELLS)
    model = load_model(f"imdb_{cell}", folder, quick)
    if model is not None:
        path = model_path(f"imdb_{cell}", folder, quick)
        return model, f"Loaded the course's {cell.upper()}, trained earlier ({path})."
    model, history, metrics = train_lesson_model(cell, quick=quick, verbose=2, source=source)
    path = save_model(model, f"imdb_{cell}", folder, quick)
    return model, (f"No saved {cell.upper()} yet: trained the course's {cell.upper()} now "
                   f"({len(history.history['loss'])} epoch(s), test accuracy "
                   f"{metrics['accuracy']:.3f}) and saved it to {path}.")
