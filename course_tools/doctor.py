"""`python -m lesson_utils doctor`: checks what the course needs on this machine.

One line per check, each problem with what to do about it. The exit status is
1 when something the course needs is missing or broken; a missing Chromium
(only the browser tests need it) is a warning.
"""

import importlib
import importlib.metadata
import os
import sys
import tempfile
import urllib.request
from collections import namedtuple
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from lesson_utils.hosted import DISTRIBUTION, course_requirements, in_hosted_service
from lesson_utils.models.store import model_path
from lesson_utils.paths import MODELS_ENV_VAR, keras_datasets_folder

OK, WARN, FAIL = "ok", "warning", "FAIL"
Check = namedtuple("Check", "status what detail")
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
HOSTED_ROUTE = "or open the course in Colab (README: badges)"
# ipywidgets' major version and the JupyterLab extension major version that renders it.
WIDGET_EXTENSION = {7: 1, 8: 3}


def _course_requirements():
    """`(Python specifier, {package: specifier})` from the installed course's metadata."""
    metadata = importlib.metadata.metadata(DISTRIBUTION)
    ranges = {requirement.name: requirement.specifier for requirement in course_requirements()}
    return SpecifierSet(metadata["Requires-Python"] or ""), ranges


def check_python(python_range, version=None):
    """The running Python against the course's `requires-python`."""
    version = version or ".".join(map(str, sys.version_info[:3]))
    if python_range.contains(version):
        return Check(OK, f"Python {version}", f"the course supports {python_range}")
    return Check(
        FAIL,
        f"Python {version}",
        f"TensorFlow ships wheels for Python {python_range} only: install one of those "
        f"and recreate the environment (make PYTHON=python3.12 lab), {HOSTED_ROUTE}",
    )


def check_package(name, tested_range):
    """That `name` imports and its version is in the course's tested range."""
    try:
        module = importlib.import_module(name)
    except Exception as err:  # A broken install raises more than ImportError.
        return Check(
            FAIL,
            name,
            f"does not import ({type(err).__name__}: {err}): "
            f'pip install "{name}{tested_range}" in this environment, {HOSTED_ROUTE}',
        )
    version = module.__version__
    if tested_range.contains(version, prereleases=True):
        return Check(OK, f"{name} {version}", f"imports; the course is tested with {tested_range}")
    return Check(
        FAIL,
        f"{name} {version}",
        f'the course is tested with {tested_range}: pip install "{name}{tested_range}"',
    )


def _installed_version(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def check_widgets():
    """That ipywidgets and JupyterLab's widget extension (jupyterlab_widgets) go together."""
    widgets = _installed_version("ipywidgets")
    if widgets is None:
        return Check(FAIL, "ipywidgets", 'not installed: pip install "ipywidgets>=8.1,<9"')
    if in_hosted_service():
        return Check(OK, f"ipywidgets {widgets}", "the hosted service renders widgets itself")
    lab, extension = _installed_version("jupyterlab"), _installed_version("jupyterlab_widgets")
    if lab is None:
        return Check(OK, f"ipywidgets {widgets}", "no JupyterLab in this environment to check")
    needed = WIDGET_EXTENSION.get(Version(widgets).major)
    if Version(lab).major >= 4 and Version(widgets).major < 8:
        return Check(
            FAIL,
            f"ipywidgets {widgets} with JupyterLab {lab}",
            'JupyterLab 4 renders ipywidgets 8 only ("Error displaying widget"): '
            'pip install "ipywidgets>=8.1,<9"',
        )
    if extension is None or Version(extension).major != needed:
        return Check(
            FAIL,
            f"ipywidgets {widgets} with jupyterlab_widgets {extension}",
            f"ipywidgets {Version(widgets).major} needs jupyterlab_widgets {needed} "
            f'("Error displaying widget" otherwise): pip install "jupyterlab_widgets~={needed}.0"',
        )
    return Check(
        OK, f"ipywidgets {widgets}", f"with jupyterlab_widgets {extension} in JupyterLab {lab}"
    )


def _reachable(url, timeout=5):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout):
            return True
    except OSError:
        return False


def check_imdb():
    """Where the IMDB reviews will come from, and whether that works."""
    from lesson_utils.data import imdb as data

    try:
        local = data.resolve_source()
        if local is not None:
            return Check(OK, "IMDB data", f"from {data.describe_source()} ({data.ENV_VAR})")
    except data.ImdbDataError as err:
        return Check(FAIL, "IMDB data", " ".join(str(err).split()))
    cached = keras_datasets_folder() / "imdb.npz"
    if cached.is_file():
        return Check(OK, "IMDB data", f"Keras' download, already cached in {cached}")
    if _reachable(data.KERAS_DATA_URL):
        return Check(OK, "IMDB data", f"Keras downloads it on first use from {data.KERAS_DATA_URL}")
    return Check(
        FAIL,
        "IMDB data",
        " ".join(
            data._no_data_message(
                f"No local copy ({data.ENV_VAR} is unset), no cached download and "
                f"{data.KERAS_DATA_URL} cannot be reached."
            ).split()
        ),
    )


def check_writable(what, folder, variable):
    """That the course can write in `folder` (created if missing)."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError as err:
        return Check(
            FAIL,
            what,
            f"cannot write to {folder} ({err.strerror}): set {variable} "
            "to a folder you can write to",
        )
    return Check(OK, what, f"{folder} is writable")


def check_chromium(path=None):
    """Chromium, which only the browser tests (tests/e2e) need (`path` default: `CHROMIUM_PATH`)."""
    path = path or CHROMIUM_PATH
    if os.access(path, os.X_OK):
        return Check(OK, "Chromium", f"{path} (for the browser tests)")
    return Check(
        WARN,
        "Chromium",
        f"not found at {path}: the browser tests will be skipped "
        "(apt-get install chromium, or set CHROMIUM_PATH)",
    )


def run_checks():
    """Every check, in the order printed.

    Returns:
        A list of `Check(status, what, detail)`.
    """
    try:
        python_range, ranges = _course_requirements()
    except importlib.metadata.PackageNotFoundError:
        return [
            Check(
                FAIL,
                DISTRIBUTION,
                "is not installed in this Python: run make lab, or "
                "pip install -e . in the course's folder",
            )
        ]
    checks = [check_python(python_range)]
    checks += [check_package(name, ranges[name]) for name in ("tensorflow", "keras")]
    checks.append(check_widgets())
    checks.append(check_imdb())

    checks.append(check_writable("Keras cache folder", keras_datasets_folder(), "KERAS_HOME"))
    checks.append(check_writable("models folder", model_path("doctor").parent, MODELS_ENV_VAR))
    checks.append(check_chromium())
    return checks


def doctor():
    """Prints one line per check and returns the exit status (1 if anything needed fails)."""
    checks = run_checks()
    for check in checks:
        print(f"[{check.status}] {check.what}: {check.detail}")
    failed = sum(check.status == FAIL for check in checks)
    print(f"{failed} problem(s) to fix." if failed else "The course has what it needs.")
    return 1 if failed else 0
