"""The graded edition (issue 27): built from the notebooks, hidden tests that grade, points.

The unit tests here build the edition in seconds and run each hidden test in this process: it
passes the worked solution and fails every usual mistake of its check, the check's own answer
memorised, and an answer that calls the course's implementation. The last test grades the
edition for real: nbgrader's own generate_assignment and autograde on three submissions of
notebooks 01 and 04, in the grading environment (`make grading`).
"""

import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest
from ci_rules import skip_or_fail

import lesson_utils
from course_tools import NOTEBOOKS_DIR, REPO_DIR, cell_source
from course_tools.assignments import (
    EXERCISE_TASK,
    build,
    edition,
    find_exercises,
    main,
    read_points,
)
from course_tools.grading import usual_mistakes
from course_tools.hidden_cases import HIDDEN_CASES, HiddenCase
from course_tools.hidden_tests import (
    BEGIN_HIDDEN,
    END_HIDDEN,
    EditionError,
    exercise_of,
    hidden_test,
    literal,
)

GRADING_PYTHON = REPO_DIR / ".venv-grading" / "bin" / "python"
EXERCISES, _ = edition(seed=0)
EVERY_EXERCISE = [exercise for found in EXERCISES.values() for exercise in found]


def _id(exercise):
    return f"{exercise.notebook[:2]}-{exercise.function}"


def _hidden_part(exercise, seed=0):
    source = hidden_test(exercise, np.random.default_rng(seed))
    assert source.startswith(BEGIN_HIDDEN) and source.endswith(END_HIDDEN)
    return source


def _run(test_source, exercise, answer):
    """Runs a test's source with `answer` as the learner's function, as the notebook would."""
    namespace = {"np": np, exercise.check: getattr(lesson_utils, exercise.check)}
    namespace[exercise.function] = answer
    exec(test_source, namespace)


def _solution(exercise):
    namespace = {"np": np}
    exec(exercise.solution, namespace)
    return namespace[exercise.function]


def test_every_exercise_of_every_notebook_is_in_the_edition():
    tasks = sum(
        bool(EXERCISE_TASK.match(cell_source(cell)))
        for path in NOTEBOOKS_DIR.glob("*.ipynb")
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
        if cell["cell_type"] == "markdown"
    )
    assert len(EVERY_EXERCISE) == tasks == 21
    assert {exercise.check for exercise in EVERY_EXERCISE} == set(HIDDEN_CASES)
    assert all(exercise.points >= 1 for exercise in EVERY_EXERCISE)


@pytest.mark.parametrize(
    "row, problem",
    [
        (None, "has no points for [('01', 2, 'latch_weights')]"),
        ("01,3,extra,2", "exercises the notebooks do not have: [('01', 3, 'extra')]"),
        ("01,2,latch_weights,0", "points must be a whole number above 0. Received: '0'"),
        ("01,2,latch_weights,two", "Received: 'two'"),
    ],
)
def test_points_table_mistakes_are_named(tmp_path, row, problem):
    table = tmp_path / "points.csv"
    rows = ["notebook,exercise,function,points", "01,1,rnn_step_one_matrix,2"]
    if row and not row.startswith("01,2"):
        rows.append("01,2,latch_weights,3")
    table.write_text("\n".join([*rows, *([row] if row else [])]) + "\n", encoding="utf-8")
    with pytest.raises(EditionError, match=re.escape(problem)):
        read_points(find_exercises(NOTEBOOKS_DIR / "01_rnn_loop.ipynb"), table)


def test_literal_rebuilds_every_value_exactly():
    rng = np.random.default_rng(1)
    values = {
        "floats": rng.normal(size=(7, 13)),
        "ints": rng.integers(0, 9, size=40),
        "tiny": np.array([1e-300, -2.5e-17]),
        "params": {"kernel": rng.normal(size=(3, 2)), "bias": rng.normal(size=2)},
        "arrays": [rng.normal(size=4), rng.normal(size=(2, 2))],
        "nested": [[], [3, 5], list(range(60))],
        "text": 'it\'s "quoted"\n',
        "number": 0.1 + 0.2,
    }
    for name, value in values.items():
        rebuilt = eval(literal(value), {"np": np})
        flat = (
            [value]
            if not isinstance(value, (dict, list))
            else list(value.values() if isinstance(value, dict) else value)
        )
        again = (
            [rebuilt]
            if not isinstance(rebuilt, (dict, list))
            else list(rebuilt.values() if isinstance(rebuilt, dict) else rebuilt)
        )
        for a, b in zip(flat, again):
            assert np.array_equal(np.asarray(a), np.asarray(b)), name
            assert np.asarray(a).dtype.kind == np.asarray(b).dtype.kind, name


