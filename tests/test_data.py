"""The IMDB loader: Keras' order and ids offline, its cache, and its errors."""

import os
from pathlib import Path

import numpy as np
import pytest
from fake_imdb import FAKE_REVIEWS, FAKE_WORD_INDEX, write_fake_imdb

import lesson_utils.data.imdb as data
from lesson_utils.data import text
from lesson_utils.data.text import text_to_words

SHARED = Path(
    os.environ.get("IMDB_DATA_DIR") or Path(__file__).resolve().parents[2] / "shared" / "data"
)
REFERENCE = SHARED / "keras_imdb_first5000_vocab500.npz"


def expected_split(split, vocab_size):
    """Keras' rules written out plainly: pos then neg by file name, then RandomState(113)."""
    rng = np.random.RandomState(113)
    out = {}
    for name in ("train", "test"):
        texts, labels = [], []
        for label, value in (("pos", 1), ("neg", 0)):
            for file_name in sorted(FAKE_REVIEWS[(name, label)]):
                texts.append(FAKE_REVIEWS[(name, label)][file_name])
                labels.append(value)
        order = np.arange(len(texts))
        rng.shuffle(order)
        seqs = []
        for i in order:
            ids = [1]
            for word in text_to_words(texts[i]):
                if word in FAKE_WORD_INDEX:
                    word_id = FAKE_WORD_INDEX[word] + 3
                    ids.append(word_id if word_id < vocab_size else 2)
            seqs.append(ids)
        out[name] = (seqs, [labels[i] for i in order])
    return out[split]


@pytest.mark.parametrize("vocab_size", [100, 8])
def test_local_archive_gives_keras_order_and_ids(fake_imdb, vocab_size):
    (x_train, y_train), (x_test, y_test) = data.load_imdb(vocab_size=vocab_size, source=fake_imdb)
    for (x, y), split in (((x_train, y_train), "train"), ((x_test, y_test), "test")):
        seqs, labels = expected_split(split, vocab_size)
        assert x.dtype == object and [list(s) for s in x] == seqs
        assert y.dtype == np.int64 and y.tolist() == labels


def test_extracted_folder_equals_archive(tmp_path, fake_imdb, monkeypatch):
    folder = write_fake_imdb(tmp_path / "extracted", archive=False)
    from_archive = data.load_imdb(source=fake_imdb)
    from_folder = data.load_imdb(source=folder)
    for a, b in zip(from_archive, from_folder):
        assert [list(s) for s in a[0]] == [list(s) for s in b[0]]
        np.testing.assert_array_equal(a[1], b[1])


def test_imdb_data_dir_is_used_when_no_source(fake_imdb, monkeypatch):
    monkeypatch.setenv("IMDB_DATA_DIR", str(fake_imdb))
    (x_train, _), _ = data.load_imdb()
    assert len(x_train) == 6
    assert "local copy" in data.describe_source()


def test_second_load_reads_the_cache(fake_imdb, monkeypatch):
    first = data.load_imdb(source=fake_imdb)
    assert data.cache_path(fake_imdb).exists()

    def no_reading(location):
        raise AssertionError("the reviews were read again instead of the cache")

    monkeypatch.setattr(data, "_read_raw_reviews", no_reading)
    second = data.load_imdb(source=fake_imdb)
    assert [list(s) for s in first[0][0]] == [list(s) for s in second[0][0]]


def test_corrupt_cache_is_rebuilt(fake_imdb, monkeypatch):
    first = data.load_imdb(source=fake_imdb)
    path = data.cache_path(fake_imdb)
    path.write_bytes(b"not an npz file")
    rebuilt = data.load_imdb(source=fake_imdb)
    assert [list(s) for s in rebuilt[0][0]] == [list(s) for s in first[0][0]]

    def no_reading(location):
        raise AssertionError("the rebuilt cache was not used")

    monkeypatch.setattr(data, "_read_raw_reviews", no_reading)
    from_cache = data.load_imdb(source=fake_imdb)
    for (x, y), (x_first, y_first) in zip(from_cache, first):
        assert [list(s) for s in x] == [list(s) for s in x_first]
        np.testing.assert_array_equal(y, y_first)


def test_stale_cache_is_not_used(fake_imdb):
    data.load_imdb(source=fake_imdb)
    old = data.cache_path(fake_imdb)
    archive = fake_imdb / "aclImdb_v1.tar.gz"
    os.utime(archive, ns=(archive.stat().st_atime_ns, archive.stat().st_mtime_ns + 10**9))
    assert data.cache_path(fake_imdb) != old


def test_cache_needs_no_pickle(fake_imdb):
    data.load_imdb(source=fake_imdb)
    with np.load(data.cache_path(fake_imdb), allow_pickle=False) as f:
        assert all(f[k].dtype != object for k in f.files)


