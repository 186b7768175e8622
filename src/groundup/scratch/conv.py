"""The CNN on torch tensors: convolution and max-pooling written with tensor operations,
autograd for the gradients, the hand-written SGD. No torch.nn, no torch.nn.functional.

Layout: images are stored innermost, (C, H, W, N), as in ``numpy_impl.conv``, so that each
pixel is one row of N values. A convolution is then one row gather and one matrix product
(im2col): ``index_select`` copies, for every kernel entry and output pixel, the row of the
pixel that entry sees, and the kernels, one per row, multiply these columns. Autograd's
backward of the gather is one ``index_add`` of rows (col2im); ``Tensor.unfold`` makes
the same columns, but its forward and backward took 9× as long (benchmarks/README.md).

The output pixels are listed by their place in the max-pool's window: for a 2×2 pool, first
every window's top-left pixel, then every top-right, bottom-left, bottom-right. The pool is
then a reduction over one axis of four contiguous blocks, and its output is the next
layer's (C, H, W, N) input with no copy.
"""

from __future__ import annotations

import functools

import numpy as np
import torch

from groundup.core.models_cnn import as_images
from groundup.scratch import functional as F
from groundup.scratch.learner import ScratchLearner

EVAL_IMAGES = 1024  # images per forward pass without gradients (about 60 MB of im2col columns)


@functools.lru_cache(maxsize=16)
def window_rows(c: int, h: int, w: int, k: int, pool: int) -> torch.Tensor:
    """For im2col's rows (c, u, v) and columns (a, b, i, j): the pixel (c, p·i+a+u, p·j+b+v)
    as its row number in a (C·H·W, N) image matrix; p = pool, (a, b) the place in the pool's
    window, (i, j) the window. Output pixels the pool would drop (odd last row) are left out.
    """
    ph, pw = (h - k + 1) // pool, (w - k + 1) // pool
    ch, u, v, a, b, i, j = torch.meshgrid(*map(torch.arange, (c, k, k, pool, pool, ph, pw)), indexing="ij")
    return ((ch * h + pool * i + a + u) * w + pool * j + b + v).reshape(-1)


def conv2d(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, pool: int = 1) -> torch.Tensor:
    """out[o, (a, b), i, j, n] = b[o] + sum over c, u, v of W[o, c, u, v] · x[c, p·i+a+u, p·j+b+v, n].

    x (C, H, W, N), weight (O, C, k, k) -> (O, p², OH // p, OW // p, N) with OH = H-k+1, p = pool;
    stride 1, no padding. With pool=1 this is (O, 1, OH, OW, N), the plain convolution.
    (O, C·k·k) @ (C·k·k, OH·OW·N) computes every output pixel of every image at once.
    """
    c, h, w, n = x.shape
    o, _, k, _ = weight.shape
    rows = window_rows(c, h, w, k, pool).to(x.device)
    cols = x.reshape(c * h * w, n).index_select(0, rows).reshape(c * k * k, -1)  # the one copy
    out = weight.reshape(o, -1) @ cols + bias[:, None]  # (O, p²·PH·PW·N)
    return out.reshape(o, pool * pool, (h - k + 1) // pool, (w - k + 1) // pool, n)


def max_pool(x: torch.Tensor) -> torch.Tensor:
    """The largest value of each pooling window: (C, p², H, W, N) -> (C, H, W, N), where
    x[:, (a, b)] holds entry (a, b) of every window (``conv2d``'s output with pool=p).

    Which entry wins is decided without gradients: the first maximum in reading order (a, b),
    the pixel ``nn.MaxPool2d`` picks; on MNIST's blank background whole windows tie. The output
    is the entries summed with 0/1 weights, which equals the maximum and makes autograd send
    the window's whole gradient to its winner (the gradient of ``amax`` would split it between
    ties, and ``max(dim)``'s gathers its indices at twice the cost).
    """
    with torch.no_grad():
        wins = x == x.amax(dim=1, keepdim=True)  # every maximum, ties included
        taken = wins[:, 0].clone()  # windows whose winner is found
        for e in range(1, x.shape[1]):
            wins[:, e] &= ~taken  # a later maximum loses to an earlier one
            taken |= wins[:, e]
    return (x * wins.to(x.dtype)).sum(dim=1)


class ScratchConv(ScratchLearner):
    """The CNN's forward pass on parameter tensors; training, SGD and checkpoints are
    ``ScratchLearner``'s, the same as the dense network's."""

    impl = "scratch"

    def prepare(self, x: np.ndarray, y: np.ndarray):
        return super().prepare(as_images(x, self.spec), y)

    def outputs(self, x: np.ndarray) -> np.ndarray:
        return super().outputs(as_images(x, self.spec))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x (N, C, H, W) -> logits (N, classes)."""
        if not torch.is_grad_enabled() and len(x) > EVAL_IMAGES:
            # evaluation: im2col copies every pixel k·k times, so take the images a few at a time
            return torch.cat([self.forward(x[i:i + EVAL_IMAGES]) for i in range(0, len(x), EVAL_IMAGES)])
        p, n = self.params, len(x)
        x = x.permute(1, 2, 3, 0)  # (C, H, W, N): images innermost
        for name in self.spec.conv_names:
            # pool before ReLU: both keep the larger values, so the order does not change the
            # result, and ReLU then runs on a quarter of the pixels
            x = F.relu(max_pool(conv2d(x, p[f"{name}.weight"], p[f"{name}.bias"], self.spec.pool)))
        features = x.reshape(-1, n).T  # (N, C·H·W), each image's values in (C, H, W) order
        return F.linear(features, p["fc.weight"], p["fc.bias"])
