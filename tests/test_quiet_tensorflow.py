"""A notebook that imports from lesson_utils first shows the learner no TensorFlow log lines."""

import os
import subprocess
import sys


def test_import_writes_nothing_to_stderr():
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from lesson_utils import set_global_seed; import tensorflow as tf; tf.constant(1)",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_a_masked_layer_writes_nothing_to_stderr():
    # TensorFlow logs "oneDNN supports DT_BOOL only on platforms with AVX-512" as an error of
    # its C++ core at the first masked layer it runs, unless its log level is 3.
    code = (
        "from lesson_utils import build_rnn_model\nimport keras, numpy as np\n"
        "layers = [keras.Input((6,), dtype='int32'), keras.layers.Embedding(10, 3, mask_zero=True),"
        " keras.layers.LSTM(4), keras.layers.Dense(1)]\n"
        "keras.Sequential(layers).predict(np.ones((2, 6), dtype='int32'), verbose=0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        env={k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_errors_after_the_import_still_reach_stderr():
    done = subprocess.run(
        [sys.executable, "-c", "import lesson_utils, sys; sys.stderr.write('visible')"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.stderr == "visible"
