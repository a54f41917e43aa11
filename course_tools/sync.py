"""Everything derived, written from its one source: `python -m course_tools sync [--check]`.

As d2l generates each `#@save` block where it is needed instead of copying it,
the text below is written here and nowhere by hand:

- each notebook's launch links (title cell) and set-up cell (its first code
  cell), from `pyproject.toml` through `lesson_utils.hosted`;
- each notebook's RISE settings, from `course_tools.slides.RISE_SETTINGS`
  (the slide breaks follow a run's outputs: `slides --tag --execute` writes them);
- the diagrams attached to the notebooks' cells, from `images/` (drawn there by
  `python -m course_tools.diagrams`);
- each worked solution's hiding: JupyterLab collapses its source
  (`jupyter.source_hidden`) and Colab, which ignores that, shows a form cell's
  title instead of its code (`cellView: "form"` and a `# @title` first line);
  the pointer above it says how to open it in both;
- each explore task's worked solution, where one checks its answer note, hidden
  the same way, with the same pointer ("Worked solution to explore N"), and its
  outputs folded in JupyterLab too, since they give the answer away;
- the run times that speaker notes and the instructor guide quote ("22 s in
  full mode", the guide's timing table and its line on the budgets), from the newest
  `lesson_utils/benchmark_data/notebooks_*.json`, and the decks' export times,
  from the newest `slides_export_*.json`;
- the instructor guide's table of claims, from the newest `claims_*.json`;
- the instructor guide's answers to the explore tasks, from the notebooks: each
  task's title and its answer note (the collapsed `<details>` cell tagged
  `answer` right after the task), and whether a worked solution checks it.

`--check` (CI) writes nothing and fails, listing the files, when any of them
differs from what would be written.
"""

import argparse
import base64
import difflib
import json
import re
import sys
from pathlib import Path

from course_tools import REPO_DIR, cell_lines, cell_source

NOTES_TIME = re.compile(r"(\d+(?:\.\d+)?) s(\s+in\s+)(quick|full)(\s+mode)")
TIMING_ROW = re.compile(r"^(\| `(\d\d_\w+)` \| )[\d.]+ \| [\d.]+ \| [\d,]+ \| [\d,]+( \|)", re.M)
DECK_TIMES = re.compile(r"(decks took )\d+( s in full mode and )\d+( s in quick mode)")
BUDGETS = re.compile(r"^Within the budgets of .*$", re.M)
MEMORY_LINE = re.compile(r"^Peak memory of a kernel within .*$", re.M)
CLASS_SIZES = re.compile(
    r"(<!-- class sizes: written by python -m course_tools sync -->\n).*?"
    r"(<!-- end of class sizes -->)",
    re.S,
)
LOAD_TESTS = re.compile(
    r"(<!-- load tests: written by python -m course_tools sync -->\n).*?"
    r"(<!-- end of load tests -->)",
    re.S,
)
GRADING_SELFTEST = re.compile(
    r"(<!-- grading selftest: written by python -m course_tools sync -->\n).*?"
    r"(<!-- end of grading selftest -->)",
    re.S,
)
CLAIMS_TABLE = re.compile(r"^\| notebook \| assert \|.*?(?=\n\n|\Z)", re.M | re.S)
SOLUTION_POINTER = re.compile(r"^\*Worked solution to (exercise|explore) (\d+)\b.*\*$")
EXPLORE_TASK = re.compile(r"^\*\*Explore (\d+)\. (.+?)\*\*", re.S)
ANSWER_NOTE = re.compile(
    r"^<details>\n<summary><b>Answer note to explore (\d+)</b>.*?</summary>\n(.+)\n</details>$",
    re.S,
)
ANSWERS_HEADING = "## Answers to the explore tasks"
ANSWERS_SECTION = re.compile(rf"^{ANSWERS_HEADING}\n.*?(?=^## |\Z)", re.M | re.S)
COLAB_TITLE = re.compile(r"^# ?@title\b.*\n?")


