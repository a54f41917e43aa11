"""Notebook 07 (An RNN that writes): the character text, the language model, its NumPy reading and
writing, the n-gram baseline, the carried and reset state, the figures and the text generator."""

import ipywidgets as widgets
import numpy as np
import pytest

import lesson_utils.experiments.generation as generation
from lesson_utils.data.characters import (
    CHARACTERS,
    decode_ids,
    encode_text,
    id_to_word_table,
    load_review_text,
    review_text,
    reviews_text,
    stream_windows,
    text_rows,
)
from lesson_utils.data.imdb import get_word_index
from lesson_utils.experiments.generation import (
    carried_against_reset,
    carried_reset_markdown,
    count_ngrams,
    generate_text,
    next_character_distributions,
    ngram_distribution,
    ngram_surprise,
    prompt_probabilities,
    real_word_share,
    samples_markdown,
    score_ngrams,
    text_surprise,
    train_language_model,
)
from lesson_utils.figures.generation import (
    plot_ngram_orders,
    plot_temperatures,
    plot_training_bits,
    plot_window_positions,
)
from lesson_utils.models.language_model import build_language_model, reading_copy, reset_state
from lesson_utils.widgets.generation import text_generator

V = len(CHARACTERS)
TINY = dict(units=8, embedding_dim=4, window=10, batch_size=4, learning_rate=0.01)


def _randomized(model, seed=0):
    """The model with every weight random, so that a misplaced weight changes the output."""
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(scale=0.5, size=w.shape) for w in model.get_weights()])
    return model


def _random_ids(n, seed=1):
    return np.random.default_rng(seed).integers(0, V, size=n).astype(np.int32)


# --- the text ------------------------------------------------------------------------------


def test_review_text_drops_the_start_and_marks_rare_words_and_characters():
    id_to_word = {4: "great", 5: "café", 6: "it's", 7: "10"}
    assert review_text([1, 4, 2, 6, 5, 7], id_to_word) == "great # it's caf# ##"


def test_reviews_text_ends_each_review_with_a_line_break_and_has_the_length_asked():
    id_to_word = {4: "good", 5: "bad"}
    assert reviews_text([[1, 4], [1, 5, 4], [1, 5]], 13, id_to_word) == "good\nbad good"
    with pytest.raises(ValueError, match="characters"):
        reviews_text([[1, 4]], 100, id_to_word)


def test_load_review_text_reads_training_and_test_reviews_offline(fake_imdb):
    train, heldout = load_review_text(40, 20, source=fake_imdb)
    assert len(train) == 40 and len(heldout) == 20
    assert set(train) | set(heldout) <= set(CHARACTERS)
    id_to_word = id_to_word_table(get_word_index(fake_imdb))
    assert id_to_word[4] == "the"  # rank 1 + 3
    assert "\n" in train and train == train.lower()


def test_encode_and_decode_go_both_ways():
    ids = encode_text("It's 9 Films!")
    assert decode_ids(ids) == "it's # films#"
    assert ids.dtype == np.int32 and ids.max() < V
    with pytest.raises(TypeError, match="text"):
        encode_text(None)


def test_stream_windows_shift_the_targets_and_continue_each_row_in_the_next_batch():
    ids = np.arange(101) % V
    rows, window = 3, 4
    inputs, targets = stream_windows(ids, rows, window)
    assert inputs.shape == targets.shape == (8 * rows, window)  # 100 // 3 = 33 -> 8 windows
    assert (inputs[:, 1:] == targets[:, :-1]).all()
    assert (inputs[rows:, 0] == targets[:-rows, -1]).all(), "row r continues in the next batch"
    assert inputs[1, 0] == 33 % V, "row 1 starts a third of the way into the text"
    with pytest.raises(ValueError, match="too short"):
        stream_windows(ids[:5], rows, window)


