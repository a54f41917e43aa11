"""Every notebook's exercises follow the course's one pattern.

An exercise is four cells: the task (Markdown); the learner's stub, a function
returning `None` that the cell already hands to its check, so a finished answer
is checked without a second edit; a one-line pointer to the worked solution; and
the worked solution, collapsed (JupyterLab's hidden source), skipped on slides,
asserting that it passes the same check. nbval runs the solutions, so each check
is proved to accept its own solution; tests/test_exercises.py proves that the
checks reject the usual wrong answers.
"""

import json
import re
from pathlib import Path

import pytest

import lesson_utils

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
# The learner's cell: `check_thing(my_thing);` at the start of a line.
EXERCISE_CALL = re.compile(r"^(check_\w+)\((\w+)\);?\s*$", re.M)
SOLUTION_CALL = re.compile(r"^assert (check_\w+)\((solution_\w+)\), ", re.M)


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell):
    return "".join(cell["source"])


def exercises(cells):
    """`(index, check name, function name)` of each learner's exercise cell."""
    found = []
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            found.extend(
                (index, check, function)
                for check, function in EXERCISE_CALL.findall(_source(cell))
                if not function.startswith("solution_")
            )
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_at_least_two_checked_exercises_after_the_recap(path):
    cells = _cells(path)
    found = exercises(cells)
    assert len(found) >= 2, f"{path.name} has {len(found)} checked exercise(s); the course asks two"
    first_code = next(i for i, cell in enumerate(cells) if cell["cell_type"] == "code")
    opening = " ".join(_source(cell) for cell in cells[:first_code]).lower()
    assert "learning objectives" in opening, f"{path.name} opens without objectives"
    recap = [
        i
        for i, cell in enumerate(cells)
        if cell["cell_type"] == "markdown" and re.search(r"^##+ Recap", _source(cell), re.M)
    ]
    assert recap and recap[0] < found[0][0], f"{path.name}: the exercises come after a recap"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_exercise_is_a_stub_its_pointer_and_a_collapsed_solution(path):
    cells = _cells(path)
    for index, check, function in exercises(cells):
        stub = _source(cells[index])
        assert re.search(rf"^def {function}\(", stub, re.M) and "return None" in stub, (
            f"{path.name} cell {index}: the stub must define {function} returning None"
        )
        pointer, solution = cells[index + 1], cells[index + 2]
        assert pointer["cell_type"] == "markdown" and "Worked solution" in _source(pointer), (
            f"{path.name} cell {index + 1}: a one-line pointer to the worked solution"
        )
        assert solution["cell_type"] == "code", f"{path.name} cell {index + 2}: no solution"
        metadata = solution["metadata"]
        assert metadata.get("jupyter", {}).get("source_hidden") is True, (
            f"{path.name} cell {index + 2}: the worked solution must be collapsed in JupyterLab"
        )
        assert metadata.get("cellView") == "form" and _source(solution).startswith("# @title "), (
            f"{path.name} cell {index + 2}: the worked solution must be hidden in Colab too "
            "(a form cell: python -m course_tools sync writes it)"
        )
        assert {"solution", "hide-input"} <= set(metadata.get("tags", [])), (
            f"{path.name} cell {index + 2}: tag the solution 'solution' and 'hide-input'"
        )
        for cell in (pointer, solution):
            assert cell["metadata"].get("slideshow", {}).get("slide_type") == "skip", (
                f"{path.name}: worked solutions stay off the slides"
            )
        assert (check,) == tuple({c for c, _ in SOLUTION_CALL.findall(_source(solution))}), (
            f"{path.name} cell {index + 2}: the solution must `assert {check}(solution_...), ...`"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_check_is_handed_none(path):
    for index, cell in enumerate(_cells(path)):
        assert not re.search(r"\bcheck_\w+\(\s*None\b", _source(cell)), (
            f"{path.name} cell {index}: hand the check the learner's function, not None"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_exercise_is_named_like_a_name_the_notebook_imports(path):
    # e.g. share_truncated against truncated_share, confusion against confusion_matrix: the
    # learner's function would hide the course's, or look like it. (A notebook may still use
    # `lesson_utils.confusion_matrix`: that name is not imported.)
    cells = _cells(path)
    code = "\n".join(_source(cell) for cell in cells if cell["cell_type"] == "code")
    imported = {name for name in lesson_utils.__all__ if re.search(rf"(?<![\w.]){name}\b", code)}
    for index, _, stub in exercises(cells):
        close = [
            name
            for name in imported
            if set(name.split("_")) == set(stub.split("_"))
            or name.startswith(stub)
            or stub.startswith(name)
        ]
        assert not close, f"{path.name} cell {index}: the exercise's {stub!r} is close to {close}"
