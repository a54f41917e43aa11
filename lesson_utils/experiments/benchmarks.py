"""Notebook 04 (IMDB sentiment): the benchmark configurations and their saved runs, read back.

Full-mode figures in the notebooks come from these files, written by
`python -m course_tools.bench`, never from typing: a notebook loads them,
shows them, and asserts what its prose says about them.
"""

import json
from pathlib import Path

import numpy as np

from lesson_utils.models.bag_of_words import BAG_OF_WORDS_MAX_LENGTH
from lesson_utils.paths import benchmark_results_folder
from lesson_utils.settings import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_DENSE_UNITS,
    DEFAULT_EMBEDDING_DIM,
    DEFAULT_EPOCHS,
    DEFAULT_MAX_LENGTH,
    DEFAULT_UNITS,
)
from lesson_utils.tables import markdown_table

# How notebook 04 names and colours each benchmark configuration.
CONFIG_LABELS = {
    "old_lesson": "(a) post-padding, no mask (a common mistake)",
    "pre_padding": "(b) pre-padding, no mask",
    "old_lesson_masked": "(c) post-padding + mask",
    "old_lesson_bucketed": "(d) as (c), batches of similar length",
    "default": "course default (LSTM, mask)",
    "gru": "course GRU (mask)",
    "bidirectional": "course LSTM, read both ways",
    "bow_logistic": "bag of words: logistic regression",
    "bow_dense": "bag of words: dense 16-16",
    "bow_logistic_256": "bag of words: logistic regression, last 256 ids",
    "bow_dense_256": "bag of words: dense 16-16, last 256 ids",
    "bidirectional_max": "+ max-pooling over the words",
    "bidirectional_max_whole": "+ whole reviews (up to 2,500 ids)",
    "bidirectional_max_whole_20k": "+ 20,000 words instead of 10,000",
    "bidirectional_max_whole_20k_wide": "+ word vectors of 64 numbers and dropout 0.5",
    "bow_dense_20k": "bag of words: dense 16-16, whole reviews, 20,000 words",
    "max_mean": "+ the mean over the words beside the largest value",
    "max_mean_vector_dropout": "+ a quarter of each word vector dropped",
    "bidirectional_regularised": "+ a decaying step size, 6 epochs",
    "regularised_gru": "+ a GRU instead of the LSTM",
    "regularised_gru_word_dropout": "+ 30 % word dropout, slower decay, 8 epochs",
    "regularised_gru_word_dropout_96": "+ word vectors of 96 numbers",
    "regularised_gru_count_vectors": "+ word vectors started from counts",
    "regularised_gru_averaged": "+ the weights' moving average validated and kept",
}


def _settings_as_saved(settings):
    """A configuration as it reads after a JSON round trip (tuples become lists)."""
    return json.loads(json.dumps(settings))


def _read_runs(folder):
    """Every benchmark file in `folder` (default `benchmarks/results/`) as `(file name, run)`."""
    folder = Path(folder) if folder is not None else benchmark_results_folder()
    files = sorted(folder.glob("imdb_*.json"))
    if not files:
        raise FileNotFoundError(
            f"No benchmark results in {str(folder)!r}. Run `python -m course_tools.bench` "
            "(full IMDB, about half an hour on 2 cores) to write them."
        )
    runs = []
    for path in files:
        try:
            run = json.loads(path.read_text())
            run["training"].items()
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as err:
            raise ValueError(
                f"{str(path)!r} is not a benchmark result written by "
                f"`python -m course_tools.bench` ({err})."
            ) from err
        runs.append((path.name, run))
    return runs


def _figures(name, file, run):
    """One configuration's figures from one run, with where they come from and `stale`."""
    figures = run["training"][name]
    current = BENCHMARK_CONFIGS.get(name)
    return dict(
        figures,
        file=file,
        date=run["date"],
        command=run.get("command", ""),
        stale=current is None or _settings_as_saved(current) != figures["settings"],
    )


def load_benchmark_results(folder=None):
    """Reads every benchmark file and keeps the newest run of each configuration.

    Args:
        folder: where the JSON files are; `None` for the saved results
            (`lesson_utils/benchmark_data/`).

    Returns:
        A dict, configuration name -> its figures as the benchmark wrote them
        (`test_accuracy` and `epoch_seconds` per epoch, `test_accuracy_kept`,
        `mean_epoch_seconds`, ...), plus `file` and `date` (where they come
        from) and `stale`: `True` when the configuration in `course_tools.bench`
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
        folder: where the JSON files are; `None` for the saved results
            (`lesson_utils/benchmark_data/`).

    Returns:
        A dict as `load_benchmark_results` returns, for `names` only, all
        from the same file.

    Raises:
        ValueError: when no single run measured them all (the message gives
            the command that does).
    """
    runs = [(file, run) for file, run in _read_runs(folder) if set(names) <= set(run["training"])]
    if not runs:
        raise ValueError(
            f"No benchmark run measured all of {list(names)} together: run "
            f"`python -m course_tools.bench --configs {' '.join(names)}`."
        )
    file, run = max(runs, key=lambda file_run: file_run[1]["date"])
    return {name: _figures(name, file, run) for name in names}


