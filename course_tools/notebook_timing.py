"""Times every notebook run top to bottom: `python -m course_tools.notebook_timing`.

Each notebook is executed in a fresh kernel, in quick mode (`QUICK_TEST_MODE=1`,
what CI runs) and, with `--full`, in full mode (what a class runs). The seconds
go to a JSON file that the instructor guide's timing table quotes.
"""

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from course_tools import NOTEBOOKS_DIR
from lesson_utils.paths import benchmark_results_folder

# Seconds a notebook may take on 2 CPU cores: quick mode for CI and rehearsal, full
# mode for a class waiting in front of an instructor.
BUDGET_SECONDS = {"quick": 60, "full": 150}


def time_notebook(path, *, quick, timeout=3600):
    """Runs one notebook in a new kernel and returns its wall-clock seconds.

    Args:
        path: the `.ipynb` file.
        quick: run in quick mode (`QUICK_TEST_MODE=1`) or full mode.
        timeout: seconds allowed per cell.

    Returns:
        The seconds from starting the kernel to the end of the last cell.
    """
    notebook = nbformat.read(path, as_version=4)
    saved = os.environ.get("QUICK_TEST_MODE")
    os.environ["QUICK_TEST_MODE"] = "1" if quick else "0"
    try:
        start = time.perf_counter()
        NotebookClient(
            notebook,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
        return round(time.perf_counter() - start, 1)
    finally:
        if saved is None:
            del os.environ["QUICK_TEST_MODE"]
        else:
            os.environ["QUICK_TEST_MODE"] = saved


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m course_tools.notebook_timing", description=__doc__
    )
    parser.add_argument(
        "notebooks",
        nargs="*",
        type=Path,
        help="notebooks to time (default: every notebook in notebooks/)",
    )
    parser.add_argument("--full", action="store_true", help="also time full mode (minutes each)")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"JSON file (default: {benchmark_results_folder()}/notebooks_<date>.json)",
    )
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    result = {
        "command": " ".join(["python -m course_tools.notebook_timing", *argv]),
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "budget_seconds": BUDGET_SECONDS,
        "seconds": {},
        "over_budget": [],
    }
    for path in paths:
        modes = {"quick": True, "full": False} if args.full else {"quick": True}
        result["seconds"][path.stem] = {}
        for mode, quick in modes.items():
            seconds = time_notebook(path, quick=quick)
            result["seconds"][path.stem][mode] = seconds
            over = seconds > BUDGET_SECONDS[mode]
            if over:
                result["over_budget"].append(f"{path.stem} {mode}")
            print(
                f"{path.stem}: {mode} mode {seconds} s"
                f"{f' OVER the budget of {BUDGET_SECONDS[mode]} s' if over else ''}",
                flush=True,
            )
    output = (
        args.output
        or benchmark_results_folder() / f"notebooks_{datetime.date.today().isoformat()}.json"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"Saved {output}")
    return result


if __name__ == "__main__":
    main()
