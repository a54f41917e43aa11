"""A tiny IMDB in the official aclImdb layout, for fast tests of the data path."""

import json
import tarfile
from pathlib import Path

# A tiny word index in Keras' format (word -> frequency rank) and a handful of
# reviews in the official aclImdb layout: enough to exercise every rule of the
# loader in milliseconds.
FAKE_WORD_INDEX = {
    "the": 1,
    "film": 2,
    "was": 3,
    "great": 4,
    "bad": 5,
    "br": 6,
    "loved": 7,
    "it": 8,
    "awful": 9,
    "plot": 10,
}
FAKE_REVIEWS = {
    ("train", "pos"): {
        "10_9.txt": "Great film!<br />Loved it.",
        "2_8.txt": "The plot was great",
        "0_7.txt": "loved, LOVED it",
    },
    ("train", "neg"): {
        "1_2.txt": "Awful. The plot was bad",
        "11_1.txt": "bad bad film",
        "3_3.txt": "unknownword awful",
    },
    ("test", "pos"): {"5_10.txt": "great great film", "12_9.txt": "Loved the film"},
    ("test", "neg"): {"7_1.txt": "The film was awful", "8_2.txt": "bad plot\tbad film"},
}


def write_fake_imdb(root, *, archive=True, word_index=True):
    """Writes the fake reviews under `root` as an archive or an aclImdb/ folder."""
    root = Path(root)
    tree = root / "tree"
    for (split, label), files in FAKE_REVIEWS.items():
        folder = tree / "aclImdb" / split / label
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
    (tree / "aclImdb" / "README").write_text("fake", encoding="utf-8")
    if archive:
        with tarfile.open(root / "aclImdb_v1.tar.gz", "w:gz") as tar:
            tar.add(tree / "aclImdb", arcname="aclImdb")
    else:
        (tree / "aclImdb").rename(root / "aclImdb")
    if word_index:
        (root / "imdb_word_index.json").write_text(json.dumps(FAKE_WORD_INDEX), encoding="utf-8")
    return root
