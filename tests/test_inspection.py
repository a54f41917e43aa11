"""Looking inside a model: NumPy cells equal Keras, the head per step, occlusion, PCA."""

import re

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from lesson_utils import build_rnn_model
from lesson_utils.experiments import inspection
from lesson_utils.experiments.gates import randomize_weights
from lesson_utils.experiments.inspection import (
    component_1_and_head,
    gate_panels,
    head_direction,
    hidden_state_map,
    most_varying_units,
    occlusion_importance,
    pca_2d,
    read_reviews,
    recurrent_layer,
    separation_along,
)
from lesson_utils.figures.inspection import (
    DISPLAY_WIDTH_PX,
    MIN_LABEL_PX,
    highlight_words,
    plot_gates,
    plot_hidden_states,
    plot_sentiment_as_read,
)
from lesson_utils.figures.style import contrast_ratio, readable_text_color, relative_luminance
from lesson_utils.models.bag_of_words import build_bag_of_words_model
from lesson_utils.scratch.cells import sigmoid
from lesson_utils.training.fit import predict_proba

X = np.array([[1, 5, 7, 9, 3, 0], [1, 8, 2, 0, 0, 0], [1, 4, 4, 4, 4, 4]])


def random_model(cell):
    model = build_rnn_model(vocab_size=12, embedding_dim=4, lstm_units=3, dense_units=5, cell=cell)
    randomize_weights(recurrent_layer(model), seed=1)
    randomize_weights(model.get_layer("dense"), seed=2)
    return model


@pytest.mark.parametrize(
    "cell, gate_names", [("lstm", ("input", "forget", "output")), ("gru", ("update", "reset"))]
)
def test_numpy_reading_equals_keras(cell, gate_names):
    model = random_model(cell)
    read = read_reviews(model, X)
    assert read["keras_gap"] < 1e-5
    lengths = (X != 0).sum(axis=1)
    last = read["step_probabilities"][np.arange(len(X)), lengths - 1]
    np.testing.assert_allclose(last, predict_proba(model, X), atol=1e-5)
    assert np.isnan(read["step_probabilities"][1, 3:]).all()
    embedded = np.asarray(model.get_layer("embedding")(X))
    expected = keras_layout_gates(recurrent_layer(model), embedded, read["hidden"])
    mask = X != 0
    assert set(read["gates"]) == set(gate_names), "the sigmoid gates, and nothing else"
    for name in gate_names:
        np.testing.assert_allclose(read["gates"][name][mask], expected[name][mask], atol=1e-5)
        assert np.isnan(read["gates"][name][~mask]).all(), "no gate at padding"


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_reading_in_chunks_gives_what_one_pass_gives(cell, monkeypatch):
    """Reviews are read a few at a time, so that 1,000 fit a learner's memory limit."""
    model = random_model(cell)
    whole = read_reviews(model, X)
    monkeypatch.setattr(inspection, "READ_CHUNK", 2)
    chunked = read_reviews(model, X)
    # Equal up to the last bits of a matrix product over another number of rows.
    for key in ("hidden", "final", "step_probabilities"):
        np.testing.assert_allclose(chunked[key], whole[key], atol=1e-6)
    np.testing.assert_array_equal(chunked["mask"], whole["mask"])
    for name, values in whole["gates"].items():
        assert values.dtype == np.float32
        np.testing.assert_allclose(chunked["gates"][name], values, atol=1e-6)
    final_only = read_reviews(model, X, keep_steps=False)
    assert set(final_only) == {"final", "mask", "keras_gap"} and final_only["keras_gap"] < 1e-5
    np.testing.assert_allclose(final_only["final"], whole["final"], atol=1e-6)


