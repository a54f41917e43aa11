"""Notebooks 04 and 05's embedding, layer-table and reading-direction code, against Keras."""

import keras
import numpy as np
import pytest

from lesson_utils.data.text import INDEX_FROM
from lesson_utils.exercises import imdb
from lesson_utils.experiments.architecture import (
    bidirectional_halves,
    later_step_changes_earlier_outputs,
    layer_markdown,
    layer_rows,
)
from lesson_utils.experiments.embeddings import (
    embedding_matrix,
    group_cosines,
    nearest_words,
    neighbours_markdown,
)
from lesson_utils.models.recurrent import build_rnn_model
from lesson_utils.scratch.cells import lstm_param_count
from lesson_utils.scratch.embedding import embedding_lookup, one_hot


def test_one_hot_puts_a_single_one_at_each_id():
    vectors = one_hot(np.array([[2, 0], [1, 2]]), 3)
    assert vectors.shape == (2, 2, 3)
    np.testing.assert_array_equal(vectors.sum(axis=-1), 1)
    np.testing.assert_array_equal(vectors.argmax(axis=-1), [[2, 0], [1, 2]])


def test_one_hot_names_ids_outside_the_vocabulary():
    with pytest.raises(ValueError, match=r"`ids`.*0 to 2.*Received ids from 0 to 3"):
        one_hot([0, 3], 3)


def test_embedding_lookup_equals_keras_embedding():
    layer = keras.layers.Embedding(50, 4)
    ids = np.array([[3, 17, 0, 49], [1, 1, 2, 8]])
    keras_vectors = keras.ops.convert_to_numpy(layer(ids))
    np.testing.assert_allclose(embedding_lookup(ids, layer.get_weights()[0]), keras_vectors)


def test_layer_rows_count_every_parameter_and_show_shapes():
    model = build_rnn_model(vocab_size=100, embedding_dim=4, lstm_units=3, dense_units=2)
    rows = {row["name"]: row for row in layer_rows(model)}
    assert rows["embedding"]["params"] == 100 * 4
    assert rows["embedding"]["output_shape"] == (None, None, 4)
    assert rows["lstm"]["params"] == lstm_param_count(4, 3)
    assert sum(row["params"] for row in rows.values()) == model.count_params()
    assert sum(row["share"] for row in rows.values()) == pytest.approx(1)
    table = layer_markdown(layer_rows(model))
    assert f"**{model.count_params():,}**" in table and "| lstm | LSTM | (None, 3) |" in table
    assert "| dropout | Dropout | (None, 2) | 0 | 0.0% |" in table
    big = build_rnn_model(vocab_size=10_000, embedding_dim=32, lstm_units=3, dense_units=2)
    assert "| 3 | <0.1% |" in layer_markdown(layer_rows(big)), "a tiny share is not shown as 0.0%"


def test_a_bidirectional_row_names_the_wrapped_layer_and_doubles_the_width():
    model = build_rnn_model(
        vocab_size=100, embedding_dim=4, lstm_units=3, dense_units=0, bidirectional=True
    )
    row = layer_rows(model)[1]
    assert row["kind"] == "Bidirectional(LSTM)"
    assert row["output_shape"] == (None, 6)
    assert row["params"] == 2 * lstm_param_count(4, 3)


def test_a_bidirectional_layer_concatenates_its_directions_and_masks_both():
    model = build_rnn_model(
        vocab_size=30, embedding_dim=4, lstm_units=3, dense_units=0, bidirectional=True
    )
    review = np.array([[5, 9, 12, 7]])
    padded = np.array([[5, 9, 12, 7, 0, 0, 0]])
    read = bidirectional_halves(model, review)
    np.testing.assert_allclose(
        read["output"], np.concatenate([read["forward"], read["backward"]], axis=1), rtol=1e-6
    )
    for name, values in bidirectional_halves(model, padded).items():
        np.testing.assert_allclose(values, read[name], rtol=1e-5, atol=1e-6, err_msg=name)
    reversed_review = bidirectional_halves(model, review[:, ::-1])
    np.testing.assert_allclose(
        read["backward"],
        keras.ops.convert_to_numpy(
            model.get_layer(index=2).backward_layer(model.get_layer("embedding")(review))
        ),
        rtol=1e-6,
    )
    assert not np.allclose(reversed_review["forward"], read["forward"])


