"""Notebook 04/05 self-checks accept the right answer and reject plausible wrong ones."""

import numpy as np
import pytest

from lesson_utils.checks import check_confusion_matrix, check_pca_2d, check_truncated_share


def test_truncated_share(capsys):
    assert check_truncated_share(lambda lengths, m: float(np.mean(np.asarray(lengths) > m)))
    assert not check_truncated_share(None)
    assert "nothing to check yet" in capsys.readouterr().out
    for wrong, words in [(lambda l, m: float(np.mean(np.asarray(l) >= m)), "`>`, not `>=`"),
                         (lambda l, m: 100 * float(np.mean(np.asarray(l) > m)), "percentage"),
                         (lambda l, m: int(np.sum(np.asarray(l) > m)), "number of reviews"),
                         (lambda l, m: 1 / 0, "ZeroDivisionError")]:
        assert not check_truncated_share(wrong)
        assert words in capsys.readouterr().out


def right_confusion(y, p):
    m = np.zeros((2, 2), dtype=int)
    for t, q in zip(y, p):
        m[int(t), int(q > 0.5)] += 1
    return m


def test_confusion_matrix(capsys):
    assert check_confusion_matrix(right_confusion)
    for wrong, words in [(lambda y, p: right_confusion(y, p).T, "swapped"),
                         (lambda y, p: right_confusion(y, p)[::-1, ::-1], "reversed"),
                         (lambda y, p: right_confusion(y, np.asarray(p) + 1e-12), "exactly 0.5"),
                         (lambda y, p: None, "returned None")]:
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

    for wrong, words in [(uncentred, "subtract the mean"), (smallest, "least"),
                         (lambda s: right_pca(s)[:, :1], "shape"),
                         (lambda s: right_pca(s)[:, ::-1], "differ")]:
        assert not check_pca_2d(wrong)
        assert words in capsys.readouterr().out
