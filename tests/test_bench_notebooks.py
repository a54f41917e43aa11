"""The notebook timer runs a notebook for real, through the course's executor, in its mode."""

import json
import subprocess
import sys

import nbformat
import psutil
import pytest

from course_tools import executed
from course_tools import notebook_timing as bench_notebooks


@pytest.fixture
def probe(tmp_path, monkeypatch):
    """Writes a one-cell notebook into a stand-in for notebooks/; returns its file name."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    monkeypatch.setattr(executed, "NOTEBOOKS_DIR", folder)
    monkeypatch.setattr(executed, "EXECUTED_DIR", tmp_path / "executed")

    def write(name, source):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nbformat.write(nb, folder / name)
        return name

    return write


def test_times_quick_mode_writes_json_and_keeps_the_run(probe, tmp_path):
    name = probe(
        "01_probe.ipynb",
        "import os, time\nassert os.environ['QUICK_TEST_MODE'] == '1'\ntime.sleep(0.3)",
    )
    output = tmp_path / "times.json"
    bench_notebooks.main([name, "--output", str(output)])
    saved = json.loads(output.read_text())
    run = executed.current_run(name, "quick")["metadata"][executed.RUN_KEY]
    # The whole run (a kernel started, then the cell) takes at least what its cell took.
    assert saved["seconds"]["01_probe"]["quick"] >= run["cell_seconds"][0] >= 0.3
    assert saved["budget_seconds"] == {"quick": 60, "full": 150} and saved["over_budget"] == []
    # The saved figures say what they ran on: the speed of training depends on the processor.
    assert {"cpus", "platform", "processor", "vector_instructions"} <= set(saved["machine"])
    assert set(saved["machine"]["vector_instructions"]) <= {"AVX2", "AVX-512", "AMX"}


def test_a_notebook_over_its_budget_is_reported(probe, tmp_path, monkeypatch, capsys):
    name = probe("03_probe.ipynb", "1 + 1")
    monkeypatch.setitem(bench_notebooks.BUDGET_SECONDS, "quick", 0)
    saved = bench_notebooks.main([name, "--output", str(tmp_path / "times.json")])
    assert saved["over_budget"] == ["03_probe quick"]
    assert "OVER the budget of 0 s" in capsys.readouterr().out


def test_full_mode_really_turns_quick_mode_off(probe):
    name = probe("02_probe.ipynb", "import os\nassert os.environ['QUICK_TEST_MODE'] == '0'")
    bench_notebooks.time_notebook(name, "full")
    assert executed.current_run(name, "full") is not None
    with pytest.raises(Exception, match="AssertionError"):
        bench_notebooks.time_notebook(name, "quick")


def test_a_notebook_outside_the_course_is_named(probe):
    with pytest.raises(ValueError, match="notebooks=\\['99_missing.ipynb'\\]"):
        bench_notebooks.main(["99_missing.ipynb"])


def test_the_kernels_peak_memory_and_cpu_seconds_count_its_children(probe, tmp_path):
    """What one learner costs a class's server: a kernel's memory with its children's, and CPU."""
    idle = bench_notebooks.time_notebook(probe("04_idle.ipynb", "1 + 1"), "quick")
    busy = bench_notebooks.time_notebook(
        probe(
            "05_busy.ipynb",
            "import subprocess, sys, time\n"
            "import numpy as np\n"
            "held = np.ones(300 * 2**20 // 8)  # 300 MiB, written, so resident\n"
            "start = time.process_time()\n"
            "while time.process_time() - start < 1.0:\n"
            "    pass\n"
            "child = 'import numpy as np, time; x = np.ones(200 * 2**20 // 8); time.sleep(1)'\n"
            "subprocess.run([sys.executable, '-c', child], check=True)",
        ),
        "quick",
    )
    assert set(busy) == {"seconds", "peak_memory_mib", "cpu_seconds"}
    # The kernel's own 300 MiB and its child's 200 MiB, resident at the same time.
    assert busy["peak_memory_mib"] - idle["peak_memory_mib"] >= 450, (idle, busy)
    assert busy["cpu_seconds"] - idle["cpu_seconds"] >= 0.9, (idle, busy)
    assert busy["seconds"] >= 2.0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="VmHWM is Linux'")
def test_the_peak_holds_memory_freed_between_two_samples():
    """A cell can take and free hundreds of MiB within a sample's tenth of a second."""
    freed = (
        "import time\nimport numpy as np\n"
        "x = np.ones(300 * 2**20 // 8); del x  # 300 MiB, written, then freed\n"
        "print('freed', flush=True); time.sleep(30)"
    )
    process = subprocess.Popen([sys.executable, "-c", freed], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "freed"
        meter = bench_notebooks.KernelMeter(interval=60)  # no sample but the one below
        meter.watch(process.pid)
        meter.sample()
        peak = meter.stop()["peak_memory_mib"]
        now = psutil.Process(process.pid).memory_info().rss / 2**20
    finally:
        process.kill()
    assert peak >= 300 and peak - now >= 250, (peak, now)


def test_every_kernel_fits_a_learners_memory_in_the_newest_benchmark():
    from course_tools.sync import Sources

    saved = Sources().notebook_figures()
    limit = saved["memory_limit_mib"]
    over = {
        stem: modes["full"]
        for stem, modes in saved["peak_memory_mib"].items()
        if modes["full"] > limit
    }
    assert not over, f"kernels over {limit} MiB in full mode ({Sources().newest('notebooks').name})"
    assert set(saved["peak_memory_mib"]) == {
        path.stem for path in executed.NOTEBOOKS_DIR.glob("*.ipynb")
    }
