"""Losses that return the mean loss per sample and its gradient with respect to the logits.

All three work on logits (the raw outputs of the last linear layer) because the
probability-space forms lose precision or overflow; each docstring says where.
"""

from __future__ import annotations

import numpy as np

from groundup.numpy_impl.layers import sigmoid


def log_softmax(z: np.ndarray) -> np.ndarray:
    """log softmax(z) = z - logsumexp(z), with the row maximum subtracted first.

    exp(z) overflows to inf for z > 709 (float64) or z > 88 (float32), and inf / inf is nan;
    subtracting the maximum makes every exponent <= 0 without changing the result.
    """
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """L = -(1/n) sum_i log softmax(z_i)[y_i];   dL/dz = (softmax(z) - onehot(y)) / n."""
    n = logits.shape[0]
    logp = log_softmax(logits)
    loss = -logp[np.arange(n), y].mean()
    grad = np.exp(logp)
    grad[np.arange(n), y] -= 1.0
    return float(loss), grad / n


def bce_with_logits(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Binary cross-entropy on logits z (shape (n, 1)), labels y in {0, 1} (shape (n,)).

    -[y log s(z) + (1-y) log(1-s(z))] simplifies to max(z, 0) - z y + log(1 + e^-|z|),
    which never takes log(0): with probabilities, s(z) rounds to exactly 1.0 for z > 37
    (float64) and log(1 - 1.0) = -inf.   dL/dz = (s(z) - y) / n.
    """
    z = logits[:, 0]
    loss = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    grad = (sigmoid(z) - y) / z.shape[0]
    return float(loss.mean()), grad[:, None]


def mse(pred: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """L = (1/n) sum_i (p_i - y_i)^2  (one output);   dL/dp = 2 (p - y) / n."""
    diff = pred[:, 0] - y
    return float((diff ** 2).mean()), (2.0 * diff / diff.shape[0])[:, None]


LOSSES = {"ce": softmax_cross_entropy, "bce": bce_with_logits, "mse": mse}
