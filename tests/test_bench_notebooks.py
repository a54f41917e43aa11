"""The notebook timer runs a notebook for real and reports its mode."""

import json

import nbformat
import pytest

from course_tools import notebook_timing as bench_notebooks


def write_notebook(path, source):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def test_times_quick_mode_and_writes_json(tmp_path):
    notebook = write_notebook(
        tmp_path / "01_probe.ipynb", "import os\nassert os.environ['QUICK_TEST_MODE'] == '1'"
    )
    output = tmp_path / "times.json"
    bench_notebooks.main([str(notebook), "--output", str(output)])
    saved = json.loads(output.read_text())
    assert saved["seconds"]["01_probe"]["quick"] > 0
    assert saved["budget_seconds"] == {"quick": 60, "full": 150} and saved["over_budget"] == []


def test_a_notebook_over_its_budget_is_reported(tmp_path, monkeypatch, capsys):
    notebook = write_notebook(tmp_path / "03_probe.ipynb", "1 + 1")
    monkeypatch.setitem(bench_notebooks.BUDGET_SECONDS, "quick", 0)
    saved = bench_notebooks.main([str(notebook), "--output", str(tmp_path / "times.json")])
    assert saved["over_budget"] == ["03_probe quick"]
    assert "OVER the budget of 0 s" in capsys.readouterr().out


def test_full_mode_really_turns_quick_mode_off(tmp_path):
    notebook = write_notebook(
        tmp_path / "02_probe.ipynb", "import os\nassert os.environ['QUICK_TEST_MODE'] == '0'"
    )
    assert bench_notebooks.time_notebook(notebook, quick=False) > 0
    with pytest.raises(Exception, match="AssertionError"):
        bench_notebooks.time_notebook(notebook, quick=True)
