"""Each notebook's number, as its title and the other notebooks say it: a renumbering must reach
every title and every "notebook NN" in the prose."""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
NUMBERS = {path.name[:2] for path in NOTEBOOKS}
REFERENCE = re.compile(r"\b[Nn]otebooks? ((?:\d\d(?:, | and | or | to |–)?)+)")


def _markdown(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_the_title_carries_the_file_s_number(path):
    title = _markdown(path)[0].splitlines()[0]
    assert title.startswith(f"# {path.name[:2]} · "), f"{path.name}: title {title!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_every_notebook_named_in_the_prose_exists(path):
    named = {
        number
        for text in _markdown(path)
        for match in REFERENCE.finditer(text)
        for number in re.findall(r"\d\d", match.group(1))
    }
    assert named <= NUMBERS, f"{path.name} names notebooks {sorted(named - NUMBERS)}"
