"""Exercise rnn-cell (course 004 §11): a recurrent cell and backpropagation through time.

Write the four functions below with NumPy only (no torch). Arrays are float64 in the checks.
The parameters p are a dict with nn.RNNCell's names and shapes (weights (out, in)):
    p["weight_ih"] (H, D), p["weight_hh"] (H, H), p["bias_ih"] (H,), p["bias_hh"] (H,)
Check your work with:  groundup check rnn_cell.py
"""

import numpy as np


def rnn_step_forward(x, h_prev, p):
    """One step:  h = tanh(x W_ih^T + b_ih + h_prev W_hh^T + b_hh)

    x: (N, D), h_prev: (N, H) -> h: (N, H)
    """
    raise NotImplementedError


def rnn_step_backward(dh, x, h_prev, h, p):
    """One step back, given dh = dL/dh of this step and what its forward saw and gave (h):

    da = dh * (1 - h^2)                 (tanh'(a) = 1 - tanh(a)^2 = 1 - h^2)
    dx = da W_ih,   dh_prev = da W_hh
    grads = {"weight_ih": da^T x, "weight_hh": da^T h_prev, "bias_ih": sum_n da, "bias_hh": sum_n da}

    -> (dx (N, D), dh_prev (N, H), grads: a dict with the keys and shapes of p)
    """
    raise NotImplementedError


def rnn_forward(xs, h0, p):
    """The cell over a sequence: h_1 = step(xs[0], h0), h_2 = step(xs[1], h_1), ...

    xs: (T, N, D), h0: (N, H) -> hs: (T, N, H) with hs[t] the state AFTER step t (h0 not included)
    """
    raise NotImplementedError


def rnn_backward(dhs, xs, h0, hs, p):
    """Backpropagation through time. dhs[t] (N, H) is dL/dh from step t's OWN loss; h_t also fed
    step t+1, so walking back from the last step:

        dL/dh_t = dhs[t] + (the dh_prev returned by step t+1's backward)

    and every step adds its gradients to the one set of weights they all share.

    dhs: (T, N, H), xs: (T, N, D), h0: (N, H), hs: (T, N, H) from rnn_forward
    -> (dxs (T, N, D), dh0 (N, H), grads: a dict with the keys and shapes of p, summed over the steps)
    """
    raise NotImplementedError
