"""Shared pytest set-up: a headless matplotlib backend in this process, and quick mode.

The backend is chosen here, not through `MPLBACKEND`: nbval's kernels inherit this
process' environment, and with `MPLBACKEND=Agg` they would draw no inline figures,
unlike a learner's kernel.
"""

import os

os.environ.setdefault("QUICK_TEST_MODE", "1")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import pytest  # noqa: E402
from fake_imdb import write_fake_imdb  # noqa: E402


@pytest.fixture
def fake_imdb(tmp_path, monkeypatch):
    """A folder with a tiny aclImdb archive and word index; the caches go to tmp."""
    monkeypatch.setenv("RNN_COURSE_HOME", str(tmp_path / "course_home"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.delenv("IMDB_DATA_DIR", raising=False)
    return write_fake_imdb(tmp_path / "imdb")


@pytest.fixture(autouse=True)
def close_figures():
    """Closes every figure a test left open, so tests that count open figures stay independent."""
    import matplotlib.pyplot as plt

    plt.close("all")
    yield
    plt.close("all")
