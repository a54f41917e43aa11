"""Training and evaluating the review classifier, without ever losing a run.

`train_rnn_model` batches reviews of similar length when the model masks
padding (fast and exact), shows Keras' progress, and returns the history
recorded so far when a learner presses Ctrl-C, the notebook's stop button, or
a widget's Stop button.
"""

import ctypes
import gc

import numpy as np

from lesson_utils.arguments import check_fraction, check_positive_int
from lesson_utils.data import batching
from lesson_utils.data.text import review_lengths
from lesson_utils.models.recurrent import model_masks_padding, model_vocab_size
from lesson_utils.quiet_tensorflow import import_tensorflow_quietly
from lesson_utils.settings import DEFAULT_BATCH_SIZE, DEFAULT_EPOCHS, course_seed

import_tensorflow_quietly()
import keras  # noqa: E402


class StopAfterBatch(keras.callbacks.Callback):
    """Ends `fit` after the current batch once `request()` is called.

    Safe to call from another thread (a widget's Stop button): Keras checks
    `model.stop_training` after every batch.
    """

    def __init__(self):
        super().__init__()
        self.requested = False

    def request(self):
        self.requested = True
        if self.model is not None:
            self.model.stop_training = True

    def on_train_begin(self, logs=None):
        self.requested = False

    def on_train_batch_end(self, batch, logs=None):
        if self.requested:
            self.model.stop_training = True


class _KeepFinishedEpochs(keras.callbacks.Callback):
    """Forgets an epoch cut short by a stop and keeps the best finished epoch's weights.

    A stop mid-epoch still makes Keras validate and log the partial epoch; this
    removes it from `history`. With `restore_best`, training ends with the
    weights of the finished epoch with the lowest validation loss.
    """

    def __init__(self, history, restore_best, verbose):
        super().__init__()
        self.history, self.restore_best, self.verbose = history, restore_best, verbose
        self.batches, self.best_loss, self.best_epoch, self.best_weights = 0, np.inf, None, None

    def on_epoch_begin(self, epoch, logs=None):
        self.batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1

    def on_epoch_end(self, epoch, logs=None):
        if self.batches < (self.params.get("steps") or 0):  # History has already logged it.
            for values in self.history.history.values():
                values.pop()
            self.history.epoch.pop()
            return
        loss = (logs or {}).get("val_loss")
        if self.restore_best and loss is not None and loss < self.best_loss:
            self.best_loss, self.best_epoch = loss, epoch
            self.best_weights = self.model.get_weights()

    def on_train_end(self, logs=None):
        if self.best_weights is not None:
            if self.verbose:
                print(
                    f"Keeping the weights of epoch {self.best_epoch + 1}, the finished epoch "
                    "with the lowest validation loss."
                )
            self.model.set_weights(self.best_weights)


def _check_xy(x, y, name):
    try:
        x = np.asarray(x)
    except ValueError:  # Ragged lists: reviews that were not padded.
        x = np.asarray(x, dtype=object)
    y = np.asarray(y)
    if x.ndim != 2 or not np.issubdtype(x.dtype, np.integer):
        raise ValueError(
            f"Argument `x_{name}` must be a 2-D integer array of padded word ids, "
            f"shape (reviews, max_length), as `prepare_imdb_data` returns. "
            f"Received: array of shape {x.shape} and dtype {x.dtype}"
        )
    if len(y) != len(x):
        raise ValueError(
            f"`x_{name}` and `y_{name}` must hold the same number of reviews. "
            f"Received: {len(x)} reviews and {len(y)} labels"
        )
    return x, y


def _check_ids_fit(model, x):
    vocab_size = model_vocab_size(model)
    if vocab_size is not None and x.size and x.max() >= vocab_size:
        raise ValueError(
            f"The reviews hold word id {int(x.max())} but the model knows ids below "
            f"{vocab_size} only. Build the model and prepare the data with the same "
            "`vocab_size`."
        )


def uses_length_buckets(model, x):
    """Tells whether `x` can be batched by length for `model` without changing results.

    True when the model masks padding, takes reviews of any length, and every
    row of `x` is post-padded.
    """
    return (
        model_masks_padding(model) and model.input_shape[1] is None and batching.is_post_padded(x)
    )


def training_share(reviews, validation_split):
    """How many of `reviews` training reviews `train_rnn_model` trains on.

    Args:
        reviews: the number of training reviews.
        validation_split: the fraction held out, from the end, to validate.

    Returns:
        The number of reviews trained on; the rest validate.
    """
    return int(reviews * (1 - validation_split))


def return_freed_memory():
    """Hands the memory this process has freed back to the operating system, before training.

    The C library keeps freed memory for later (deleted lists of reviews, an
    earlier model's tensors) and the kernel still counts it as its own; a
    class's hub holds each learner's kernel to about 1 GiB, and training needs
    the room. glibc's `malloc_trim` returns it; elsewhere (macOS, Windows) this
    does nothing.
    """
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (AttributeError, OSError, TypeError):
        pass


def _averages(model):
    """Whether `model`'s optimizer keeps a moving average of the weights (`use_ema`)."""
    return bool(getattr(model.optimizer, "use_ema", False))


