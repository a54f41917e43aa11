"""Confusion matrix, misclassified reviews, and a learner's own review."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from lesson_utils import build_rnn_model
from lesson_utils.experiments.evaluation import (
    confusion_matrix,
    misclassified_reviews,
    predict_review,
    stated_score,
    word_status,
)
from lesson_utils.figures.evaluation import plot_confusion_matrix
from lesson_utils.training.fit import predict_proba
from lesson_utils.widgets.explorers import review_tester


def test_confusion_matrix_rows_are_true_labels_and_half_is_negative():
    y = [0, 0, 1, 1, 1]
    p = [0.2, 0.9, 0.5, 0.7, 0.8]
    assert confusion_matrix(y, p).tolist() == [[1, 1], [1, 2]]
    with pytest.raises(ValueError, match="one probability per review"):
        confusion_matrix([0, 1], [0.3])


def test_confusion_plot_has_counts_and_labels():
    fig = plot_confusion_matrix(np.array([[40, 10], [5, 45]]))
    # Each cell's count and its share of its row, at (column, row) = (predicted, true label).
    assert {text.get_position(): text.get_text() for text in fig.axes[0].texts} == {
        (0, 0): "40\n(80% of row)",
        (1, 0): "10\n(20% of row)",
        (0, 1): "5\n(10% of row)",
        (1, 1): "45\n(90% of row)",
    }
    assert fig.get_suptitle() == "Where the model goes wrong (test reviews)"
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == [
        "predicted\nnegative",
        "predicted\npositive",
    ]
    plt.close(fig)


def test_misclassified_are_the_most_confident_mistakes():
    y = np.array([1, 0, 1, 0, 1])
    p = np.array([0.1, 0.6, 0.9, 0.95, 0.45])
    wrong = misclassified_reviews(None, None, y, count=5, probabilities=p)
    assert [w["index"] for w in wrong] == [3, 0, 1, 4]
    assert wrong[0]["confidence"] == pytest.approx(0.95)
    assert wrong[1]["confidence"] == pytest.approx(0.9)


def test_misclassified_of_each_kind():
    y = np.array([1, 0, 1, 0, 1])
    p = np.array([0.1, 0.6, 0.9, 0.95, 0.45])
    false_positives = misclassified_reviews(None, None, y, count=5, probabilities=p, label=0)
    false_negatives = misclassified_reviews(None, None, y, count=5, probabilities=p, label=1)
    assert [w["index"] for w in false_positives] == [3, 1]
    assert [w["index"] for w in false_negatives] == [0, 4]
    with pytest.raises(ValueError, match="label=2"):
        misclassified_reviews(None, None, y, probabilities=p, label=2)


@pytest.mark.parametrize(
    "review, score",
    [
        ("this is probably my favorite i give it 9 5 10 rent it today", 9.5),
        ("i rated it 3 out of 10 and that is generous", 3.0),
        ("my rating 8 10", 8.0),
        ("i gave it 2 10 before i saw the sequel gave it 7 10", 7.0),
        ("a 10 10 cast and a 2 10 plot", None),
        ("an above average thriller br br highly recommended 7 10", 7.0),
        ("its worth a buying watching br br 7 8 10", 7.8),
        ("better than watching godfather 1 2 for the tenth time", None),
        ("i give it 12 10", None),
    ],
)
def test_stated_score_reads_the_score_a_reviewer_wrote(review, score):
    assert stated_score(review) == score


def test_word_status_follows_the_loaders_rules(fake_imdb):
    # Fake ranks: the 1 ... plot 10, so ids are rank + 3; with vocab_size 10 ids >= 10 are rare.
    status = dict(word_status("The plot, zorglub!", vocab_size=10, source=fake_imdb))
    assert status == {"the": "known", "plot": "rare", "zorglub": "unknown"}


def tiny_model():
    return build_rnn_model(vocab_size=20, embedding_dim=4, lstm_units=3, dense_units=4)


def test_predict_review_reads_text_as_training_did(fake_imdb):
    model = tiny_model()
    out = predict_review(model, "Great film, zorglub!", max_length=8, source=fake_imdb)
    assert out["ids"] == [1, 7, 5]
    expected = float(predict_proba(model, np.array([[1, 7, 5]]))[0])
    assert out["probability"] == pytest.approx(expected, abs=1e-6)
    assert out["label"] == ("positive" if out["probability"] > 0.5 else "negative")
    assert ("zorglub", "unknown") in out["words"]
    with pytest.raises(ValueError, match="no words"):
        predict_review(model, "  !! ", source=fake_imdb)


def test_review_tester_button_predicts(fake_imdb):
    box = review_tester(tiny_model(), max_length=8, source=fake_imdb, example="bad film")
    assert box.prediction["ids"] == [1, 8, 5]
    box.controls["text"].value = "Loved it, zorglub"
    box.button.click()
    assert box.prediction["ids"] == [1, 10, 11]
    assert "P(positive)" in box.readout.value and "1 unknown" in box.readout.value
    assert "line-through" in box.readout.value  # the unknown word is struck through
    box.controls["text"].value = ""
    box.button.click()
    assert box.prediction is None and "Type a review first" in box.readout.value
