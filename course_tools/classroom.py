"""The course served to a class: `python -m course_tools.classroom links|size|fill|load-test`.

- `links --hub URL` prints one nbgitpuller link per notebook: a learner who
  follows it gets the repository pulled into their home on the hub (or
  updated, keeping their own edits) and the notebook open in JupyterLab.
- `size --learners N` prints the RAM, CPU and disk a server needs for a class
  of N, from the notebook benchmark's saved measurements
  (`course_tools.notebook_timing`: each kernel's peak memory and CPU
  seconds) and The Littlest JupyterHub's rules of thumb, each assumption named.
- `fill FOLDER` makes a class's shared, read-only folder
  (`RNN_COURSE_SHARED_DIR`): the encoded reviews and the full-mode models,
  once per server instead of once per learner.
- `load-test --learners N --notebook NN --mode quick|full` serves a notebook to
  N simulated learners at once on a real JupyterHub on this machine and saves
  what each lived through (`course_tools.load_test`).

`docs/instructors.md` ("A class on JupyterHub") says how to use them.
"""

import argparse
import json
import math
import os
import sys
import urllib.parse
from pathlib import Path

from course_tools import NOTEBOOKS_DIR
from course_tools.sync import Sources
from lesson_utils.hosted import BRANCH, clone_folder, repository_url

# The Littlest JupyterHub's resource estimation: memory for the hub and the proxy together.
HUB_OVERHEAD_MIB = 128
# TLJH: plan for 40-60 % of a class online at once; the sizing takes the top of that range.
ONLINE_SHARE = 0.6
# TLJH: CPU needs 20 % beyond the learners' own; memory 20-40 % headroom (the middle, here).
CPU_MARGIN = 0.2
MEMORY_HEADROOM = 0.3
# Disk: 20 % beyond what is measured, for the files learners make that the benchmark does not.
DISK_MARGIN = 0.2
# Z2JH: the share of a node's memory left to learners' pods (the rest to Kubernetes' own).
NODE_ALLOCATABLE = 0.9


def kernel_limits(costs):
    """Each learner's memory guarantee and limit, and CPU guarantee, from measured costs.

    Args:
        costs: as `measured_costs` returns.

    Returns:
        A dict: `memory_guarantee_mib` (the largest peak of a kernel in full
        mode and the learner's Jupyter server beside it, rounded up to 64
        MiB), `memory_limit_mib` (25 % above it, so that a learner who also
        opens another notebook is not cut off at once) and `cpu_guarantee`
        (the cores a Run All keeps busy).
    """
    guarantee = math.ceil(learner_memory_mib(costs) / 64) * 64
    return {
        "memory_guarantee_mib": guarantee,
        "memory_limit_mib": math.ceil(guarantee * 1.25 / 64) * 64,
        "cpu_guarantee": round(costs["cpu_cores"], 1),
    }


def learner_memory_mib(costs):
    """What one learner's server holds at its peak: their kernel and their Jupyter server."""
    return costs["peak_memory_mib"] + costs["server_mib"]


