"""Our NumPy simple RNN against keras.layers.SimpleRNN with the same weights (notebook 01)."""

import keras
import numpy as np
import pytest

from lesson_utils.scratch.cells import simple_rnn_forward, simple_rnn_param_count, simple_rnn_step


def _layer_with_random_weights(features, units, seed, **kwargs):
    """A built SimpleRNN whose weights (bias included) are all random, so none can be forgotten."""
    layer = keras.layers.SimpleRNN(units, **kwargs)
    layer.build((None, None, features))
    rng = np.random.default_rng(seed)
    layer.set_weights(
        [rng.normal(scale=0.5, size=w.shape).astype("float32") for w in layer.get_weights()]
    )
    return layer


@pytest.mark.parametrize("return_sequences", [True, False])
def test_forward_equals_keras_simple_rnn(return_sequences):
    features, units, timesteps = 3, 5, 7
    layer = _layer_with_random_weights(features, units, seed=1, return_sequences=return_sequences)
    inputs = np.random.default_rng(2).normal(size=(4, timesteps, features)).astype("float32")
    expected = np.asarray(layer(inputs))
    outputs, h_final = simple_rnn_forward(inputs, *layer.get_weights())
    assert outputs.shape == (4, timesteps, units)
    ours = outputs if return_sequences else h_final
    np.testing.assert_allclose(ours, expected, atol=1e-5)


def test_one_step_is_the_recurrence_and_the_loop_carries_it():
    rng = np.random.default_rng(3)
    inputs = rng.normal(size=(2, 4, 3))
    kernel, recurrent_kernel = rng.normal(size=(3, 5)), rng.normal(size=(5, 5))
    bias = rng.normal(size=5)
    outputs, _ = simple_rnn_forward(inputs, kernel, recurrent_kernel, bias)
    h = np.zeros((2, 5))
    for t in range(4):
        h = np.tanh(inputs[:, t] @ kernel + h @ recurrent_kernel + bias)
        np.testing.assert_allclose(outputs[:, t], h, atol=1e-12)
    np.testing.assert_allclose(
        simple_rnn_step(inputs[:, 0], np.zeros((2, 5)), kernel, recurrent_kernel, bias),
        outputs[:, 0],
    )


@pytest.mark.parametrize("features,units", [(1, 1), (2, 16), (8, 32), (300, 7)])
def test_param_count_equals_keras(features, units):
    layer = keras.layers.SimpleRNN(units)
    layer.build((None, None, features))
    assert simple_rnn_param_count(features, units) == layer.count_params()


@pytest.mark.parametrize("features,units", [(0, 4), (3, -1), (2.5, 4)])
def test_param_count_names_a_bad_argument(features, units):
    with pytest.raises(ValueError, match="features|units"):
        simple_rnn_param_count(features, units)
