"""Exercise linear-layer (course 001, 004 §9): the layer an MLP is made of, forward and backward.

Write the four functions below with NumPy only (no torch). Arrays are float64 in the checks.
Weights are stored as torch.nn.Linear stores them: W has shape (out, in).
Check your work with:  groundup check linear_layer.py
"""

import numpy as np


def linear_forward(x, W, b):
    """y = x W^T + b.

    x: (n, d), W: (m, d), b: (m,) -> y: (n, m)
    """
    raise NotImplementedError


def linear_backward(dy, x, W):
    """The gradients of the loss with respect to x, W and b, given dy = dL/dy.

    dx = dy W        (n, d)
    dW = dy^T x      (m, d), the shape of W
    db = sum_i dy_i  (m,),   the shape of b (every sample uses the same b)

    dy already is the gradient of the MEAN loss: do not divide by n here.
    dy: (n, m), x: (n, d), W: (m, d) -> (dx, dW, db)
    """
    raise NotImplementedError


def relu_forward(x):
    """y = max(x, 0), elementwise. x: any shape -> the same shape."""
    raise NotImplementedError


def relu_backward(dy, x):
    """dL/dx given dL/dy and the layer's INPUT x: the gradient passes where x > 0 (0 at x = 0).

    dy, x: the same shape -> that shape
    """
    raise NotImplementedError
