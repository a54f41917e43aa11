"""`python -m course_tools sync --check`: passes on the repository, and fails after a hand edit of
any derived text (which `sync` then writes back)."""

import json
import re
import shutil
from pathlib import Path

import pytest

from course_tools import classroom, sync

ROOT = Path(__file__).resolve().parents[1]


def test_every_derived_text_is_what_its_source_gives():
    changed = sync.sync(check=True)
    assert not changed, "run python -m course_tools sync:\n" + "\n".join(
        f"{path}:\n{diff}" for path, diff in changed.items()
    )


@pytest.fixture
def clone(tmp_path):
    """The files sync reads and writes, copied."""
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copytree(ROOT / "images", tmp_path / "images")
    shutil.copytree(ROOT / "classroom", tmp_path / "classroom")
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "instructors.md", tmp_path / "docs")
    shutil.copytree(
        ROOT / "lesson_utils" / "benchmark_data", tmp_path / "lesson_utils" / "benchmark_data"
    )
    return tmp_path


def _edit_notebook(path, edit):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    edit(notebook)
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _first_code(notebook):
    return next(cell for cell in notebook["cells"] if cell["cell_type"] == "code")


def _notes_with_time(notebook):
    return next(c for c in notebook["cells"] if sync.NOTES_TIME.search("".join(c["source"])))


def _solution(notebook):
    return next(c for c in notebook["cells"] if "solution" in c["metadata"].get("tags", []))


def _pointer(notebook):
    cells = notebook["cells"]
    return cells[cells.index(_solution(notebook)) - 1]


def _replace_in(cell, old, new):
    text = "".join(cell["source"])
    assert old in text, (old, text[:300])
    cell["source"] = text.replace(old, new, 1)


def _retime(cell):
    text = "".join(cell["source"])
    match = sync.NOTES_TIME.search(text)
    _replace_in(cell, match.group(0), f"{float(match.group(1)) + 5:.0f} s in {match.group(3)} mode")


EDITS = {
    "setup cell": lambda nb: _replace_in(_first_code(nb), "setup_notebook(", "setup_notebook( "),
    "launch links": lambda nb: _replace_in(nb["cells"][0], "mybinder.org", "binder.example.org"),
    "speaker notes' time": lambda nb: _retime(_notes_with_time(nb)),
    "RISE settings": lambda nb: nb["metadata"]["rise"].pop("scroll"),
    "solution shown in Colab": lambda nb: _solution(nb)["metadata"].pop("cellView"),
    "solution shown in JupyterLab": lambda nb: _solution(nb)["metadata"].pop("jupyter"),
    "solution's Colab title": lambda nb: _replace_in(_solution(nb), "# @title", "# title"),
    "solution's pointer": lambda nb: _replace_in(_pointer(nb), "hidden below", "below"),
}


def _answer_note(notebook):
    return next(c for c in notebook["cells"] if "answer" in c["metadata"].get("tags", []))


def _explore_solution(notebook):
    return next(
        c
        for c in notebook["cells"]
        if "".join(c["source"]).startswith("# @title Worked solution to explore")
    )


def _explore_pointer(notebook):
    cells = notebook["cells"]
    return cells[cells.index(_explore_solution(notebook)) - 1]


EXPLORE_EDITS = {
    "explore solution's pointer": lambda nb: _replace_in(
        _explore_pointer(nb), "hidden below", "below"
    ),
    "explore solution's Colab title": lambda nb: _replace_in(
        _explore_solution(nb), "# @title Worked solution to explore 5", "# @title Explore 5"
    ),
    "explore solution shown in JupyterLab": lambda nb: _explore_solution(nb)["metadata"].pop(
        "jupyter"
    ),
    "explore solution's outputs shown": lambda nb: _explore_solution(nb)["metadata"]["jupyter"].pop(
        "outputs_hidden"
    ),
}


# Each hand edit, and the notebook it is made in: 03's exercises, 02's explore solution.
HAND_EDITS = {
    **{what: ("03_lstm_gru_gates.ipynb", edit) for what, edit in EDITS.items()},
    **{what: ("02_vanishing_gradients.ipynb", edit) for what, edit in EXPLORE_EDITS.items()},
}