def test_text_rows_split_the_text_into_consecutive_streams():
    inputs, targets = text_rows(np.arange(21), 4)
    assert inputs.shape == (4, 5) and inputs[2].tolist() == [10, 11, 12, 13, 14]
    assert targets[2].tolist() == [11, 12, 13, 14, 15]
    with pytest.raises(ValueError, match="too short"):
        text_rows(np.arange(21), 4, length=6)


# --- the model, read and written in NumPy ----------------------------------------------------


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_numpy_reading_equals_keras(cell):
    model = _randomized(
        build_language_model(V, cell=cell, **{k: TINY[k] for k in ("units", "embedding_dim")})
    )
    prompt = "the film was great and the plot"
    keras_probabilities = np.asarray(model(encode_text(prompt)[None]))[0]
    numpy_probabilities = prompt_probabilities(model, prompt)
    assert numpy_probabilities.shape == (len(prompt), V)
    assert np.abs(numpy_probabilities - keras_probabilities).max() < 1e-5


def test_model_checks_its_arguments():
    with pytest.raises(ValueError, match="cell"):
        build_language_model(V, cell="simple_rnn")
    with pytest.raises(ValueError, match="batch_size"):
        build_language_model(V, stateful=True)


def test_carried_and_reset_readings_equal_keras_stateful_and_fresh_windows():
    rows, window = 3, 5
    model = _randomized(
        build_language_model(V, units=6, embedding_dim=4, stateful=True, batch_size=rows)
    )
    ids = _random_ids(64)
    carried = text_surprise(model, ids, window=window, carry=True, rows=rows)
    reset = text_surprise(model, ids, window=window, carry=False, rows=rows)
    windows = carried.shape[1]
    inputs, targets = stream_windows(ids, rows, window)  # batch k = window k of every row

    def keras_surprise(reader):
        p = np.take_along_axis(
            reader.predict(inputs, batch_size=rows, verbose=0), targets[..., None], axis=-1
        )[..., 0]
        return -np.log2(p).reshape(windows, rows, window).transpose(1, 0, 2)

    reset_state(model)
    assert np.allclose(carried, keras_surprise(model), atol=1e-4), "stateful Keras carries"
    assert np.allclose(reset, keras_surprise(reading_copy(model)), atol=1e-4)
    assert np.allclose(carried[:, 0], reset[:, 0]), "the first window starts from zeros either way"
    assert not np.allclose(carried[:, 1:], reset[:, 1:], atol=1e-3), "later windows differ"


def test_a_text_too_short_to_score_is_named():
    model = build_language_model(V, units=4, embedding_dim=3)
    with pytest.raises(ValueError, match="too short for"):
        text_surprise(model, _random_ids(50), window=10, carry=True)


def test_a_uniform_model_scores_log2_of_the_vocabulary():
    model = build_language_model(V, units=4, embedding_dim=3)
    dense = model.get_layer("next_character")
    dense.set_weights([np.zeros_like(w) for w in dense.get_weights()])
    surprise = text_surprise(model, _random_ids(200), window=10, carry=True, rows=2)
    assert np.allclose(surprise, np.log2(V), atol=1e-5)


def test_generate_text_is_seeded_and_greedy_at_a_low_temperature():
    model = _randomized(build_language_model(V, units=6, embedding_dim=4))
    first = generate_text(model, "the ", 30, temperature=1.0, seed=3)
    assert generate_text(model, "the ", 30, seed=3)["text"] == first["text"]
    assert len(first["text"]) == 30 and first["surprise"].shape == (30,)
    greedy = generate_text(model, "the ", 8, temperature=1e-3)
    expected = "the "
    for _ in range(8):
        expected += CHARACTERS[int(np.argmax(prompt_probabilities(model, expected)[-1]))]
    assert "the " + greedy["text"] == expected
    # each written character's surprise is measured at temperature 1
    given = prompt_probabilities(model, expected)[3:-1][np.arange(8), encode_text(expected[4:])]
    assert np.allclose(greedy["surprise"], -np.log2(given))


