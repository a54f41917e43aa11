"""The IMDB reviews, from Keras' download or from a local copy, encoded as Keras does.

`load_imdb` returns what `keras.datasets.imdb.load_data(num_words=vocab_size)`
returns, element for element and in the same order, whichever way the data
arrives:

- `source` if given, else the environment variable `IMDB_DATA_DIR`: a folder
  with the official archive (`aclImdb_v1.tar.gz`, or any `aclImdb*.tar.gz`) or
  its extracted `aclImdb/` folder, and optionally `imdb_word_index.json`;
- otherwise Keras' own download.

Reading 50,000 text files takes a while, so the encoded reviews are cached
(`<Keras cache folder>/datasets/lesson_utils/`) as plain integer arrays, keyed
by the source, and rebuilt when stale or corrupt.
"""

import functools
import hashlib
import json
import os
import re
import tarfile
import zlib
from pathlib import Path

import numpy as np

from lesson_utils.arguments import check_positive_int
from lesson_utils.data import text
from lesson_utils.paths import cache_folder, keras_datasets_folder, shared_cache_folder
from lesson_utils.quiet_tensorflow import import_tensorflow_quietly
from lesson_utils.settings import (
    DEFAULT_MAX_LENGTH,
    DEFAULT_VOCAB_SIZE,
    QUICK_MAX_LENGTH,
    QUICK_TEST_REVIEWS,
    QUICK_TRAIN_REVIEWS,
    is_quick_mode,
)

import_tensorflow_quietly()
import keras  # noqa: E402

ENV_VAR = "IMDB_DATA_DIR"
DOWNLOAD_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
KERAS_DATA_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz"
WORD_INDEX_FILE = "imdb_word_index.json"
# Keras shuffles train, then test, with one generator seeded with 113.
KERAS_SHUFFLE_SEED = 113
_CACHE_FORMAT = 1
_REVIEW_PATH = re.compile(r"(?:^|/)aclImdb/(train|test)/(pos|neg)/([^/]+\.txt)$")
# What IMDB's labels mean: 0 is a negative review, 1 a positive one.
LABEL_NAMES = ("negative", "positive")


class ImdbDataError(RuntimeError):
    """The IMDB data could not be found or read; the message says what to do."""


def _no_data_message(reason):
    return (
        f"{reason}\n"
        "To work offline, download the Large Movie Review Dataset once from\n"
        f"  {DOWNLOAD_URL}\n"
        f"and point the environment variable {ENV_VAR} at the folder that holds\n"
        "the archive (aclImdb_v1.tar.gz) or its extracted aclImdb/ folder, e.g.\n"
        f"  export {ENV_VAR}=$HOME/data/imdb\n"
        "or pass that folder as `source=`."
    )


def resolve_source(source=None):
    """Says where the reviews will come from.

    Args:
        source: a folder, an `aclImdb*.tar.gz` archive or an `aclImdb` folder;
            `None` to use `IMDB_DATA_DIR` if set, else Keras' download.

    Returns:
        `None` for Keras' download, else the resolved local `Path`.
    """
    if source is None:
        source = os.environ.get(ENV_VAR) or None
        if source is None:
            return None
    path = Path(source).expanduser().resolve()
    if not path.exists():
        raise ImdbDataError(_no_data_message(f"The IMDB data source {str(path)!r} does not exist."))
    return path


def _find_reviews(path):
    """Returns the archive file or the `aclImdb` folder inside `path`."""
    if path.is_file():
        if path.name.startswith("aclImdb") and path.name.endswith((".tar.gz", ".tgz")):
            return path
        raise ImdbDataError(_no_data_message(f"{str(path)!r} is not an aclImdb*.tar.gz archive."))
    if path.name == "aclImdb" and (path / "train").is_dir():
        return path
    if (path / "aclImdb" / "train").is_dir():
        return path / "aclImdb"
    archives = sorted(path.glob("aclImdb*.tar.gz")) + sorted(path.glob("aclImdb*.tgz"))
    if archives:
        return archives[0]
    raise ImdbDataError(
        _no_data_message(
            f"The folder {str(path)!r} holds neither an aclImdb*.tar.gz archive nor an "
            "extracted aclImdb/ folder (with train/pos, train/neg, test/pos, test/neg)."
        )
    )


