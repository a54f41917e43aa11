"""What every exercise check does: call the learner's function, compare its answer, say so.

A check never raises. It prints one sentence, "Correct: ..." or "Not yet: ...",
and returns `True` or `False`. The learner's exception, a stub that still
returns `None`, an answer of the wrong type or shape are each said in the same
words by every check; a wrong answer that equals a usual mistake gets the hint
written for that mistake.
"""

import copy
import dataclasses
from collections.abc import Callable

import numpy as np


def report(ok, message):
    """Prints a check's verdict.

    Args:
        ok: whether the learner's answer is right.
        message: what is right, or what is wrong and how to put it right.

    Returns:
        `ok`.
    """
    print(("Correct: " if ok else "Not yet: ") + message)
    return ok


def name_of(function):
    """The learner's function's name, for the messages ("your function" if it has none)."""
    return getattr(function, "__name__", "your function")


def unexpected(name, returned, expected, answer):
    """The sentence for an answer of the wrong type or shape.

    Args:
        name: the learner's function's name.
        returned, expected: what it returned and what it should, e.g. "str" and "one number".
        answer: what the answer is, in words.

    Returns:
        The sentence.
    """
    return f"{name} returned {returned}, expected {expected}: {answer}."


def call(function, args, answer, on_error=""):
    """Calls the learner's function on copies of `args`, so that it cannot change them.

    Args:
        function: the learner's function.
        args: the arguments to call it with.
        answer: what it should return, in words, for the message about `None`.
        on_error: said after the error when the function raises.

    Returns:
        `(result, None)`, or `(None, message)` when `function` is not a function,
        raises or returns `None`.
    """
    if not callable(function):
        return None, f"nothing to check yet: pass in your function, not {function!r:.40}."
    name = name_of(function)
    try:
        result = function(*copy.deepcopy(args))
    except Exception as error:  # the learner's code may fail in any way: say how, don't raise
        return None, f"{name} raised {type(error).__name__}: {error}{on_error}"
    if result is None:
        return None, f"{name} returned None: finish the function and `return` {answer}."
    return result, None


def _leaves(answer):
    return answer if isinstance(answer, list) else [answer]


def _shape(answer):
    shapes = [np.shape(leaf) for leaf in _leaves(answer)]
    return shapes if isinstance(answer, list) else shapes[0]


def _describe(expected):
    if isinstance(expected, list):
        shapes = ", ".join(str(shape) for shape in _shape(expected))
        return f"a list of {len(expected)} arrays of shapes {shapes}"
    return "one number" if np.ndim(expected) == 0 else f"an array of shape {np.shape(expected)}"


def _as_numbers(result, expected):
    """The learner's answer as floats in the reference's form (a number, an array, a list of
    arrays), or `None` if it cannot be."""
    if isinstance(expected, list):
        if not isinstance(result, (list, tuple)) or len(result) != len(expected):
            return None
        parts = [_as_numbers(part, like) for part, like in zip(result, expected)]
        return None if any(part is None for part in parts) else parts
    try:
        array = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        return None
    return float(array.reshape(())) if np.ndim(expected) == 0 and array.size == 1 else array


def numbers_agree(result, expected):
    """Whether two answers (numbers, arrays or lists of arrays) agree to about 1e-6.

    Args:
        result, expected: the two answers.

    Returns:
        `True` if every number agrees, shapes included.
    """
    result, expected = _leaves(result), _leaves(expected)
    return len(result) == len(expected) and all(
        np.shape(r) == np.shape(e) and np.allclose(r, e, rtol=1e-6, atol=1e-6, equal_nan=True)
        for r, e in zip(result, expected)
    )


@dataclasses.dataclass(frozen=True)
class Exercise:
    """An exercise's check, stated as data; `check` does the work.

    Attributes:
        reference: the course's answer, a function of the learner's arguments.
        cases: dict label -> the arguments of one call of the learner's function; the label
            names the case in the message about a wrong answer.
        answer: what the function returns, in words, e.g. "h_t, one row per example".
        mistakes: dict hint -> a usual wrong answer: what a learner most likely did, and a
            function of the learner's arguments that does it. A mistake is recognised when it
            gives the learner's answers to every case, else to the first case answered wrong.
        success: the message for a right answer, with `{name}` (the learner's function's
            name) and `{expected}` (the reference's answer to the first case).
        otherwise: the message for a wrong answer that no mistake explains, with `{name}`,
            and `{case}`, `{result}`, `{expected}` and `{gap}` (the largest difference) of the
            first case answered wrong.
        close: `close(result, expected)`, whether two answers agree.
        on_error: said after the error when the learner's function raises.
    """

    reference: Callable
    cases: dict
    answer: str
    mistakes: dict
    success: str = "{name} matches the reference."
    otherwise: str = (
        "{name} differs from the reference by up to {gap:.3g}. "
        "Compare your code with the equations above, term by term."
    )
    close: Callable = numbers_agree
    on_error: str = ""

    def check(self, function):
        """Calls the learner's function on every case, compares, and says what it found.

        Args:
            function: the learner's function.

        Returns:
            `True` if it gives the reference's answer to every case, else `False`.
        """
        with np.errstate(all="ignore"):
            return report(*self._verdict(function, name_of(function)))

    def _verdict(self, function, name):
        answered = []
        for label, args in self.cases.items():
            result, problem = call(function, args, self.answer, self.on_error)
            if problem:
                return False, problem
            expected = self.reference(*args)
            numbers = _as_numbers(result, expected)
            if numbers is None:
                return False, unexpected(
                    name, type(result).__name__, _describe(expected), self.answer
                )
            answered.append((label, args, numbers, expected))
        wrong = [case for case in answered if not self.close(case[2], case[3])]
        if not wrong:
            return True, self.success.format(name=name, expected=answered[0][3])
        for cases in (answered, wrong[:1]):
            for hint, mistake in self.mistakes.items():
                if all(self.close(numbers, mistake(*args)) for _, args, numbers, _ in cases):
                    return False, hint
        label, _, numbers, expected = wrong[0]
        if _shape(numbers) != _shape(expected):
            returned = f"shape {_shape(numbers)}"
            return False, unexpected(name, returned, _describe(expected), self.answer)
        gap = max(np.max(np.abs(r - e)) for r, e in zip(_leaves(numbers), _leaves(expected)))
        return False, self.otherwise.format(
            name=name, case=label, result=numbers, expected=expected, gap=gap
        )


def step_arguments(seed, blocks=1, bias_rows=None):
    """Random arguments of one recurrent step: 5 examples, 3 features, 4 units, Keras' layout.

    Args:
        seed: the random generator's seed.
        blocks: blocks of 4 columns in the weights (SimpleRNN 1, LSTM 4, GRU 3).
        bias_rows: `None` for a bias of shape `(blocks * 4,)`, else its number of rows.

    Returns:
        `(x_t, h_prev, kernel, recurrent_kernel, bias)`.
    """
    rng = np.random.default_rng(seed)
    columns = 4 * blocks
    return (
        rng.normal(size=(5, 3)),
        rng.uniform(-0.9, 0.9, size=(5, 4)),
        rng.normal(size=(3, columns)),
        rng.normal(size=(4, columns)),
        rng.normal(size=(bias_rows, columns) if bias_rows else columns),
    )
