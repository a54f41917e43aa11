"""Our NumPy LSTM and GRU cells against Keras' layers, with the same weights."""

import keras
import numpy as np
import pytest

from lesson_utils.experiments.inspection import recurrent_layer_forward
from lesson_utils.scratch.cells import (
    GRU_GATE_NAMES,
    LSTM_GATE_NAMES,
    gru_forward,
    gru_gates,
    gru_param_count,
    gru_step,
    lstm_forward,
    lstm_gates,
    lstm_param_count,
    lstm_step,
    sigmoid,
)

BATCH, TIMESTEPS, FEATURES, UNITS = 3, 6, 5, 4
TOL = 1e-5


def _random_inputs(seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(BATCH, TIMESTEPS, FEATURES)).astype("float32")


def _randomise_weights(layer, seed=1):
    """Random weights everywhere, biases included (Keras starts them at 0 or 1)."""
    rng = np.random.default_rng(seed)
    layer.set_weights(
        [rng.normal(scale=0.6, size=w.shape).astype("float32") for w in layer.get_weights()]
    )


def _keras_layer(kind, **kwargs):
    cls = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[kind]
    layer = cls(UNITS, return_sequences=True, return_state=True, **kwargs)
    layer.build((None, None, FEATURES))
    _randomise_weights(layer)
    return layer


def _padding_mask():
    """Post-padding: sequence 0 full, sequence 1 padded from step 4, sequence 2 from step 2."""
    mask = np.ones((BATCH, TIMESTEPS), dtype=bool)
    mask[1, 4:] = False
    mask[2, 2:] = False
    return mask


@pytest.mark.parametrize("masked", [False, True])
def test_lstm_forward_equals_keras(masked):
    x = _random_inputs()
    mask = _padding_mask() if masked else None
    layer = _keras_layer("lstm")
    keras_out, keras_h, keras_c = (np.asarray(a) for a in layer(x, mask=mask))
    outputs, (h, c) = lstm_forward(x, *layer.get_weights(), mask=mask)
    np.testing.assert_allclose(outputs, keras_out, atol=TOL)
    np.testing.assert_allclose(h, keras_h, atol=TOL)
    np.testing.assert_allclose(c, keras_c, atol=TOL)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("masked", [False, True])
def test_gru_forward_equals_keras(reset_after, masked):
    x = _random_inputs()
    mask = _padding_mask() if masked else None
    layer = _keras_layer("gru", reset_after=reset_after)
    keras_out, keras_h = (np.asarray(a) for a in layer(x, mask=mask))
    outputs, h = gru_forward(x, *layer.get_weights(), mask=mask, reset_after=reset_after)
    np.testing.assert_allclose(outputs, keras_out, atol=TOL)
    np.testing.assert_allclose(h, keras_h, atol=TOL)


def test_gru_reset_after_settings_differ():
    """The two settings are different models: swapping them must change the result."""
    x = _random_inputs()
    layer = _keras_layer("gru", reset_after=True)
    kernel, recurrent_kernel, bias = layer.get_weights()
    right, _ = gru_forward(x, kernel, recurrent_kernel, bias, reset_after=True)
    wrong, _ = gru_forward(x, kernel, recurrent_kernel, bias[0] + bias[1], reset_after=False)
    assert np.abs(right - wrong).max() > 1e-3


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_embedding_mask_zero_matches_and_freezes_state(kind):
    rng = np.random.default_rng(2)
    token_ids = rng.integers(1, 20, size=(BATCH, TIMESTEPS))
    token_ids[1, 4:] = 0
    token_ids[2, 2:] = 0
    embedding = keras.layers.Embedding(20, FEATURES, mask_zero=True)
    layer = _keras_layer(kind)
    inputs = keras.Input((TIMESTEPS,), dtype="int32")
    model = keras.Model(inputs, layer(embedding(inputs)))
    keras_out = np.asarray(model(token_ids)[0])
    embedded = np.asarray(embedding(token_ids))
    outputs, _, gates = recurrent_layer_forward(layer, embedded, mask=token_ids != 0)
    np.testing.assert_allclose(outputs, keras_out, atol=TOL)
    # After the first padded step the output stops changing...
    np.testing.assert_array_equal(outputs[2, 2:], np.repeat(outputs[2, 1:2], TIMESTEPS - 2, axis=0))
    # ...and the gates there are NaN, so heatmaps leave padding blank.
    assert np.isnan(gates["candidate"][2, 2:]).all()
    assert not np.isnan(gates["candidate"][0]).any()


def _previous(states):
    """The state each step starts from: zeros, then the state after each earlier step."""
    return np.concatenate([np.zeros_like(states[:, :1]), states[:, :-1]], axis=1)


def _slices(z, count):
    return [z[..., k * UNITS : (k + 1) * UNITS] for k in range(count)]


def test_lstm_gates_are_keras_gates_and_consistent():
    x = _random_inputs()
    layer = _keras_layer("lstm")
    kernel, recurrent_kernel, bias = layer.get_weights()
    outputs, (h, c), gates = lstm_forward(x, *layer.get_weights(), return_gates=True)
    assert set(gates) == set(LSTM_GATE_NAMES) | {"cell", "hidden"}
    # Keras' layout: the kernels' columns hold the input, forget, candidate and output gates.
    i, f, g, o = _slices(x @ kernel + _previous(outputs) @ recurrent_kernel + bias, 4)
    expected = dict(input=sigmoid(i), forget=sigmoid(f), candidate=np.tanh(g), output=sigmoid(o))
    for name, values in expected.items():
        np.testing.assert_allclose(gates[name], values, atol=1e-5, err_msg=name)
    np.testing.assert_allclose(gates["hidden"], outputs)
    np.testing.assert_allclose(gates["cell"][:, -1], c)
    # c_t = f * c_{t-1} + i * g, step by step.
    c_prev = np.concatenate([np.zeros((BATCH, 1, UNITS)), gates["cell"][:, :-1]], axis=1)
    np.testing.assert_allclose(
        gates["cell"], gates["forget"] * c_prev + gates["input"] * gates["candidate"], atol=1e-6
    )


