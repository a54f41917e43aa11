"""Runs every notebook under nbval as a learner's JupyterLab would, and fails what they would see.

In JupyterLab a cell's standard error shows as a red box under it, which a
beginner reads as "something is broken" (TensorFlow's start-up lines did just
that). nbval compares outputs only where a notebook has saved ones, and the
course's notebooks are committed without outputs, so this hook fails:

- a cell that writes to standard error, while it runs or **after** it has
  finished: nbval stops reading a cell's output at the kernel's "idle", but a
  line that the kernel forwards a moment later still shows under that cell in
  JupyterLab (TensorFlow's C++ log lines arrive that way);
- a cell that shows the same figure twice: a cell whose last line is a bare
  `plot_...(...)` call draws the figure, then displays the figure the call
  returned (the course writes `fig = plot_...(...)`).

And each notebook's kernel starts with the environment the test run started
with, not the one the tests have changed since: importing `lesson_utils` in a
unit test sets `TF_CPP_MIN_LOG_LEVEL` in this process, which a kernel that
inherited it would use to hide the very lines a learner's kernel shows.
"""

import os
import queue
from contextlib import contextmanager

import pytest

# Before any test module imports lesson_utils: the environment a learner's kernel would have
# (without pytest's own variable, there even when this run was started by another test).
LEARNER_ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}

# How long the last cell of a notebook is given to send what it wrote late.
LATE_OUTPUT_SECONDS = 1.0


@pytest.fixture(scope="session")
def learner_environment():
    """The environment the test run started with, for servers and kernels that tests start."""
    return dict(LEARNER_ENVIRONMENT)


@contextmanager
def _as_a_learner():
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(LEARNER_ENVIRONMENT)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def stderr_text(outputs):
    """The text a cell's outputs wrote to standard error ('' if none)."""
    return "".join(
        output.get("text", "")
        for output in outputs
        if output.get("output_type") == "stream" and output.get("name") == "stderr"
    )


def repeated_images(outputs):
    """How many of a cell's images repeat an image shown before them in the same cell."""
    images = [
        "".join(output["data"]["image/png"])
        for output in outputs
        if "image/png" in output.get("data", {})
    ]
    return len(images) - len(set(images))


def _is_notebook_cell(item):
    return type(item).__name__ == "IPyNbCell"


def _run_notebooks_as_a_learner():
    """Starts nbval's kernels in the learner's environment and keeps the stderr lines it drops.

    The kernel starts without `PYTEST_CURRENT_TEST`, which pytest sets during
    every test and which makes ipykernel leave the process' standard error
    (file descriptor 2, where TensorFlow's C++ core writes) unwatched: such
    lines then never reached nbval. nbval reads a cell's messages until the
    kernel is idle and skips the ones whose parent is another cell; here every
    stderr line it reads for another cell is kept on the notebook.
    """
    from nbval.kernel import RunningKernel
    from nbval.plugin import IPyNbFile

    if getattr(IPyNbFile, "_course_watched", False):
        return
    execute = RunningKernel.execute_cell_input
    read = IPyNbFile.get_kernel_message
    start = IPyNbFile.setup

    def setup(self):
        with _as_a_learner():
            start(self)

    def execute_cell_input(self, cell_input, allow_stdin=None):
        self.current_msg_id = execute(self, cell_input, allow_stdin=allow_stdin)
        return self.current_msg_id

    def get_kernel_message(self, timeout=None, stream="iopub"):
        message = read(self, timeout=timeout, stream=stream)
        content = message.get("content", {})
        if message.get("msg_type") == "stream" and content.get("name") == "stderr":
            parent = message.get("parent_header", {}).get("msg_id")
            if parent != getattr(self.kernel, "current_msg_id", None):
                self.late_stderr = getattr(self, "late_stderr", []) + [content.get("text", "")]
        return message

    RunningKernel.execute_cell_input = execute_cell_input
    IPyNbFile.get_kernel_message = get_kernel_message
    IPyNbFile.setup = setup
    IPyNbFile._course_watched = True


def _drain(notebook):
    """The stderr text the kernel still sends after the last cell, read until it is quiet."""
    late = []
    while True:
        try:
            message = notebook.kernel.get_message("iopub", timeout=LATE_OUTPUT_SECONDS)
        except queue.Empty:
            return late
        content = message.get("content", {})
        if message.get("msg_type") == "stream" and content.get("name") == "stderr":
            late.append(content.get("text", ""))


def pytest_configure(config):
    if config.pluginmanager.hasplugin("nbval"):
        _run_notebooks_as_a_learner()


def pytest_collection_modifyitems(items):
    cells = [item for item in items if _is_notebook_cell(item)]
    for item, following in zip(cells, cells[1:] + [None]):
        item.last_in_notebook = following is None or following.parent is not item.parent


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    if not _is_notebook_cell(item):
        return (yield)
    notebook = item.parent
    notebook.late_stderr = []
    try:
        result = yield
    finally:
        if getattr(item, "last_in_notebook", False) and notebook.kernel.is_alive():
            notebook.late_stderr += _drain(notebook)
    outputs = getattr(item, "test_outputs", None) or []
    written = stderr_text(outputs)
    if written:
        pytest.fail(
            f"{item.name} wrote to standard error (a red box in JupyterLab):\n{written[:2000]}",
            pytrace=False,
        )
    late = "".join(notebook.late_stderr)
    if late:
        pytest.fail(
            f"{item.name}, or the cell before it, wrote to standard error after it had finished "
            f"(JupyterLab shows it as a red box under that cell):\n{late[:2000]}",
            pytrace=False,
        )
    if repeated_images(outputs):
        pytest.fail(
            f"{item.name} shows the same figure twice: a cell that ends with a call returning a "
            "figure displays it again; assign it (fig = plot_...(...))",
            pytrace=False,
        )
    return result
