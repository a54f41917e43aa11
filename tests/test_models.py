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
    review = np.array([[1, 5, 7, 0, 0]])
    probs = model.predict(review, verbose=0)
    # The output is the sigmoid of one linear unit reading the hidden Dense layer.
    features = keras.Model(model.input, model.get_layer("dense").output).predict(review, verbose=0)
    kernel, bias = model.get_layer("sentiment").get_weights()
    np.testing.assert_allclose(probs, 1 / (1 + np.exp(-(features @ kernel + bias))), rtol=1e-5)


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


@pytest.mark.parametrize("bidirectional", [False, True])
def test_max_pooling_reads_the_largest_state_of_each_unit_over_the_words_only(bidirectional):
    model = build_rnn_model(
        vocab_size=20,
        embedding_dim=3,
        lstm_units=4,
        dense_units=0,
        bidirectional=bidirectional,
        pooling="max",
    )
    every_step = keras.Model(model.input, model.get_layer(index=2).output)
    pooled = keras.Model(model.input, model.get_layer("max_over_time").output)
    review = np.array([[1, 5, 7, 9, 2]])
    padded = np.array([[1, 5, 7, 9, 2, 0, 0, 0]])
    states = every_step.predict(review, verbose=0)
    width = 8 if bidirectional else 4
    assert states.shape == (1, 5, width)
    np.testing.assert_allclose(pooled.predict(review, verbose=0), states.max(axis=1), rtol=1e-6)
    # The padding zeros after the review change nothing.
    np.testing.assert_allclose(
        pooled.predict(padded, verbose=0), states.max(axis=1), rtol=1e-6, atol=1e-7
    )
    assert model.output_shape == (None, 1)


def test_max_over_time_skips_masked_steps_whatever_their_values():
    states = np.array([[[-0.5, 0.2], [-0.3, 0.1], [0.0, 0.9]]], dtype="float32")
    mask = np.array([[True, True, False]])
    pooled = keras.ops.convert_to_numpy(models.MaxOverTime()(states, mask=mask))
    np.testing.assert_array_equal(pooled, states[:, :2].max(axis=1))


def test_max_mean_pooling_hands_on_the_largest_and_the_mean_state_over_the_words_only():
    model = build_rnn_model(
        vocab_size=20, embedding_dim=3, lstm_units=4, dense_units=0, pooling="max_mean"
    )
    every_step = keras.Model(model.input, model.get_layer("lstm").output)
    pooled = keras.Model(model.input, model.get_layer("max_and_mean").output)
    review = np.array([[1, 5, 7, 9, 2]])
    padded = np.array([[1, 5, 7, 9, 2, 0, 0, 0]])
    states = every_step.predict(review, verbose=0)[0]
    expected = np.concatenate([states.max(axis=0), states.mean(axis=0)])[None]
    for reviews in (review, padded):
        np.testing.assert_allclose(
            pooled.predict(reviews, verbose=0), expected, rtol=1e-5, atol=1e-7
        )


def test_embedding_dropout_drops_the_same_numbers_for_every_word_and_only_while_training():
    model = build_rnn_model(vocab_size=20, embedding_dim=64, lstm_units=2, embedding_dropout=0.5)
    vectors = keras.Model(model.input, model.get_layer("embedding").output)
    dropped = keras.Model(model.input, model.get_layer("embedding_dropout").output)
    review = np.array([[1, 5, 7, 9, 2]])
    kept = np.asarray(dropped(review, training=True))[0] != 0
    assert np.all(kept == kept[0]) and 0 < kept[0].sum() < 64
    np.testing.assert_array_equal(dropped(review, training=False), vectors(review))
    padded = np.array([[1, 5, 7, 9, 2, 0, 0]])
    np.testing.assert_allclose(
        model.predict(padded, verbose=0), model.predict(review, verbose=0), rtol=1e-5
    )


def test_word_dropout_reads_a_share_of_the_real_words_as_unknown_and_only_while_training():
    layer = models.WordDropout(0.3, seed=7)
    reviews = np.tile(np.array([[1, 5, 7, 9, 11, 13, 0, 0]], dtype="int32"), (2000, 1))
    read = np.asarray(layer(reviews, training=True))
    unknown = read != reviews
    assert np.all(read[unknown] == models.OOV_ID)
    assert not unknown[:, 6:].any(), "padding should stay padding"
    assert abs(unknown[:, :6].mean() - 0.3) < 0.01
    again = np.asarray(layer(reviews, training=True))
    assert not np.array_equal(read, again), "the words are drawn anew each time"
    np.testing.assert_array_equal(layer(reviews, training=False), reviews)