def test_gru_gates_are_keras_gates_and_mix_old_and_new():
    x = _random_inputs()
    layer = _keras_layer("gru")
    kernel, recurrent_kernel, (input_bias, recurrent_bias) = layer.get_weights()
    outputs, h, gates = gru_forward(x, *layer.get_weights(), return_gates=True)
    assert set(gates) == set(GRU_GATE_NAMES) | {"hidden"}
    h_prev = _previous(outputs)
    # Keras' layout (reset_after=True): update, reset and candidate columns, and two biases.
    x_z, x_r, x_h = _slices(x @ kernel + input_bias, 3)
    h_z, h_r, h_h = _slices(h_prev @ recurrent_kernel + recurrent_bias, 3)
    reset = sigmoid(x_r + h_r)
    expected = dict(update=sigmoid(x_z + h_z), reset=reset, candidate=np.tanh(x_h + reset * h_h))
    for name, values in expected.items():
        np.testing.assert_allclose(gates[name], values, atol=1e-5, err_msg=name)
    z = gates["update"]
    np.testing.assert_allclose(outputs, z * h_prev + (1 - z) * gates["candidate"], atol=1e-6)


def test_step_functions_return_the_states_of_the_gates_functions():
    rng = np.random.default_rng(3)
    x_t = rng.normal(size=(2, FEATURES))
    h = rng.normal(size=(2, UNITS))
    c = rng.normal(size=(2, UNITS))
    lstm = _keras_layer("lstm").get_weights()
    values = lstm_gates(x_t, h, c, *lstm)
    h_new, c_new = lstm_step(x_t, h, c, *lstm)
    np.testing.assert_array_equal(h_new, values["hidden"])
    np.testing.assert_array_equal(c_new, values["cell"])
    gru = _keras_layer("gru").get_weights()
    np.testing.assert_array_equal(gru_step(x_t, h, *gru), gru_gates(x_t, h, *gru)["hidden"])


def test_initial_state_is_used():
    x = _random_inputs()
    layer = _keras_layer("lstm")
    h0 = np.full((BATCH, UNITS), 0.5, dtype="float32")
    c0 = np.full((BATCH, UNITS), -0.5, dtype="float32")
    keras_out = np.asarray(layer(x, initial_state=[h0, c0])[0])
    outputs, _ = lstm_forward(x, *layer.get_weights(), initial_state=(h0, c0))
    np.testing.assert_allclose(outputs, keras_out, atol=TOL)


@pytest.mark.parametrize("features,units", [(1, 1), (5, 4), (32, 16)])
def test_param_counts_equal_keras(features, units):
    for layer, expected in [
        (keras.layers.LSTM(units), lstm_param_count(features, units)),
        (keras.layers.GRU(units), gru_param_count(features, units)),
        (keras.layers.GRU(units, reset_after=False), gru_param_count(features, units, False)),
    ]:
        layer.build((None, None, features))
        assert layer.count_params() == expected


def test_sigmoid_is_stable_and_correct():
    x = np.array([-1000.0, -3.0, 0.0, 2.0, 1000.0])
    with np.errstate(all="raise"):
        values = sigmoid(x)
    np.testing.assert_allclose(values, [0.0, 1 / (1 + np.exp(3)), 0.5, 1 / (1 + np.exp(-2)), 1.0])


def test_bias_shape_names_reset_after():
    x = _random_inputs()
    weights = _keras_layer("gru", reset_after=True).get_weights()
    with pytest.raises(ValueError, match=r"`bias`.*reset_after=False"):
        gru_forward(x, *weights, reset_after=False)


def test_bad_inputs_get_clear_errors():
    weights = _keras_layer("lstm").get_weights()
    with pytest.raises(ValueError, match=r"`inputs` must have shape \(batch, timesteps, feat"):
        lstm_forward(np.zeros((TIMESTEPS, FEATURES)), *weights)
    with pytest.raises(ValueError, match=r"`kernel` must have shape \(3, 16\)"):
        lstm_forward(np.zeros((BATCH, TIMESTEPS, 3)), *weights)
    with pytest.raises(ValueError, match="`mask` must have shape"):
        lstm_forward(_random_inputs(), *weights, mask=np.ones((BATCH, TIMESTEPS + 1)))
    with pytest.raises(ValueError, match="`reset_after`"):
        gru_forward(_random_inputs(), *_keras_layer("gru").get_weights(), reset_after="yes")
    with pytest.raises(ValueError, match="`units`"):
        lstm_param_count(4, 0)


def test_recurrent_layer_forward_rejects_what_it_cannot_mirror():
    with pytest.raises(ValueError, match="must be a keras.layers.LSTM or keras.layers.GRU"):
        recurrent_layer_forward(keras.layers.SimpleRNN(2), _random_inputs())
    with pytest.raises(ValueError, match="no weights yet"):
        recurrent_layer_forward(keras.layers.LSTM(2), _random_inputs())
    layer = keras.layers.GRU(2, activation="relu")
    layer.build((None, None, FEATURES))
    with pytest.raises(ValueError, match="activation='tanh'"):
        recurrent_layer_forward(layer, _random_inputs())
