"""Benchmark of the IMDB workflow on full data: `python -m lesson_utils.bench`.

Measures cold and warm data-load seconds, then trains the course's default
model and the first lesson's configuration (post-padding, no mask) side by
side, one epoch of each in turn, so that both see the same machine load and
their ratio holds on a noisy machine. After every epoch it records training
seconds and test accuracy. Writes the figures as JSON.
"""

import argparse
import datetime
import json
import platform
import time
from pathlib import Path

import keras

from .config import DEFAULT_SEED, set_global_seed
from .data import cache_path, describe_source, load_imdb, prepare_imdb_data
from .models import build_rnn_model
from .training import evaluate_rnn_model, train_rnn_model

RESULTS_DIR = Path("benchmarks") / "results"

# The first lesson: embedding 16, LSTM 64, dense 64, batch 128, 256 ids,
# padded and truncated at the end, no mask.
OLD_LESSON = dict(prepare=dict(max_length=256, padding="post", truncating="post"),
                  model=dict(embedding_dim=16, lstm_units=64, dense_units=64, mask_zero=False,
                             max_length=256),
                  batch_size=128)
# The course's default: what `run_full_workflow()` uses.
DEFAULT = dict(prepare=dict(max_length=256, padding="post", truncating="pre"),
               model=dict(embedding_dim=32, lstm_units=64, dense_units=64, mask_zero=True),
               batch_size=128)
CONFIGS = {"default": DEFAULT, "old_lesson": OLD_LESSON}


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


def run(epochs, names, source=None, seed=DEFAULT_SEED):
    """Trains each named configuration for `epochs`, interleaved epoch by epoch."""
    runs = {}
    for name in names:
        config = CONFIGS[name]
        set_global_seed(seed)
        (x_train, y_train), (x_test, y_test) = prepare_imdb_data(
            source=source, quick=False, **config["prepare"])
        runs[name] = dict(config=config, data=(x_train, y_train, x_test, y_test),
                          model=build_rnn_model(**config["model"]),
                          epoch_seconds=[], test_accuracy=[], val_accuracy=[])
    for epoch in range(epochs):
        for name, r in runs.items():
            x_train, y_train, x_test, y_test = r["data"]
            start = time.perf_counter()
            history = train_rnn_model(r["model"], x_train, y_train, epochs=1,
                                      batch_size=r["config"]["batch_size"], verbose=2,
                                      seed=seed + epoch)
            r["epoch_seconds"].append(round(time.perf_counter() - start, 2))
            r["val_accuracy"].append(round(history.history["val_accuracy"][-1], 4))
            r["test_accuracy"].append(round(evaluate_rnn_model(r["model"], x_test, y_test)["accuracy"], 4))
            print(f"{name}: epoch {epoch + 1}, {r['epoch_seconds'][-1]} s, "
                  f"test accuracy {r['test_accuracy'][-1]}", flush=True)
    out = {}
    for name, r in runs.items():
        out[name] = dict(settings=r["config"], epoch_seconds=r["epoch_seconds"],
                         mean_epoch_seconds=round(sum(r["epoch_seconds"]) / epochs, 2),
                         val_accuracy=r["val_accuracy"], test_accuracy=r["test_accuracy"],
                         params=r["model"].count_params())
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m lesson_utils.bench", description=__doc__)
    parser.add_argument("--epochs", type=int, default=5,
                        help="epochs per configuration (default 5, the first lesson's)")
    parser.add_argument("--configs", nargs="+", choices=sorted(CONFIGS), default=list(CONFIGS))
    parser.add_argument("--source", default=None, help="IMDB folder (default: IMDB_DATA_DIR or Keras)")
    parser.add_argument("--output", type=Path, default=None,
                        help=f"JSON file (default: {RESULTS_DIR}/imdb_<date>.json)")
    args = parser.parse_args(argv)
    result = {
        "command": "python -m lesson_utils.bench " + " ".join(argv or []),
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": __import__("os").cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(), "keras": keras.__version__},
        "data_load": time_data_load(args.source),
    }
    print(json.dumps(result["data_load"]), flush=True)
    result["training"] = run(args.epochs, args.configs, args.source)
    if {"default", "old_lesson"} <= set(result["training"]):
        t = result["training"]
        result["epoch_time_ratio_default_over_old"] = round(
            t["default"]["mean_epoch_seconds"] / t["old_lesson"]["mean_epoch_seconds"], 3)
    output = args.output or RESULTS_DIR / f"imdb_{datetime.date.today().isoformat()}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"Saved {output}")
    return result


if __name__ == "__main__":
    main()
