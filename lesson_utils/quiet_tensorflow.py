"""Imports TensorFlow without its start-up log lines.

TensorFlow 2.21 writes informational lines ("oneDNN custom operations are
on", "Could not find cuda drivers") straight to the process' standard error
while it loads, ignoring `TF_CPP_MIN_LOG_LEVEL`; in JupyterLab they appear as
red boxes under the learner's first cell. They are silenced here, while
TensorFlow loads and looks for devices, and only then: a failed import still
raises its Python error.
"""

import os
import sys


def import_tensorflow_quietly():
    """Imports TensorFlow and lists its devices with standard error silenced.

    Returns:
        The `tensorflow` module.
    """
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow as tf

        tf.config.list_physical_devices()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    return tf
