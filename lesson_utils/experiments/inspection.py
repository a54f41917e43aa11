"""Notebook 06 (inside the trained model): every gate and hidden state of a trained classifier.

The recurrent layer's weights go through the NumPy cells of notebook 03
(`recurrent_layer_forward`), which return the hidden state and every gate
after every word; the classifier head (the layers after the recurrent one)
then turns each hidden state into "the sentiment so far". Deleting (or
replacing) one word at a time says which words matter; `opinion_turns` finds
where the model changes its mind at a word (in the reviews `reviews_with_word`
picks), and `gate_changes` which gates moved there; a PCA of the hidden states
shows how reviews move through the state space.
Notebook 03 already uses `recurrent_layer_forward`, and notebook 04
`padding_washout`.
"""

import numpy as np

from lesson_utils.arguments import check_int_in_range, check_positive_int
from lesson_utils.data.text import words_to_ids
from lesson_utils.quiet_tensorflow import import_tensorflow_quietly
from lesson_utils.scratch.cells import gru_forward, lstm_forward
from lesson_utils.training.fit import predict_proba, return_freed_memory

import_tensorflow_quietly()
import keras  # noqa: E402

# The sigmoid gates among what our NumPy cells return (`lstm_forward`, `gru_forward`).
GATE_NAMES = ("forget", "input", "output", "update", "reset")


def recurrent_layer_forward(layer, inputs, mask=None):
    """Runs a (trained) Keras LSTM or GRU layer's weights through our NumPy cells.

    This is how later notebooks look inside a trained model: the outputs
    equal the layer's, and every gate's value at every step comes along.

    Args:
        layer: a built `keras.layers.LSTM` or `keras.layers.GRU` with Keras'
            default activations (`tanh`, `sigmoid`) and `use_bias=True`.
        inputs: what the layer receives, shape `(batch, timesteps, features)`
            (e.g. the Embedding layer's output for a batch of token ids).
        mask: optional boolean array `(batch, timesteps)`, e.g. `token_ids != 0`.

    Returns:
        `(outputs, final_states, gates)` as `lstm_forward` or `gru_forward`
        return them with `return_gates=True`.
    """
    if not isinstance(layer, (keras.layers.LSTM, keras.layers.GRU)):
        raise ValueError(
            "Argument `layer` must be a keras.layers.LSTM or keras.layers.GRU. "
            f"Received: layer={layer!r}"
        )
    if not layer.built:
        raise ValueError(
            f"Layer {layer.name!r} has no weights yet: call it on data (or build "
            "the model) before reading its gates."
        )
    settings = {
        "activation": layer.activation.__name__,
        "recurrent_activation": layer.recurrent_activation.__name__,
        "use_bias": layer.use_bias,
        "go_backwards": layer.go_backwards,
    }
    if settings != {
        "activation": "tanh",
        "recurrent_activation": "sigmoid",
        "use_bias": True,
        "go_backwards": False,
    }:
        raise ValueError(
            f"Layer {layer.name!r} must use Keras' defaults activation='tanh', "
            "recurrent_activation='sigmoid', use_bias=True, go_backwards=False, which "
            f"are what our NumPy cells implement. Received: {settings}"
        )
    if isinstance(layer, keras.layers.LSTM):
        return lstm_forward(inputs, *layer.get_weights(), mask=mask, return_gates=True)
    return gru_forward(
        inputs, *layer.get_weights(), mask=mask, reset_after=layer.reset_after, return_gates=True
    )


def recurrent_layer(model):
    """The LSTM or GRU layer of a model from `build_rnn_model`.

    Raises:
        ValueError: for a model without one (a SimpleRNN, a bidirectional
            layer or a bag of words), which our NumPy gate code does not read.
    """
    for layer in model.layers:
        if isinstance(layer, (keras.layers.LSTM, keras.layers.GRU)):
            return layer
    raise ValueError(
        f"Model {model.name!r} has no (one-directional) LSTM or GRU layer to look "
        "inside. Use a model from build_rnn_model(cell='lstm') or cell='gru'."
    )


# Reviews read at a time: memory then grows with the steps kept (float32), not with the
# NumPy cells' float64 work, which a class's per-learner memory limit would not hold for 1,000.
READ_CHUNK = 50


