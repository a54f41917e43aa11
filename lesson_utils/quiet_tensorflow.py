"""Imports TensorFlow without its log lines.

TensorFlow 2.21 writes lines to the process' standard error: while it loads
("oneDNN custom operations are on", "failed call to cuInit: ... CUDA error"
on a machine without a GPU) and later, at the first use of a masked layer
("oneDNN supports DT_BOOL only on platforms with AVX-512"). In JupyterLab
they appear as red boxes, which a beginner reads as "my install is broken",
though none of them is a problem on a CPU-only machine. The lines at load
time ignore `TF_CPP_MIN_LOG_LEVEL` and are silenced here while TensorFlow
loads and looks for devices; the later ones are logged as errors of
TensorFlow's C++ core, so the level is set to 3 (errors too) before
TensorFlow reads it. A user's own `TF_CPP_MIN_LOG_LEVEL` is kept, and real
problems still reach the learner as Python exceptions.

This only works if TensorFlow is not imported yet: every notebook's set-up
cell calls this first, and so does every module of the package that uses
Keras or TensorFlow, just before it imports them. The modules that need
neither (the NumPy recurrences, most figures, the checks of notebooks 01
to 03) never start TensorFlow.
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
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
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