def _read_archive(archive):
    reviews = {}
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                match = _REVIEW_PATH.search(member.name)
                if match and member.isfile():
                    split, label, name = match.groups()
                    data = tar.extractfile(member).read().decode("utf-8")
                    reviews.setdefault((split, label), []).append((name, data))
    except (tarfile.TarError, EOFError, OSError, zlib.error, UnicodeDecodeError) as err:
        raise ImdbDataError(
            f"The archive {str(archive)!r} is corrupt or incomplete ({err}). Download it "
            f"again from {DOWNLOAD_URL}, or extract it and point {ENV_VAR} at the "
            "folder that holds aclImdb/."
        ) from err
    return reviews


def _read_folder(folder):
    reviews = {}
    for split in ("train", "test"):
        for label in ("pos", "neg"):
            sub = folder / split / label
            if sub.is_dir():
                reviews[(split, label)] = [
                    (p.name, p.read_text(encoding="utf-8")) for p in sub.glob("*.txt")
                ]
    return reviews


def _read_raw_reviews(location):
    """Reads every labelled review, in Keras' order before shuffling.

    Returns:
        `{"train": (texts, labels), "test": (texts, labels)}`: within a split,
        every `pos` file sorted by file name, then every `neg` file.
    """
    reviews = _read_archive(location) if location.is_file() else _read_folder(location)
    out = {}
    for split in ("train", "test"):
        texts, labels = [], []
        for label, value in (("pos", 1), ("neg", 0)):
            files = sorted(reviews.get((split, label), []))
            if not files:
                raise ImdbDataError(
                    _no_data_message(
                        f"{str(location)!r} has no reviews under aclImdb/{split}/{label}/: "
                        "it does not have the layout of the official archive."
                    )
                )
            texts.extend(content for _, content in files)
            labels.extend([value] * len(files))
        out[split] = (texts, np.array(labels, dtype=np.int64))
    return out


@functools.lru_cache(maxsize=4)
def _load_word_index(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def word_index_path(source=None):
    """Finds Keras' IMDB word index: beside the local data, else Keras' copy.

    Args:
        source: as for `load_imdb`.

    Returns:
        The `Path` of `imdb_word_index.json`.
    """
    local = resolve_source(source)
    if local is not None:
        folder = local if local.is_dir() else local.parent
        for candidate in (folder / WORD_INDEX_FILE, folder.parent / WORD_INDEX_FILE):
            if candidate.is_file():
                return candidate
    try:
        return Path(
            keras.utils.get_file(
                fname=WORD_INDEX_FILE,
                origin=KERAS_DATA_URL.replace("imdb.npz", WORD_INDEX_FILE),
                file_hash="bfafd718b763782e994055a2d397834f",
            )
        )
    except Exception as err:  # Keras raises a bare Exception on a failed download.
        raise ImdbDataError(
            _no_data_message(
                f"Keras' IMDB word index could not be downloaded ({err}). Put a copy of "
                f"{WORD_INDEX_FILE} beside the data (or in {keras_datasets_folder()})."
            )
        ) from err


def get_word_index(source=None):
    """Returns Keras' IMDB word index: a dict word -> frequency rank (1 = most frequent).

    Args:
        source: as for `load_imdb`.
    """
    return _load_word_index(str(word_index_path(source)))


def _cache_key(location, index_path):
    stat = location.stat()
    if location.is_dir():
        stat = (location / "train").stat()
    index_md5 = hashlib.md5(Path(index_path).read_bytes()).hexdigest()
    ident = f"{_CACHE_FORMAT}|{location}|{stat.st_size}|{stat.st_mtime_ns}|{index_md5}"
    return hashlib.sha256(ident.encode()).hexdigest()[:20]


def _cache_file(location, source):
    """The cache file of the reviews at `location` (as `_find_reviews` returns it)."""
    return cache_folder() / f"imdb_{_cache_key(location, word_index_path(source))}.npz"


def cache_path(source=None):
    """The cache file for a local source (or `None` for Keras' download)."""
    location = resolve_source(source)
    if location is None:
        return None
    return _cache_file(_find_reviews(location), source)


def _encode_all(raw, word_index):
    arrays = {}
    rng = np.random.RandomState(KERAS_SHUFFLE_SEED)
    for split in ("train", "test"):
        texts, labels = raw[split]
        order = np.arange(len(texts))
        rng.shuffle(order)
        encoded = [text.words_to_ids(text.text_to_words(texts[i]), word_index) for i in order]
        lengths = np.array([len(ids) for ids in encoded], dtype=np.int64)
        arrays[f"{split}_ids"] = np.fromiter(
            (i for ids in encoded for i in ids), dtype=np.int32, count=int(lengths.sum())
        )
        arrays[f"{split}_offsets"] = np.concatenate([[0], np.cumsum(lengths)])
        arrays[f"{split}_labels"] = labels[order]
    return arrays


def _read_cache(path):
    """Returns the cached arrays, or `None` if the file is missing or unusable."""
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files}
        for split in ("train", "test"):
            ids, offsets, labels = (arrays[f"{split}_{k}"] for k in ("ids", "offsets", "labels"))
            if not (
                offsets[0] == 0
                and offsets[-1] == len(ids)
                and len(labels) == len(offsets) - 1
                and np.all(np.diff(offsets) > 0)
                and ids.min() >= 1
            ):
                return None
        return arrays
    except Exception:  # Any unreadable cache is rebuilt, never trusted.
        return None


