"""Notebook 07 (An RNN that writes): train a character model, score it, and let it write.

- Scoring: the *surprise* of a character is `-log2 p`, where `p` is the
  probability the model gave it; a text's **bits per character** is the mean
  surprise, and `2 ** bits` its perplexity per character (`text_surprise`).
- Training: `train_language_model` trains on windows of a long text, with the
  state carried across windows or reset at each one, and records after every
  epoch the held-out bits per character and a sample of writing.
- Writing: `generate_text` is a plain NumPy loop over notebook 03's cells
  (`gru_step`, `lstm_step`) with the trained weights; `prompt_probabilities`
  reads a prompt the same way, to check it against Keras; `writing_start`
  hands the one step to a learner's own loop; `written_surprise` says how
  surprising the writing is at each temperature.
- A baseline: an n-gram model (`count_ngrams`) with Witten-Bell interpolation,
  scored on the same characters (`ngram_surprise`; `score_ngrams` does both
  for several orders).

Everything here returns numbers; `lesson_utils.figures.generation` draws them.
"""

import time
from collections import Counter

import numpy as np

from lesson_utils.arguments import check_choice, check_positive_int, check_positive_number
from lesson_utils.data.characters import (
    CHARACTER_IDS,
    CHARACTERS,
    END_OF_REVIEW,
    decode_ids,
    encode_text,
    stream_windows,
    text_rows,
    whole_windows,
)
from lesson_utils.models.language_model import (
    build_language_model,
    model_cell,
    reading_copy,
    reset_state,
)
from lesson_utils.progress import track
from lesson_utils.scratch.cells import gru_step, lstm_step, softmax, unroll
from lesson_utils.settings import CELLS, course_seed, set_global_seed
from lesson_utils.tables import markdown_table

# ---------------------------------------------------------------------------
# The trained model in NumPy: read a prompt, then write one character at a time.
# ---------------------------------------------------------------------------


def numpy_weights(model):
    """A language model's weights as NumPy arrays, for the NumPy loop.

    Args:
        model: a model from `build_language_model`.

    Returns:
        A dict: `"cell"` (`"gru"` or `"lstm"`), `"embedding"` (one row per
        character), `"recurrent"` (the cell's weights in Keras' layout) and
        `"dense"` (the softmax layer's kernel and bias).
    """
    cell = model_cell(model)
    return {
        "cell": cell,
        "embedding": model.get_layer("embedding").get_weights()[0],
        "recurrent": model.get_layer(cell).get_weights(),
        "dense": model.get_layer("next_character").get_weights(),
    }


def _cell_step(weights):
    """One step of the model's cell, `step(x_t, *states) -> new states`, for `unroll`."""
    if weights["cell"] == "gru":
        return lambda x_t, h: gru_step(x_t, h, *weights["recurrent"])
    return lambda x_t, h, c: lstm_step(x_t, h, c, *weights["recurrent"])


def _zero_state(weights, batch):
    units = weights["recurrent"][1].shape[0]
    h = np.zeros((batch, units), dtype=np.float32)
    return h if weights["cell"] == "gru" else (h, h)


def _prompt_ids(prompt):
    """A prompt's ids, shape `(1, steps)`; an empty prompt is the end of a review."""
    return encode_text(prompt or END_OF_REVIEW)[None]


def read_characters(weights, ids, state=None):
    """Reads character ids with the NumPy cell (notebook 03's `gru_step` or `lstm_step`).

    Args:
        weights: as `numpy_weights` returns.
        ids: the character ids to read, shape `(batch, steps)`.
        state: the cell's state to start from; `None` for zeros.

    Returns:
        `(logits, state)`: the softmax layer's inputs after every step, shape
        `(batch, steps, vocab)`, and the cell's state after the last one.
    """
    ids = np.asarray(ids)
    embedded = weights["embedding"][ids]  # (batch, steps, embedding_dim)
    outputs, state = unroll(
        _cell_step(weights), embedded, _zero_state(weights, len(ids)) if state is None else state
    )
    kernel, bias = weights["dense"]
    return outputs @ kernel + bias, state


def prompt_probabilities(model, prompt):
    """The next-character probabilities after every character of a prompt, in NumPy.

    Args:
        model: a trained model from `build_language_model`.
        prompt: a string.

    Returns:
        An array `(len(prompt), vocab)`: row `t` is the model's probability of
        each character following `prompt[:t + 1]`, as Keras computes it.
    """
    logits, _ = read_characters(numpy_weights(model), encode_text(prompt)[None])
    return softmax(logits[0])