def benchmark_rows(results, names):
    """One row of figures per configuration, in the order of `names`.

    Args:
        results: as `load_benchmark_results` (or `bench.run`) returns.
        names: the configurations to show.

    Returns:
        A list of dicts with `name`, `label`, `epochs`, `test_accuracy` (after
        each epoch), `first_epoch_accuracy`, `final_accuracy` (after the last
        epoch), `kept_accuracy` (of the epoch with the lowest validation loss,
        the weights training keeps), `kept_epoch`, `seconds_per_epoch` and
        `cpu_seconds_per_epoch`.
    """
    missing = [name for name in names if name not in results]
    if missing:
        raise ValueError(
            f"No results for {missing}: run `python -m course_tools.bench "
            f"--configs {' '.join(missing)}`. Available: {sorted(results)}"
        )
    rows = []
    for name in names:
        r = results[name]
        rows.append(
            dict(
                name=name,
                label=CONFIG_LABELS.get(name, name),
                epochs=len(r["test_accuracy"]),
                test_accuracy=list(r["test_accuracy"]),
                first_epoch_accuracy=r["test_accuracy"][0],
                final_accuracy=r["test_accuracy"][-1],
                kept_accuracy=r["test_accuracy_kept"],
                kept_epoch=r["best_val_loss_epoch"],
                seconds_per_epoch=r["mean_epoch_seconds"],
                cpu_seconds_per_epoch=r["mean_epoch_cpu_seconds"],
            )
        )
    return rows


def seed_rows(results, names):
    """One row per configuration of a benchmark run made with several seeds.

    Args:
        results: as `load_benchmark_run` returns, from a run of
            `python -m course_tools.bench --seeds ...`.
        names: the configurations to show, in order.

    Returns:
        A list of dicts with `name`, `label`, `seeds`, `kept` (the kept test
        accuracy of each seed), `mean`, `std` (over the seeds), `min`, `max`
        and `cpu_seconds_per_epoch` (the mean over the seeds).

    Raises:
        ValueError: when a configuration was measured with one seed only.
    """
    rows = []
    for name in names:
        runs = results[name].get("per_seed")
        if not runs:
            raise ValueError(
                f"The run of {name!r} ({results[name]['file']}) has one seed: run `python -m "
                f"course_tools.bench --seeds 42 43 44 --configs {' '.join(names)}`."
            )
        kept = np.array([run["test_accuracy_kept"] for run in runs])
        rows.append(
            dict(
                name=name,
                label=CONFIG_LABELS.get(name, name),
                seeds=[run["seed"] for run in runs],
                kept=kept.tolist(),
                mean=float(kept.mean()),
                std=float(kept.std(ddof=1)),
                min=float(kept.min()),
                max=float(kept.max()),
                cpu_seconds_per_epoch=float(
                    np.mean([run["mean_epoch_cpu_seconds"] for run in runs])
                ),
            )
        )
    return rows


def mean_difference(row, other):
    """How far one configuration's mean is from another's, and how sure that is.

    Args:
        row, other: rows of `seed_rows`.

    Returns:
        `(difference, standard_error)`: `row`'s mean kept accuracy minus
        `other`'s, and the standard error of that difference from the two
        spreads over the seeds. A difference within about two standard errors
        is one the seeds alone could make.
    """
    error = np.sqrt(row["std"] ** 2 / len(row["kept"]) + other["std"] ** 2 / len(other["kept"]))
    return row["mean"] - other["mean"], float(error)


def ladder_steps(rows):
    """Each step of a ladder: its change from the row before it, and how sure that is.

    Args:
        rows: as `seed_rows` returns, in order, each one change from the one before.

    Returns:
        A dict from each row's name but the first's to `mean_difference(row, row_before)`.
    """
    return {row["name"]: mean_difference(row, before) for before, row in zip(rows, rows[1:])}


