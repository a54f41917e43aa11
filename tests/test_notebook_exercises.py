"""Every notebook's exercises follow the course's one pattern.

An exercise is four cells: the task (Markdown); the learner's stub, a function
returning `None` that the cell already hands to its check, so a finished answer
is checked without a second edit; a one-line pointer to the worked solution; and
the worked solution, collapsed (JupyterLab's hidden source), skipped on slides,
asserting that it passes the same check. nbval runs the solutions, so each check
is proved to accept its own solution; tests/test_exercises.py proves that the
checks reject the usual wrong answers.

An open task, `**Explore N. Title.**`, numbered on after the exercises, is
followed by its answer note: a Markdown cell tagged `answer`, skipped on slides,
whose whole source is a closed `<details>` element (its summary "Answer note to
explore N", then the answer). Where the answer can be checked in code, a pointer
and a collapsed worked solution follow the note, as an exercise's do, and the
solution asserts the answer.
"""

import json
import re
from pathlib import Path

import pytest

import lesson_utils
from course_tools import cell_source
from course_tools.assignments import EXERCISE_CALL, EXERCISE_TASK, SOLUTION_CALL

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
# The learner's cell, the worked solution's assertion and an exercise's task, as the graded
# edition reads them; an explore task's first words: "**Explore 5. Title.**".
EXPLORE_TASK = re.compile(r"^\*\*Explore (\d+)\. [^*\n]+?\*\*")
# What the explore tasks were called before they had answer notes.
OLD_EXPLORE_NAME = re.compile(r"^\*\*(Exercise \d+ \(explore\)|Explore\.)", re.M)
ANSWER_NOTE = re.compile(
    r"\A<details>\n<summary><b>Answer note to explore (\d+)</b>[^\n]*</summary>\n\n"
    r"(.*\S.*)\n\n</details>\Z",
    re.S,
)
EXPLORE_POINTER = re.compile(r"^\*Worked solution to explore (\d+)\b")


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def exercises(cells):
    """`(index, check name, function name)` of each learner's exercise cell."""
    found = []
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            found.extend(
                (index, check, function)
                for check, function in EXERCISE_CALL.findall(cell_source(cell))
                if not function.startswith("solution_")
            )
    return found


def tasks(cells):
    """`(index, "exercise" or "explore", number)` of each task's Markdown cell, in order."""
    found = []
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        for kind, pattern in (("exercise", EXERCISE_TASK), ("explore", EXPLORE_TASK)):
            match = pattern.match(cell_source(cell))
            if match:
                found.append((index, kind, int(match.group(1))))
    return found


def _is_skipped(cell):
    return cell["metadata"].get("slideshow", {}).get("slide_type") == "skip"


