"""Course-wide settings: the seed, quick mode, the recurrent cells and every notebook's sizes.

The bottom layer of `lesson_utils`: everything else may read it, it reads
only `arguments`. Quick mode (`QUICK_TEST_MODE=1` in the environment, or `quick=True` passed to a
function) shrinks every experiment so that a notebook runs in seconds: it is
what CI and nbval use, and what an instructor can use to rehearse.
"""

import os
import random

import numpy as np

from lesson_utils.arguments import check_choice, check_non_negative_int
from lesson_utils.quiet_tensorflow import import_tensorflow_quietly

DEFAULT_SEED = 42
# Moves every notebook and every function of the package to another seed at once: the
# course's claims must hold for any seed (`python -m course_tools.claims` measures them).
SEED_ENV_VAR = "RNN_COURSE_SEED"

# The recurrent cells the course teaches, by the name every function takes, with
# the name of their Keras layer (`keras.layers.LSTM`, ...), which is also their label.
CELLS = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}
CELL_TYPES = tuple(CELLS)
# The cells with gates, which notebook 06 reads step by step with the NumPy cells.
GATED_CELLS = ("lstm", "gru")

# Reviews per gradient step for the IMDB model. On a CPU a recurrent layer's
# time is mostly per-step overhead, so 256 reviews a step train an epoch about
# a fifth faster than 128, for the same test accuracy after three epochs.
DEFAULT_BATCH_SIZE = 256

# The course's IMDB model: the last 256 word ids of each review (three in ten
# training reviews are longer), 32-number word vectors, 32 LSTM units, and
# 3 epochs, where it reaches 0.87 test accuracy (lesson_utils/benchmark_data/).
# 32 units, not 64: on a 2-core CPU an epoch takes less than half the time (the
# step's matrix products shrink threefold) for the same test accuracy (the saved
# benchmark), which keeps notebook 04 within its time budget.
DEFAULT_VOCAB_SIZE = 10_000
DEFAULT_MAX_LENGTH = 256
DEFAULT_EMBEDDING_DIM = 32
DEFAULT_UNITS = 32
DEFAULT_DENSE_UNITS = 64
DEFAULT_EPOCHS = 3

QUICK_ENV_VAR = "QUICK_TEST_MODE"

# The IMDB workflow in quick mode: the first reviews of Keras' fixed shuffle
# (seed 113, so always the same reviews, about half positive), cut short, one
# epoch. Figures from it show that the code runs, not what the model can do.
QUICK_TRAIN_REVIEWS = 2_000
QUICK_TEST_REVIEWS = 1_000
QUICK_MAX_LENGTH = 100
QUICK_EPOCHS = 1


def is_quick_mode(quick=None):
    """Tells whether experiments should run in quick mode.

    Args:
        quick: `True` or `False` to decide explicitly; `None` (the default)
            reads the environment variable `QUICK_TEST_MODE`.

    Returns:
        `True` in quick mode, else `False`.
    """
    if quick is not None:
        return bool(quick)
    return os.environ.get(QUICK_ENV_VAR, "").strip().lower() in ("1", "true", "yes", "on")


def quick_mode_note(quick=None):
    """The sentence printed beside every figure that quick mode produced, or ''."""
    if not is_quick_mode(quick):
        return ""
    return (
        f"(quick mode: {QUICK_TRAIN_REVIEWS:,} training and {QUICK_TEST_REVIEWS:,} test "
        "reviews, short sequences, one epoch; these figures show the code runs, "
        "not what the model can do)"
    )


def course_seed(seed=None):
    """The seed to use: `seed` if given, else `RNN_COURSE_SEED`, else `DEFAULT_SEED` (42).

    Every function of the course that takes a `seed` defaults to this, so that
    one environment variable runs every notebook with another seed.

    Args:
        seed: a non-negative integer, or `None` to read the environment.

    Returns:
        The seed, an `int`.
    """
    if seed is not None:
        return check_non_negative_int("seed", seed)
    text = os.environ.get(SEED_ENV_VAR, "").strip()
    if not text:
        return DEFAULT_SEED
    if not text.isdigit():
        raise ValueError(
            f"The environment variable {SEED_ENV_VAR} must be a non-negative integer, "
            f"such as 7. Received: {SEED_ENV_VAR}={text!r}. Set it to a number, or unset it "
            f"to use the course's seed, {DEFAULT_SEED}."
        )
    return int(text)