@pytest.mark.parametrize("exercise", EVERY_EXERCISE, ids=_id)
def test_hidden_test_passes_the_worked_solution(exercise):
    _run(_hidden_part(exercise), exercise, _solution(exercise))


@pytest.mark.parametrize("exercise", EVERY_EXERCISE, ids=_id)
def test_hidden_test_fails_every_usual_mistake_on_its_values(exercise, monkeypatch):
    mistakes = usual_mistakes(exercise)
    source = _hidden_part(exercise)
    # The mistakes are the course's own functions: without the watch on lesson_utils, each must
    # still fail on the frozen values alone.
    monkeypatch.setattr(sys, "setprofile", lambda function: None)
    for mistake in mistakes:
        # A mistake fails an assert, or raises on the test's other shapes: a cell that raises
        # scores 0 in nbgrader too.
        with pytest.raises((AssertionError, ValueError, IndexError)), np.errstate(all="ignore"):
            _run(source, exercise, mistake)


@pytest.mark.parametrize(
    "exercise",
    [e for e in EVERY_EXERCISE if exercise_of(e.check) is not None],
    ids=_id,
)
def test_hidden_test_fails_the_checks_own_answer_and_the_courses_implementation(exercise):
    reference = exercise_of(exercise.check)
    source = _hidden_part(exercise)
    visible = reference.reference(*next(iter(reference.cases.values())))
    with pytest.raises(AssertionError, match="another answer than the course's"):
        _run(source, exercise, lambda *args: visible)
    with pytest.raises(AssertionError, match=r"calls the course's own code \(lesson_utils\."):
        _run(source, exercise, reference.reference)


def test_hidden_inputs_must_tell_the_right_answer_from_the_check_and_its_mistakes(monkeypatch):
    forget_bias = next(e for e in EVERY_EXERCISE if e.check == "check_forget_bias")
    monkeypatch.setitem(
        HIDDEN_CASES, "check_forget_bias", HiddenCase(lambda rng: {"share": 0.5, "steps": 50})
    )
    with pytest.raises(EditionError, match="the hidden inputs give the check's own answer"):
        hidden_test(forget_bias, np.random.default_rng(0))
    clipped = next(e for e in EVERY_EXERCISE if e.check == "check_clipped_check_error")
    above_only = HiddenCase(lambda rng: {"global_norm": 5.0, "clip_norm": 2.0})
    monkeypatch.setitem(HIDDEN_CASES, "check_clipped_check_error", above_only)
    with pytest.raises(EditionError, match="do not reveal the mistake 'below clip_norm"):
        hidden_test(clipped, np.random.default_rng(0))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("nbgrader")
    return out, build(out, seed=7)


def _cleared(source):
    """An answer cell as nbgrader's release hands it out (code_stub 'return None')."""
    lines, kept, inside = source.splitlines(), [], False
    for line in lines:
        if line.strip() == "### BEGIN SOLUTION":
            inside = True
            kept.append(line.replace("### BEGIN SOLUTION", "return None"))
        elif line.strip() == "### END SOLUTION":
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


