"""Reading the saved benchmark runs back."""

import json
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_tools import bench
from lesson_utils.experiments.benchmarks import (
    CONFIG_LABELS,
    benchmark_markdown,
    benchmark_rows,
    ladder_steps,
    literature_markdown,
    load_benchmark_results,
    load_benchmark_run,
    mean_difference,
    seed_markdown,
    seed_rows,
    steps_text,
)
from lesson_utils.figures.benchmarks import CONFIG_STYLES, plot_benchmark, plot_seed_ladder
from lesson_utils.figures.style import PALETTE, contrast_ratio

REPO = Path(__file__).resolve().parent.parent


def figures(accuracy, settings):
    return dict(
        settings=json.loads(json.dumps(settings)),
        epoch_seconds=[10.0] * len(accuracy),
        mean_epoch_seconds=10.0,
        epoch_cpu_seconds=[8.0] * len(accuracy),
        mean_epoch_cpu_seconds=8.0,
        val_loss=[0.5 - 0.01 * i for i in range(len(accuracy))],
        test_accuracy=accuracy,
        best_val_loss_epoch=len(accuracy),
        test_accuracy_kept=accuracy[-1],
        params=100,
    )


def write(folder, name, date, training):
    (folder / name).write_text(
        json.dumps({"date": date, "command": "python -m course_tools.bench", "training": training})
    )


def test_the_newest_run_of_each_config_wins_and_stale_settings_are_flagged(tmp_path):
    old_settings = dict(bench.BENCHMARK_CONFIGS["old_lesson"], batch_size=999)
    write(
        tmp_path,
        "imdb_a.json",
        "2026-01-01T10:00:00",
        {
            "default": figures([0.80], bench.BENCHMARK_CONFIGS["default"]),
            "old_lesson": figures([0.5, 0.6], bench.BENCHMARK_CONFIGS["old_lesson"]),
        },
    )
    write(
        tmp_path,
        "imdb_b.json",
        "2026-02-01T10:00:00",
        {
            "default": figures([0.85, 0.88], bench.BENCHMARK_CONFIGS["default"]),
            "old_lesson": figures([0.52], old_settings),
        },
    )
    results = load_benchmark_results(tmp_path)
    assert results["default"]["test_accuracy"] == [0.85, 0.88]
    assert results["default"]["file"] == "imdb_b.json" and not results["default"]["stale"]
    assert results["old_lesson"]["stale"]


def test_rows_table_and_plot(tmp_path):
    write(
        tmp_path,
        "imdb_a.json",
        "2026-01-01T10:00:00",
        {
            "default": figures([0.80, 0.86], bench.BENCHMARK_CONFIGS["default"]),
            "bow_dense": figures([0.87, 0.88], bench.BENCHMARK_CONFIGS["bow_dense"]),
        },
    )
    results = load_benchmark_results(tmp_path)
    rows = benchmark_rows(results, ["bow_dense", "default"])
    assert [r["name"] for r in rows] == ["bow_dense", "default"]
    assert rows[1]["first_epoch_accuracy"] == 0.80 and rows[1]["kept_accuracy"] == 0.86
    assert rows[1]["test_accuracy"] == [0.80, 0.86]
    table = benchmark_markdown(rows)
    assert table.count("\n") == 3 and "bag of words: dense 16-16" in table and "0.860" in table
    assert table.index("bag of words") < table.index("course default"), "rows keep their order"
    fig = plot_benchmark(rows, title="Two models")
    ax_acc, ax_time = fig.axes
    assert fig.get_suptitle() == "Two models"
    assert ax_acc.get_title() == "Accuracy after each epoch"
    assert ax_time.get_title() == "Work per epoch"
    assert [line.get_label() for line in ax_acc.lines[:2]] == [r["label"] for r in rows]
    assert list(ax_acc.lines[1].get_ydata()) == [0.80, 0.86]
    assert [bar.get_width() for bar in ax_time.patches] == [
        r["cpu_seconds_per_epoch"] for r in rows
    ]
    assert ax_acc.lines[0].get_color().lower() == CONFIG_STYLES["bow_dense"][0].lower()
    plt.close(fig)
    with pytest.raises(ValueError, match="old_lesson"):
        benchmark_rows(results, ["old_lesson"])


