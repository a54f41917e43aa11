"""The executed notebooks (course_tools.executed): the one rule of a bad output, the runs' records,
and the nbval run of `make test` saved as a notebook's executed copy."""

import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course_tools import executed

ROOT = Path(__file__).resolve().parents[1]
ROOT_CONFTEST = ROOT / "conftest.py"
NAME = "01_rnn_loop.ipynb"

pytest_plugins = ["pytester"]


def _figure(png):
    return new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"})


@pytest.mark.parametrize(
    "outputs, found",
    [
        ([new_output("stream", name="stdout", text="fine\n")], []),
        ([new_output("stream", name="stderr", text="E0000 cuInit\n")], ["standard error"]),
        ([new_output("error", ename="ValueError", evalue="bad", traceback=[])], ["ValueError"]),
        ([_figure("AAAA"), _figure("AAAA")], ["the same figure twice"]),
        ([_figure("AAAA"), _figure("BBBB")], []),
        (
            [new_output("execute_result", data={"text/plain": "VBox(children=(IntSlider(),))"})],
            ["a widget as its text"],
        ),
        (
            [
                new_output(
                    "display_data",
                    data={
                        "text/plain": "VBox(children=(IntSlider(),))",
                        executed.WIDGET_VIEW: {"model_id": "m"},
                    },
                )
            ],
            [],
        ),
    ],
    ids=["stdout", "stderr", "error", "figure-twice", "two-figures", "widget-text", "widget"],
)
def test_output_problems_names_each_kind_of_bad_output(outputs, found):
    problems = executed.output_problems(outputs)
    assert len(problems) == len(found), problems
    for problem, words in zip(problems, found):
        assert words in problem


def test_notebook_problems_say_which_cell():
    notebook = new_notebook(
        cells=[
            new_markdown_cell("# Title"),
            new_code_cell("1", outputs=[new_output("stream", name="stderr", text="red\n")]),
        ]
    )
    [problem] = executed.notebook_problems(notebook)
    assert problem.startswith("cell 1: wrote to standard error")


@pytest.fixture
def executed_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(executed, "EXECUTED_DIR", tmp_path / "executed")
    return tmp_path / "executed"


def _code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def _run_of(name):
    run = nbformat.read(executed.NOTEBOOKS_DIR / name, as_version=4)
    for count, cell in enumerate(_code_cells(run)):
        cell.execution_count = count + 1
        cell.outputs = [new_output("stream", name="stdout", text="ok\n")]
        cell.metadata["execution"] = {
            "iopub.execute_input": "2026-12-06T10:00:00.000000+00:00",
            "shell.execute_reply": f"2026-12-06T10:00:0{count % 10}.500000+00:00",
        }
    return run


def test_a_run_is_saved_with_its_record_and_read_back_while_current(executed_dir):
    path = executed.record_run(
        _run_of(NAME),
        NAME,
        mode="quick",
        seed=7,
        engine="nbval",
        source_hash=executed.content_hash(NAME),
    )
    assert path == executed_dir / "quick" / NAME
    run = executed.current_run(NAME, "quick")["metadata"][executed.RUN_KEY]
    assert (run["mode"], run["seed"], run["engine"]) == ("quick", 7, "nbval")
    assert run["cell_seconds"][:3] == [0.5, 1.5, 2.5]
    assert executed.current_run(NAME, "full") is None


def test_a_current_browser_run_is_kept_over_another_engines(executed_dir):
    source_hash = executed.content_hash(NAME)
    for engine in ("jupyterlab", "nbval"):
        executed.record_run(
            _run_of(NAME), NAME, mode="quick", seed=42, engine=engine, source_hash=source_hash
        )
    assert executed.current_run(NAME, "quick")["metadata"][executed.RUN_KEY]["engine"] == (
        "jupyterlab"
    )
    assert [p.name for p in (executed_dir / "quick").iterdir()] == [NAME]  # no partial file


def test_a_run_of_other_sources_is_not_current(executed_dir, monkeypatch):
    executed.record_run(
        _run_of(NAME), NAME, mode="quick", seed=42, engine="nbval", source_hash="stale"
    )
    assert executed.current_run(NAME, "quick") is None
    calls = []
    monkeypatch.setattr(executed, "execute", lambda name, mode: calls.append((name, mode)) or 1)
    assert executed.executed_notebook(NAME, "quick") == 1
    assert calls == [(NAME, "quick")]


