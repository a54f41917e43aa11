"""The word-order pairs of notebook 05, their measurement and figure (the exercise's check is
in tests/test_exercises.py)."""

import json
from collections import Counter

import numpy as np
import pytest

from lesson_utils.data.imdb import get_word_index
from lesson_utils.data.text import text_to_words
from lesson_utils.data.word_order import (
    NEGATIVE_WORDS,
    POSITIVE_WORDS,
    WORD_ORDER_PAIRS,
    is_word_order_pair,
    last_sentiment_word,
    last_word_agrees,
    words_outside_vocabulary,
)
from lesson_utils.experiments.word_order import (
    groups_markdown,
    last_word_rule_scores,
    pairs_markdown,
    saved_word_order_scores,
    scores_by_group,
    word_order_scores,
    wrong_pairs_markdown,
)
from lesson_utils.figures.word_order import plot_word_order
from lesson_utils.models.bag_of_words import build_bag_of_words_model
from lesson_utils.models.recurrent import build_rnn_model
from lesson_utils.settings import DEFAULT_VOCAB_SIZE


@pytest.fixture(scope="module")
def word_index():
    return get_word_index()


@pytest.fixture(scope="module")
def models():
    return {
        "bag of words": build_bag_of_words_model(DEFAULT_VOCAB_SIZE),
        "LSTM": build_rnn_model(DEFAULT_VOCAB_SIZE, embedding_dim=4, lstm_units=3, dense_units=2),
    }


def test_at_least_twenty_pairs_each_the_same_words_in_another_order():
    assert len(WORD_ORDER_PAIRS) >= 20
    for pair in WORD_ORDER_PAIRS:
        positive, negative = text_to_words(pair["positive"]), text_to_words(pair["negative"])
        assert Counter(positive) == Counter(negative), pair
        assert positive != negative, pair
    assert len({pair["positive"] for pair in WORD_ORDER_PAIRS}) == len(WORD_ORDER_PAIRS)


def test_every_word_of_the_pairs_is_in_the_models_vocabulary(word_index):
    for pair in WORD_ORDER_PAIRS:
        for review in pair.values():
            for word in text_to_words(review):
                assert word in word_index and word_index[word] + 3 < DEFAULT_VOCAB_SIZE, word


def test_is_word_order_pair():
    assert is_word_order_pair("Bad reviews, great movie.", "great REVIEWS bad movie")
    assert not is_word_order_pair("bad reviews great movie", "Bad reviews, great movie!")
    assert not is_word_order_pair("bad reviews great movie", "bad reviews great great movie")
    assert not is_word_order_pair("bad reviews great movie", "bad reviews good movie")


def test_words_outside_vocabulary(word_index):
    assert words_outside_vocabulary(
        "A zorglubesque film, zorglubesque!", word_index, DEFAULT_VOCAB_SIZE
    ) == ["zorglubesque"]
    assert words_outside_vocabulary("the film", word_index, 4) == ["the", "film"]
    assert words_outside_vocabulary("the film", word_index, DEFAULT_VOCAB_SIZE) == []
    with pytest.raises(ValueError, match="vocab_size"):
        words_outside_vocabulary("the film", word_index, 0)


def test_scores_a_bag_of_words_ties_every_pair(models):
    scores = word_order_scores(models, max_length=20)
    bag = scores["bag of words"]
    assert bag["positive"].shape == (len(WORD_ORDER_PAIRS),)
    np.testing.assert_array_equal(bag["positive"], bag["negative"])
    assert bag["accuracy"] == 0 and len(bag["wrong"]) == len(WORD_ORDER_PAIRS)
    lstm = scores["LSTM"]
    assert not np.array_equal(lstm["positive"], lstm["negative"])
    np.testing.assert_array_equal(lstm["correct"], lstm["positive"] > lstm["negative"])
    assert lstm["accuracy"] == pytest.approx(lstm["correct"].mean())
    assert lstm["both_classified"] == pytest.approx(
        np.mean((lstm["positive"] > 0.5) & (lstm["negative"] <= 0.5))
    )
    assert bag["both_classified"] == 0
    assert len(lstm["wrong"]) == int((~lstm["correct"]).sum())