class Sources:
    """The sources of derived text in a repository's folder (the clone's by default)."""

    def __init__(self, root=REPO_DIR):
        self.root = Path(root)
        self.benchmarks = self.root / "lesson_utils" / "benchmark_data"

    def newest(self, prefix):
        """The newest `prefix_<date>.json` in the benchmark folder."""
        paths = sorted(self.benchmarks.glob(f"{prefix}_*.json"))
        if not paths:
            raise FileNotFoundError(f"No {prefix}_*.json in {self.benchmarks}")
        return paths[-1]

    def notebook_seconds(self):
        """`(file name, {notebook stem: {"quick": s, "full": s}})` of the newest benchmark."""
        path = self.newest("notebooks")
        return path.name, self.notebook_figures()["seconds"]

    def notebook_figures(self):
        """The newest notebook benchmark, as `course_tools.notebook_timing` saved it."""
        return json.loads(self.newest("notebooks").read_text(encoding="utf-8"))


def synced_notebook(notebook, name, sources):
    """A notebook with its derived parts written from their sources.

    Args:
        notebook: the notebook as a dict (`json.load` of its file), changed in place.
        name: its file name, e.g. `"01_rnn_loop.ipynb"`.
        sources: a `Sources`.

    Returns:
        The notebook.
    """
    from course_tools.diagrams import ATTACHED_IMAGE
    from course_tools.slides import RISE_SETTINGS
    from lesson_utils.hosted import launch_links_markdown, setup_cell_source

    cells = notebook["cells"]
    title = cell_source(cells[0])
    links = re.compile(r"^\*Open this notebook in .*$", re.M)
    if not links.search(title):
        raise ValueError(f"{name}: the title cell has no launch links line ('*Open this ...')")
    cells[0]["source"] = cell_lines(links.sub(lambda _: launch_links_markdown(name), title))
    setup = next(cell for cell in cells if cell["cell_type"] == "code")
    setup["source"] = cell_lines(setup_cell_source().rstrip("\n"))
    notebook["metadata"]["rise"] = {**RISE_SETTINGS, **notebook["metadata"].get("rise", {})}
    seconds = sources.notebook_seconds()[1].get(Path(name).stem, {})
    for cell in cells:
        if cell["cell_type"] != "markdown":
            continue
        text = cell_source(cell)
        if cell["metadata"].get("slideshow", {}).get("slide_type") == "notes":
            text = NOTES_TIME.sub(lambda m: _quoted_time(m, seconds, name), text)
        for _, stem in ATTACHED_IMAGE.findall(text):
            image = f"{stem}.png"
            path = sources.root / "images" / image
            if not path.is_file():
                raise FileNotFoundError(
                    f"{name} shows attachment:{image}, which is not in {path.parent}: draw it "
                    "with python -m course_tools.diagrams"
                )
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            cell.setdefault("attachments", {})[image] = {"image/png": data}
        cell["source"] = cell_lines(text)
    for pointer, solution in zip(cells, cells[1:]):
        if "solution" in solution["metadata"].get("tags", []):
            _hide_solution(pointer, solution, name)
    return notebook


def _hide_solution(pointer, solution, name):
    """Writes a worked solution's pointer line and hides its code in JupyterLab and in Colab."""
    match = SOLUTION_POINTER.match(cell_source(pointer).strip())
    if pointer["cell_type"] != "markdown" or not match:
        raise ValueError(
            f"{name}: a worked solution (cell {solution.get('id')}) must follow its pointer line "
            "'*Worked solution to exercise N ...*' (or '... to explore N ...*')"
        )
    task = " ".join(match.groups())  # e.g. "exercise 2", "explore 5"
    pointer["source"] = cell_lines(
        f"*Worked solution to {task}, hidden below: open it once you have tried "
        "(JupyterLab: click the collapsed cell; Colab: double-click its title).*"
    )
    code = COLAB_TITLE.sub("", cell_source(solution), count=1)
    solution["source"] = cell_lines(f"# @title Worked solution to {task}\n{code}")
    solution["metadata"].setdefault("jupyter", {})["source_hidden"] = True
    if match.group(1) == "explore":
        # An explore solution's outputs are the answer itself: JupyterLab folds them too.
        solution["metadata"]["jupyter"]["outputs_hidden"] = True
    solution["metadata"]["cellView"] = "form"


def _quoted_time(match, seconds, name):
    mode = match.group(3)
    if mode not in seconds:
        raise KeyError(f"{name}: its speaker notes quote a {mode}-mode time that no benchmark has")
    return f"{seconds[mode]:.0f} s{match.group(2)}{mode}{match.group(4)}"


