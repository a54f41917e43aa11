"""Argument checks that fail early with a message a learner can act on.

Every check names the argument and the value received, in the style of Keras'
own errors, so that a typo in a notebook never surfaces as a traceback from
deep inside TensorFlow.
"""

import numbers


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_positive_int(name, value):
    """Raises `ValueError` unless `value` is an integer >= 1.

    Args:
        name: the argument's name, as the learner wrote it.
        value: the value received.

    Returns:
        `value` as a Python `int`.
    """
    if not _is_int(value) or value < 1:
        raise ValueError(
            f"Argument `{name}` must be a positive integer (1, 2, 3, ...). "
            f"Received: {name}={value!r}"
        )
    return int(value)


def check_non_negative_int(name, value):
    """Raises `ValueError` unless `value` is an integer >= 0.

    Args:
        name: the argument's name.
        value: the value received.

    Returns:
        `value` as a Python `int`.
    """
    if not _is_int(value) or value < 0:
        raise ValueError(
            f"Argument `{name}` must be a non-negative integer. Received: {name}={value!r}"
        )
    return int(value)


def check_int_in_range(name, value, low, high):
    """Raises `ValueError` unless `value` is an integer with `low <= value <= high`.

    Args:
        name: the argument's name.
        value: the value received.
        low, high: the smallest and the largest value accepted.

    Returns:
        `value` as a Python `int`.
    """
    if not _is_int(value) or not low <= value <= high:
        raise ValueError(
            f"Argument `{name}` must be an integer from {low} to {high}. Received: {name}={value!r}"
        )
    return int(value)


def check_positive_number(name, value):
    """Raises `ValueError` unless `value` is a finite number > 0 (a step size, say).

    Args:
        name: the argument's name.
        value: the value received.

    Returns:
        `value` as a Python `float`.
    """
    if not _is_real(value) or not 0 < value < float("inf"):
        raise ValueError(
            f"Argument `{name}` must be a positive number (finite, above 0). "
            f"Received: {name}={value!r}"
        )
    return float(value)


def check_fraction(name, value, *, allow_zero=True):
    """Raises `ValueError` unless `value` is a number in [0, 1).

    Args:
        name: the argument's name.
        value: the value received.
        allow_zero: whether 0 is accepted.

    Returns:
        `value` as a Python `float`.
    """
    in_range = _is_real(value) and (value >= 0 if allow_zero else value > 0) and value < 1
    if not in_range:
        low = "0 <= " if allow_zero else "0 < "
        raise ValueError(
            f"Argument `{name}` must be a number with {low}{name} < 1. Received: {name}={value!r}"
        )
    return float(value)


def check_choice(name, value, choices):
    """Raises `ValueError` unless `value` is one of `choices`.

    Args:
        name: the argument's name.
        value: the value received.
        choices: the accepted values.

    Returns:
        `value`, unchanged.
    """
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"Argument `{name}` must be one of {allowed}. Received: {name}={value!r}")
    return value
