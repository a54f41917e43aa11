"""The whole IMDB experiment in one call: data, model, training, evaluation."""

import time

from .config import (DEFAULT_BATCH_SIZE, DEFAULT_EMBEDDING_DIM, DEFAULT_EPOCHS, DEFAULT_MAX_LENGTH,
                     DEFAULT_SEED, DEFAULT_UNITS, QUICK_EPOCHS, QUICK_TEST_REVIEWS,
                     QUICK_TRAIN_REVIEWS, is_quick_mode, set_global_seed)
from .data import prepare_imdb_data
from .models import build_rnn_model
from .training import evaluate_rnn_model, train_rnn_model


def quick_mode_note(quick=None):
    """The sentence printed beside every figure that quick mode produced, or ''."""
    if not is_quick_mode(quick):
        return ""
    return (f"(quick mode: {QUICK_TRAIN_REVIEWS:,} training and {QUICK_TEST_REVIEWS:,} test "
            "reviews, short sequences, one epoch; these figures show the code runs, "
            "not what the model can do)")


def run_full_workflow(vocab_size=10_000, max_length=DEFAULT_MAX_LENGTH,
                      embedding_dim=DEFAULT_EMBEDDING_DIM, lstm_units=DEFAULT_UNITS,
                      dense_units=64, epochs=DEFAULT_EPOCHS, batch_size=DEFAULT_BATCH_SIZE,
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
