"""Exercise softmax-regression (course 000 §3, 003): a linear classifier trained by hand.

Write the five functions below with NumPy only (no torch). Arrays are float64 in the checks;
y holds integer class ids 0..k-1. Check your work with:  groundup check softmax_regression.py
"""

import numpy as np


def softmax(z):
    """Class probabilities, row by row.

    softmax(z)[i, j] = exp(z[i, j]) / sum_c exp(z[i, c])

    z: (n, k) logits -> (n, k), every row sums to 1.
    Must not overflow for |z| up to 1e4 (np.exp(710) is inf in float64).
    """
    raise NotImplementedError


def cross_entropy(z, y):
    """Mean cross-entropy of the logits z against the labels y, computed from the logits.

    L = -(1/n) sum_i log softmax(z)[i, y_i]

    z: (n, k) logits, y: (n,) class ids -> a float. Finite for |z| up to 1e4.
    """
    raise NotImplementedError


def cross_entropy_grad(z, y):
    """The gradient of cross_entropy (the MEAN loss) with respect to z.

    dL/dz = (softmax(z) - onehot(y)) / n

    z: (n, k), y: (n,) -> (n, k)
    """
    raise NotImplementedError


def accuracy(z, y):
    """Share of rows whose highest score is the label: mean(argmax_j z[i, j] == y_i).

    z: (n, k) logits (or probabilities), y: (n,) -> a float in [0, 1].
    """
    raise NotImplementedError


def train_step(W, b, x, y, lr):
    """One SGD step of softmax regression on the batch (x, y).

    z = x W^T + b,  L = cross_entropy(z, y),  dW = dL/dz^T x,  db = sum_i dL/dz[i]
    W <- W - lr dW,  b <- b - lr db

    W: (k, d), b: (k,), x: (n, d), y: (n,), lr: float
    -> (new W (k, d), new b (k,), the loss of this batch BEFORE the step, a float)
    """
    raise NotImplementedError
