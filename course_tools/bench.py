"""Benchmark of the IMDB workflow on full data: `python -m course_tools.bench`.

Measures cold and warm data-load seconds, then trains each configuration of
`BENCHMARK_CONFIGS` in turn through `run_full_workflow`, the course's one
pipeline, recording after every epoch its wall and CPU seconds (CPU seconds
are the steadier figure on a shared machine) and the test accuracy. Writes
the figures as JSON.
"""

import argparse
import datetime
import json
import platform
import sys
import time
from pathlib import Path

import keras
import numpy as np

from course_tools import machine
from lesson_utils.data.imdb import cache_path, describe_source, load_imdb
from lesson_utils.data.word_order import WORD_ORDER_PAIRS
from lesson_utils.experiments.benchmarks import BENCHMARK_CONFIGS
from lesson_utils.experiments.word_order import pair_probabilities
from lesson_utils.models.bag_of_words import build_bag_of_words_model
from lesson_utils.models.recurrent import build_rnn_model
from lesson_utils.models.word_vectors import count_word_vectors
from lesson_utils.paths import benchmark_results_folder
from lesson_utils.settings import DEFAULT_VOCAB_SIZE, course_seed
from lesson_utils.training.pipeline import run_full_workflow

BUILDERS = {"rnn": build_rnn_model, "bag_of_words": build_bag_of_words_model}


def time_data_load(source=None):
    """Seconds for a load with the cache removed (cold) and again (warm)."""
    path = cache_path(source)
    if path is not None and path.exists():
        path.unlink()
    start = time.perf_counter()
    load_imdb(source=source)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    (x_train, _), (x_test, _) = load_imdb(source=source)
    warm = time.perf_counter() - start
    return {
        "source": describe_source(source),
        "cold_seconds": round(cold, 2),
        "warm_seconds": round(warm, 3),
        "train_reviews": len(x_train),
        "test_reviews": len(x_test),
    }


def vocab_size(config):
    """The number of word ids `config` prepares the reviews with (the course's default if unset)."""
    return config["prepare"].get("vocab_size", DEFAULT_VOCAB_SIZE)


def _builder(config):
    """The `build(reviews)` that gives `run_full_workflow` the model of `config`."""

    def build(reviews):
        # The model knows as many word ids as the data was prepared with.
        model_args = dict(config["model"], vocab_size=vocab_size(config))
        if model_args.get("max_length"):  # Fixed input length: the reviews' (quick cuts them).
            model_args["max_length"] = reviews.shape[1]
        if model_args.get("word_vectors") == "counts":  # Counted from the reviews it trains on.
            model_args["word_vectors"] = count_word_vectors(
                reviews, model_args["vocab_size"], model_args["embedding_dim"]
            )
        return BUILDERS[config.get("builder", "rnn")](**model_args)

    return build


def train_once(name, source=None, seed=None, epochs=None, quick=False):
    """Trains one configuration with one seed and measures it after every epoch.

    Args:
        name: a key of `BENCHMARK_CONFIGS`.
        source: as for `load_imdb`.
        seed: seeds the weights and the shuffling.
        epochs: epochs to train; `None` uses the configuration's own.
        quick: `True` for quick mode's small subsample (a test that the
            harness runs); the benchmark itself uses full data.

    Returns:
        The figures: seconds, CPU seconds, validation loss and test accuracy
        after each epoch, the test accuracy of the epoch with the lowest
        validation loss (what `train_rnn_model` keeps), the parameter count
        and, for a recurrent model, `word_order`: its probabilities on
        notebook 05's word-order pairs.
    """
    config = BENCHMARK_CONFIGS[name]
    history, metrics, model = run_full_workflow(
        **config["prepare"],
        epochs=epochs or config["epochs"],
        batch_size=config["batch_size"],
        verbose=2,
        seed=seed,
        source=source,
        quick=quick,
        build=_builder(config),
        test_every_epoch=True,
    )
    seconds, cpu_seconds = metrics["epoch_seconds"], metrics["epoch_cpu_seconds"]
    val_loss = history.history["val_loss"]
    accuracy = metrics["test_accuracy_per_epoch"]
    best = min(range(len(val_loss)), key=val_loss.__getitem__)
    figures = dict(
        settings=config,
        seed=seed,
        epoch_seconds=[round(s, 2) for s in seconds],
        mean_epoch_seconds=round(sum(seconds) / len(seconds), 2),
        epoch_cpu_seconds=[round(s, 2) for s in cpu_seconds],
        mean_epoch_cpu_seconds=round(sum(cpu_seconds) / len(cpu_seconds), 2),
        val_loss=[round(loss, 4) for loss in val_loss],
        test_accuracy=[round(a, 4) for a in accuracy],
        best_val_loss_epoch=best + 1,
        test_accuracy_kept=round(accuracy[best], 4),
        params=model.count_params(),
    )
    if config.get("builder", "rnn") == "rnn":
        positive, negative = pair_probabilities(
            model,
            WORD_ORDER_PAIRS,
            # A model built for a fixed length (quick mode cuts the reviews) reads that length.
            max_length=model.input_shape[1] or config["prepare"]["max_length"],
            source=source,
        )
        figures["word_order"] = dict(
            pairs=[[pair["positive"], pair["negative"]] for pair in WORD_ORDER_PAIRS],
            positive=[round(float(p), 4) for p in positive],
            negative=[round(float(p), 4) for p in negative],
        )
    print(
        f"{name} (seed {seed}): {len(seconds)} epochs, {figures['mean_epoch_seconds']} s "
        f"({figures['mean_epoch_cpu_seconds']} s CPU) per epoch, test accuracy "
        f"{figures['test_accuracy']}",
        flush=True,
    )
    return figures


