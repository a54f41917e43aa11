"""Binder: what repo2docker builds from the repository, read from its dry run (no Docker needed)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REPO2DOCKER = Path(sys.executable).parent / "jupyter-repo2docker"


@pytest.fixture(scope="module")
def dockerfile(tmp_path_factory):
    """The Dockerfile repo2docker would build, from `--no-build --debug`."""
    if not REPO2DOCKER.exists():
        pytest.skip("jupyter-repo2docker is not installed (pip install -e '.[test]' installs it)")
    result = subprocess.run(
        [str(REPO2DOCKER), "--no-build", "--no-run", "--debug", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path_factory.mktemp("repo2docker"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_repo2docker_builds_the_conda_environment_of_environment_yml(dockerfile):
    assert "Building conda environment for python=3.11" in dockerfile, (
        "repo2docker should choose its conda build pack with environment.yml's Python"
    )
    assert 'env update -p ${NB_PYTHON_PREFIX} --file "environment.yml"' in dockerfile
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists(), (
        "a binder/ folder would make repo2docker ignore the files at the top of the repository"
    )


def test_the_start_script_is_the_entry_point(dockerfile):
    assert 'ENV R2D_ENTRYPOINT="${REPO_DIR}/start"' in dockerfile


def test_environment_yml_has_what_jupyterlab_widgets_and_slides_need():
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    for requirement in ("jupyterlab>=4.2,<5", "ipywidgets>=8.1,<9", "jupyterlab-rise", "-e ."):
        assert f"- {requirement}" in text, f"environment.yml should install {requirement}"


def test_start_applies_the_course_settings_and_leaves_imdb_to_keras(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("IMDB_DATA_DIR", "JUPYTER_CONFIG_PATH")}
    env["REPO_DIR"] = str(ROOT)
    result = subprocess.run(
        [shutil.which("bash"), str(ROOT / "start"), "env"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert f"JUPYTER_CONFIG_PATH={ROOT}/jupyter" in lines
    assert not any(line.startswith("IMDB_DATA_DIR=") for line in lines), (
        "on Binder Keras downloads IMDB: start must not point IMDB_DATA_DIR anywhere"
    )
    assert (ROOT / "jupyter" / "labconfig" / "default_setting_overrides.json").is_file()
    assert os.access(ROOT / "start", os.X_OK)
