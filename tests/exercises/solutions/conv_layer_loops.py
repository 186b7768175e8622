"""A correct conv-layer submission written with Python loops over the output pixels, the way the
course first writes a convolution: right, but slower than the vectorised solution."""

import numpy as np


def conv2d_forward(x, w, b):
    n, c, h, wd = x.shape
    o, _, k, _ = w.shape
    out = np.zeros((n, o, h - k + 1, wd - k + 1))
    for i in range(h - k + 1):
        for j in range(wd - k + 1):
            window = x[:, :, i:i + k, j:j + k]
            for f in range(o):
                out[:, f, i, j] = np.sum(window * w[f], axis=(1, 2, 3)) + b[f]
    return out


def conv2d_backward(dout, x, w):
    n, c, h, wd = x.shape
    o, _, k, _ = w.shape
    dx, dw = np.zeros_like(x), np.zeros_like(w)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x[:, :, i:i + k, j:j + k]
            for f in range(o):
                g = dout[:, f, i, j][:, None, None, None]
                dw[f] += np.sum(window * g, axis=0)
                dx[:, :, i:i + k, j:j + k] += g * w[f]
    db = dout.sum(axis=(0, 2, 3))
    return dx, dw, db


def maxpool_forward(x, size=2):
    n, c, h, w = x.shape
    out = np.zeros((n, c, h // size, w // size))
    for i in range(h // size):
        for j in range(w // size):
            out[:, :, i, j] = x[:, :, i * size:(i + 1) * size, j * size:(j + 1) * size].max(axis=(2, 3))
    return out


def maxpool_backward(dout, x, size=2):
    n, c, h, w = x.shape
    dx = np.zeros_like(x)
    for i in range(h // size):
        for j in range(w // size):
            window = x[:, :, i * size:(i + 1) * size, j * size:(j + 1) * size].reshape(n, c, -1)
            first = window.argmax(axis=2)
            for u in range(size * size):
                hit = first == u
                dx[:, :, i * size + u // size, j * size + u % size] += hit * dout[:, :, i, j]
    return dx
