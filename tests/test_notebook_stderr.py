"""The repository's conftest fails a notebook cell that writes to standard error, or shows a
figure twice, under nbval."""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

ROOT_CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"

pytest_plugins = ["pytester"]


def _notebook(pytester, *sources):
    notebook = new_notebook(
        cells=[new_code_cell(source) for source in sources],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    nbformat.write(notebook, pytester.path / "probe.ipynb")
    pytester.makeconftest(ROOT_CONFTEST.read_text(encoding="utf-8"))


def test_a_cell_writing_to_stderr_fails(pytester):
    _notebook(
        pytester,
        "print('to stdout')",
        "import sys; sys.stderr.write('E0000 failed call to cuInit')",
        "import warnings; warnings.warn('a Python warning is a red box too')",
    )
    result = pytester.runpytest_subprocess(
        "--nbval", "--nbval-current-env", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(["*wrote to standard error*", "*failed call to cuInit*"])


def test_cells_writing_only_to_stdout_pass(pytester):
    _notebook(pytester, "print('hello')", "1 + 1")
    result = pytester.runpytest_subprocess(
        "--nbval", "--nbval-current-env", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=2)


def test_a_cell_showing_its_figure_twice_fails(pytester):
    draw = (
        "import matplotlib.pyplot as plt\n"
        "def plot_line():\n"
        "    fig, ax = plt.subplots()\n"
        "    ax.plot([0, 1])\n"
        "    plt.show()\n"
        "    return fig\n"
    )
    _notebook(pytester, "%matplotlib inline\n" + draw, "plot_line()", "fig = plot_line()")
    result = pytester.runpytest_subprocess(
        "--nbval", "--nbval-current-env", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*Cell 1 shows the same figure twice*"])


def test_a_line_written_to_the_file_descriptor_fails(pytester):
    # TensorFlow's C++ core writes to file descriptor 2, not to sys.stderr, and its lines can
    # come a moment after the cell that caused them; JupyterLab shows them all the same.
    late = "import os, threading\nthreading.Timer(0.5, os.write, (2, b'late line\\n')).start()"
    _notebook(pytester, late, "import time\ntime.sleep(2)", "print('after')")
    result = pytester.runpytest_subprocess(
        "--nbval", "--nbval-current-env", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*wrote to standard error*", "late line"])


def test_a_line_written_after_the_last_cell_fails(pytester):
    late = "import os, threading\nthreading.Timer(0.3, os.write, (2, b'late line\\n')).start()"
    _notebook(pytester, "print('first')", late)
    result = pytester.runpytest_subprocess(
        "--nbval", "--nbval-current-env", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*Cell 1, or the cell before it, wrote to standard error after*"])


def test_the_kernel_gets_the_environment_the_run_started_with(pytester, monkeypatch):
    # Importing lesson_utils in a unit test sets TF_CPP_MIN_LOG_LEVEL in the test process; a
    # kernel that inherited it would hide TensorFlow's lines that a learner's kernel shows.
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    _notebook(pytester, "import os\nassert 'TF_CPP_MIN_LOG_LEVEL' not in os.environ")
    pytester.makepyfile(
        test_imports_the_package="import os\nos.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'\n"
        "def test_nothing():\n    pass\n"
    )
    result = pytester.runpytest_subprocess(
        "--nbval", "--nbval-current-env", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=2)
