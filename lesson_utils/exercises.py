"""Self-checks for the notebooks' exercises.

Each check runs the learner's function on fresh random data, compares it with
the course's tested reference, prints in plain words what is right or wrong
(recognising the usual mistakes), and returns `True` or `False`. A check never
raises: a stub that still returns `None` is reported as "Not yet: ... returned None".
"""

import numpy as np

from lesson_utils.data.imdb import get_word_index
from lesson_utils.data.text import text_to_words
from lesson_utils.data.word_order import (
    WORD_ORDER_PAIRS,
    is_word_order_pair,
    words_outside_vocabulary,
)
from lesson_utils.experiments.evaluation import confusion_matrix
from lesson_utils.experiments.inspection import pca_2d
from lesson_utils.experiments.word_order import word_order_scores
from lesson_utils.models.recurrent import model_vocab_size
from lesson_utils.models.store import load_model
from lesson_utils.scratch.bptt import bptt_step as reference_bptt_step
from lesson_utils.scratch.bptt import clip_by_global_norm
from lesson_utils.scratch.bptt import simple_rnn_weight_gradients as reference_weight_gradients
from lesson_utils.scratch.cells import (
    gru_param_count,
    sigmoid,
    simple_rnn_param_count,
    simple_rnn_step,
)
from lesson_utils.scratch.cells import gru_step as reference_gru_step
from lesson_utils.settings import lesson_sizes
from lesson_utils.training.pipeline import lesson_model


def _report(ok, message):
    """Prints the verdict and returns it."""
    print(("Correct: " if ok else "Not yet: ") + message)
    return ok


def _call_safely(function, *args):
    """Calls the learner's function; returns `(result, None)` or `(None, error message)`."""
    try:
        return function(*args), None
    except Exception as error:  # the learner's code may fail in any way: report it, don't raise
        return None, f"your function raised {type(error).__name__}: {error}"


def _call_for_a_number(function, name, args, meaning):
    """Calls the learner's function for an answer that is one number.

    Args:
        function, name: the learner's function and its name, for the messages.
        args: the arguments to call it with.
        meaning: what the number is, e.g. "the factor per step".

    Returns:
        `(number, None)`, or `(None, message)` saying what went wrong.
    """
    result, error = _call_safely(function, *args)
    if error:
        return None, error
    if result is None:
        return None, f"{name} returned None: `return` one number, {meaning}."
    try:
        return float(np.squeeze(result)), None
    except (TypeError, ValueError):
        return None, f"{name} should return one number, got {type(result).__name__}."


def _compare_arrays(result, reference, known_mistakes, what):
    """Compares an array answer with the reference and with known wrong answers.

    Args:
        result: the learner's answer.
        reference: the right answer.
        known_mistakes: a list of `(wrong_answer, explanation)`.
        what: what is being checked, for the messages.

    Returns:
        `True` when `result` equals `reference` to 1e-6, else `False`; prints why.
    """
    if result is None:
        return _report(False, f"{what} returned None: finish the function and `return` the array.")
    try:
        result = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        return _report(False, f"{what} should return a NumPy array, got {type(result).__name__}.")
    if result.shape != reference.shape:
        return _report(
            False,
            f"{what} returned shape {result.shape}, expected {reference.shape} (batch, units).",
        )
    if np.allclose(result, reference, atol=1e-6):
        return _report(True, f"{what} matches the reference.")
    for wrong, explanation in known_mistakes:
        if np.allclose(result, wrong, atol=1e-6):
            return _report(False, explanation)
    gap = float(np.abs(result - reference).max())
    return _report(
        False,
        f"{what} differs from the reference by up to {gap:.3g}. "
        "Compare your code with the equations above, term by term.",
    )


# ---------------------------------------------------------------------------
# Notebook 03: the LSTM and GRU gates.
# ---------------------------------------------------------------------------


def _gate_test_data(seed, features=3, units=4, batch=5, blocks=4, bias_shape=None):
    """Random inputs, states and Keras-layout weights for a gate exercise."""
    rng = np.random.default_rng(seed)
    x_t = rng.normal(size=(batch, features))
    h_prev = rng.normal(scale=0.8, size=(batch, units))
    kernel = rng.normal(size=(features, blocks * units))
    recurrent_kernel = rng.normal(size=(units, blocks * units))
    bias = rng.normal(size=bias_shape or (blocks * units,))
    return x_t, h_prev, kernel, recurrent_kernel, bias