def keras_layout_gates(layer, embedded, hidden):
    """The gates after each word, from the layer's weights in Keras' layout (LSTM: i, f, c, o;
    GRU with reset_after: z, r, h and an input and a recurrent bias), given the hidden states."""
    kernel, recurrent_kernel, bias = layer.get_weights()
    units = recurrent_kernel.shape[0]
    h_prev = np.concatenate([np.zeros_like(hidden[:, :1]), hidden[:, :-1]], axis=1)
    h_prev = np.nan_to_num(h_prev)  # the state after a padded step is never read as real
    if isinstance(layer, keras.layers.LSTM):
        z = embedded @ kernel + h_prev @ recurrent_kernel + bias
        i, f, _, o = (z[..., k * units : (k + 1) * units] for k in range(4))
        return {"input": sigmoid(i), "forget": sigmoid(f), "output": sigmoid(o)}
    x = embedded @ kernel + bias[0]
    h = h_prev @ recurrent_kernel + bias[1]
    return {
        "update": sigmoid(x[..., :units] + h[..., :units]),
        "reset": sigmoid(x[..., units : 2 * units] + h[..., units : 2 * units]),
    }


def test_models_without_an_lstm_or_gru_are_refused():
    with pytest.raises(ValueError, match="no \\(one-directional\\) LSTM or GRU"):
        recurrent_layer(build_bag_of_words_model(vocab_size=12))
    with pytest.raises(ValueError, match="LSTM or GRU"):
        recurrent_layer(build_rnn_model(vocab_size=12, cell="lstm", bidirectional=True))


def test_occlusion_is_the_change_when_a_word_is_deleted():
    model = random_model("lstm")
    ids = [1, 5, 7, 9, 3]
    importance = occlusion_importance(model, ids)
    full = predict_proba(model, np.array([ids]))[0]
    without_7 = predict_proba(model, np.array([[1, 5, 9, 3]]))[0]
    assert importance[0] == 0
    assert importance[2] == pytest.approx(full - without_7, abs=1e-6)
    with pytest.raises(ValueError, match="at least one word"):
        occlusion_importance(model, [1])


def test_highlighted_words_are_escaped_and_coloured():
    page = highlight_words(["good", "<b>"], [0.2, -0.1])
    assert "&lt;b&gt;" in page and "<b>" not in page.split("</p>", 1)[1]
    assert page.count("background:") == 5  # three legend chips, two words
    with pytest.raises(ValueError, match="one per word"):
        highlight_words(["a"], [1, 2])


def test_wcag_contrast_formula():
    assert contrast_ratio("black", "white") == pytest.approx(21)
    assert contrast_ratio("white", "white") == pytest.approx(1)
    assert contrast_ratio("#777777", "white") == pytest.approx(4.48, abs=0.01)  # WCAG's example
    assert relative_luminance("#0072B2") == pytest.approx(0.1525, abs=1e-3)
    assert readable_text_color("#7f3b08") == "#ffffff"  # white on dark brown
    assert readable_text_color("#f7f7f7") == "#000000"


def chips(page):
    """(text colour, background, text) of every coloured span of a highlight page."""
    found = re.findall(r'<span style="([^"]*)"[^>]*>([^<]*)</span>', page)
    styles = [dict(item.split(":", 1) for item in style.split(";") if item) for style, _ in found]
    return [
        (style.get("color", "black"), style["background"], text)
        for style, (_, text) in zip(styles, found)
    ]


def test_every_highlight_and_legend_chip_reaches_wcag_aa_contrast():
    scores = np.linspace(-1, 1, 401)
    page = highlight_words([f"w{i}" for i in range(len(scores))], scores)
    found = chips(page)
    for text_color, background, text in found:
        assert contrast_ratio(text_color, background) >= 4.5, (text, text_color, background)
    assert len(found) == len(scores) + 3  # every word and the three legend chips
    assert any("negative" in text for _, _, text in found[:3])


def test_both_ends_of_the_highlight_scale_are_clearly_coloured():
    page = highlight_words(["bad", "good"], [-1.0, 1.0])
    for _, background, _ in chips(page)[-2:]:
        red, green, blue = (int(background[i : i + 2], 16) for i in (1, 3, 5))
        assert max(red, green, blue) - min(red, green, blue) > 150, background  # not grey
    weak = chips(highlight_words(["meh", "big"], [0.3, 1.0]))[-2][1]
    assert weak != "#ffffff" and int(weak[1:3], 16) < int(weak[5:7], 16)  # a weak push is blue too


