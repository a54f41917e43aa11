"""Training: length buckets give the same numbers, interruptions keep the history."""

import keras
import numpy as np
import pytest

from lesson_utils import build_rnn_model, evaluate_rnn_model, predict_proba, train_rnn_model
from lesson_utils.data import batching
from lesson_utils.training.fit import StopAfterBatch, training_share, uses_length_buckets


def synthetic_reviews(n=64, max_length=12, vocab=30, seed=0):
    """Post-padded reviews whose label is whether id 5 appears."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, max_length), dtype=np.int32)
    lengths = rng.integers(2, max_length + 1, size=n)
    for i, length in enumerate(lengths):
        x[i, :length] = rng.integers(6, vocab, size=length)
        x[i, 0] = 1
    y = rng.integers(0, 2, size=n)
    x[y == 1, 1] = 5
    return x, y


def small_model(**kwargs):
    keras.utils.set_random_seed(0)
    return build_rnn_model(vocab_size=30, embedding_dim=4, lstm_units=4, dense_units=4, **kwargs)


def test_batches_cover_every_review_once_and_group_lengths():
    lengths = np.random.default_rng(1).integers(1, 300, size=1000)
    batches = batching.length_bucketed_batches(lengths, 32, np.random.default_rng(0))
    assert sorted(np.concatenate(batches).tolist()) == list(range(1000))
    spread = np.mean([np.ptp(lengths[b]) for b in batches])
    assert spread < 0.25 * np.ptp(lengths)


def test_is_post_padded():
    assert batching.is_post_padded(np.array([[1, 2, 0], [1, 0, 0]]))
    assert not batching.is_post_padded(np.array([[0, 1, 2], [1, 0, 0]]))
    assert not batching.is_post_padded(np.array([[1, 0, 2]]))


def test_bucketed_evaluation_equals_full_length_evaluation():
    x, y = synthetic_reviews()
    model = small_model()
    bucketed = evaluate_rnn_model(model, x, y)
    full = model.evaluate(x, y.astype("float32"), verbose=0, return_dict=True)
    assert bucketed["loss"] == pytest.approx(full["loss"], abs=1e-5)
    assert bucketed["accuracy"] == pytest.approx(full["accuracy"])
    np.testing.assert_allclose(
        predict_proba(model, x), model.predict(x, verbose=0)[:, 0], atol=1e-5
    )


def test_unmasked_models_train_on_the_full_padded_length():
    x, _ = synthetic_reviews()
    assert not uses_length_buckets(small_model(mask_zero=False), x)
    assert uses_length_buckets(small_model(), x)
    assert not uses_length_buckets(small_model(max_length=12), x)


def test_training_learns_and_records_each_epoch():
    x, y = synthetic_reviews(n=256)
    model = small_model()
    history = train_rnn_model(model, x, y, epochs=8, batch_size=32, verbose=0)
    assert len(history.history["loss"]) == 8
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert "val_accuracy" in history.history


def test_ctrl_c_keeps_the_history_so_far(capsys):
    class PressCtrlC(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:
                raise KeyboardInterrupt

    x, y = synthetic_reviews()
    history = train_rnn_model(
        small_model(), x, y, epochs=5, batch_size=16, verbose=0, callbacks=[PressCtrlC()]
    )
    assert len(history.history["loss"]) == 2
    assert "interrupted" in capsys.readouterr().out


def test_stop_button_ends_training_after_the_current_batch():
    stop = StopAfterBatch()

    class PressStop(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.batches = 0

        def on_train_batch_end(self, batch, logs=None):
            self.batches += 1
            if self.batches == 2:
                stop.request()

    counter = PressStop()
    x, y = synthetic_reviews(n=128)
    history = train_rnn_model(
        small_model(), x, y, epochs=5, batch_size=8, verbose=0, callbacks=[counter, stop]
    )
    assert counter.batches == 2
    assert history.epoch == [] and history.history["loss"] == [], (
        "a stop during epoch 1 leaves no finished epoch to keep"
    )


@pytest.mark.parametrize("bucketed", [False, True])
def test_a_stop_mid_epoch_keeps_only_the_finished_epochs_and_their_weights(bucketed):
    stop = StopAfterBatch()

    class StopDuringEpoch2(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 0:
                self.after_epoch_1 = [w.copy() for w in self.model.get_weights()]

        def on_train_batch_end(self, batch, logs=None):
            if len(getattr(self, "after_epoch_1", [])) and batch == 3:
                stop.request()

    recorder = StopDuringEpoch2()
    x, y = synthetic_reviews(n=160)
    model = small_model(max_length=None if bucketed else 12)
    history = train_rnn_model(
        model, x, y, epochs=3, batch_size=8, verbose=0, callbacks=[recorder, stop]
    )
    assert len(history.history["loss"]) == len(history.history["val_loss"]) == 1
    assert history.epoch == [0]
    for kept, after_epoch_1 in zip(model.get_weights(), recorder.after_epoch_1):
        np.testing.assert_array_equal(kept, after_epoch_1)


def test_a_model_averaging_its_weights_is_validated_on_the_average_and_keeps_it():
    # An average that barely moves (0.9999) stays near the weights after the first update, while
    # the weights themselves travel far with big steps: what training ends with tells them apart.
    x, y = synthetic_reviews(n=256)
    travelled, training_loss = {}, {}
    for momentum in (None, 0.9999):
        model = small_model(learning_rate=0.05, ema_momentum=momentum)
        start = model.get_weights()
        history = train_rnn_model(model, x, y, epochs=3, batch_size=16, verbose=0)
        travelled[momentum] = max(np.abs(w - w0).max() for w, w0 in zip(model.get_weights(), start))
        training_loss[momentum] = history.history["loss"]
        kept_loss = min(history.history["val_loss"])
        held_out = slice(training_share(len(x), 0.2), None)
        assert evaluate_rnn_model(model, x[held_out], y[held_out], verbose=0)["loss"] == (
            pytest.approx(kept_loss, rel=1e-4)
        ), "the kept weights are the ones validated"
    assert travelled[0.9999] < travelled[None] / 5, travelled
    # Only what is validated and kept changes: training itself goes the same way.
    assert training_loss[0.9999] == pytest.approx(training_loss[None], rel=1e-4)


@pytest.mark.parametrize("momentum", [0, 1, 1.5, "0.99"])
def test_a_bad_ema_momentum_is_named(momentum):
    with pytest.raises(ValueError, match=r"`ema_momentum`.*Received: ema_momentum="):
        small_model(ema_momentum=momentum)


def test_ids_beyond_the_vocabulary_are_explained():
    x, y = synthetic_reviews()
    x[0, 1] = 99
    with pytest.raises(ValueError, match="same `vocab_size`"):
        train_rnn_model(small_model(), x, y, epochs=1, verbose=0)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(epochs=0), "`epochs`"),
        (dict(batch_size=-2), "`batch_size`"),
        (dict(validation_split=1.0), "`validation_split`"),
    ],
)
def test_bad_training_arguments_are_named(kwargs, match):
    x, y = synthetic_reviews()
    with pytest.raises(ValueError, match=match):
        train_rnn_model(small_model(), x, y, verbose=0, **kwargs)


def test_unpadded_input_is_explained():
    with pytest.raises(ValueError, match="2-D integer array"):
        train_rnn_model(small_model(), [[1, 2], [1]], [0, 1], verbose=0)


@pytest.mark.skipif(not hasattr(__import__("ctypes").CDLL(None), "malloc_trim"), reason="not glibc")
def test_memory_freed_before_training_goes_back_to_the_operating_system():
    import psutil

    from lesson_utils.training.fit import return_freed_memory

    process = psutil.Process()
    # Reviews of 2,000 ids (16 KiB each), each followed by a small list that stays: freed, the
    # reviews leave holes in the middle of the C library's heap, which it keeps unless told.
    reviews, kept = [], []
    for _ in range(3_000):
        reviews.append([0] * 2_000)
        kept.append([0] * 100)
    holding = process.memory_info().rss
    del reviews
    return_freed_memory()
    released = holding - process.memory_info().rss
    assert released > 30 * 2**20, f"only {released / 2**20:.0f} MiB of about 46 went back"
