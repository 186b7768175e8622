"""Exercise logistic-regression (course 000 §2): a binary classifier trained by hand.

Write the four functions below with NumPy only (no torch). Arrays are float64 in the checks;
z holds one logit per sample, shape (n,); y holds the labels 0 or 1, shape (n,).
Check your work with:  groundup check logistic_regression.py
"""

import numpy as np


def sigmoid(z):
    """The logistic function, elementwise: sigmoid(z) = 1 / (1 + exp(-z)).

    z: any shape -> the same shape, values in [0, 1].
    Must not overflow for |z| up to 1e4 (np.exp(710) is inf in float64).
    """
    raise NotImplementedError


def bce_loss(logits, y):
    """Mean binary cross-entropy, computed from the logits z (not from probabilities).

    L = -(1/n) sum_i [ y_i log sigmoid(z_i) + (1 - y_i) log(1 - sigmoid(z_i)) ]

    logits: (n,), y: (n,) -> a float. Finite for |z| up to 1e4.
    """
    raise NotImplementedError


def bce_grad(logits, y):
    """d(mean loss)/d(logits):  dL/dz_i = (sigmoid(z_i) - y_i) / n.

    logits: (n,), y: (n,) -> (n,), the shape of logits.
    """
    raise NotImplementedError


def predict(logits):
    """0/1 labels: 1 where the probability sigmoid(z) is above 0.5.

    logits: (n,) -> (n,) integers 0 or 1.
    """
    raise NotImplementedError
