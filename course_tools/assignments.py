"""The graded edition: the course's exercises as nbgrader assignments, generated from the notebooks.

`python -m course_tools.assignments build` writes an nbgrader course folder
(`artifacts/nbgrader/`): one assignment per notebook, the lesson whole (prose,
figures, widgets), each exercise's stub an autograded answer cell (its worked
solution between nbgrader's solution markers, so that the release hands out the
course's stub again), each check a locked test cell with points and a hidden
test (`course_tools.hidden_cases`), and the collapsed worked solutions and answer
notes left out. Points come from one table, `classroom/points.csv`.

`python -m course_tools.assignments selftest` grades the edition with nbgrader
itself (`course_tools.grading`). nbgrader comes with the course's `grading` extra
(`make grading`), never with the self-paced route.
"""

import argparse
import ast
import csv
import dataclasses
import json
import re
import secrets
import sys
from pathlib import Path

import numpy as np

from course_tools import NOTEBOOKS_DIR, REPO_DIR, cell_lines, cell_source
from course_tools.hidden_tests import EditionError, hidden_test

COURSE_DIR = REPO_DIR / "artifacts" / "nbgrader"
POINTS_FILE = REPO_DIR / "classroom" / "points.csv"
COURSE_ID = "rnn-course"

# The learner's cell: `check_thing(my_thing);` at the start of a line; the worked solution asserts
# `check_thing(solution_thing)`; a task starts "**Exercise 4 (reasoning). Title.**".
EXERCISE_CALL = re.compile(r"^(check_\w+)\((\w+)\);?\s*$", re.M)
SOLUTION_CALL = re.compile(r"^assert (check_\w+)\((solution_\w+)\), ", re.M)
EXERCISE_TASK = re.compile(r"^\*\*Exercise (\d+)\b")
SENTENCE = re.compile(r"(?<=[.!?;])\s+")

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
CONFIG = '''\
"""nbgrader's settings for the course's graded edition, written by
`python -m course_tools.assignments build`: edit classroom/points.csv and build again."""

c = get_config()  # noqa: F821 (nbgrader's config loader defines it)
c.CourseDirectory.course_id = "{course_id}"
# The release hands out the course's own stub: `return None`, so that the notebook runs to the end.
c.ClearSolutions.code_stub = {{"python": "return None"}}
# A cell of the course may train for minutes in full mode.
c.Execute.timeout = 900
'''
EDITION_NOTE = """\
**Graded edition.** The exercises below are graded: the worked solutions are left out, and each \
exercise is worth points ({points}). Write each function in its cell, in place of `return None`, \
with NumPy: a graded answer may not call the course's own functions from `lesson_utils`. The \
locked cell under it runs the same check as the course, so you see what is still wrong; when \
your work is graded, hidden tests also call your function on other inputs."""


@dataclasses.dataclass(frozen=True)
class GradedExercise:
    """One exercise of a notebook, as the edition grades it.

    Attributes:
        notebook: the notebook's name without `.ipynb`, e.g. "01_rnn_loop".
        number: the exercise's number in the notebook.
        check: the name of the course's check, e.g. "check_stacked_rnn_step".
        function: the name of the learner's function.
        stub: the learner's function as the course hands it out, without the call of the check.
        solution: the worked solution's function, renamed to `function`.
        stub_index: the index of the stub's cell in the notebook.
        points: what the exercise is worth (classroom/points.csv).
    """

    notebook: str
    number: int
    check: str
    function: str
    stub: str
    solution: str
    stub_index: int
    points: int = 0

    @property
    def grade_id(self):
        return f"exercise_{self.number}_{self.function}"

    def answer_cell(self):
        """The autograded answer cell's source: the stub with the solution between nbgrader's
        markers, where the stub's `return None` stood (the release puts it back)."""
        lines = self.stub.splitlines()
        stop = next(i for i, line in enumerate(lines) if line.strip() == "return None")
        indent = lines[stop][: len(lines[stop]) - len(lines[stop].lstrip())]
        body = _function_body(self.solution)
        return "\n".join(
            [
                *lines[:stop],
                indent + BEGIN_SOLUTION,
                *body,
                indent + END_SOLUTION,
                *lines[stop + 1 :],
            ]
        )

    def visible_test(self):
        return (
            f"assert {self.check}({self.function}), (\n"
            f'    "{self.function} is not right yet: the check above says what to change"\n)'
        )


