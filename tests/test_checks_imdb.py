"""Notebook 04/05 self-checks accept the right answer and reject plausible wrong ones."""

import numpy as np

from lesson_utils.exercises import (
    check_confusion_matrix,
    check_head_probability,
    check_padding_share,
    check_pca_2d,
)


def right_padding_share(lengths, max_length):
    lengths = np.asarray(lengths)
    return float(np.maximum(max_length - lengths, 0).sum() / (len(lengths) * max_length))


def test_padding_share(capsys):
    assert check_padding_share(right_padding_share)
    for wrong, words in [
        (lambda lengths, m: float(np.mean(m - np.asarray(lengths)) / m), "negative padding"),
        (lambda lengths, m: 100 * right_padding_share(lengths, m), "percentage"),
        (
            lambda lengths, m: float(np.maximum(m - np.asarray(lengths), 0).sum()),
            "number of padding zeros",
        ),
        (lambda lengths, m: float(np.mean(np.asarray(lengths) < m)), "share of reviews"),
        (lambda lengths, m: 1 - right_padding_share(lengths, m), "real word ids"),
        (lambda lengths, m: None, "returned None"),
        (lambda lengths, m: 1 / 0, "ZeroDivisionError"),
    ]:
        assert not check_padding_share(wrong)
        assert words in capsys.readouterr().out


def test_a_stub_is_named_in_the_not_yet_message(capsys):
    def padding_share(lengths, max_length):
        return None

    def confusion(y_true, probabilities):
        return None

    assert not check_padding_share(padding_share)
    assert "Not yet: padding_share returned None" in capsys.readouterr().out
    assert not check_confusion_matrix(confusion)
    assert "Not yet: confusion returned None" in capsys.readouterr().out


def right_confusion(y, p):
    m = np.zeros((2, 2), dtype=int)
    for t, q in zip(y, p):
        m[int(t), int(q > 0.5)] += 1
    return m


def test_confusion_matrix(capsys):
    assert check_confusion_matrix(right_confusion)
    for wrong, words in [
        (lambda y, p: right_confusion(y, p).T, "swapped"),
        (lambda y, p: right_confusion(y, p)[::-1, ::-1], "reversed"),
        (lambda y, p: right_confusion(y, np.asarray(p) + 1e-12), "exactly 0.5"),
        (lambda y, p: None, "returned None"),
    ]:
        assert not check_confusion_matrix(wrong)
        assert words in capsys.readouterr().out


def right_pca(states):
    centred = states - states.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return centred @ vt[:2].T


def test_pca_2d(capsys):
    assert check_pca_2d(right_pca)
    assert check_pca_2d(lambda s: -right_pca(s))  # signs are arbitrary
    uncentred = lambda s: s @ np.linalg.svd(s, full_matrices=False)[2][:2].T  # noqa: E731

    def smallest(s):
        centred = s - s.mean(axis=0)
        return centred @ np.linalg.svd(centred, full_matrices=False)[2][-2:].T

    for wrong, words in [
        (uncentred, "subtract the mean"),
        (smallest, "least"),
        (lambda s: right_pca(s)[:, :1], "shape"),
        (lambda s: right_pca(s)[:, ::-1], "differ"),
        (lambda s: None, "Not yet: project_2d returned None"),
    ]:
        assert not check_pca_2d(wrong)
        assert words in capsys.readouterr().out


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def right_head(states, kernel_1, bias_1, kernel_2, bias_2):
    return sigmoid(np.maximum(states @ kernel_1 + bias_1, 0) @ kernel_2 + bias_2)[:, 0]


def test_head_probability(capsys):
    assert check_head_probability(right_head)
    assert "Correct" in capsys.readouterr().out
    for wrong, words in [
        (lambda s, k1, b1, k2, b2: None, "Not yet: head_probability returned None"),
        (lambda s, k1, b1, k2, b2: sigmoid((s @ k1 + b1) @ k2 + b2)[:, 0], "ReLU"),
        (lambda s, k1, b1, k2, b2: (np.maximum(s @ k1 + b1, 0) @ k2 + b2)[:, 0], "logit"),
        (
            lambda s, k1, b1, k2, b2: sigmoid(sigmoid(s @ k1 + b1) @ k2 + b2)[:, 0],
            "not the sigmoid",
        ),
        (lambda s, k1, b1, k2, b2: sigmoid(np.tanh(s @ k1 + b1) @ k2 + b2)[:, 0], "not tanh"),
        (lambda s, k1, b1, k2, b2: sigmoid(np.maximum(s @ k1, 0) @ k2 + b2)[:, 0], "bias_1"),
        (lambda s, k1, b1, k2, b2: sigmoid(np.maximum(s @ k1 + b1, 0) @ k2)[:, 0], "bias_2"),
        (lambda s, k1, b1, k2, b2: 1 - right_head(s, k1, b1, k2, b2), "P(negative)"),
        (lambda s, k1, b1, k2, b2: right_head(s, k1, b1, k2, b2)[:, None], "shape (n,)"),
        (
            lambda s, k1, b1, k2, b2: sigmoid(np.maximum(s @ k1.T + b1, 0) @ k2 + b2),
            "raised ValueError",
        ),
        (lambda s, k1, b1, k2, b2: right_head(s, k1, b1, k2, b2) + 0.01, "differs"),
    ]:
        assert not check_head_probability(wrong)
        assert words in capsys.readouterr().out


def test_notebook_04_exercises_follow_the_course_pattern():
    import re
    from pathlib import Path

    import nbformat

    path = Path(__file__).resolve().parents[1] / "notebooks" / "04_imdb_sentiment.ipynb"
    cells = nbformat.read(path, as_version=4).cells
    first_code = next(cell.source for cell in cells if cell.cell_type == "code")
    imported = set(re.findall(r"^\s+(\w+),$", first_code, re.M))
    imported |= {
        name.strip()
        for line in re.findall(r"^from lesson_utils import ([\w, ]+)$", first_code, re.M)
        for name in line.split(",")
    }
    exercises = [
        (i, match)
        for i, cell in enumerate(cells)
        if cell.cell_type == "code"
        for match in re.finditer(r"^(check_\w+)\((\w+)\);$", cell.source, re.M)
    ]
    assert len(exercises) >= 2, "notebook 04 should have at least two checked exercises"
    for i, match in exercises:
        check, stub = match.groups()
        assert f"def {stub}(" in cells[i].source and "return None" in cells[i].source, (
            f"cell {i} should pass the learner's stub {stub!r} to {check}, not a literal"
        )
        note, solution = cells[i + 1], cells[i + 2]
        assert note.source.startswith("*Worked solution to exercise"), note.source
        assert note.metadata["slideshow"]["slide_type"] == "skip"
        assert solution.metadata["jupyter"]["source_hidden"]
        assert "solution" in solution.metadata["tags"]
        assert f"assert {check}(solution_" in solution.source
        # e.g. share_truncated against truncated_share, confusion against confusion_matrix
        for name in imported:
            same_words = set(name.split("_")) == set(stub.split("_"))
            assert not (same_words or name.startswith(stub) or stub.startswith(name)), (
                f"the notebook imports {name!r}, a reference under a name close to the "
                f"exercise's {stub!r}"
            )
