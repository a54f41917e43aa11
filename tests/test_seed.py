"""RNN_COURSE_SEED moves every notebook and every function of the course to another seed."""

import numpy as np
import pytest

from lesson_utils import hosted
from lesson_utils.data.memory_task import make_memory_task
from lesson_utils.settings import DEFAULT_SEED, SEED_ENV_VAR, course_seed


def test_unset_it_is_the_first_lessons_seed(monkeypatch):
    monkeypatch.delenv(SEED_ENV_VAR, raising=False)
    assert course_seed() == DEFAULT_SEED == 42


def test_the_environment_sets_the_default_and_an_argument_wins(monkeypatch):
    monkeypatch.setenv(SEED_ENV_VAR, " 7 ")
    assert course_seed() == 7
    assert course_seed(3) == 3


@pytest.mark.parametrize("text", ["seven", "-1", "1.5"])
def test_a_seed_that_is_not_a_number_says_what_to_set(monkeypatch, text):
    monkeypatch.setenv(SEED_ENV_VAR, text)
    with pytest.raises(ValueError, match=f"{SEED_ENV_VAR} must be a non-negative integer"):
        course_seed()


def test_functions_that_take_a_seed_use_the_environments(monkeypatch):
    monkeypatch.delenv(SEED_ENV_VAR, raising=False)
    default, _ = make_memory_task(5, 8)
    monkeypatch.setenv(SEED_ENV_VAR, "7")
    moved, _ = make_memory_task(5, 8)
    assert not np.array_equal(default, moved)
    assert np.array_equal(moved, make_memory_task(5, 8, seed=7)[0])


def test_the_set_up_cell_says_the_seed_only_when_it_is_not_42(monkeypatch, capsys):
    monkeypatch.delenv(SEED_ENV_VAR, raising=False)
    hosted.setup_notebook()
    assert capsys.readouterr().out == ""
    monkeypatch.setenv(SEED_ENV_VAR, "7")
    hosted.setup_notebook()
    assert capsys.readouterr().out.startswith(f"Seed 7, from {SEED_ENV_VAR}")