def next_character_distributions(model, prompt, temperatures):
    """The probability of each character coming after a prompt, at several temperatures.

    Args:
        model: a trained model from `build_language_model`.
        prompt: a string.
        temperatures: positive numbers.

    Returns:
        A dict `{temperature: probabilities}`, each of shape `(vocab,)`:
        `softmax(logits / temperature)`.
    """
    logits, _ = read_characters(numpy_weights(model), _prompt_ids(prompt))
    return {
        t: softmax(logits[0, -1], check_positive_number("temperature", t)) for t in temperatures
    }


def generate_text(model, prompt, length, temperature=1.0, seed=None):
    """Writes text after a prompt, one character at a time, with the NumPy cell.

    At each step the model gives its logits for the next character; the
    character is drawn from `softmax(logits / temperature)`, then fed back in
    as the next input.

    Args:
        model: a trained model from `build_language_model`.
        prompt: the text to start from (`""`: the start of a new review).
        length: how many characters to write.
        temperature: below 1 sharpens the distribution (safer, more repetitive
            text), above 1 flattens it (more surprising text, more mistakes).
        seed: seeds the draws, so the same settings write the same text.

    Returns:
        A dict: `"text"` (the characters written, without the prompt) and
        `"surprise"` (each written character's surprise in bits, `-log2 p`,
        under the model's own probabilities at temperature 1).
    """
    seed = course_seed(seed)
    length = check_positive_int("length", length)
    temperature = check_positive_number("temperature", temperature)
    weights = numpy_weights(model)
    logits, state = read_characters(weights, _prompt_ids(prompt))
    rng = np.random.default_rng(seed)
    written, surprise = [], []
    for _ in range(length):
        character = rng.choice(len(CHARACTERS), p=softmax(logits[0, -1], temperature))
        written.append(character)
        surprise.append(-np.log2(softmax(logits[0, -1])[character]))
        logits, state = read_characters(weights, [[character]], state)  # fed back in
    return {"text": decode_ids(written), "surprise": np.array(surprise)}


def writing_start(model, prompt):
    """What a writing loop needs to continue a prompt, one character at a time, in NumPy.

    Args:
        model: a trained model from `build_language_model`.
        prompt: the text to continue (`""`: the start of a new review).

    Returns:
        `(step, first_id, state)`: `step(char_id, state)` reads one character
        with notebook 03's cell and returns `(probabilities, new_state)`, the
        next character's probabilities (shape `(vocab,)`) and the cell's state
        after it; `first_id` is the prompt's last character, the loop's first
        input; `state` is the cell's state after the characters before it.
    """
    weights = numpy_weights(model)
    ids = _prompt_ids(prompt)
    state = _zero_state(weights, 1)
    if ids.shape[1] > 1:
        _, state = read_characters(weights, ids[:, :-1], state)

    def step(char_id, state):
        logits, state = read_characters(weights, [[char_id]], state)
        return softmax(logits[0, -1]), state

    return step, int(ids[0, -1]), state