def check_forget_gate(forget_gate):
    """Checks a learner's LSTM forget gate against Keras' layout.

    Args:
        forget_gate: a function `forget_gate(x_t, h_prev, kernel,
            recurrent_kernel, bias)` returning `f_t`, shape `(batch, units)`,
            for weights in Keras' layout (gate order input, forget, candidate,
            output).

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    x_t, h_prev, kernel, recurrent_kernel, bias = _gate_test_data(seed=3)
    units = h_prev.shape[1]
    result, error = _call_safely(forget_gate, x_t, h_prev, kernel, recurrent_kernel, bias)
    if error:
        return _report(False, error)
    blocks = np.split(x_t @ kernel + h_prev @ recurrent_kernel + bias, 4, axis=-1)
    forget = slice(units, 2 * units)
    mistakes = [
        (
            sigmoid(blocks[0]),
            "these are the input gate's values: Keras orders the blocks "
            "input, forget, candidate, output, so the forget gate is the "
            "second block of `units` columns.",
        ),
        (
            sigmoid(blocks[2]),
            "you took the third block (the candidate's columns); the forget "
            "gate is the second block: columns units to 2*units.",
        ),
        (
            sigmoid(blocks[3]),
            "these are the output gate's values; the forget gate is the "
            "second block: columns units to 2*units.",
        ),
        (
            np.tanh(blocks[1]),
            "right columns, wrong squashing: a gate uses the sigmoid (values "
            "in 0..1, a fraction to keep), not tanh.",
        ),
        (
            sigmoid(x_t @ kernel[:, forget] + bias[forget]),
            "the previous hidden state is missing: add h_prev @ recurrent_kernel (its forget "
            "columns).",
        ),
        (
            sigmoid(x_t @ kernel[:, forget] + h_prev @ recurrent_kernel[:, forget]),
            "the bias is missing: add bias[units:2*units].",
        ),
    ]
    return _compare_arrays(result, sigmoid(blocks[1]), mistakes, _name(forget_gate))


def check_gru_step(gru_step):
    """Checks a learner's GRU step (Keras' `reset_after=True`, the default).

    Args:
        gru_step: a function `gru_step(x_t, h_prev, kernel, recurrent_kernel,
            bias)` returning `h_t`, shape `(batch, units)`, for weights in
            Keras' layout (gate order update, reset, candidate; `bias` with
            two rows: input side, recurrent side).

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    x_t, h_prev, kernel, recurrent_kernel, bias = _gate_test_data(
        seed=4, blocks=3, bias_shape=(2, 12)
    )
    result, error = _call_safely(gru_step, x_t, h_prev, kernel, recurrent_kernel, bias)
    if error:
        return _report(False, error)
    units = h_prev.shape[1]
    x_z, x_r, x_h = np.split(x_t @ kernel + bias[0], 3, axis=-1)
    h_z, h_r, h_h = np.split(h_prev @ recurrent_kernel + bias[1], 3, axis=-1)

    def mix(z, candidate):
        return z * h_prev + (1 - z) * candidate

    z, r = sigmoid(x_z + h_z), sigmoid(x_r + h_r)
    reset_before = np.tanh(
        x_h + (r * h_prev) @ recurrent_kernel[:, 2 * units :] + bias[1, 2 * units :]
    )
    mistakes = [
        (
            (1 - z) * h_prev + z * np.tanh(x_h + r * h_h),
            "you used the other convention, h = (1 - z) * h_prev + z * candidate. Keras (and "
            "Cho et al., 2014) write h = z * h_prev + (1 - z) * candidate: z near 1 keeps the "
            "old state.",
        ),
        (
            mix(z, reset_before),
            "the reset gate is applied before the recurrent matrix product; with "
            "reset_after=True it multiplies (h_prev @ W_h + b_h) after the product.",
        ),
        (
            mix(r, np.tanh(x_h + z * h_h)),
            "the update and reset gates are swapped: Keras' order is update (z), reset (r), "
            "candidate.",
        ),
        (
            mix(np.tanh(x_z + h_z), sigmoid(x_h + np.tanh(x_r + h_r) * h_h)),
            "sigmoid and tanh are swapped: the gates use the sigmoid, the candidate uses tanh.",
        ),
        (
            mix(z, np.tanh(x_h + h_h)),
            "the reset gate is missing from the candidate: multiply the recurrent part by r.",
        ),
    ]
    reference = reference_gru_step(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after=True)
    return _compare_arrays(result, reference, mistakes, _name(gru_step))


def _name(function):
    """The learner's function's name, for the messages (`your function` if it has none)."""
    return getattr(function, "__name__", "your function")


def _check_count(count, cases, reference, mistakes):
    """Compares a parameter-count function on several sizes, naming known mistakes."""
    what = _name(count)
    results = []
    for args in cases:
        result, error = _call_safely(count, *args)
        if error:
            return _report(False, error)
        results.append(result)
    if any(result is None for result in results):
        return _report(False, f"{what} returned None: finish it and `return` the count.")
    if all(result == reference(*args) for result, args in zip(results, cases)):
        return _report(True, f"{what} equals Keras' count_params() on every size tried.")
    for wrong, explanation in mistakes:
        if all(result == wrong(*args) for result, args in zip(results, cases)):
            return _report(False, explanation)
    args, result = next(
        (args, result) for result, args in zip(results, cases) if result != reference(*args)
    )
    return _report(
        False,
        f"{what}{args} returned {result!r}, expected {reference(*args)}. "
        "Count the blocks, then each block's kernel, recurrent kernel and bias.",
    )