def run(names, source=None, seeds=None, epochs=None, quick=False):
    """Trains each named configuration with each seed in turn (`train_once`).

    Args:
        names: keys of `BENCHMARK_CONFIGS`.
        source: as for `load_imdb`.
        seeds: the seeds to train each configuration with; `None` for the
            course's seed only. One seed says little about a trained result
            (another seed or CPU takes another path), so a claim is measured
            over several.
        epochs: epochs for every configuration; `None` uses each one's own.
        quick: as for `train_once`.

    Returns:
        A dict name -> the figures of `train_once` for the first seed and,
        with more than one seed, `per_seed` (every seed's figures, the first
        included) and the mean, standard deviation, smallest and largest
        `test_accuracy_kept` over the seeds.
    """
    seeds = list(seeds) if seeds else [course_seed(None)]
    out = {}
    for name in names:
        per_seed = [train_once(name, source, seed, epochs, quick) for seed in seeds]
        out[name] = dict(per_seed[0])
        if len(seeds) > 1:
            kept = np.array([figures["test_accuracy_kept"] for figures in per_seed])
            out[name].update(
                per_seed=per_seed,
                test_accuracy_kept_mean=round(float(kept.mean()), 4),
                test_accuracy_kept_std=round(float(kept.std(ddof=1)), 4),
                test_accuracy_kept_min=float(kept.min()),
                test_accuracy_kept_max=float(kept.max()),
            )
            print(
                f"{name}: kept test accuracy over seeds {seeds}: mean "
                f"{kept.mean():.4f}, std {kept.std(ddof=1):.4f}",
                flush=True,
            )
    return out


def finished_configs(saved, names, seeds=None, epochs=None):
    """The configurations of a saved run that a new run with these arguments would repeat.

    Args:
        saved: a run as `main` writes it.
        names: keys of `BENCHMARK_CONFIGS` the new run trains.
        seeds, epochs: as for `run`.

    Returns:
        A dict name -> saved figures, for each of `names` that `saved` holds
        with today's settings, the same seeds and the same number of epochs.
        Training here is deterministic for a seed, so these need no second run.
    """
    seeds = list(seeds) if seeds else [course_seed(None)]
    finished = {}
    for name in names:
        figures = saved["training"].get(name)
        if figures is None:
            continue
        config = json.loads(json.dumps(BENCHMARK_CONFIGS[name]))  # As the file holds it.
        trained_seeds = [run["seed"] for run in figures.get("per_seed", [figures])]
        if (
            figures["settings"] == config
            and trained_seeds == seeds
            and len(figures["test_accuracy"]) == (epochs or config["epochs"])
        ):
            finished[name] = figures
    return finished


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course_tools.bench", description=__doc__)
    parser.add_argument(
        "--epochs",
        type=int,
        default=None,
        help="epochs for every configuration (default: each one's own)",
    )
    parser.add_argument(
        "--configs", nargs="+", choices=sorted(BENCHMARK_CONFIGS), default=list(BENCHMARK_CONFIGS)
    )
    parser.add_argument(
        "--seeds",
        type=int,
        nargs="+",
        default=None,
        help="train each configuration once per seed (default: the course's seed only)",
    )
    parser.add_argument(
        "--source", default=None, help="IMDB folder (default: IMDB_DATA_DIR or Keras)"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"JSON file (default: {benchmark_results_folder()}/imdb_<date>.json)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the configurations that --output already holds with the same settings, "
        "seeds and epochs, and train only the others (an interrupted run goes on)",
    )
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    this_run = {
        "command": " ".join(["python -m course_tools.bench", *argv]),
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": {
            **machine(),
            "python": platform.python_version(),
            "keras": keras.__version__,
        },
    }
    today = datetime.date.today().isoformat()
    output = args.output or benchmark_results_folder() / f"imdb_{today}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    if args.resume and output.exists():
        result = json.loads(output.read_text())
        finished = finished_configs(result, args.configs, args.seeds, args.epochs)
        this_run["kept"] = list(finished)
        result.setdefault("resumed", []).append(this_run)
        print(f"Resuming {output}: keeping {', '.join(finished) or 'nothing'}", flush=True)
    else:
        result = {**this_run, "data_load": time_data_load(args.source)}
        finished = {}
        print(json.dumps(result["data_load"]), flush=True)
    result["training"] = {}
    for name in args.configs:
        result["training"].update(
            {name: finished[name]}
            if name in finished
            else run([name], args.source, seeds=args.seeds, epochs=args.epochs)
        )
        # Saved after each configuration, so that an interrupted run keeps what it finished.
        output.write_text(json.dumps(result, indent=2) + "\n")
    if {"default", "old_lesson"} <= set(result["training"]):
        t = result["training"]
        # CPU seconds are the steadier figure when other programs share the machine.
        for kind in ("epoch_seconds", "epoch_cpu_seconds"):
            result[f"mean_{kind}_ratio_default_over_old"] = round(
                t["default"][f"mean_{kind}"] / t["old_lesson"][f"mean_{kind}"], 3
            )
        output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"Saved {output}")
    return result


if __name__ == "__main__":
    main()