def repeat_period(ids, start=0):
    """The shortest period with which a sequence repeats itself, from `start` on.

    Args:
        ids: a sequence, e.g. the character ids a model wrote.
        start: where the repetition must begin.

    Returns:
        The smallest `p` such that `ids[i] == ids[i + p]` for every `i >= start`,
        among the periods that fit at least twice in what follows `start`;
        `None` if there is none.
    """
    tail = [int(i) for i in ids[start:]]
    return next((p for p in range(1, len(tail) // 2 + 1) if tail[p:] == tail[:-p]), None)


def written_surprise(probabilities, temperatures):
    """How surprising, to a model, its own writing is at each temperature: exactly, not sampled.

    At a step where the model's probabilities are `p`, a character written at
    temperature `T` is drawn from `q = softmax(log p / T)` and costs `-log2 p`
    under the model's own probabilities, `sum q * -log2 p` on average. Real text
    from a source whose probabilities were exactly `p` costs `sum p * -log2 p`
    on average: the entropy.

    Args:
        probabilities: the model's next-character probabilities at several
            steps, shape `(steps, vocab)`, each row summing to 1.
        temperatures: positive numbers.

    Returns:
        `(written, real)`: a dict `{temperature: mean bits per character written}`,
        and the mean bits per character of text drawn from `probabilities` themselves.
    """
    log_p = np.log(np.asarray(probabilities, dtype=float))
    surprise = -log_p / np.log(2)  # in bits
    written = {
        t: float(np.mean(np.sum(softmax(log_p, t) * surprise, axis=-1))) for t in temperatures
    }
    real = float(np.mean(np.sum(np.exp(log_p) * surprise, axis=-1)))
    return written, real


# ---------------------------------------------------------------------------
# Scoring a text: surprise, bits per character.
# ---------------------------------------------------------------------------


def _heldout_rows(ids, window, rows):
    """The streams a held-out text is scored on: `(inputs, targets, windows)`.

    `rows` streams of whole windows (`text_rows`), so that every model and
    every way of reading scores exactly the same characters.
    """
    windows = whole_windows(ids, rows, window)
    return (*text_rows(ids, rows, windows * window), windows)


def text_surprise(model, ids, *, window, carry, rows=32):
    """Each character's surprise, in bits, as the model reads a held-out text.

    The text is split into `rows` streams (`text_rows`), each as long as the
    text allows in whole windows, and read with the NumPy cell. With
    `carry=True` each stream is read from start to end, the state carried;
    with `carry=False` the state starts from zeros at every window, as in a
    model trained with resets.

    Args:
        model: a model from `build_language_model`.
        ids: the text's character ids.
        window: window length in characters.
        carry: carry the state across windows (`True`) or reset it (`False`).
        rows: the number of streams read side by side.

    Returns:
        An array `(rows, windows, window)` of `-log2 p(next character)`: its
        mean is the bits per character.
    """
    check_choice("carry", carry, (True, False))
    inputs, targets, windows = _heldout_rows(ids, window, rows)
    if not carry:
        inputs = inputs.reshape(-1, window)
    logits, _ = read_characters(numpy_weights(model), inputs)
    probabilities = softmax(logits.reshape(rows, windows * window, -1))
    p = np.take_along_axis(probabilities, targets[..., None], axis=-1)[..., 0]
    return -np.log2(p).reshape(rows, windows, window)


def train_language_model(
    train_ids,
    heldout_ids,
    *,
    units,
    embedding_dim,
    window,
    batch_size,
    epochs,
    learning_rate,
    carry_state=True,
    cell="gru",
    prompt=None,
    sample_length=200,
    temperature=0.8,
    seed=None,
):
    """Trains a character model on windows of a long text, scoring it after every epoch.

    Training uses teacher forcing: in each window the model reads the true
    text and is scored at every step on the next character. The windows come
    from `stream_windows`, in the same order whether the state is carried or
    reset, so the two differ in that one thing.

    Args:
        train_ids: the training text's character ids.
        heldout_ids: the held-out text's ids, scored after every epoch (read
            with the state carried if `carry_state`, else reset every window).
        units, embedding_dim, cell, learning_rate: as for `build_language_model`.
        window: characters per window: backpropagation through time stops at
            its start.
        batch_size: rows per batch (streams of text read side by side).
        epochs: passes over the training text.
        carry_state: `True` carries each row's state into its next window
            (`stateful=True`, reset at the start of every epoch); `False`
            starts every window from a zero state.
        prompt: if a string, a sample is written after it after every epoch
            (and before training); `None` for no samples.
        sample_length, temperature: the samples' length and temperature.
        seed: seeds the weights and the samples.

    Returns:
        `(model, history)`: the trained weights in a model that reads any batch
        from a zero state (`reading_copy`), and one dict per epoch, from epoch
        0 (untrained): `"epoch"`, `"bits"` (held-out bits per character),
        `"seconds"` (training time so far), `"sample"` (or `None`) and, with a
        sample, `"real_words"` (its `real_word_share` among the training
        text's words).
    """
    seed = course_seed(seed)
    set_global_seed(seed)
    batch_size = check_positive_int("batch_size", batch_size)
    model = build_language_model(
        len(CHARACTERS),
        embedding_dim=embedding_dim,
        units=units,
        cell=cell,
        stateful=carry_state,
        batch_size=batch_size if carry_state else None,
        learning_rate=learning_rate,
    )
    inputs, targets = stream_windows(train_ids, batch_size, window)
    vocabulary = set(decode_ids(train_ids).split())
    history, seconds = [], 0.0

    def record(epoch):
        bits = float(text_surprise(model, heldout_ids, window=window, carry=carry_state).mean())
        row = {"epoch": epoch, "bits": bits, "seconds": seconds, "sample": None}
        if prompt is not None:
            row["sample"] = generate_text(model, prompt, sample_length, temperature, seed)["text"]
            row["real_words"] = real_word_share(row["sample"], vocabulary)
        history.append(row)

    record(0)
    state = "carried across windows" if carry_state else "reset at each window"
    what = f"training a {CELLS[cell]}, state {state}"
    for epoch in track(
        range(1, check_positive_int("epochs", epochs) + 1),
        what,
        unit="epochs",
        label=lambda epoch: f"epoch {epoch}",
    ):
        if carry_state:
            reset_state(model)
        start = time.perf_counter()
        model.fit(inputs, targets, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
        seconds += time.perf_counter() - start
        record(epoch)
    return reading_copy(model), history


def carried_against_reset(train_ids, heldout_ids, **sizes):
    """Trains the same model twice, carrying the state across windows and resetting it.

    Args:
        train_ids, heldout_ids: the texts' character ids.
        **sizes: `train_language_model`'s sizes (`units`, `embedding_dim`,
            `window`, `batch_size`, `epochs`, `learning_rate`, ...).

    Returns:
        A dict `{"carried": ..., "reset": ...}`; each holds `"bits"` (held-out
        bits per character read as it was trained), `"read_other_way"` (read
        the other way: reset for the carried model, carried for the reset one),
        `"by_position"` (mean surprise at each position in a window, shape
        `(window,)`) and `"seconds"` (training time).
    """
    results = {}
    for name, carry in (("carried", True), ("reset", False)):
        model, history = train_language_model(train_ids, heldout_ids, carry_state=carry, **sizes)
        surprise = text_surprise(model, heldout_ids, window=sizes["window"], carry=carry)
        other = text_surprise(model, heldout_ids, window=sizes["window"], carry=not carry)
        results[name] = {
            "bits": float(surprise.mean()),
            "read_other_way": float(other.mean()),
            "by_position": surprise.mean(axis=(0, 1)),
            "seconds": history[-1]["seconds"],
        }
    return results


def carried_reset_markdown(comparison):
    """A Markdown table of `carried_against_reset`'s two models, each read both ways.

    Args:
        comparison: as `carried_against_reset` returns it.

    Returns:
        The table as a string: held-out bits per character of each model read
        with its state carried and reset (the way it was trained in bold), and
        its training time.
    """
    carried, reset = comparison["carried"], comparison["reset"]
    header = (
        "trained with the state",
        "held-out, read with the state carried",
        "read with it reset",
        "training time",
    )
    rows = [
        (
            "carried",
            f"**{carried['bits']:.3f}**",
            f"{carried['read_other_way']:.3f}",
            f"{carried['seconds']:.0f} s",
        ),
        (
            "reset",
            f"{reset['read_other_way']:.3f}",
            f"**{reset['bits']:.3f}**",
            f"{reset['seconds']:.0f} s",
        ),
    ]
    return markdown_table(header, rows)


def real_word_share(text, vocabulary):
    """The share of a text's words that are words of another text.

    Args:
        text: the text written, e.g. a sample (its last word, perhaps cut
            short, is left out).
        vocabulary: a set of words, e.g. every word of the training text.

    Returns:
        A fraction between 0 and 1 (0 if the text has no whole word).
    """
    words = text.split()[:-1]
    return sum(word in vocabulary for word in words) / len(words) if words else 0.0


def samples_markdown(history, width=90):
    """A Markdown table of the samples written after each epoch.

    Args:
        history: as `train_language_model` returns it.
        width: characters of each sample shown.

    Returns:
        The table as a string: each epoch's held-out bits per character, the
        share of its sample's words that are words of the training text, and
        the sample (the end of a review shown as `⏎`).
    """
    rows = [
        (
            row["epoch"],
            f"{row['bits']:.2f}",
            f"{row['real_words']:.0%}",
            "`" + row["sample"][:width].replace(END_OF_REVIEW, " ⏎ ") + "`",
        )
        for row in history
    ]
    return markdown_table(("epoch", "held-out bits/char", "real words", "sample"), rows)


# ---------------------------------------------------------------------------
# The baseline: an n-gram model with Witten-Bell interpolation.
# ---------------------------------------------------------------------------


def count_ngrams(ids, order):
    """Counts which character follows every context of up to `order - 1` characters.

    Args:
        ids: the training text's character ids.
        order: the n of the n-gram: the longest context is `order - 1` characters.

    Returns:
        A list of `order` dicts; dict `k` maps each context of `k` characters
        seen in the text to `(followers, total, types)`: the counts of the
        characters that followed it (a dict), their sum, and how many
        different ones there were.
    """
    text = decode_ids(ids)
    tables = []
    for k in range(check_positive_int("order", order)):
        followers = {}
        for gram, count in Counter(text[i : i + k + 1] for i in range(len(text) - k)).items():
            followers.setdefault(gram[:-1], {})[gram[-1]] = count
        tables.append(
            {
                context: (after, sum(after.values()), len(after))
                for context, after in followers.items()
            }
        )
    return tables


def _witten_bell(count, total, types, lower):
    """Interpolates a context's counts with the next shorter context's probability.

    `(count + types * lower) / (total + types)`: a context followed by many
    different characters (large `types`) trusts its own counts less.
    """
    return (count + types * lower) / (total + types)


def _seen_contexts(tables, context):
    """The table entries of the context's endings, shortest first, while they were seen.

    Yields `(followers, total, types)` for the last 0, 1, 2, ... characters of
    `context`, up to `len(tables) - 1` of them; it stops at the first ending
    never seen in training (every longer one is unseen too).
    """
    for k, table in enumerate(tables):
        entry = table.get(context[len(context) - k :]) if k <= len(context) else None
        if entry is None:
            return
        yield entry


def ngram_distribution(tables, context):
    """The n-gram model's probability of every character after a context.

    Args:
        tables: as `count_ngrams` returns (pass `tables[:n]` for order `n`).
        context: the text before the next character (a string; only its last
            `len(tables) - 1` characters are used).

    Returns:
        An array `(vocab,)` that sums to 1. It starts from the uniform
        distribution and interpolates each longer context seen in training.
    """
    p = np.full(len(CHARACTERS), 1 / len(CHARACTERS))
    for after, total, types in _seen_contexts(tables, context):
        counts = np.zeros(len(CHARACTERS))
        for character, count in after.items():
            counts[CHARACTER_IDS[character]] = count
        p = _witten_bell(counts, total, types, p)
    return p


def ngram_surprise(tables, ids, *, window, rows=32):
    """Each character's surprise, in bits, under the n-gram model, on a held-out text.

    It scores exactly the characters `text_surprise` scores, each with the
    text before it in its stream as the context (of which the n-gram uses the
    last `len(tables) - 1` characters).

    Args:
        tables: as `count_ngrams` returns (pass `tables[:n]` for order `n`).
        ids: the held-out text's character ids.
        window, rows: as for `text_surprise`.

    Returns:
        An array `(rows, windows, window)` of `-log2 p(next character)`.
    """
    inputs, targets, windows = _heldout_rows(ids, window, rows)
    longest = len(tables) - 1
    surprise = np.empty(targets.shape)
    for row, (text, following) in enumerate(zip(inputs, targets)):
        text = decode_ids(text)
        for t, character in enumerate(decode_ids(following)):
            p = 1 / len(CHARACTERS)
            for after, total, types in _seen_contexts(
                tables, text[max(0, t + 1 - longest) : t + 1]
            ):
                p = _witten_bell(after.get(character, 0), total, types, p)
            surprise[row, t] = -np.log2(p)
    return surprise.reshape(rows, windows, window)


def score_ngrams(train_ids, heldout_ids, orders, *, window, rows=32):
    """Counts n-grams in the training text and scores each order on the held-out text.

    Shows a progress bar in a notebook (scoring runs in plain Python, a few
    seconds for 100,000 characters).

    Args:
        train_ids, heldout_ids: the texts' character ids.
        orders: the n-gram orders to score, e.g. `(1, 2, 3, 4, 5)`.
        window, rows: as for `text_surprise`, so that the same characters are scored.

    Returns:
        `(tables, surprises)`: the counts of `count_ngrams` up to the largest
        order, and `{order: surprise}`, each an array `(rows, windows, window)`
        as `ngram_surprise` returns it.
    """
    orders = sorted(check_positive_int("orders", n) for n in orders)
    tables = count_ngrams(train_ids, orders[-1])
    surprises = {}
    for n in track(
        orders, "scoring n-grams on the held-out text", unit="orders", label=lambda n: f"order {n}"
    ):
        surprises[n] = ngram_surprise(tables[:n], heldout_ids, window=window, rows=rows)
    return tables, surprises
