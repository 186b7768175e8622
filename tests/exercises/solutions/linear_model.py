"""A correct linear-model submission."""

import numpy as np


def forward(x, w):
    return w * x


def mse(y_pred, y):
    return float(np.mean((y_pred - y) ** 2))


def grid_search(x, y, ws):
    losses = np.array([mse(forward(x, w), y) for w in ws])
    return float(ws[np.argmin(losses)]), losses
