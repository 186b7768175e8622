"""A correct gradient-descent submission."""

import numpy as np


def mse_grad(x, y, w):
    return float(2 * np.mean(x * (w * x - y)))


def gd_step(x, y, w, lr):
    return w - lr * mse_grad(x, y, w)


def sgd_epoch(x, y, w, lr, order):
    for i in order:
        w = w - lr * 2 * x[i] * (w * x[i] - y[i])
    return float(w)