def read_reviews(model, x, *, keep_steps=True):
    """Runs reviews through the model with the NumPy cells, keeping every step.

    Args:
        model: a trained model from `build_rnn_model` with an LSTM or GRU.
        x: post-padded word ids, shape `(reviews, timesteps)`.
        keep_steps: keep what every step holds (`hidden`, `gates`,
            `step_probabilities`, as float32); `False` keeps the final states
            only, for many reviews in little memory.

    Returns:
        A dict:
        - `hidden`: the hidden state after each word, `(reviews, timesteps, units)`;
        - `final`: the hidden state after the last real word, `(reviews, units)`;
        - `gates`: each gate of `GATE_NAMES` the cell has, after each word,
          NaN at padding (not the candidate or the cell state, whose memory
          1,000 reviews could not spare);
        - `step_probabilities`: the classifier head applied to each step's
          hidden state, `(reviews, timesteps)`, NaN at padding;
        - `mask`: `x != 0`;
        - `keras_gap`: the largest difference between our final state and
          the Keras layer's output on the same reviews.
        Without `keep_steps`, only `final`, `mask` and `keras_gap`.
    """
    x = np.asarray(x)
    layer = recurrent_layer(model)
    keras_layer = keras.Model(model.input, layer.output)
    read = dict(mask=x != 0, keras_gap=0.0)
    for start in range(0, len(x), READ_CHUNK):
        rows = slice(start, start + READ_CHUNK)
        ids, mask = x[rows], read["mask"][rows]
        embedded = np.asarray(model.get_layer("embedding")(ids))
        hidden, final_states, gates = recurrent_layer_forward(layer, embedded, mask=mask)
        final = final_states[0] if isinstance(final_states, tuple) else final_states
        gap = float(np.abs(final - np.asarray(keras_layer(ids))).max())
        read["keras_gap"] = max(read["keras_gap"], gap)
        # Each chunk is written into arrays made once: a list of chunks joined at the end
        # would hold every step twice.
        _fill(read, "final", rows, final, len(x))
        if keep_steps:
            probabilities = classifier_head(model, hidden.reshape(-1, hidden.shape[-1]))
            _fill(read, "hidden", rows, hidden, len(x))
            _fill(
                read,
                "step_probabilities",
                rows,
                np.where(mask, probabilities.reshape(ids.shape), np.nan),
                len(x),
            )
            for name in GATE_NAMES:
                if name in gates:
                    _fill(read.setdefault("gates", {}), name, rows, gates[name], len(x))
    # The chunks' float64 work is freed, but the C library would keep it for the kernel.
    return_freed_memory()
    return read


def _fill(arrays, key, rows, values, total):
    """Writes `values` into `arrays[key][rows]`, making `arrays[key]` (float32) the first time."""
    if key not in arrays:
        arrays[key] = np.empty((total, *values.shape[1:]), dtype=np.float32)
    arrays[key][rows] = values


def classifier_head(model, hidden_states):
    """The layers after the recurrent one, applied to any hidden states.

    Args:
        model: a model from `build_rnn_model`.
        hidden_states: shape `(n, units)`.

    Returns:
        The probability of "positive" for each state, shape `(n,)`.
    """
    layers = model.layers
    start = layers.index(recurrent_layer(model)) + 1
    out = hidden_states
    for layer in layers[start:]:
        out = layer(out, training=False)
    return np.asarray(out).reshape(-1)


def most_varying_units(values, count):
    """The units whose value swings most over the words: the largest max - min.

    Args:
        values: one review's gate (or state) values, shape `(words, units)`.
        count: how many units to return.

    Returns:
        The indices of those units, the largest swing first.
    """
    count = check_positive_int("count", count)
    values = np.asarray(values, dtype=float)
    return np.argsort(-np.ptp(values, axis=0), kind="stable")[:count]


