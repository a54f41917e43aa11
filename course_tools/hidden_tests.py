"""The hidden tests of the graded edition: their source, with the expected answers frozen in.

A hidden test (nbgrader's `### BEGIN HIDDEN TESTS`) calls the learner's function
on the inputs `course_tools.hidden_cases` draws, and compares its answer with the
course reference's answer on them, computed when the edition is built and written
into the test as numbers, so that grading calls nothing of `lesson_utils`. It
also fails an answer that calls `lesson_utils` itself (the course's own
implementation of the same thing). Before a test is written, its inputs must
tell the right answer from the visible check's answer and from every usual
mistake of the check.
"""

import copy
import pprint
import sys
import textwrap

import numpy as np

from course_tools.hidden_cases import HIDDEN_CASES

BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
GRADED_CALL = '''\
def graded_call(function, *args):
    """Calls the answer, which must be the learner's own code, not lesson_utils'."""
    called = set()

    def watch(frame, event, arg):
        module = frame.f_globals.get("__name__") or ""
        if event == "call" and module.split(".")[0] == "lesson_utils":
            called.add(f"{module}.{frame.f_code.co_name}")

    previous = sys.getprofile()
    sys.setprofile(watch)
    try:
        answer = function(*args)
    finally:
        sys.setprofile(previous)
    assert not called, (
        f"{function.__name__} calls the course's own code ({', '.join(sorted(called))}): "
        "a graded answer must be your own, written with NumPy"
    )
    return answer
'''
AGREE = '''\
def agree(answer, expected):
    """Whether an answer equals the frozen one to about 1e-6, as the course's checks compare."""
    if isinstance(expected, list):
        return (
            isinstance(answer, (list, tuple))
            and len(answer) == len(expected)
            and all(agree(a, e) for a, e in zip(answer, expected))
        )
    try:
        answer = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return False
    expected = np.asarray(expected, dtype=float)
    if answer.size == 1 and expected.size == 1:
        answer = answer.reshape(expected.shape)
    return answer.shape == expected.shape and np.allclose(
        answer, expected, rtol=1e-6, atol=1e-6, equal_nan=True
    )
'''


class EditionError(ValueError):
    """The notebooks or the points table do not make a graded edition; the message says why."""


def exercise_of(check):
    """The `Exercise` (its reference and usual mistakes) behind a check, or `None`."""
    found = exercise_location(check)
    return None if found is None else vars(sys.modules[found[0]])[found[1]]


def exercise_location(check):
    """`(module, name)` of the `Exercise` behind a check, or `None` for a check of its own."""
    import lesson_utils
    from lesson_utils.exercises.core import Exercise

    function = getattr(lesson_utils, check)
    names = [
        name
        for name in function.__code__.co_names
        if isinstance(function.__globals__.get(name), Exercise)
    ]
    return (function.__module__, names[0]) if len(names) == 1 else None


