"""Notebook 05 (IMDB sentiment, continued): what a trained classifier gets right and wrong,
and of new text.

Accuracy is one number; the confusion matrix says which way the mistakes go,
the misclassified reviews say why, and `predict_review` lets a learner try
their own sentence, read exactly as the training reviews were.
"""

import re

import numpy as np

from lesson_utils.arguments import check_choice, check_positive_int
from lesson_utils.data import text
from lesson_utils.data.imdb import LABEL_NAMES, encode_review, get_word_index
from lesson_utils.models.recurrent import model_vocab_size
from lesson_utils.settings import DEFAULT_MAX_LENGTH, DEFAULT_VOCAB_SIZE
from lesson_utils.training.fit import predict_proba


def confusion_matrix(y_true, probabilities, threshold=0.5):
    """Counts of true against predicted labels.

    A review is predicted positive when its probability is above `threshold`
    (Keras' `accuracy` metric uses the same rule).

    Args:
        y_true: labels, 0 (negative) or 1 (positive).
        probabilities: the model's probability of "positive" for each review.
        threshold: the decision threshold.

    Returns:
        A 2x2 int array: rows are the true labels (negative, positive),
        columns the predicted ones, so `[[TN, FP], [FN, TP]]`.
    """
    y_true = np.asarray(y_true).astype(int).reshape(-1)
    predicted = (np.asarray(probabilities).reshape(-1) > threshold).astype(int)
    if y_true.shape != predicted.shape:
        raise ValueError(
            f"`y_true` has {y_true.size} labels but `probabilities` has "
            f"{predicted.size} values: pass one probability per review."
        )
    matrix = np.zeros((2, 2), dtype=int)
    np.add.at(matrix, (y_true, predicted), 1)
    return matrix


def misclassified_reviews(model, x, y, *, count=3, probabilities=None, label=None):
    """The reviews the model gets wrong most confidently.

    Args:
        model: a trained classifier.
        x: padded word ids.
        y: the labels (what the data says; see `stated_score` for why a
            label can be wrong).
        count: how many to return.
        probabilities: the model's probabilities for `x`, if already computed.
        label: `None` for mistakes of both kinds; `0` for the reviews labelled
            negative and predicted positive (false positives); `1` for those
            labelled positive and predicted negative (false negatives).

    Returns:
        A list of dicts with `index` (row in `x`), `label` (0/1),
        `probability` (of positive) and `confidence` (in the wrong answer),
        most confident first.
    """
    count = check_positive_int("count", count)
    check_choice("label", label, (None, 0, 1))
    y = np.asarray(y).astype(int)
    probs = predict_proba(model, x) if probabilities is None else np.asarray(probabilities)
    wrong = np.flatnonzero(((probs > 0.5).astype(int) != y) & ((y == label) | (label is None)))
    confidence = np.where(y[wrong] == 1, 1 - probs[wrong], probs[wrong])
    order = wrong[np.argsort(-confidence, kind="stable")][:count]
    return [
        dict(
            index=int(i),
            label=int(y[i]),
            probability=float(probs[i]),
            confidence=float(1 - probs[i] if y[i] == 1 else probs[i]),
        )
        for i in order
    ]


# "i give it 9 5 10", "rated it 3 out of 10", "my rating 8 10", or a review that
# ends "highly recommended 7 10": a score the reviewer wrote in the text
# (punctuation is gone: "9.5/10" reads "9 5 10").
_SCORE = r"(\d{1,2})(?:\s+(\d))?\s+(?:out of\s+)?10\b"
_STATED_SCORES = (
    re.compile(
        r"\b(?:give it|gave it|giving it|rate it|rated it|rating|score|"
        r"verdict|grade)\s+(?:of\s+|is\s+|a\s+)?" + _SCORE
    ),
    re.compile(r"\b" + _SCORE + r"\s*$"),
)


def stated_score(review):
    """The score out of 10 a reviewer wrote in the text, if any.

    IMDB's labels were not given by reading the reviews: Maas et al. (2011)
    labelled a review negative when its star rating was at most 4 of 10 and
    positive when it was at least 7 (reviews rated 5 or 6 were left out). A
    score written in the text can disagree with that label.

    Args:
        review: a review's text, as `decode_review` returns it.

    Returns:
        The last score out of 10 the text states, after a word like "give
        it" or "rating", or as its very last words (`"i give it 9 5 10"`
        gives 9.5, `"highly recommended 7 10"` gives 7), or `None` if it
        states none.
    """
    found = sorted(
        (match.end(), float(f"{match[1]}.{match[2] or 0}"))
        for pattern in _STATED_SCORES
        for match in pattern.finditer(review.strip())
    )
    scores = [score for _, score in found if score <= 10]
    return scores[-1] if scores else None


def word_status(review, vocab_size=DEFAULT_VOCAB_SIZE, *, source=None):
    """How the model will read each word of a text.

    Args:
        review: the text.
        vocab_size: the number of ids the model knows.
        source: as for `load_imdb` (where the word index comes from).

    Returns:
        A list of `(word, status)`: status `"known"` (the model has an id
        for it), `"rare"` (in IMDB's word index but outside the vocabulary:
        read as the out-of-vocabulary id 2) or `"unknown"` (never seen in
        IMDB: skipped, as Keras' own preprocessing did).
    """
    vocab_size = check_positive_int("vocab_size", vocab_size)
    word_index = get_word_index(source)
    out = []
    for word in text.text_to_words(review):
        rank = word_index.get(word)
        if rank is None:
            out.append((word, "unknown"))
        else:
            out.append((word, "known" if rank + text.INDEX_FROM < vocab_size else "rare"))
    return out


def predict_review(model, review, *, max_length=DEFAULT_MAX_LENGTH, source=None):
    """Encodes a learner's text as the training reviews were and predicts its sentiment.

    Args:
        model: a trained classifier (its Embedding says the vocabulary size).
        review: the text.
        max_length: as the model was trained (longer texts keep their end).
        source: as for `load_imdb`.

    Returns:
        A dict: `probability` (of positive), `label` ("positive" or
        "negative"), `ids` (what the model read, padding removed) and `words`
        (as `word_status` returns).
    """
    if not isinstance(review, str) or not text.text_to_words(review):
        raise ValueError(f"Type a review first: the text has no words. Received: review={review!r}")
    vocab_size = model_vocab_size(model)
    if vocab_size is None:
        raise ValueError(
            f"Model {model.name!r} has no Embedding or CategoryEncoding layer, so its "
            "vocabulary size is unknown: pass a model from build_rnn_model or "
            "build_bag_of_words_model."
        )
    ids = encode_review(review, vocab_size=vocab_size, max_length=max_length, source=source)
    probability = float(predict_proba(model, ids)[0])
    return dict(
        probability=probability,
        label=LABEL_NAMES[int(probability > 0.5)],
        ids=[int(i) for i in ids[0] if i != text.PAD_ID],
        words=word_status(review, vocab_size, source=source),
    )