def explore_answers(notebook, name):
    """A notebook's explore tasks with their answer notes, in the notebook's order.

    Args:
        notebook: the notebook as a dict.
        name: its file name, for the error message.

    Returns:
        A list of dicts: `number` (int), `title` (the task's bold title, e.g.
        `"Where could word order help?"`), `answer` (the note's prose, without
        its `<details>` and `<summary>` lines) and `checked` (whether a worked
        solution, "Worked solution to explore N", checks it).

    Raises:
        ValueError: if a cell tagged `answer` does not follow its task
            (`**Explore N. Title.**`) or is not a `<details>` note with the same N.
    """
    cells = notebook["cells"]
    checked = {
        int(match.group(2))
        for pointer, solution in zip(cells, cells[1:])
        if "solution" in solution["metadata"].get("tags", [])
        and (match := SOLUTION_POINTER.match(cell_source(pointer).strip()))
        and match.group(1) == "explore"
    }
    answers = []
    for task, note in zip(cells, cells[1:]):
        if "answer" not in note["metadata"].get("tags", []):
            continue
        task_match = EXPLORE_TASK.match(cell_source(task))
        note_match = ANSWER_NOTE.match(cell_source(note).strip())
        if not (task_match and note_match and task_match.group(1) == note_match.group(1)):
            raise ValueError(
                f"{name}: an answer note (cell {note.get('id')}) must follow its task "
                "'**Explore N. Title.**' and read '<details>', then '<summary><b>Answer note to "
                "explore N</b> ...</summary>' with the same N, the answer, and '</details>'"
            )
        number = int(task_match.group(1))
        answers.append(
            {
                "number": number,
                "title": task_match.group(2).strip(),
                "answer": note_match.group(2).strip(),
                "checked": number in checked,
            }
        )
    return answers


def answers_markdown(notebooks):
    """The instructor guide's section of answers to the explore tasks.

    Args:
        notebooks: `{file name: notebook dict}`, in the course's order.

    Returns:
        The section, from its heading to its last line (ending with a newline).
    """
    parts = [
        ANSWERS_HEADING,
        "What each notebook's open tasks (**Explore N.**) should lead a learner to, as the\n"
        "notebooks show it in a collapsed note right after the task. Written by\n"
        "`python -m course_tools sync` from the notes: edit a note in its notebook, never here.",
    ]
    for name, notebook in notebooks.items():
        answers = explore_answers(notebook, name)
        if answers:
            # The notebook's title, which wraps on a phone (its file name would not).
            parts.append("###" + cell_source(notebook["cells"][0]).splitlines()[0].lstrip("#"))
        for answer in answers:
            parts.append(f"**Explore {answer['number']}. {answer['title']}**")
            parts.append(answer["answer"])
            if answer["checked"]:
                parts.append(
                    "Checked in the notebook by the collapsed cell "
                    f"*Worked solution to explore {answer['number']}*."
                )
    return "\n\n".join(parts) + "\n"


def synced_guide(text, sources, notebooks):
    """The instructor guide with its derived text written from its sources.

    Args:
        text: the guide as it is.
        sources: a `Sources`.
        notebooks: `{file name: notebook dict}` of every notebook, in the course's order
            (as synced), for the answers to the explore tasks.

    Returns:
        The guide: its quoted times and its table of claims from the JSON, its answers from
        the notebooks.
    """
    from course_tools.claims import claims_markdown

    if not ANSWERS_SECTION.search(text):
        raise ValueError(
            f"docs/instructors.md has no '{ANSWERS_HEADING}' section: put that heading where "
            "the answers belong, and sync writes the section"
        )
    answers = answers_markdown(notebooks)
    text = ANSWERS_SECTION.sub(lambda m: answers + ("\n" if m.end() < len(text) else ""), text)

    name, seconds = sources.notebook_seconds()
    figures = sources.notebook_figures()

    def row(match):
        stem = match.group(2)
        if stem not in seconds:
            raise KeyError(f"docs/instructors.md has a timing row for {stem}, which {name} lacks")
        quick, full = seconds[stem]["quick"], seconds[stem]["full"]
        memory, cpu = figures["peak_memory_mib"][stem]["full"], figures["cpu_seconds"][stem]["full"]
        cells = f"{quick:.0f} | {full:.0f} | {memory:,.0f} | {cpu:,.0f}"
        return f"{match.group(1)}{cells}{match.group(3)}"

    text = TIMING_ROW.sub(row, text)
    text = BUDGETS.sub(lambda _: _budgets_line(sources), text)
    text = MEMORY_LINE.sub(lambda _: _memory_line(figures, sources), text)
    text = CLASS_SIZES.sub(lambda m: f"{m.group(1)}{_class_sizes(sources)}{m.group(2)}", text)
    text = LOAD_TESTS.sub(lambda m: f"{m.group(1)}{_load_tests(sources)}{m.group(2)}", text)
    text = GRADING_SELFTEST.sub(
        lambda m: f"{m.group(1)}{_grading_selftest(sources)}{m.group(2)}", text
    )
    text = re.sub(r"notebooks_\d{4}-\d\d-\d\d[\w-]*\.json", name, text)
    decks_path = sources.newest("slides_export")
    decks = json.loads(decks_path.read_text(encoding="utf-8"))
    text = DECK_TIMES.sub(
        lambda m: (
            f"{m.group(1)}{decks['full']['total']:.0f}{m.group(2)}"
            f"{decks['quick']['total']:.0f}{m.group(3)}"
        ),
        text,
    )
    text = re.sub(r"slides_export_\d{4}-\d\d-\d\d[\w-]*\.json", decks_path.name, text)
    claims_path = sources.newest("claims")
    table = claims_markdown(json.loads(claims_path.read_text(encoding="utf-8"))).rstrip("\n")
    text = CLAIMS_TABLE.sub(lambda _: table, text)
    return re.sub(r"claims_\d{4}-\d\d-\d\d[\w-]*\.json", claims_path.name, text)


