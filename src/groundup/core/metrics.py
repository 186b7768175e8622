"""Classification metrics computed from predicted and true class ids."""

from __future__ import annotations

import numpy as np


def accuracy(pred: np.ndarray, y: np.ndarray) -> float:
    return float((np.asarray(pred) == np.asarray(y)).mean())


def confusion_matrix(y: np.ndarray, pred: np.ndarray, n_classes: int) -> np.ndarray:
    """cm[i, j] = number of samples of true class i predicted as class j (labels of any shape,
    e.g. one per step of a sequence)."""
    return np.bincount(n_classes * np.asarray(y, dtype=np.int64).ravel() + np.asarray(pred, dtype=np.int64).ravel(),
                       minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def per_class_accuracy(cm: np.ndarray) -> np.ndarray:
    totals = cm.sum(axis=1)
    return np.divide(np.diag(cm), totals, out=np.zeros(len(cm)), where=totals > 0)


def most_confused(cm: np.ndarray, k: int = 3) -> list[tuple[int, int, int]]:
    """The k largest off-diagonal counts as (true, predicted, count), largest first."""
    off = cm.copy()
    np.fill_diagonal(off, 0)
    flat = np.argsort(off, axis=None)[::-1][:k]
    return [(int(i), int(j), int(off[i, j])) for i, j in zip(*np.unravel_index(flat, cm.shape))
            if off[i, j] > 0]