def _write_cache(path, arrays):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, path)


def _local_splits(location_root, source, vocab_size):
    """Each split of a local copy as `(ids, offsets, labels)`, from the cache.

    `ids` holds every review's ids one after another (rarer words as the
    out-of-vocabulary id) and review `i` is `ids[offsets[i]:offsets[i + 1]]`:
    a few NumPy arrays, where lists of Python ints take about five times the memory.
    """
    location = _find_reviews(location_root)
    path = _cache_file(location, source)
    arrays = _read_cache(path)
    shared = shared_cache_folder()
    if arrays is None and shared is not None:  # A class's server encoded them once for all.
        arrays = _read_cache(shared / path.name)
    if arrays is None:
        arrays = _encode_all(_read_raw_reviews(location), get_word_index(source))
        try:
            _write_cache(path, arrays)
        except OSError:
            pass  # A read-only cache folder only costs speed.
    return [
        (
            np.where(arrays[f"{split}_ids"] >= vocab_size, text.OOV_ID, arrays[f"{split}_ids"]),
            arrays[f"{split}_offsets"],
            arrays[f"{split}_labels"].astype(np.int64),
        )
        for split in ("train", "test")
    ]


def _shared_int_lists(reviews, count, ints):
    """Reviews as an object array of lists of ids that share one `int` per id.

    A list made by `tolist()` holds a new 28-byte `int` for every id above 256;
    pointing at one shared `int` per id halves what the 50,000 reviews take
    (about 100 MiB instead of 200), which a class's per-learner memory limit needs.

    Args:
        reviews: each review's ids as a list of ints (an iterator: one list at a time).
        count: how many reviews.
        ints: `list(range(vocab_size))`, the ints to share (the same for both splits).
    """
    x = np.empty(count, dtype=object)
    x[:] = [list(map(ints.__getitem__, review)) for review in reviews]
    return x


def _load_local(location_root, source, vocab_size):
    ints = list(range(vocab_size))
    out = []
    for ids, offsets, labels in _local_splits(location_root, source, vocab_size):
        pieces = np.split(ids, offsets[1:-1])
        reviews = (piece.tolist() for piece in pieces)
        out.append((_shared_int_lists(reviews, len(pieces), ints), labels))
    return tuple(out)


def _load_from_keras(vocab_size):
    try:
        return keras.datasets.imdb.load_data(num_words=vocab_size)
    except Exception as err:  # Keras raises a bare Exception on a failed download.
        raise ImdbDataError(
            _no_data_message(
                f"Keras could not download the IMDB data from {KERAS_DATA_URL} ({err})."
            )
        ) from err


