"""Importing lesson_utils shows the learner no TensorFlow start-up log lines."""

import subprocess
import sys


def test_import_writes_nothing_to_stderr():
    done = subprocess.run([sys.executable, "-c", "import lesson_utils, tensorflow as tf; tf.constant(1)"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_errors_after_the_import_still_reach_stderr():
    done = subprocess.run([sys.executable, "-c", "import lesson_utils, sys; sys.stderr.write('visible')"],
                          capture_output=True, text=True, timeout=300)
    assert done.stderr == "visible"
