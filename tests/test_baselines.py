"""The bag-of-words baselines and their place in the benchmark."""

import json
import math

import numpy as np
import pytest

from course_tools import bench
from lesson_utils.experiments.benchmarks import REGULARISED_LADDER, load_benchmark_results
from lesson_utils.models.bag_of_words import build_bag_of_words_model
from lesson_utils.models.recurrent import WordDropout
from lesson_utils.training.fit import evaluate_rnn_model, train_rnn_model, training_share


def word_five_reviews(n=256, length=10, vocab=30, seed=0):
    """Post-padded reviews whose label is whether id 5 appears anywhere."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, length), dtype=np.int32)
    for i, size in enumerate(rng.integers(3, length + 1, size=n)):
        x[i, :size] = rng.integers(6, vocab, size=size)
    y = rng.integers(0, 2, size=n)
    positions = rng.integers(1, 3, size=n)
    x[y == 1, positions[y == 1]] = 5
    x[:, 0] = 1
    return x, y


def test_logistic_regression_has_one_weight_per_word_and_a_bias():
    model = build_bag_of_words_model(vocab_size=30)
    assert model.count_params() == 30 + 1
    multi_hot = model.get_layer("multi_hot")(np.array([[1, 4, 4, 7, 0]]))
    assert np.asarray(multi_hot)[0].tolist() == [1 if i in (0, 1, 4, 7) else 0 for i in range(30)]


def test_dense_network_sizes():
    model = build_bag_of_words_model(vocab_size=30, hidden_units=(16, 16))
    assert model.count_params() == (30 * 16 + 16) + (16 * 16 + 16) + (16 + 1)
    assert [layer.name for layer in model.layers][-3:] == ["dense_1", "dense_2", "sentiment"]


def test_bag_of_words_learns_which_words_a_review_uses():
    x, y = word_five_reviews()
    model = build_bag_of_words_model(vocab_size=30, learning_rate=0.05)
    train_rnn_model(model, x, y, epochs=20, batch_size=32, verbose=0)
    assert evaluate_rnn_model(model, x, y)["accuracy"] > 0.95


@pytest.mark.parametrize("hidden_units", [16, "16", (16, 0)])
def test_bad_hidden_units_are_named(hidden_units):
    with pytest.raises(ValueError, match="hidden_units"):
        build_bag_of_words_model(vocab_size=30, hidden_units=hidden_units)


def test_bad_learning_rate_is_named():
    with pytest.raises(ValueError, match=r"`learning_rate`.*Received: learning_rate=-0.1"):
        build_bag_of_words_model(vocab_size=30, learning_rate=-0.1)


def test_benchmark_keeps_the_leads_configs_and_adds_notebook_04s():
    assert {"default", "old_lesson"} <= set(bench.BENCHMARK_CONFIGS)
    old, pre, masked = (
        bench.BENCHMARK_CONFIGS[n] for n in ("old_lesson", "pre_padding", "old_lesson_masked")
    )
    assert pre["prepare"] == dict(old["prepare"], padding="pre") and pre["model"] == old["model"]
    assert masked["prepare"] == old["prepare"]
    assert masked["model"] == dict(old["model"], mask_zero=True)
    assert bench.BENCHMARK_CONFIGS["bow_dense"]["model"]["hidden_units"] == (16, 16)
    both_ways = bench.BENCHMARK_CONFIGS["bidirectional"]
    assert both_ways["model"] == dict(
        bench.BENCHMARK_CONFIGS["default"]["model"], bidirectional=True
    )
    assert {k: v for k, v in both_ways.items() if k != "model"} == {
        k: v for k, v in bench.BENCHMARK_CONFIGS["default"].items() if k != "model"
    }


def test_each_rung_of_the_second_ladder_changes_one_thing():
    configs = [bench.BENCHMARK_CONFIGS[name] for name in REGULARISED_LADDER]
    # What each rung changes in the model, and in the training (a schedule and its epochs go
    # together).
    expected = [
        (dict(pooling="max_mean"), {}),
        (dict(embedding_dropout=0.25), {}),
        (dict(learning_rate=2e-3, learning_rate_decay=(0.6, 79)), dict(epochs=6)),
        (dict(cell="gru"), {}),
        (dict(word_dropout=0.3, learning_rate_decay=(0.8, 79)), dict(epochs=8)),
        (dict(embedding_dim=96), {}),
        (dict(word_vectors="counts"), {}),
        (dict(ema_momentum=0.995), {}),
    ]
    assert len(expected) == len(configs) - 1
    for before, rung, (model_change, training_change) in zip(configs, configs[1:], expected):
        changed = {k: v for k, v in rung["model"].items() if before["model"].get(k) != v}
        assert changed == model_change
        assert {k: v for k, v in rung.items() if k != "model" and before[k] != v} == (
            training_change
        )
    assert configs[0]["prepare"] == bench.BENCHMARK_CONFIGS["bow_dense_20k"]["prepare"]
    # One decay step per epoch: the updates of one epoch over the reviews trained on.
    trained_on = training_share(25_000, 0.2)
    for rung in configs[3:]:
        assert math.ceil(trained_on / rung["batch_size"]) == rung["model"]["learning_rate_decay"][1]
    # The rung before the counted vectors, which are tested below.
    model = bench._builder(configs[-3])(np.ones((2, 3), dtype=np.int32))
    assert isinstance(model.get_layer("word_dropout"), WordDropout)
    assert model.get_layer("embedding").input_dim == 20_000
    assert model.get_layer("embedding").output_dim == 96
    units = configs[0]["model"]["lstm_units"]
    assert model.get_layer("max_and_mean").output.shape == (None, 4 * units)


def test_the_count_vectors_rung_starts_from_vectors_counted_from_the_reviews_it_trains_on(
    monkeypatch,
):
    config = bench.BENCHMARK_CONFIGS["regularised_gru_count_vectors"]
    before = bench.BENCHMARK_CONFIGS["regularised_gru_word_dropout_96"]
    assert config["model"] == dict(before["model"], word_vectors="counts")
    assert {k: v for k, v in config.items() if k != "model"} == {
        k: v for k, v in before.items() if k != "model"
    }
    reviews = np.array([[1, 5, 6, 0], [1, 7, 0, 0]])
    asked = []
    vectors = np.full((20_000, 96), 0.01, dtype=np.float32)

    def counted(given, vocab_size, dim):
        asked.append((given, vocab_size, dim))
        return vectors

    monkeypatch.setattr(bench, "count_word_vectors", counted)
    model = bench._builder(config)(reviews)
    [(given, vocab_size, dim)] = asked
    assert given is reviews and (vocab_size, dim) == (20_000, 96)
    np.testing.assert_array_equal(model.get_layer("embedding").get_weights()[0], vectors)
    # The next rung keeps them and has Adam average the weights.
    averaged = bench._builder(bench.BENCHMARK_CONFIGS["regularised_gru_averaged"])(reviews)
    assert averaged.optimizer.use_ema and averaged.optimizer.ema_momentum == 0.995
    assert len(asked) == 2


def test_benchmark_runs_bag_of_words_and_rnn_configs_in_quick_mode(fake_imdb):
    result = bench.run(["bow_logistic", "pre_padding"], source=fake_imdb, epochs=1, quick=True)
    for name in ("bow_logistic", "pre_padding"):
        figures = result[name]
        assert len(figures["test_accuracy"]) == 1
        assert figures["test_accuracy_kept"] == figures["test_accuracy"][0]
        assert figures["settings"] is bench.BENCHMARK_CONFIGS[name]
    assert result["bow_logistic"]["params"] == 10_000 + 1


def test_benchmark_trains_each_config_once_per_seed_and_summarises(fake_imdb):
    result = bench.run(["bow_logistic"], source=fake_imdb, seeds=[1, 2, 3], epochs=1, quick=True)
    figures = result["bow_logistic"]
    per_seed = figures["per_seed"]
    assert [run["seed"] for run in per_seed] == [1, 2, 3] and figures["seed"] == 1
    kept = [run["test_accuracy_kept"] for run in per_seed]
    assert figures["test_accuracy_kept_mean"] == pytest.approx(np.mean(kept), abs=1e-4)
    assert figures["test_accuracy_kept_std"] == pytest.approx(np.std(kept, ddof=1), abs=1e-4)
    assert (figures["test_accuracy_kept_min"], figures["test_accuracy_kept_max"]) == (
        min(kept),
        max(kept),
    )
    assert len({tuple(run["val_loss"]) for run in per_seed}) == 3, "each seed trains afresh"


def test_the_vocabulary_of_a_config_reaches_its_model(fake_imdb):
    config = bench.BENCHMARK_CONFIGS["bow_dense_20k"]
    assert bench.vocab_size(config) == 20_000 == config["prepare"]["vocab_size"]
    assert bench.vocab_size(bench.BENCHMARK_CONFIGS["default"]) == 10_000
    model = bench._builder(config)(config["prepare"]["max_length"])
    assert model.get_layer("multi_hot").num_tokens == 20_000


def test_benchmark_writes_the_fields_notebook_04_reads(fake_imdb):
    saved = load_benchmark_results()["old_lesson"]
    result = bench.run(["pre_padding", "bow_logistic"], source=fake_imdb, epochs=2)
    for figures in result.values():
        # Runs saved before a field was added lack it; none of theirs may be missing.
        assert set(saved) - {"file", "date", "command", "stale"} <= set(figures) - {"word_order"}
        assert figures["seed"] == 42
    # Recurrent models are measured on notebook 05's word-order pairs, the bag of words is not.
    assert "word_order" not in result["bow_logistic"]
    word_order = result["pre_padding"]["word_order"]
    assert len(word_order["pairs"]) == len(word_order["positive"]) == len(word_order["negative"])
    for name, figures in result.items():
        for per_epoch in ("epoch_seconds", "epoch_cpu_seconds", "val_loss", "test_accuracy"):
            assert len(figures[per_epoch]) == 2, (name, per_epoch)
        best = figures["best_val_loss_epoch"]
        assert figures["val_loss"][best - 1] == min(figures["val_loss"])
        assert figures["test_accuracy_kept"] == figures["test_accuracy"][best - 1]
        assert figures["mean_epoch_seconds"] == pytest.approx(
            sum(figures["epoch_seconds"]) / 2, abs=0.01
        )
    assert (
        result["pre_padding"]["params"]
        == bench.build_rnn_model(**bench.BENCHMARK_CONFIGS["pre_padding"]["model"]).count_params()
    )


def test_a_resumed_benchmark_trains_only_what_the_interrupted_run_had_not_finished(
    tmp_path, monkeypatch
):
    trained = []

    def train_once(name, source=None, seed=None, epochs=None, quick=False):
        trained.append((name, seed))
        config = bench.BENCHMARK_CONFIGS[name]
        accuracy = [0.5] * (epochs or config["epochs"])
        return dict(settings=config, seed=seed, test_accuracy=accuracy, test_accuracy_kept=0.5)

    monkeypatch.setattr(bench, "train_once", train_once)
    monkeypatch.setattr(bench, "time_data_load", lambda source: {"cold_seconds": 1.0})
    output = tmp_path / "run.json"
    first = ["--configs", "bow_logistic", "--seeds", "1", "2", "--output", str(output)]
    bench.main(first)
    saved = json.loads(output.read_text())
    names = ["bow_logistic", "pre_padding"]
    assert list(bench.finished_configs(saved, names, [1, 2])) == ["bow_logistic"]
    # The same configuration with other seeds, epochs or settings is trained again.
    assert bench.BENCHMARK_CONFIGS["bow_logistic"]["epochs"] != 1
    assert bench.finished_configs(saved, names, [1, 3]) == {}
    assert bench.finished_configs(saved, names, [1, 2], epochs=1) == {}
    changed = json.loads(output.read_text())
    changed["training"]["bow_logistic"]["settings"]["batch_size"] += 1
    assert bench.finished_configs(changed, names, [1, 2]) == {}

    trained.clear()
    resumed = ["--configs", "bow_logistic", "pre_padding", "--seeds", "1", "2"]
    result = bench.main([*resumed, "--output", str(output), "--resume"])
    assert trained == [("pre_padding", 1), ("pre_padding", 2)]
    assert list(result["training"]) == ["bow_logistic", "pre_padding"]
    assert result["data_load"] == {"cold_seconds": 1.0} and result["command"].endswith(str(output))
    [again] = result["resumed"]
    assert again["kept"] == ["bow_logistic"] and again["command"].endswith("--resume")
    assert json.loads(output.read_text()) == json.loads(json.dumps(result))