def seeded(kept_by_seed, settings):
    """A configuration's figures as `bench.run` writes them with several seeds."""
    runs = [
        dict(figures([kept], settings), seed=seed, mean_epoch_cpu_seconds=seed)
        for seed, kept in kept_by_seed.items()
    ]
    return dict(runs[0], per_seed=runs)


def test_seed_rows_table_and_ladder(tmp_path):
    configs = bench.BENCHMARK_CONFIGS
    write(
        tmp_path,
        "imdb_a.json",
        "2026-01-01T10:00:00",
        {
            "default": seeded({1: 0.86, 2: 0.88, 3: 0.87}, configs["default"]),
            "bidirectional": seeded({1: 0.87, 2: 0.89, 3: 0.88}, configs["bidirectional"]),
            "bow_dense_20k": seeded({1: 0.88, 2: 0.885, 3: 0.875}, configs["bow_dense_20k"]),
        },
    )
    results = load_benchmark_run(["default", "bidirectional", "bow_dense_20k"], tmp_path)
    rows = seed_rows(results, ["default", "bidirectional"])
    assert [row["seeds"] for row in rows] == [[1, 2, 3]] * 2
    assert rows[0]["kept"] == [0.86, 0.88, 0.87] and rows[0]["mean"] == pytest.approx(0.87)
    assert rows[0]["std"] == pytest.approx(0.01) and rows[1]["cpu_seconds_per_epoch"] == 2
    table = seed_markdown(rows)
    assert "0.870 ± 0.010" in table and "+1.0 points" in table
    assert table.index("course default") < table.index("read both ways")
    gain, error = mean_difference(rows[1], rows[0])
    assert gain == pytest.approx(0.01) and error == pytest.approx(np.sqrt(2 * 0.01**2 / 3))
    three = seed_rows(results, ["default", "bidirectional", "default"])
    steps = ladder_steps(three)
    assert list(steps) == ["bidirectional", "default"] and steps["bidirectional"] == (gain, error)
    assert steps["default"][0] == pytest.approx(-gain)
    lines = steps_text(three, steps).splitlines()
    assert lines[0].endswith(f": +1.0 points, {gain / error:+.1f} standard errors")
    assert lines[1].endswith(": -1.0 points, -1.2 standard errors")
    assert len({line.index(":") for line in lines}) == 1, "the labels are aligned"
    baselines = seed_rows(results, ["bow_dense_20k"])
    with_baselines = seed_markdown(rows, baselines + baselines)
    assert with_baselines.count("points") == 1, "a baseline is no step: it shows no change"
    same = seed_rows(results, ["default", "default"])
    assert "+0.0 points" in seed_markdown(same), "no change reads +0.0, never -0.0"
    steady = [dict(rows[0], mean=0.89333, std=0.00036, kept=[0.8929, 0.8936, 0.8934])]
    assert "0.8933 ± 0.0004" in seed_markdown(steady), "a spread below 0.0005 never reads 0.000"
    fig = plot_seed_ladder(rows, baselines, title="Ladder")
    [ax] = fig.axes
    assert ax.get_title().startswith("Ladder (3 seeds")
    assert [list(c.get_offsets()[:, 0]) for c in ax.collections] == [
        row["kept"] for row in rows + baselines
    ]
    assert ax.lines[-1].get_xdata()[0] == pytest.approx(0.88), "the best bag of words, dashed"
    plt.close(fig)
    one_seed = {"default": dict(figures([0.8], configs["default"]), file="imdb_x.json")}
    with pytest.raises(ValueError, match="--seeds"):
        seed_rows(one_seed, ["default"])


def test_missing_or_foreign_files_say_what_to_do(tmp_path):
    (tmp_path / "notebooks_2026-01-01.json").write_text("{}")  # the notebook timer's: not read
    with pytest.raises(FileNotFoundError, match="python -m course_tools.bench"):
        load_benchmark_results(tmp_path)
    (tmp_path / "imdb_x.json").write_text("{}")
    with pytest.raises(ValueError, match="not a benchmark result"):
        load_benchmark_results(tmp_path)