def test_scores_follow_the_pairs_given(models):
    pair = dict(positive="not bad, good", negative="not good, bad")
    [positive], [negative] = (
        word_order_scores({"LSTM": models["LSTM"]}, [pair], max_length=20)["LSTM"][side]
        for side in ("positive", "negative")
    )
    swapped = word_order_scores(
        {"LSTM": models["LSTM"]},
        [dict(positive=pair["negative"], negative=pair["positive"])],
        max_length=20,
    )["LSTM"]
    assert swapped["positive"][0] == pytest.approx(negative)
    assert swapped["negative"][0] == pytest.approx(positive)


def write_run(folder, pairs, probabilities):
    texts = [[pair["positive"], pair["negative"]] for pair in pairs]
    training = {
        name: dict(
            settings={},
            test_accuracy_kept=0.5,
            word_order=dict(pairs=texts, positive=positive, negative=negative),
        )
        for name, (positive, negative) in probabilities.items()
    }
    run = dict(
        command="python -m course_tools.bench", date="2026-11-30T00:00:00", training=training
    )
    (folder / "imdb_test.json").write_text(json.dumps(run))


def test_saved_scores_are_scored_as_live_ones(tmp_path):
    pairs = WORD_ORDER_PAIRS[:3]
    write_run(tmp_path, pairs, {"gru": ([0.9, 0.2, 0.6], [0.1, 0.3, 0.4])})
    scores, run = saved_word_order_scores(["gru"], pairs, folder=tmp_path)
    assert scores["gru"]["correct"].tolist() == [True, False, True]
    assert scores["gru"]["wrong"] == [pairs[1]]
    assert scores["gru"]["accuracy"] == pytest.approx(2 / 3)
    assert scores["gru"]["both_classified"] == pytest.approx(2 / 3)
    assert run["gru"]["file"] == "imdb_test.json"


def test_saved_scores_of_other_pairs_are_refused_with_the_command(tmp_path):
    write_run(tmp_path, WORD_ORDER_PAIRS[:2], {"gru": ([0.9, 0.2], [0.1, 0.3])})
    with pytest.raises(ValueError, match="python -m course_tools.bench --configs gru"):
        saved_word_order_scores(["gru"], WORD_ORDER_PAIRS[:3], folder=tmp_path)


def test_pairs_markdown_numbers_every_pair_with_its_probability():
    pairs = WORD_ORDER_PAIRS[:2]
    lines = pairs_markdown(pairs, [0.5, 0.12345], "P(positive)").split("\n")
    assert lines[0] == "| pair | positive review | negative review | P(positive) |"
    assert lines[2] == f"| 1 | {pairs[0]['positive']} | {pairs[0]['negative']} | 0.500 |"
    assert lines[3].startswith("| 2 |") and lines[3].endswith("| 0.123 |")
    with pytest.raises(ValueError, match=r"one probability per pair \(2 pairs\)\. Received: 1"):
        pairs_markdown(pairs, [0.5], "P(positive)")


def test_wrong_pairs_markdown_lists_the_pairs_some_model_orders_wrongly():
    pairs = WORD_ORDER_PAIRS[:3]
    scores = {
        "LSTM": {"correct": np.array([True, False, True])},
        "GRU": {"correct": np.array([True, False, False])},
    }
    lines = wrong_pairs_markdown(scores, pairs).split("\n")
    assert lines[0] == "| pair | positive review | negative review | ordered wrongly by |"
    assert lines[2] == f"| 2 | {pairs[1]['positive']} | {pairs[1]['negative']} | LSTM, GRU |"
    assert lines[3].startswith("| 3 |") and lines[3].endswith("| GRU |")
    assert len(lines) == 4, "pair 1, which both order correctly, has no row"
    every = {name: {"correct": np.ones(3, bool)} for name in scores}
    assert wrong_pairs_markdown(every, pairs) == "Every model orders every pair correctly."