def test_pca_finds_the_direction_of_largest_variance():
    rng = np.random.default_rng(0)
    states = rng.normal(size=(500, 3)) * [5.0, 1.0, 0.1]
    pca = pca_2d(states)
    assert abs(pca["components"][0, 0]) > 0.99
    np.testing.assert_allclose(pca["components"] @ pca["components"].T, np.eye(2), atol=1e-10)
    variances = np.sort(np.linalg.eigvalsh(np.cov(states.T)))[::-1]
    np.testing.assert_allclose(pca["projected"].var(axis=0, ddof=1), variances[:2])
    np.testing.assert_allclose(pca["explained"], variances[:2] / variances.sum())


def test_separation_along_one_coordinate():
    assert separation_along([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]) == 1.0
    assert separation_along([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0]) == 1.0
    assert separation_along([0.1, 0.2, 0.8, 0.9], [0, 1, 0, 1]) == 0.75


def test_figures_have_titles_and_labels():
    model = random_model("lstm")
    read = read_reviews(model, X)
    words = ["[START]", "a", "b", "c", "d"]
    figs = [
        plot_sentiment_as_read(words, read["step_probabilities"][0, :5], label=1),
        plot_gates(
            gate_panels(
                words,
                {k: v[0] for k, v in read["gates"].items()},
                ("forget", "input", "output"),
                units=2,
            )
        ),
    ]
    figs.append(
        plot_hidden_states(hidden_state_map(read["final"], [1, 0, 1], [(read["hidden"][0, :5], 1)]))
    )
    as_read, gates, states = figs
    ax = as_read.axes[0]
    assert ax.get_title() == "The model's opinion after each word (true label: positive)"
    assert (ax.get_xlabel(), ax.get_ylabel()) == (
        "Word of the review (read left to right)",
        "P(positive) so far",
    )
    assert gates.get_suptitle() == (
        "Gate values after each word: LSTM, the 2 units whose gate swings most"
    )
    assert [ax.get_xlabel() for ax in gates.axes if ax.get_xlabel()] == ["Word of the review"]
    ax = states.axes[0]
    explained = pca_2d(read["final"])["explained"]
    assert ax.get_title() == "Final hidden states of test reviews, projected to 2-D (LSTM)"
    assert (ax.get_xlabel(), ax.get_ylabel()) == (
        f"Component 1 ({explained[0]:.0%} of the variance)",
        f"Component 2 ({explained[1]:.0%} of the variance)",
    )
    with pytest.raises(ValueError, match="one probability per word"):
        plot_sentiment_as_read(words, [0.5])


def displayed_label_px(fig, label):
    """A tick label's font size in screen pixels once the notebook fits the figure to its width."""
    width_px = fig.get_figwidth() * fig.dpi
    return label.get_fontsize() * fig.dpi / 72 * min(1.0, DISPLAY_WIDTH_PX / width_px)


def word_labels_overlap(fig, ax):
    fig.canvas.draw()
    boxes = [label.get_window_extent() for label in ax.get_xticklabels() if label.get_text()]
    return any(a.x1 > b.x0 + 0.5 for a, b in zip(boxes, boxes[1:]))


def gate_values(words, units=16, seed=0):
    rng = np.random.default_rng(seed)
    return {
        name: rng.uniform(0.3, 0.8, size=(len(words), units))
        for name in ("forget", "input", "output")
    }


def test_gate_heatmap_word_labels_are_readable_for_a_long_review():
    words = [f"word{i}" for i in range(80)]
    fig = plot_gates(gate_panels(words, gate_values(words), ("forget", "input", "output")))
    ax = fig.axes[2]
    labels = [label for label in ax.get_xticklabels() if label.get_text()]
    assert 0 < len(labels) <= 40 and labels[0].get_text() == "word0"
    assert min(displayed_label_px(fig, label) for label in labels) >= MIN_LABEL_PX
    assert not word_labels_overlap(fig, ax)
    assert fig.get_suptitle().endswith(", words 1-40 of 80")
    plt.close(fig)
    fig = plot_gates(gate_panels(words, gate_values(words), ("forget",), start=60))
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()][0] == "word60"
    plt.close(fig)
    with pytest.raises(ValueError, match=r"`start` must be an integer from 0 to 79. .*start=80"):
        gate_panels(words, gate_values(words), ("forget",), start=80)