def test_temperature_keeps_the_order_and_sharpens_or_flattens():
    model = _randomized(build_language_model(V, units=6, embedding_dim=4))
    odds = next_character_distributions(model, "", (0.5, 1.0, 3.0))
    for p in odds.values():
        assert abs(p.sum() - 1) < 1e-9
    order = np.argsort(odds[1.0])
    assert (np.argsort(odds[0.5]) == order).all() and (np.argsort(odds[3.0]) == order).all()
    assert odds[0.5].max() > odds[1.0].max() > odds[3.0].max()
    with pytest.raises(ValueError, match="temperature"):
        next_character_distributions(model, "a", (0.0,))


# --- training --------------------------------------------------------------------------------


def test_training_lowers_the_held_out_bits_and_records_each_epoch(monkeypatch):
    # Two epochs write no real word yet: each sample is replaced by one, as long, whose share
    # of real words is known.
    write = generation.generate_text

    def write_known_words(*args, **kwargs):
        written = write(*args, **kwargs)
        return dict(written, text=("the cat sat on a mat " * 9)[: len(written["text"])])

    monkeypatch.setattr(generation, "generate_text", write_known_words)
    text = encode_text("the cat sat on the mat and the dog sat on the log\n" * 40)
    model, history = train_language_model(
        text, text[:400], epochs=2, prompt="the ", sample_length=20, **TINY
    )
    assert [row["epoch"] for row in history] == [0, 1, 2]
    assert history[-1]["bits"] < history[0]["bits"] - 0.5
    for row in history:
        # "a" is not a word of the training text; "mat", the last word, is not counted.
        assert row["sample"] == "the cat sat on a mat" and row["real_words"] == 4 / 5
    assert not model.get_layer("gru").stateful, "the model returned reads any batch"
    last = samples_markdown(history).splitlines()[-1]
    assert last.startswith(f"| 2 | {history[-1]['bits']:.2f} | {history[-1]['real_words']:.0%} |")


def test_carried_against_reset_trains_both_and_reads_each_both_ways():
    text = encode_text("a long review of a film\n" * 60)
    results = carried_against_reset(text, text[:700], epochs=1, **TINY)
    assert set(results) == {"carried", "reset"}
    for result in results.values():
        assert result["by_position"].shape == (TINY["window"],)
        assert np.isclose(result["by_position"].mean(), result["bits"])
        assert result["read_other_way"] != result["bits"]


def test_carried_reset_markdown_bolds_each_model_read_as_it_was_trained():
    comparison = {
        "carried": {"bits": 2.1234, "read_other_way": 2.5, "seconds": 12.4},
        "reset": {"bits": 2.3, "read_other_way": 2.2, "seconds": 9.6},
    }
    header, rule, carried, reset = carried_reset_markdown(comparison).split("\n")
    assert header.count("|") == rule.count("|") == 5
    assert carried == "| carried | **2.123** | 2.500 | 12 s |"
    assert reset == "| reset | 2.200 | **2.300** | 10 s |"


def test_real_word_share_leaves_out_the_last_word():
    assert real_word_share("the film xq the fi", {"the", "film"}) == 0.75
    assert real_word_share("oneword", {"oneword"}) == 0.0


# --- the n-gram baseline ---------------------------------------------------------------------


def test_ngram_probabilities_sum_to_one_for_seen_and_unseen_contexts():
    tables = count_ngrams(encode_text("abracadabra abracadabra"), 4)
    assert [len(context) for table in tables for context in table] == sorted(
        len(context) for table in tables for context in table
    )
    assert tables[0][""][1] == len("abracadabra abracadabra")
    for context in ("", "ab", "abr", "zzz", "q"):
        assert abs(ngram_distribution(tables, context).sum() - 1) < 1e-12