def test_the_hash_changes_with_the_notebook_and_with_lesson_utils(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "lesson_utils").mkdir()
    notebook, module = tmp_path / "notebooks" / NAME, tmp_path / "lesson_utils" / "cells.py"
    notebook.write_text("{}", encoding="utf-8")
    module.write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(executed, "NOTEBOOKS_DIR", tmp_path / "notebooks")
    monkeypatch.setattr(executed, "REPO_DIR", tmp_path)
    first = executed.content_hash(NAME)
    module.write_text("x = 2\n", encoding="utf-8")
    second = executed.content_hash(NAME)
    notebook.write_text('{"cells": []}', encoding="utf-8")
    assert len({first, second, executed.content_hash(NAME)}) == 3


def test_a_run_with_a_bad_output_or_an_unrun_cell_is_not_saved(executed_dir):
    bad = _run_of(NAME)
    _code_cells(bad)[-1].outputs = [new_output("stream", name="stderr", text="red\n")]
    with pytest.raises(ValueError, match="standard error"):
        executed.record_run(bad, NAME, mode="quick", seed=42, engine="nbval", source_hash="h")
    unrun = _run_of(NAME)
    _code_cells(unrun)[-1].execution_count = None
    with pytest.raises(ValueError, match="did not run"):
        executed.record_run(unrun, NAME, mode="quick", seed=42, engine="nbval", source_hash="h")
    assert not executed_dir.exists()


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="mode='fast'"):
        executed.executed_path(NAME, "fast")
    with pytest.raises(ValueError, match="notebooks=\\['99_x.ipynb'\\]"):
        executed.notebook_names(["99_x.ipynb"])


def test_mode_and_seed_read_a_kernels_environment():
    assert executed.mode_and_seed({"QUICK_TEST_MODE": "1"}) == ("quick", 42)
    assert executed.mode_and_seed({"QUICK_TEST_MODE": "0", "RNN_COURSE_SEED": "9"}) == ("full", 9)


@pytest.fixture
def course_folder(pytester, monkeypatch):
    """A stand-in for notebooks/ in pytester's folder, with the repository's conftest beside it."""
    folder = pytester.path / "notebooks"
    folder.mkdir()
    monkeypatch.setattr(executed, "NOTEBOOKS_DIR", folder)
    monkeypatch.setattr(executed, "EXECUTED_DIR", pytester.path / "executed")
    monkeypatch.setattr("course_tools.NOTEBOOKS_DIR", folder)
    pytester.makeconftest(ROOT_CONFTEST.read_text(encoding="utf-8"))
    return folder


def test_nbval_saves_a_course_notebooks_run_with_its_widgets(pytester, course_folder, monkeypatch):
    """The repository's conftest saves a notebook of notebooks/ that passed every cell."""
    notebook = new_notebook(
        cells=[
            new_markdown_cell("# Probe"),
            new_code_cell("print('hello')"),
            new_code_cell("import ipywidgets\nipywidgets.IntSlider(value=3, description='k')"),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    nbformat.write(notebook, course_folder / "01_probe.ipynb")
    monkeypatch.setenv("QUICK_TEST_MODE", "1")
    result = pytester.runpytest("--nbval", "--nbval-current-env", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    saved = nbformat.read(pytester.path / "executed" / "quick" / "01_probe.ipynb", as_version=4)
    run = saved.metadata[executed.RUN_KEY]
    assert (run["engine"], run["mode"], len(run["cell_seconds"])) == ("nbval", "quick", 2)
    assert saved.cells[1].outputs[0]["text"] == "hello\n"
    states = saved.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    [slider] = [s["state"] for s in states.values() if s["model_name"] == "IntSliderModel"]
    assert (slider["value"], slider["description"]) == (3, "k")


def test_nbval_saves_nothing_of_a_notebook_that_failed(pytester, course_folder):
    notebook = new_notebook(
        cells=[new_code_cell("import sys; sys.stderr.write('red')"), new_code_cell("1")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    nbformat.write(notebook, course_folder / "01_probe.ipynb")
    result = pytester.runpytest("--nbval", "--nbval-current-env", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    assert not (pytester.path / "executed").exists()


def test_the_course_settings_save_widget_state_and_cell_timing():
    """JupyterLab's saved run is a whole record only with these (jupyter/README.md)."""
    overrides = json.loads(
        (ROOT / "jupyter" / "labconfig" / "default_setting_overrides.json").read_text("utf-8")
    )
    assert overrides["@jupyter-widgets/jupyterlab-manager:plugin"]["saveState"] is True
    assert overrides["@jupyterlab/notebook-extension:tracker"]["recordTiming"] is True
