"""Looking inside a model: NumPy cells equal Keras, the head per step, occlusion, PCA."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from lesson_utils import build_rnn_model
from lesson_utils.baselines import build_bag_of_words_model
from lesson_utils.gates import randomize_weights
from lesson_utils.inspection import (
    highlight_words,
    occlusion_importance,
    pca_2d,
    plot_gates,
    plot_hidden_states,
    plot_sentiment_as_read,
    read_reviews,
    recurrent_layer,
    separation_along,
)
from lesson_utils.training import predict_proba

X = np.array([[1, 5, 7, 9, 3, 0], [1, 8, 2, 0, 0, 0], [1, 4, 4, 4, 4, 4]])


def random_model(cell):
    model = build_rnn_model(vocab_size=12, embedding_dim=4, lstm_units=3, dense_units=5, cell=cell)
    randomize_weights(recurrent_layer(model), seed=1)
    randomize_weights(model.get_layer("dense"), seed=2)
    return model


@pytest.mark.parametrize("cell, gate_names", [("lstm", ("input", "forget", "output")),
                                              ("gru", ("update", "reset"))])
def test_numpy_reading_equals_keras(cell, gate_names):
    model = random_model(cell)
    read = read_reviews(model, X)
    assert read["keras_gap"] < 1e-5
    lengths = (X != 0).sum(axis=1)
    last = read["step_probabilities"][np.arange(len(X)), lengths - 1]
    np.testing.assert_allclose(last, predict_proba(model, X), atol=1e-5)
    assert np.isnan(read["step_probabilities"][1, 3:]).all()
    for name in gate_names:
        values = read["gates"][name][0, :5]
        assert ((values > 0) & (values < 1)).all()


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
    assert page.count("background:") == 4  # two legend swatches, two words
    with pytest.raises(ValueError, match="one per word"):
        highlight_words(["a"], [1, 2])


def test_pca_finds_the_direction_of_largest_variance():
    rng = np.random.default_rng(0)
    states = rng.normal(size=(500, 3)) * [5.0, 1.0, 0.1]
    pca = pca_2d(states)
    assert abs(pca["components"][0, 0]) > 0.99
    np.testing.assert_allclose(pca["components"] @ pca["components"].T, np.eye(2), atol=1e-10)
    assert pca["explained"][0] > pca["explained"][1] and pca["explained"].sum() <= 1
    np.testing.assert_allclose(pca["projected"].var(axis=0, ddof=1),
                               np.sort(np.linalg.eigvalsh(np.cov(states.T)))[::-1][:2])


def test_separation_along_one_coordinate():
    assert separation_along([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]) == 1.0
    assert separation_along([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0]) == 1.0
    assert separation_along([0.1, 0.2, 0.8, 0.9], [0, 1, 0, 1]) == 0.75


def test_figures_have_titles_and_labels():
    model = random_model("lstm")
    read = read_reviews(model, X)
    words = ["[START]", "a", "b", "c", "d"]
    figs = [plot_sentiment_as_read(words, read["step_probabilities"][0, :5], label=1),
            plot_gates(words, {k: v[0] for k, v in read["gates"].items()},
                       ("forget", "input", "output"), units=2)]
    pca = pca_2d(read["final"])
    figs.append(plot_hidden_states(pca, [1, 0, 1], [(read["hidden"][0, :5], 1)]))
    for fig in figs:
        assert fig.axes[0].get_xlabel() or fig.axes[-2].get_xlabel()
        assert fig.axes[0].get_title() or fig._suptitle is not None
        plt.close(fig)
    with pytest.raises(ValueError, match="one probability per word"):
        plot_sentiment_as_read(words, [0.5])


def test_a_run_of_padding_zeros_washes_out_the_differences_between_reviews():
    from lesson_utils.inspection import padding_washout

    rng = np.random.default_rng(0)
    x = np.zeros((20, 120), dtype=np.int32)
    x[:, :10] = rng.integers(1, 12, size=(20, 10))
    model = build_rnn_model(vocab_size=12, embedding_dim=4, lstm_units=3, dense_units=5,
                            mask_zero=False, max_length=120)
    washout = padding_washout(model, x)
    assert washout["padding_steps"] == 110
    assert washout["at_end"] < 0.01 * washout["at_last_word"]