def test_bidirectional_halves_needs_a_bidirectional_model():
    model = build_rnn_model(vocab_size=30, embedding_dim=4, lstm_units=3)
    with pytest.raises(ValueError, match="one Bidirectional layer"):
        bidirectional_halves(model, np.array([[1, 2]]))


def test_only_a_bidirectional_layer_reads_words_still_to_come():
    inputs = np.random.default_rng(0).normal(size=(2, 6, 3))
    one_way = keras.layers.LSTM(4, return_sequences=True)
    both_ways = keras.layers.Bidirectional(keras.layers.LSTM(4, return_sequences=True))
    assert later_step_changes_earlier_outputs(one_way, inputs, 4) == 0.0
    assert later_step_changes_earlier_outputs(both_ways, inputs, 4) > 1e-3


def test_later_step_must_be_inside_the_sequence():
    with pytest.raises(ValueError, match="`step`"):
        later_step_changes_earlier_outputs(keras.layers.LSTM(2), np.zeros((1, 3, 2)), 3)


def word_model(vectors):
    """A model whose embedding holds `vectors` for the ids INDEX_FROM, INDEX_FROM + 1, ..."""
    vocab_size = INDEX_FROM + len(vectors)
    model = keras.Sequential([keras.Input((None,)), keras.layers.Embedding(vocab_size, 2)])
    matrix = np.ones((vocab_size, 2))
    matrix[INDEX_FROM:] = vectors
    model.layers[0].set_weights([matrix])
    return model


WORDS = {"good": 0, "great": 1, "bad": 2, "awful": 3, "film": 4}


def test_nearest_words_by_cosine_leave_out_the_word_itself_and_special_ids():
    model = word_model([[1, 0.1], [2, 0.3], [-1, 0.1], [-3, 0], [0, 1]])
    neighbours = nearest_words(model, ["good", "bad"], WORDS, count=2)
    assert [word for word, _ in neighbours["good"]] == ["great", "film"]
    assert [word for word, _ in neighbours["bad"]] == ["awful", "film"]
    assert neighbours["good"][0][1] == pytest.approx(
        (2 + 0.03) / (np.hypot(1, 0.1) * np.hypot(2, 0.3))
    )
    table = neighbours_markdown(neighbours).splitlines()
    assert "its 2 nearest words (cosine similarity)" in table[0]
    assert table[2] == "| **good** | great (1.00), film (0.10) |", table


def test_group_cosines_within_and_across():
    model = word_model([[1, 0], [1, 0], [-1, 0], [-1, 0], [0, 1]])
    cosines = group_cosines(model, ["good", "great"], ["bad", "awful"], WORDS)
    assert cosines == pytest.approx(dict(within=1.0, across=-1.0))


def test_unknown_words_and_models_without_embedding_are_named():
    model = word_model([[1, 0], [1, 0], [-1, 0], [-1, 0], [0, 1]])
    with pytest.raises(ValueError, match="'superb' is not among the model's 5 known words"):
        nearest_words(model, ["superb"], WORDS)
    dense = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, name="head")])
    with pytest.raises(ValueError, match="`model` must have an Embedding layer"):
        embedding_matrix(dense)


def test_the_masked_final_state_exercise_is_the_state_a_masked_keras_lstm_ends_with():
    """Notebook 04's exercise 2: a review's state after its last real word, read from the states
    at every step of the unmasked layer, is what the same LSTM with a mask returns."""
    rng = np.random.default_rng(0)
    lengths = np.array([6, 2, 4])
    vectors = rng.normal(size=(3, 6, 4)).astype("float32")
    mask = np.arange(6)[None, :] < lengths[:, None]
    vectors[~mask] = 0.0  # post-padding: zeros after each review's words
    every_step = keras.layers.LSTM(5, return_sequences=True)
    states = keras.ops.convert_to_numpy(every_step(vectors))
    masked = keras.layers.LSTM(5)
    masked.build(vectors.shape)
    masked.set_weights(every_step.get_weights())
    kept = keras.ops.convert_to_numpy(masked(vectors, mask=mask))

    np.testing.assert_allclose(imdb.MASKED_FINAL_STATE.reference(states, lengths), kept, atol=1e-6)
    assert not np.allclose(states[:, -1], kept, atol=1e-3), "the padding should move the state"
