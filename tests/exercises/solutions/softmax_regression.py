"""A correct softmax-regression submission (the checks must pass it)."""

import numpy as np


def _log_softmax(z):
    s = z - z.max(axis=1, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=1, keepdims=True))


def softmax(z):
    return np.exp(_log_softmax(z))


def cross_entropy(z, y):
    return float(-_log_softmax(z)[np.arange(len(y)), y].mean())


def cross_entropy_grad(z, y):
    g = softmax(z)
    g[np.arange(len(y)), y] -= 1.0
    return g / len(y)


def accuracy(z, y):
    return float((z.argmax(axis=1) == y).mean())


def train_step(W, b, x, y, lr):
    z = x @ W.T + b
    loss = cross_entropy(z, y)
    g = cross_entropy_grad(z, y)
    return W - lr * (g.T @ x), b - lr * g.sum(axis=0), loss
