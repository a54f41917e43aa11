"""Runs every notebook under nbval as a learner's JupyterLab would, and fails what they would see.

In JupyterLab a cell's standard error shows as a red box under it, which a
beginner reads as "something is broken" (TensorFlow's start-up lines did just
that). nbval compares outputs only where a notebook has saved ones, and the
course's notebooks are committed without outputs, so this hook fails:

- a cell that writes to standard error, while it runs or **after** it has
  finished: nbval stops reading a cell's output at the kernel's "idle", but a
  line that the kernel forwards a moment later still shows under that cell in
  JupyterLab (TensorFlow's C++ log lines arrive that way);
- whatever else `course_tools.executed.output_problems`, the course's one rule
  of a bad output, finds (an error, a figure shown twice, a widget as text).

A course notebook that passes every cell is saved, executed, into
`artifacts/executed/<mode>/` (`course_tools.executed.record_run`), with the
widgets' state and each cell's timing, so that the slide decks and the site are
built from this very run instead of running the notebook again.

And each notebook's kernel starts with the environment the test run started
with, not the one the tests have changed since: importing `lesson_utils` in a
unit test sets `TF_CPP_MIN_LOG_LEVEL` in this process, which a kernel that
inherited it would use to hide the very lines a learner's kernel shows.
"""

import base64
import datetime
import os
import queue
from contextlib import contextmanager
from pathlib import Path

import pytest

# Before any test module imports lesson_utils: the environment a learner's kernel would have
# (without pytest's own variables, such as PYTEST_CURRENT_TEST, there even when this run was
# started by another test, and pytest-xdist's PYTEST_XDIST_WORKER).
LEARNER_ENVIRONMENT = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}

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
        self.late_stderr, self.widgets, self.run_failed = [], {}, False
        self.source_hash = _course_hash(self.path)
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
                self.late_stderr.append(content.get("text", ""))
        elif message.get("msg_type") in ("comm_open", "comm_msg"):
            _keep_widget_state(self.widgets, message)
        return message

    RunningKernel.execute_cell_input = execute_cell_input
    IPyNbFile.get_kernel_message = get_kernel_message
    IPyNbFile.setup = setup
    IPyNbFile._course_watched = True


def _course_hash(path):
    """The content hash of a course notebook's run, or None for a notebook outside `notebooks/`."""
    from course_tools import NOTEBOOKS_DIR
    from course_tools.executed import content_hash

    path = Path(path)
    return content_hash(path.name) if path.parent.resolve() == NOTEBOOKS_DIR else None


def _keep_widget_state(widgets, message):
    """Adds a widget message's state to `widgets`, as nbclient stores it in a notebook."""
    content = message["content"]
    data = content.get("data", {})
    if "state" not in data:
        return
    entry = widgets.setdefault(content["comm_id"], {"state": {}, "buffers": {}})
    entry["state"].update(data["state"])
    for path, buffer in zip(data.get("buffer_paths", []), message.get("buffers", [])):
        entry["buffers"][tuple(path)] = {
            "path": path,
            "encoding": "base64",
            "data": base64.b64encode(bytes(buffer)).decode("ascii"),
        }


def _widget_metadata(widgets):
    state = {}
    for model_id, entry in widgets.items():
        if "_model_name" not in entry["state"]:
            continue
        state[model_id] = {
            "model_name": entry["state"]["_model_name"],
            "model_module": entry["state"].get("_model_module"),
            "model_module_version": entry["state"].get("_model_module_version"),
            "state": entry["state"],
        }
        if entry["buffers"]:
            state[model_id]["buffers"] = list(entry["buffers"].values())
    return {
        "application/vnd.jupyter.widget-state+json": {
            "state": state,
            "version_major": 2,
            "version_minor": 0,
        }
    }


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


def _record(notebook):
    """Saves a course notebook's finished run in `artifacts/executed/<mode>/`."""
    from course_tools.executed import mode_and_seed, record_run

    mode, seed = mode_and_seed(LEARNER_ENVIRONMENT)
    record_run(
        notebook.nb,
        Path(notebook.path).name,
        mode=mode,
        seed=seed,
        engine="nbval",
        source_hash=notebook.source_hash,
    )


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


def pytest_configure(config):
    if config.pluginmanager.hasplugin("nbval"):
        _run_notebooks_as_a_learner()


def pytest_collection_modifyitems(items):
    cells = [item for item in items if _is_notebook_cell(item)]
    for item, following in zip(cells, cells[1:] + [None]):
        item.last_in_notebook = following is None or following.parent is not item.parent


# `make test` and `make test-full` run in two pytest-xdist workers (`-n 2`). A unit of work runs
# in one worker, in the order collected: the browser tests (JupyterLab saves the runs that the site
# and the decks then read), each notebook's cells (they share one kernel), and notebooks 04 to 06
# together (05 and 06 open the model 04 saved, and would train their own without it). The unit
# tests fill the rest. (pytest-xdist's own `--dist loadgroup` does not group under pytest 9,
# whose node ids no longer come from `_nodeid`.)
SAVES_FOR_LATER = ("04_", "05_", "06_")


def notebook_runs_scope(nodeid):
    """A test's unit of work: `"browser"`, a notebook (or 04 to 06), or the test alone."""
    path = nodeid.split("::", 1)[0]
    if path.startswith("tests/e2e/"):
        return "browser"
    if not path.endswith(".ipynb"):
        return nodeid
    name = Path(path).name
    return "notebooks 04 to 06" if name.startswith(SAVES_FOR_LATER) else path


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class NotebookRunsInOrder(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return notebook_runs_scope(nodeid)

    return NotebookRunsInOrder(config, log)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    if not _is_notebook_cell(item):
        return (yield)
    from course_tools.executed import output_problems

    notebook = item.parent
    last = getattr(item, "last_in_notebook", False)
    started = _now()
    try:
        result = yield
    except BaseException:
        notebook.run_failed = True
        raise
    finally:
        if last and notebook.kernel.is_alive():
            notebook.late_stderr += _drain(notebook)
    outputs = list(getattr(item, "test_outputs", None) or [])
    item.cell.outputs = outputs
    item.cell.execution_count = item.cell_num + 1
    item.cell.metadata["execution"] = {
        "iopub.execute_input": started,
        "shell.execute_reply": _now(),
    }
    late = "".join(notebook.late_stderr)
    if late:
        notebook.run_failed = True
        pytest.fail(
            f"{item.name}, or the cell before it, wrote to standard error after it had finished "
            f"(JupyterLab shows it as a red box under that cell):\n{late[:2000]}",
            pytrace=False,
        )
    problems = output_problems(outputs)
    if problems:
        notebook.run_failed = True
        pytest.fail(f"{item.name} " + "\n".join(problems), pytrace=False)
    every_cell_ran = all(
        cell.execution_count for cell in notebook.nb.cells if cell.cell_type == "code"
    )
    if last and every_cell_ran and not notebook.run_failed and notebook.source_hash:
        notebook.nb.metadata["widgets"] = _widget_metadata(notebook.widgets)
        _record(notebook)
    return result
