"""The saved benchmark runs (`benchmarks/results/*.json`), read back for notebook 04.

Full-mode figures in the notebooks come from these files, written by
`python -m lesson_utils.bench`, never from typing: a notebook loads them,
shows them, and asserts what its prose says about them.
"""

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from .plots import CELL_COLORS, PALETTE, figure_size, thin_line

# benchmarks/results/ in a clone; in a non-editable install, its copy packaged as benchmark_data/.
_CLONE_RESULTS = Path(__file__).resolve().parent.parent / "benchmarks" / "results"
RESULTS_DIR = _CLONE_RESULTS if _CLONE_RESULTS.is_dir() else Path(__file__).resolve().parent / "benchmark_data"

# How notebook 04 names and colours each benchmark configuration.
CONFIG_LABELS = {
    "old_lesson": "(a) post-padding, no mask (a common mistake)",
    "pre_padding": "(b) pre-padding, no mask",
    "old_lesson_masked": "(c) post-padding + mask",
    "old_lesson_bucketed": "(d) as (c), batches of similar length",
    "default": "course default (LSTM, mask)",
    "bidirectional": "course LSTM, read both ways",
    "bow_logistic": "bag of words: logistic regression",
    "bow_dense": "bag of words: dense 16-16",
}
CONFIG_COLORS = {
    "old_lesson": PALETTE["vermillion"],
    "pre_padding": PALETTE["orange"],
    "old_lesson_masked": CELL_COLORS["lstm"],
    "old_lesson_bucketed": PALETTE["green"],
    "default": PALETTE["sky"],
    "bidirectional": PALETTE["yellow"],
    "bow_logistic": PALETTE["purple"],
    "bow_dense": PALETTE["black"],
}


def _settings_as_saved(settings):
    """A configuration as it reads after a JSON round trip (tuples become lists)."""
    return json.loads(json.dumps(settings))


def _read_runs(folder):
    """Every benchmark file in `folder` (default `benchmarks/results/`) as `(file name, run)`."""
    folder = Path(folder) if folder is not None else RESULTS_DIR
    files = sorted(folder.glob("imdb_*.json"))
    if not files:
        raise FileNotFoundError(
            f"No benchmark results in {str(folder)!r}. Run `python -m lesson_utils.bench` "
            "(full IMDB, about half an hour on 2 cores) to write them.")
    runs = []
    for path in files:
        try:
            run = json.loads(path.read_text())
            run["training"].items()
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as err:
            raise ValueError(f"{str(path)!r} is not a benchmark result written by "
                             f"`python -m lesson_utils.bench` ({err}).") from err
        runs.append((path.name, run))
    return runs


def _figures(name, file, run):
    """One configuration's figures from one run, with where they come from and `stale`."""
    from .bench import CONFIGS

    figures = run["training"][name]
    current = CONFIGS.get(name)
    return dict(figures, file=file, date=run["date"], command=run.get("command", ""),
                stale=current is None or _settings_as_saved(current) != figures["settings"])


def load_benchmark_results(folder=None):
    """Reads every benchmark file and keeps the newest run of each configuration.

    Args:
        folder: where the JSON files are; `None` for `benchmarks/results/`.

    Returns:
        A dict, configuration name -> its figures as the benchmark wrote them
        (`test_accuracy` and `epoch_seconds` per epoch, `test_accuracy_kept`,
        `mean_epoch_seconds`, ...), plus `file` and `date` (where they come
        from) and `stale`: `True` when the configuration in `lesson_utils.bench`
        has changed since that run, so the figures no longer describe it.
    """
    results = {}
    for file, run in _read_runs(folder):
        for name in run["training"]:
            if name not in results or run["date"] >= results[name]["date"]:
                results[name] = _figures(name, file, run)
    return results


def load_benchmark_run(names, folder=None):
    """The newest single benchmark run that measured every one of `names`.

    Figures from different runs were measured under different machine loads
    (and possibly different settings), so a comparison reads them from one run.

    Args:
        names: the configurations to compare.
        folder: where the JSON files are; `None` for `benchmarks/results/`.

    Returns:
        A dict as `load_benchmark_results` returns, for `names` only, all
        from the same file.

    Raises:
        ValueError: when no single run measured them all (the message gives
            the command that does).
    """
    runs = [(file, run) for file, run in _read_runs(folder) if set(names) <= set(run["training"])]
    if not runs:
        raise ValueError(f"No benchmark run measured all of {list(names)} together: run "
                         f"`python -m lesson_utils.bench --configs {' '.join(names)}`.")
    file, run = max(runs, key=lambda file_run: file_run[1]["date"])
    return {name: _figures(name, file, run) for name in names}


