"""Executed notebooks: each notebook run once per mode, then read by everything built from it.

As d2lbook evaluates a book once and makes every format from that one
evaluation, the course keeps one executed copy of each notebook per mode in
`artifacts/executed/<mode>/`, and the slide decks, the website and the slides'
fit checks read it; none of them runs a notebook itself. Three engines write
the folder, each running the notebook as a learner does:

- nbval (`make test`, `make test-full`), through the repository's `conftest.py`;
- JupyterLab in Chromium (`tests/e2e/test_jupyterlab.py` saves each notebook
  right after Run All);
- `execute` below (nbclient), for a notebook that has no current run.

A run is current while its content hash, of the notebook file and every
`lesson_utils` source, is the hash of the files now; `executed_notebook` then
returns it without running anything. Every run is judged by one rule,
`output_problems`: an error, a line on standard error, a figure shown twice, a
widget left as its text. A run with a problem is never saved.

`python -m course_tools execute [--mode quick|full] [NOTEBOOK ...]` runs what is
not current.
"""

import argparse
import datetime
import hashlib
import os
import re
import time
from unittest import mock

import nbformat

from course_tools import NOTEBOOKS_DIR, REPO_DIR

EXECUTED_DIR = REPO_DIR / "artifacts" / "executed"
MODES = ("quick", "full")
RUN_KEY = "course_run"  # the notebook metadata key of a run's record
CELL_TIMEOUT = 600  # seconds, as nbval's --nbval-cell-timeout
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# A widget's text form (`VBox(children=(...))`): what a page shows when the widget is not drawn.
WIDGET_AS_TEXT = re.compile(r"\b\w+\(children=")


# --- The one rule of a bad output -----------------------------------------------------------------


def output_problems(outputs):
    """What a learner would see as broken in one cell's outputs.

    Args:
        outputs: the cell's outputs, as a notebook stores them.

    Returns:
        A list of sentences, empty when the outputs are fine: an error, text on
        standard error (a red box in JupyterLab), a figure shown twice (a cell
        that ends with a call returning a figure displays it again), a widget
        left as its text form.
    """
    problems = []
    stderr = "".join(
        o.get("text", "")
        for o in outputs
        if o.get("output_type") == "stream" and o.get("name") == "stderr"
    )
    if stderr:
        problems.append(f"wrote to standard error (a red box in JupyterLab):\n{stderr[:2000]}")
    for output in outputs:
        if output.get("output_type") == "error":
            problems.append(f"raised {output.get('ename')}: {output.get('evalue')}")
        data = output.get("data", {})
        text = "".join(data.get("text/plain", ""))
        if WIDGET_VIEW not in data and WIDGET_AS_TEXT.search(text):
            problems.append(f"shows a widget as its text: {text[:200]!r}")
    images = ["".join(o["data"]["image/png"]) for o in outputs if "image/png" in o.get("data", {})]
    if len(images) != len(set(images)):
        problems.append(
            "shows the same figure twice: a cell that ends with a call returning a figure "
            "displays it again; assign it (fig = plot_...(...))"
        )
    return problems


def notebook_problems(notebook):
    """`output_problems` of every code cell of an executed notebook, as `"cell N: ..."`."""
    return [
        f"cell {index}: {problem}"
        for index, cell in enumerate(notebook["cells"])
        for problem in output_problems(cell.get("outputs", []))
    ]


# --- Runs and their records ---------------------------------------------------------------------