def test_opinion_word_labels_are_readable():
    words = [f"word{i}" for i in range(40)]
    fig = plot_sentiment_as_read(words, np.linspace(0.1, 0.9, 40))
    labels = fig.axes[0].get_xticklabels()
    assert min(displayed_label_px(fig, label) for label in labels) >= MIN_LABEL_PX
    assert not word_labels_overlap(fig, fig.axes[0])
    plt.close(fig)


def test_gate_heatmap_shows_the_most_moving_units_on_a_fitted_colour_scale():
    words = [f"w{i}" for i in range(30)]
    gates = {"forget": np.full((30, 10), 0.7)}
    gates["forget"][:, 3] = np.linspace(0.6, 0.8, 30)  # the one unit that moves
    assert most_varying_units(gates["forget"], 1).tolist() == [3]
    panels = gate_panels(words, gates, ("forget",), units=2)
    assert panels["units"]["forget"][0] == 3 and panels["values"]["forget"].shape == (30, 2)
    fig = plot_gates(panels)
    image = fig.axes[0].images[0]
    low, high = image.get_clim()
    drawn = image.get_array()
    assert drawn.shape == (2, 30) and np.ptp(drawn[0]) == pytest.approx(0.2)
    np.testing.assert_allclose(drawn, panels["values"]["forget"].T)  # it draws what it is given
    assert (low, high) == pytest.approx((drawn.min(), drawn.max()))  # colours span what is drawn
    assert len(fig.axes) == 2 and fig.axes[1].get_ylabel() == "gate value"  # and its colour bar
    assert "keep" in fig.axes[0].get_ylabel() and "open" not in fig.axes[1].get_ylabel()
    plt.close(fig)


def test_gate_panel_labels_do_not_run_into_each_other():
    words = [f"w{i}" for i in range(37)]
    fig = plot_gates(gate_panels(words, gate_values(words), ("forget", "input", "output")))
    fig.canvas.draw()
    panels = [ax for ax in fig.axes if ax.get_ylabel() and ax.images]
    boxes = [ax.yaxis.label.get_window_extent() for ax in panels]
    assert len(boxes) == 3
    assert not any(a.overlaps(b) for a, b in zip(boxes, boxes[1:])), "the labels overlap"
    assert all(box.height < ax.get_window_extent().height for box, ax in zip(boxes, panels)), (
        "each label should be no taller than its panel"
    )
    plt.close(fig)


def test_paths_that_start_together_get_one_start_marker_and_no_overlapping_labels():
    rng = np.random.default_rng(0)
    finals = rng.normal(size=(40, 4))
    start = rng.normal(size=4)
    paths = [(np.vstack([start, rng.normal(size=(5, 4))]), label) for label in (0, 1)]
    state_map = hidden_state_map(finals, rng.integers(0, 2, 40), paths)
    assert len(state_map["starts"]) == 1
    fig = plot_hidden_states(state_map)
    ax = fig.axes[0]
    fig.canvas.draw()
    boxes = [text.get_window_extent() for text in ax.texts]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    legend = [text.get_text() for text in fig.legends[0].get_texts()]
    assert sum("start" in text for text in legend) == 1
    starts = [c for c in ax.collections if c.get_label().startswith("start")]
    assert len(starts) == 1 and len(starts[0].get_offsets()) == 1
    plt.close(fig)


