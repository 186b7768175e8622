"""Exercise linear-model (course 004 §1-2): the simplest model, and finding its w by trying.

Write the three functions below with NumPy only (no torch). x and y are float64 arrays of the
same shape (n,). Check your work with:  groundup check linear_model.py
"""

import numpy as np


def forward(x, w):
    """The prediction y_pred = w · x, elementwise.  x: (n,), w: a float -> (n,)"""
    raise NotImplementedError


def mse(y_pred, y):
    """Mean squared error:  L = (1/n) sum_i (y_pred_i - y_i)^2.  (n,), (n,) -> a float"""
    raise NotImplementedError


def grid_search(x, y, ws):
    """Try every w in ws; the loss of each, and the w with the smallest loss.

    x, y: (n,), ws: (m,) candidate weights
    -> (best_w: a float, losses: (m,) with losses[j] = mse(forward(x, ws[j]), y))
    """
    raise NotImplementedError