def test_ngram_interpolates_counts_with_the_shorter_context():
    tables = count_ngrams(encode_text("aab"), 2)
    # unigram: a twice, b once; 2 types; the uniform below it
    unigram_a = (2 + 2 / V) / (3 + 2)
    # after "a": a once, b once, 2 types
    bigram_b = (1 + 2 * (1 + 2 / V) / 5) / (2 + 2)
    assert np.isclose(ngram_distribution(tables[:1], "")[CHARACTERS.index("a")], unigram_a)
    assert np.isclose(ngram_distribution(tables, "a")[CHARACTERS.index("b")], bigram_b)


def test_ngram_surprise_agrees_with_its_distribution_on_the_same_characters():
    train = encode_text("the film was good and the plot was good\n" * 5)
    heldout = encode_text("the plot was bad and the film was good too")
    tables = count_ngrams(train, 3)
    surprise = ngram_surprise(tables, heldout, window=4, rows=2)
    inputs, targets = text_rows(heldout, 2, surprise.shape[1] * 4)
    assert surprise.shape == (2, surprise.shape[1], 4)
    for row in range(2):
        for t in range(targets.shape[1]):
            context = decode_ids(inputs[row, : t + 1])
            p = ngram_distribution(tables, context)[targets[row, t]]
            assert np.isclose(surprise[row].ravel()[t], -np.log2(p))


# --- figures and the widget ------------------------------------------------------------------


def test_figures_have_titles_and_labelled_axes():
    history = [{"epoch": e, "bits": 4.9 - e} for e in range(3)]
    by_position = {"bits": 2.0, "by_position": np.linspace(3, 2, 5)}
    bits = "Bits per character (lower is better)"
    figures = {
        ("Training", "Epoch (passes over the training text; 0 = untrained)", bits): (
            plot_training_bits(history, np.log2(V), title="Training")
        ),
        ("Orders", "n-gram order n (the last n - 1 characters are the context)", bits): (
            plot_ngram_orders({1: 4.1, 2: 3.3}, 2.5, np.log2(V), title="Orders")
        ),
        (
            "After 'the ': the same logits at several temperatures T",
            "Next character (the most likely first)",
            "Probability",
        ): plot_temperatures({0.5: np.eye(V)[0], 1.0: np.full(V, 1 / V)}, "the "),
        (
            "Windows",
            "Position in the window (characters since the window began)",
            "Mean surprise (bits per character)",
        ): plot_window_positions({"carried": by_position, "reset": by_position}, title="Windows"),
    }
    for texts, fig in figures.items():
        ax = fig.axes[0]
        assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == texts


def test_text_generator_writes_again_when_any_control_moves():
    model = _randomized(build_language_model(V, units=6, embedding_dim=4))
    generator = text_generator(model, 2.0, prompt="the ", length=40)
    assert isinstance(generator, widgets.VBox) and set(generator.controls) == {
        "prompt",
        "temperature",
        "length",
    }
    assert len(generator.written["text"]) == 40
    for name, value in (("temperature", 1.7), ("length", 60), ("prompt", "a film ")):
        before = (generator.readout.value, bytes(generator.image.value))
        generator.controls[name].value = value
        after = (generator.readout.value, bytes(generator.image.value))
        assert after[0] != before[0] and after[1] != before[1], f"moving {name} redrew nothing"
    assert "<b>a film </b>" in generator.readout.value and len(generator.written["text"]) == 60


def test_score_ngrams_counts_once_and_scores_every_order_on_the_same_characters():
    train = encode_text("the film was good and the plot was good\n" * 5)
    heldout = encode_text("the plot was bad and the film was good too and the end")
    tables, surprises = score_ngrams(train, heldout, (3, 1, 2), window=4, rows=2)
    assert len(tables) == 3 and list(surprises) == [1, 2, 3]
    for n, surprise in surprises.items():
        assert np.array_equal(surprise, ngram_surprise(tables[:n], heldout, window=4, rows=2))
    assert surprises[3].mean() < surprises[1].mean()
