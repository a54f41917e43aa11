"""Where trained models live between notebooks: save one, load it back.

Notebook 04 trains the sentiment models and saves them; notebooks 05 and 06 load them
to use them and to look inside. Models go to the learner's models folder (`lesson_utils.paths`:
`RNN_COURSE_MODELS_DIR`, else `~/.rnn_course/models`), never into the
repository; a class's shared folder (`RNN_COURSE_SHARED_DIR`) is read, never
written. Quick mode's models get
their own file names, so that running the tests never overwrites a model a
learner trained in full.

A model saved by one Keras cannot always be read by another (a learner who
upgrades, a hosted service with another version, a class server whose image
moves on), so each file records the Keras version that wrote it (Keras puts it
in the archive's `metadata.json`) and the course's settings it was trained
with (`rnn_course.json`, added here), and `load_model` compares them with
what is running before it loads.
"""

import json
import os
import re
import zipfile
from pathlib import Path

from lesson_utils.paths import models_folder, shared_models_folder
from lesson_utils.quiet_tensorflow import import_tensorflow_quietly
from lesson_utils.settings import is_quick_mode

import_tensorflow_quietly()
import keras  # noqa: E402

_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
# The course's record inside a `.keras` archive, beside Keras' own `metadata.json`.
COURSE_RECORD = "rnn_course.json"
# The settings a model must share with the running course to be used: the word ids it knows.
MATCHING_SETTINGS = ("vocab_size",)
WHAT_TO_DO = "Delete it and run notebook 04 again (or `python -m lesson_utils train --save`)."


class SavedModelError(ValueError):
    """A saved model the running course cannot use.

    Attributes:
        path: the file.
        reason: why, as the end of a sentence that starts with the file, e.g.
            "was written by Keras 3.15.1; this is Keras 3.13.2".
    """

    def __init__(self, path, reason):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"The model {str(path)!r} {reason}. {WHAT_TO_DO}")


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


def save_model(model, name, folder=None, quick=None, settings=None):
    """Saves a trained model in Keras' `.keras` format and returns the file.

    Args:
        model: a `keras.Model`.
        name, folder, quick: as for `model_path`; the learner's own models
            folder by default, never the class's shared one.
        settings: the course's settings the model was trained with (a dict
            that JSON can hold, e.g. `lesson_model_settings`), recorded in the
            file for `load_model` to compare; `None` records none.

    Returns:
        The `Path` written: beside, then moved into place, so that a kernel loading it
        meanwhile reads the old model or the new one, never half of one.

    Raises:
        ValueError: when the folder cannot be written (a read-only folder),
            naming it and what to do.
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"Argument `model` must be a keras.Model. Received: model={model!r}")
    path = model_path(name, folder, quick)
    partial = path.with_name(f".{path.stem}.{os.getpid()}.partial.keras")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        model.save(partial)
        with zipfile.ZipFile(partial, "a") as archive:
            archive.writestr(COURSE_RECORD, json.dumps({"settings": settings}, sort_keys=True))
        os.replace(partial, path)
    except OSError as err:
        raise ValueError(
            f"Cannot save the model to {str(path.parent)!r} ({err.strerror or err}): the folder "
            "cannot be written (a class's shared folder is read-only). Save to a folder of your "
            "own: set RNN_COURSE_MODELS_DIR to it, or pass `folder=` (`--models-dir`)."
        ) from err
    finally:
        partial.unlink(missing_ok=True)
    return path


def find_model(name, folder=None, quick=None):
    """The file of the saved model `name`, or `None` when there is none.

    Args:
        name, quick: as for `model_path`.
        folder: the one folder to look in; `None` looks in the learner's
            models folder, then in the class's shared one
            (`RNN_COURSE_SHARED_DIR`), if there is one.

    Returns:
        A `Path`, or `None`.
    """
    folders = [folder] if folder else [models_folder(), shared_models_folder()]
    for candidate in folders:
        if candidate is not None:
            path = model_path(name, candidate, quick)
            if path.is_file():
                return path
    return None


def saved_model_record(path):
    """What a saved model's file says about itself.

    Args:
        path: a `.keras` file.

    Returns:
        A dict with `keras_version` (the Keras that wrote it, `None` if the
        file does not say) and `settings` (as given to `save_model`, `None`
        if none were).

    Raises:
        SavedModelError: when the file is not a `.keras` archive (a truncated
            or foreign file).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            metadata = json.loads(archive.read("metadata.json")) if "metadata.json" in names else {}
            course = json.loads(archive.read(COURSE_RECORD)) if COURSE_RECORD in names else {}
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise SavedModelError(path, f"is not a model Keras can load ({err})") from err
    return {"keras_version": metadata.get("keras_version"), "settings": course.get("settings")}


def _major_minor(version):
    return tuple(str(version).split(".")[:2]) if version else None


def check_saved_model(path, settings=None):
    """Raises `SavedModelError` when the running course should not load the model at `path`.

    Args:
        path: a `.keras` file.
        settings: the running course's settings for this model; those in
            `MATCHING_SETTINGS` must equal the recorded ones.

    Raises:
        SavedModelError: the file was written by another major or minor
            version of Keras (its layers' arguments may have changed), was
            trained with other settings, or is not a `.keras` archive.
    """
    record = saved_model_record(path)
    written = record["keras_version"]
    if _major_minor(written) != _major_minor(keras.__version__):
        raise SavedModelError(
            path,
            f"was written by Keras {written or 'of an unknown version'}; "
            f"this is Keras {keras.__version__}",
        )
    recorded = record["settings"] or {}
    for key in MATCHING_SETTINGS:
        if settings and key in settings and key in recorded and recorded[key] != settings[key]:
            raise SavedModelError(
                path, f"was trained with {key}={recorded[key]}; the course now uses {settings[key]}"
            )


def load_model(name, folder=None, quick=None, settings=None):
    """Loads a model saved by `save_model`, or returns `None` if there is none.

    Args:
        name, folder, quick: as for `find_model`.
        settings: as for `check_saved_model`.

    Returns:
        The compiled `keras.Model`, or `None` when no file exists yet.

    Raises:
        SavedModelError: when the file exists but this course cannot use it
            (`check_saved_model`), or Keras fails to load it; a notebook
            retrains the model then (`lesson_utils.training.pipeline.lesson_model`).
    """
    path = find_model(name, folder, quick)
    if path is None:
        return None
    check_saved_model(path, settings)
    try:
        return keras.models.load_model(path)
    except Exception as err:  # Any failure to load: say which file, why, and what to do.
        first_line = str(err).strip().splitlines()[0] if str(err).strip() else ""
        raise SavedModelError(
            path,
            f"is not a model Keras {keras.__version__} can load "
            f"({type(err).__name__}: {first_line})",
        ) from err
