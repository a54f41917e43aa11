"""Notebook 04 (IMDB sentiment): which words a trained Embedding puts together.

Similarity is the cosine of the angle between two words' vectors: 1 for the
same direction, 0 for unrelated ones. The classifier was only ever told
"positive" or "negative", so if its embedding groups words, it is by what
they say about a film.
"""

import numpy as np

from lesson_utils.data.text import INDEX_FROM
from lesson_utils.quiet_tensorflow import import_tensorflow_quietly
from lesson_utils.tables import markdown_table

import_tensorflow_quietly()
import keras  # noqa: E402


def embedding_matrix(model):
    """The word vectors of a model's `Embedding` layer, shape `(vocab_size, embedding_dim)`."""
    for layer in model.layers:
        if isinstance(layer, keras.layers.Embedding):
            return keras.ops.convert_to_numpy(layer.embeddings)
    raise ValueError(
        f"Argument `model` must have an Embedding layer. Received: model={model.name!r} with "
        f"layers {[layer.name for layer in model.layers]}."
    )


def _unit_rows(matrix):
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


def _word_id(word, word_index, vocab_size):
    rank = word_index.get(word)
    if rank is None or rank + INDEX_FROM >= vocab_size:
        raise ValueError(
            f"{word!r} is not among the model's {vocab_size - INDEX_FROM:,} known words: "
            "choose a more frequent word."
        )
    return rank + INDEX_FROM


def nearest_words(model, words, word_index, *, count=5):
    """Each word's nearest neighbours in a model's embedding, by cosine similarity.

    Args:
        model: a model with an `Embedding` layer over IMDB's word ids.
        words: the words to look up, each among the model's known words.
        word_index: IMDB's word index (`get_word_index()`).
        count: neighbours per word.

    Returns:
        A dict word -> list of `(neighbour, cosine)`, most similar first
        (the word itself, padding, start and unknown-word ids left out).
    """
    unit = _unit_rows(embedding_matrix(model))
    id_to_word = {rank + INDEX_FROM: word for word, rank in word_index.items()}
    neighbours = {}
    for word in words:
        word_id = _word_id(word, word_index, len(unit))
        cosines = unit @ unit[word_id]
        cosines[:INDEX_FROM] = -np.inf
        cosines[word_id] = -np.inf
        best = np.argsort(-cosines)[:count]
        neighbours[word] = [(id_to_word[i], float(cosines[i])) for i in best]
    return neighbours


def neighbours_markdown(neighbours):
    """A Markdown table of `nearest_words`: each word, then its neighbours with their cosines."""
    rows = [
        (f"**{word}**", ", ".join(f"{near} ({cosine:.2f})" for near, cosine in nearest))
        for word, nearest in neighbours.items()
    ]
    count = max(len(nearest) for nearest in neighbours.values())
    return markdown_table(("word", f"its {count} nearest words (cosine similarity)"), rows)


# Notebook 04's words of each sentiment, whose cosines `group_cosines` compares.
PRAISE = ("excellent", "wonderful", "great", "best", "loved", "perfect")
COMPLAINT = ("awful", "boring", "worst", "waste", "terrible", "poor")


def group_cosines(model, first, second, word_index):
    """Mean cosine similarity within two groups of words, and across them.

    Args:
        model: a model with an `Embedding` layer over IMDB's word ids.
        first, second: two lists of words, e.g. praise and complaint.
        word_index: IMDB's word index.

    Returns:
        A dict with `within` (the mean cosine between two different words of
        the same group) and `across` (between a word of one group and one of
        the other).
    """
    unit = _unit_rows(embedding_matrix(model))
    a, b = (unit[[_word_id(w, word_index, len(unit)) for w in group]] for group in (first, second))
    within = np.concatenate([(v @ v.T)[~np.eye(len(v), dtype=bool)] for v in (a, b)])
    return dict(within=float(within.mean()), across=float((a @ b.T).mean()))