def check_gru_param_count(count):
    """Checks a learner's `count(features, units, reset_after)` for `keras.layers.GRU`.

    Args:
        count: the learner's function.

    Returns:
        `True` if it is right for both `reset_after` settings, else `False`.
    """
    mistakes = [
        (
            lambda f, u, ra: 3 * u * (f + u + 1),
            "with reset_after=True Keras keeps a second bias row (for the recurrent side): "
            "one more bias per unit and block.",
        ),
        (
            lambda f, u, ra: 3 * u * (f + u + (1 if ra else 2)),
            "the extra bias row belongs to reset_after=True, not reset_after=False.",
        ),
        (
            lambda f, u, ra: 3 * u * (f + u + 2),
            "with reset_after=False there is only one bias row.",
        ),
        (
            lambda f, u, ra: 4 * u * (f + u + (2 if ra else 1)),
            "a GRU has three blocks (update gate, reset gate, candidate), not four.",
        ),
    ]
    cases = [(3, 4, True), (3, 4, False), (10, 7, True), (10, 7, False)]
    return _check_count(count, cases, gru_param_count, mistakes)


# ---------------------------------------------------------------------------
# Notebooks 04 and 05: IMDB sentiment, and inside the trained model.
# ---------------------------------------------------------------------------


def check_padding_share(padding_share):
    """Checks a learner's `padding_share(lengths, max_length)`.

    Args:
        padding_share: a function returning the fraction (0 to 1) of the
            padded array `(reviews, max_length)` that is padding zeros, for
            reviews of the given lengths (a review longer than `max_length`
            is cut and gets no padding).

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    lengths = np.array([10, 256, 300, 256, 12, 900, 257, 40])
    result, error = _call_safely(padding_share, lengths, 256)
    if error:
        return _report(False, error)
    if result is None:
        return _report(
            False,
            f"{_name(padding_share)} returned None: finish the function and `return` the fraction.",
        )
    zeros = np.maximum(256 - lengths, 0)
    expected = zeros.sum() / (len(lengths) * 256)
    mistakes = [
        (
            np.mean(256 - lengths) / 256,
            "a review longer than max_length is cut, not given "
            "negative padding: count max(max_length - length, 0).",
        ),
        (100 * expected, "that is a percentage: return a fraction between 0 and 1."),
        (
            float(zeros.sum()),
            "that is the number of padding zeros: divide by the size of the "
            "array, reviews x max_length.",
        ),
        (
            float(np.mean(lengths < 256)),
            "that is the share of reviews that get some padding; "
            "the question asks for the share of the array's cells.",
        ),
        (1 - expected, "that is the share of real word ids; the question asks for the zeros."),
    ]
    try:
        result = float(result)
    except (TypeError, ValueError):
        return _report(
            False, f"{_name(padding_share)} should return a number, got {type(result).__name__}."
        )
    if np.isclose(result, expected):
        return _report(True, f"{expected:.3f} of the padded array of these reviews is zeros.")
    for wrong, explanation in mistakes:
        if np.isclose(result, wrong):
            return _report(False, explanation)
    return _report(
        False,
        f"got {result!r} for lengths {lengths.tolist()} and max_length 256, "
        f"expected {expected:.4f}.",
    )


def check_confusion_matrix(confusion):
    """Checks a learner's `confusion(y_true, probabilities)`.

    Args:
        confusion: a function returning the 2x2 counts `[[TN, FP], [FN, TP]]`
            (rows: true label negative, positive; columns: predicted),
            predicting positive when the probability is above 0.5.

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    rng = np.random.default_rng(5)
    y_true = rng.integers(0, 2, size=40)
    probabilities = rng.uniform(size=40)
    probabilities[:3] = 0.5  # exactly on the threshold: predicted negative, as Keras does
    y_true[:3] = [0, 1, 0]
    result, error = _call_safely(confusion, y_true, probabilities)
    if error:
        return _report(False, error)
    expected = confusion_matrix(y_true, probabilities)
    mistakes = [
        (
            expected.T,
            "rows and columns are swapped: rows are the true labels, columns the predictions.",
        ),
        (expected[::-1, ::-1], "the order is reversed: row and column 0 are *negative* (label 0)."),
        (
            confusion_matrix(y_true, probabilities + 1e-12),
            "a probability of exactly 0.5 counts as negative: predict positive only when "
            "p > 0.5, as Keras' accuracy does.",
        ),
    ]
    return _compare_arrays(
        result,
        expected.astype(float),
        [(w.astype(float), e) for w, e in mistakes],
        _name(confusion),
    )


