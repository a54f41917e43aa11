"""What the notebooks say in one way everywhere: the time index of a sequence, and their sources.

The course counts steps from 1: `h_0 = 0` is the state before any input, `x_1 .. x_T` the inputs,
`h_t` the state after reading `x_t`, so the last state is `h_T`. Notebook 01 states it once; a
notebook, docstring or figure that counts from 0 (`x_0`, `h_{T-1}` as the last state) would make an
off-by-one of every exercise that hinges on it. And each notebook ends with its references, the
papers its claims rest on, each with the claim it supports.
"""

import json
import re
from pathlib import Path

import pytest

from course_tools import cell_source

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# Everything that carries the notation beside the notebooks: the package (docstrings, figure
# labels), the diagrams' drawing code and the instructor guide.
TEXT_FILES = sorted(
    [
        *(ROOT / "lesson_utils").rglob("*.py"),
        ROOT / "course_tools" / "diagrams.py",
        ROOT / "docs" / "instructors.md",
    ]
)

# Counting from 0: a range of states or inputs that ends at T-1, a last state called T-1, or an
# input x_0 (h_{T-1} as the state before the last one is fine).
COUNTED_FROM_ZERO = re.compile(
    r"(?:\.\.|…|dots)\W{0,6}[hxc]_\{?\(?T\s*[-−]\s*1\b"
    r"|last state\W{0,6}[hxc]_\{?\(?T\s*[-−]\s*1\b"
    r"|\bx_\{?0\b"
)

# The sources issue 24 names, each cited by at least one notebook: (authors' pattern, year).
SOURCES = [
    (r"Elman", "1990"),
    (r"Werbos", "1990"),
    (r"Hochreiter, S\.", "1991"),
    (r"Bengio, Y\., Simard, P\.,? (&|and) Frasconi", "1994"),
    (r"Pascanu, R\., Mikolov, T\.,? (&|and) Bengio", "2013"),
    (r"Hochreiter, S\.,? (&|and) Schmidhuber", "1997"),
    (r"Gers, F\. A\., Schmidhuber, J\.,? (&|and) Cummins", "2000"),
    (r"Cho, K\.", "2014"),
    (r"Williams, R\. J\.,? (&|and) Peng", "1990"),
    (r"Sutskever, I\., Vinyals, O\.,? (&|and) Le", "2014"),
]


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _counted_from_zero(name, text):
    return [
        f"{name}: ...{text[max(0, m.start() - 40) : m.end() + 20]!r}..."
        for m in COUNTED_FROM_ZERO.finditer(text)
    ]


def test_no_notebook_counts_steps_from_zero():
    found = [
        line
        for path in NOTEBOOKS
        for index, cell in enumerate(_cells(path))
        for line in _counted_from_zero(f"{path.name} cell {index}", cell_source(cell))
    ]
    assert not found, "steps are counted from 1 (h_0 = 0, last state h_T):\n" + "\n".join(found)


def test_no_docstring_figure_or_guide_counts_steps_from_zero():
    found = [
        line
        for path in TEXT_FILES
        for line in _counted_from_zero(
            str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
        )
    ]
    assert not found, "steps are counted from 1 (h_0 = 0, last state h_T):\n" + "\n".join(found)


def test_the_rule_catches_both_forms_of_counting_from_zero():
    assert _counted_from_zero("a", "the states `h_0 .. h_{T-1}`")
    assert _counted_from_zero("b", "inputs $x_0, \\dots$")
    assert _counted_from_zero("c", "$h_0, \\dots, h_{T-1}$")
    assert _counted_from_zero("d", "the last state `h_{T-1}`")
    assert not _counted_from_zero("e", "the states $h_1, \\dots, h_T$ after $h_0 = 0$")
    assert not _counted_from_zero("f", "\\frac{\\partial h_T}{\\partial h_{T-1}}")


def test_notebook_01_states_the_convention():
    text = "\n".join(cell_source(c) for c in _cells(NOTEBOOKS[0]) if c["cell_type"] == "markdown")
    assert re.search(r"h_0\s*=\s*0", text) and re.search(r"h_T\b", text), (
        "notebook 01 states the convention: h_0 = 0 before any input, h_T the last state"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_ends_with_its_references(path):
    cell = _cells(path)[-1]
    last = cell_source(cell)
    assert last.startswith("## References\n"), f"{path.name}: its last cell is '## References'"
    # A list of sources is taller than a slide: it stays in the notebook, off the slides.
    assert cell["metadata"].get("slideshow", {}).get("slide_type") == "skip", (
        f"{path.name}: the references are skipped on slides"
    )
    entries = [line for line in last.splitlines() if line.startswith("- ")]
    assert entries, f"{path.name}: the references list its sources, one bullet each"
    for entry in entries:
        assert re.search(r"\(\d{4}[a-z]?\)\.", entry) and "Supports:" in entry, (
            f"{path.name}: each reference gives its year and the claim it supports: {entry}"
        )


@pytest.mark.parametrize("authors, year", SOURCES, ids=[a.split(",")[0] for a, _ in SOURCES])
def test_each_source_of_the_course_is_cited(authors, year):
    citing = [
        path.name
        for path in NOTEBOOKS
        if re.search(rf"^- {authors}.*\({year}\)", cell_source(_cells(path)[-1]), re.M)
    ]
    assert citing, f"no notebook's references cite {authors.replace(chr(92), '')} ({year})"