def gate_panels(words, gates, names, *, units=12, start=0, max_words=40):
    """What `plot_gates` draws: for each gate, the units that swing most over a window of words.

    At most `max_words` words are kept, from `start`, so that their labels stay
    readable; over those words each gate keeps the `units` units whose value
    swings most (`most_varying_units`).

    Args:
        words: the review's words.
        gates: a dict name -> array `(timesteps, all_units)` for one review
            (a row of `read_reviews(...)["gates"]`).
        names: the gates to keep, e.g. `("forget", "input", "output")`.
        units: how many units to keep per gate.
        start: the index of the first word kept.
        max_words: how many words to keep at most, from `start`.

    Returns:
        A dict: `words` (the words kept), `start` and `stop` (where they are
        in `words`, `stop` excluded), `total_words` (`len(words)`), `units`
        (per gate, the indices of the units kept, largest swing first) and
        `values` (per gate, their values over the words kept, shape
        `(words kept, units kept)`).
    """
    units = check_positive_int("units", units)
    max_words = check_positive_int("max_words", max_words)
    start = check_int_in_range("start", start, 0, len(words) - 1)
    stop = min(len(words), start + max_words)
    kept, values = {}, {}
    for name in names:
        window = np.asarray(gates[name], dtype=float)[start:stop]
        kept[name] = most_varying_units(window, units)
        values[name] = window[:, kept[name]]
    return dict(
        words=list(words[start:stop]),
        start=start,
        stop=stop,
        total_words=len(words),
        units=kept,
        values=values,
    )


def occlusion_importance(model, ids, replacement=None):
    """How much each word moves the prediction: delete it (or replace it) and see what changes.

    Args:
        model: a trained classifier.
        ids: one review's word ids (no padding), starting with the start id 1.
        replacement: `None` deletes each word in turn, so the later words move one step
            earlier; a word id (e.g. 2, the out-of-vocabulary id) takes its place instead, so
            every other word keeps its place and the review its length.

    Returns:
        An array of shape `(len(ids),)`: `P(positive with the word) -
        P(positive without it)`; positive values are words that push towards
        "positive". The start id gets 0.
    """
    ids = [int(i) for i in ids if int(i) != 0]
    if len(ids) < 2:
        raise ValueError(
            f"Argument `ids` needs the start id and at least one word. Received: ids={ids}"
        )
    instead = [] if replacement is None else [check_positive_int("replacement", replacement)]
    rows = np.zeros((len(ids), len(ids)), dtype=np.int32)  # row 0: the whole review
    rows[0] = ids
    for i in range(1, len(ids)):
        changed = ids[:i] + instead + ids[i + 1 :]
        rows[i, : len(changed)] = changed
    probabilities = predict_proba(model, rows)
    importance = probabilities[0] - probabilities
    importance[0] = 0.0
    return importance


def gate_changes(read):
    """How much each gate moves at each word: the change since the word before, over the units.

    Args:
        read: what `read_reviews` returned.

    Returns:
        A dict gate name -> array `(reviews, timesteps)`: the mean over the
        units of `|gate after the word - gate after the word before|`; NaN at
        the first step and at padding.
    """
    changes = {}
    for name in GATE_NAMES:
        if name in read["gates"]:
            values = read["gates"][name]
            change = np.full(values.shape[:2], np.nan)
            # A review at a time: the differences of 1,000 reviews at once would need the
            # memory of their gates again.
            for review, gates in enumerate(values):
                change[review, 1:] = np.abs(np.diff(gates, axis=0)).mean(axis=-1)
            changes[name] = change
    return changes


def opinion_turns(read, x, word, word_index, *, within=5):
    """Where the model changes its mind at a word, e.g. *but*: its opinion crosses 0.5.

    At each place the word occurs (after the start id), the opinion before it
    (the head on the state before the word) is compared with the opinion
    after the word and after each of the `within` words that follow it; the
    turn is the first of these on the other side of 0.5.

    Args:
        read: what `read_reviews` returned for `x`.
        x: the reviews' word ids, post-padded, shape `(reviews, timesteps)`.
        word: the word, e.g. `"but"`.
        word_index: dict word -> frequency rank, from `get_word_index`.
        within: how many words after it the turn may come.

    Returns:
        A list with one dict per turn, in the order of the reviews: `review`
        (its row in `x`), `word` (the word's position), `turn` (the position of
        the word after which the opinion has crossed 0.5: `word` itself, or up
        to `within` words later) and `moved` (the gate that moved most at the
        turn, see `gate_changes`: e.g. `"output"`).
    """
    x = np.asarray(x)
    word_id = _word_id(word, word_index)
    within = check_positive_int("within", within)
    opinion = read["step_probabilities"]
    changes = gate_changes(read)
    turns = []
    for review, place in zip(*np.nonzero(x == word_id)):
        if place == 0:
            continue
        after = opinion[review, place : place + within + 1]
        crossed = np.flatnonzero((opinion[review, place - 1] - 0.5) * (after - 0.5) < 0)
        if crossed.size:
            turn = int(place + crossed[0])
            moved = max(changes, key=lambda name: changes[name][review, turn])
            turns.append(dict(review=int(review), word=int(place), turn=turn, moved=moved))
    return turns


