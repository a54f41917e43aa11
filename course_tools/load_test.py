"""A class on this machine: `python -m course_tools.classroom load-test`.

Starts a real JupyterHub on 127.0.0.1 (its proxy is configurable-http-proxy from
`vendor/`, its authenticator the dummy one, its spawner the simple local-process
one, which gives each learner a home in a temporary folder), logs N simulated
learners in through the hub's API, starts their servers and, all at once, runs
one notebook's code cells in each learner's kernel over the kernel's websocket
through the hub's proxy, as JupyterLab does. It measures what a class's server
lives through: per learner the spawn seconds, the seconds to the first and the
last cell, the failed cells and the peak memory of their server and kernel; the
hub's and the proxy's own memory. It stops everything it started, also when
interrupted.
"""

import asyncio
import datetime
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil

from course_tools import NOTEBOOKS_DIR, executed, machine
from course_tools.notebook_timing import KernelMeter
from lesson_utils.hosted import clone_folder

REPO_ROOT = NOTEBOOKS_DIR.parent
PROXY = REPO_ROOT / "vendor" / "node_modules" / ".bin" / "configurable-http-proxy"
# Variables of this process a learner's server gets, as a class's hub sets them for every learner.
PASSED_ON = ("IMDB_DATA_DIR", "RNN_COURSE_SHARED_DIR", "RNN_COURSE_SEED", "KERAS_HOME")
# Seconds between memory samples of each learner's server and kernel; the hub's and the proxy's.
SAMPLE_SECONDS = 0.5


class LoadTestError(RuntimeError):
    """The hub could not be started or a learner could not get a server; says what to do."""


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def notebook_file(notebook):
    """The file name of the course notebook `notebook` names: `"01"` or `"01_rnn_loop.ipynb"`."""
    every = executed.notebook_names()
    found = [name for name in every if name == notebook or name.split("_")[0] == notebook]
    if len(found) != 1:
        raise ValueError(
            f"Argument `notebook` must be a notebook's number or file name ({', '.join(every)}). "
            f"Received: notebook={notebook!r}"
        )
    return found[0]