def _budgets_line(sources):
    """The guide's line on the budgets: which notebooks the newest timing found over them."""
    saved = json.loads(sources.newest("notebooks").read_text(encoding="utf-8"))
    budget = saved["budget_seconds"]
    over = []
    for entry in saved["over_budget"]:
        stem, mode = entry.split()
        over.append(f"`{stem}` in {mode} mode ({saved['seconds'][stem][mode]:.0f} s)")
    return f"Within the budgets of {budget['quick']} s quick and {budget['full']} s full: " + (
        "every notebook." if not over else "every notebook but " + ", ".join(over) + "."
    )


def _class_sizes(sources):
    from course_tools.classroom import measured_costs, size_markdown

    return size_markdown(costs=measured_costs(sources))


def _load_tests(sources):
    from course_tools.load_test import runs_markdown, saved_runs

    runs = saved_runs(sources.benchmarks)
    if not runs:
        raise FileNotFoundError(
            f"No load_test_*.json in {sources.benchmarks}: run python -m course_tools.classroom "
            "load-test with --output there"
        )
    return runs_markdown(runs)


def _grading_selftest(sources):
    """The newest grading selftest (course_tools.grading) as a table: each notebook's points,
    what each submission scored, and its seconds."""
    path = sources.newest("grading")
    saved = json.loads(path.read_text(encoding="utf-8"))
    rows = [
        "| notebook | exercises | points | score, solutions | score, untouched | score, mistakes "
        "in odd, even exercises | seconds per submission | usual mistakes failed by their test "
        "cell |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, graded in saved["notebooks"].items():
        runs = graded["submissions"]
        scored = {kind: f"{sum(run['scores'].values()):g}" for kind, run in runs.items()}
        mistakes = graded["mistakes_against_test_cells"].values()
        timings = ", ".join(f"{run['seconds']:.0f}" for run in runs.values())
        points = saved["points"][name]
        rows.append(
            f"| `{name}.ipynb` | {len(points)} | {sum(points.values())} "
            f"| {scored['solutions']} | {scored['untouched']} | {scored['mistakes_odd']}, "
            f"{scored['mistakes_even']} | "
            f"{timings} "
            f"| {sum(m['failed'] for m in mistakes)} of {sum(m['mistakes'] for m in mistakes)} |"
        )
    seconds = saved["seconds_per_submission"]
    verdict = "every score as expected" if saved["ok"] else "NOT every score as expected"
    return "\n".join(rows) + (
        f"\n\nnbgrader {saved['nbgrader']}, {saved['mode']} mode, {verdict}: "
        f"{seconds['mean']:.0f} s a submission on average, {seconds['max']:.0f} s at most, on "
        f"{saved['machine']['cpus']} cores ({saved['machine']['processor']}) (`{path.name}`).\n"
    )


def _memory_line(saved, sources):
    """The guide's line on memory: which kernels reach or near the per-learner limit, and what
    the learner's Jupyter server adds beside the kernel (the newest load tests)."""
    from course_tools.classroom import measured_costs

    limit = saved["memory_limit_mib"]
    peaks = {stem: modes["full"] for stem, modes in saved["peak_memory_mib"].items()}
    over = [f"`{stem}` ({peak:,.0f} MiB)" for stem, peak in peaks.items() if peak > limit]
    near = [
        f"`{stem}` ({peak:,.0f} MiB)" for stem, peak in peaks.items() if 0.9 * limit < peak <= limit
    ]
    line = f"Peak memory of a kernel within {limit:,} MiB in full mode: " + (
        "every notebook" if not over else "every notebook but " + ", ".join(over)
    )
    line += f"; near the limit (over 90 %): {', '.join(near)}." if near else "."
    costs = measured_costs(sources)
    return line + (
        f" A learner's Jupyter server takes up to {costs['server_mib']:,} MiB beside the kernel "
        f"(the load tests below), and a hub's per-learner limit counts both: "
        f"{max(peaks.values()) + costs['server_mib']:,} MiB at the heaviest notebook."
    )


# The deployment files' per-learner resources, from the notebook benchmark (kernel_limits).
Z2JH_MEMORY = re.compile(r"(  memory:\n    guarantee: )\S+(\n    limit: )\S+")
Z2JH_CPU = re.compile(r"(  cpu:\n    guarantee: )\S+")
TLJH_MEMORY = re.compile(r"(tljh-config set limits\.memory )\S+")


def synced_classroom(text, sources):
    """The classroom deployment files' memory and CPU lines, from the newest notebook benchmark."""
    from course_tools.classroom import kernel_limits, measured_costs

    limits = kernel_limits(measured_costs(sources))
    guarantee, limit = limits["memory_guarantee_mib"], limits["memory_limit_mib"]
    text = Z2JH_MEMORY.sub(lambda m: f"{m.group(1)}{guarantee}M{m.group(2)}{limit}M", text)
    text = Z2JH_CPU.sub(lambda m: f"{m.group(1)}{limits['cpu_guarantee']}", text)
    return TLJH_MEMORY.sub(lambda m: f"{m.group(1)}{limit}M", text)


def derived_files(root=REPO_DIR):
    """Every file that holds derived text: `{path: (its text now, the text sync writes)}`."""
    sources = Sources(root)
    files, notebooks = {}, {}
    for path in sorted((sources.root / "notebooks").glob("*.ipynb")):
        now = path.read_text(encoding="utf-8")
        notebooks[path.name] = synced_notebook(json.loads(now), path.name, sources)
        files[path] = (
            now,
            json.dumps(notebooks[path.name], indent=1, ensure_ascii=False, sort_keys=True) + "\n",
        )
    guide = sources.root / "docs" / "instructors.md"
    now = guide.read_text(encoding="utf-8")
    files[guide] = (now, synced_guide(now, sources, notebooks))
    for path in (
        sources.root / "classroom" / "README.md",
        sources.root / "classroom" / "z2jh" / "config.yaml",
    ):
        now = path.read_text(encoding="utf-8")
        files[path] = (now, synced_classroom(now, sources))
    return files


def sync(root=REPO_DIR, check=False):
    """Writes every derived text from its source, or with `check` only tells what differs.

    Args:
        root: the repository's folder.
        check: write nothing; return what would change.

    Returns:
        `{path: unified diff}` of the files that differ (before writing them).
    """
    changed = {}
    for path, (now, derived) in derived_files(root).items():
        if now == derived:
            continue
        diff = difflib.unified_diff(
            now.splitlines(), derived.splitlines(), str(path), "derived", lineterm="", n=0
        )
        changed[path] = "\n".join(line[:200] for line in list(diff)[:40])
        if not check:
            path.write_text(derived, encoding="utf-8")
    return changed


def main(argv=None, root=REPO_DIR):
    parser = argparse.ArgumentParser(
        prog="python -m course_tools sync",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; fail if any derived text differs"
    )
    args = parser.parse_args(argv)
    changed = sync(root, check=args.check)
    for path, diff in changed.items():
        print(f"{path.relative_to(root)}:\n{diff}\n")
    if args.check and changed:
        sys.exit(
            f"{len(changed)} file(s) differ from what is derived: run python -m course_tools sync "
            "and commit the result (edit the sources, never the derived text)."
        )
    print(f"{len(changed)} file(s) {'differ' if args.check else 'written'}.")