def train_rnn_model(
    model,
    x_train,
    y_train,
    *,
    epochs=DEFAULT_EPOCHS,
    batch_size=DEFAULT_BATCH_SIZE,
    validation_split=0.2,
    verbose=1,
    shuffle=True,
    seed=None,
    callbacks=None,
    restore_best_weights=True,
):
    """Trains the classifier and returns its history, even when interrupted.

    Args:
        model: a compiled model from `build_rnn_model`. If its Adam keeps a
            moving average of the weights (`ema_momentum`), the average is
            what is validated, what each epoch ends with (so callbacks see
            it) and what is kept.
        x_train: padded word ids, shape `(reviews, max_length)`.
        y_train: labels, 0 or 1.
        epochs: passes over the training reviews.
        batch_size: reviews per gradient step.
        validation_split: fraction of the reviews, taken from the end as
            Keras does, held out to validate after each epoch (0 for none).
        verbose: 0 silent, 1 progress bar, 2 one line per epoch.
        shuffle: shuffle the reviews each epoch.
        seed: seed of that shuffling.
        callbacks: more Keras callbacks, e.g. a `StopAfterBatch`.
        restore_best_weights: with a validation split, end with the weights
            of the finished epoch with the lowest validation loss, because a
            recurrent model on IMDB starts to overfit after two or three epochs.

    Returns:
        A `keras.callbacks.History` with one entry per completed epoch (an
        epoch that a `StopAfterBatch` cut short is not counted).
    """
    seed = course_seed(seed)
    x_train, y_train = _check_xy(x_train, y_train, "train")
    epochs = check_positive_int("epochs", epochs)
    batch_size = check_positive_int("batch_size", batch_size)
    validation_split = check_fraction("validation_split", validation_split)
    _check_ids_fit(model, x_train)

    split_at = training_share(len(x_train), validation_split)
    if split_at < 1 or (validation_split and split_at == len(x_train)):
        raise ValueError(
            f"validation_split={validation_split} leaves no reviews for training or for "
            f"validation out of {len(x_train)}. Use more reviews or another fraction."
        )
    history = keras.callbacks.History()
    # The swap comes first, so that the callbacks after it find the average in the model.
    averaged = [keras.callbacks.SwapEMAWeights(swap_on_epoch=True)] if _averages(model) else []
    callbacks = [
        *averaged,
        history,
        *(callbacks or []),
        _KeepFinishedEpochs(history, restore_best_weights and validation_split, verbose),
    ]
    x_fit, y_fit = x_train[:split_at], y_train[:split_at]
    x_val, y_val = x_train[split_at:], y_train[split_at:]
    if uses_length_buckets(model, x_train):
        train_data = batching.bucketed_dataset(x_fit, y_fit, batch_size, shuffle=shuffle, seed=seed)
        val_data = batching.bucketed_dataset(x_val, y_val, batch_size) if len(x_val) else None
        # The batches are already shuffled, so Keras is told not to.
        fit_args = dict(x=train_data, validation_data=val_data, shuffle=False)
    else:
        fit_args = dict(
            x=x_fit,
            y=np.asarray(y_fit, dtype=np.float32),
            batch_size=batch_size,
            shuffle=shuffle,
            validation_data=(x_val, np.asarray(y_val, dtype=np.float32)) if len(x_val) else None,
        )
    return_freed_memory()
    try:
        model.fit(epochs=epochs, verbose=verbose, callbacks=callbacks, **fit_args)
    except KeyboardInterrupt:
        done = len(history.history.get("loss", []))
        print(
            f"\nTraining interrupted: keeping the history of the {done} completed "
            f"epoch{'s' if done != 1 else ''}."
        )
    return history


def evaluate_rnn_model(model, x_test, y_test, *, batch_size=256, verbose=0):
    """Measures loss and accuracy on held-out reviews.

    Args:
        model: a trained model.
        x_test: padded word ids.
        y_test: labels, 0 or 1.
        batch_size: reviews per batch (does not change the result).
        verbose: Keras' verbosity.

    Returns:
        A dict `{"loss": float, "accuracy": float}`.
    """
    x_test, y_test = _check_xy(x_test, y_test, "test")
    batch_size = check_positive_int("batch_size", batch_size)
    _check_ids_fit(model, x_test)
    if uses_length_buckets(model, x_test):
        results = model.evaluate(
            batching.bucketed_dataset(x_test, y_test, batch_size), verbose=verbose, return_dict=True
        )
    else:
        results = model.evaluate(
            x_test,
            np.asarray(y_test, dtype=np.float32),
            batch_size=batch_size,
            verbose=verbose,
            return_dict=True,
        )
    return {"loss": float(results["loss"]), "accuracy": float(results["accuracy"])}


def predict_proba(model, x, *, batch_size=256):
    """Probability that each review is positive.

    Args:
        model: a trained model.
        x: padded word ids, shape `(reviews, max_length)`.
        batch_size: reviews per batch.

    Returns:
        A float array of shape `(reviews,)`, in the order of `x`.
    """
    x = np.asarray(x)
    if uses_length_buckets(model, x):
        order = np.concatenate(batching.length_bucketed_batches(review_lengths(x), batch_size))
        dataset = batching.bucketed_dataset(x, np.zeros(len(x)), batch_size).map(lambda ids, _: ids)
        sorted_probs = model.predict(dataset, verbose=0).reshape(-1)
        probs = np.empty(len(x), dtype=np.float32)
        probs[order] = sorted_probs
        return probs
    return model.predict(x, batch_size=batch_size, verbose=0).reshape(-1)