def steps_text(rows, steps):
    """The steps of a ladder as lines of text, one per step, labels aligned.

    Args:
        rows: as `seed_rows` returns, in order.
        steps: as `ladder_steps(rows)` returns.

    Returns:
        A string: each step's label, its change in points and in standard errors.
    """
    width = max(len(row["label"]) for row in rows[1:])
    lines = []
    for row in rows[1:]:
        gain, error = steps[row["name"]]
        change = f"{100 * gain:+.1f} points, {gain / error:+.1f} standard errors"
        lines.append(f"{row['label']:>{width}}: {change}")
    return "\n".join(lines)


def _mean_and_spread(mean, std):
    """`mean ± std` to three decimals, or to four where the spread would read 0.000."""
    decimals = 3 if round(std, 3) > 0 else 4
    return f"{mean:.{decimals}f} ± {std:.{decimals}f}"


def seed_markdown(rows, baselines=()):
    """Rows of `seed_rows` as a Markdown table, each step's change from the row before it.

    Args:
        rows: as `seed_rows` returns, in the order to show, each one change from the one before.
        baselines: more rows of `seed_rows`, shown after them without a change (they are no
            step of the ladder).

    Returns:
        The table as a Markdown string.
    """
    header = (
        "model",
        "kept test accuracy, mean ± sd",
        "each seed",
        "change from the row above",
        "CPU seconds per epoch",
    )
    table = []
    for i, row in enumerate([*rows, *baselines]):
        change = ""
        if 0 < i < len(rows):
            # `or 0.0` turns a rounded -0.0 into 0.0.
            change = f"{round(100 * (row['mean'] - rows[i - 1]['mean']), 1) or 0.0:+.1f} points"
        table.append(
            (
                row["label"],
                _mean_and_spread(row["mean"], row["std"]),
                ", ".join(f"{k:.3f}" for k in row["kept"]),
                change,
                f"{row['cpu_seconds_per_epoch']:.0f}",
            )
        )
    return markdown_table(header, table)


def benchmark_markdown(rows):
    """Benchmark figures as a Markdown table, for `IPython.display.Markdown`.

    Args:
        rows: as `benchmark_rows` returns.

    Returns:
        The table as a Markdown string, one line per configuration.
    """
    header = (
        "model",
        "epochs",
        "test accuracy after epoch 1",
        "after the last epoch",
        "kept (epoch of lowest validation loss)",
        "seconds per epoch",
        "CPU seconds per epoch",
    )
    table = [
        (
            row["label"],
            row["epochs"],
            f"{row['first_epoch_accuracy']:.3f}",
            f"{row['final_accuracy']:.3f}",
            f"{row['kept_accuracy']:.3f} (epoch {row['kept_epoch']})",
            f"{row['seconds_per_epoch']:.1f}",
            f"{row['cpu_seconds_per_epoch']:.1f}",
        )
        for row in rows
    ]
    return markdown_table(header, table)


def literature_markdown():
    """Published IMDB test accuracies, with their sources, as a Markdown table."""
    rows = [
        (
            "LSTM, random initialisation",
            "86.5%",
            "Dai & Le (2015), *Semi-supervised Sequence Learning*, NeurIPS, Table 1",
        ),
        (
            "Word vectors + bag of words (full model), also trained on 50,000 unlabelled reviews",
            "88.9%",
            "Maas et al. (2011), *Learning Word Vectors for Sentiment Analysis*, ACL, Table 2",
        ),
        (
            "NBSVM with bigrams",
            "91.2%",
            "Wang & Manning (2012), *Baselines and Bigrams*, ACL, "
            "Table 2 (quoted by Dai & Le, 2015)",
        ),
        (
            "ULMFiT (pretrained language model, fine-tuned)",
            "95.4%",
            "Howard & Ruder (2018), "
            "*Universal Language Model Fine-tuning for Text Classification*, ACL, Table 2 "
            "(error 4.6%)",
        ),
    ]
    return markdown_table(("model", "IMDB test accuracy", "source"), rows)


