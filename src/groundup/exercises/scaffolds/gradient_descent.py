"""Exercise gradient-descent (course 004 §3): find w of y = w·x by following the gradient.

Write the three functions below with NumPy only (no torch). x and y are float64 arrays (n,);
the loss is the mean squared error L(w) = (1/n) sum_i (w x_i - y_i)^2.
Check your work with:  groundup check gradient_descent.py
"""

import numpy as np


def mse_grad(x, y, w):
    """dL/dw = (2/n) sum_i x_i (w x_i - y_i).   x, y: (n,), w: a float -> a float"""
    raise NotImplementedError


def gd_step(x, y, w, lr):
    """One step of gradient descent on all n samples: w - lr * dL/dw.  -> the new w (a float)"""
    raise NotImplementedError


def sgd_epoch(x, y, w, lr, order):
    """One epoch of stochastic gradient descent: for each index i in `order` (a permutation of
    0..n-1), one update with the gradient of that sample's loss (w x_i - y_i)^2 alone:

        w <- w - lr * 2 x_i (w x_i - y_i)

    -> the w after the n updates (a float)
    """
    raise NotImplementedError
