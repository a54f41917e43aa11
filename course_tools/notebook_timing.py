"""Times every notebook run top to bottom: `python -m course_tools.notebook_timing`.

Each notebook is executed by the course's one executor (`course_tools.executed`,
a fresh kernel of its own), in quick mode (`QUICK_TEST_MODE=1`, what CI runs)
and, with `--full`, in full mode (what a class runs), so each run also becomes
the notebook's executed copy. Beside the wall seconds it measures what one
learner costs a class's server: the kernel's peak resident memory (the kernel
and its child processes, sampled) and its CPU seconds. The figures go to a
JSON file, from which `python -m course_tools sync` writes the instructor
guide's timing table and the speaker notes' times.
"""

import argparse
import datetime
import json
import os
import sys
import sysconfig
import threading
import time
from pathlib import Path

import psutil

from course_tools import executed, machine
from lesson_utils.paths import benchmark_results_folder

# Seconds a notebook may take on 2 CPU cores: quick mode for CI and rehearsal, full
# mode for a class waiting in front of an instructor.
BUDGET_SECONDS = {"quick": 60, "full": 150}
# A learner's kernel should fit in 1 GiB, a common per-user memory limit on a class's hub.
MEMORY_LIMIT_MIB = 1024


class KernelMeter:
    """Samples a kernel's process and its children: peak resident memory and CPU seconds.

    The peak is the larger of the sampled sums and the kernel's own high-water
    mark (Linux keeps it), which also holds what lived between two samples:
    a tenth of a second is long enough for a whole batch of reviews to be
    allocated and freed.

    Args:
        interval: seconds between samples, taken on a thread of its own (and
            after every cell, by `executed.execute`).
        children: whether the processes it starts count too; `False` for a
            process measured apart from what it starts (a hub, beside its
            learners' servers).
    """

    def __init__(self, interval=0.1, children=True):
        self.interval = interval
        self.children = children
        self.peak_bytes = 0
        self._cpu = {}  # process id -> its latest CPU seconds (user + system, its own children's)
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = None
        self._kernel = None

    def watch(self, pid):
        """Starts sampling the process `pid` and every process it starts."""
        self._kernel = psutil.Process(pid)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._done.wait(self.interval):
            self.sample()

    def sample(self):
        """Takes one sample; a process that has just ended is skipped."""
        if self._kernel is None:
            return
        with self._lock:
            try:
                processes = [self._kernel]
                if self.children:
                    processes += self._kernel.children(recursive=True)
            except psutil.Error:
                return
            resident = 0
            for process in processes:
                try:
                    with process.oneshot():
                        resident += process.memory_info().rss
                        times = process.cpu_times()
                except psutil.Error:
                    continue
                self._cpu[process.pid] = (
                    times.user + times.system + times.children_user + times.children_system
                )
            self.peak_bytes = max(self.peak_bytes, resident, _high_water_bytes(self._kernel.pid))

    def stop(self):
        """Stops sampling and returns `{"peak_memory_mib": ..., "cpu_seconds": ...}`."""
        self._done.set()
        if self._thread is not None:
            self._thread.join()
        return {
            "peak_memory_mib": round(self.peak_bytes / 2**20),
            "cpu_seconds": round(sum(self._cpu.values()), 1),
        }


def environment_gib():
    """The size of this Python environment's installed packages, in GiB (a server's disk)."""
    total = 0
    for root, _, files in os.walk(sysconfig.get_paths()["purelib"]):
        for name in files:
            path = Path(root) / name
            if not path.is_symlink():
                total += path.stat().st_size
    return round(total / 2**30, 2)


def _high_water_bytes(pid):
    """The largest resident memory process `pid` has had (`VmHWM`); 0 without Linux' /proc."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def time_notebook(name, mode):
    """Runs one course notebook in a new kernel (`executed.execute`) and measures it.

    Args:
        name: the notebook's file name in `notebooks/`.
        mode: `"quick"` or `"full"`.

    Returns:
        A dict: `seconds` (wall clock, from starting the kernel to the end of
        the last cell), `peak_memory_mib` (the kernel's and its children's
        largest resident memory together, in MiB) and `cpu_seconds`.
    """
    meter = KernelMeter()
    start = time.perf_counter()
    try:
        executed.execute(name, mode, meter=meter)
    finally:
        figures = meter.stop()
    return {"seconds": round(time.perf_counter() - start, 1), **figures}


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
        "memory_limit_mib": MEMORY_LIMIT_MIB,
        "environment_gib": environment_gib(),
        "seconds": {},
        "peak_memory_mib": {},
        "cpu_seconds": {},
        "over_budget": [],
    }
    for name in names:
        stem = Path(name).stem
        for key in ("seconds", "peak_memory_mib", "cpu_seconds"):
            result[key][stem] = {}
        for mode in ("quick", "full") if args.full else ("quick",):
            figures = time_notebook(name, mode)
            for key in ("seconds", "peak_memory_mib", "cpu_seconds"):
                result[key][stem][mode] = figures[key]
            seconds = figures["seconds"]
            over = seconds > BUDGET_SECONDS[mode]
            if over:
                result["over_budget"].append(f"{stem} {mode}")
            print(
                f"{stem}: {mode} mode {seconds} s, {figures['cpu_seconds']} CPU s, peak memory "
                f"{figures['peak_memory_mib']} MiB"
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