def reviews_with_word(x, word, word_index):
    """The rows of `x` that contain a word, e.g. to read only those with `read_reviews`.

    Args:
        x: the reviews' word ids, shape `(reviews, timesteps)`.
        word: the word, e.g. `"but"`.
        word_index: dict word -> frequency rank, from `get_word_index`.

    Returns:
        The row numbers, ascending, as an int array.
    """
    return np.flatnonzero((np.asarray(x) == _word_id(word, word_index)).any(axis=1))


def _word_id(word, word_index):
    """The id of one word of the word index, or a clear error naming it."""
    word_id = words_to_ids([word], word_index)[1:]
    if not word_id:
        raise ValueError(f"Argument `word` must be a word of the word index. Received: {word!r}")
    return word_id[0]


def pca_2d(states):
    """Projects vectors onto their two directions of largest variance (PCA with NumPy).

    Args:
        states: shape `(n, features)`.

    Returns:
        A dict: `projected` `(n, 2)`, `components` `(2, features)` (unit
        vectors), `mean` `(features,)` and `explained` (fraction of the
        variance along each component).
    """
    states = np.asarray(states, dtype=float)
    if states.ndim != 2 or states.shape[0] < 2:
        raise ValueError(
            "Argument `states` must have shape (n, features) with n >= 2. "
            f"Received: shape {states.shape}"
        )
    mean = states.mean(axis=0)
    _, singular_values, vt = np.linalg.svd(states - mean, full_matrices=False)
    variance = singular_values**2
    return dict(
        projected=(states - mean) @ vt[:2].T,
        components=vt[:2],
        mean=mean,
        explained=variance[:2] / variance.sum(),
    )


def hidden_state_map(final_states, labels, paths=(), *, path_names=None):
    """What `plot_hidden_states` draws: final states and word-by-word paths, projected to 2-D.

    The final states are projected on their two directions of largest
    variance (`pca_2d`), and every path in the same projection.

    Args:
        final_states: the final hidden state of each review, `(reviews, units)`.
        labels: 0/1 per review.
        paths: `(hidden_states, label)` pairs, `hidden_states` of shape
            `(words, units)`: one review's state after each of its words.
        path_names: optional, one name per path for the legend (e.g.
            `"test review 241"`).

    Returns:
        A dict: `points` (the final states projected, `(reviews, 2)`),
        `labels` (ints), `explained` (the share of the variance along each
        direction), `paths` (`(points, label)` pairs, `points` of shape
        `(words, 2)`), `path_names` (one name or `None` per path) and
        `starts` (the distinct first points of the paths, rounded to 6
        decimals, `(k, 2)`).
    """
    pca = pca_2d(final_states)
    projected = [
        ((np.asarray(states, dtype=float) - pca["mean"]) @ pca["components"].T, int(label))
        for states, label in paths
    ]
    starts = np.unique(np.round([points[0] for points, _ in projected], 6).reshape(-1, 2), axis=0)
    path_names = [None] * len(projected) if path_names is None else list(path_names)
    if len(path_names) != len(projected):
        raise ValueError(
            f"Argument `path_names` must name each of the {len(projected)} paths. "
            f"Received: path_names={path_names!r}"
        )
    return dict(
        points=pca["projected"],
        labels=np.asarray(labels).astype(int),
        explained=pca["explained"],
        paths=projected,
        path_names=path_names,
        starts=starts,
    )