def code_cells(name):
    """The sources of notebook `name`'s code cells, in order (what Run All runs)."""
    cells = json.loads((NOTEBOOKS_DIR / name).read_text(encoding="utf-8"))["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]


def hub_config(folder, ports, admin_token, password, environment):
    """The text of a `jupyterhub_config.py` for a load test whose files live in `folder`.

    Args:
        folder: the test's temporary folder (the hub's database, the learners' homes).
        ports: a dict with the ports of the proxy (`"public"`, `"api"`) and of the hub (`"hub"`).
        admin_token: the API token of the load test itself, a service allowed to create users.
        password: every learner's password (the dummy authenticator checks only it).
        environment: variables every learner's server gets.

    Returns:
        The configuration, as Python source.
    """
    settings = {
        "JupyterHub.bind_url": f"http://127.0.0.1:{ports['public']}",
        "JupyterHub.hub_ip": "127.0.0.1",
        "JupyterHub.hub_port": ports["hub"],
        "JupyterHub.db_url": f"sqlite:///{folder / 'jupyterhub.sqlite'}",
        "JupyterHub.cookie_secret_file": str(folder / "jupyterhub_cookie_secret"),
        "JupyterHub.pid_file": str(folder / "jupyterhub.pid"),
        "JupyterHub.authenticator_class": "dummy",
        "DummyAuthenticator.password": password,
        "Authenticator.allow_all": True,
        "JupyterHub.spawner_class": "simple",
        "SimpleLocalProcessSpawner.home_dir_template": str(folder / "homes" / "{username}"),
        "Spawner.cmd": [str(Path(sys.executable).parent / "jupyterhub-singleuser")],
        "Spawner.default_url": "/lab",
        # Jupyter's servers refuse to run as root (containers, this CI) unless told they may.
        "Spawner.args": ["--allow-root"] if os.geteuid() == 0 else [],
        "Spawner.environment": environment,
        # A class's hub waits as long for a server that many learners start at once.
        "Spawner.start_timeout": 600,
        "Spawner.http_timeout": 600,
        "ConfigurableHTTPProxy.command": [str(PROXY)],
        "ConfigurableHTTPProxy.api_url": f"http://127.0.0.1:{ports['api']}",
        "JupyterHub.services": [{"name": "load-test", "api_token": admin_token}],
        "JupyterHub.load_roles": [
            {
                "name": "load-test",
                "scopes": ["admin:users", "admin:servers"],
                "services": ["load-test"],
            }
        ],
    }
    return "".join(f"c.{key} = {value!r}\n" for key, value in settings.items())


class Hub:
    """A JupyterHub started in `folder`, reached on 127.0.0.1; `stop` ends it and all it started."""

    def __init__(self, folder, environment, log):
        if not PROXY.exists():
            raise LoadTestError(
                f"configurable-http-proxy is not installed ({PROXY} is missing): "
                "run npm ci --prefix vendor (make test does)"
            )
        self.folder = folder
        self.ports = {key: free_port() for key in ("public", "api", "hub")}
        self.url = f"http://127.0.0.1:{self.ports['public']}"
        self.admin_token = secrets.token_hex(32)
        self.password = secrets.token_hex(16)
        config = folder / "jupyterhub_config.py"
        config.write_text(
            hub_config(folder, self.ports, self.admin_token, self.password, environment),
            encoding="utf-8",
        )
        self.log = log
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(config)],
                cwd=folder,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._started = {}  # process id -> psutil.Process, of everything the hub started

    def log_tail(self, lines=20):
        """The last lines the hub wrote, to show with an error."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def processes(self):
        """The hub's processes now: the proxy, each learner's server and their kernels."""
        try:
            found = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.Error:
            found = []
        for process in found:
            self._started.setdefault(process.pid, process)
        return found

    def proxy_pid(self):
        """The process id of the proxy the hub started."""
        for process in self.processes():
            try:
                if any("configurable-http-proxy" in part for part in process.cmdline()):
                    return process.pid
            except psutil.Error:
                continue
        raise LoadTestError(f"The hub started no proxy. The hub's log ends:\n{self.log_tail()}")

    def server_pid(self, learner):
        """The process id of `learner`'s single-user server."""
        for process in self.processes():
            try:
                if process.environ().get("JUPYTERHUB_USER") == learner and any(
                    "jupyterhub-singleuser" in part for part in process.cmdline()
                ):
                    return process.pid
            except psutil.Error:
                continue
        raise LoadTestError(
            f"No server process for {learner}. The hub's log ends:\n{self.log_tail()}"
        )

    def stop(self):
        """Stops the hub (which stops the servers and the proxy), then anything still running."""
        self.processes()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for process in self._started.values():
            try:
                process.kill()
            except psutil.Error:
                continue
        psutil.wait_procs(list(self._started.values()), timeout=10)


async def request(method, url, token=None, body=None, timeout=600):
    """An HTTP request to the hub or through its proxy; returns the JSON reply (or `None`)."""
    from tornado.httpclient import AsyncHTTPClient, HTTPRequest

    headers = {"Authorization": f"token {token}"} if token else {}
    data = None if body is None and method == "GET" else json.dumps(body or {})
    response = await AsyncHTTPClient().fetch(
        HTTPRequest(
            url,
            method=method,
            headers=headers,
            body=data,
            request_timeout=timeout,
            allow_nonstandard_methods=True,
        ),
        raise_error=True,
    )
    return json.loads(response.body) if response.body else None


async def wait_for_hub(hub, timeout=90):
    """Returns when the hub answers on its public address; a LoadTestError after `timeout` s."""
    from tornado.httpclient import HTTPClientError

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if hub.process.poll() is not None:
            break
        try:
            await request("GET", f"{hub.url}/hub/api/", timeout=5)
            return
        except (OSError, HTTPClientError):
            await asyncio.sleep(0.5)
    raise LoadTestError(f"The hub did not start. Its log ends:\n{hub.log_tail()}")