def load_imdb(*, vocab_size=DEFAULT_VOCAB_SIZE, source=None):
    """Loads the 25,000 + 25,000 labelled IMDB reviews as Keras' word ids.

    Args:
        vocab_size: ids `>= vocab_size` (rarer words) become 2, the
            out-of-vocabulary id, as with Keras' `num_words`.
        source: a folder with the official archive or its `aclImdb/` folder;
            `None` uses `IMDB_DATA_DIR` if set, else Keras' download.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: object arrays of lists of ids
        (each starting with 1) and int64 labels (1 positive, 0 negative), equal
        to `keras.datasets.imdb.load_data(num_words=vocab_size)`.
    """
    vocab_size = check_positive_int("vocab_size", vocab_size)
    location = resolve_source(source)
    if location is None:
        return _load_from_keras(vocab_size)
    return _load_local(location, source, vocab_size)


def describe_source(source=None):
    """One line that says where `load_imdb(source=source)` reads from."""
    location = resolve_source(source)
    if location is None:
        return f"Keras' download ({KERAS_DATA_URL}, cached in {keras_datasets_folder()})"
    return f"local copy {_find_reviews(location)} (cache {cache_path(source)})"


def decode_review(ids, *, source=None):
    """Turns a review's ids back into readable text.

    Args:
        ids: word ids, as in `load_imdb`'s reviews or a padded row.
        source: as for `load_imdb` (where the word index comes from).

    Returns:
        The words joined by spaces, with `[START]` and `[OOV]` markers.
    """
    return " ".join(text.ids_to_words(ids, get_word_index(source)))


def encode_review(
    review,
    *,
    vocab_size=DEFAULT_VOCAB_SIZE,
    max_length=DEFAULT_MAX_LENGTH,
    padding="post",
    truncating="pre",
    source=None,
):
    """Turns a learner's own review into the padded ids a model takes.

    Args:
        review: the text, e.g. `"A wonderful, moving film."`.
        vocab_size, max_length, padding, truncating: as the model was trained.
        source: as for `load_imdb` (where the word index comes from).

    Returns:
        An int32 array of shape `(1, max_length)`.
    """
    vocab_size = check_positive_int("vocab_size", vocab_size)
    ids = text.words_to_ids(text.text_to_words(review), get_word_index(source), vocab_size)
    return text.pad_reviews([ids], max_length, padding=padding, truncating=truncating)


def prepare_imdb_data(
    vocab_size=DEFAULT_VOCAB_SIZE,
    max_length=DEFAULT_MAX_LENGTH,
    *,
    padding="post",
    truncating="pre",
    source=None,
    quick=None,
):
    """Loads IMDB and pads every review to `max_length` ids, ready for a model.

    Args:
        vocab_size: as for `load_imdb`.
        max_length: ids kept per review; longer reviews are truncated.
        padding: `"post"` (zeros after the review; the default, which a mask
            and the GPU's cuDNN kernel both want) or `"pre"`.
        truncating: `"pre"` (drop a long review's start, keep its ending) or
            `"post"` (keep its start).
        source: as for `load_imdb`.
        quick: `True` for quick mode's fixed subsample (the first
            `QUICK_TRAIN_REVIEWS` and `QUICK_TEST_REVIEWS` reviews of Keras'
            fixed order, at most `QUICK_MAX_LENGTH` ids); `None` reads
            `QUICK_TEST_MODE`.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: int32 arrays of shape
        `(reviews, max_length)` and int64 labels.
    """
    max_length = check_positive_int("max_length", max_length)
    vocab_size = check_positive_int("vocab_size", vocab_size)
    quick = is_quick_mode(quick)
    if quick:
        max_length = min(max_length, QUICK_MAX_LENGTH)
    location = resolve_source(source)
    if location is None:  # Keras' download gives lists of ids.
        splits = [
            (*text.join_reviews(reviews), labels)
            for reviews, labels in load_imdb(vocab_size=vocab_size, source=source)
        ]
    else:
        splits = _local_splits(location, source, vocab_size)
    out = []
    for (ids, offsets, labels), count in zip(splits, (QUICK_TRAIN_REVIEWS, QUICK_TEST_REVIEWS)):
        if quick:
            offsets, labels = offsets[: count + 1], labels[:count]
        padded = text.pad_joined_reviews(
            ids, offsets, max_length, padding=padding, truncating=truncating
        )
        out.append((padded, labels))
    return tuple(out)
