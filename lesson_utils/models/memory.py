"""The memory task's model: one recurrent layer and a sigmoid unit (notebooks 01 to 03).

`build_memory_model` reads the sequences of `lesson_utils.data.memory_task` and
says which bit was marked. Notebook 01 trains it with a SimpleRNN, notebook 02
measures its gradients (with a recurrent kernel of a chosen spectral radius),
and notebooks 02 and 03 compare the three cells on it.
"""

from lesson_utils.arguments import check_positive_int, check_positive_number
from lesson_utils.models.recurrent import recurrent_layer_class
from lesson_utils.quiet_tensorflow import import_tensorflow_quietly

import_tensorflow_quietly()
import keras  # noqa: E402


def build_memory_model(
    cell="simple_rnn", *, units=16, learning_rate=0.01, recurrent_gain=1.0, optimizer=None
):
    """A recurrent layer and a sigmoid unit: reads a sequence, outputs P(marked bit is +1).

    Args:
        cell: `"simple_rnn"`, `"lstm"` or `"gru"`.
        units: size of the hidden state.
        learning_rate: the learning rate of Adam, which clips the gradient to a
            global norm of 1 (ignored when `optimizer` is given).
        recurrent_gain: the recurrent kernel starts as a random orthogonal
            matrix times this number (Keras' default is 1). For a SimpleRNN
            it is then the matrix's spectral radius, the knob of notebook 02.
        optimizer: a Keras optimizer to compile with instead of Adam.

    Returns:
        A compiled `keras.Model` taking `(batch, timesteps, 2)` for any
        number of timesteps.
    """
    layer_class = recurrent_layer_class(cell)
    units = check_positive_int("units", units)
    recurrent_gain = check_positive_number("recurrent_gain", recurrent_gain)
    recurrent = layer_class(
        units, recurrent_initializer=keras.initializers.Orthogonal(gain=recurrent_gain), name=cell
    )
    # The input takes the dtype the layers compute in: a float32 input under a
    # float64 policy would round every gradient reaching it to float32 (notebook 02).
    inputs = keras.Input(shape=(None, 2), dtype=keras.config.dtype_policy().compute_dtype)
    model = keras.Sequential(
        [
            inputs,
            recurrent,
            keras.layers.Dense(1, activation="sigmoid", name="readout"),
        ],
        name=f"memory_{cell}",
    )
    # Clipping keeps long-lag training from being thrown off by one huge gradient
    # (notebook 02); no XLA, which is slower for these small models on a CPU.
    optimizer = optimizer or keras.optimizers.Adam(learning_rate, global_clipnorm=1.0)
    model.compile(
        optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"], jit_compile=False
    )
    return model
