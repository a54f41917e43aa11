"""The hosted-service route: one repository address, its badges, and the Colab set-up.

Colab is simulated: a fake `google.colab` module in `sys.modules` (what Colab's
kernel imports) and pip's calls captured, so these tests are fast and offline.
"""

import importlib.metadata
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

from lesson_utils import hosted

ROOT = Path(__file__).resolve().parent.parent
COLAB_VERSIONS = {
    "tensorflow": "2.20.0",
    "keras": "3.13.2",
    "numpy": "2.1.3",
    "ipywidgets": "7.7.1",
    "matplotlib": "3.10.0",
    "packaging": "25.0",
    "ipykernel": "6.17.1",
    "rnn-course": "0.1.0",
}


def _pyproject_repository():
    tomllib = pytest.importorskip("tomllib")
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["urls"]["Repository"]


def test_the_address_comes_from_pyproject_through_the_installed_metadata():
    assert hosted.repository_url() == _pyproject_repository(), (
        "the installed metadata is stale: reinstall the course "
        "(make does it when pyproject changes)"
    )


def test_launch_addresses_and_install_line_agree_with_the_address():
    url = _pyproject_repository()
    owner, name = url.removeprefix("https://github.com/").split("/")
    assert hosted.install_line() == f'pip install "rnn-course @ git+{url}"'
    assert hosted.colab_url("notebooks/01_rnn_loop.ipynb") == (
        f"https://colab.research.google.com/github/{owner}/{name}/blob/main/notebooks/01_rnn_loop.ipynb"
    )
    assert hosted.binder_url("01_rnn_loop.ipynb") == (
        f"https://mybinder.org/v2/gh/{owner}/{name}/main?urlpath=lab/tree/notebooks/01_rnn_loop.ipynb"
    )


def test_publishing_elsewhere_changes_every_derived_address(monkeypatch):
    monkeypatch.setattr(hosted, "repository_url", lambda: "https://github.com/someone/rnns")
    assert "someone/rnns/blob/main/notebooks/02_x.ipynb" in hosted.colab_url("02_x.ipynb")
    assert "/v2/gh/someone/rnns/" in hosted.binder_url()
    assert hosted.install_requirement() == "rnn-course @ git+https://github.com/someone/rnns"
    assert "rnn-course @ git+https://github.com/someone/rnns" in hosted.setup_cell_source()


def test_readme_links_are_the_derived_ones():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert hosted.install_line() in readme
    links = re.findall(
        r"\((https://(?:colab\.research\.google\.com/github|mybinder\.org/v2)[^)\s]*)\)", readme
    )
    assert links, "the README should have Colab and Binder badges"
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    derived = (
        {hosted.binder_url()}
        | {hosted.colab_url(n) for n in notebooks}
        | {hosted.binder_url(n) for n in notebooks}
    )
    assert set(links) <= derived, f"README links not derived from pyproject: {set(links) - derived}"


def test_bad_arguments_are_named(monkeypatch):
    with pytest.raises(ValueError, match="notebook='01_rnn_loop.py'"):
        hosted.colab_url("01_rnn_loop.py")
    monkeypatch.setattr(hosted, "repository_url", lambda: "https://gitlab.com/a/b")
    with pytest.raises(ValueError, match="gitlab.com/a/b"):
        hosted.binder_url()


@pytest.fixture
def pip_calls(monkeypatch):
    """Captures pip's command lines (and the constraints each was given) instead of running pip."""
    calls = []
    run = subprocess.run

    def fake_run(command, **kwargs):
        if "pip" not in command:  # e.g. `uname -p`, which importing TensorFlow runs
            return run(command, **kwargs)
        constraints = ""
        if "--constraint" in command:
            constraints = Path(command[command.index("--constraint") + 1]).read_text()
        calls.append({"command": command, "constraints": constraints})
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(subprocess, "run", fake_run)
    return calls


@pytest.fixture
def colab(monkeypatch):
    """A simulated Colab: `google.colab` imported, with the widget-manager switch recorded."""
    switched_on = []
    package = types.ModuleType("google.colab")
    package.output = types.ModuleType("google.colab.output")
    package.output.enable_custom_widget_manager = lambda: switched_on.append(True)
    monkeypatch.setitem(sys.modules, "google.colab", package)
    monkeypatch.setitem(sys.modules, "google.colab.output", package.output)
    return switched_on


def _simulate_installed(monkeypatch, versions):
    """Makes the hosted module see `versions` installed and the course's real requirements."""
    from packaging.utils import canonicalize_name

    monkeypatch.setattr(
        hosted,
        "_installed_versions",
        lambda: {canonicalize_name(n): v for n, v in versions.items()},
    )
    real_version = importlib.metadata.version

    def version(name):
        if name == hosted.DISTRIBUTION and name not in versions:
            raise importlib.metadata.PackageNotFoundError(name)
        return versions.get(name) or real_version(name)

    monkeypatch.setattr(importlib.metadata, "version", version)


def test_outside_a_hosted_service_it_does_nothing(monkeypatch, pip_calls, capsys):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert not hosted.in_hosted_service()
    assert hosted.setup_hosted() is None
    assert pip_calls == [] and capsys.readouterr().out == ""


