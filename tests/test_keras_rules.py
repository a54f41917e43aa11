"""Rules of Keras that notebooks 03 and 04 state in prose, checked against Keras' behaviour.

The notebooks do not read Keras' source: they state each rule (03: when Keras
hands an LSTM or GRU to cuDNN; 04: how `load_data` numbers words, and which
masks and dropouts cuDNN takes), and these tests fail when a Keras upgrade
changes one, so that the prose gets fixed before a learner reads it. Whether a
layer tries cuDNN is recorded on a CPU by running it as on a GPU with cuDNN's
kernel replaced by a stand-in that records the call and falls back.
"""

import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from lesson_utils.data.text import INDEX_FROM

imdb_module = sys.modules["keras.src.datasets.imdb"]
tf_rnn = sys.modules["keras.src.backend.tensorflow.rnn"]

X = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")


def _tries_cudnn(monkeypatch, kernel, layer, **call):
    """Runs `layer` as on a GPU; True if it called cuDNN's kernel (`"lstm"` or `"gru"`)."""
    tried = []

    def cudnn_kernel(*args, **kwargs):  # Records the call, then falls back as on a CPU.
        tried.append(kwargs)
        raise NotImplementedError

    monkeypatch.setattr(tf_rnn, "_is_gpu_available", lambda: True)
    monkeypatch.setattr(tf_rnn, f"_cudnn_{kernel}", cudnn_kernel)
    layer(X, **call)
    return bool(tried)


CELLS = [(keras.layers.LSTM, "lstm"), (keras.layers.GRU, "gru")]


@pytest.fixture
def tiny_keras_imdb(tmp_path, monkeypatch):
    """`keras.datasets.imdb.load_data` reading a tiny archive in its own format (word ranks)."""
    path = tmp_path / "imdb.npz"
    np.savez(
        path,
        x_train=np.array([[1, 2, 3], [4, 5, 6, 7, 8, 9, 10], [1, 8]], dtype=object),
        y_train=np.array([1, 0, 1]),
        x_test=np.array([[2, 2], [9, 10, 11, 12, 1, 1, 1, 1]], dtype=object),
        y_test=np.array([0, 1]),
    )
    monkeypatch.setattr(imdb_module, "get_file", lambda *args, **kwargs: str(path))
    return path


def test_load_data_gives_rank_plus_3_keeps_num_words_minus_4_words_and_never_id_3(
    tiny_keras_imdb,
):
    num_words = 10
    (x_train, _), (x_test, _) = keras.datasets.imdb.load_data(num_words=num_words)
    ids = {i for review in [*x_train, *x_test] for i in review}
    assert INDEX_FROM == 3, "the course decodes with Keras' default index_from=3"
    # 0 pads, 1 starts a review, 2 is [OOV], 3 is never used: word ids run from 4 to num_words - 1.
    assert 3 not in ids and 0 not in ids
    assert {i for i in ids if i > 2} == set(range(1 + INDEX_FROM, num_words))
    assert len(range(1 + INDEX_FROM, num_words)) == num_words - 4
    assert all(review[0] == 1 for review in [*x_train, *x_test])


def test_load_data_maxlen_drops_long_reviews_instead_of_cutting_them(tiny_keras_imdb):
    (x_train, y_train), _ = keras.datasets.imdb.load_data(maxlen=5)
    # With the start id, the reviews are 4, 8 and 3 ids long: only those shorter than 5 stay.
    assert sorted(len(review) for review in x_train) == [3, 4]
    assert len(y_train) == 2


@pytest.mark.parametrize("layer_class, kernel", CELLS)
def test_a_default_layer_tries_cudnn_and_use_cudnn_false_keeps_keras_loop(
    monkeypatch, layer_class, kernel
):
    assert _tries_cudnn(monkeypatch, kernel, layer_class(4))
    assert not _tries_cudnn(monkeypatch, kernel, layer_class(4, use_cudnn=False))


@pytest.mark.parametrize("layer_class, kernel", CELLS)
def test_a_non_default_activation_rules_out_cudnn(monkeypatch, layer_class, kernel):
    assert not _tries_cudnn(monkeypatch, kernel, layer_class(4, activation="relu"))
    assert not _tries_cudnn(monkeypatch, kernel, layer_class(4, recurrent_activation="tanh"))


def test_only_the_gru_with_reset_after_true_is_cudnn_s(monkeypatch):
    assert _tries_cudnn(monkeypatch, "gru", keras.layers.GRU(4, reset_after=True))
    assert not _tries_cudnn(monkeypatch, "gru", keras.layers.GRU(4, reset_after=False))


@pytest.mark.parametrize("layer_class, kernel", CELLS)
def test_recurrent_dropout_rules_out_the_cudnn_kernel(monkeypatch, layer_class, kernel):
    assert _tries_cudnn(monkeypatch, kernel, layer_class(4, dropout=0.2), training=True), (
        "with recurrent_dropout=0 Keras tries cuDNN's kernel"
    )
    for training in (True, False):
        layer = layer_class(4, recurrent_dropout=0.2)
        assert not _tries_cudnn(monkeypatch, kernel, layer, training=training), (
            "with recurrent_dropout > 0 Keras does not try cuDNN's kernel"
        )


def test_cudnn_accepts_only_right_padded_masks():
    post = tf.constant([[True, True, True, False, False]])
    pre = tf.constant([[False, False, True, True, True]])
    assert bool(tf_rnn._is_sequence_right_padded(post))
    assert not bool(tf_rnn._is_sequence_right_padded(pre))
