"""What the answers of notebooks 06 and 07 compute: occlusion by replacing a word, where the
opinion turns at a word, the step a learner's writing loop calls, the period of repeated
writing, and how surprising writing is at each temperature."""

import numpy as np
import pytest

from lesson_utils import build_rnn_model
from lesson_utils.data.characters import CHARACTERS, encode_text
from lesson_utils.experiments.gates import randomize_weights
from lesson_utils.experiments.generation import (
    prompt_probabilities,
    repeat_period,
    writing_start,
    written_surprise,
)
from lesson_utils.experiments.inspection import (
    gate_changes,
    occlusion_importance,
    opinion_turns,
    recurrent_layer,
    reviews_with_word,
)
from lesson_utils.models.language_model import build_language_model
from lesson_utils.training.fit import predict_proba


def test_occlusion_by_replacement_keeps_every_other_word_in_its_place():
    model = build_rnn_model(vocab_size=12, embedding_dim=4, lstm_units=3, dense_units=5)
    randomize_weights(recurrent_layer(model), seed=1)
    ids = [1, 5, 7, 9, 3]
    importance = occlusion_importance(model, ids, replacement=2)
    full = predict_proba(model, np.array([ids]))[0]
    with_oov = predict_proba(model, np.array([[1, 5, 2, 9, 3]]))[0]
    assert importance[0] == 0
    assert importance[2] == pytest.approx(full - with_oov, abs=1e-6)
    assert occlusion_importance(model, ids, replacement=5)[1] == pytest.approx(0, abs=1e-6)
    with pytest.raises(ValueError, match="replacement"):
        occlusion_importance(model, ids, replacement=0)


def _read(opinion, forget):
    """A `read_reviews` result for one review of 6 steps: the opinion and two gates."""
    opinion = np.array([opinion], dtype=float)
    forget = np.array([forget], dtype=float)[..., None]
    return {
        "step_probabilities": opinion,
        "gates": {"forget": forget, "output": np.full_like(forget, 0.5), "cell": 10 * forget},
    }


def test_opinion_turns_finds_the_first_crossing_within_reach_of_the_word():
    word_index = {"but": 7}  # id 10
    x = np.array([[1, 4, 10, 5, 6, 0]])
    read = _read([0.5, 0.7, 0.7, 0.6, 0.3, np.nan], forget=[0.5, 0.5, 0.5, 0.5, 0.1, 0.5])
    assert opinion_turns(read, x, "but", word_index) == [
        dict(review=0, word=2, turn=4, moved="forget")
    ]
    assert opinion_turns(read, x, "but", word_index, within=1) == []
    at_the_word = _read([0.5, 0.7, 0.4, 0.4, 0.4, np.nan], forget=[0.5] * 6)
    at_the_word["gates"]["output"][0, 2] = 0.9
    assert opinion_turns(at_the_word, x, "but", word_index) == [
        dict(review=0, word=2, turn=2, moved="output")
    ]
    with pytest.raises(ValueError, match="word"):
        opinion_turns(read, x, "however", word_index)


def test_reviews_with_word_are_the_rows_holding_its_id_anywhere():
    word_index = {"but": 7, "good": 9}  # ids 10 and 12
    x = np.array([[1, 10, 4, 0], [1, 4, 5, 0], [1, 4, 5, 10], [1, 12, 0, 0]])
    assert reviews_with_word(x, "but", word_index).tolist() == [0, 2]
    assert reviews_with_word(x, "good", word_index).tolist() == [3]
    with pytest.raises(ValueError, match="Argument `word`.*'however'"):
        reviews_with_word(x, "however", word_index)


def test_gate_changes_are_the_mean_move_over_the_units_since_the_word_before():
    read = {"gates": {"forget": np.array([[[0.2, 0.4], [0.6, 0.4], [0.6, 0.1], [np.nan] * 2]])}}
    changes = gate_changes(read)
    assert list(changes) == ["forget"]
    np.testing.assert_allclose(changes["forget"], [[np.nan, 0.2, 0.15, np.nan]])


@pytest.fixture(scope="module")
def language_model():
    model = build_language_model(len(CHARACTERS), embedding_dim=4, units=8)
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(scale=0.5, size=w.shape) for w in model.get_weights()])
    return model


def test_the_writing_step_reads_as_the_whole_prompt_is_read(language_model):
    prompt = "a fine film"
    step, first_id, state = writing_start(language_model, prompt)
    assert first_id == encode_text(prompt)[-1]
    probabilities, _ = step(first_id, state)
    expected = prompt_probabilities(language_model, prompt)[-1]
    np.testing.assert_allclose(probabilities, expected, atol=1e-6)
    step, first_id, state = writing_start(language_model, "a")
    assert first_id == encode_text("a")[0] and not np.any(state)
    expected = prompt_probabilities(language_model, "a")[0]
    np.testing.assert_allclose(step(first_id, state)[0], expected, atol=1e-6)


def test_repeat_period():
    assert repeat_period([7, 1, 2, 3, 1, 2, 3, 1, 2, 3]) is None
    assert repeat_period([7, 1, 2, 3, 1, 2, 3, 1, 2, 3], start=1) == 3
    assert repeat_period([5, 5, 5, 5]) == 1
    assert repeat_period([1, 2, 1, 3]) is None


def test_written_surprise_equals_real_text_at_temperature_1_and_rises_with_it():
    rng = np.random.default_rng(3)
    p = rng.dirichlet(np.ones(6), size=4)
    written, real = written_surprise(p, (0.25, 0.5, 1.0, 2.0, 4.0))
    entropy = np.mean(np.sum(-p * np.log2(p), axis=1))
    assert real == pytest.approx(entropy) and written[1.0] == pytest.approx(entropy)
    assert list(written.values()) == sorted(written.values())
    uniform, real = written_surprise(np.full((2, 8), 1 / 8), (0.5, 1.0, 3.0))
    assert all(bits == pytest.approx(3.0) for bits in uniform.values()) and real == pytest.approx(
        3.0
    )