def _function(source, name):
    """The `def name` statement of `source`, as a node, or `None`."""
    return next(
        (
            node
            for node in ast.parse(source).body
            if isinstance(node, ast.FunctionDef) and node.name == name
        ),
        None,
    )


def _function_body(source):
    """The lines of a one-function source after its `def` line(s)."""
    lines = source.splitlines()
    header_end = next(i for i, line in enumerate(lines) if line.rstrip().endswith(":"))
    return lines[header_end + 1 :]


def _renamed(source, name, new_name):
    """`source`'s function `name` alone, as `new_name`."""
    node = _function(source, name)
    text = "\n".join(source.splitlines()[node.lineno - 1 : node.end_lineno])
    return text.replace(f"def {name}(", f"def {new_name}(", 1)


def argument_names(source, name):
    return [argument.arg for argument in _function(source, name).args.args]


def find_exercises(path):
    """The exercises of a course notebook, in order.

    Args:
        path: the notebook's path.

    Returns:
        A list of `GradedExercise` (points 0: `read_points` gives them).

    Raises:
        EditionError: an exercise without a stub, a worked solution or the same signature in both.
    """
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    found, number = [], None
    for index, cell in enumerate(cells):
        source = cell_source(cell)
        task = EXERCISE_TASK.match(source) if cell["cell_type"] == "markdown" else None
        if task:
            number = int(task.group(1))
            continue
        calls = EXERCISE_CALL.findall(source) if cell["cell_type"] == "code" else []
        calls = [(check, name) for check, name in calls if not name.startswith("solution_")]
        if not calls:
            continue
        (check, name), where = calls[0], f"{Path(path).name} cell {index}"
        if number is None:
            raise EditionError(f"{where}: the exercise's stub has no '**Exercise N' task before it")
        stub = source[: EXERCISE_CALL.search(source).start()].rstrip()
        solution = next(
            (
                cell_source(later)
                for later in cells[index + 1 :]
                if any(c == check for c, _ in SOLUTION_CALL.findall(cell_source(later)))
            ),
            None,
        )
        if solution is None or _function(stub, name) is None:
            raise EditionError(f"{where}: exercise {number} needs its stub and a worked solution")
        solution_name = SOLUTION_CALL.search(solution).group(2)
        if argument_names(stub, name) != argument_names(solution, solution_name):
            raise EditionError(
                f"{where}: the worked solution {solution_name} takes other arguments than {name}"
            )
        found.append(
            GradedExercise(
                notebook=Path(path).stem,
                number=number,
                check=check,
                function=name,
                stub=stub,
                solution=_renamed(solution, solution_name, name),
                stub_index=index,
            )
        )
        number = None
    return found


def read_points(exercises, path=POINTS_FILE):
    """The exercises with their points from the instructor's table.

    Args:
        exercises: `GradedExercise`s, as `find_exercises` gives them.
        path: the table, a CSV file with the columns notebook, exercise, function, points.

    Returns:
        The exercises, each with its points.

    Raises:
        EditionError: an exercise missing from the table, a row for no exercise, or points that
            are not a whole number above 0.
    """
    with open(path, encoding="utf-8", newline="") as table:
        rows = list(csv.DictReader(table))
    points = {}
    for line, row in enumerate(rows, start=2):
        key = (row["notebook"], int(row["exercise"]), row["function"])
        value = row["points"].strip()
        if not value.isdigit() or int(value) < 1:
            raise EditionError(
                f"{path}, line {line}: points must be a whole number above 0. Received: {value!r}"
            )
        points[key] = int(value)
    keys = {(e.notebook[:2], e.number, e.function): e for e in exercises}
    missing = sorted(set(keys) - set(points))
    if missing:
        raise EditionError(
            f"{path} has no points for {missing}: add a row 'notebook,exercise,function,points' "
            "for each"
        )
    edited = {n for n, _, _ in keys}
    extra = sorted(key for key in set(points) - set(keys) if key[0] in edited)
    if extra:
        raise EditionError(f"{path} gives points to exercises the notebooks do not have: {extra}")
    return [dataclasses.replace(e, points=points[key]) for key, e in keys.items()]