@pytest.mark.parametrize("what", list(HAND_EDITS))
def test_a_hand_edit_of_a_notebooks_derived_text_fails_the_check(clone, what):
    name, edit = HAND_EDITS[what]
    path = clone / "notebooks" / name
    _edit_notebook(path, edit)
    assert list(sync.sync(clone, check=True)) == [path]
    sync.sync(clone)
    assert sync.sync(clone, check=True) == {}


def test_a_changed_answer_note_fails_the_check_until_the_guide_is_synced(clone):
    path, guide = (
        clone / "notebooks" / "02_vanishing_gradients.ipynb",
        clone / "docs" / "instructors.md",
    )
    notebook = json.loads(path.read_text(encoding="utf-8"))
    note = _answer_note(notebook)
    note["source"] = [line.replace("The steadiest radius", "The radius") for line in note["source"]]
    # Written as sync writes a notebook, so that only the note's prose changed.
    path.write_text(
        json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )
    assert list(sync.sync(clone, check=True)) == [guide]
    sync.sync(clone)
    assert sync.sync(clone, check=True) == {}
    section = guide.read_text(encoding="utf-8").split(sync.ANSWERS_HEADING)[1].split("\n## ")[0]
    assert (
        "### 02 · Vanishing and exploding gradients: why simple RNNs forget\n\n"
        "**Explore 5. On the knife edge.**\n\nThe radius lies" in section
    )
    assert "<details>" not in section and "<summary>" not in section


def test_the_guide_gives_each_notes_answer_and_says_which_are_checked():
    notebooks = {
        name: json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
        for name in ("02_vanishing_gradients.ipynb", "04_imdb_sentiment.ipynb")
    }
    section = sync.answers_markdown(notebooks)
    assert section.startswith(sync.ANSWERS_HEADING + "\n\n")
    checked = "Checked in the notebook by the collapsed cell *Worked solution to explore {}*."
    gradients, imdb = section.split("### 04 · ")
    assert "**Explore 5. On the knife edge.**" in gradients and checked.format(5) in gradients
    assert "**Explore 3. Where could word order help?**" in imdb and "Checked in" not in imdb
    for notebook in notebooks.values():
        prose = sync.ANSWER_NOTE.match("".join(_answer_note(notebook)["source"])).group(2).strip()
        assert prose in section


def test_the_guide_without_its_answers_heading_is_named(clone):
    guide = clone / "docs" / "instructors.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace(sync.ANSWERS_HEADING, "## Answers"))
    with pytest.raises(ValueError, match="no '## Answers to the explore tasks' section"):
        sync.sync(clone, check=True)


def test_an_answer_note_away_from_its_task_is_named():
    notebook = json.loads((ROOT / "notebooks" / "04_imdb_sentiment.ipynb").read_text("utf-8"))
    cells = notebook["cells"]
    note = cells.index(_answer_note(notebook))
    cells[note - 1], cells[note - 2] = cells[note - 2], cells[note - 1]
    with pytest.raises(ValueError, match="must follow its task"):
        sync.explore_answers(notebook, "04_imdb_sentiment.ipynb")


def test_a_solution_without_its_pointer_line_is_named():
    notebook = json.loads((ROOT / "notebooks" / "01_rnn_loop.ipynb").read_text(encoding="utf-8"))
    _pointer(notebook)["source"] = "Try it first."
    with pytest.raises(ValueError, match="must follow its pointer line"):
        sync.synced_notebook(notebook, "01_rnn_loop.ipynb", sync.Sources())


def test_a_changed_diagram_in_images_fails_the_check_until_it_is_attached(clone):
    image = clone / "images" / "lstm_cell.png"
    image.write_bytes(image.read_bytes() + b"\0")
    assert list(sync.sync(clone, check=True)) == [clone / "notebooks" / "03_lstm_gru_gates.ipynb"]