def test_hidden_state_map_projects_paths_as_the_final_states():
    rng = np.random.default_rng(1)
    finals = rng.normal(size=(30, 4)) * np.array([3.0, 1.0, 0.5, 0.1])
    labels = rng.integers(0, 2, 30)
    paths = [(finals[[0, 5, 7]], 1), (finals[[2, 9]], 0)]
    state_map = hidden_state_map(finals, labels, paths)
    pca = pca_2d(finals)
    np.testing.assert_allclose(state_map["points"], pca["projected"])
    np.testing.assert_allclose(state_map["paths"][0][0], pca["projected"][[0, 5, 7]], atol=1e-12)
    assert [label for _, label in state_map["paths"]] == [1, 0]
    assert state_map["starts"].shape == (2, 2)  # two paths that start apart: two starts
    assert state_map["labels"].tolist() == labels.tolist()
    assert hidden_state_map(finals, labels)["starts"].shape == (0, 2)


def test_the_map_names_each_path_in_its_legend():
    """Notebook 06's speaker notes point at section 1's review: the legend says which path it is."""
    rng = np.random.default_rng(2)
    finals, labels = rng.normal(size=(20, 4)), rng.integers(0, 2, 20)
    paths = [(finals[[0, 3]], 1), (finals[[4, 6]], 0)]
    names = ["test review 241 (section 1)", "test review 7"]
    fig = plot_hidden_states(hidden_state_map(finals, labels, paths, path_names=names))
    legend = [text.get_text() for text in fig.legends[0].get_texts()]
    plt.close(fig)
    assert "test review 241 (section 1) (positive), word by word" in legend
    assert "test review 7 (negative), word by word" in legend
    with pytest.raises(ValueError, match="path_names"):
        hidden_state_map(finals, labels, paths, path_names=names[:1])


def random_head_model():
    model = random_model("lstm")
    randomize_weights(model.get_layer("sentiment"), seed=3)
    return model


def test_head_direction_is_the_mean_gradient_of_the_logit():
    model = random_head_model()
    states = np.random.default_rng(0).uniform(-1, 1, size=(30, 3))
    kernel, bias = model.get_layer("dense").get_weights()
    out_kernel, out_bias = model.get_layer("sentiment").get_weights()

    def logit(s):
        return (np.maximum(s @ kernel + bias, 0) @ out_kernel + out_bias)[:, 0]

    step = 1e-6
    gradient = np.mean(
        [(logit(states + step * e) - logit(states - step * e)) / (2 * step) for e in np.eye(3)],
        axis=1,
    )
    np.testing.assert_allclose(
        head_direction(model, states), gradient / np.linalg.norm(gradient), atol=1e-5
    )


def test_component_1_against_the_head():
    model = build_rnn_model(vocab_size=12, embedding_dim=4, lstm_units=3, dense_units=0)
    randomize_weights(model.get_layer("sentiment"), seed=3)
    direction = head_direction(model, np.zeros((1, 3)))  # no hidden Dense: the output kernel
    kernel = model.get_layer("sentiment").get_weights()[0][:, 0]
    np.testing.assert_allclose(direction, kernel / np.linalg.norm(kernel), atol=1e-6)
    rng = np.random.default_rng(1)
    along = rng.normal(size=200)
    states = np.outer(along, direction) + 0.01 * rng.normal(size=(200, 3))
    labels = (along > 0).astype(int)
    report = component_1_and_head(model, states, labels)
    assert report["cosine"] > 0.99 and report["angle"] < 5
    assert report["sorted_by_component_1"] > 0.95 and report["sorted_by_head"] > 0.95
    other = np.cross(direction, [1.0, 0, 0])
    states = np.outer(along, other / np.linalg.norm(other)) + 0.01 * rng.normal(size=(200, 3))
    assert component_1_and_head(model, states, labels)["cosine"] < 0.1


def test_a_run_of_padding_zeros_washes_out_the_differences_between_reviews():
    from lesson_utils.experiments.inspection import padding_washout

    rng = np.random.default_rng(0)
    x = np.zeros((20, 120), dtype=np.int32)
    x[:, :10] = rng.integers(1, 12, size=(20, 10))
    model = build_rnn_model(
        vocab_size=12, embedding_dim=4, lstm_units=3, dense_units=5, mask_zero=False, max_length=120
    )
    washout = padding_washout(model, x)
    assert washout["padding_steps"] == 110
    assert washout["at_end"] < 0.01 * washout["at_last_word"]
