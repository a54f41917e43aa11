"""Where the course's files live: what travels with the package, and what the learner makes.

One rule for every path. Files the package reads (the saved benchmark
results that notebook 04 quotes) are package data, found with
`importlib.resources` in a clone and in any install (`pip install .`,
`pip install git+URL`, Colab). Files that the learner makes (trained
models, the cache of encoded reviews) go to a folder of the learner's:
`RNN_COURSE_HOME` if set, else `~/.rnn_course`; `RNN_COURSE_MODELS_DIR`
moves the models alone. A class's server may also share one read-only
folder among its learners (`RNN_COURSE_SHARED_DIR`), whose models are
read when the learner has none of their own, and never written. Keras' own
downloads stay where Keras keeps them.
"""

import importlib.resources
import os
from pathlib import Path

COURSE_HOME_ENV_VAR = "RNN_COURSE_HOME"
MODELS_ENV_VAR = "RNN_COURSE_MODELS_DIR"
SHARED_ENV_VAR = "RNN_COURSE_SHARED_DIR"


def course_home():
    """The learner's folder for what the course makes: `RNN_COURSE_HOME`, else `~/.rnn_course`."""
    return Path(os.environ.get(COURSE_HOME_ENV_VAR) or "~/.rnn_course").expanduser()


def models_folder():
    """Where trained models go: `RNN_COURSE_MODELS_DIR`, else `models/` in `course_home()`."""
    override = os.environ.get(MODELS_ENV_VAR)
    return Path(override).expanduser() if override else course_home() / "models"


def shared_folder():
    """A class's shared, read-only course folder: `RNN_COURSE_SHARED_DIR`, or `None`.

    It holds what every learner would otherwise make alone, in the layout of
    `course_home()`: `models/` and `cache/` (`python -m course_tools.classroom fill`).
    """
    shared = os.environ.get(SHARED_ENV_VAR)
    return Path(shared).expanduser() if shared else None


def shared_models_folder():
    """The class's shared models: `models/` in `shared_folder()`, or `None`."""
    shared = shared_folder()
    return shared / "models" if shared else None


def shared_cache_folder():
    """The class's shared encoded reviews: `cache/` in `shared_folder()`, or `None`."""
    shared = shared_folder()
    return shared / "cache" if shared else None


def cache_folder():
    """Where encoded reviews are cached: `cache/` in `course_home()`."""
    return course_home() / "cache"


def keras_datasets_folder():
    """Where Keras keeps its downloads: `datasets/` in `KERAS_HOME`, else in `~/.keras`."""
    return Path(os.environ.get("KERAS_HOME") or "~/.keras").expanduser() / "datasets"


def benchmark_results_folder():
    """The saved benchmark results that travel with the package (`lesson_utils.benchmark_data`)."""
    return Path(str(importlib.resources.files("lesson_utils.benchmark_data")))
