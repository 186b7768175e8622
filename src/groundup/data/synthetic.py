"""Synthetic data sets of the course, generated from a seed.

The logistic set is the course lab's: two features uniform in [0, 1) and
    label = 1  if  sigmoid(1.9 x1 - 3.1 x2 + 0.6) + N(0, 0.01^2) >= 0.5  else 0.
(The lab wrote the logit as -(w.x) + b inside exp(.) with b = -0.6, i.e. w.x + 0.6.)
The noise flips labels only close to the boundary, so even the true boundary does not
classify every sample right: ``boundary_accuracy`` measures that ceiling.
"""

from __future__ import annotations

import numpy as np

LOGISTIC_W = np.array([1.9, -3.1])
LOGISTIC_B = 0.6
LINEAR_W = np.array([2.0, -3.4])
LINEAR_B = 4.2


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + e^-z), without overflow


def logistic_set(n: int, rng: np.random.Generator, noise: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    """n samples of the course lab's logistic data: features (n, 2) and 0/1 labels (n,)."""
    x = rng.random((n, 2))
    p = _sigmoid(x @ LOGISTIC_W + LOGISTIC_B) + rng.normal(0.0, noise, n)
    return x, (p >= 0.5).astype(np.int64)


def logistic_seed_split(seed: int, n_train: int = 2000, n_test: int = 1000):
    """The lab's 2000 train / 1000 test split, from one seeded generator."""
    rng = np.random.default_rng(seed)
    x_train, y_train = logistic_set(n_train, rng)
    x_test, y_test = logistic_set(n_test, rng)
    return x_train, y_train, x_test, y_test


def boundary_accuracy(x: np.ndarray, y: np.ndarray) -> float:
    """Accuracy of the generating boundary itself (no noise): the best any model can expect."""
    return float(((x @ LOGISTIC_W + LOGISTIC_B >= 0).astype(np.int64) == y).mean())


def linear_set(n: int, rng: np.random.Generator, w: np.ndarray = LINEAR_W, b: float = LINEAR_B,
               noise: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    """y = X w + b + N(0, noise^2), X ~ N(0, 1): the d2l linear-regression set."""
    x = rng.normal(0.0, 1.0, (n, len(w)))
    return x, x @ w + b + rng.normal(0.0, noise, n)