def _markdown(source, cell_id):
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": cell_lines(source)}


def _code(source, cell_id, nbgrader):
    metadata = {
        "nbgrader": {
            "grade": False,
            "locked": False,
            "schema_version": 3,
            "solution": False,
            "task": False,
            **nbgrader,
        }
    }
    return {
        "cell_type": "code",
        "id": cell_id,
        "execution_count": None,
        "metadata": metadata,
        "outputs": [],
        "source": cell_lines(source),
    }


def _without_solution_sentences(source):
    """A Markdown text without its sentences (or clauses after a semicolon) about worked
    solutions, which the edition does not have."""
    parts = SENTENCE.split(source)
    kept = []
    for part, following in zip(parts, [*parts[1:], ""]):
        if "worked solution" in part.lower():
            continue
        if part.endswith(";") and "worked solution" in following.lower():
            part = part[:-1] + "."
        kept.append(part)
    return " ".join(kept)


def _left_out(cell, in_exercises):
    """Whether the edition leaves a course cell out: a worked solution, its pointer, an answer
    note, or the exercises' speaker notes (they tell the presenter about the worked solutions)."""
    metadata = cell["metadata"]
    return (
        bool({"solution", "answer"} & set(metadata.get("tags", [])))
        or cell_source(cell).startswith("*Worked solution")
        or in_exercises
        and metadata.get("slideshow", {}).get("slide_type") == "notes"
    )


def graded_notebook(path, exercises, rng):
    """The edition of one course notebook.

    Args:
        path: the course notebook.
        exercises: its `GradedExercise`s, with points.
        rng: the random generator of the hidden tests' inputs.

    Returns:
        The notebook, as a dict, with nbgrader's cell metadata.
    """
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    by_stub = {exercise.stub_index: exercise for exercise in exercises}
    points = ", ".join(f"exercise {e.number}: {e.points}" for e in exercises)
    cells, in_exercises = [], False
    for index, cell in enumerate(notebook["cells"]):
        source = cell_source(cell)
        if _left_out(cell, in_exercises):
            continue
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        if index in by_stub:
            exercise = by_stub[index]
            answer = {"solution": True, "grade_id": exercise.grade_id}
            cells.append(_code(exercise.answer_cell(), exercise.grade_id, answer))
            test_id = f"{exercise.grade_id}_test"
            test = {"grade": True, "locked": True, "grade_id": test_id, "points": exercise.points}
            source = "\n".join([exercise.visible_test(), hidden_test(exercise, rng)])
            cells.append(_code(source, test_id, test))
            continue
        if source.startswith("## Exercises"):
            in_exercises = True
            cells.append({**cell, "source": cell_lines(_without_solution_sentences(source))})
            cells.append(_markdown(EDITION_NOTE.format(points=points), "graded-edition-note"))
            continue
        if in_exercises and cell["cell_type"] == "markdown":
            cell["source"] = cell_lines(_without_solution_sentences(source))
        cells.append(cell)
    notebook["cells"] = cells
    return notebook


