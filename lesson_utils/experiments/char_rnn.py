"""Notebook 08 (the capstone): the NumPy character RNN trained, scored against the unigram, sampled.

- `train_char_rnn` trains `lesson_utils.scratch.char_rnn`'s model with
  Adagrad (as min-char-rnn does) and notebook 02's clipping by the global
  norm, on notebook 07's windows (`stream_windows`), its state carried from
  one window to the next (truncated backpropagation through time).
- `char_rnn_surprise` scores a held-out text on exactly the characters
  notebook 07's n-grams score (`ngram_surprise`), so that `unigram_surprise`,
  the order-1 n-gram, is a fair baseline.
- `sample_char_rnn` writes with a temperature.

Everything here returns numbers; `lesson_utils.figures.char_rnn` draws them.
"""

import numpy as np

from lesson_utils.arguments import check_positive_int, check_positive_number
from lesson_utils.data.characters import (
    CHARACTERS,
    decode_ids,
    encode_text,
    stream_windows,
    text_rows,
    whole_windows,
)
from lesson_utils.experiments.generation import count_ngrams, ngram_surprise
from lesson_utils.progress import track
from lesson_utils.scratch.bptt import clip_by_global_norm
from lesson_utils.scratch.cells import simple_rnn_step, softmax
from lesson_utils.scratch.char_rnn import (
    PARAMETER_NAMES,
    char_rnn_forward,
    char_rnn_loss_and_gradients,
    init_char_rnn,
    one_hot,
)
from lesson_utils.settings import course_seed


def char_rnn_surprise(params, ids, *, window, rows=32):
    """Each held-out character's surprise, in bits, read with the state carried.

    The text is split into `rows` streams of whole windows, as notebook 07
    scores it (`ngram_surprise` scores the same characters), and each stream
    is read from its start to its end.

    Args:
        params: the model's weights.
        ids: the held-out text's character ids.
        window: the window length that decides how many characters are scored.
        rows: the number of streams read side by side.

    Returns:
        An array `(rows, steps)` of `-log2 p(next character)`.
    """
    inputs, targets = text_rows(ids, rows, whole_windows(ids, rows, window) * window)
    _, cache = char_rnn_forward(params, inputs, targets, np.zeros((rows, len(params["bias"]))))
    given = np.take_along_axis(cache["probabilities"], targets[..., None], axis=-1)[..., 0]
    return -np.log2(given)


def unigram_surprise(train_ids, heldout_ids, *, window, rows=32):
    """The unigram baseline: each held-out character's surprise under the training text's
    character frequencies (notebook 07's n-gram of order 1), on `char_rnn_surprise`'s characters.

    Its mean is the cross-entropy of the frequencies on the held-out text: what a model that
    knows how often each character occurs, and nothing about order, pays per character.

    Args:
        train_ids, heldout_ids: the texts' character ids.
        window, rows: as for `char_rnn_surprise`.

    Returns:
        An array `(rows, steps)` of `-log2 p(next character)`.
    """
    surprise = ngram_surprise(count_ngrams(train_ids, 1), heldout_ids, window=window, rows=rows)
    return surprise.reshape(rows, -1)


def train_char_rnn(
    train_ids,
    heldout_ids,
    *,
    units,
    window,
    batch_size,
    steps,
    learning_rate,
    clip_norm,
    record_every,
    loss_and_gradients=char_rnn_loss_and_gradients,
    seed=None,
):
    """Trains the NumPy character RNN with Adagrad, clipping and the state carried.

    Each step reads one batch of `stream_windows` (row `r` of a batch
    continues row `r` of the one before), computes the window's bits per
    character and gradients, clips them to a global norm of `clip_norm` and
    takes an Adagrad step: each weight moves by `learning_rate * g / sqrt(sum
    of its past g**2)`. The state is carried to the next window and reset to
    zeros when the text starts over. A progress bar shows in a notebook.

    Args:
        train_ids, heldout_ids: the texts' character ids.
        units: the size of the hidden state.
        window: characters per window (how far back each gradient reaches).
        batch_size: streams read side by side.
        steps: the number of updates.
        learning_rate: Adagrad's step size.
        clip_norm: the largest global norm of a step's gradients.
        record_every: updates between two held-out scores.
        loss_and_gradients: `f(params, inputs, targets, h_prev) -> (bits, grads, h_last)`,
            the course's by default; pass your own to train with it.
        seed: the initial weights' seed (`None`: the course's seed).

    Returns:
        `(params, history)`: the trained weights, and one dict per record with the `"step"`,
        the mean training `"train_bits"` since the last record (the untrained score at step 0)
        and the `"heldout_bits"`.
    """
    steps = check_positive_int("steps", steps)
    record_every = check_positive_int("record_every", record_every)
    learning_rate = check_positive_number("learning_rate", learning_rate)
    params = init_char_rnn(len(CHARACTERS), units, course_seed(seed))
    inputs, targets = stream_windows(train_ids, batch_size, window)
    batches = len(inputs) // batch_size
    squares = {name: np.zeros_like(params[name]) for name in PARAMETER_NAMES}

    def heldout():
        return float(char_rnn_surprise(params, heldout_ids, window=window).mean())

    first = heldout()
    history = [{"step": 0, "train_bits": first, "heldout_bits": first}]
    recent = []
    for step in track(range(1, steps + 1), "training the NumPy RNN", unit="updates"):
        k = (step - 1) % batches
        if k == 0:
            h = np.zeros((batch_size, units))
        rows = slice(k * batch_size, (k + 1) * batch_size)
        bits, grads, h = loss_and_gradients(params, inputs[rows], targets[rows], h)
        clipped = clip_by_global_norm([grads[name] for name in PARAMETER_NAMES], clip_norm)
        for name, g in zip(PARAMETER_NAMES, clipped):
            squares[name] += g**2
            params[name] -= learning_rate * g / (np.sqrt(squares[name]) + 1e-8)
        recent.append(bits)
        if step % record_every == 0 or step == steps:
            history.append(
                {"step": step, "train_bits": float(np.mean(recent)), "heldout_bits": heldout()}
            )
            recent = []
    return params, history


def sample_char_rnn(params, prompt, length, *, temperature=1.0, seed=None):
    """Writes with the model: read the prompt, then draw each next character and read it.

    Args:
        params: the model's weights.
        prompt: the text to start from (at least one character).
        length: how many characters to write.
        temperature: divides the logits before the softmax (notebook 07).
        seed: the random draws' seed (`None`: the course's seed).

    Returns:
        The written text, without the prompt.
    """
    length = check_positive_int("length", length)
    if not prompt:
        raise ValueError(
            f"Argument `prompt` must hold at least one character. Received: {prompt!r}"
        )
    rng = np.random.default_rng(course_seed(seed))
    vocab = len(CHARACTERS)

    def read(i, h):
        x = one_hot([i], vocab)
        return simple_rnn_step(x, h, params["kernel"], params["recurrent_kernel"], params["bias"])

    h = np.zeros((1, len(params["bias"])))
    for i in encode_text(prompt):
        h = read(i, h)
    written = []
    for _ in range(length):
        p = softmax(h @ params["output_kernel"] + params["output_bias"], temperature)[0]
        written.append(rng.choice(vocab, p=p))
        h = read(written[-1], h)
    return decode_ids(written)
