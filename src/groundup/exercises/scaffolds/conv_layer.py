"""Exercise conv-layer (course 004 §10): the two layers a CNN adds, forward and backward.

Write the four functions below with NumPy only (no torch). Arrays are float64 in the checks.
Images are (N, C, H, W); kernels are laid out as nn.Conv2d's, w (O, C, k, k); stride 1, no
padding. Check your work with:  groundup check conv_layer.py
"""

import numpy as np


def conv2d_forward(x, w, b):
    """out[n, o, i, j] = b[o] + sum over c, u, v of w[o, c, u, v] * x[n, c, i+u, j+v]

    (a cross-correlation, what nn.Conv2d computes: the kernel is not flipped)
    x: (N, C, H, W), w: (O, C, k, k), b: (O,) -> out: (N, O, H-k+1, W-k+1)
    """
    raise NotImplementedError


def conv2d_backward(dout, x, w):
    """The gradients given dout = dL/d(out):

    dw[o, c, u, v] = sum over n, i, j of dout[n, o, i, j] * x[n, c, i+u, j+v]    (O, C, k, k)
    db[o]          = sum over n, i, j of dout[n, o, i, j]                          (O,)
    dx[n, c, p, q] = sum over o, u, v of dout[n, o, p-u, q-v] * w[o, c, u, v]   (N, C, H, W)
                     (only the (u, v) for which p-u, q-v is an output position)

    dout already is the gradient of the MEAN loss: do not divide by N.
    dout: (N, O, H-k+1, W-k+1), x and w as given to the forward -> (dx, dw, db)
    """
    raise NotImplementedError


def maxpool_forward(x, size=2):
    """The largest value of each size×size window (stride size); an odd last row or column is
    dropped, as nn.MaxPool2d drops it.  x: (N, C, H, W) -> (N, C, H//size, W//size)
    """
    raise NotImplementedError


def maxpool_backward(dout, x, size=2):
    """dL/dx: each window's gradient dout[n, c, i, j] goes to the pixel that was its maximum,
    all of it to ONE pixel; where several pixels tie for the maximum (a blank background),
    to the FIRST of them in reading order (row by row), as nn.MaxPool2d does. Other pixels: 0.

    dout: (N, C, H//size, W//size), x: (N, C, H, W) -> dx: (N, C, H, W)
    """
    raise NotImplementedError