def set_global_seed(seed=DEFAULT_SEED):
    """Seeds Python, NumPy and Keras (and so TensorFlow) in one call.

    Args:
        seed: a non-negative integer.

    Returns:
        The seed, so that a notebook can print what it used.
    """
    check_non_negative_int("seed", seed)
    # Imported here, not above, so that the settings (read by the command line's
    # `slides` and `doctor`) never start TensorFlow.
    import_tensorflow_quietly()
    import keras

    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    return seed


# The course model's sizes, shared by notebooks 04 to 06.
_SENTIMENT = {
    "both": dict(
        vocab_size=DEFAULT_VOCAB_SIZE,
        embedding_dim=DEFAULT_EMBEDDING_DIM,
        units=DEFAULT_UNITS,
        dense_units=DEFAULT_DENSE_UNITS,
        batch_size=DEFAULT_BATCH_SIZE,
    ),
    "full": dict(max_length=DEFAULT_MAX_LENGTH, epochs=DEFAULT_EPOCHS),
    "quick": dict(max_length=QUICK_MAX_LENGTH, epochs=QUICK_EPOCHS),
}

# Every notebook's sizes: what both modes share, then what full and quick mode set.
# Full mode's are the sizes the prose talks about; quick mode's run each notebook in
# seconds (CI, rehearsal) and show that the code runs, not what the models can do.
SIZES = {
    # 01: the memory task. `lags` are tried by default, `demo_lag` is trained once to look
    # inside; `learning_rate` is Adam's. Both modes train the same 160 steps, full mode on more
    # lags and test sequences: with that training no SimpleRNN learnt lag 60 in the sweep
    # (`course_tools.claims`, 20 seeds), while trained eight times longer, SimpleRNNs learnt
    # even lag 100 for some seeds, which would leave the lesson to the seed. `demo_lag` is 5,
    # which every SimpleRNN recalled perfectly over 100 seeds (1000 to 1099); at lag 8 about one
    # seed in 60 ended its last epoch thrown back to chance by one of Adam's steps (seed 8809).
    "01": {
        "both": dict(
            demo_lag=5,
            units=16,
            batch_size=32,
            learning_rate=0.01,
            train_samples=512,
            epochs=10,
        ),
        "full": dict(lags=(1, 2, 5, 10, 15, 20, 30, 60, 100), test_samples=1000),
        "quick": dict(lags=(2, 5, 60), test_samples=256),
    },
    # 02: gradient curves over `timesteps` steps; the clipping comparison (`clip_*`, plain
    # SGD's learning rate, `clip_gain` the recurrent kernel's spectral radius at the start);
    # `comparison_lags`, the memory task's lags at which the three cells are compared.
    "02": {
        "both": dict(
            units=16,
            clip_lag=20,
            clip_gain=2.0,
            clip_learning_rate=1.0,
            clipnorm=1.0,
            clip_batch=64,
        ),
        "full": dict(timesteps=200, batch=128, clip_steps=300, comparison_lags=(2, 20, 60)),
        "quick": dict(timesteps=100, batch=32, clip_steps=100, comparison_lags=(2, 60)),
    },
    # 03: the conveyor belt's length, the LSTM/GRU timing (`timing_*`, `units`, `features`),
    # the memory task's lags for LSTM against GRU and `recall_lag`, one of them in both modes.
    "03": {
        "both": dict(conveyor_steps=150, recall_lag=30),
        "full": dict(
            timing_batch=64,
            timing_timesteps=200,
            timing_repeats=20,
            units=64,
            features=16,
            memory_lags=(10, 30, 50, 100),
        ),
        "quick": dict(
            timing_batch=32,
            timing_timesteps=50,
            timing_repeats=5,
            units=32,
            features=8,
            memory_lags=(30,),
        ),
    },
    # 04: the course model; `comparison_epochs` for the live padding comparison (`None`:
    # each benchmark configuration's own).
    "04": {
        "both": dict(_SENTIMENT["both"]),
        "full": dict(_SENTIMENT["full"], comparison_epochs=None),
        "quick": dict(_SENTIMENT["quick"], comparison_epochs=QUICK_EPOCHS),
    },
    # 05: the course model (loaded from notebook 04, or trained at these sizes);
    # `misclassified`, the mistakes shown; `word_vector_contexts`, the context words of the
    # counted word vectors shown in section 6 (the benchmark counts 5,000 for 20,000 words; a
    # tenth of them keeps the table of counts at 20 MB, within a learner's kernel memory).
    "05": {
        "both": dict(_SENTIMENT["both"], misclassified=3, word_vector_contexts=500),
        "full": dict(_SENTIMENT["full"]),
        "quick": dict(_SENTIMENT["quick"]),
    },
    # 06: the course model (loaded from notebook 04, or trained at these sizes) and the
    # reviews in the hidden-state projection.
    "06": {
        "both": dict(_SENTIMENT["both"]),
        "full": dict(_SENTIMENT["full"], pca_reviews=1_000),
        "quick": dict(_SENTIMENT["quick"], pca_reviews=200),
    },
    # 07: the character model (a GRU of `units` on `train_characters` of review text, in
    # `window`s of characters, `batch_size` streams side by side), scored on
    # `heldout_characters` of test reviews, against n-grams of `ngram_orders`; the samples'
    # `prompt`, `sample_length` and `temperature`; the carried-against-reset comparison
    # (`comparison_*`), with short windows, where resetting costs most; the encoder-decoder
    # (`reversal_*`): a GRU state of `reversal_units` between reader and writer, trained on
    # `reversal_strings` strings of every length up to the longest of `reversal_lengths`.
    "07": {
        "both": dict(
            cell="gru",
            embedding_dim=16,
            window=100,
            batch_size=64,
            learning_rate=0.01,
            ngram_orders=(1, 2, 3, 4, 5, 6, 7),
            prompt="this movie is ",
            sample_length=200,
            temperature=0.8,
            comparison_units=64,
            comparison_window=20,
        ),
        "full": dict(
            train_characters=800_000,
            heldout_characters=100_000,
            units=128,
            epochs=3,
            comparison_characters=400_000,
            comparison_epochs=2,
            reversal_lengths=(2, 4, 6, 8, 10, 12),
            reversal_units=32,
            reversal_strings=4000,
            reversal_epochs=8,
        ),
        "quick": dict(
            train_characters=300_000,
            heldout_characters=20_000,
            units=64,
            epochs=2,
            comparison_characters=300_000,
            comparison_epochs=1,
            reversal_lengths=(2, 4, 6, 8),
            reversal_units=32,
            reversal_strings=1500,
            reversal_epochs=4,
        ),
    },
    # 08: the capstone's NumPy character RNN, trained with Adagrad (`learning_rate`) and
    # clipping (`clip_norm`) for `steps` updates of one window of every stream; `check_*` is the
    # gradient check's small network; `margin` the bits per character by which the held-out score
    # must beat the unigram baseline (course_tools.claims measures it).
    "08": {
        "both": dict(
            units=64,
            window=25,
            batch_size=32,
            learning_rate=0.1,
            clip_norm=1.0,
            heldout_characters=20_000,
            check_units=8,
            check_window=10,
            prompt="this movie is ",
            sample_length=200,
            temperatures=(0.5, 1.0),
            margin=1.0,
        ),
        "full": dict(train_characters=1_000_000, steps=1500, record_every=100),
        "quick": dict(train_characters=300_000, steps=300, record_every=30),
    },
}


def lesson_sizes(notebook, quick=None):
    """The sizes of a notebook's experiments in this mode, from `SIZES`.

    Args:
        notebook: the notebook's number, `"01"` to `"08"`.
        quick: `True`/`False`, or `None` to read `QUICK_TEST_MODE`.

    Returns:
        A new dict of the sizes (a notebook may change its copy).
    """
    check_choice("notebook", notebook, tuple(SIZES))
    table = SIZES[notebook]
    return dict(table["both"], **table["quick" if is_quick_mode(quick) else "full"])