def execute_request(code, session):
    """A Jupyter `execute_request` message for the kernel's websocket, as JupyterLab sends it."""
    return {
        "channel": "shell",
        "header": {
            "msg_id": uuid.uuid4().hex,
            "msg_type": "execute_request",
            "session": session,
            "username": "",
            "version": "5.3",
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        },
        "parent_header": {},
        "metadata": {},
        "content": {
            "code": code,
            "silent": False,
            "store_history": True,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        },
        "buffers": [],
    }


def as_output(kind, content):
    """An iopub message as a notebook stores it among a cell's outputs (`None`: not an output)."""
    if kind == "stream":
        return {"output_type": kind, "name": content["name"], "text": content["text"]}
    if kind == "error":
        return {"output_type": kind, **{key: content[key] for key in ("ename", "evalue")}}
    if kind in ("display_data", "execute_result"):
        return {"output_type": kind, "data": content["data"]}
    return None


async def run_cell(socket_, code, session, timeout):
    """Runs `code` in the kernel behind `socket_`; returns what a learner would see as broken.

    A cell is done when the kernel has replied and gone idle. Its outputs are
    judged by the course's one rule (`executed.output_problems`: an error, text
    on standard error, a figure shown twice, a widget left as text).

    Returns:
        A list of sentences, empty when the cell ran well.
    """
    message = execute_request(code, session)
    msg_id = message["header"]["msg_id"]
    await socket_.write_message(json.dumps(message))
    replied = idle = False
    outputs = []
    deadline = time.monotonic() + timeout
    while not (replied and idle):
        left = deadline - time.monotonic()
        if left <= 0:
            return [f"no reply within {timeout} s"]
        frame = await asyncio.wait_for(socket_.read_message(), left)
        if frame is None:
            return ["the kernel's websocket closed"]
        if isinstance(frame, bytes):  # a message with binary buffers (a widget's data)
            continue
        reply = json.loads(frame)
        if reply.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = reply["header"]["msg_type"], reply["content"]
        replied |= kind == "execute_reply"
        idle |= kind == "status" and content["execution_state"] == "idle"
        if kind == "clear_output":
            outputs = []
        elif (output := as_output(kind, content)) is not None:
            outputs.append(output)
    return executed.output_problems(outputs)


async def take_notebook(hub, learner, name, cells, started, cell_timeout):
    """One learner: log in, start a server, open the notebook's kernel, run every cell.

    Args:
        hub: the running `Hub`.
        learner: the learner's user name (already created on the hub).
        name: the notebook's file name; it is in the learner's home already.
        cells: its code cells' sources.
        started: `time.monotonic()` when the class started, what the seconds count from.
        cell_timeout: seconds a cell may take.

    Returns:
        A dict: `learner`, `spawn_seconds`, `first_cell_seconds`,
        `last_cell_seconds`, `failed_cells` (a list of `{"cell": i, "problems": [...]}`),
        the learner's `peak_memory_mib` and `cpu_seconds` (server and kernel) and
        `server_peak_memory_mib` (the Jupyter server alone, which a hub's
        per-learner limit counts beside the kernel).
    """
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    api = f"{hub.url}/hub/api"
    login = {"auth": {"username": learner, "password": hub.password}, "note": "load test"}
    token = (await request("POST", f"{api}/users/{learner}/tokens", body=login))["token"]
    await request("POST", f"{api}/users/{learner}/server", token)
    while (
        not (await request("GET", f"{api}/users/{learner}", token))["servers"]
        .get("", {})
        .get("ready")
    ):
        await asyncio.sleep(0.5)
    result = {"learner": learner, "spawn_seconds": round(time.monotonic() - started, 1)}
    meter = KernelMeter(interval=SAMPLE_SECONDS)  # the server and the kernels it starts
    server_meter = KernelMeter(interval=SAMPLE_SECONDS, children=False)
    server_pid = hub.server_pid(learner)
    meter.watch(server_pid)
    server_meter.watch(server_pid)
    server = f"{hub.url}/user/{learner}/api"
    session = await request(
        "POST",
        f"{server}/sessions",
        token,
        {
            "path": f"{clone_folder()}/notebooks/{name}",
            "type": "notebook",
            "name": name,
            "kernel": {"name": "python3"},
        },
    )
    kernel = session["kernel"]["id"]
    channels = f"{server.replace('http', 'ws', 1)}/kernels/{kernel}/channels"
    socket_ = await websocket_connect(
        HTTPRequest(
            f"{channels}?session_id={session['id']}",
            headers={"Authorization": f"token {token}"},
        ),
        max_message_size=2**30,
    )
    failed = []
    try:
        for index, code in enumerate(cells):
            problems = await run_cell(socket_, code, session["id"], cell_timeout)
            seconds = round(time.monotonic() - started, 1)
            result.setdefault("first_cell_seconds", seconds)
            result["last_cell_seconds"] = seconds
            if problems:
                failed.append({"cell": index, "problems": problems})
            if any(
                problem.startswith(("no reply", "the kernel's websocket")) for problem in problems
            ):
                break
    finally:
        socket_.close()
        result.update(meter.stop())
        result["server_peak_memory_mib"] = server_meter.stop()["peak_memory_mib"]
    result["failed_cells"] = failed
    return result


