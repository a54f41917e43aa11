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