def benchmark_rows(results, names):
    """One row of figures per configuration, in the order of `names`.

    Args:
        results: as `load_benchmark_results` (or `bench.run`) returns.
        names: the configurations to show.

    Returns:
        A list of dicts with `name`, `label`, `epochs`, `first_epoch_accuracy`,
        `final_accuracy` (after the last epoch), `kept_accuracy` (of the epoch
        with the lowest validation loss, the weights training keeps),
        `kept_epoch`, `seconds_per_epoch` and `cpu_seconds_per_epoch`.
    """
    missing = [name for name in names if name not in results]
    if missing:
        raise ValueError(f"No results for {missing}: run `python -m lesson_utils.bench "
                         f"--configs {' '.join(missing)}`. Available: {sorted(results)}")
    rows = []
    for name in names:
        r = results[name]
        rows.append(dict(
            name=name, label=CONFIG_LABELS.get(name, name), epochs=len(r["test_accuracy"]),
            first_epoch_accuracy=r["test_accuracy"][0], final_accuracy=r["test_accuracy"][-1],
            kept_accuracy=r["test_accuracy_kept"], kept_epoch=r["best_val_loss_epoch"],
            seconds_per_epoch=r["mean_epoch_seconds"],
            cpu_seconds_per_epoch=r["mean_epoch_cpu_seconds"]))
    return rows


def benchmark_markdown(results, names):
    """The rows of `benchmark_rows` as a Markdown table, for `IPython.display.Markdown`."""
    lines = ["| model | epochs | test accuracy after epoch 1 | after the last epoch | "
             "kept (epoch of lowest validation loss) | seconds per epoch | CPU seconds per epoch |",
             "|---|---|---|---|---|---|---|"]
    for row in benchmark_rows(results, names):
        lines.append(
            f"| {row['label']} | {row['epochs']} | {row['first_epoch_accuracy']:.3f} | "
            f"{row['final_accuracy']:.3f} | {row['kept_accuracy']:.3f} (epoch {row['kept_epoch']}) "
            f"| {row['seconds_per_epoch']:.1f} | {row['cpu_seconds_per_epoch']:.1f} |")
    return "\n".join(lines)


def plot_benchmark(results, names, *, title="Test accuracy and time per epoch"):
    """Test accuracy after each epoch (left) and CPU seconds per epoch (right), one colour per model.

    Args:
        results: as `load_benchmark_results` (or `bench.run`) returns.
        names: the configurations to draw.
        title: the figure's title.

    Returns:
        A matplotlib `Figure`.
    """
    rows = benchmark_rows(results, names)
    fig, (ax_acc, ax_time) = plt.subplots(1, 2, figsize=figure_size(1.6, 1.05),
                                          gridspec_kw={"width_ratios": [1.4, 1]})
    markers = "osD^vP"
    for i, name in enumerate(names):
        accuracy = results[name]["test_accuracy"]
        ax_acc.plot(np.arange(1, len(accuracy) + 1), accuracy, marker=markers[i % len(markers)],
                    color=CONFIG_COLORS.get(name), label=CONFIG_LABELS.get(name, name))
    ax_acc.axhline(0.5, color=PALETTE["black"], linestyle=":", linewidth=thin_line())
    ax_acc.text(1, 0.505, "chance", fontsize="small")
    ax_acc.set_xlabel("Epoch")
    ax_acc.set_ylabel("Test accuracy (fraction correct)")
    ax_acc.set_title("Accuracy after each epoch")
    ax_acc.xaxis.get_major_locator().set_params(integer=True)
    ax_acc.legend(fontsize="small", loc="best")
    labels = [row["label"] for row in rows]
    y = np.arange(len(rows))
    ax_time.barh(y, [row["cpu_seconds_per_epoch"] for row in rows],
                 color=[CONFIG_COLORS.get(row["name"]) for row in rows])
    ax_time.set_yticks(y, labels, fontsize="small")
    ax_time.invert_yaxis()
    # CPU seconds: the steadier measure of work on a machine shared with other programs.
    ax_time.set_xlabel("CPU seconds per epoch")
    ax_time.set_title("Work per epoch")
    fig.suptitle(title)
    return fig


def literature_markdown():
    """Published IMDB test accuracies, with their sources, as a Markdown table."""
    rows = [
        ("LSTM, random initialisation", "86.5%", "Dai & Le (2015), *Semi-supervised Sequence "
         "Learning*, NeurIPS, Table 1"),
        ("Word vectors + bag of words (full model), also trained on 50,000 unlabelled "
         "reviews", "88.9%", "Maas et al. (2011), *Learning Word Vectors for Sentiment "
         "Analysis*, ACL, Table 2"),
        ("NBSVM with bigrams", "91.2%", "Wang & Manning (2012), *Baselines and Bigrams*, ACL, "
         "Table 2 (quoted by Dai & Le, 2015)"),
        ("ULMFiT (pretrained language model, fine-tuned)", "95.4%", "Howard & Ruder (2018), "
         "*Universal Language Model Fine-tuning for Text Classification*, ACL, Table 2 "
         "(error 4.6%)"),
    ]
    lines = ["| model | IMDB test accuracy | source |", "|---|---|---|"]
    lines += [f"| {model} | {accuracy} | {source} |" for model, accuracy, source in rows]
    return "\n".join(lines)