def check_pca_2d(project_2d):
    """Checks a learner's `project_2d(states)`: the PCA projection onto 2 components.

    Args:
        project_2d: a function from `(n, features)` to the `(n, 2)`
            coordinates along the two directions of largest variance. Each
            component's sign is arbitrary, so either is accepted.

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    rng = np.random.default_rng(6)
    states = rng.normal(size=(50, 5)) * np.array([3.0, 0.3, 1.5, 0.2, 0.1]) + 4.0
    result, error = _call_safely(project_2d, states)
    if error:
        return _report(False, error)
    if result is None:
        return _report(
            False,
            "project_2d returned None: finish the function and `return` "
            "the (n, 2) array of coordinates.",
        )
    result = np.asarray(result, dtype=float)
    expected = pca_2d(states)["projected"]
    if result.shape != expected.shape:
        return _report(
            False,
            f"returned shape {result.shape}, expected {expected.shape}: "
            "one row per state, one column per component.",
        )
    signs = np.sign(np.sum(result * expected, axis=0))
    signs[signs == 0] = 1
    if np.allclose(result * signs, expected, atol=1e-6):
        return _report(
            True,
            "your projection matches PCA (up to the sign of each component, which is arbitrary).",
        )
    _, _, vt = np.linalg.svd(states, full_matrices=False)
    uncentred = states @ vt[:2].T
    if np.allclose(np.abs(result), np.abs(uncentred), atol=1e-6):
        return _report(
            False,
            "subtract the mean of the states first: PCA finds directions of "
            "variance around the mean.",
        )
    _, _, vt_centred = np.linalg.svd(states - states.mean(axis=0), full_matrices=False)
    if np.allclose(
        np.abs(result), np.abs((states - states.mean(axis=0)) @ vt_centred[-2:].T), atol=1e-6
    ):
        return _report(
            False,
            "those are the two directions of *least* variance: NumPy's SVD "
            "sorts singular values from largest to smallest, so take the "
            "first two rows of vt.",
        )
    return _report(
        False,
        "the coordinates differ from PCA's. Centre the states, take the SVD "
        "of the centred matrix, and project onto the first two rows of vt.",
    )


def check_head_probability(head_probability):
    """Checks a learner's classifier head, `head_probability(states, kernel_1, bias_1, ...)`.

    Args:
        head_probability: a function returning P(positive) for each hidden
            state, shape `(n,)`: `sigmoid(relu(states @ kernel_1 + bias_1)
            @ kernel_2 + bias_2)`, weights in Keras' layout (`kernel_1`
            `(units, dense_units)`, `kernel_2` `(dense_units, 1)`).

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    rng = np.random.default_rng(14)
    states = rng.uniform(-1, 1, size=(6, 5))
    kernel_1, bias_1 = rng.normal(size=(5, 4)), rng.normal(size=4)
    kernel_2, bias_2 = rng.normal(size=(4, 1)), rng.normal(size=1)
    result, error = _call_safely(head_probability, states, kernel_1, bias_1, kernel_2, bias_2)
    if error:
        return _report(
            False,
            error + ". Shapes: states (n, units) @ kernel_1 (units, "
            "dense_units), then @ kernel_2 (dense_units, 1).",
        )
    if result is None:
        return _report(
            False,
            "head_probability returned None: finish the function and "
            "`return` one probability per state, shape (n,).",
        )
    if np.shape(result) != (len(states),):
        return _report(
            False,
            f"returned shape {np.shape(result)} for {len(states)} states: "
            "return shape (n,), one probability per state (from an (n, 1) "
            "array, take column 0).",
        )
    hidden = states @ kernel_1 + bias_1
    logit = (np.maximum(hidden, 0) @ kernel_2 + bias_2)[:, 0]
    mistakes = [
        (
            sigmoid((hidden @ kernel_2 + bias_2)[:, 0]),
            "the ReLU of the first layer is missing: apply np.maximum(..., 0) to "
            "states @ kernel_1 + bias_1.",
        ),
        (
            logit,
            "that is the logit: pass it through the sigmoid, 1 / (1 + exp(-logit)), to get "
            "a probability.",
        ),
        (
            sigmoid((sigmoid(hidden) @ kernel_2 + bias_2)[:, 0]),
            "the first layer uses ReLU, not the sigmoid: the sigmoid comes only at the end.",
        ),
        (
            sigmoid((np.tanh(hidden) @ kernel_2 + bias_2)[:, 0]),
            "the first layer uses ReLU, not tanh.",
        ),
        (
            sigmoid((np.maximum(states @ kernel_1, 0) @ kernel_2 + bias_2)[:, 0]),
            "bias_1 is missing: add it before the ReLU.",
        ),
        (
            sigmoid((np.maximum(hidden, 0) @ kernel_2)[:, 0]),
            "bias_2 is missing: add it before the sigmoid.",
        ),
        (1 - sigmoid(logit), "that is P(negative): the sigmoid of the logit is P(positive)."),
    ]
    return _compare_arrays(result, sigmoid(logit), mistakes, "your head")


# ---------------------------------------------------------------------------
# Notebooks 01 and 02: the simple RNN's loop, and its gradients.
# ---------------------------------------------------------------------------


def _rnn_test_data(seed, features=3, units=4, batch=5):
    """Random inputs, state and weights for a simple-RNN exercise (features != units)."""
    rng = np.random.default_rng(seed)
    x_t = rng.normal(size=(batch, features))
    h_prev = rng.uniform(-0.9, 0.9, size=(batch, units))
    kernel = rng.normal(size=(features, units))
    recurrent_kernel = rng.normal(size=(units, units))
    bias = rng.normal(size=(units,))
    return x_t, h_prev, kernel, recurrent_kernel, bias


