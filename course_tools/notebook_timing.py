"""Times every notebook run top to bottom: `python -m course_tools.notebook_timing`.

Each notebook is executed by the course's one executor (`course_tools.executed`,
a fresh kernel of its own), in quick mode (`QUICK_TEST_MODE=1`, what CI runs)
and, with `--full`, in full mode (what a class runs), so each run also becomes
the notebook's executed copy. The seconds go to a JSON file, from which
`python -m course_tools sync` writes the instructor guide's timing table and
the speaker notes' times.
"""

import argparse
import datetime
import json
import sys
import time
from pathlib import Path

from course_tools import executed, machine
from lesson_utils.paths import benchmark_results_folder

# Seconds a notebook may take on 2 CPU cores: quick mode for CI and rehearsal, full
# mode for a class waiting in front of an instructor.
BUDGET_SECONDS = {"quick": 60, "full": 150}


def time_notebook(name, mode):
    """Runs one course notebook in a new kernel (`executed.execute`) and returns its seconds.

    Args:
        name: the notebook's file name in `notebooks/`.
        mode: `"quick"` or `"full"`.

    Returns:
        The wall-clock seconds from starting the kernel to the end of the last cell.
    """
    start = time.perf_counter()
    executed.execute(name, mode)
    return round(time.perf_counter() - start, 1)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m course_tools.notebook_timing", description=__doc__
    )
    parser.add_argument(
        "notebooks",
        nargs="*",
        help="file names of notebooks in notebooks/ to time (default: every one)",
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
    names = executed.notebook_names([Path(name).name for name in args.notebooks])
    result = {
        "command": " ".join(["python -m course_tools.notebook_timing", *argv]),
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "budget_seconds": BUDGET_SECONDS,
        "seconds": {},
        "over_budget": [],
    }
    for name in names:
        stem = Path(name).stem
        result["seconds"][stem] = {}
        for mode in ("quick", "full") if args.full else ("quick",):
            seconds = time_notebook(name, mode)
            result["seconds"][stem][mode] = seconds
            over = seconds > BUDGET_SECONDS[mode]
            if over:
                result["over_budget"].append(f"{stem} {mode}")
            print(
                f"{stem}: {mode} mode {seconds} s"
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
