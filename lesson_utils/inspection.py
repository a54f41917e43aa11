"""Looking inside a trained review classifier (notebook 05).

The recurrent layer's weights go through the NumPy cells of notebook 03
(`recurrent_layer_forward`), which return the hidden state and every gate
after every word; the classifier head (the layers after the recurrent one)
then turns each hidden state into "the sentiment so far". Deleting one word
at a time says which words matter; a PCA of the hidden states shows how
reviews move through the state space.
"""

import html

import keras
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from .cells import recurrent_layer_forward
from .plots import DIVERGING_CMAP, HEATMAP_CMAP, PALETTE, figure_size, thin_line
from .training import predict_proba
from .validation import check_positive_int

LABEL_COLORS = {0: PALETTE["vermillion"], 1: PALETTE["blue"]}
LABEL_NAMES = {0: "negative", 1: "positive"}


def recurrent_layer(model):
    """The LSTM or GRU layer of a model from `build_rnn_model`.

    Raises:
        ValueError: for a model without one (a SimpleRNN, a bidirectional
            layer or a bag of words), which our NumPy gate code does not read.
    """
    for layer in model.layers:
        if isinstance(layer, (keras.layers.LSTM, keras.layers.GRU)):
            return layer
    raise ValueError(f"Model {model.name!r} has no (one-directional) LSTM or GRU layer to look "
                     "inside. Use a model from build_rnn_model(cell='lstm') or cell='gru'.")


def read_reviews(model, x):
    """Runs reviews through the model with the NumPy cells, keeping every step.

    Args:
        model: a trained model from `build_rnn_model` with an LSTM or GRU.
        x: post-padded word ids, shape `(reviews, timesteps)`.

    Returns:
        A dict:
        - `hidden`: the hidden state after each word, `(reviews, timesteps, units)`;
        - `final`: the hidden state after the last real word, `(reviews, units)`;
        - `gates`: each gate after each word (see `recurrent_layer_forward`),
          NaN at padding;
        - `step_probabilities`: the classifier head applied to each step's
          hidden state, `(reviews, timesteps)`, NaN at padding;
        - `mask`: `x != 0`;
        - `keras_gap`: the largest difference between our final state and
          the Keras layer's output on the same reviews.
    """
    x = np.asarray(x)
    layer = recurrent_layer(model)
    mask = x != 0
    embedded = np.asarray(model.get_layer("embedding")(x))
    hidden, final_states, gates = recurrent_layer_forward(layer, embedded, mask=mask)
    final = final_states[0] if isinstance(final_states, tuple) else final_states
    keras_final = np.asarray(keras.Model(model.input, layer.output)(x))
    probabilities = classifier_head(model, hidden.reshape(-1, hidden.shape[-1]))
    probabilities = np.where(mask, probabilities.reshape(x.shape), np.nan)
    return dict(hidden=hidden, final=final, gates=gates, step_probabilities=probabilities,
                mask=mask, keras_gap=float(np.abs(final - keras_final).max()))


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


def plot_sentiment_as_read(words, probabilities, *, label=None,
                           title="The model's opinion after each word"):
    """The predicted probability of "positive" after each word of one review.

    Args:
        words: the review's words (as `ids_to_words` returns).
        probabilities: one probability per word.
        label: the review's true label (0/1), shown in the title, or `None`.
        title: the figure's title.

    Returns:
        A matplotlib `Figure`.
    """
    probabilities = np.asarray(probabilities, dtype=float)
    if len(words) != len(probabilities):
        raise ValueError(f"Got {len(words)} words but {len(probabilities)} probabilities: "
                         "pass one probability per word.")
    fig, ax = plt.subplots(figsize=figure_size(max(1.0, 0.023 * len(words)), 0.95))
    steps = np.arange(len(words))
    ax.axhline(0.5, color=PALETTE["black"], linestyle=":", linewidth=thin_line())
    ax.fill_between(steps, 0.5, probabilities, where=probabilities >= 0.5, step="mid",
                    color=LABEL_COLORS[1], alpha=0.25, label="leans positive")
    ax.fill_between(steps, 0.5, probabilities, where=probabilities < 0.5, step="mid",
                    color=LABEL_COLORS[0], alpha=0.25, label="leans negative")
    ax.plot(steps, probabilities, drawstyle="steps-mid", color=PALETTE["black"])
    ax.set_xticks(steps, words, rotation=90, fontsize="small")
    ax.set_xlim(-0.5, len(words) - 0.5)
    ax.set_ylim(0, 1)
    ax.set_xlabel("Word of the review (read left to right)")
    ax.set_ylabel("P(positive) so far")
    if label is not None:
        title = f"{title} (true label: {LABEL_NAMES[int(label)]})"
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize="small")
    return fig


def plot_gates(words, gates, names, *, units=12, cell="lstm",
               title="Gate values after each word"):
    """Heatmaps of gates over the words of one review, one panel per gate.

    Args:
        words: the review's words.
        gates: a dict name -> array `(timesteps, all_units)` for one review
            (a row of `read_reviews(...)["gates"]`).
        names: the gates to draw, e.g. `("forget", "input", "output")`.
        units: how many units to show: those whose gate varies most over
            the review.
        cell: `"lstm"` or `"gru"`, for the title.
        title: the figure's title.

    Returns:
        A matplotlib `Figure`.
    """
    units = check_positive_int("units", units)
    n = len(words)
    fig, axes = plt.subplots(len(names), 1, figsize=figure_size(max(1.0, 0.023 * n), 0.25 + 0.375 * len(names)),
                             sharex=True, squeeze=False)
    image = None
    for ax, name in zip(axes[:, 0], names):
        values = np.asarray(gates[name])[:n]
        shown = np.argsort(-np.nanstd(values, axis=0), kind="stable")[:units]
        image = ax.imshow(values[:, shown].T, aspect="auto", cmap=HEATMAP_CMAP, vmin=0, vmax=1,
                          interpolation="nearest")
        ax.set_ylabel(f"{name}\ngate units")
        ax.set_yticks([])
        ax.grid(False)
    axes[-1, 0].set_xticks(np.arange(n), words, rotation=90, fontsize="small")
    axes[-1, 0].set_xlabel("Word of the review")
    fig.colorbar(image, ax=axes[:, 0].tolist(), label="Gate value (0 closed, 1 open)", shrink=0.8)
    fig.suptitle(f"{title}: {cell.upper()}, the {units} most active units")
    return fig


