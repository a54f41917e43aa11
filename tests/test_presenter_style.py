"""The presenter switch: `use_presenter_style()` enlarges every later figure, and
it can, because sizes are set in `lesson_utils/figures/style.py` and nowhere else;
the instructor guide's line that turns it on runs."""

import os
import re
import subprocess
import sys
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import nbformat
import pytest

from lesson_utils.figures.style import use_course_style, use_presenter_style
from lesson_utils.figures.training import plot_history

REPO_DIR = Path(__file__).resolve().parent.parent

# Code that fixes a size in place (a number, or a matplotlib style), so that the
# presenter switch could not enlarge it. Relative sizes ("large", "small") scale
# with the style and are fine.
FIXED_SIZE = re.compile(
    r"\b(fontsize|linewidth|lw|markersize|ms|labelsize|titlesize|dpi)\s*=\s*[\d.]"
    r"|\bfigsize\s*=\s*\(\s*[\d.]|set_size_inches\(\s*\(?\s*[\d.]"
    r"|rcParams\s*\[[^\]]*\]\s*=(?!=)"
    r"|rcParams\.update\(|\b(plt|mpl|matplotlib)\.rc\(|\bstyle\.use\("
)
# The style module sets the sizes. (Diagrams are drawn by course_tools/diagrams.py into PNG
# attachments of the notebooks, so presenter mode could not resize them anyway.)
NOT_LIVE_FIGURES = ("style.py",)


def _measure():
    """Sizes, as drawn, of a plain figure made with the current style."""
    fig, ax = plt.subplots()
    (line,) = ax.plot([0, 1], [0, 1], marker="o", label="a line")
    ax.set_title("Title")
    ax.set_xlabel("Time step")
    legend = ax.legend()
    fig.canvas.draw()
    sizes = {
        "figure width (px)": fig.get_size_inches()[0] * fig.dpi,
        "line width": line.get_linewidth(),
        "marker size": line.get_markersize(),
        "title font": ax.title.get_fontsize(),
        "label font": ax.xaxis.label.get_fontsize(),
        "tick font": ax.get_xticklabels()[0].get_fontsize(),
        "legend font": legend.get_texts()[0].get_fontsize(),
    }
    plt.close(fig)
    return sizes


@pytest.fixture
def restore_style():
    """Each test starts from the course's style on matplotlib's defaults, whatever another test in
    this process left (a leftover presenter size once hid that leaving presenter mode kept it)."""
    mpl.rcdefaults()
    use_course_style()
    yield
    mpl.rcdefaults()
    use_course_style()


def test_presenter_style_enlarges_every_later_figure(restore_style):
    use_course_style()
    classroom = _measure()
    use_presenter_style()
    presenter = _measure()
    smaller = [name for name in classroom if not presenter[name] > classroom[name]]
    assert not smaller, f"not enlarged by use_presenter_style(): {smaller}"


def test_presenter_style_off_restores_the_classroom_sizes(restore_style):
    use_course_style()
    classroom = _measure()
    use_presenter_style()
    use_presenter_style(on=False)
    assert _measure() == classroom


def test_presenter_style_enlarges_the_course_plots(restore_style):
    history = {
        "loss": [0.7, 0.6],
        "val_loss": [0.7, 0.65],
        "accuracy": [0.5, 0.6],
        "val_accuracy": [0.5, 0.55],
    }

    def measure():
        fig = plot_history(history)
        ax = fig.axes[0]
        sizes = (
            fig.get_size_inches()[0],
            ax.get_lines()[0].get_linewidth(),
            ax.title.get_fontsize(),
        )
        plt.close(fig)
        return sizes

    use_course_style()
    classroom = measure()
    use_presenter_style()
    assert all(p > c for p, c in zip(measure(), classroom))


def _sources():
    """(where, code) for the modules that draw live figures, and every notebook cell."""
    for path in sorted((REPO_DIR / "lesson_utils").rglob("*.py")):
        if path.name not in NOT_LIVE_FIGURES:
            yield path.relative_to(REPO_DIR), path.read_text(encoding="utf-8")
    for path in sorted((REPO_DIR / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                yield f"{path.relative_to(REPO_DIR)} cell {index}", cell.source


def test_sizes_are_set_only_in_the_figure_style():
    fixed = []
    for where, code in _sources():
        for number, line in enumerate(code.splitlines(), start=1):
            if FIXED_SIZE.search(line.split("#", 1)[0]):
                fixed.append(f"{where}:{number}: {line.strip()}")
    assert not fixed, (
        "Sizes fixed outside lesson_utils/figures/style.py, which use_presenter_style() cannot "
        "enlarge; take them from the style (e.g. plt.subplots() with no figsize, or a "
        "named size added to lesson_utils/figures/style.py):\n" + "\n".join(fixed)
    )


@pytest.mark.parametrize(
    "line, fixed",
    [
        ("fig, ax = plt.subplots(figsize=(7.5, 3.6))", True),
        ("ax.axhline(0, linewidth=0.8)", True),
        ("ax.plot(x, lw=2)", True),
        ("plt.rcParams['font.size'] = 20", True),
        ("mpl.rcParams.update({'font.size': 20})", True),
        ("plt.style.use('ggplot')", True),
        ("ax.set_title('x', fontsize='large')", False),
        ("fig, ax = plt.subplots(figsize=_wide())", False),
        ("fig, axes = plt.subplots(1, 2, figsize=(width * 1.4, height))", False),
        ("fig.set_size_inches(4, 3)", True),
        ("assert mpl.rcParams['font.size'] == 11", False),
        ("ax.plot(x, color=PALETTE['blue'])", False),
    ],
)
def test_the_size_detector(line, fixed):
    assert bool(FIXED_SIZE.search(line)) == fixed


def test_the_instructor_guide_imports_each_name_for_instructors_and_its_lines_run():
    import lesson_utils

    guide = (REPO_DIR / "docs" / "instructors.md").read_text(encoding="utf-8")
    lines = re.findall(r"`(from lesson_utils import [^`]+)`", guide)
    imported = {
        name.strip()
        for line in lines
        for name in re.match(r"from lesson_utils import ([\w, ]+)", line).group(1).split(",")
    }
    assert set(lesson_utils.FOR_INSTRUCTORS) <= imported, "the guide should show every name"
    for line in lines:
        done = subprocess.run(
            [sys.executable, "-c", line],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=REPO_DIR,
            env={**os.environ, "MPLBACKEND": "Agg"},
        )
        assert done.returncode == 0, f"docs/instructors.md: {line!r} fails\n{done.stderr}"