@pytest.mark.parametrize("path", sorted(EXERCISES), ids=lambda path: path.stem)
def test_edition_notebook_is_the_lesson_with_graded_exercises(built, path):
    out, summary = built
    course = json.loads(path.read_text(encoding="utf-8"))["cells"]
    cells = json.loads((out / "source" / path.stem / path.name).read_text(encoding="utf-8"))[
        "cells"
    ]
    graded = {e.grade_id: e for e in EXERCISES[path]}
    answers = [c for c in cells if c["metadata"].get("nbgrader", {}).get("solution")]
    tests = [c for c in cells if c["metadata"].get("nbgrader", {}).get("grade")]
    assert [c["metadata"]["nbgrader"]["grade_id"] for c in answers] == list(graded)
    for answer in answers:
        exercise = graded[answer["metadata"]["nbgrader"]["grade_id"]]
        following = cells[cells.index(answer) + 1]
        assert following in tests, f"{exercise.function}: its test cell follows its answer cell"
        assert _cleared(cell_source(answer)) == exercise.stub, "the release hands out the stub"
        metadata = following["metadata"]["nbgrader"]
        assert metadata["locked"] and metadata["points"] == exercise.points
        assert cell_source(following).startswith(f"assert {exercise.check}({exercise.function})")
    assert summary["points"][path.stem] == {e.grade_id: e.points for e in EXERCISES[path]}
    assert not any({"solution", "answer"} & set(c["metadata"].get("tags", [])) for c in cells)
    start = next(i for i, c in enumerate(cells) if cell_source(c).startswith("## Exercises"))
    prose = [c for c in cells[start:] if c.get("id") != "graded-edition-note"]
    assert not any("worked solution" in cell_source(c).lower() for c in prose)
    kept = [c for c in course if c["id"] in {cell.get("id") for cell in cells}]
    left_out = [c for c in course if c not in kept]
    exercises_start = next(
        i for i, c in enumerate(course) if cell_source(c).startswith("## Exercises")
    )
    exercises_notes = [
        c
        for c in course[exercises_start:]
        if c["metadata"].get("slideshow", {}).get("slide_type") == "notes"
    ]
    assert all(
        {"solution", "answer"} & set(c["metadata"].get("tags", []))
        or cell_source(c).startswith("*Worked solution")
        or c in exercises_notes
        or c["cell_type"] == "code"
        and "return None" in cell_source(c)
        for c in left_out
    ), "only the solutions, answer notes, the exercises' speaker notes and stubs are left out"
    assert not any(c in exercises_notes for c in kept)
    assert len({c["id"] for c in cells}) == len(cells), "cell ids are unique"


def test_build_is_reproducible_from_its_seed(built, tmp_path):
    out, summary = built
    name = "03_lstm_gru_gates"
    first = (out / "source" / name / f"{name}.ipynb").read_text(encoding="utf-8")
    for folder, seed in (("again", summary["seed"]), ("other", summary["seed"] + 1)):
        build(tmp_path / folder, notebooks=["03"], seed=seed)
    again = (tmp_path / "again" / "source" / name / f"{name}.ipynb").read_text(encoding="utf-8")
    other = (tmp_path / "other" / "source" / name / f"{name}.ipynb").read_text(encoding="utf-8")
    assert again == first, "a notebook's hidden inputs depend on the seed alone"
    assert other != first, "another seed draws other hidden inputs"


def test_course_notebooks_carry_nothing_of_nbgrader():
    for path in NOTEBOOKS_DIR.glob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert '"nbgrader"' not in text and "### BEGIN SOLUTION" not in text, path.name


def test_build_prints_each_notebooks_points_and_the_total(tmp_path, capsys):
    assert main(["build", "--out", str(tmp_path), "--seed", "3"]) == 0
    printed = capsys.readouterr().out
    assert (
        "01_rnn_loop: 5 points (exercise_1_rnn_step_one_matrix 2, exercise_2_latch_weights 3)"
        in printed
    )
    assert "the course: 49 points; hidden tests drawn with seed 3" in printed
    assert (tmp_path / "nbgrader_config.py").is_file()


def test_nbgrader_grades_solutions_untouched_and_mistaken_submissions(tmp_path):
    """nbgrader's own generate_assignment and autograde, in quick mode, on 01 and 04."""
    if not GRADING_PYTHON.exists():
        skip_or_fail("the grading environment is missing: run make grading")
    output = tmp_path / "selftest.json"
    kinds = ["solutions", "untouched", "mistakes_odd"]
    command = [str(GRADING_PYTHON), "-m", "course_tools.assignments", "selftest"]
    command += ["--notebooks", "01", "04", "--kinds", *kinds]
    command += ["--course", str(tmp_path / "course"), "--output", str(output)]
    run = subprocess.run(
        command, cwd=REPO_DIR, env={**os.environ}, capture_output=True, text=True, timeout=900
    )
    assert output.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(output.read_text(encoding="utf-8"))
    for name, notebook in result["notebooks"].items():
        points = result["points"][name]
        runs = notebook["submissions"]
        assert runs["solutions"]["scores"] == {k: float(v) for k, v in points.items()}, name
        assert set(runs["untouched"]["scores"].values()) == {0.0}, name
        first, *rest = points
        assert runs["mistakes_odd"]["scores"][first] == 0.0, name
        assert all(runs["mistakes_odd"]["scores"][k] == points[k] for k in rest[::2]), name
        for kind in kinds:
            assert runs[kind]["errors_outside_test_cells"] == [], (name, kind)
        assert notebook["release_hands_out_the_course_stubs"], name
        assert notebook["release_hides_solutions_and_hidden_tests"], name
    assert run.returncode == 0 and result["ok"], run.stdout[-3000:]
