"""Where trained models live between notebooks: save one, load it back.

Notebook 04 trains the sentiment models and saves them; notebooks 05 and 06 load them
to use them and to look inside. Models go to the learner's models folder (`lesson_utils.paths`:
`RNN_COURSE_MODELS_DIR`, else `~/.rnn_course/models`), never into the
repository. Quick mode's models get
their own file names, so that running the tests never overwrites a model a
learner trained in full.
"""

import os
import re
from pathlib import Path

from lesson_utils.paths import models_folder
from lesson_utils.quiet_tensorflow import import_tensorflow_quietly
from lesson_utils.settings import is_quick_mode

import_tensorflow_quietly()
import keras  # noqa: E402

_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


def model_path(name, folder=None, quick=None):
    """The `.keras` file a model named `name` is saved to.

    Args:
        name: a short name made of letters, digits, `_` and `-`, e.g. `"imdb_lstm"`.
        folder: the folder; `None` for the learner's models folder (`lesson_utils.paths`).
        quick: `True`/`False`, or `None` to read `QUICK_TEST_MODE`; quick mode
            adds `_quick` to the file name.

    Returns:
        A `Path` ending in `.keras`.
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(
            "Argument `name` must be a short name made of letters, digits, '_' "
            f"and '-', such as 'imdb_lstm'. Received: name={name!r}"
        )
    folder = Path(folder).expanduser() if folder else models_folder()
    suffix = "_quick" if is_quick_mode(quick) else ""
    return folder / f"{name}{suffix}.keras"


def save_model(model, name, folder=None, quick=None):
    """Saves a trained model in Keras' `.keras` format and returns the file.

    Args:
        model: a `keras.Model`.
        name, folder, quick: as for `model_path`.

    Returns:
        The `Path` written: beside, then moved into place, so that a kernel loading it
        meanwhile reads the old model or the new one, never half of one.
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"Argument `model` must be a keras.Model. Received: model={model!r}")
    path = model_path(name, folder, quick)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.stem}.{os.getpid()}.partial.keras")
    try:
        model.save(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def load_model(name, folder=None, quick=None):
    """Loads a model saved by `save_model`, or returns `None` if there is none.

    Args:
        name, folder, quick: as for `model_path`.

    Returns:
        The compiled `keras.Model`, or `None` when no file exists yet.
    """
    path = model_path(name, folder, quick)
    if not path.is_file():
        return None
    try:
        return keras.models.load_model(path)
    except Exception as err:  # A truncated or foreign file: say which and what to do.
        raise ValueError(
            f"The file {str(path)!r} is not a model Keras can load ({err}). "
            "Delete it and run notebook 04 again to save a new one."
        ) from err
