"""Sizes of notebooks 04 and 05, and the trained models they share.

Notebook 04 trains the course's LSTM and a GRU and saves them
(`lesson_utils.model_store`); notebook 05 loads them, or trains small ones
itself when none is saved yet and says so.
"""

from .config import (DEFAULT_BATCH_SIZE, DEFAULT_EMBEDDING_DIM, DEFAULT_EPOCHS, DEFAULT_MAX_LENGTH,
                     DEFAULT_UNITS, QUICK_EPOCHS, QUICK_MAX_LENGTH, is_quick_mode)
from .model_store import load_model, model_path, save_model
from .validation import check_choice
from .workflow import run_full_workflow

LESSON_CELLS = ("lstm", "gru")


def sentiment_lesson_sizes(quick=None):
    """Sizes of notebooks 04 and 05: the full ones the prose talks about, or quick mode's.

    Args:
        quick: `True`/`False`, or `None` to read `QUICK_TEST_MODE`.

    Returns:
        A dict: `vocab_size`, `max_length`, `embedding_dim`, `units`,
        `dense_units`, `epochs`, `batch_size` (the course model),
        `comparison_epochs` (for the live padding comparison: `None` means
        each benchmark configuration's own), `pca_reviews` (reviews in the
        hidden-state projection) and `misclassified` (reviews shown).
    """
    quick = is_quick_mode(quick)
    return dict(vocab_size=10_000, max_length=QUICK_MAX_LENGTH if quick else DEFAULT_MAX_LENGTH,
                embedding_dim=DEFAULT_EMBEDDING_DIM, units=DEFAULT_UNITS, dense_units=64,
                epochs=QUICK_EPOCHS if quick else DEFAULT_EPOCHS,
                batch_size=DEFAULT_BATCH_SIZE,
                comparison_epochs=QUICK_EPOCHS if quick else None,
                pca_reviews=200 if quick else 1_000, misclassified=3)


def train_lesson_model(cell="lstm", *, quick=None, verbose=2, source=None):
    """Trains the course's model with `cell` at the lesson's sizes.

    Args:
        cell: `"lstm"` or `"gru"`.
        quick: as for `sentiment_lesson_sizes`.
        verbose: Keras' verbosity.
        source: as for `load_imdb`.

    Returns:
        `(model, history, metrics)`: metrics holds the test `loss` and
        `accuracy` and the mean `seconds_per_epoch`.
    """
    check_choice("cell", cell, LESSON_CELLS)
    sizes = sentiment_lesson_sizes(quick)
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
        folder: where the models are (see `lesson_utils.model_store`).
        quick: as for `sentiment_lesson_sizes`; quick mode has models of its own.
        source: as for `load_imdb`.

    Returns:
        `(model, note)`: the model and one sentence saying where it came from.
    """
    check_choice("cell", cell, LESSON_CELLS)
    model = load_model(f"imdb_{cell}", folder, quick)
    if model is not None:
        path = model_path(f"imdb_{cell}", folder, quick)
        return model, f"Loaded the course's {cell.upper()}, trained earlier ({path})."
    model, history, metrics = train_lesson_model(cell, quick=quick, verbose=2, source=source)
    path = save_model(model, f"imdb_{cell}", folder, quick)
    return model, (f"No saved {cell.upper()} yet: trained the course's {cell.upper()} now "
                   f"({len(history.history['loss'])} epoch(s), test accuracy "
                   f"{metrics['accuracy']:.3f}) and saved it to {path}.")