def check_stacked_rnn_step(step):
    """Checks a learner's simple-RNN step written with one stacked weight matrix.

    Since `x_t W_x + h_prev W_h` equals `[x_t, h_prev]` (the two side by side)
    times `W_x` stacked on top of `W_h`, one step is one dense layer on the
    concatenation: `h_t = tanh([x_t, h_prev] W + b)`.

    Args:
        step: a function `step(x_t, h_prev, weights, bias)` returning `h_t`,
            shape `(batch, units)`, where `weights` is `W_x` (`features` rows)
            stacked on top of `W_h` (`units` rows), shape
            `(features + units, units)`.

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    x_t, h_prev, kernel, recurrent_kernel, bias = _rnn_test_data(seed=11)
    weights = np.concatenate([kernel, recurrent_kernel])
    result, error = _call_safely(step, x_t, h_prev, weights, bias)
    if error:
        return _report(
            False,
            error + ". Shapes: [x_t, h_prev] is (batch, features + units), "
            "side by side along axis 1; weights is "
            "(features + units, units).",
        )
    total = np.concatenate([x_t, h_prev], axis=1) @ weights + bias
    mistakes = [
        (total, "no activation: wrap the sum in np.tanh."),
        (
            1 / (1 + np.exp(-total)),
            "wrong activation: a SimpleRNN uses tanh (values in -1..1), not the sigmoid.",
        ),
        (np.tanh(total - bias), "the bias is missing: add `bias` inside the tanh."),
        (
            np.tanh(np.concatenate([h_prev, x_t], axis=1) @ weights + bias),
            "x_t and h_prev are side by side in the wrong order: the first `features` rows of "
            "`weights` are W_x, so x_t comes first.",
        ),
        (
            np.tanh(x_t @ kernel + bias),
            "the previous state is missing: without h_prev there is no memory.",
        ),
    ]
    return _compare_arrays(
        result, simple_rnn_step(x_t, h_prev, kernel, recurrent_kernel, bias), mistakes, _name(step)
    )


def check_simple_rnn_param_count(count):
    """Checks a learner's `count(features, units)` for `keras.layers.SimpleRNN(units)`.

    Args:
        count: the learner's function.

    Returns:
        `True` if it is right on several sizes, else `False` (and prints why).
    """
    mistakes = [
        (lambda f, u: u * (f + u), "the bias is missing: one bias per unit."),
        (lambda f, u: u * (f + 1), "the recurrent kernel W_h (units x units) is missing."),
        (lambda f, u: f * u + u * u + f, "the bias has one entry per unit, not per feature."),
        (
            lambda f, u: f * u + u + 1,
            "W_h maps the state to the state: units x units entries, not just one.",
        ),
        (
            lambda f, u: 4 * u * (f + u + 1),
            "that is an LSTM's count (four blocks); a SimpleRNN has one W_x, one W_h and one bias.",
        ),
    ]
    return _check_count(count, [(3, 4), (10, 7), (1, 1), (2, 16)], simple_rnn_param_count, mistakes)


def check_bptt_step(bptt_step):
    """Checks a learner's one step of backpropagation through time in a tanh RNN.

    Args:
        bptt_step: a function `bptt_step(grad_h, h, recurrent_kernel)` that
            returns `dL/dh_{t-1}` from `grad_h = dL/dh_t` and the state
            `h = h_t = tanh(x_t W_x + h_{t-1} W_h + b)`, or `None`.

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    if bptt_step is None:
        return _report(False, "nothing to check yet: define your backward step and pass it in.")
    rng = np.random.default_rng(12)
    grad_h = rng.normal(size=(5, 4))
    h = rng.uniform(-0.95, 0.95, size=(5, 4))
    recurrent_kernel = rng.normal(size=(4, 4))
    result, error = _call_safely(bptt_step, grad_h, h, recurrent_kernel)
    if error:
        return _report(False, error)
    slope = 1 - h**2
    mistakes = [
        (
            (grad_h * slope) @ recurrent_kernel,
            "W_h is not transposed: forward, h_t uses h_{t-1} @ W_h, so backward the gradient "
            "goes through W_h.T.",
        ),
        (
            grad_h @ recurrent_kernel.T,
            "tanh's slope is missing: multiply grad_h by (1 - h**2) element-wise first.",
        ),
        (
            (grad_h * (1 - h)) @ recurrent_kernel.T,
            "tanh's slope is 1 - h**2 (h squared), not 1 - h.",
        ),
        (
            (grad_h * (1 - np.tanh(h) ** 2)) @ recurrent_kernel.T,
            "h is already tanh(a): its slope is 1 - h**2, don't apply tanh to h again.",
        ),
        (
            grad_h * slope,
            "the step back through W_h is missing: multiply by W_h.T after the slope.",
        ),
    ]
    return _compare_arrays(
        result,
        reference_bptt_step(grad_h, h, recurrent_kernel),
        mistakes,
        getattr(bptt_step, "__name__", "your backward step"),
    )


