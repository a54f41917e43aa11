"""Benchmark of the IMDB workflow on full data: `python -m lesson_utils.bench`.

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

from .baselines import BAG_OF_WORDS_MAX_LENGTH, build_bag_of_words_model
from .benchmark_results import RESULTS_DIR
from .config import (DEFAULT_BATCH_SIZE, DEFAULT_EMBEDDING_DIM, DEFAULT_EPOCHS, DEFAULT_MAX_LENGTH,
                     DEFAULT_SEED, DEFAULT_UNITS, set_global_seed)
from .data import cache_path, describe_source, load_imdb, prepare_imdb_data
from .models import build_rnn_model
from .training import evaluate_rnn_model, train_rnn_model


# The first lesson: embedding 16, LSTM 64, dense 64, batch 128, 256 ids,
# padded and truncated at the end, no mask.
OLD_LESSON = dict(prepare=dict(max_length=256, padding="post", truncating="post"),
                  model=dict(embedding_dim=16, lstm_units=64, dense_units=64, mask_zero=False,
                             dropout=0.0, max_length=256),
                  batch_size=128, epochs=5)
# The course's default: what `run_full_workflow()` uses.
DEFAULT = dict(prepare=dict(max_length=DEFAULT_MAX_LENGTH, padding="post", truncating="pre"),
               model=dict(embedding_dim=DEFAULT_EMBEDDING_DIM, lstm_units=DEFAULT_UNITS,
                          dense_units=64, mask_zero=True, dropout=0.2),
               batch_size=DEFAULT_BATCH_SIZE, epochs=DEFAULT_EPOCHS)
# The same LSTM reading each review both ways (notebook 04's third exercise).
BIDIRECTIONAL = dict(DEFAULT, model=dict(DEFAULT["model"], bidirectional=True))
# Notebook 04's comparison, one change at a time: the first lesson's LSTM with
# only the padding changed (zeros before the review, no mask), or with only a
# mask added (the input length stays fixed at 256, so every batch is full
# length); then, with the mask, only the input length freed, which lets
# `train_rnn_model` batch reviews of similar length (`lesson_utils.batching`).
PRE_PADDING = dict(OLD_LESSON, prepare=dict(OLD_LESSON["prepare"], padding="pre"))
OLD_LESSON_MASKED = dict(OLD_LESSON, model=dict(OLD_LESSON["model"], mask_zero=True))
OLD_LESSON_BUCKETED = dict(OLD_LESSON_MASKED, model=dict(OLD_LESSON_MASKED["model"],
                                                         max_length=None))
# The bag-of-words baselines (lesson_utils.baselines) read every review whole.
BOW_LOGISTIC = dict(prepare=dict(max_length=BAG_OF_WORDS_MAX_LENGTH, padding="post",
                                 truncating="pre"),
                    model=dict(hidden_units=()), builder="bag_of_words", batch_size=512,
                    epochs=10)
BOW_DENSE = dict(BOW_LOGISTIC, model=dict(hidden_units=(16, 16)), epochs=6)
CONFIGS = {"default": DEFAULT, "bidirectional": BIDIRECTIONAL, "old_lesson": OLD_LESSON,
           "pre_padding": PRE_PADDING, "old_lesson_masked": OLD_LESSON_MASKED,
           "old_lesson_bucketed": OLD_LESSON_BUCKETED,
           "bow_logistic": BOW_LOGISTIC, "bow_dense": BOW_DENSE}
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
        names: keys of `CONFIGS`.
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
        config = CONFIGS[name]
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
    parser = argparse.ArgumentParser(prog="python -m lesson_utils.bench", description=__doc__)
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs for every configuration (default: each one's own)")
    parser.add_argument("--configs", nargs="+", choices=sorted(CONFIGS), default=list(CONFIGS))
    parser.add_argument("--source", default=None, help="IMDB folder (default: IMDB_DATA_DIR or Keras)")
    parser.add_argument("--output", type=Path, default=None,
                        help=f"JSON file (default: {RESULTS_DIR}/imdb_<date>.json)")
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    result = {
        "command": " ".join(["python -m lesson_utils.bench", *argv]),
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
    output = args.output or RESULTS_DIR / f"imdb_{datetime.date.today().isoformat()}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"Saved {output}")
    return result


if __name__ == "__main__":
    main()
