"""A correct logistic-regression submission."""

import numpy as np


def sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def bce_loss(logits, y):
    z = logits
    return float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))


def bce_grad(logits, y):
    return (sigmoid(logits) - y) / len(y)


def predict(logits):
    return (logits > 0).astype(np.int64)
