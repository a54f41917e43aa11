"""The classroom load test: its hub's settings, how it reads a kernel's replies, and that it stops.

The load test itself (a real hub, four learners on notebook 01) runs in CI (`.ci/run`); here, the
parts that decide what it reports, and one short run interrupted on purpose.
"""

import json
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
from traitlets.config import Config

from course_tools import load_test


def test_a_notebook_is_named_by_its_number_or_its_file():
    assert load_test.notebook_file("01") == "01_rnn_loop.ipynb"
    assert load_test.notebook_file("04_imdb_sentiment.ipynb") == "04_imdb_sentiment.ipynb"
    with pytest.raises(ValueError, match=r"notebook='99'"):
        load_test.notebook_file("99")


def test_a_class_needs_at_least_one_learner(tmp_path):
    with pytest.raises(ValueError, match=r"learners=0"):
        load_test.load_test(0, "01", "quick", tmp_path / "hub.log")


def test_the_hub_listens_only_here_and_lets_the_load_test_create_learners(tmp_path):
    ports = {"public": 8001, "api": 8002, "hub": 8003}
    text = load_test.hub_config(tmp_path, ports, "admin-token", "pw", {"QUICK_TEST_MODE": "1"})
    c = Config()
    exec(text, {"c": c})
    assert c.JupyterHub.bind_url == "http://127.0.0.1:8001"
    assert c.ConfigurableHTTPProxy.api_url == "http://127.0.0.1:8002"
    assert c.ConfigurableHTTPProxy.command == [str(load_test.PROXY)]
    assert c.JupyterHub.hub_ip == "127.0.0.1"
    assert c.JupyterHub.authenticator_class == "dummy"
    assert c.DummyAuthenticator.password == "pw"
    assert c.JupyterHub.spawner_class == "simple"
    assert c.SimpleLocalProcessSpawner.home_dir_template.startswith(str(tmp_path))
    assert c.Spawner.environment == {"QUICK_TEST_MODE": "1"}
    assert c.JupyterHub.services == [{"name": "load-test", "api_token": "admin-token"}]
    assert c.JupyterHub.load_roles[0]["services"] == ["load-test"]


class FakeSocket:
    """A kernel's websocket that answers a request with `answers`: messages (dicts, about that
    request unless they say another parent), binary frames or `None` (closed)."""

    def __init__(self, *answers):
        self.answers = answers
        self.sent = []
        self.queue = []

    async def write_message(self, text):
        request = json.loads(text)
        self.sent.append(request)
        mine = {"msg_id": request["header"]["msg_id"]}
        self.queue = [
            json.dumps({"parent_header": mine, **answer}) if isinstance(answer, dict) else answer
            for answer in self.answers
        ]

    async def read_message(self):
        return self.queue.pop(0)


def message(kind, **content):
    return {"header": {"msg_type": kind}, "content": content}


REPLY_OK = message("execute_reply", status="ok")
IDLE = message("status", execution_state="idle")


def run_cell(fake):
    import asyncio

    return asyncio.run(load_test.run_cell(fake, "x = 1", "session", timeout=5))


def test_a_cell_that_replies_ok_and_goes_idle_passed():
    fake = FakeSocket(
        b"binary widget data", message("status", execution_state="busy"), REPLY_OK, IDLE
    )
    assert run_cell(fake) == []
    sent = fake.sent[0]
    assert sent["channel"] == "shell" and sent["header"]["msg_type"] == "execute_request"
    assert sent["content"]["code"] == "x = 1"


def test_an_error_fails_the_cell_with_its_name():
    error = message("error", ename="ValueError", evalue="bad", traceback=[])
    reply = message("execute_reply", status="error", ename="ValueError", evalue="bad")
    assert run_cell(FakeSocket(error, reply, IDLE)) == ["raised ValueError: bad"]


def test_a_cell_that_writes_to_standard_error_failed():
    stderr = message("stream", name="stderr", text="WARNING: oneDNN")
    problems = run_cell(FakeSocket(stderr, REPLY_OK, IDLE))
    assert len(problems) == 1 and problems[0].startswith("wrote to standard error")


def test_the_outputs_are_judged_by_the_courses_one_rule():
    figure = message("display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"})
    assert run_cell(FakeSocket(figure, figure, REPLY_OK, IDLE))[0].startswith(
        "shows the same figure twice"
    )
    cleared = message("clear_output", wait=False)
    assert run_cell(FakeSocket(figure, cleared, figure, REPLY_OK, IDLE)) == []


def test_another_cells_messages_are_not_taken_for_this_ones():
    others = {
        **message("error", ename="E", evalue="", traceback=[]),
        "parent_header": {"msg_id": "another cell's"},
    }
    assert run_cell(FakeSocket(others, REPLY_OK, IDLE)) == []


def test_a_closed_socket_is_said():
    assert run_cell(FakeSocket(None)) == ["the kernel's websocket closed"]


def test_the_summary_counts_failures_and_learners_without_a_server():
    per_learner = [
        {
            "learner": "a",
            "spawn_seconds": 2.0,
            "first_cell_seconds": 5.0,
            "last_cell_seconds": 9.0,
            "peak_memory_mib": 800,
            "server_peak_memory_mib": 90,
            "failed_cells": [{"cell": 3, "problems": ["raised E: x"]}],
        },
        {
            "learner": "b",
            "spawn_seconds": 3.0,
            "first_cell_seconds": 6.0,
            "last_cell_seconds": 8.0,
            "peak_memory_mib": 900,
            "server_peak_memory_mib": 95,
            "failed_cells": [],
        },
        {"learner": "c", "error": "HTTPClientError: HTTP 500"},
    ]
    assert load_test.summary(per_learner) == {
        "learners_without_a_server": 1,
        "failed_cells": 1,
        "spawn_seconds_max": 3.0,
        "first_cell_seconds_max": 6.0,
        "last_cell_seconds_max": 9.0,
        "peak_memory_mib_max": 900,
        "server_peak_memory_mib_max": 95,
        "peak_memory_mib_sum": 1700,
    }


def descendants(pid):
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


@pytest.mark.skipif(not load_test.PROXY.exists(), reason="npm ci --prefix vendor not run")
def test_an_interrupted_load_test_stops_everything_it_started(tmp_path):
    run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "course_tools.classroom",
            "load-test",
            "--learners",
            "1",
            "--notebook",
            "01",
            "--output",
            str(tmp_path / "run.json"),
        ],
        env=dict(os.environ, TMPDIR=str(tmp_path)),
    )
    started = {}
    deadline = time.monotonic() + 120
    kernel_running = False
    while time.monotonic() < deadline and not kernel_running:
        for process in descendants(run.pid):
            started[process.pid] = process
            try:
                kernel_running |= "ipykernel_launcher" in " ".join(process.cmdline())
            except psutil.Error:
                continue
        time.sleep(0.2)
    assert kernel_running, "the learner's kernel did not start within 120 s"
    run.send_signal(signal.SIGINT)
    assert run.wait(timeout=60) != 0
    _, alive = psutil.wait_procs(list(started.values()), timeout=5)
    assert not alive, f"still running after the interrupt: {[p.cmdline() for p in alive]}"
    assert not list(tmp_path.glob("rnn-course-hub-*")), "the hub's temporary folder was left"