def literal(value):
    """Python source that rebuilds `value` exactly (floats by their shortest exact repr)."""
    if isinstance(value, np.ndarray):
        dtype = ", dtype=float" if value.dtype.kind == "f" else ""
        inline = f"np.array({value.tolist()!r}{dtype})"
        if len(inline) <= 72:
            return inline
        listed = pprint.pformat(value.tolist(), width=92, compact=True)
        lines = [textwrap.indent(listed, "    ") + ",", *(["    dtype=float,"] if dtype else [])]
        return "\n".join(["np.array(", *lines, ")"])
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key!r}: {literal(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list) and any(isinstance(item, np.ndarray) for item in value):
        return (
            "[\n" + "".join(textwrap.indent(literal(item), "    ") + ",\n" for item in value) + "]"
        )
    if isinstance(value, list):
        return pprint.pformat(value, width=92, compact=True)
    if isinstance(value, tuple):
        return "(" + "".join(f"{literal(item)}, " for item in value) + ")"
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    if isinstance(value, (int, np.integer)):
        return repr(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, str):
        return repr(value)
    raise EditionError(f"a hidden test cannot hold a {type(value).__name__}: {value!r:.60}")


def hidden_cases(check):
    cases = HIDDEN_CASES.get(check)
    if cases is None:
        raise EditionError(f"course_tools/hidden_cases.py has no hidden case for {check}")
    return cases if isinstance(cases, tuple) else (cases,)


def _frozen(values):
    """The drawn values as they come back from their literals (what the test will hold)."""
    namespace = {"np": np}
    exec("\n".join(f"{name} = {literal(value)}" for name, value in values.items()), namespace)
    return {name: namespace[name] for name in values}


def _call_arguments(case, values):
    """The hidden call's arguments, the case's setup run on the frozen values."""
    namespace = {"np": np, **copy.deepcopy(values)}
    exec(case.setup, namespace)
    return [namespace[name] for name in case.names(values)]


DRAWS = 20  # draws of an exercise's hidden inputs before the build gives up


def hidden_test(exercise, rng):
    """The hidden test of one exercise: its values drawn with `rng`, the answers frozen.

    Inputs that do not tell the right answer from the check's own or from a usual mistake (a
    greedy text the same whether the state is carried or not) are drawn again.

    Args:
        exercise: a `GradedExercise`.
        rng: a NumPy random generator.

    Returns:
        The source, between nbgrader's hidden-test markers.

    Raises:
        EditionError: `DRAWS` draws never told the reference's answer from the visible check's,
            or from one of the check's usual mistakes.
    """
    reference = exercise_of(exercise.check)
    for _ in range(DRAWS):
        drawn = [(case, _frozen(case.draw(rng))) for case in hidden_cases(exercise.check)]
        compared = [
            (case, values, reference.reference(*_call_arguments(case, values)))
            for case, values in drawn
            if not case.verify
        ]
        problem = _undiscriminated(reference, compared)
        if problem is None:
            return _hidden_source(exercise, drawn, [expected for _, _, expected in compared])
    where = f"{exercise.notebook}, exercise {exercise.number} ({exercise.check})"
    raise EditionError(f"{where}: in {DRAWS} draws, the hidden inputs {problem}")


def _hidden_source(exercise, drawn, answers):
    """The hidden test's source: each call on its frozen values, then its assertion."""
    lines, answers = [], iter(answers)
    for case, values in drawn:
        lines += [f"{name} = {literal(value)}" for name, value in values.items()]
        if case.setup:
            lines.append(case.setup.rstrip())
        lines.append(f"answer = graded_call({', '.join([exercise.function, *case.names(values)])})")
        if case.verify:
            lines += [case.verify.rstrip(), ""]
            continue
        if case.answer_keys:
            lines += [
                "if isinstance(answer, dict):",
                f"    answer = [answer.get(key) for key in {case.answer_keys!r}]",
            ]
        lines += [
            f"expected = {literal(_plain(next(answers)))}",
            "assert agree(answer, expected), (",
            f'    "on inputs that the check does not use, {exercise.function} gives "',
            '    "another answer than the course\'s"',
            ")",
            "",
        ]
    helpers = [GRADED_CALL] if all(case.verify for case, _ in drawn) else [GRADED_CALL, AGREE]
    body = "\n".join(["import sys", "", "import numpy as np", "", *helpers, *lines])
    return "\n".join(
        [
            BEGIN_HIDDEN,
            "def _hidden_test():",
            textwrap.indent(body.rstrip(), "    "),
            "",
            "",
            "_hidden_test()",
            "del _hidden_test",
            END_HIDDEN,
        ]
    )


def _plain(value):
    """A reference's answer as a number, an array or a list of arrays."""
    if isinstance(value, (list, tuple)):
        return [np.asarray(item, dtype=float) for item in value]
    array = np.asarray(value, dtype=float)
    return float(array) if array.ndim == 0 else array


def _undiscriminated(reference, compared):
    """What the hidden calls fail to tell apart, or `None`: each of the visible check's answers
    and each usual mistake of the check must differ from the right answer on at least one."""
    from lesson_utils.exercises.core import numbers_agree

    if reference is None:
        return None
    for _, expected in _visible_answers(reference):
        if all(_agrees(numbers_agree, expected, wanted) for _, _, wanted in compared):
            return "give the check's own answer"
    for hint, mistake in reference.mistakes.items():
        if all(
            _agrees(numbers_agree, _mistaken(mistake, case, values), wanted)
            for case, values, wanted in compared
        ):
            return f"do not reveal the mistake {hint!r:.70}"
    return None


def _visible_answers(reference):
    return [(label, reference.reference(*args)) for label, args in reference.cases.items()]


def _mistaken(mistake, case, values):
    try:
        with np.errstate(all="ignore"):
            return mistake(*_call_arguments(case, values))
    except Exception:  # a mistake may not even run on other shapes: then it is told apart
        return None


def _agrees(agree, answer, expected):
    if answer is None:
        return False
    try:
        return agree(_plain(answer), _plain(expected))
    except (TypeError, ValueError):
        return False
