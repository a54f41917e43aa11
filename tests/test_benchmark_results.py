"""Reading the saved benchmark runs back."""

import json

import matplotlib.pyplot as plt
import pytest

from course_tools import bench
from lesson_utils.experiments.benchmarks import (
    CONFIG_LABELS,
    benchmark_markdown,
    benchmark_rows,
    literature_markdown,
    load_benchmark_results,
    load_benchmark_run,
)
from lesson_utils.figures.benchmarks import CONFIG_COLORS, plot_benchmark
from lesson_utils.figures.style import PALETTE, contrast_ratio


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
    fig = plot_benchmark(rows)
    ax_acc, ax_time = fig.axes
    assert ax_acc.get_title() and ax_time.get_title()
    assert [line.get_label() for line in ax_acc.lines[:2]] == [r["label"] for r in rows]
    assert list(ax_acc.lines[1].get_ydata()) == [0.80, 0.86]
    assert [bar.get_width() for bar in ax_time.patches] == [
        r["cpu_seconds_per_epoch"] for r in rows
    ]
    assert ax_acc.lines[0].get_color().lower() == CONFIG_COLORS["bow_dense"].lower()
    plt.close(fig)
    with pytest.raises(ValueError, match="old_lesson"):
        benchmark_rows(results, ["old_lesson"])


def test_missing_or_foreign_files_say_what_to_do(tmp_path):
    (tmp_path / "notebooks_2026-01-01.json").write_text("{}")  # the notebook timer's: not read
    with pytest.raises(FileNotFoundError, match="python -m course_tools.bench"):
        load_benchmark_results(tmp_path)
    (tmp_path / "imdb_x.json").write_text("{}")
    with pytest.raises(ValueError, match="not a benchmark result"):
        load_benchmark_results(tmp_path)


def test_every_benchmark_config_has_a_label_and_its_own_colour():
    assert set(CONFIG_LABELS) == set(CONFIG_COLORS) == set(bench.BENCHMARK_CONFIGS)
    assert len(set(CONFIG_COLORS.values())) == len(CONFIG_COLORS)
    assert contrast_ratio(PALETTE["grey"], "white") >= 4.5, "the added grey stays readable on white"


def test_literature_table_cites_its_sources():
    table = literature_markdown()
    for figure in ("86.5%", "88.9%", "91.2%", "95.4%"):
        assert figure in table
    assert "Dai & Le (2015)" in table and "Maas et al. (2011)" in table
    maas = next(line for line in table.splitlines() if "88.9%" in line)
    assert "50,000 unlabelled reviews" in maas, "Maas et al. used unlabelled reviews as well"


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
