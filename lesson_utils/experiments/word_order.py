"""Notebook 05 (IMDB sentiment, continued): do the models tell two orders of the same words apart?

Each model reads both reviews of every pair in `WORD_ORDER_PAIRS`; a pair is
ordered correctly when the positive review gets the higher probability of
being positive. The notebook's own LSTM is measured live; the GRU and the
bidirectional LSTM, trained on full IMDB by the benchmark
(`python -m course_tools.bench`), are read from its saved run. A rule that
reads only each review's last sentiment word (`last_word_rule_scores`) is the
yardstick: `scores_by_group` tells whether a model orders the pairs where that
word disagrees with the label as well as those where it agrees.
"""

import numpy as np

from lesson_utils.data.imdb import encode_review
from lesson_utils.data.word_order import WORD_ORDER_PAIRS, last_sentiment_word, last_word_agrees
from lesson_utils.experiments.benchmarks import load_benchmark_run
from lesson_utils.models.recurrent import model_vocab_size
from lesson_utils.settings import DEFAULT_MAX_LENGTH
from lesson_utils.tables import markdown_table
from lesson_utils.training.fit import predict_proba


def pair_probabilities(model, pairs, *, max_length=DEFAULT_MAX_LENGTH, source=None):
    """The probability of being positive that a model gives each review of each pair.

    Args:
        model: a trained classifier from `build_rnn_model` or
            `build_bag_of_words_model`.
        pairs: a list of dicts with texts `positive` and `negative`.
        max_length: as the model was trained.
        source: as for `load_imdb` (where the word index comes from).

    Returns:
        `(positive, negative)`: two float arrays of `len(pairs)` probabilities.
    """
    vocab_size = model_vocab_size(model)
    ids = np.concatenate(
        [
            encode_review(pair[side], vocab_size=vocab_size, max_length=max_length, source=source)
            for side in ("positive", "negative")
            for pair in pairs
        ]
    )
    probabilities = predict_proba(model, ids)
    return probabilities[: len(pairs)], probabilities[len(pairs) :]


def word_order_scores(
    models, pairs=WORD_ORDER_PAIRS, *, max_length=DEFAULT_MAX_LENGTH, source=None
):
    """Measures how often each model orders the pairs correctly.

    Args:
        models: dict name -> trained model.
        pairs: a list of dicts with texts `positive` and `negative`
            (the default: the course's pairs).
        max_length: as the models were trained.
        source: as for `load_imdb`.

    Returns:
        A dict name -> dict with, per pair, `positive` and `negative` (the
        probabilities of being positive, float arrays), `correct` (a bool
        array: the positive review got the higher probability) and `wrong`
        (the pairs not ordered correctly), `accuracy`, the share of the
        pairs ordered correctly, and `both_classified`, the share of the
        pairs whose two reviews are both classified right (the positive one
        above 0.5, the negative one not).
    """
    scores = {}
    for name, model in models.items():
        positive, negative = pair_probabilities(model, pairs, max_length=max_length, source=source)
        scores[name] = _scores(pairs, positive, negative)
    return scores


def _scores(pairs, positive, negative):
    """One model's scores on `pairs`, as `word_order_scores` gives them."""
    positive, negative = np.asarray(positive), np.asarray(negative)
    correct = positive > negative
    return dict(
        positive=positive,
        negative=negative,
        correct=correct,
        wrong=[pair for pair, ok in zip(pairs, correct) if not ok],
        accuracy=float(correct.mean()),
        both_classified=float(np.mean((positive > 0.5) & (negative <= 0.5))),
    )


def last_word_rule_scores(pairs=WORD_ORDER_PAIRS):
    """The scores of a rule that reads only each review's last sentiment word.

    The rule gives a review probability 1 of being positive when its last
    word of the course's lexicon (`POSITIVE_WORDS`, `NEGATIVE_WORDS`) is
    positive, 0 when it is negative, 0.5 when it has none.

    Args:
        pairs: a list of dicts with texts `positive` and `negative`.

    Returns:
        The rule's scores, as `word_order_scores` returns one model's.
    """
    probability = {1: 1.0, -1: 0.0, 0: 0.5}
    positive, negative = (
        [probability[last_sentiment_word(pair[side])[1]] for pair in pairs]
        for side in ("positive", "negative")
    )
    return _scores(pairs, positive, negative)


