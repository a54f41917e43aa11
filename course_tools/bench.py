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

from course_tools import machine
from lesson_utils.data.imdb import cache_path, describe_source, load_imdb
from lesson_utils.data.word_order import WORD_ORDER_PAIRS
from lesson_utils.experiments.benchmarks import BENCHMARK_CONFIGS
from lesson_utils.experiments.word_order import pair_probabilities
from lesson_utils.models.bag_of_words import build_bag_of_words_model
from lesson_utils.models.recurrent import build_rnn_model
from lesson_utils.paths import benchmark_results_folder
from lesson_utils.settings import course_seed
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


def _builder(config):
    """The `build(max_length)` that gives `run_full_workflow` the model of `config`."""

    def build(max_length):
        model_args = dict(config["model"])
        if model_args.get("max_length"):  # Fixed input length: the reviews' (quick cuts them).
            model_args["max_length"] = max_length
        return BUILDERS[config.get("builder", "rnn")](**model_args)

    return build


def run(names, source=None, seed=None, epochs=None, quick=False):
    """Trains each named configuration in turn and measures it after every epoch.

    Each recurrent model is also measured on notebook 05's word-order pairs.

    Args:
        names: keys of `BENCHMARK_CONFIGS`.
        source: as for `load_imdb`.
        seed: seeds the weights and the shuffling.
        epochs: epochs for every configuration; `None` uses each one's own.
        quick: `True` for quick mode's small subsample and one epoch (a test
            that the harness runs); the benchmark itself uses full data.

    Returns:
        A dict name -> figures: seconds, CPU seconds, validation loss and test
        accuracy after each epoch, the test accuracy of the epoch with the
        lowest validation loss (what `train_rnn_model` keeps) and, for a
        recurrent model, `word_order`: its probabilities on the pairs.
    """
    seed = course_seed(seed)
    out = {}
    for name in names:
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
        out[name] = dict(
            settings=config,
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
            out[name]["word_order"] = dict(
                pairs=[[pair["positive"], pair["negative"]] for pair in WORD_ORDER_PAIRS],
                positive=[round(float(p), 4) for p in positive],
                negative=[round(float(p), 4) for p in negative],
            )
        print(
            f"{name}: {len(seconds)} epochs, {out[name]['mean_epoch_seconds']} s "
            f"({out[name]['mean_epoch_cpu_seconds']} s CPU) per epoch, test accuracy "
            f"{out[name]['test_accuracy']}",
            flush=True,
        )
    return out


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
        "--source", default=None, help="IMDB folder (default: IMDB_DATA_DIR or Keras)"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"JSON file (default: {benchmark_results_folder()}/imdb_<date>.json)",
    )
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    result = {
        "command": " ".join(["python -m course_tools.bench", *argv]),
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": {
            **machine(),
            "python": platform.python_version(),
            "keras": keras.__version__,
        },
        "data_load": time_data_load(args.source),
    }
    print(json.dumps(result["data_load"]), flush=True)
    result["training"] = run(args.configs, args.source, epochs=args.epochs)
    if {"default", "old_lesson"} <= set(result["training"]):
        t = result["training"]
        # CPU seconds are the steadier figure when other programs share the machine.
        for kind in ("epoch_seconds", "epoch_cpu_seconds"):
            result[f"mean_{kind}_ratio_default_over_old"] = round(
                t["default"][f"mean_{kind}"] / t["old_lesson"][f"mean_{kind}"], 3
            )
    today = datetime.date.today().isoformat()
    output = args.output or benchmark_results_folder() / f"imdb_{today}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"Saved {output}")
    return result


if __name__ == "__main__":
    main()
