"""`make test` runs in two pytest-xdist workers; the browser tests stay in one of them in the
order collected, and so do a notebook's cells, and notebooks 04 to 06 (conftest.py,
notebook_runs_scope): the browser tests save the runs that the site and the decks then read, a
notebook's cells share one kernel, and 05 and 06 open the model 04 saved."""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

ROOT_CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"

pytest_plugins = ["pytester"]

RECORD = """
import os, pathlib

def record(name):
    with open(pathlib.Path(__file__).parents[2] / "order.txt", "a") as log:
        log.write(f"{name} {os.environ['PYTEST_XDIST_WORKER']}\\n")
"""


def test_the_notebook_runs_share_one_worker_in_order(pytester):
    pytester.makeconftest(ROOT_CONFTEST.read_text(encoding="utf-8"))
    e2e = pytester.path / "tests" / "e2e"
    e2e.mkdir(parents=True)
    for name in ("test_a_lab", "test_b_site", "test_c_slides"):
        (e2e / f"{name}.py").write_text(
            RECORD + "".join(f"\ndef test_{i}():\n    record('{name}_{i}')\n" for i in range(3))
        )
    (pytester.path / "tests" / "test_units.py").write_text(
        "import time\n" + "".join(f"def test_{i}():\n    time.sleep(0.05)\n" for i in range(20))
    )
    cells = {
        "01_kernel.ipynb": ["x = 1", "assert x == 1"],  # one kernel for a notebook's cells
        "04_saves.ipynb": ["import time; time.sleep(2)", "open('../saved.txt', 'w').close()"],
        "05_opens.ipynb": ["import os", "assert os.path.exists('../saved.txt')"],
        "06_opens_too.ipynb": ["import os", "assert os.path.exists('../saved.txt')"],
    }
    (pytester.path / "notebooks").mkdir()
    for name, sources in cells.items():
        notebook = new_notebook(
            cells=[new_code_cell(source) for source in sources],
            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        )
        nbformat.write(notebook, pytester.path / "notebooks" / name)
    result = pytester.runpytest_subprocess(
        "-n", "2", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=37)
    lines = (pytester.path / "order.txt").read_text().split()
    names, workers = lines[0::2], lines[1::2]
    assert names == sorted(names) and len(set(workers)) == 1, lines