def test_a_model_with_word_dropout_saves_and_loads(tmp_path):
    model = build_rnn_model(vocab_size=20, embedding_dim=4, lstm_units=3, word_dropout=0.25)
    assert isinstance(model.get_layer(index=1), models.WordDropout)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.get_layer("word_dropout").rate == 0.25
    review = np.array([[1, 5, 7, 9, 2, 0]])
    np.testing.assert_allclose(loaded.predict(review, verbose=0), model.predict(review, verbose=0))


def test_a_decaying_learning_rate_falls_by_its_factor_every_given_number_of_updates():
    model = build_rnn_model(vocab_size=20, learning_rate=2e-3, learning_rate_decay=(0.5, 10))
    schedule = model.optimizer._learning_rate
    assert float(schedule(0)) == pytest.approx(2e-3)
    assert float(schedule(10)) == pytest.approx(1e-3)
    assert float(schedule(25)) == pytest.approx(2e-3 * 0.5**2.5)
    assert not isinstance(build_rnn_model(vocab_size=20).optimizer._learning_rate, type(schedule))


@pytest.mark.parametrize(
    "decay,named",
    [
        (0.6, "learning_rate_decay"),
        ((1.5, 10), r"learning_rate_decay\[0\]"),
        ((0.5, 0), r"learning_rate_decay\[1\]"),
    ],
)
def test_a_bad_learning_rate_decay_is_named(decay, named):
    with pytest.raises(ValueError, match=rf"`{named}`.*Received: {named}="):
        build_rnn_model(learning_rate_decay=decay)


def test_last_pooling_is_the_course_model():
    model = build_rnn_model(vocab_size=20, embedding_dim=2, lstm_units=3, dense_units=0)
    assert recurrent_layer(model).return_sequences is False
    assert all(not isinstance(layer, models.MaxOverTime) for layer in model.layers)


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
        (dict(num_layers=0), "num_layers"),
        (dict(recurrent_dropout=-0.1), "recurrent_dropout"),
        (dict(pooling="mean"), "pooling"),
        (dict(embedding_dropout=1.0), "embedding_dropout"),
        (dict(word_dropout=-0.2), "word_dropout"),
    ],
)
def test_bad_arguments_are_named(kwargs, name):
    with pytest.raises(ValueError, match=rf"`{name}`.*Received: {name}="):
        build_rnn_model(**kwargs)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_stacked_layers_pass_every_step_on_and_only_the_last_one_summarises(bidirectional):
    model = build_rnn_model(
        vocab_size=20,
        embedding_dim=2,
        lstm_units=3,
        dense_units=0,
        cell="gru",
        num_layers=3,
        bidirectional=bidirectional,
    )
    layers = [model.get_layer(index=i) for i in (2, 3, 4)]
    inner = [layer.forward_layer if bidirectional else layer for layer in layers]
    assert [layer.return_sequences for layer in inner] == [True, True, False]
    width = 6 if bidirectional else 3
    assert [layer.output.shape for layer in layers] == [
        (None, None, width),
        (None, None, width),
        (None, width),
    ]
    # A GRU layer reading `inputs` features has 3 * units * (inputs + units + 2) weights.
    reads = [2, width, width]
    expected = [(2 if bidirectional else 1) * 3 * 3 * (n + 3 + 2) for n in reads]
    assert [layer.count_params() for layer in layers] == expected


def test_one_layer_keeps_its_name_for_saved_models():
    model = build_rnn_model(vocab_size=20, embedding_dim=2, lstm_units=3, cell="gru")
    assert model.get_layer("gru").return_sequences is False


def test_dropout_and_recurrent_dropout_reach_every_recurrent_layer():
    model = build_rnn_model(
        vocab_size=20,
        embedding_dim=2,
        lstm_units=3,
        num_layers=2,
        dropout=0.1,
        recurrent_dropout=0.3,
    )
    for name in ("lstm_1", "lstm_2"):
        layer = model.get_layer(name)
        assert (layer.dropout, layer.recurrent_dropout) == (0.1, 0.3)


def test_the_mask_reaches_every_stacked_layer():
    model = build_rnn_model(vocab_size=20, embedding_dim=2, lstm_units=3, num_layers=2)
    review = np.array([[4, 7, 9]])
    padded = np.array([[4, 7, 9, 0, 0, 0]])
    np.testing.assert_allclose(
        model.predict(review, verbose=0), model.predict(padded, verbose=0), rtol=1e-5
    )


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
