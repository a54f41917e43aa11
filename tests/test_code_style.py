"""The maintainers' checks, as the pre-commit hooks run them: ruff over the package, the
tests and the notebooks' code cells, and notebooks committed without outputs."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def tool(name):
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def test_ruff_finds_nothing():
    done = subprocess.run(
        [tool("ruff"), "check", "--no-cache", "--output-format", "concise", "."],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr


def test_notebooks_are_committed_without_outputs():
    notebooks = sorted(str(p) for p in (REPO / "notebooks").glob("*.ipynb"))
    done = subprocess.run(
        [tool("nbstripout"), "--keep-id", "--verify", *notebooks], capture_output=True, text=True
    )
    assert done.returncode == 0, "notebooks saved with outputs: " + done.stdout + done.stderr


def test_the_hooks_and_the_tests_pin_the_same_tool_versions():
    pins = dict(re.findall(r'"(ruff|nbstripout)==([\d.]+)"', (REPO / "pyproject.toml").read_text()))
    hooks = dict(
        re.findall(r'"(ruff|nbstripout)==([\d.]+)"', (REPO / ".pre-commit-config.yaml").read_text())
    )
    assert pins and pins == hooks


def test_every_notebook_cell_has_its_own_id():
    """nbformat 4.5 asks each cell for an id; without one, nbformat warns (a future error)."""
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        missing = [i for i, cell in enumerate(cells) if not cell.get("id")]
        assert not missing, f"{path.name}: cells {missing} have no id"
        assert len({cell["id"] for cell in cells}) == len(cells), f"{path.name}: ids repeat"