def check_clip_by_global_norm(clip):
    """Checks a learner's gradient clipping by global norm (Keras' `global_clipnorm`).

    Args:
        clip: a function `clip(gradients, clip_norm)` taking a list of NumPy
            arrays and returning the list of clipped arrays, or `None`.

    Returns:
        `True` if it is right both above and below the threshold, else `False`.
    """
    if clip is None:
        return _report(False, "nothing to check yet: define your clipping function and pass it in.")
    rng = np.random.default_rng(13)
    shapes = [(3, 4), (4,), (4, 1)]
    large = [rng.normal(size=s) * 3 for s in shapes]
    small = [g / 100 for g in large]

    def per_array(grads, c):
        return [g * min(1.0, c / np.linalg.norm(g)) for g in grads]

    def always(grads, c):
        total = np.sqrt(sum(np.sum(g**2) for g in grads))
        return [g * c / total for g in grads]

    mistakes = [
        (
            per_array,
            "each array was clipped on its own norm; `global_clipnorm` uses one norm "
            "for all arrays together (the square root of the sum of all squares), "
            "so the direction of the whole step is kept.",
        ),
        (
            lambda grads, c: [np.clip(g, -c, c) for g in grads],
            "that clips each entry to [-clip_norm, clip_norm] (Keras' `clipvalue`), which changes "
            "the step's direction; scale every array by clip_norm / global norm instead.",
        ),
        (
            always,
            "small gradients must stay unchanged: scale only when the global norm is "
            "above clip_norm (scale = min(1, clip_norm / global norm)).",
        ),
    ]
    for grads, case in ((large, "above"), (small, "below")):
        result, error = _call_safely(clip, [g.copy() for g in grads], 1.0)
        if error:
            return _report(False, error)
        if result is None:
            return _report(
                False,
                f"{getattr(clip, '__name__', 'your function')} returned None: "
                "`return` the list of clipped arrays.",
            )
        if not isinstance(result, (list, tuple)) or len(result) != len(grads):
            return _report(
                False,
                f"return a list of {len(grads)} arrays, one per gradient; "
                f"got {type(result).__name__}.",
            )
        result = [np.asarray(r, dtype=float) for r in result]
        if any(r.shape != g.shape for r, g in zip(result, grads)):
            return _report(False, "each clipped array must keep the shape of its gradient.")
        expected = clip_by_global_norm(grads, 1.0)
        if all(np.allclose(r, e, atol=1e-8) for r, e in zip(result, expected)):
            continue
        for wrong, explanation in mistakes:
            if all(np.allclose(r, w, atol=1e-8) for r, w in zip(result, wrong(grads, 1.0))):
                return _report(False, explanation)
        return _report(
            False,
            f"with the global norm {case} clip_norm the result differs from "
            "min(1, clip_norm / global norm) * each array.",
        )
    return _report(True, "your clipping matches global_clipnorm above and below the threshold.")


def check_geometric_mean(geometric_mean):
    """Checks a learner's average factor per step: applied at every step, it gives the same total.

    Args:
        geometric_mean: a function `geometric_mean(factors)` taking a 1-D
            array of positive per-step factors and returning one number, or
            `None`.

    Returns:
        `True` if it is right on every test case, else `False` (and prints why).
    """
    if geometric_mean is None:
        return _report(False, "nothing to check yet: define your function and pass it in.")
    name = getattr(geometric_mean, "__name__", "your function")
    cases = [np.array([0.5, 2.0]), np.random.default_rng(14).uniform(0.3, 1.8, size=50)]
    for factors in cases:
        result, problem = _call_for_a_number(
            geometric_mean, name, [factors.copy()], "the factor per step"
        )
        if problem:
            return _report(False, problem)
        mistakes = [
            (
                np.mean(factors),
                "that is the arithmetic mean. A gradient multiplied by 0.5 and "
                "then by 2 is back where it started (factor 1 per step), yet "
                "the arithmetic mean of [0.5, 2] is 1.25.",
            ),
            (
                np.prod(factors),
                "that is the change over all the steps together (the product); "
                "the factor per step is its k-th root, for k factors.",
            ),
            (
                np.prod(factors) / len(factors),
                "the product divided by k is not an average "
                "factor: take the k-th root of the product.",
            ),
        ]
        expected = float(np.prod(factors) ** (1 / len(factors)))
        if np.isclose(result, expected, rtol=1e-6):
            continue
        for wrong, explanation in mistakes:
            if np.isclose(result, wrong, rtol=1e-6):
                return _report(False, explanation)
        return _report(
            False,
            f"for factors {np.round(factors[:4], 3)}... you returned "
            f"{result:.4g}, expected {expected:.4g}: the number which, "
            "multiplied by itself k times, equals the product of the k factors.",
        )
    return _report(
        True,
        f"{name} gives the factor that compounds: applied at every step, "
        "it gives the same total change as the factors themselves.",
    )


