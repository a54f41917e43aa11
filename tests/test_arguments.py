"""The shared argument checks: each names the argument and the value received, as Keras does."""

import numpy as np
import pytest

from lesson_utils.arguments import (
    check_choice,
    check_fraction,
    check_int_in_range,
    check_non_negative_int,
    check_positive_int,
    check_positive_number,
)


@pytest.mark.parametrize(
    "check, good, bad",
    [
        (check_positive_int, [1, np.int64(7)], [0, -1, 1.0, True, "2", None]),
        (check_non_negative_int, [0, 3], [-1, 0.5, False]),
        (
            check_positive_number,
            [1e-3, 2, np.float32(0.5)],
            [0, -0.1, float("inf"), float("nan"), True, "1"],
        ),
        (check_fraction, [0, 0.2, 0.99], [1, -0.1, 1.5, "0.1"]),
    ],
)
def test_each_check_accepts_good_values_and_names_a_bad_one(check, good, bad):
    for value in good:
        assert check("size", value) == value
    for value in bad:
        with pytest.raises(ValueError, match=rf"Argument `size` .* Received: size={value!r}"):
            check("size", value)


def test_int_in_range_accepts_both_ends_and_says_the_range():
    assert check_int_in_range("step", 0, 0, 9) == 0
    assert check_int_in_range("step", np.int64(9), 0, 9) == 9
    assert type(check_int_in_range("step", np.int64(9), 0, 9)) is int
    for value in (-1, 10, 2.0, True):
        with pytest.raises(
            ValueError,
            match=rf"`step` must be an integer from 0 to 9\. "
            rf"Received: step={value!r}",
        ):
            check_int_in_range("step", value, 0, 9)


def test_choice_lists_what_is_allowed():
    assert check_choice("cell", "gru", ("lstm", "gru")) == "gru"
    with pytest.raises(
        ValueError, match=r"`cell` must be one of 'lstm', 'gru'\. Received: cell='rnn'"
    ):
        check_choice("cell", "rnn", ("lstm", "gru"))