def test_plot_word_order(models):
    scores = word_order_scores({"LSTM": models["LSTM"]}, max_length=20)
    fig = plot_word_order(scores, title="Pairs")
    [ax] = fig.axes
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend, axes_box = ax.get_legend().get_window_extent(renderer), ax.get_window_extent(renderer)
    assert legend.x0 > axes_box.x1, "the legend sits beside the axes, hiding no bar"
    width, height = fig.get_size_inches() * fig.dpi
    assert width > 1.4 * height, "a wide figure: on a slide, a tall one would be shrunk"
    assert ax.get_title() == "Pairs" and "percentage points" in ax.get_ylabel()
    assert len(ax.patches) == len(WORD_ORDER_PAIRS)
    assert ax.patches[0].get_height() == pytest.approx(
        100 * (scores["LSTM"]["positive"][0] - scores["LSTM"]["negative"][0])
    )


def test_the_pairs_are_balanced_half_end_on_a_word_of_the_other_sentiment():
    agrees = [last_word_agrees(pair) for pair in WORD_ORDER_PAIRS]
    assert sum(agrees) == len(WORD_ORDER_PAIRS) // 2 and len(WORD_ORDER_PAIRS) % 2 == 0
    for pair in WORD_ORDER_PAIRS:
        signs = [last_sentiment_word(pair[side])[1] for side in ("positive", "negative")]
        assert signs in ([1, -1], [-1, 1]), f"each review ends on a sentiment word: {pair}"
        words = set(text_to_words(pair["positive"]))
        assert len(words & POSITIVE_WORDS) == len(words & NEGATIVE_WORDS) == 1, pair


def test_last_sentiment_word_reads_the_last_word_of_the_lexicon():
    assert last_sentiment_word("Not bad, it was good. The end") == ("good", 1)
    assert last_sentiment_word("good, not BAD!") == ("bad", -1)
    assert last_sentiment_word("the film") == (None, 0)
    assert not POSITIVE_WORDS & NEGATIVE_WORDS


def test_the_last_word_rule_orders_one_group_right_and_the_other_wrong():
    rule = last_word_rule_scores()
    groups = scores_by_group({"rule": rule})["rule"]
    assert groups == dict(agrees=1.0, disagrees=0.0, pairs=dict(agrees=20, disagrees=20))
    assert rule["accuracy"] == 0.5
    neutral = last_word_rule_scores([dict(positive="the film", negative="film the")])
    assert neutral["positive"].tolist() == neutral["negative"].tolist() == [0.5]


def test_scores_by_group_and_its_table():
    pairs = WORD_ORDER_PAIRS[:2] + WORD_ORDER_PAIRS[20:22]
    scores = {"LSTM": {"correct": np.array([True, True, False, True])}}
    assert scores_by_group(scores, pairs)["LSTM"] == dict(
        agrees=1.0, disagrees=0.5, pairs=dict(agrees=2, disagrees=2)
    )
    lines = groups_markdown(scores, pairs).split("\n")
    assert lines[2] == "| LSTM | 2 of 2 | 1 of 2 | 3 of 4 |"
    with pytest.raises(ValueError, match="both groups"):
        scores_by_group(scores, WORD_ORDER_PAIRS[:4])


@pytest.mark.filterwarnings("error")  # a warning is a red box in the notebook
def test_plot_word_order_shades_the_pairs_whose_last_word_disagrees(models):
    scores = word_order_scores({"LSTM": models["LSTM"]}, max_length=20)
    disagrees = [not last_word_agrees(pair) for pair in WORD_ORDER_PAIRS]
    fig = plot_word_order(scores, disagrees=disagrees)
    [ax] = fig.axes
    shaded = [patch for patch in ax.patches if patch.get_alpha() == pytest.approx(0.15)]
    assert len(shaded) == sum(disagrees)
    assert "disagrees" in " ".join(t.get_text() for t in ax.get_legend().get_texts())
