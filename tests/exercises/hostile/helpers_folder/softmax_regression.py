"""A correct folder submission whose exercise file imports its own helpers.py."""

import numpy as np


from helpers import log_softmax as _log_softmax


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
