"""A non-editable install (`pip install .`, as Colab and `pip install git+URL` do) holds the
package and its data and needs no clone. That every notebook runs, copied out of the repository,
on such an install is checked by `.ci/hosted_stack` (Colab's stack, every notebook under nbval).

The fresh environment borrows the third-party packages of the one running the tests
(a `.pth` line, which does not bring that environment's editable `lesson_utils`), so
the test needs no download; the course's own package is installed from a wheel.
"""

import os
import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# The environment without PYTHONPATH, which could lead back to the clone.
CLEAN_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh virtual environment with the course installed from a wheel, and a folder
    outside the repository."""
    root = tmp_path_factory.mktemp("install")
    env_dir = root / "env"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    env_site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    (env_site / "borrowed.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    # Built from a copy of what the wheel is made of, so the build leaves nothing in the clone.
    source = root / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    for name in ("lesson_utils", "course_tools"):
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    wheels = root / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            wheels,
            source,
        ],
        check=True,
        cwd=root,
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            env_site,
            *wheels.glob("rnn_course-*.whl"),
        ],
        check=True,
        cwd=root,
    )
    outside = root / "learner"
    outside.mkdir()
    return python, outside


def test_the_wheel_holds_the_package_and_its_data_and_no_clone_is_needed(installed):
    python, outside = installed
    code = (
        "import lesson_utils, course_tools.slides, pathlib\n"
        "from lesson_utils.paths import benchmark_results_folder\n"
        "print(pathlib.Path(lesson_utils.__file__).parent)\n"
        "print(len(list(benchmark_results_folder().glob('*.json'))))\n"
        "print(len(list(pathlib.Path(course_tools.slides.__file__).parent.glob('slide_template/*/*'))))\n"
    )
    done = subprocess.run(
        [python, "-c", code], capture_output=True, text=True, cwd=outside, check=True, env=CLEAN_ENV
    )
    package, results, template = done.stdout.split()
    assert not Path(package).is_relative_to(REPO), (
        f"lesson_utils was imported from the clone: {package}"
    )
    assert int(results) == len(list((REPO / "lesson_utils" / "benchmark_data").glob("*.json")))
    assert int(template) >= 2, "the slide template should travel with course_tools"