def test_every_benchmark_config_has_a_label_and_its_own_readable_colour_and_style():
    assert set(CONFIG_LABELS) == set(CONFIG_STYLES) == set(bench.BENCHMARK_CONFIGS)
    assert len(set(CONFIG_STYLES.values())) == len(CONFIG_STYLES)
    for name, (colour, _) in CONFIG_STYLES.items():
        assert contrast_ratio(colour, "white") >= 3, f"{name}'s line is faint on white"
    assert contrast_ratio(PALETTE["grey"], "white") >= 4.5, "the added grey stays readable on white"


def literature_rows():
    """The literature table's rows as (model, accuracy in %, source), read back from Markdown."""
    lines = literature_markdown().splitlines()
    assert lines[:2] == ["| model | IMDB test accuracy | source |", "|---|---|---|"]
    rows = [line.removeprefix("| ").removesuffix(" |").split(" | ") for line in lines[2:]]
    assert all(len(row) == 3 for row in rows), "a cell holds a '|' and splits its row"
    return [(model, float(accuracy.removesuffix("%")), source) for model, accuracy, source in rows]


def test_an_accuracy_given_as_an_error_rate_is_100_minus_it():
    quoted = [
        (accuracy, float(error))
        for _, accuracy, source in literature_rows()
        for error in re.findall(r"\(error ([\d.]+)%\)", source)
    ]
    assert quoted, "the ULMFiT row quotes the paper's error rate"
    for accuracy, error in quoted:
        assert accuracy == pytest.approx(100 - error)


def test_notebook_04_quotes_the_literature_table_as_it_is():
    notebook = json.loads((REPO / "notebooks" / "04_imdb_sentiment.ipynb").read_text())
    prose = " ".join(
        "".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "markdown"
    )
    sentences = re.split(r"(?<=\.) ", " ".join(prose.split()))
    quotes = [
        (sentence, *quote)
        for sentence in sentences
        for quote in re.findall(r"(\w+) et al\.'s ([\d.]+) ?%", sentence)
    ]
    assert quotes, "notebook 04 quotes a published accuracy by its authors"
    rows = literature_rows()
    for sentence, author, figure in quotes:
        [(model, accuracy, _)] = [row for row in rows if row[2].startswith(f"{author} et al.")]
        assert accuracy == float(figure), (author, figure)
        # What the sentence says they trained on besides IMDB's labels, the table says too.
        for extra in re.findall(r"[\d,]+ unlabelled reviews", sentence):
            assert extra in model, (extra, model)


def test_a_comparison_reads_its_figures_from_one_run(tmp_path):
    padding = ["old_lesson", "pre_padding", "old_lesson_masked"]
    write(
        tmp_path,
        "imdb_all.json",
        "2026-01-01T10:00:00",
        {
            name: figures([0.5 + 0.1 * i], bench.BENCHMARK_CONFIGS[name])
            for i, name in enumerate(padding)
        },
    )
    write(
        tmp_path,
        "imdb_newer.json",
        "2026-02-01T10:00:00",  # a newer run of (a) alone
        {"old_lesson": figures([0.55], bench.BENCHMARK_CONFIGS["old_lesson"])},
    )
    assert load_benchmark_results(tmp_path)["old_lesson"]["file"] == "imdb_newer.json"
    run = load_benchmark_run(padding, tmp_path)
    assert list(run) == padding and {r["file"] for r in run.values()} == {"imdb_all.json"}
    assert run["old_lesson"]["test_accuracy"] == [0.5] and not run["old_lesson"]["stale"]
    with pytest.raises(ValueError, match="--configs old_lesson bow_dense"):
        load_benchmark_run(["old_lesson", "bow_dense"], tmp_path)


def test_the_padding_comparison_changes_one_thing_at_a_time():
    old, pre, masked, bucketed = (
        bench.BENCHMARK_CONFIGS[n]
        for n in ("old_lesson", "pre_padding", "old_lesson_masked", "old_lesson_bucketed")
    )
    assert pre == dict(old, prepare=dict(old["prepare"], padding="pre"))
    assert masked == dict(old, model=dict(old["model"], mask_zero=True))
    assert masked["model"]["max_length"] == 256, "(c) keeps full-length batches, as (a) does"
    assert bucketed == dict(masked, model=dict(masked["model"], max_length=None))