async def run_class(hub, learners, name, cells, cell_timeout):
    """Starts every learner at once; returns their results and the hub's and proxy's memory."""
    await wait_for_hub(hub)
    hub_meter = KernelMeter(interval=SAMPLE_SECONDS, children=False)
    hub_meter.watch(hub.process.pid)
    proxy_meter = KernelMeter(interval=SAMPLE_SECONDS)
    proxy_meter.watch(hub.proxy_pid())
    names = [f"learner{number:03d}" for number in range(1, learners + 1)]
    try:
        await request("POST", f"{hub.url}/hub/api/users", hub.admin_token, {"usernames": names})
        for learner in names:  # what nbgitpuller's link does before the notebook opens
            shutil.copytree(
                NOTEBOOKS_DIR,
                hub.folder / "homes" / learner / clone_folder() / "notebooks",
                ignore=shutil.ignore_patterns(".ipynb_checkpoints"),
            )
        started = time.monotonic()
        results = await asyncio.gather(
            *(take_notebook(hub, learner, name, cells, started, cell_timeout) for learner in names),
            return_exceptions=True,
        )
    finally:
        hub_figures, proxy_figures = hub_meter.stop(), proxy_meter.stop()
    per_learner = []
    for learner, result in zip(names, results):
        if isinstance(result, BaseException):
            result = {"learner": learner, "error": f"{type(result).__name__}: {result}"}
        per_learner.append(result)
    return per_learner, hub_figures, proxy_figures


def summary(per_learner):
    """The figures of a class at a glance: failures, and the worst and total of each measure."""
    finished = [result for result in per_learner if "error" not in result]
    worst = {
        key: max((result[key] for result in finished if key in result), default=None)
        for key in (
            "spawn_seconds",
            "first_cell_seconds",
            "last_cell_seconds",
            "peak_memory_mib",
            "server_peak_memory_mib",
        )
    }
    return {
        "learners_without_a_server": len(per_learner) - len(finished),
        "failed_cells": sum(len(result["failed_cells"]) for result in finished),
        **{f"{key}_max": value for key, value in worst.items()},
        "peak_memory_mib_sum": sum(result["peak_memory_mib"] for result in finished),
    }