def edition(notebooks=None, seed=None, points_file=POINTS_FILE):
    """Every notebook's exercises, with points, and the edition's seed.

    Returns:
        `(exercises by notebook path, seed)`.
    """
    paths = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    if notebooks:
        paths = [p for p in paths if any(p.name.startswith(n) for n in notebooks)]
        if len(paths) != len(notebooks):
            raise EditionError(f"no single course notebook for each of {notebooks}")
    found = {path: find_exercises(path) for path in paths}
    every = read_points([e for exercises in found.values() for e in exercises], points_file)
    with_points = {path: [e for e in every if e.notebook == path.stem] for path in paths}
    return with_points, secrets.randbelow(2**31) if seed is None else seed


def notebook_rng(seed, path):
    """The random generator of one notebook's hidden inputs: the edition's seed and the
    notebook's number, so that a notebook built alone draws the same inputs."""
    return np.random.default_rng([seed, int(Path(path).name[:2])])


def build(out=COURSE_DIR, notebooks=None, seed=None, points_file=POINTS_FILE):
    """Writes the nbgrader course folder: its config and one source assignment per notebook.

    Args:
        out: the course folder.
        notebooks: names or prefixes ("01") of the notebooks, or `None` for all.
        seed: the seed of the hidden tests' inputs; `None` draws one (printed and saved).
        points_file: the points table.

    Returns:
        A dict: `seed`, and `points`, notebook -> exercise grade id -> points.
    """
    exercises, seed = edition(notebooks, seed, points_file)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "nbgrader_config.py").write_text(CONFIG.format(course_id=COURSE_ID), encoding="utf-8")
    summary = {"seed": seed, "points": {}}
    for path, graded in exercises.items():
        folder = out / "source" / path.stem
        folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps(
            graded_notebook(path, graded, notebook_rng(seed, path)),
            indent=1,
            ensure_ascii=False,
            sort_keys=True,
        )
        (folder / path.name).write_text(text + "\n", encoding="utf-8")
        summary["points"][path.stem] = {e.grade_id: e.points for e in graded}
    (out / "edition.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return summary


def print_points(summary):
    total = 0
    for notebook, points in summary["points"].items():
        listed = ", ".join(f"{grade_id} {value}" for grade_id, value in points.items())
        print(f"{notebook}: {sum(points.values())} points ({listed})")
        total += sum(points.values())
    print(f"the course: {total} points; hidden tests drawn with seed {summary['seed']}")


def main(argv=None):
    from course_tools.grading import KINDS, selftest

    parser = argparse.ArgumentParser(
        prog="python -m course_tools.assignments", description=__doc__.split("\n\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="write the nbgrader course folder")
    test_parser = commands.add_parser("selftest", help="grade submissions of every kind")
    for sub in (build_parser, test_parser):
        sub.add_argument("--notebooks", nargs="+", help="names or prefixes, e.g. 01 04 (all)")
        sub.add_argument("--seed", type=int, help="the hidden tests' seed (drawn if not given)")
    build_parser.add_argument("--out", type=Path, default=COURSE_DIR, help="the course folder")
    test_parser.add_argument(
        "--course",
        type=Path,
        default=REPO_DIR / "artifacts" / "nbgrader_selftest",
        help="a folder for the selftest's course (emptied first)",
    )
    test_parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    test_parser.add_argument("--mode", choices=("quick", "full"), default="quick")
    test_parser.add_argument("--output", type=Path, help="where to save the JSON")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            summary = build(args.out, args.notebooks, args.seed)
            print_points(summary)
            print(f"nbgrader course folder: {args.out}")
            return 0
        try:
            import nbgrader  # noqa: F401 (installed by the grading extra only)
        except ImportError:
            print(
                "nbgrader is not installed here: run `make grading` and use "
                ".venv-grading/bin/python (or pip install -e '.[grading]')",
                file=sys.stderr,
            )
            return 2
        result = selftest(args.course, args.notebooks, args.kinds, args.mode, args.seed)
    except EditionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    text = json.dumps(result, indent=1)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n", encoding="utf-8")
        print(f"saved {args.output}")
    print(f"selftest {'passed' if result['ok'] else 'FAILED'}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
