"""The instructor guide's timing table quotes the newest saved notebook benchmark,
not typed figures."""

import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "docs" / "instructors.md"
# A row of the timing table: | `01_rnn_loop` | 15 | 61 | what trains |
ROW = re.compile(r"^\| `(\d\d_\w+)` \| ([\d.]+) \| ([\d.]+) \|", re.M)


def newest_notebook_benchmark():
    paths = sorted((REPO / "lesson_utils" / "benchmark_data").glob("notebooks_*.json"))
    assert paths, "no saved notebook benchmark (python -m course_tools.notebook_timing --full)"
    return paths[-1], json.loads(paths[-1].read_text(encoding="utf-8"))


def test_timing_table_quotes_the_newest_benchmark():
    path, saved = newest_notebook_benchmark()
    guide = GUIDE.read_text(encoding="utf-8")
    assert path.name in guide, f"the guide should name the file it quotes, {path.name}"
    rows = {name: (float(quick), float(full)) for name, quick, full in ROW.findall(guide)}
    notebooks = sorted(p.stem for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(rows) == notebooks == sorted(saved["seconds"]), (sorted(rows), notebooks)
    for name, (quick, full) in rows.items():
        measured = saved["seconds"][name]
        # Whole seconds in the guide: each within rounding of the saved figure.
        assert abs(quick - measured["quick"]) <= 0.5 and abs(full - measured["full"]) <= 0.5, (
            f"{name}: the guide says {quick:g} s / {full:g} s, {path.name} says "
            f"{measured['quick']} s / {measured['full']} s"
        )