def check_recurrent_weight_gradient(recurrent_weight_gradient):
    """Checks a learner's gradient of the recurrent kernel, accumulated back through time.

    Args:
        recurrent_weight_gradient: a function `recurrent_weight_gradient(states,
            recurrent_kernel, grad_last)` returning `dL/dW_h` for a tanh RNN whose
            loss reads the last state, given the states `h_0 .. h_{T-1}`
            `(batch, T, units)`, `W_h` and `dL/dh_{T-1}` `(batch, units)`; or `None`.

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    if recurrent_weight_gradient is None:
        return _report(False, "nothing to check yet: define your function and pass it in.")
    rng = np.random.default_rng(15)
    states = rng.uniform(-0.95, 0.95, size=(5, 6, 4))
    recurrent_kernel = rng.normal(size=(4, 4))
    grad_last = rng.normal(size=(5, 4))
    result, error = _call_safely(
        recurrent_weight_gradient, states.copy(), recurrent_kernel.copy(), grad_last.copy()
    )
    if error:
        return _report(False, error)

    def accumulate(states, slope=True, transpose=True, previous=True, swap=False):
        """The accumulation with one of its parts wrong, to recognise a mistake."""
        shifted = np.concatenate([np.zeros_like(states[:, :1]), states[:, :-1]], axis=1)
        grad_h, total = grad_last, np.zeros_like(recurrent_kernel)
        for t in range(states.shape[1] - 1, -1, -1):
            delta = grad_h * (1 - states[:, t] ** 2) if slope else grad_h
            h = shifted[:, t] if previous else states[:, t]
            total += delta.T @ h if swap else h.T @ delta
            grad_h = delta @ (recurrent_kernel.T if transpose else recurrent_kernel)
        return total

    mistakes = [
        (
            accumulate(states, swap=True),
            "the product is transposed: each step adds h_{t-1}.T @ delta_t (units of h_{t-1} "
            "along the rows, as W_h's rows meet h_{t-1} in h_{t-1} @ W_h).",
        ),
        (
            accumulate(states, slope=False),
            "tanh's slope is missing: delta_t = dL/dh_t * (1 - h_t**2), before the product and "
            "before the step back.",
        ),
        (
            accumulate(states, previous=False),
            "off by one step: W_h multiplies the previous state, so step t adds "
            "h_{t-1}.T @ delta_t, not h_t.T @ delta_t (and the first step adds nothing, "
            "h_{-1} = 0).",
        ),
        (
            accumulate(states[:, ::-1]),
            "the loop runs from the wrong end: the loss reads the last state, so start at "
            "t = T - 1 with grad_last and carry the gradient back towards t = 0.",
        ),
        (
            accumulate(states, transpose=False),
            "W_h is not transposed on the step back: dL/dh_{t-1} = delta_t @ W_h.T.",
        ),
        (
            states[:, -2].T @ (grad_last * (1 - states[:, -1] ** 2)),
            "only the last step's term is there: the gradient must be carried back and every "
            "step's term added up.",
        ),
    ]
    name = getattr(recurrent_weight_gradient, "__name__", "your function")
    if result is not None and np.shape(result) != recurrent_kernel.shape:
        return _report(
            False,
            f"{name} returned shape {np.shape(result)}, expected "
            f"{recurrent_kernel.shape}, the shape of W_h (units, units).",
        )
    _, reference, _, _ = reference_weight_gradients(
        np.zeros(states.shape[:2] + (1,)), states, recurrent_kernel, grad_last
    )
    return _compare_arrays(result, reference, mistakes, name)


# ---------------------------------------------------------------------------
# Notebook 06: an RNN that writes.
# ---------------------------------------------------------------------------


def _softmax_at(logits, temperature):
    z = np.asarray(logits, dtype=float) / temperature
    e = np.exp(z - z.max())
    return e / e.sum()


def check_temperature_softmax(temperature_softmax):
    """Checks a learner's `temperature_softmax(logits, temperature)`.

    Args:
        temperature_softmax: a function taking a 1-D array of logits (one per
            character) and a positive temperature, returning the probabilities
            `softmax(logits / temperature)`, shape `(vocab,)`.

    Returns:
        `True` if it is right (large logits included), else `False` (and prints why).
    """
    name = _name(temperature_softmax)
    logits = np.random.default_rng(16).normal(scale=2.0, size=30)
    for temperature in (0.5, 2.0, 1.0):
        with np.errstate(all="ignore"):
            result, error = _call_safely(temperature_softmax, logits.copy(), temperature)
        if error:
            return _report(False, error)
        if result is None:
            return _report(
                False, f"{name} returned None: `return` the probabilities, one per character."
            )
        result = np.asarray(result, dtype=float)
        if result.shape != logits.shape:
            return _report(
                False,
                f"{name} returned shape {result.shape}, expected "
                f"{logits.shape}: one probability per character.",
            )
        expected = _softmax_at(logits, temperature)
        if np.allclose(result, expected, atol=1e-8):
            continue
        softmax = _softmax_at(logits, 1.0)
        mistakes = [
            (
                _softmax_at(logits * temperature, 1.0),
                "the logits were multiplied by the temperature: divide them by it, so that a low "
                "temperature sharpens the distribution.",
            ),
            (softmax, "the temperature is missing: divide the logits by it before the softmax."),
            (
                np.exp(logits / temperature),
                "these do not add up to 1: divide the exponentials by their sum.",
            ),
            (
                softmax / temperature,
                "the temperature divides the logits, before the "
                "exponential, not the probabilities after it.",
            ),
        ]
        for wrong, explanation in mistakes:
            if np.allclose(result, wrong, atol=1e-8):
                return _report(False, explanation)
        gap = float(np.abs(result - expected).max())
        return _report(
            False,
            f"at temperature {temperature} your probabilities differ from "
            f"softmax(logits / temperature) by up to {gap:.3g}.",
        )
    large = logits + 1000.0
    with np.errstate(all="ignore"):
        result, error = _call_safely(temperature_softmax, large.copy(), 0.5)
    if (
        error
        or result is None
        or not np.allclose(np.asarray(result, dtype=float), _softmax_at(large, 0.5), atol=1e-8)
    ):
        return _report(
            False,
            "right for small logits, but for logits near 1000 the exponential "
            "overflows (exp(2000) is inf, and inf / inf is nan): subtract the "
            "largest logit before the exponential; the probabilities do not "
            "change.",
        )
    return _report(True, f"{name} gives softmax(logits / temperature), large logits included.")


def check_bits_per_character(bits_per_character):
    """Checks a learner's `bits_per_character(probabilities, targets)`.

    Args:
        bits_per_character: a function taking the model's probabilities
            `(steps, vocab)` (each row sums to 1) and the characters that came
            next, `targets` `(steps,)` ints, and returning one number: the
            mean of `-log2` of the probability given to each target.

    Returns:
        `True` if it is right, else `False` (and prints why).
    """
    name = _name(bits_per_character)
    rng = np.random.default_rng(17)
    probabilities = np.array([_softmax_at(row, 1.0) for row in rng.normal(scale=2, size=(40, 6))])
    targets = rng.integers(0, 6, size=40)
    result, problem = _call_for_a_number(
        bits_per_character,
        name,
        [probabilities.copy(), targets.copy()],
        "the mean surprise in bits",
    )
    if problem:
        return _report(False, problem)
    given = probabilities[np.arange(len(targets)), targets]
    expected = float(np.mean(-np.log2(given)))
    mistakes = [
        (
            np.mean(-np.log(given)),
            "that is in nats (the natural logarithm): bits use log2, or divide by ln 2.",
        ),
        (np.mean(-np.log10(given)), "that uses log10: bits use log2."),
        (
            np.sum(-np.log2(given)),
            "that is the total over the whole text: bits *per character* is the mean.",
        ),
        (
            np.mean(np.log2(given)),
            "a minus sign is missing: the surprise is -log2 p, which is never negative.",
        ),
        (2**expected, "that is the perplexity, 2 ** bits: return the bits themselves."),
        (
            np.mean(-np.log2(probabilities.max(axis=1))),
            "that scores the most likely character at each step; score the probability the model "
            "gave the character that really came next, probabilities[t, targets[t]].",
        ),
        (
            np.mean(-np.log2(probabilities[:, targets])),
            "probabilities[:, targets] takes every target at every step: take one per step, "
            "probabilities[np.arange(len(targets)), targets].",
        ),
        (
            -np.log2(np.mean(given)),
            "average the surprises, not the probabilities: the mean of "
            "-log2 p, not -log2 of the mean p.",
        ),
    ]
    if np.isclose(result, expected, rtol=1e-6):
        return _report(True, f"{name} gives {expected:.4f} bits per character on this example.")
    for wrong, explanation in mistakes:
        if np.isclose(result, wrong, rtol=1e-6):
            return _report(False, explanation)
    return _report(
        False,
        f"got {result:.4g}, expected {expected:.4g}: the mean over the steps "
        "of -log2 of the probability given to the target character.",
    )


def check_word_order_pair(word_order_pair, models=None, *, source=None):
    """Checks a learner's `word_order_pair()` and shows what the models make of it.

    Args:
        word_order_pair: a function returning `(positive, negative)`: a review
            that praises the film and one that pans it, made of the same words
            in another order, every word among the models' known words.
        models: dict name -> trained model, or `None` for the course's LSTM
            (`lesson_model`: notebook 04 saves it) and its GRU if one is saved
            (notebook 05 trains it), so that the check trains nothing new.
        source: as for `load_imdb` (where the word index comes from).

    Returns:
        `True` if it is such a pair, else `False` (and prints why); for a
        pair, also prints each model's probabilities.
    """
    name = _name(word_order_pair)
    result, error = _call_safely(word_order_pair)
    if error:
        return _report(False, error)
    if result is None:
        return _report(
            False,
            f"{name} returned None: finish the function and `return` the two "
            "reviews, (positive, negative).",
        )
    if (
        not isinstance(result, (tuple, list))
        or len(result) != 2
        or not all(isinstance(review, str) for review in result)
    ):
        return _report(
            False, f"{name} should return two texts, (positive, negative); got {result!r}."
        )
    positive, negative = result
    if not is_word_order_pair(positive, negative):
        return _report(
            False,
            "the two reviews should hold exactly the same words (each as often) "
            f"in a different order: {positive!r} and {negative!r} do not.",
        )
    course_reviews = {
        tuple(text_to_words(review)) for pair in WORD_ORDER_PAIRS for review in pair.values()
    }
    if {tuple(text_to_words(positive)), tuple(text_to_words(negative))} & course_reviews:
        return _report(False, "that review is one of the course's pairs: write a pair of your own.")
    if models is None:
        models = {"LSTM": lesson_model("lstm", source=source)[0]}
        gru = load_model("imdb_gru")
        if gru is None:
            print("  (No GRU saved yet: notebook 05 trains one; come back to test it too.)")
        else:
            models["GRU"] = gru
    word_index = get_word_index(source)
    vocab_size = min(model_vocab_size(model) for model in models.values())
    outside = words_outside_vocabulary(positive, word_index, vocab_size)
    if outside:
        return _report(
            False,
            f"the models do not know {', '.join(outside)} (not among IMDB's "
            f"{vocab_size - 3:,} most frequent words): choose other words.",
        )
    scores = word_order_scores(
        models,
        [dict(positive=positive, negative=negative)],
        max_length=lesson_sizes("04")["max_length"],
        source=source,
    )
    _report(
        True, "the same words in another order; a bag of words gives both the same probability."
    )
    for model_name, score in scores.items():
        verdict = "right" if score["correct"][0] else "wrong"
        print(
            f"  {model_name}: P(positive) {score['positive'][0]:.3f} for {positive!r}, "
            f"{score['negative'][0]:.3f} for {negative!r}: {verdict} order"
        )
    return True