def content_hash(name):
    """The hash a run of notebook `name` is current for: the notebook and `lesson_utils`' sources.

    Args:
        name: the notebook's file name in `notebooks/`.

    Returns:
        A hex SHA-256 digest.
    """
    digest = hashlib.sha256((NOTEBOOKS_DIR / name).read_bytes())
    for path in sorted((REPO_DIR / "lesson_utils").rglob("*.py")):
        digest.update(path.relative_to(REPO_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def executed_path(name, mode):
    """Where the executed copy of notebook `name` in `mode` is kept."""
    return EXECUTED_DIR / check_mode(mode) / name


def cell_seconds(notebook):
    """The seconds each code cell took, from the timing its engine wrote into the cell.

    nbclient, JupyterLab (with `recordTiming`, which the course's settings turn
    on) and the nbval recorder each write `metadata.execution` with the
    `iopub.execute_input` and `shell.execute_reply` times.

    Returns:
        A list with one number (or `None` where a cell has no timing) per code cell.
    """
    seconds = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        timing = cell["metadata"].get("execution", {})
        try:
            start = datetime.datetime.fromisoformat(timing["iopub.execute_input"])
            end = datetime.datetime.fromisoformat(timing["shell.execute_reply"])
        except (KeyError, ValueError):
            seconds.append(None)
            continue
        seconds.append(round((end - start).total_seconds(), 3))
    return seconds


def record_run(notebook, name, *, mode, seed, engine, source_hash):
    """Saves a finished run of notebook `name` as its executed copy in `mode`.

    Args:
        notebook: the executed notebook (every code cell run, outputs kept).
        name: the notebook's file name in `notebooks/`.
        mode: `"quick"` or `"full"`.
        seed: the course seed the run used (`RNN_COURSE_SEED`, else 42).
        engine: what ran it: `"nbval"`, `"jupyterlab"` or `"nbclient"`.
        source_hash: `content_hash(name)` taken when the run started, so that
            a file edited during the run leaves the run stale.

    Returns:
        The path of the executed copy. A current run that JupyterLab saved is
        kept rather than replaced by another engine's run of the same sources:
        the browser's run is what a learner sees.

    Raises:
        ValueError: the run has a bad output (`output_problems`) or a code cell
            that did not run; nothing is saved.
    """
    problems = notebook_problems(notebook)
    unrun = [
        index
        for index, cell in enumerate(notebook["cells"])
        if cell["cell_type"] == "code" and cell.get("execution_count") is None
    ]
    if unrun:
        problems.append(f"cells {unrun} did not run")
    if problems:
        raise ValueError(f"{name} ({mode} mode, {engine}) is not saved:\n" + "\n".join(problems))
    kept = current_run(name, mode)
    if engine != "jupyterlab" and kept and kept["metadata"][RUN_KEY]["engine"] == "jupyterlab":
        return executed_path(name, mode)  # the learner's own view of the same sources wins
    notebook["metadata"][RUN_KEY] = {
        "mode": check_mode(mode),
        "seed": seed,
        "engine": engine,
        "hash": source_hash,
        "finished": datetime.datetime.now().isoformat(timespec="seconds"),
        "cell_seconds": cell_seconds(notebook),
    }
    path = executed_path(name, mode)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside, then moved into place: a build reading it meanwhile reads a whole file.
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    nbformat.write(nbformat.from_dict(notebook), partial)
    os.replace(partial, path)
    return path


def current_run(name, mode):
    """The executed copy of notebook `name` in `mode` if its hash is current, else `None`."""
    path = executed_path(name, mode)
    if not path.is_file():
        return None
    notebook = nbformat.read(path, as_version=4)
    run = notebook["metadata"].get(RUN_KEY, {})
    return notebook if run.get("hash") == content_hash(name) else None


def mode_and_seed(env):
    """The mode and the course seed of a kernel started with the environment `env`.

    Args:
        env: a mapping of environment variables (`QUICK_TEST_MODE`, `RNN_COURSE_SEED`).

    Returns:
        `("quick" or "full", seed)`, read as `lesson_utils.settings` reads them.
    """
    from lesson_utils.settings import course_seed, is_quick_mode

    with mock.patch.dict(os.environ, env, clear=True):
        return ("quick" if is_quick_mode() else "full"), course_seed()


def execute(name, mode, seed=None, meter=None):
    """Runs notebook `name` in `mode` with nbclient, in a kernel of its own, and saves the run.

    The kernel's working folder is `notebooks/` and its environment this
    process' own, with `QUICK_TEST_MODE` and `RNN_COURSE_SEED` set: as a
    learner's kernel, trained models go to the learner's course folder.

    Args:
        name: the notebook's file name in `notebooks/`.
        mode: `"quick"` or `"full"`.
        seed: the course seed; `None` reads `RNN_COURSE_SEED` (else 42).
        meter: `None`, or an object told the kernel's process id when it has
            started (`meter.watch(pid)`) and called after every cell
            (`meter.sample()`), such as `course_tools.notebook_timing.KernelMeter`.

    Returns:
        The executed notebook.
    """
    from nbclient import NotebookClient

    from lesson_utils.settings import SEED_ENV_VAR, course_seed

    check_mode(mode)
    seed = course_seed(seed)
    source_hash = content_hash(name)
    notebook = nbformat.read(NOTEBOOKS_DIR / name, as_version=4)
    env = dict(os.environ, QUICK_TEST_MODE="1" if mode == "quick" else "0")
    env[SEED_ENV_VAR] = str(seed)
    # A headless backend chosen by a caller would stop the kernel from drawing inline figures.
    env.pop("MPLBACKEND", None)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        store_widget_state=True,
        resources={"metadata": {"path": str(NOTEBOOKS_DIR)}},
        # The kernel's own log in this terminal: errors only.
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    if meter is not None:
        client.on_notebook_start = lambda **_: meter.watch(client.km.provisioner.pid)
        client.on_cell_executed = lambda **_: meter.sample()
    client.execute(env=env, cleanup_kc=True)
    record_run(notebook, name, mode=mode, seed=seed, engine="nbclient", source_hash=source_hash)
    return notebook


def executed_notebook(name, mode):
    """The current executed copy of notebook `name` in `mode`, run first if there is none.

    Args:
        name: the notebook's file name in `notebooks/`.
        mode: `"quick"` or `"full"`.

    Returns:
        The executed notebook; its `metadata.course_run` says which engine ran
        it, with which seed, and how long each cell took.
    """
    notebook = current_run(name, mode)
    if notebook is not None:
        return notebook
    print(f"Executing {name} in {mode} mode (no current run in {EXECUTED_DIR}) ...", flush=True)
    start = time.monotonic()
    notebook = execute(name, mode)
    print(f"  {time.monotonic() - start:.0f} s", flush=True)
    return notebook


def notebook_names(names=None):
    """The course notebooks' file names, or `names` after checking each is one of them."""
    every = sorted(path.name for path in NOTEBOOKS_DIR.glob("*.ipynb"))
    if not names:
        return every
    missing = [name for name in names if name not in every]
    if missing:
        raise ValueError(
            f"Argument `notebooks` must name notebooks in {NOTEBOOKS_DIR} ({', '.join(every)}). "
            f"Received: notebooks={missing!r}"
        )
    return list(names)


def check_mode(mode):
    """`mode` if it is `"quick"` or `"full"`; else a ValueError naming it."""
    if mode not in MODES:
        raise ValueError(f"Argument `mode` must be one of {MODES}. Received: mode={mode!r}")
    return mode


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m course_tools execute",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--mode", choices=MODES, default="quick", help="default: quick")
    parser.add_argument(
        "notebooks", nargs="*", help="file names in notebooks/ (default: every notebook)"
    )
    args = parser.parse_args(argv)
    for name in notebook_names(args.notebooks):
        run = executed_notebook(name, args.mode)["metadata"][RUN_KEY]
        print(
            f"{executed_path(name, args.mode).relative_to(REPO_DIR)}: run by {run['engine']}, "
            f"seed {run['seed']}, {run['finished']}"
        )