def head_direction(model, states):
    """The direction of the hidden state that the classifier head reads, near `states`.

    The head is not linear (Dense with ReLU, then a sigmoid), so this is its
    linearisation: the gradient of the head's logit (the number before the
    sigmoid) with respect to the state, averaged over `states`. For the
    course's head it is `W1 @ (mean ReLU slope * w2)`.

    Args:
        model: a model from `build_rnn_model` (an LSTM or GRU, an optional
            hidden Dense layer named `"dense"`, then `"sentiment"`).
        states: hidden states to linearise at, shape `(n, units)`.

    Returns:
        A unit vector of shape `(units,)`: moving the state along it raises
        P(positive) fastest, on average over `states`.
    """
    states = np.asarray(states, dtype=float)
    direction = model.get_layer("sentiment").get_weights()[0][:, 0]
    if "dense" in [layer.name for layer in model.layers]:
        kernel, bias = model.get_layer("dense").get_weights()
        slope = (states @ kernel + bias > 0).mean(axis=0)  # ReLU's slope, averaged
        direction = kernel @ (slope * direction)
    return direction / np.linalg.norm(direction)


def component_1_and_head(model, final_states, labels):
    """Compares the map's component 1 with the direction the classifier head reads.

    Args:
        model: the model the states come from (see `head_direction`).
        final_states: the reviews' final hidden states, `(reviews, units)`.
        labels: 0/1 per review.

    Returns:
        A dict: `explained` (variance share of components 1 and 2),
        `cosine` (|cosine| of the angle between component 1 and the head's
        direction: 1 the same line, 0 at right angles), `angle` (that angle
        in degrees, 0 to 90), `sorted_by_component_1` and `sorted_by_head`
        (the best accuracy of one threshold along each direction, see
        `separation_along`).
    """
    final_states = np.asarray(final_states, dtype=float)
    pca = pca_2d(final_states)
    direction = head_direction(model, final_states)
    cosine = float(abs(pca["components"][0] @ direction))
    return dict(
        explained=pca["explained"],
        cosine=cosine,
        angle=float(np.degrees(np.arccos(min(cosine, 1.0)))),
        sorted_by_component_1=separation_along(pca["projected"][:, 0], labels),
        sorted_by_head=separation_along(final_states @ direction, labels),
    )


def separation_along(projected, labels):
    """How well one coordinate separates the labels: the best accuracy of a threshold on it.

    Args:
        projected: values, shape `(n,)`.
        labels: 0/1 per value.

    Returns:
        The fraction of reviews a single threshold on `projected` (either
        direction) classifies correctly: 0.5 is no separation, 1.0 perfect.
    """
    values = np.asarray(projected, dtype=float)
    labels = np.asarray(labels).astype(int)
    order = np.argsort(values, kind="stable")
    sorted_labels = labels[order]
    # Threshold after position k: the first k reviews predicted 0, the rest 1.
    zeros_before = np.concatenate([[0], np.cumsum(sorted_labels == 0)])
    ones_after = np.concatenate([[0], np.cumsum(sorted_labels[::-1] == 1)])[::-1]
    correct = (zeros_before + ones_after) / len(values)
    return float(max(correct.max(), (1 - correct).max()))


def padding_washout(model, x):
    """How different reviews' hidden states are at their last word, and after the padding.

    Without a mask, a post-padded review is followed by a run of zeros that
    the recurrent layer reads like words: step after step the same input
    drives every review's state towards the same point, so what the final
    state knew about the review fades. This measures it.

    Args:
        model: a model from `build_rnn_model` with an LSTM or GRU.
        x: post-padded word ids, shape `(reviews, timesteps)`.

    Returns:
        A dict: `at_last_word` and `at_end`, the spread of the hidden states
        across reviews (standard deviation over reviews, averaged over units)
        at each review's last real word and at the last time step (after the
        padding); and `padding_steps`, the mean number of padding steps read.
    """
    x = np.asarray(x)
    layer = recurrent_layer(model)
    embedded = np.asarray(model.get_layer("embedding")(x))
    hidden, _, _ = recurrent_layer_forward(layer, embedded)  # no mask: zeros are read
    lengths = np.count_nonzero(x, axis=1)
    at_last_word = hidden[np.arange(len(x)), lengths - 1]
    return dict(
        at_last_word=float(at_last_word.std(axis=0).mean()),
        at_end=float(hidden[:, -1].std(axis=0).mean()),
        padding_steps=float(np.mean(x.shape[1] - lengths)),
    )
