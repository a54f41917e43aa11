"""Grading the graded edition for real: nbgrader's own release and autograde on made-up submissions.

`python -m course_tools.assignments selftest` builds the edition, and for each
notebook lets nbgrader generate the release and autograde submissions of each
kind: the worked solutions (full marks), the untouched release (0 on every
exercise, every other cell still runs), and a usual mistake, from the check's own
list, in the odd-numbered exercises or in the even ones (those lose their points,
no others). It also runs every usual mistake of every exercise against its test
cell, and saves the scores and the seconds per submission. nbgrader comes with
the course's `grading` extra (`make grading`).
"""

import contextlib
import copy
import io
import json
import os
import shutil
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

from course_tools import cell_lines, cell_source, machine
from course_tools.assignments import argument_names, build, edition
from course_tools.executed import output_problems
from course_tools.hidden_tests import BEGIN_HIDDEN, exercise_location, exercise_of, hidden_cases

KINDS = ("solutions", "untouched", "mistakes_odd", "mistakes_even")


def mistake_answer(exercise):
    """The learner's function making the first usual mistake of the exercise's check."""
    header = exercise.stub.splitlines()[0]
    found = exercise_location(exercise.check)
    if found is None:
        body = hidden_cases(exercise.check)[0].mistake
    else:
        module, name = found
        arguments = ", ".join(argument_names(exercise.stub, exercise.function))
        body = (
            f"from {module} import {name}\n\n"
            f"return next(iter({name}.mistakes.values()))({arguments})"
        )
    return f"{header}\n{textwrap.indent(body, '    ')}"


def usual_mistakes(exercise):
    """The exercise's usual mistakes as functions of the learner's arguments: its check's list,
    or the one its hidden case states (`mistake_answer`)."""
    reference = exercise_of(exercise.check)
    if reference is not None:
        return list(reference.mistakes.values())
    namespace = {"np": np}
    exec(mistake_answer(exercise), namespace)
    return [namespace[exercise.function]]


def expected_points(exercise, kind):
    """What a submission of `kind` should score on `exercise`."""
    mistaken = {"mistakes_odd": 1, "mistakes_even": 0}.get(kind)
    if kind == "untouched" or (mistaken is not None and exercise.number % 2 == mistaken):
        return 0
    return exercise.points


def submission(release, exercises, kind):
    """The release as a learner of `kind` hands it in.

    Args:
        release: the released notebook, a dict.
        exercises: its `GradedExercise`s.
        kind: one of `KINDS`: the worked solutions; the release untouched; a usual mistake in
            the odd-numbered exercises (or the even ones), the worked solutions elsewhere.

    Returns:
        The submitted notebook, a dict.
    """
    answers = {e.grade_id: e for e in exercises}
    notebook = copy.deepcopy(release)
    for cell in notebook["cells"]:
        exercise = answers.get(cell["metadata"].get("nbgrader", {}).get("grade_id"))
        if exercise is None or kind == "untouched":
            continue
        right = expected_points(exercise, kind) == exercise.points
        cell["source"] = cell_lines(exercise.solution if right else mistake_answer(exercise))
    return notebook


def failing_mistakes(notebook_path, exercises):
    """Runs every usual mistake of every exercise against its graded test cell, in this process.

    Args:
        notebook_path: the edition's source notebook.
        exercises: its `GradedExercise`s.

    Returns:
        dict grade id -> `{"mistakes": n, "failed": m}`: a test cell must fail every mistake.
    """
    import lesson_utils

    cells = json.loads(Path(notebook_path).read_text(encoding="utf-8"))["cells"]
    tests = {
        cell["metadata"]["nbgrader"]["grade_id"]: cell_source(cell)
        for cell in cells
        if cell["metadata"].get("nbgrader", {}).get("grade")
    }
    counts = {}
    for exercise in exercises:
        mistakes = usual_mistakes(exercise)
        failed = 0
        for mistake in mistakes:
            namespace = {
                "np": np,
                exercise.check: getattr(lesson_utils, exercise.check),
                exercise.function: mistake,
            }
            try:
                with contextlib.redirect_stdout(io.StringIO()), np.errstate(all="ignore"):
                    exec(tests[f"{exercise.grade_id}_test"], namespace)
            except Exception:  # as in nbgrader, a test cell that raises fails
                failed += 1
        counts[exercise.grade_id] = {"mistakes": len(mistakes), "failed": failed}
    return counts


def _api(course):
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    return NbGraderAPI(config=config)


def _succeeded(result, what):
    if not result["success"]:
        raise RuntimeError(f"nbgrader {what} failed:\n{result.get('log')}\n{result.get('error')}")