def nbgitpuller_link(hub, notebook, repository=None, branch=BRANCH):
    """The nbgitpuller link that opens `notebook` of the course on `hub` in JupyterLab.

    Args:
        hub: the hub's address, e.g. `"https://hub.example.edu"`.
        notebook: a notebook's file name, e.g. `"01_rnn_loop.ipynb"`.
        repository: the repository to pull; `None` for the course's own.
        branch: its branch.

    Returns:
        The URL.
    """
    if not str(hub).startswith(("http://", "https://")):
        raise ValueError(
            "Argument `hub` must be the hub's address, starting with https://. "
            f"Received: hub={hub!r}"
        )
    repository = repository or repository_url()
    query = urllib.parse.urlencode(
        {
            "repo": repository,
            "branch": branch,
            "urlpath": f"lab/tree/{clone_folder(repository)}/notebooks/{notebook}",
        }
    )
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def links(hub, repository=None):
    """`[(notebook, link)]`: one nbgitpuller link per course notebook, in order."""
    names = sorted(path.name for path in NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    return [(name, nbgitpuller_link(hub, name, repository)) for name in names]


def measured_costs(sources=None):
    """What one learner costs, from the newest notebook benchmark, and what the course's files take.

    Returns:
        A dict: `benchmark` (its file name), `peak_memory_mib` and `cpu_cores`
        (the heaviest notebook in full mode: its peak kernel memory, and its
        CPU seconds over its wall seconds, the cores its Run All keeps busy),
        `heaviest` (which notebooks those are), `environment_gib` (the
        installed packages of the environment the benchmark ran in),
        `learner_mib` (a learner's notebooks and one saved model), and from
        the newest load tests (`course_tools.load_test`) `server_mib`, the
        largest a learner's Jupyter server alone grew, and `load_tests`,
        their file names.
    """
    from course_tools.load_test import saved_runs

    sources = sources or Sources()
    runs = [
        run
        for run in saved_runs(sources.benchmarks)
        if "server_peak_memory_mib_max" in run["summary"]
    ]
    if not runs:
        raise FileNotFoundError(
            f"No load test in {sources.benchmarks} measured a learner's Jupyter server: run "
            "python -m course_tools.classroom load-test with --output there"
        )
    saved = sources.notebook_figures()
    memory = {stem: modes["full"] for stem, modes in saved["peak_memory_mib"].items()}
    cores = {
        stem: saved["cpu_seconds"][stem]["full"] / saved["seconds"][stem]["full"]
        for stem in saved["seconds"]
    }
    heaviest_memory = max(memory, key=memory.get)
    heaviest_cpu = max(cores, key=cores.get)
    notebooks_bytes = sum(path.stat().st_size for path in NOTEBOOKS_DIR.glob("*.ipynb"))
    return {
        "benchmark": sources.newest("notebooks").name,
        "peak_memory_mib": memory[heaviest_memory],
        "cpu_cores": round(cores[heaviest_cpu], 2),
        "heaviest": {"memory": heaviest_memory, "cpu": heaviest_cpu},
        "environment_gib": saved["environment_gib"],
        # A learner's own notebooks (committed size; outputs add a few MiB) and one model of 2 MiB.
        "learner_mib": round(notebooks_bytes / 2**20 + 2, 1),
        "server_mib": max(run["summary"]["server_peak_memory_mib_max"] for run in runs),
        "load_tests": [run["file"] for run in runs],
    }


def size(learners, costs=None, node_memory_gib=None):
    """The server a class of `learners` needs, from measured costs and TLJH's rules.

    Args:
        learners: learners in the class.
        costs: as `measured_costs` returns; `None` measures them.
        node_memory_gib: a Kubernetes node's memory, for the number of nodes
            Zero to JupyterHub needs (memory decides: CPU can be
            oversubscribed); `None` leaves it out.

    Returns:
        A dict: `learners`, `online` (at once), `memory_gib`, `cpus`,
        `disk_gib`, `nodes` (or `None`), and `assumptions`, one line each.
    """
    if not isinstance(learners, int) or learners < 1:
        raise ValueError(f"Argument `learners` must be a positive integer. Received: {learners!r}")
    costs = costs or measured_costs()
    online = math.ceil(learners * ONLINE_SHARE)
    memory_mib = (online * learner_memory_mib(costs) + HUB_OVERHEAD_MIB) * (1 + MEMORY_HEADROOM)
    cpus = online * costs["cpu_cores"] * (1 + CPU_MARGIN)
    disk_gib = (costs["environment_gib"] + learners * costs["learner_mib"] / 1024) * (
        1 + DISK_MARGIN
    )
    nodes = None
    if node_memory_gib:
        per_node = int(node_memory_gib * 1024 * NODE_ALLOCATABLE // learner_memory_mib(costs))
        if per_node < 1:
            raise ValueError(
                f"A node of {node_memory_gib} GiB cannot hold one learner's server "
                f"({learner_memory_mib(costs):,} MiB at its peak): choose larger nodes."
            )
        nodes = math.ceil(online / per_node)
    assumptions = [
        f"{ONLINE_SHARE:.0%} of the class online at once (TLJH: plan for 40-60%)",
        f"each learner's kernel peaks at {costs['peak_memory_mib']:,} MiB "
        f"({costs['heaviest']['memory']} in full mode, {costs['benchmark']}), and their "
        f"Jupyter server beside it at {costs['server_mib']:,} MiB "
        f"({', '.join(costs['load_tests'])}); a class works through the same notebook together",
        f"the hub and the proxy take {HUB_OVERHEAD_MIB} MiB (TLJH), and memory gets "
        f"{MEMORY_HEADROOM:.0%} headroom (TLJH: 20-40%); memory must not be oversubscribed",
        f"a learner running a notebook keeps {costs['cpu_cores']} cores busy "
        f"({costs['heaviest']['cpu']} in full mode), plus {CPU_MARGIN:.0%} (TLJH); CPU can be "
        "oversubscribed: fewer cores make cells slower, not fail",
        f"disk: the Python environment ({costs['environment_gib']} GiB, where the benchmark "
        f"ran) once, {costs['learner_mib']} MiB per learner, plus {DISK_MARGIN:.0%}, and the "
        "shared folder once (IMDB and two models: `du -sh` it after `classroom fill`)",
    ]
    if nodes is not None:
        assumptions.append(
            f"Kubernetes leaves {NODE_ALLOCATABLE:.0%} of a node's memory to learners' pods, "
            "each guaranteed its peak memory"
        )
    return {
        "learners": learners,
        "online": online,
        "memory_gib": round(memory_mib / 1024, 1),
        "cpus": math.ceil(cpus),
        "disk_gib": round(disk_gib, 1),
        "nodes": nodes,
        "assumptions": assumptions,
    }


def fill(folder, source=None):
    """Fills a class's shared folder: the encoded reviews and the course's full-mode models.

    Run it once on the server (as the user who owns `folder`), then make the
    folder read-only for learners and set `RNN_COURSE_SHARED_DIR` to it for
    every learner. Trains the LSTM and the GRU at full size (a few minutes).

    Args:
        folder: the shared folder, created if missing.
        source: where the reviews are, as for `load_imdb` (`IMDB_DATA_DIR`, or
            Keras' download when `None` and unset).

    Returns:
        The paths written.
    """
    from lesson_utils.data.imdb import cache_path, load_imdb
    from lesson_utils.training.pipeline import save_lesson_model, train_lesson_model

    folder = Path(folder).expanduser().resolve()
    before = os.environ.get("RNN_COURSE_HOME")
    os.environ["RNN_COURSE_HOME"] = str(folder)  # the cache goes where the class reads it
    try:
        load_imdb(source=source)
        written = [path for path in [cache_path(source)] if path is not None]
        for cell in ("lstm", "gru"):
            _, metrics, model = train_lesson_model(cell, quick=False, source=source)
            written.append(save_lesson_model(model, cell, folder=folder / "models", quick=False))
            print(f"{cell.upper()}: test accuracy {metrics['accuracy']:.3f}, saved", flush=True)
    finally:
        if before is None:
            os.environ.pop("RNN_COURSE_HOME")
        else:
            os.environ["RNN_COURSE_HOME"] = before
    return written


def size_markdown(classes=(30, 100, 300), costs=None):
    """A Markdown table of `size` for each class size, then its assumptions."""
    costs = costs or measured_costs()
    rows = [size(n, costs) for n in classes]
    lines = [
        "| learners | online at once | RAM (GiB) | CPU cores | disk (GiB) |",
        "|---|---|---|---|---|",
        *(
            f"| {r['learners']} | {r['online']} | {r['memory_gib']} | {r['cpus']} | "
            f"{r['disk_gib']} |"
            for r in rows
        ),
        "",
        *(f"- {line}" for line in rows[0]["assumptions"]),
    ]
    return "\n".join(lines) + "\n"


def run_load_test(args):
    """`load-test`: runs it, prints what each learner lived through, saves the JSON.

    Returns:
        The exit status: 0 when every learner got a server and every cell ran, else 1.
    """
    from course_tools.load_test import interrupt_on_sigterm, load_test

    interrupt_on_sigterm()
    output = args.output or Path(
        "artifacts", "load_test", f"{args.notebook}_{args.mode}_{args.learners}.json"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    hub_log = Path("artifacts", "load_test", f"{output.stem}.hub.log")
    hub_log.parent.mkdir(parents=True, exist_ok=True)
    result = load_test(args.learners, args.notebook, args.mode, hub_log, args.cell_timeout)
    for learner in result["per_learner"]:
        if "error" in learner:
            print(f"{learner['learner']}: no server: {learner['error']}")
            continue
        print(
            f"{learner['learner']}: server after {learner['spawn_seconds']} s, first cell done at "
            f"{learner['first_cell_seconds']} s, last at {learner['last_cell_seconds']} s, peak "
            f"memory {learner['peak_memory_mib']} MiB, {len(learner['failed_cells'])} failed cells"
        )
        for failure in learner["failed_cells"]:
            print(f"  cell {failure['cell']}: {'; '.join(failure['problems'])}")
    print(
        f"Hub {result['hub']['peak_memory_mib']} MiB, proxy "
        f"{result['proxy_process']['peak_memory_mib']} MiB; {result['learners']} learners on "
        f"{result['notebook']} ({result['mode']} mode) in {result['seconds']} s"
    )
    output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"Saved {output}")
    ended = result["summary"]
    return 1 if ended["failed_cells"] or ended["learners_without_a_server"] else 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course_tools.classroom", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    link = commands.add_parser("links", help="an nbgitpuller link per notebook")
    link.add_argument(
        "--hub", required=True, help="the hub's address, e.g. https://hub.example.edu"
    )
    link.add_argument("--repository", default=None, help="the repository (default: the course's)")
    sizing = commands.add_parser("size", help="RAM, CPU and disk for a class")
    sizing.add_argument("--learners", type=int, required=True)
    sizing.add_argument(
        "--node-memory-gib", type=float, default=None, help="a Kubernetes node's memory"
    )
    filling = commands.add_parser("fill", help="fill a class's shared folder")
    filling.add_argument("folder", type=Path)
    filling.add_argument("--source", default=None, help="the reviews (default: IMDB_DATA_DIR)")
    loading = commands.add_parser("load-test", help="a class on a real hub, on this machine")
    loading.add_argument("--learners", type=int, required=True)
    loading.add_argument("--notebook", required=True, help="a notebook's number, e.g. 01")
    loading.add_argument("--mode", choices=("quick", "full"), default="quick")
    loading.add_argument("--cell-timeout", type=float, default=900, help="seconds per cell")
    loading.add_argument(
        "--output",
        type=Path,
        default=None,
        help="JSON file (default: artifacts/load_test/NN_mode_N.json); the hub's log goes to "
        "artifacts/load_test/ under the same name",
    )
    args = parser.parse_args(argv)
    from course_tools.load_test import LoadTestError
    from lesson_utils.data.imdb import ImdbDataError

    try:
        if args.command == "links":
            for name, url in links(args.hub, args.repository):
                print(f"{name}: {url}")
        elif args.command == "size":
            result = size(args.learners, None, args.node_memory_gib)
            print(
                f"A class of {result['learners']}, {result['online']} online at once: "
                f"{result['memory_gib']} GiB of RAM, {result['cpus']} CPU cores, "
                f"{result['disk_gib']} GiB of disk"
                + (
                    f"; Zero to JupyterHub: {result['nodes']} node(s)"
                    if result["nodes"] is not None
                    else ""
                )
                + "."
            )
            print("Assumptions:")
            for line in result["assumptions"]:
                print(f"  - {line}")
        elif args.command == "fill":
            for path in fill(args.folder, args.source):
                print(f"wrote {path}")
        else:
            return run_load_test(args)
    except (ValueError, FileNotFoundError, ImdbDataError, LoadTestError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