def scores_by_group(scores, pairs=WORD_ORDER_PAIRS):
    """The share of the pairs each model orders correctly, apart for the two groups of pairs.

    Args:
        scores: dict name -> scores on `pairs`, as `word_order_scores` returns.
        pairs: the pairs scored.

    Returns:
        A dict name -> dict with `agrees` and `disagrees`: the share of the
        pairs ordered correctly among those whose reviews end on a sentiment
        word of their own label (`last_word_agrees`), and among the others;
        and `pairs`, the number of pairs in each group.
    """
    agrees = np.array([last_word_agrees(pair) for pair in pairs])
    if agrees.all() or not agrees.any():
        raise ValueError(
            "Argument `pairs` must hold pairs of both groups (last sentiment word agreeing "
            f"with the label and not). Received: {int(agrees.sum())} of {len(pairs)} agreeing"
        )
    return {
        name: dict(
            agrees=float(s["correct"][agrees].mean()),
            disagrees=float(s["correct"][~agrees].mean()),
            pairs=dict(agrees=int(agrees.sum()), disagrees=int((~agrees).sum())),
        )
        for name, s in scores.items()
    }


def groups_markdown(scores, pairs=WORD_ORDER_PAIRS):
    """A Markdown table of the pairs each model orders correctly, by group.

    Args:
        scores: dict name -> scores on `pairs`, as `word_order_scores` returns.
        pairs: the pairs scored.

    Returns:
        The table as a string: one row per model, with the pairs it orders
        correctly where the last sentiment word agrees with the label, where
        it disagrees, and in all.
    """
    groups = scores_by_group(scores, pairs)
    rows = []
    for name, group in groups.items():
        counts = {key: round(group[key] * group["pairs"][key]) for key in ("agrees", "disagrees")}
        rows.append(
            (
                name,
                f"{counts['agrees']} of {group['pairs']['agrees']}",
                f"{counts['disagrees']} of {group['pairs']['disagrees']}",
                f"{int(scores[name]['correct'].sum())} of {len(pairs)}",
            )
        )
    header = (
        "model",
        "ordered correctly: last sentiment word agrees with the label",
        "last sentiment word disagrees",
        "all pairs",
    )
    return markdown_table(header, rows)


def saved_word_order_scores(names, pairs=WORD_ORDER_PAIRS, *, folder=None):
    """The scores on the pairs of models trained by the benchmark, from its saved run.

    Args:
        names: benchmark configurations (e.g. `["gru", "bidirectional"]`),
            read from the newest run that measured them all.
        pairs: the pairs the notebook shows; the run must have measured
            exactly these.
        folder: where the JSON files are; `None` for the saved results.

    Returns:
        `(scores, run)`: a dict name -> scores as `word_order_scores` returns
        them, and the figures of the run (`file`, `date`, `test_accuracy_kept`, ...)
        by name.

    Raises:
        ValueError: when no saved run measured these configurations on these
            pairs (the message gives the command that does).
    """
    run = load_benchmark_run(names, folder)
    texts = [[pair["positive"], pair["negative"]] for pair in pairs]
    scores = {}
    for name in names:
        saved = run[name].get("word_order")
        if saved is None or saved["pairs"] != texts:
            raise ValueError(
                f"The saved benchmark run {run[name]['file']} did not measure {name!r} on "
                "these word-order pairs: run `python -m course_tools.bench --configs "
                f"{' '.join(names)}` to measure them."
            )
        scores[name] = _scores(pairs, saved["positive"], saved["negative"])
    return scores, run


def pairs_markdown(pairs, probabilities, column):
    """A Markdown table of the pairs, with one probability for each pair.

    Args:
        pairs: a list of dicts with texts `positive` and `negative`.
        probabilities: one probability per pair (e.g. the bag of words', the
            same for both reviews).
        column: the last column's heading.

    Returns:
        The table as a string, one numbered row per pair.

    Raises:
        ValueError: when `probabilities` does not give one probability per pair.
    """
    if len(probabilities) != len(pairs):
        raise ValueError(
            f"Argument `probabilities` must give one probability per pair ({len(pairs)} pairs). "
            f"Received: {len(probabilities)} probabilities"
        )
    rows = [
        (i, pair["positive"], pair["negative"], f"{p:.3f}")
        for i, (pair, p) in enumerate(zip(pairs, probabilities), start=1)
    ]
    return markdown_table(("pair", "positive review", "negative review", column), rows)


def wrong_pairs_markdown(scores, pairs=WORD_ORDER_PAIRS):
    """A Markdown table of the pairs that at least one model orders wrongly.

    Args:
        scores: dict model name -> scores on `pairs`, as `word_order_scores`
            or `saved_word_order_scores` return them.
        pairs: the pairs scored, numbered as `pairs_markdown` numbers them.

    Returns:
        The table as a string: one row per such pair, with the models that
        order it wrongly; or a sentence when every model orders every pair
        correctly. One table rather than a list per model, so that the pairs
        that every model gets wrong stand out.
    """
    rows = []
    for i, pair in enumerate(pairs):
        wrong = [name for name, score in scores.items() if not score["correct"][i]]
        if wrong:
            rows.append((i + 1, pair["positive"], pair["negative"], ", ".join(wrong)))
    if not rows:
        return "Every model orders every pair correctly."
    header = ("pair", "positive review", "negative review", "ordered wrongly by")
    return markdown_table(header, rows)
