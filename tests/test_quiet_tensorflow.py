"""TensorFlow loads quietly, and only where Keras is used.

A module of the package that uses Keras or TensorFlow loads it with
`import_tensorflow_quietly()` first, so that a learner sees none of its log lines;
a module that needs neither (the NumPy recurrences, the checks of notebooks 01 to
03, most figures) never starts it.
"""

import ast
import os
import subprocess
import sys

from test_layers import REPO, imports_of, internal_graph, package_modules

KERAS = {"keras", "tensorflow"}
# Modules that must not start TensorFlow, and the figures among them that do, through the
# module whose data they draw (IMDB's labels, the characters of notebook 07).
NUMPY_ONLY = (
    "lesson_utils.scratch",
    "lesson_utils.figures",
    "lesson_utils.exercises.rnn_loop",
    "lesson_utils.exercises.gradients",
    "lesson_utils.exercises.gates",
)
FIGURES_WITH_KERAS = {
    "lesson_utils.figures.evaluation",
    "lesson_utils.figures.inspection",
    "lesson_utils.figures.generation",
}


def _run(code):
    """Runs `code` in a fresh Python, in the learner's environment (no log level set)."""
    environment = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        env=environment,
    )


def modules_that_start_tensorflow():
    """The package's modules that import Keras or TensorFlow at their top, themselves or
    through a module of the package they import (their parent packages included)."""
    graph = internal_graph()
    for name in graph:
        parts = name.split(".")
        graph[name] |= {".".join(parts[:end]) for end in range(1, len(parts))}
    starting = {
        name
        for name, path in package_modules().items()
        if any(target.split(".")[0] in KERAS and not inner for target, inner in imports_of(path))
    }
    while more := {name for name, targets in graph.items() if targets & starting} - starting:
        starting |= more
    return starting


def test_the_modules_without_keras_start_no_tensorflow():
    starting = modules_that_start_tensorflow()
    assert starting >= FIGURES_WITH_KERAS, "a figure listed as using Keras no longer does"
    numpy_only = sorted(
        name
        for name in package_modules()
        if name.startswith(NUMPY_ONLY) and name not in FIGURES_WITH_KERAS
    )
    assert not starting & set(numpy_only), (
        f"these now start TensorFlow: {starting & set(numpy_only)}"
    )
    code = "".join(f"import {name}\n" for name in numpy_only) + (
        "from lesson_utils import check_bptt_step, check_forget_gate, simple_rnn_step\n"
        "import sys\n"
        "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))\n"
    )
    done = _run(code)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_every_module_that_uses_keras_loads_tensorflow_quietly_first():
    late = []
    for name, path in package_modules().items():
        if name == "lesson_utils.quiet_tensorflow":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
        for body in [tree.body] + [function.body for function in functions]:
            quiet = False
            for statement in body:
                calls = {
                    getattr(n, "id", None) for n in ast.walk(statement) if isinstance(n, ast.Name)
                }
                quiet = quiet or (
                    "import_tensorflow_quietly" in calls
                    and not isinstance(statement, (ast.Import, ast.ImportFrom))
                )
                imported = (
                    [alias.name for alias in statement.names]
                    if isinstance(statement, ast.Import)
                    else [statement.module]
                    if isinstance(statement, ast.ImportFrom)
                    else []
                )
                if not quiet and any(module.split(".")[0] in KERAS for module in imported):
                    late.append(f"{name}, line {statement.lineno}")
    assert not late, "Keras or TensorFlow imported before import_tensorflow_quietly():\n" + (
        "\n".join(late)
    )


def test_a_module_that_uses_keras_loads_tensorflow_without_a_line_on_stderr():
    done = _run(
        "import sys\nimport lesson_utils.models.recurrent\n"
        "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))\n"
    )
    assert done.returncode == 0, done.stderr
    assert (done.stdout.strip(), done.stderr) == ("['keras', 'tensorflow']", "")


def test_seeding_first_loads_tensorflow_quietly():
    done = _run(
        "from lesson_utils import set_global_seed\nset_global_seed()\n"
        "import tensorflow as tf\ntf.constant(1)\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_a_masked_layer_writes_nothing_to_stderr():
    # TensorFlow logs "oneDNN supports DT_BOOL only on platforms with AVX-512" as an error of
    # its C++ core at the first masked layer it runs, unless its log level is 3.
    done = _run(
        "from lesson_utils import build_rnn_model\nimport keras, numpy as np\n"
        "layers = [keras.Input((6,), dtype='int32'), keras.layers.Embedding(10, 3, mask_zero=True),"
        " keras.layers.LSTM(4), keras.layers.Dense(1)]\n"
        "keras.Sequential(layers).predict(np.ones((2, 6), dtype='int32'), verbose=0)\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_errors_after_the_import_still_reach_stderr():
    done = _run("import lesson_utils, sys; sys.stderr.write('visible')")
    assert done.stderr == "visible"