@pytest.mark.parametrize(
    "old, new",
    [
        ("| `01_rnn_loop` | ", "| `01_rnn_loop` | 1"),  # a number of the timing table
        ("notebooks_2", "notebooks_1"),  # the benchmark file it quotes
        ("decks took ", "decks took 1"),  # the decks' export time
        ("| 01 | `assert demo_accuracy", "| 01 | `assert  demo_accuracy"),  # the claims table
        ("**Explore 5. On the knife edge.**", "**Explore 5.**"),  # the answers to the explore tasks
    ],
)
def test_a_hand_edit_of_the_guides_derived_text_fails_the_check(clone, old, new):
    guide = clone / "docs" / "instructors.md"
    text = guide.read_text(encoding="utf-8")
    assert old in text
    guide.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert list(sync.sync(clone, check=True)) == [guide]


def test_a_new_benchmark_changes_the_quoted_times(clone):
    newest = sync.Sources(clone).newest("notebooks")
    saved = json.loads(newest.read_text(encoding="utf-8"))
    saved["seconds"]["01_rnn_loop"]["full"] += 10
    (newest.parent / "notebooks_2999-01-01.json").write_text(json.dumps(saved), encoding="utf-8")
    changed = sync.sync(clone)
    assert sorted(changed) == [
        clone / "docs" / "instructors.md",
        clone / "notebooks" / "01_rnn_loop.ipynb",
    ]
    full = f"{saved['seconds']['01_rnn_loop']['full']:.0f} s in full mode"
    assert full in (clone / "notebooks" / "01_rnn_loop.ipynb").read_text(encoding="utf-8")
    assert "notebooks_2999-01-01.json" in (clone / "docs" / "instructors.md").read_text("utf-8")


def test_the_guide_names_the_notebooks_a_new_benchmark_finds_over_budget(clone):
    newest = sync.Sources(clone).newest("notebooks")
    saved = json.loads(newest.read_text(encoding="utf-8"))
    saved["over_budget"] = ["02_vanishing_gradients quick"]
    saved["seconds"]["02_vanishing_gradients"]["quick"] = 61.0
    (newest.parent / "notebooks_2999-01-01.json").write_text(json.dumps(saved), encoding="utf-8")
    sync.sync(clone)
    guide = (clone / "docs" / "instructors.md").read_text(encoding="utf-8")
    assert "every notebook but `02_vanishing_gradients` in quick mode (61 s)." in guide
    saved["over_budget"] = []
    (newest.parent / "notebooks_2999-01-02.json").write_text(json.dumps(saved), encoding="utf-8")
    sync.sync(clone)
    assert "150 s full: every notebook.\n" in (clone / "docs" / "instructors.md").read_text()


def test_the_guides_timing_table_has_a_row_for_every_notebook():
    guide = (ROOT / "docs" / "instructors.md").read_text(encoding="utf-8")
    rows = [match.group(2) for match in sync.TIMING_ROW.finditer(guide)]
    assert rows == sorted(path.stem for path in (ROOT / "notebooks").glob("*.ipynb"))


def test_the_command_line_check_fails_with_what_to_do(clone, capsys):
    guide = clone / "docs" / "instructors.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("decks took ", "decks took 1"))
    with pytest.raises(SystemExit, match="run python -m course_tools sync"):
        sync.main(["--check"], root=clone)
    assert "docs/instructors.md" in capsys.readouterr().out


def test_the_classroom_files_take_each_learners_memory_from_the_benchmark(clone):
    config = clone / "classroom" / "z2jh" / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("limit: ", "limit: 9", 1))
    assert config in sync.sync(clone, check=True)
    sync.sync(clone)
    saved = json.loads(
        sorted((clone / "lesson_utils" / "benchmark_data").glob("notebooks_*.json"))[-1].read_text()
    )
    kernel = max(modes["full"] for modes in saved["peak_memory_mib"].values())
    server = classroom.measured_costs(sync.Sources(clone))["server_mib"]
    text = config.read_text(encoding="utf-8")
    guarantee = int(re.search(r"memory:\n    guarantee: (\d+)M", text).group(1))
    assert kernel + server <= guarantee < kernel + server + 64
    readme = (clone / "classroom" / "README.md").read_text(encoding="utf-8")
    limit = int(re.search(r"limits\.memory (\d+)M", readme).group(1))
    assert limit >= guarantee and f"limit: {limit}M" in text
