"""Course-wide settings: the default seed and quick mode.

Quick mode (`QUICK_TEST_MODE=1` in the environment, or `quick=True` passed to a
function) shrinks every experiment so that a notebook runs in seconds: it is
what CI and nbval use, and what an instructor can use to rehearse.
"""

import os
import random

import numpy as np

DEFAULT_SEED = 42

# Reviews per gradient step for the IMDB model. On a CPU a recurrent layer's
# time is mostly per-step overhead, so 256 reviews a step train an epoch about
# a fifth faster than 128, for the same test accuracy after three epochs.
DEFAULT_BATCH_SIZE = 256

# The course's IMDB model: the last 256 word ids of each review (three in ten
# training reviews are longer), 32-number word vectors, 64 LSTM units, and
# 3 epochs, where it reaches 0.87 test accuracy (benchmarks/results/).
DEFAULT_MAX_LENGTH = 256
DEFAULT_EMBEDDING_DIM = 32
DEFAULT_UNITS = 64
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


def set_global_seed(seed=DEFAULT_SEED):
    """Seeds Python, NumPy and Keras (and so TensorFlow) in one call.

    Args:
        seed: a non-negative integer.

    Returns:
        The seed, so that a notebook can print what it used.
    """
    from .validation import check_non_negative_int

    check_non_negative_int("seed", seed)
    import keras

    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    return seed
