"""The classifier's architecture, its argument checks and the cuDNN rules."""

import keras
import numpy as np
import pytest
from keras.src.backend.tensorflow.rnn import _has_fully_masked_sequence, _is_sequence_right_padded

from lesson_utils import build_rnn_model, prepare_imdb_data
from lesson_utils.models import recurrent as models


def recurrent_layer(model):
    layer = model.get_layer(index=2)
    return layer.forward_layer if isinstance(layer, keras.layers.Bidirectional) else layer


def test_default_model_masks_padding_and_outputs_a_probability():
    model = build_rnn_model(vocab_size=50, embedding_dim=4, lstm_units=3, dense_units=2)
    assert model.get_layer("embedding").mask_zero
    assert isinstance(recurrent_layer(model), keras.layers.LSTM)
    assert model.output_shape == (None, 1)
    assert model.input_shape == (None, None)
    probs = model.predict(np.array([[1, 5, 7, 0, 0]]), verbose=0)
    assert 0 < probs[0, 0] < 1


@pytest.mark.parametrize(
    "cell,layer",
    [
        ("lstm", keras.layers.LSTM),
        ("gru", keras.layers.GRU),
        ("simple_rnn", keras.layers.SimpleRNN),
    ],
)
def test_cell_choice(cell, layer):
    model = build_rnn_model(
        vocab_size=20, embedding_dim=2, lstm_units=3, dense_units=0, cell=cell, bidirectional=True
    )
    assert isinstance(model.get_layer(index=2), keras.layers.Bidirectional)
    assert isinstance(recurrent_layer(model), layer)


@pytest.mark.parametrize(
    "kwargs,name",
    [
        (dict(cell="transformer"), "cell"),
        (dict(lstm_units=0), "lstm_units"),
        (dict(vocab_size=-1), "vocab_size"),
        (dict(dropout=1.5), "dropout"),
        (dict(padding="middle"), "padding"),
        (dict(embedding_dim=2.5), "embedding_dim"),
        (dict(learning_rate="fast"), "learning_rate"),
        (dict(learning_rate=0), "learning_rate"),
    ],
)
def test_bad_arguments_are_named(kwargs, name):
    with pytest.raises(ValueError, match=rf"`{name}`.*Received: {name}="):
        build_rnn_model(**kwargs)


def test_pre_padding_with_a_mask_turns_cudnn_off_and_says_so_once(capsys, monkeypatch):
    monkeypatch.setattr(models, "_said_cudnn_off", False)
    first = build_rnn_model(vocab_size=20, embedding_dim=2, lstm_units=2, padding="pre")
    second = build_rnn_model(
        vocab_size=20, embedding_dim=2, lstm_units=2, padding="pre", cell="gru"
    )
    assert recurrent_layer(first).use_cudnn is False
    assert recurrent_layer(second).use_cudnn is False
    assert capsys.readouterr().out.count("use_cudnn=False") == 1


def test_post_padding_keeps_the_cudnn_path():
    model = build_rnn_model(vocab_size=20, embedding_dim=2, lstm_units=2)
    assert recurrent_layer(model).use_cudnn == "auto"


def test_default_data_gives_masks_that_cudnn_accepts(fake_imdb):
    """Keras' own test for cuDNN: right-padded masks and no fully masked row."""
    (x_train, _), (x_test, _) = prepare_imdb_data(100, 6, source=fake_imdb, quick=False)
    model = build_rnn_model(vocab_size=100, embedding_dim=2, lstm_units=2)
    for x in (x_train, x_test):
        mask = model.get_layer("embedding").compute_mask(x)
        assert bool(_is_sequence_right_padded(mask))
        assert not bool(_has_fully_masked_sequence(mask))


def test_pre_padded_masks_are_what_cudnn_rejects(fake_imdb):
    (x_train, _), _ = prepare_imdb_data(100, 6, padding="pre", source=fake_imdb, quick=False)
    mask = build_rnn_model(vocab_size=100).get_layer("embedding").compute_mask(x_train)
    assert not bool(_is_sequence_right_padded(mask))


def test_model_vocab_size_reads_the_word_id_layer():
    from lesson_utils.models.bag_of_words import build_bag_of_words_model

    model = build_rnn_model(vocab_size=37, embedding_dim=2, lstm_units=2)
    assert models.model_vocab_size(model) == 37
    assert models.model_vocab_size(build_bag_of_words_model(vocab_size=41)) == 41
    plain = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    assert models.model_vocab_size(plain) is None