def _scores(course, assignment, student):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{Path(course) / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(assignment, assignment, student)
        return {
            grade.name.removesuffix("_test"): float(grade.score)
            for grade in notebook.grades
            if grade.max_score
        }


def _errors_outside_tests(path):
    """What the course's rule for outputs (`course_tools.executed.output_problems`: an error, text
    on standard error, ...) finds in the code cells other than the graded test cells, whose
    failing is the grade."""
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    return [
        f"cell {index}: {problem}"
        for index, cell in enumerate(cells)
        if cell["cell_type"] == "code" and not cell["metadata"].get("nbgrader", {}).get("grade")
        for problem in output_problems(cell.get("outputs", []))
    ]


def _release_hides_answers(release):
    """Whether the release holds neither a solution nor a hidden test."""
    text = "".join(cell_source(cell) for cell in release["cells"])
    return all(marker not in text for marker in ("### BEGIN SOLUTION", BEGIN_HIDDEN, "graded_call"))


def _released_stubs(release, exercises):
    """Whether every answer cell of the release is the course's stub again."""
    by_id = {e.grade_id: e.stub for e in exercises}
    found = {
        cell["metadata"]["nbgrader"]["grade_id"]: cell_source(cell).rstrip()
        for cell in release["cells"]
        if cell["metadata"].get("nbgrader", {}).get("grade_id") in by_id
    }
    return found == by_id


def grade_notebook(course, path, exercises, kinds):
    """Releases one assignment with nbgrader, hands in a submission of each kind, autogrades it.

    Returns:
        A dict of what was measured, `ok` if every score is the expected one.
    """
    api = _api(course)
    assignment = path.stem
    _succeeded(api.generate_assignment(assignment), f"generate_assignment {assignment}")
    release_path = Path(course) / "release" / assignment / path.name
    release = json.loads(release_path.read_text(encoding="utf-8"))
    result = {
        "release_hands_out_the_course_stubs": _released_stubs(release, exercises),
        "release_hides_solutions_and_hidden_tests": _release_hides_answers(release),
        "mistakes_against_test_cells": failing_mistakes(
            Path(course) / "source" / assignment / path.name, exercises
        ),
        "submissions": {},
    }
    for kind in kinds:
        folder = Path(course) / "submitted" / kind / assignment
        folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps(submission(release, exercises, kind), indent=1, ensure_ascii=False)
        (folder / path.name).write_text(text + "\n", encoding="utf-8")
        start = time.perf_counter()
        _succeeded(api.autograde(assignment, kind), f"autograde {assignment} {kind}")
        seconds = time.perf_counter() - start
        scores = _scores(course, assignment, kind)
        expected = {e.grade_id: float(expected_points(e, kind)) for e in exercises}
        errors = _errors_outside_tests(Path(course) / "autograded" / kind / assignment / path.name)
        result["submissions"][kind] = {
            "seconds": round(seconds, 1),
            "scores": scores,
            "expected": expected,
            "errors_outside_test_cells": errors,
            "ok": scores == expected and not errors,
        }
    mistakes = result["mistakes_against_test_cells"].values()
    result["ok"] = (
        result["release_hands_out_the_course_stubs"]
        and result["release_hides_solutions_and_hidden_tests"]
        and all(m["failed"] == m["mistakes"] for m in mistakes)
        and all(s["ok"] for s in result["submissions"].values())
    )
    return result


def selftest(course, notebooks=None, kinds=KINDS, mode="quick", seed=None):
    """Builds the edition into `course` and grades every kind of submission of each notebook.

    Args:
        course: a folder for the nbgrader course (emptied first).
        notebooks: names or prefixes of the notebooks, or `None` for all.
        kinds: the kinds of submission (`KINDS`).
        mode: "quick" or "full", the notebooks' mode while they are graded.
        seed: the hidden tests' seed, or `None` to draw one.

    Returns:
        The measurements, a dict; its `ok` says whether every score was the expected one.
    """
    import nbgrader

    course = Path(course)
    shutil.rmtree(course, ignore_errors=True)
    summary = build(course, notebooks, seed)
    exercises, _ = edition(notebooks, summary["seed"])
    os.environ["QUICK_TEST_MODE"] = "1" if mode == "quick" else "0"
    # nbgrader runs `alembic` by its name: the one beside this interpreter, activated or not.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    graded = {}
    for path, found in exercises.items():
        graded[path.stem] = grade_notebook(course, path, found, kinds)
        seconds = [s["seconds"] for s in graded[path.stem]["submissions"].values()]
        print(f"{path.stem}: {'ok' if graded[path.stem]['ok'] else 'NOT OK'}, seconds {seconds}")
    every = [s["seconds"] for nb in graded.values() for s in nb["submissions"].values()]
    return {
        "command": "python -m course_tools.assignments selftest " + " ".join(sys.argv[2:]),
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        "nbgrader": nbgrader.__version__,
        "mode": mode,
        "seed": summary["seed"],
        "points": summary["points"],
        "notebooks": graded,
        "seconds_per_submission": {
            "mean": round(float(np.mean(every)), 1),
            "max": round(float(np.max(every)), 1),
        },
        "ok": all(result["ok"] for result in graded.values()),
    }
