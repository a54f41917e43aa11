"""Shared pytest set-up: a headless matplotlib backend and quick mode for everything."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("QUICK_TEST_MODE", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
