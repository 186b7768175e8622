"""A correct linear-layer submission."""

import numpy as np


def linear_forward(x, W, b):
    return x @ W.T + b


def linear_backward(dy, x, W):
    return dy @ W, dy.T @ x, dy.sum(axis=0)


def relu_forward(x):
    return np.maximum(x, 0)


def relu_backward(dy, x):
    return dy * (x > 0)
