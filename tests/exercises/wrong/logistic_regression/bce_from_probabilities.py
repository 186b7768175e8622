"""A wrong logistic-regression submission: BCE from probabilities."""

import numpy as np


def sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def bce_loss(logits, y):
    p = sigmoid(logits)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def bce_grad(logits, y):
    return (sigmoid(logits) - y) / len(y)


def predict(logits):
    return (logits > 0).astype(np.int64)