def test_on_colabs_own_stack_nothing_is_installed_and_widgets_are_turned_on(
    monkeypatch, colab, pip_calls, capsys
):
    _simulate_installed(monkeypatch, COLAB_VERSIONS)
    result = hosted.setup_hosted()
    assert pip_calls == [], "Colab's stack satisfies every requirement: pip must not run"
    assert colab == [True]
    assert result["added"] == [] and result["untested"] == []
    assert result["kept"] == {
        "tensorflow": "2.20.0",
        "keras": "3.13.2",
        "numpy": "2.1.3",
        "ipywidgets": "7.7.1",
    }
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "tensorflow 2.20.0" in out and "widgets on" in out


def test_only_what_is_missing_is_installed_with_everything_else_pinned(
    monkeypatch, colab, pip_calls, capsys
):
    versions = {n: v for n, v in COLAB_VERSIONS.items() if n != "matplotlib"}
    _simulate_installed(monkeypatch, versions)
    result = hosted.setup_hosted()
    assert len(pip_calls) == 1
    command, constraints = pip_calls[0]["command"], pip_calls[0]["constraints"]
    assert command[:4] == [sys.executable, "-m", "pip", "install"]
    assert (
        [a for a in command if a.startswith("matplotlib")] == result["added"] == ["matplotlib>=3.8"]
    )
    assert not any(a.startswith(("-U", "--upgrade", "--force")) for a in command)
    for name in ("tensorflow==2.20.0", "keras==3.13.2", "numpy==2.1.3", "ipywidgets==7.7.1"):
        assert name in constraints.splitlines(), f"{name} should be held by the constraints"
    assert "rnn-course" not in constraints
    assert "added matplotlib>=3.8" in capsys.readouterr().out


def test_a_preinstalled_version_outside_the_range_is_kept_and_reported(
    monkeypatch, colab, pip_calls, capsys
):
    _simulate_installed(monkeypatch, {**COLAB_VERSIONS, "tensorflow": "2.23.0"})
    result = hosted.setup_hosted()
    assert pip_calls == [], "a preinstalled TensorFlow must never be replaced"
    assert result["untested"] and "tensorflow 2.23.0" in result["untested"][0]
    assert "untested: tensorflow 2.23.0" in capsys.readouterr().out


def test_the_course_is_installed_without_dependencies_from_the_overridden_source(
    monkeypatch, colab, pip_calls
):
    monkeypatch.setenv(hosted.INSTALL_SOURCE_ENV_VAR, "git+file:///tmp/clone")
    _simulate_installed(monkeypatch, {n: v for n, v in COLAB_VERSIONS.items() if n != "rnn-course"})
    monkeypatch.setattr(importlib.metadata, "version", _version_after_install(pip_calls))
    hosted.setup_hosted()
    assert pip_calls[0]["command"][-2:] == ["--no-deps", "git+file:///tmp/clone"]


def _version_after_install(pip_calls):
    def version(name):
        if name == hosted.DISTRIBUTION and not pip_calls:
            raise importlib.metadata.PackageNotFoundError(name)
        return COLAB_VERSIONS[name]

    return version


def test_a_failed_install_says_what_pip_said(monkeypatch, colab):
    _simulate_installed(monkeypatch, {n: v for n, v in COLAB_VERSIONS.items() if n != "numpy"})
    monkeypatch.setattr(
        subprocess,
        "run",
        lambda command, **kwargs: subprocess.CompletedProcess(
            command, 1, "", "ERROR: No matching distribution found for numpy"
        ),
    )
    with pytest.raises(RuntimeError, match="No matching distribution found for numpy"):
        hosted.setup_hosted()


def test_the_setup_cell_fetches_the_course_without_dependencies_then_sets_up(
    monkeypatch, colab, pip_calls, capsys
):
    monkeypatch.setenv(hosted.INSTALL_SOURCE_ENV_VAR, "git+file:///tmp/clone")
    _simulate_installed(monkeypatch, COLAB_VERSIONS)
    exec(compile(hosted.setup_cell_source(), "setup cell", "exec"), {})
    assert len(pip_calls) == 1
    command = pip_calls[0]["command"]
    assert "--no-deps" in command and command[-1] == "git+file:///tmp/clone"
    assert colab == [True] and "Colab set-up" in capsys.readouterr().out


def test_the_setup_cell_does_nothing_but_import_elsewhere(monkeypatch, pip_calls, capsys):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(hosted.setup_cell_source(), "setup cell", "exec"), {})
    assert pip_calls == [] and capsys.readouterr().out == ""


NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebooks_setup_cell_is_off_the_slides(path):
    """Its text and the launch links are written by `python -m course_tools sync` (test_sync.py)."""
    import json

    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    first_code = next(cell for cell in cells if cell["cell_type"] == "code")
    assert first_code["metadata"].get("slideshow", {}).get("slide_type") == "skip"
    assert "setup" in first_code["metadata"].get("tags", [])


def test_launch_links_are_plain_links_derived_from_the_one_address():
    links = hosted.launch_links_markdown("02_vanishing_gradients.ipynb")
    assert "![" not in links, "a badge image would be fetched from the web (and break offline)"
    assert hosted.colab_url("02_vanishing_gradients.ipynb") in links
    assert hosted.binder_url("02_vanishing_gradients.ipynb") in links
