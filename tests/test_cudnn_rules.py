"""When Keras hands an LSTM or GRU to cuDNN: the rules notebook 03 states in prose.

Notebook 03 explains cuDNN once and builds its layers with `use_cudnn=False`;
it does not read Keras' source. These tests check the rules it states against
Keras' behaviour on a CPU, by recording whether the layer tries cuDNN's kernel,
so that a Keras upgrade that changes one fails here. (Notebook 04's rules,
recurrent dropout and right-padded masks, are in `test_keras_rules.py`.)
"""

import sys

import keras
import numpy as np
import pytest

tf_rnn = sys.modules["keras.src.backend.tensorflow.rnn"]
X = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")


def _tries_cudnn(monkeypatch, kernel, layer):
    """Runs `layer` as on a GPU; True if it called cuDNN's kernel (`"lstm"` or `"gru"`)."""
    tried = []

    def cudnn_kernel(*args, **kwargs):  # Records the call, then falls back as on a CPU.
        tried.append(kwargs)
        raise NotImplementedError

    monkeypatch.setattr(tf_rnn, "_is_gpu_available", lambda: True)
    monkeypatch.setattr(tf_rnn, f"_cudnn_{kernel}", cudnn_kernel)
    layer(X)
    return bool(tried)


@pytest.mark.parametrize(
    "layer_class, kernel", [(keras.layers.LSTM, "lstm"), (keras.layers.GRU, "gru")]
)
def test_a_default_layer_tries_cudnn_and_use_cudnn_false_keeps_keras_loop(
    monkeypatch, layer_class, kernel
):
    assert _tries_cudnn(monkeypatch, kernel, layer_class(4))
    assert not _tries_cudnn(monkeypatch, kernel, layer_class(4, use_cudnn=False))


@pytest.mark.parametrize(
    "layer_class, kernel", [(keras.layers.LSTM, "lstm"), (keras.layers.GRU, "gru")]
)
def test_a_non_default_activation_rules_out_cudnn(monkeypatch, layer_class, kernel):
    assert not _tries_cudnn(monkeypatch, kernel, layer_class(4, activation="relu"))
    assert not _tries_cudnn(monkeypatch, kernel, layer_class(4, recurrent_activation="tanh"))


def test_only_the_gru_with_reset_after_true_is_cudnn_s(monkeypatch):
    assert _tries_cudnn(monkeypatch, "gru", keras.layers.GRU(4, reset_after=True))
    assert not _tries_cudnn(monkeypatch, "gru", keras.layers.GRU(4, reset_after=False))