def test_missing_folder_says_what_to_do(tmp_path):
    with pytest.raises(data.ImdbDataError, match="IMDB_DATA_DIR") as err:
        data.load_imdb(source=tmp_path / "nowhere")
    assert data.DOWNLOAD_URL in str(err.value)


def test_folder_without_layout_is_explained(tmp_path):
    (tmp_path / "something.txt").write_text("x")
    with pytest.raises(data.ImdbDataError, match="neither an aclImdb"):
        data.load_imdb(source=tmp_path)


def test_corrupt_archive_is_explained(tmp_path, fake_imdb):
    broken = tmp_path / "broken"
    broken.mkdir()
    content = (fake_imdb / "aclImdb_v1.tar.gz").read_bytes()
    (broken / "aclImdb_v1.tar.gz").write_bytes(content[: len(content) // 2])
    (broken / "imdb_word_index.json").write_bytes((fake_imdb / "imdb_word_index.json").read_bytes())
    with pytest.raises(data.ImdbDataError, match="corrupt or incomplete"):
        data.load_imdb(source=broken)


def test_archive_without_a_split_is_explained(tmp_path, fake_imdb):

    partial = tmp_path / "partial"
    (partial / "aclImdb" / "train" / "pos").mkdir(parents=True)
    (partial / "aclImdb" / "train" / "pos" / "0_9.txt").write_text("great")
    index = (fake_imdb / "imdb_word_index.json").read_bytes()
    (partial / "imdb_word_index.json").write_bytes(index)
    with pytest.raises(data.ImdbDataError, match="train/neg"):
        data.load_imdb(source=partial)


def test_no_network_and_no_local_copy_names_the_way_out(monkeypatch):
    import keras

    def offline(**kwargs):
        raise Exception("URL fetch failure: no network")

    monkeypatch.delenv("IMDB_DATA_DIR", raising=False)
    monkeypatch.setattr(keras.datasets.imdb, "load_data", offline)
    with pytest.raises(data.ImdbDataError) as err:
        data.load_imdb()
    message = str(err.value)
    assert "IMDB_DATA_DIR" in message and data.DOWNLOAD_URL in message


@pytest.mark.parametrize("bad", [0, -5, 1.5, "10000", True])
def test_bad_vocab_size_is_named(fake_imdb, bad):
    with pytest.raises(ValueError, match=r"`vocab_size` must be a positive integer"):
        data.load_imdb(vocab_size=bad, source=fake_imdb)


def test_encode_and_decode_use_the_same_index(fake_imdb):
    padded = data.encode_review(
        "The film was GREAT, unknownword!", vocab_size=100, max_length=8, source=fake_imdb
    )
    assert padded.shape == (1, 8)
    assert padded[0].tolist() == [1, 4, 5, 6, 7, 0, 0, 0]
    assert data.decode_review(padded[0], source=fake_imdb) == "[START] the film was great"
    assert data.get_word_index(source=fake_imdb) == FAKE_WORD_INDEX


def test_prepare_imdb_data_pads_and_never_returns_an_all_padding_row(fake_imdb):
    (x_train, y_train), (x_test, y_test) = data.prepare_imdb_data(
        100, 4, source=fake_imdb, quick=False
    )
    assert x_train.shape == (6, 4) and x_test.shape == (4, 4)
    assert (x_train != 0).any(axis=1).all() and (x_test != 0).any(axis=1).all()
    assert (x_train[:, 0] != 0).all()  # post-padded: every row starts with an id


def test_quick_mode_takes_a_fixed_subsample(fake_imdb, monkeypatch):
    # The quick sizes as `prepare_imdb_data` reads them (imported from lesson_utils.settings).
    monkeypatch.setattr(data, "QUICK_TRAIN_REVIEWS", 3)
    monkeypatch.setattr(data, "QUICK_TEST_REVIEWS", 2)
    monkeypatch.setattr(data, "QUICK_MAX_LENGTH", 3)
    (x_train, _), (x_test, _) = data.prepare_imdb_data(100, 50, source=fake_imdb, quick=True)
    assert x_train.shape == (3, 3) and x_test.shape == (2, 3)
    (full, _), _ = data.prepare_imdb_data(100, 3, source=fake_imdb, quick=False)
    np.testing.assert_array_equal(x_train, full[:3])


@pytest.mark.skipif(
    not REFERENCE.exists() or not any(SHARED.glob("aclImdb*")),
    reason=f"the shared IMDB data is not at {SHARED} (set IMDB_DATA_DIR)",
)
def test_offline_path_equals_keras_reference():
    reference = np.load(REFERENCE, allow_pickle=True)
    (x_train, y_train), (x_test, y_test) = data.load_imdb(vocab_size=500, source=SHARED)
    assert len(x_train) == 25_000 and len(x_test) == 25_000
    equal = sum(list(a) == list(b) for a, b in zip(reference["arr_0"], x_train[:5000])) + sum(
        list(a) == list(b) for a, b in zip(reference["arr_2"], x_test[:1000])
    )
    assert equal >= 5_999
    np.testing.assert_array_equal(reference["arr_1"], y_train[:5000])
    np.testing.assert_array_equal(reference["arr_3"], y_test[:1000])


def test_a_class_shared_cache_is_read_and_the_learner_writes_no_copy(
    fake_imdb, monkeypatch, tmp_path
):
    first = data.load_imdb(source=fake_imdb)
    shared = tmp_path / "shared"
    (shared / "cache").mkdir(parents=True)
    own = data.cache_path(fake_imdb)
    own.rename(shared / "cache" / own.name)
    monkeypatch.setenv("RNN_COURSE_SHARED_DIR", str(shared))

    def no_reading(location):
        raise AssertionError("the reviews were read again instead of the class's cache")

    monkeypatch.setattr(data, "_read_raw_reviews", no_reading)
    second = data.load_imdb(source=fake_imdb)
    assert [list(s) for s in first[0][0]] == [list(s) for s in second[0][0]]
    assert not own.exists(), "the learner's folder gets no copy of the class's cache"


@pytest.mark.parametrize("padding", ["post", "pre"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
def test_reviews_stored_one_after_another_pad_as_the_lists_do(padding, truncating):
    rng = np.random.default_rng(0)
    reviews = [list(rng.integers(1, 99, size=n)) for n in (1, 4, 7, 12, 30)]
    ids = np.concatenate(reviews).astype(np.int32)
    offsets = np.concatenate([[0], np.cumsum([len(r) for r in reviews])])
    joined = text.pad_joined_reviews(ids, offsets, 7, padding=padding, truncating=truncating)
    lists = text.pad_reviews(reviews, 7, padding=padding, truncating=truncating)
    np.testing.assert_array_equal(joined, lists)
    assert joined.dtype == np.int32
    with pytest.raises(ValueError, match="Review 1 has no word ids"):
        text.pad_joined_reviews(ids, np.array([0, 3, 3, 5]), 7)


@pytest.mark.parametrize("quick", [False, True])
def test_prepare_imdb_data_pads_what_load_imdb_gives(fake_imdb, quick):
    """The padded arrays come from the cache's arrays directly, never through lists of ints."""
    (x_train, y_train), (x_test, y_test) = data.prepare_imdb_data(
        100, 5, padding="pre", truncating="post", source=fake_imdb, quick=quick
    )
    (lists_train, labels_train), (lists_test, labels_test) = data.load_imdb(
        vocab_size=100, source=fake_imdb
    )
    count = len(x_train)
    np.testing.assert_array_equal(
        x_train, text.pad_reviews(lists_train[:count], 5, padding="pre", truncating="post")
    )
    np.testing.assert_array_equal(y_train, labels_train[:count])
    np.testing.assert_array_equal(
        x_test, text.pad_reviews(lists_test[: len(x_test)], 5, padding="pre", truncating="post")
    )
    np.testing.assert_array_equal(y_test, labels_test[: len(x_test)])


def test_prepare_imdb_data_from_keras_download_pads_its_lists(monkeypatch):
    reviews = np.empty(2, dtype=object)
    reviews[:] = [[1, 5, 9], [1, 7]]
    monkeypatch.setattr(data, "resolve_source", lambda source: None)
    monkeypatch.setattr(
        data,
        "_load_from_keras",
        lambda vocab_size: ((reviews, np.array([1, 0])), (reviews, np.array([0, 1]))),
    )
    (x_train, y_train), (x_test, y_test) = data.prepare_imdb_data(20, 4, quick=False)
    np.testing.assert_array_equal(x_train, [[1, 5, 9, 0], [1, 7, 0, 0]])
    assert y_train.tolist() == [1, 0] and y_test.tolist() == [0, 1]


def test_loaded_reviews_share_one_int_per_id(fake_imdb, monkeypatch):
    """Half the memory: 50,000 reviews' lists point to one int per id (ids above 256 included)."""
    ids = np.array([1, 300, 5000, 300, 1, 5000, 7], dtype=np.int32)
    split = (ids, np.array([0, 4, 7]), np.array([1, 0]))
    monkeypatch.setattr(data, "_local_splits", lambda *args: [split, split])
    (x_train, _), (x_test, _) = data.load_imdb(vocab_size=6000, source=fake_imdb)
    assert [list(r) for r in x_train] == [[1, 300, 5000, 300], [1, 5000, 7]]
    seen = {}
    for review in [*x_train, *x_test]:
        assert type(review) is list and all(type(i) is int for i in review)
        for i in review:
            assert seen.setdefault(i, i) is i, f"id {i} is held by two int objects"