def load_test(learners, notebook, mode, hub_log, cell_timeout=900):
    """Serves notebook `notebook` in `mode` to `learners` learners at once on a real hub, here.

    Args:
        learners: how many learners start at the same moment (1 or more).
        notebook: the notebook's number (`"01"`) or file name.
        mode: `"quick"` or `"full"`, as `QUICK_TEST_MODE` sets it for each learner.
        hub_log: the file the hub writes its log to (it says why a server failed).
        cell_timeout: seconds any one cell may take before it counts as failed.

    Returns:
        The measurements, as saved in JSON (see the module's docstring).
    """
    if not isinstance(learners, int) or learners < 1:
        raise ValueError(
            "Argument `learners` must be a whole number, 1 or more. "
            f"Received: learners={learners!r}"
        )
    name = notebook_file(notebook)
    executed.check_mode(mode)
    environment = {key: os.environ[key] for key in PASSED_ON if key in os.environ}
    environment["QUICK_TEST_MODE"] = "1" if mode == "quick" else "0"
    # The course's JupyterLab settings, as `make lab` reads them.
    environment["JUPYTER_CONFIG_PATH"] = str(REPO_ROOT / "jupyter")
    cells = code_cells(name)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="rnn-course-hub-") as folder:
        hub = Hub(Path(folder), environment, Path(hub_log))
        try:
            per_learner, hub_figures, proxy_figures = asyncio.run(
                run_class(hub, learners, name, cells, cell_timeout)
            )
        finally:
            hub.stop()
    import jupyterhub

    return {
        "command": (
            f"python -m course_tools.classroom load-test --learners {learners} "
            f"--notebook {notebook} --mode {mode}"
        ),
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": {**machine(), "memory_gib": round(psutil.virtual_memory().total / 2**30, 1)},
        "jupyterhub": jupyterhub.__version__,
        "proxy": json.loads((PROXY.resolve().parents[1] / "package.json").read_text())["version"],
        "notebook": name,
        "mode": mode,
        "learners": learners,
        "code_cells": len(cells),
        "seconds": round(time.monotonic() - start, 1),
        "hub": hub_figures,
        "proxy_process": proxy_figures,
        "summary": summary(per_learner),
        "per_learner": per_learner,
    }


def interrupt_on_sigterm():
    """Makes SIGTERM stop a load test as Ctrl-C does, so that it stops what it started."""

    def handler(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def saved_runs(folder):
    """The saved load tests in `folder` (`load_test_*.json`), the newest of each class, in order.

    Returns:
        A list of the runs as `load_test` returned them, with `file` (the JSON's
        name) added, one per notebook, mode and number of learners, sorted by them.
    """
    newest = {}
    for path in sorted(Path(folder).glob("load_test_*.json")):
        run = {**json.loads(path.read_text(encoding="utf-8")), "file": path.name}
        key = (run["notebook"], run["mode"], run["learners"])
        if key not in newest or run["date"] > newest[key]["date"]:
            newest[key] = run
    return [newest[key] for key in sorted(newest)]


def runs_markdown(runs):
    """A Markdown table of saved load tests (`saved_runs`), a row per class, and where they ran."""
    lines = [
        "| notebook | mode | learners | slowest server (s) | slowest last cell (s) | failed cells "
        "| largest learner, server and kernel (MiB) | hub, proxy (MiB) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        ended = run["summary"]
        failed = ended["failed_cells"] + ended["learners_without_a_server"]
        lines.append(
            f"| `{Path(run['notebook']).stem}` | {run['mode']} | {run['learners']} | "
            f"{ended['spawn_seconds_max']} | {ended['last_cell_seconds_max']} | {failed} | "
            f"{ended['peak_memory_mib_max']:,} | {run['hub']['peak_memory_mib']}, "
            f"{run['proxy_process']['peak_memory_mib']} |"
        )
    machines = sorted(
        {
            f"{run['machine']['cpus']} cores ({run['machine']['processor']}), "
            f"{run['machine']['memory_gib']} GiB, JupyterHub {run['jupyterhub']}, "
            f"configurable-http-proxy {run['proxy']}"
            for run in runs
        }
    )
    files = ", ".join(f"`{run['file']}`" for run in runs)
    lines += ["", f"Measured on {'; '.join(machines)} ({files})."]
    return "\n".join(lines) + "\n"