def _check_collapsed_solution(path, index, pointer, solution):
    """Asserts that cell `index` is a worked solution hidden as sync hides it, after its pointer."""
    assert pointer["cell_type"] == "markdown" and "Worked solution" in cell_source(pointer), (
        f"{path.name} cell {index - 1}: a one-line pointer to the worked solution"
    )
    assert solution["cell_type"] == "code", f"{path.name} cell {index}: no solution"
    metadata = solution["metadata"]
    assert metadata.get("jupyter", {}).get("source_hidden") is True, (
        f"{path.name} cell {index}: the worked solution must be collapsed in JupyterLab"
    )
    assert metadata.get("cellView") == "form" and cell_source(solution).startswith("# @title "), (
        f"{path.name} cell {index}: the worked solution must be hidden in Colab too "
        "(a form cell: python -m course_tools sync writes it)"
    )
    assert {"solution", "hide-input"} <= set(metadata.get("tags", [])), (
        f"{path.name} cell {index}: tag the solution 'solution' and 'hide-input'"
    )
    assert _is_skipped(pointer) and _is_skipped(solution), (
        f"{path.name}: worked solutions stay off the slides"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_at_least_two_checked_exercises_after_the_recap(path):
    cells = _cells(path)
    found = exercises(cells)
    assert len(found) >= 2, f"{path.name} has {len(found)} checked exercise(s); the course asks two"
    first_code = next(i for i, cell in enumerate(cells) if cell["cell_type"] == "code")
    opening = " ".join(cell_source(cell) for cell in cells[:first_code]).lower()
    assert "learning objectives" in opening, f"{path.name} opens without objectives"
    recap = [
        i
        for i, cell in enumerate(cells)
        if cell["cell_type"] == "markdown" and re.search(r"^##+ Recap", cell_source(cell), re.M)
    ]
    assert recap and recap[0] < found[0][0], f"{path.name}: the exercises come after a recap"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_exercise_is_a_stub_its_pointer_and_a_collapsed_solution(path):
    cells = _cells(path)
    for index, check, function in exercises(cells):
        stub = cell_source(cells[index])
        assert re.search(rf"^def {function}\(", stub, re.M) and "return None" in stub, (
            f"{path.name} cell {index}: the stub must define {function} returning None"
        )
        pointer, solution = cells[index + 1], cells[index + 2]
        _check_collapsed_solution(path, index + 2, pointer, solution)
        assert (check,) == tuple({c for c, _ in SOLUTION_CALL.findall(cell_source(solution))}), (
            f"{path.name} cell {index + 2}: the solution must `assert {check}(solution_...), ...`"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_check_is_handed_none(path):
    for index, cell in enumerate(_cells(path)):
        assert not re.search(r"\bcheck_\w+\(\s*None\b", cell_source(cell)), (
            f"{path.name} cell {index}: hand the check the learner's function, not None"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_exercise_is_named_like_a_name_the_notebook_imports(path):
    # e.g. share_truncated against truncated_share, confusion against confusion_matrix: the
    # learner's function would hide the course's, or look like it. (A notebook may still use
    # `lesson_utils.confusion_matrix`: that name is not imported.)
    cells = _cells(path)
    code = "\n".join(cell_source(cell) for cell in cells if cell["cell_type"] == "code")
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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_task_keeps_an_old_explore_name(path):
    for index, cell in enumerate(_cells(path)):
        text = cell_source(cell)
        if cell["cell_type"] != "markdown":
            continue
        old = OLD_EXPLORE_NAME.search(text)
        assert not old, (
            f"{path.name} cell {index}: {old and old.group(0)!r} is an explore task: call it "
            "'**Explore N. Title.**', N following the exercises, and give it an answer note"
        )
        assert not text.startswith("**Explore") or EXPLORE_TASK.match(text), (
            f"{path.name} cell {index}: an explore task opens '**Explore N. Title.**'"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_explore_numbers_continue_after_the_exercises(path):
    found = tasks(_cells(path))
    numbers = [number for _, _, number in found]
    assert numbers == list(range(1, len(found) + 1)), (
        f"{path.name}: the tasks are numbered {numbers}; number them 1, 2, ... in order"
    )
    kinds = [kind for _, kind, _ in found]
    assert kinds == sorted(kinds, key=lambda kind: kind == "explore"), (
        f"{path.name}: the explore tasks come after the exercises, not between them: {kinds}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_explore_task_is_followed_by_its_answer_note(path):
    cells = _cells(path)
    explores = [(index, number) for index, kind, number in tasks(cells) if kind == "explore"]
    for index, number in explores:
        note = cells[index + 1] if index + 1 < len(cells) else {"metadata": {}, "source": ""}
        where = f"{path.name} cell {index + 1}, after explore {number}"
        assert "answer" in note["metadata"].get("tags", []) and note["cell_type"] == "markdown", (
            f"{where}: its answer note, a Markdown cell tagged 'answer'"
        )
        assert _is_skipped(note), f"{where}: the answer note stays off the slides"
        match = ANSWER_NOTE.match(cell_source(note).strip())
        assert match, (
            f"{where}: the note is '<details>', '<summary><b>Answer note to explore {number}</b> "
            "(open it once you have tried)</summary>', a blank line, the answer, a blank line, "
            "'</details>'"
        )
        assert int(match.group(1)) == number, f"{where}: the note's summary names explore {number}"
        assert "<details" not in match.group(2), f"{where}: one note, not two"
    notes = [i for i, cell in enumerate(cells) if "answer" in cell["metadata"].get("tags", [])]
    assert notes == [index + 1 for index, _ in explores], (
        f"{path.name}: every cell tagged 'answer' follows its explore task (cells {notes})"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_checked_explore_is_its_pointer_and_a_collapsed_solution_that_asserts(path):
    cells = _cells(path)
    for index, cell in enumerate(cells[:-1]):
        pointer = (
            EXPLORE_POINTER.match(cell_source(cell)) if cell["cell_type"] == "markdown" else None
        )
        if not pointer:
            continue
        number = int(pointer.group(1))
        note = ANSWER_NOTE.match(cell_source(cells[index - 1]).strip())
        assert note and int(note.group(1)) == number, (
            f"{path.name} cell {index}: the worked solution to explore {number} follows its "
            "answer note"
        )
        solution = cells[index + 1]
        _check_collapsed_solution(path, index + 1, cell, solution)
        code = cell_source(solution)
        assert code.startswith(f"# @title Worked solution to explore {number}\n"), (
            f"{path.name} cell {index + 1}: titled 'Worked solution to explore {number}' "
            "(python -m course_tools sync writes it)"
        )
        assert solution["metadata"]["jupyter"].get("outputs_hidden") is True, (
            f"{path.name} cell {index + 1}: its outputs give the answer away: fold them "
            "(python -m course_tools sync writes it)"
        )
        assert re.search(r"^assert \S", code, re.M), (
            f"{path.name} cell {index + 1}: the worked solution to explore {number} must assert "
            "the answer, with a message a learner understands"
        )