# The first lesson: embedding 16, LSTM 64, dense 64, batch 128, 256 ids,
# padded and truncated at the end, no mask.
OLD_LESSON = dict(
    prepare=dict(max_length=256, padding="post", truncating="post"),
    model=dict(
        embedding_dim=16,
        lstm_units=64,
        dense_units=64,
        mask_zero=False,
        dropout=0.0,
        max_length=256,
    ),
    batch_size=128,
    epochs=5,
)
# The course's default: what `run_full_workflow()` uses.
DEFAULT = dict(
    prepare=dict(max_length=DEFAULT_MAX_LENGTH, padding="post", truncating="pre"),
    model=dict(
        embedding_dim=DEFAULT_EMBEDDING_DIM,
        lstm_units=DEFAULT_UNITS,
        dense_units=DEFAULT_DENSE_UNITS,
        mask_zero=True,
        dropout=0.2,
    ),
    batch_size=DEFAULT_BATCH_SIZE,
    epochs=DEFAULT_EPOCHS,
)
# The same model with a GRU, and the same LSTM reading each review both ways
# (notebook 05 measures both on the word-order pairs from these runs).
GRU = dict(DEFAULT, model=dict(DEFAULT["model"], cell="gru"))
BIDIRECTIONAL = dict(DEFAULT, model=dict(DEFAULT["model"], bidirectional=True))
# Notebook 04's comparison, one change at a time: the first lesson's LSTM with
# only the padding changed (zeros before the review, no mask), or with only a
# mask added (the input length stays fixed at 256, so every batch is full
# length); then, with the mask, only the input length freed, which lets
# `train_rnn_model` batch reviews of similar length (`lesson_utils.data.batching`).
PRE_PADDING = dict(OLD_LESSON, prepare=dict(OLD_LESSON["prepare"], padding="pre"))
OLD_LESSON_MASKED = dict(OLD_LESSON, model=dict(OLD_LESSON["model"], mask_zero=True))
OLD_LESSON_BUCKETED = dict(
    OLD_LESSON_MASKED, model=dict(OLD_LESSON_MASKED["model"], max_length=None)
)
# The bag-of-words baselines (lesson_utils.models.bag_of_words) read every review whole.
BOW_LOGISTIC = dict(
    prepare=dict(max_length=BAG_OF_WORDS_MAX_LENGTH, padding="post", truncating="pre"),
    model=dict(hidden_units=()),
    builder="bag_of_words",
    batch_size=512,
    epochs=10,
)
BOW_DENSE = dict(BOW_LOGISTIC, model=dict(hidden_units=(16, 16)), epochs=6)
# The same two, reading what the LSTM reads: the last `DEFAULT_MAX_LENGTH` ids of each review.
BOW_LOGISTIC_256 = dict(BOW_LOGISTIC, prepare=DEFAULT["prepare"])
BOW_DENSE_256 = dict(BOW_DENSE, prepare=DEFAULT["prepare"])
# Notebook 05's way past the bag of words, one change at a time from BIDIRECTIONAL:
# the head reads each unit's largest value over the review (max-pooling, then
# dropout) instead of the last state; then whole reviews instead of their last
# 256 ids; then 20,000 words instead of 10,000. The bag of words gets the same
# reviews and words.
WHOLE_REVIEWS = dict(DEFAULT["prepare"], max_length=BAG_OF_WORDS_MAX_LENGTH)
LARGER_VOCAB = 20_000
BIDIRECTIONAL_MAX = dict(BIDIRECTIONAL, model=dict(BIDIRECTIONAL["model"], pooling="max"), epochs=4)
BIDIRECTIONAL_MAX_WHOLE = dict(BIDIRECTIONAL_MAX, prepare=WHOLE_REVIEWS)
BIDIRECTIONAL_MAX_WHOLE_20K = dict(
    BIDIRECTIONAL_MAX_WHOLE, prepare=dict(WHOLE_REVIEWS, vocab_size=LARGER_VOCAB)
)
# Then, together, word vectors of 64 numbers instead of 32 and dropout 0.5 instead of 0.2: more
# numbers to fit, more regularised.
BIDIRECTIONAL_MAX_WHOLE_20K_WIDE = dict(
    BIDIRECTIONAL_MAX_WHOLE_20K,
    model=dict(BIDIRECTIONAL_MAX_WHOLE_20K["model"], embedding_dim=64, dropout=0.5),
    epochs=5,
)
BOW_DENSE_20K = dict(BOW_DENSE, prepare=dict(WHOLE_REVIEWS, vocab_size=LARGER_VOCAB))
# The second ladder, from BIDIRECTIONAL_MAX_WHOLE_20K, one change at a time against over-fitting:
# the head reads each unit's mean over the words beside its largest value; then a quarter of each
# word vector's numbers dropped while training; then Adam's step size starting at 2e-3 and falling
# by 0.6 every 79 updates (one epoch of 20,000 reviews in batches of 256), over 6 epochs.
MAX_MEAN = dict(
    BIDIRECTIONAL_MAX_WHOLE_20K,
    model=dict(BIDIRECTIONAL_MAX_WHOLE_20K["model"], pooling="max_mean"),
)
MAX_MEAN_VECTOR_DROPOUT = dict(MAX_MEAN, model=dict(MAX_MEAN["model"], embedding_dropout=0.25))
BIDIRECTIONAL_REGULARISED = dict(
    MAX_MEAN_VECTOR_DROPOUT,
    model=dict(MAX_MEAN_VECTOR_DROPOUT["model"], learning_rate=2e-3, learning_rate_decay=(0.6, 79)),
    epochs=6,
)
# Past it, one change at a time: a GRU instead of the LSTM; then 30 % of the words read as unknown
# while training, with the step size falling more slowly (by 0.8 an epoch) over 8 epochs (word
# dropout slows the fit, and these three go together); then word vectors of 96 numbers, not 32.
REGULARISED_GRU = dict(
    BIDIRECTIONAL_REGULARISED, model=dict(BIDIRECTIONAL_REGULARISED["model"], cell="gru")
)
REGULARISED_GRU_WORD_DROPOUT = dict(
    REGULARISED_GRU,
    model=dict(REGULARISED_GRU["model"], word_dropout=0.3, learning_rate_decay=(0.8, 79)),
    epochs=8,
)
REGULARISED_GRU_WORD_DROPOUT_96 = dict(
    REGULARISED_GRU_WORD_DROPOUT,
    model=dict(REGULARISED_GRU_WORD_DROPOUT["model"], embedding_dim=96),
)
# Then the word vectors start from counts of their neighbours in the reviews trained on, without
# their labels (`lesson_utils.models.word_vectors`), instead of random numbers. `"counts"` is
# computed by the benchmark's builder from those reviews (`course_tools.bench`).
REGULARISED_GRU_COUNT_VECTORS = dict(
    REGULARISED_GRU_WORD_DROPOUT_96,
    model=dict(REGULARISED_GRU_WORD_DROPOUT_96["model"], word_vectors="counts"),
)
# Then what is validated, tested and kept is Adam's moving average of the weights (each update
# moves it 0.005 of the way, so it spans about 200 updates, two and a half epochs) instead of the
# weights as the last update left them, which bounce from one epoch to the next.
REGULARISED_GRU_AVERAGED = dict(
    REGULARISED_GRU_COUNT_VECTORS,
    model=dict(REGULARISED_GRU_COUNT_VECTORS["model"], ema_momentum=0.995),
)
# Notebook 05's ladder, in order, and the bags of words it is measured against.
LADDER = [
    "default",
    "bidirectional",
    "bidirectional_max",
    "bidirectional_max_whole",
    "bidirectional_max_whole_20k",
    "bidirectional_max_whole_20k_wide",
]
LADDER_BASELINES = ["bow_dense", "bow_dense_20k"]
# The second ladder, in order (its first row is the first ladder's last row but one).
REGULARISED_LADDER = [
    "bidirectional_max_whole_20k",
    "max_mean",
    "max_mean_vector_dropout",
    "bidirectional_regularised",
    "regularised_gru",
    "regularised_gru_word_dropout",
    "regularised_gru_word_dropout_96",
    "regularised_gru_count_vectors",
    "regularised_gru_averaged",
]
BENCHMARK_CONFIGS = {
    "default": DEFAULT,
    "gru": GRU,
    "bidirectional": BIDIRECTIONAL,
    "old_lesson": OLD_LESSON,
    "pre_padding": PRE_PADDING,
    "old_lesson_masked": OLD_LESSON_MASKED,
    "old_lesson_bucketed": OLD_LESSON_BUCKETED,
    "bow_logistic": BOW_LOGISTIC,
    "bow_dense": BOW_DENSE,
    "bow_logistic_256": BOW_LOGISTIC_256,
    "bow_dense_256": BOW_DENSE_256,
    "bidirectional_max": BIDIRECTIONAL_MAX,
    "bidirectional_max_whole": BIDIRECTIONAL_MAX_WHOLE,
    "bidirectional_max_whole_20k": BIDIRECTIONAL_MAX_WHOLE_20K,
    "bidirectional_max_whole_20k_wide": BIDIRECTIONAL_MAX_WHOLE_20K_WIDE,
    "bow_dense_20k": BOW_DENSE_20K,
    "max_mean": MAX_MEAN,
    "max_mean_vector_dropout": MAX_MEAN_VECTOR_DROPOUT,
    "bidirectional_regularised": BIDIRECTIONAL_REGULARISED,
    "regularised_gru": REGULARISED_GRU,
    "regularised_gru_word_dropout": REGULARISED_GRU_WORD_DROPOUT,
    "regularised_gru_word_dropout_96": REGULARISED_GRU_WORD_DROPOUT_96,
    "regularised_gru_count_vectors": REGULARISED_GRU_COUNT_VECTORS,
    "regularised_gru_averaged": REGULARISED_GRU_AVERAGED,
}
