"""A real JupyterLab and a real (headless) Chromium for the end-to-end tests.

`jupyter_lab` starts JupyterLab as `make lab` does: the root is (a copy of)
the course's `notebooks/` folder and nothing else, and the course's settings
come from `jupyter/` through `JUPYTER_CONFIG_PATH`, so a notebook that reaches
for a file outside `notebooks/` fails here as it would for a learner. On top
of that it has what a test needs and a learner does not see: 127.0.0.1, a free
port, a random token, empty user folders (config, data, settings, workspaces,
runtime: a new learner's machine), the app exposed to the page, quick mode
(`QUICK_TEST_MODE=1`; `E2E_FULL_MODE=1` runs the notebooks in full mode) and a
kernel that is this interpreter (`sys.executable`), so the venv's TensorFlow
and `lesson_utils` are what the notebooks import. `browser` is Debian's
Chromium driven by Playwright. Both are started once per test session.

The tests skip, saying why, when Playwright or Chromium is missing; with
`CI` set in the environment they fail instead, so that a CI machine without
Chromium cannot pass them silently.
"""

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from ci_rules import skip_or_fail

from course_tools.load_test import free_port

REPO_DIR = Path(__file__).resolve().parents[2]
# The notebooks under test; E2E_NOTEBOOKS_DIR points the suite at another
# folder (e.g. a notebook being written elsewhere).
NOTEBOOKS_DIR = Path(os.environ.get("E2E_NOTEBOOKS_DIR", REPO_DIR / "notebooks"))
SCREENSHOT_DIR = REPO_DIR / "artifacts" / "screenshots"
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 120  # seconds
KERNEL_DISPLAY_NAME = "Python 3 (course venv)"

# The course's JupyterLab settings, as `make lab` passes them (its LAB_CONFIG_PATH).
COURSE_CONFIG_DIR = REPO_DIR / "jupyter"
# What only the tests add: the app is exposed as window.jupyterapp for the tests
# to drive, and the extension manager is read-only so that nothing asks PyPI.
TEST_ONLY_CONFIG = {
    "LabApp": {"expose_app_in_browser": True, "extension_manager": "readonly"},
}


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "e2e: end-to-end test in a real JupyterLab and headless Chromium "
        "(run alone with `pytest -m e2e tests/e2e`)",
    )


def course_notebooks():
    """The notebooks the suite opens, sorted by name (none is fine: no test then)."""
    return sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def pytest_generate_tests(metafunc):
    """Gives a test with a `notebook` argument one run per course notebook."""
    if "notebook" in metafunc.fixturenames:
        metafunc.parametrize("notebook", course_notebooks(), ids=lambda path: path.stem)


@pytest.fixture(scope="session")
def course_config_dir():
    """The course's JupyterLab settings folder, which the server reads as `make lab` does."""
    return COURSE_CONFIG_DIR


@pytest.fixture(scope="session")
def screenshot_dir():
    """The git-ignored folder for the screenshots (`artifacts/screenshots/`)."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


def _write_json(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


def _server_environment(home, learner_environment):
    """The server's (and so the kernel's) environment: the learner's (the one the test run
    started with, before a test changed this process'), quick mode, private Jupyter folders."""
    env = dict(learner_environment)
    # The tests' own Agg backend would stop the kernel from showing figures inline.
    env.pop("MPLBACKEND", None)
    env.update(
        {
            "QUICK_TEST_MODE": "0" if os.environ.get("E2E_FULL_MODE") == "1" else "1",
            "JUPYTER_CONFIG_PATH": str(COURSE_CONFIG_DIR),
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_DATA_DIR": str(home / "data"),
            # First on Jupyter's search path, so that our kernel.json wins over the venv's.
            "JUPYTER_PATH": str(home / "data"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
            "IPYTHONDIR": str(home / "ipython"),
        }
    )
    return env


def _prepare_home(home):
    # The kernel is this interpreter, whatever `python` on PATH may be.
    _write_json(
        home / "data" / "kernels" / "python3" / "kernel.json",
        {
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": KERNEL_DISPLAY_NAME,
            "language": "python",
        },
    )
    _write_json(home / "config" / "jupyter_lab_config.json", TEST_ONLY_CONFIG)


def _copy_notebooks(root):
    """Copies `notebooks/` to `root`, the folder served: what `make lab` serves, nothing more."""
    shutil.copytree(NOTEBOOKS_DIR, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))


class JupyterLabServer:
    """A running JupyterLab: its base URL, token, log file, process and served folder."""

    def __init__(self, process, port, token, log_path, root, environment):
        self.process = process
        self.root = root
        self.environment = environment  # the server's, and so its kernels' environment
        self.url = f"http://127.0.0.1:{port}"
        self.token = token
        self.log_path = log_path

    def notebook_url(self, name):
        """The notebook's page, in a reset workspace (no tabs left from an earlier test)."""
        return f"{self.url}/lab/tree/{name}?reset&token={self.token}"

    def api(self, path, method="GET"):
        request = urllib.request.Request(
            f"{self.url}/api/{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self):
        """Ends every kernel, so that the next notebook has the CPU and memory."""
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", method="DELETE")

    def log_tail(self, lines=40):
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def _wait_until_up(server):
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited early:\n{server.log_tail()}")
        try:
            server.api("status")
        except OSError:
            time.sleep(0.5)
            continue
        kernel = server.api("kernelspecs")["kernelspecs"]["python3"]["spec"]
        if kernel["argv"][0] != sys.executable:
            raise RuntimeError(
                f"The server's python3 kernel is {kernel['argv']}, not this venv's {sys.executable}"
            )
        return
    raise RuntimeError(
        f"JupyterLab did not answer in {SERVER_START_TIMEOUT} s:\n{server.log_tail()}"
    )


@pytest.fixture(scope="session")
def jupyter_lab(tmp_path_factory, learner_environment):
    """JupyterLab serving a copy of `notebooks/` with the course's settings, as `make lab` does."""
    home = tmp_path_factory.mktemp("jupyter_home")
    root = tmp_path_factory.mktemp("course") / "notebooks"
    _prepare_home(home)
    _copy_notebooks(root)
    port, token = free_port(), secrets.token_hex(16)
    log_path = home / "jupyterlab.log"
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        "--ServerApp.open_browser=False",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.allow_root=True",  # CI runs as root
    ]
    environment = _server_environment(home, learner_environment)
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command,
            env=environment,
            cwd=root,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = JupyterLabServer(process, port, token, log_path, root, environment)
    try:
        _wait_until_up(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium from Debian's package, driven by Playwright, for one test module.

    Playwright's synchronous API keeps an asyncio loop running in this thread while it is open;
    a unit test that the same pytest-xdist worker runs after the browser tests, and that starts
    a loop of its own (`asyncio.run`), would fail while it stayed open.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright for Python is not installed (pip install -e '.[test]')")
    if not Path(CHROMIUM_PATH).is_file():
        skip_or_fail(
            f"Chromium not found at {CHROMIUM_PATH} (install it with: apt-get install -y chromium)"
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def lab_page(browser, jupyter_lab):
    """A fresh browser page (1280 x 800, a learner's laptop); kernels end after the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
        jupyter_lab.shutdown_kernels()