def occlusion_importance(model, ids):
    """How much each word moves the prediction: delete it and see what changes.

    Args:
        model: a trained classifier.
        ids: one review's word ids (no padding), starting with the start id 1.

    Returns:
        An array of shape `(len(ids),)`: `P(positive with the word) -
        P(positive without it)`; positive values are words that push towards
        "positive". The start id gets 0.
    """
    ids = [int(i) for i in ids if int(i) != 0]
    if len(ids) < 2:
        raise ValueError(f"Argument `ids` needs the start id and at least one word. Received: {ids}")
    rows = np.zeros((len(ids), len(ids)), dtype=np.int32)  # row 0: the whole review
    rows[0] = ids
    for i in range(1, len(ids)):
        without = ids[:i] + ids[i + 1:]
        rows[i, :len(without)] = without
    probabilities = predict_proba(model, rows)
    importance = probabilities[0] - probabilities
    importance[0] = 0.0
    return importance


def highlight_words(words, scores, *, scale=None):
    """A review as HTML, each word shaded by its score (purple: positive, orange: negative).

    Args:
        words: the words.
        scores: one number per word (e.g. from `occlusion_importance`).
        scale: the score that gets the strongest colour; `None` uses the
            largest absolute score.

    Returns:
        An HTML string, for `IPython.display.HTML`.
    """
    scores = np.asarray(scores, dtype=float)
    if len(words) != len(scores):
        raise ValueError(f"Got {len(words)} words but {len(scores)} scores: pass one per word.")
    scale = scale or float(np.abs(scores).max()) or 1.0
    cmap = mpl.colormaps[DIVERGING_CMAP]
    spans = []
    for word, score in zip(words, scores):
        color = mpl.colors.to_hex(cmap(0.5 + 0.5 * np.clip(score / scale, -1, 1)))
        spans.append(f'<span style="background:{color};color:black;padding:1px 2px;'
                     f'border-radius:3px" title="{score:+.3f}">{html.escape(word)}</span>')
    low, high = (mpl.colors.to_hex(cmap(v)) for v in (0.0, 1.0))
    legend = (f'<p style="font-size:90%"><span style="background:{high};color:white;padding:1px 4px">'
              f'pushes towards positive</span> <span style="background:{low};color:black;'
              f'padding:1px 4px">pushes towards negative</span> (hover a word for its score; '
              f"strongest colour = {scale:.3f})</p>")
    return legend + '<div style="line-height:1.9">' + " ".join(spans) + "</div>"


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
        raise ValueError("Argument `states` must have shape (n, features) with n >= 2. "
                         f"Received: shape {states.shape}")
    mean = states.mean(axis=0)
    _, singular_values, vt = np.linalg.svd(states - mean, full_matrices=False)
    variance = singular_values ** 2
    return dict(projected=(states - mean) @ vt[:2].T, components=vt[:2], mean=mean,
                explained=variance[:2] / variance.sum())


def plot_hidden_states(pca, labels, trajectories=(), *, cell="lstm",
                       title="Final hidden states of test reviews, projected to 2-D"):
    """Scatter of projected final states coloured by label, with optional word-by-word paths.

    Args:
        pca: as `pca_2d` returns (fitted on the final states).
        labels: 0/1 per projected state.
        trajectories: `(hidden_states, label)` pairs, `hidden_states` of shape
            `(words, units)`: drawn as paths in the same projection.
        cell: `"lstm"` or `"gru"`, for the title.
        title: the figure's title.

    Returns:
        A matplotlib `Figure`.
    """
    labels = np.asarray(labels).astype(int)
    fig, ax = plt.subplots(figsize=figure_size(1.0, 1.4))
    for value, marker in ((0, "o"), (1, "s")):
        points = pca["projected"][labels == value]
        ax.scatter(points[:, 0], points[:, 1], s=12, alpha=0.45, marker=marker,
                   color=LABEL_COLORS[value], label=f"{LABEL_NAMES[value]} review (final state)")
    for states, label in trajectories:
        path = (np.asarray(states) - pca["mean"]) @ pca["components"].T
        ax.plot(path[:, 0], path[:, 1], color=LABEL_COLORS[int(label)], marker=".")
        ax.annotate("start", path[0], fontsize="small")
        ax.scatter(*path[-1], s=120, marker="*", color=LABEL_COLORS[int(label)],
                   edgecolor=PALETTE["black"], zorder=3)
    ax.set_xlabel(f"Component 1 ({pca['explained'][0]:.0%} of the variance)")
    ax.set_ylabel(f"Component 2 ({pca['explained'][1]:.0%} of the variance)")
    ax.set_title(f"{title} ({cell.upper()})")
    ax.legend(loc="best", fontsize="small")
    return fig


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
    return dict(at_last_word=float(at_last_word.std(axis=0).mean()),
                at_end=float(hidden[:, -1].std(axis=0).mean()),
                padding_steps=float(np.mean(x.shape[1] - lengths)))
