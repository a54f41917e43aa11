"""Benchmark of the IMDB workflow on full data: `python -m course_tools.bench`.

Measures cold and warm data-load seconds, then trains the course's default
model and the first lesson's configuration (post-padding, no mask) side by
side, one epoch of each in turn, so that both see the same machine load and
their ratio holds on a noisy machine. After every epoch it records training
and CPU seconds (the steadier figure on a shared machine) and test accuracy.
Writes the figures as JSON.
"""

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

import keras

from lesson_utils.data.imdb import cache_path, describe_source, load_imdb, prepare_imdb_data
from lesson_utils.experiments.benchmarks import BENCHMARK_CONFIGS
from lesson_utils.models.bag_of_words import build_bag_of_words_model
from lesson_utils.models.recurrent import build_rnn_model
from lesson_utils.paths import benchmark_results_folder
from lesson_utils.settings import (
    DEFAULT_SEED,
    set_global_seed,
)
from lesson_utils.training.fit import evaluate_rnn_model, train_rnn_model

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
    return {"source": describe_source(source), "cold_seconds": round(cold, 2),
            "warm_seconds": round(warm, 3), "train_reviews": len(x_train),
            "test_reviews": len(x_test)}


def run(names, source=None, seed=DEFAULT_SEED, epochs=None, quick=False):
    """Trains each named configuration, interleaved epoch by epoch.

    Args:
        names: keys of `BENCHMARK_CONFIGS`.
        source: as for `load_imdb`.
        seed: seeds the weights and the shuffling.
        epochs: epochs for every configuration; `None` uses each one's own.
        quick: `True` for quick mode's small subsample (notebook 04's live
            version of the comparison); the benchmark itself uses full data.

    Returns:
        A dict name -> figures: seconds, CPU seconds, validation loss and test
        accuracy after each epoch, and the test accuracy of the epoch with the
        lowest validation loss (what `train_rnn_model` keeps).
    """
    runs = {}
    for name in names:
        config = BENCHMARK_CONFIGS[name]
        set_global_seed(seed)
        (x_train, y_train), (x_test, y_test) = prepare_imdb_data(
            source=source, quick=quick, **config["prepare"])
        model_args = dict(config["model"])
        if model_args.get("max_length"):  # Quick mode cuts the reviews shorter.
            model_args["max_length"] = x_train.shape[1]
        runs[name] = dict(config=config, epochs=epochs or config["epochs"],
                          data=(x_train, y_train, x_test, y_test),
                          model=BUILDERS[config.get("builder", "rnn")](**model_args),
                          epoch_seconds=[], epoch_cpu_seconds=[], val_loss=[], test_accuracy=[])
    for epoch in range(max(r["epochs"] for r in runs.values())):
        for name, r in runs.items():
            if epoch >= r["epochs"]:
                continue
            x_train, y_train, x_test, y_test = r["data"]
            start, cpu_start = time.perf_counter(), time.process_time()
            history = train_rnn_model(r["model"], x_train, y_train, epochs=1,
                                      batch_size=r["config"]["batch_size"], verbose=2,
                                      seed=seed + epoch)
            r["epoch_seconds"].append(round(time.perf_counter() - start, 2))
            r["epoch_cpu_seconds"].append(round(time.process_time() - cpu_start, 2))
            r["val_loss"].append(round(history.history["val_loss"][-1], 4))
            r["test_accuracy"].append(round(evaluate_rnn_model(r["model"], x_test, y_test)["accuracy"], 4))
            print(f"{name}: epoch {epoch + 1}, {r['epoch_seconds'][-1]} s "
                  f"({r['epoch_cpu_seconds'][-1]} s CPU), test accuracy {r['test_accuracy'][-1]}",
                  flush=True)
    out = {}
    for name, r in runs.items():
        best = min(range(r["epochs"]), key=lambda e: r["val_loss"][e])
        out[name] = dict(settings=r["config"],
                         epoch_seconds=r["epoch_seconds"],
                         mean_epoch_seconds=round(sum(r["epoch_seconds"]) / r["epochs"], 2),
                         epoch_cpu_seconds=r["epoch_cpu_seconds"],
                         mean_epoch_cpu_seconds=round(sum(r["epoch_cpu_seconds"]) / r["epochs"], 2),
                         val_loss=r["val_loss"], test_accuracy=r["test_accuracy"],
                         best_val_loss_epoch=best + 1,
                         test_accuracy_kept=r["test_accuracy"][best],
                         params=r["model"].count_params())
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course_tools.bench", description=__doc__)
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs for every configuration (default: each one's own)")
    parser.add_argument("--configs", nargs="+", choices=sorted(BENCHMARK_CONFIGS), default=list(BENCHMARK_CONFIGS))
    parser.add_argument("--source", default=None, help="IMDB folder (default: IMDB_DATA_DIR or Keras)")
    parser.add_argument("--output", type=Path, default=None,
                        help=f"JSON file (default: {benchmark_results_folder()}/imdb_<date>.json)")
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    result = {
        "command": " ".join(["python -m course_tools.bench", *argv]),
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(), "keras": keras.__version__},
        "data_load": time_data_load(args.source),
    }
    print(json.dumps(result["data_load"]), flush=True)
    result["training"] = run(args.configs, args.source, epochs=args.epochs)
    if {"default", "old_lesson"} <= set(result["training"]):
        t = result["training"]
        # CPU seconds are the steadier figure when other programs share the machine.
        for kind in ("epoch_seconds", "epoch_cpu_seconds"):
            result[f"mean_{kind}_ratio_default_over_old"] = round(
                t["default"][f"mean_{kind}"] / t["old_lesson"][f"mean_{kind}"], 3)
    output = args.output or benchmark_results_folder() / f"imdb_{datetime.date.today().isoformat()}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"Saved {output}")
    return result


if __name__ == "__main__":
    main()
