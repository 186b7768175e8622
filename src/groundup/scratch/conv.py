"""The CNN on torch tensors: convolution and max-pooling written with tensor operations,
autograd for the gradients, the hand-written SGD. No torch.nn, no torch.nn.functional.

A convolution is one matrix product (im2col): ``Tensor.unfold`` cuts every k×k window out
of the image as a view, the windows' pixels are copied into the columns of one matrix, and
the kernels, one per row, multiply it. A max-pool reshapes the image into its 2×2 blocks
and keeps each block's largest value.
"""

from __future__ import annotations

import numpy as np
import torch

from groundup.models_cnn import as_images
from groundup.scratch import functional as F
from groundup.scratch.learner import ScratchLearner

EVAL_IMAGES = 1024  # images per forward pass without gradients (about 60 MB of im2col columns)


def conv2d(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """out[n, o, i, j] = b[o] + sum over c, u, v of W[o, c, u, v] · x[n, c, i+u, j+v].

    x (N, C, H, W), weight (O, C, k, k) -> (N, O, H-k+1, W-k+1); stride 1, no padding.
    Column (n, i, j) of the im2col matrix holds the C·k·k pixels of window (i, j) of image
    n, so (O, C·k·k) @ (C·k·k, N·OH·OW) computes every output pixel of every image at once.
    """
    n, c = x.shape[:2]
    o, _, k, _ = weight.shape
    windows = x.unfold(2, k, 1).unfold(3, k, 1)  # (N, C, OH, OW, k, k), a view: no copy yet
    oh, ow = windows.shape[2:4]
    cols = windows.permute(1, 4, 5, 0, 2, 3).reshape(c * k * k, n * oh * ow)  # the one copy
    out = weight.reshape(o, -1) @ cols + bias[:, None]  # (O, N·OH·OW)
    return out.reshape(o, n, oh, ow).transpose(0, 1)  # (N, O, OH, OW), a view


def max_pool2d(x: torch.Tensor, size: int) -> torch.Tensor:
    """The largest value of each non-overlapping size×size block: (N, C, H // size, W // size).

    The block's maximum is taken along its rows, then down its column of row maxima; each
    ``max(dim)`` keeps the first of equal values, so the winner is the block's first maximum
    in reading order, the pixel ``nn.MaxPool2d`` picks. Autograd sends the whole gradient
    there (``amax`` would split it between ties), and on MNIST's blank background ties are
    everywhere. An odd last row or column is dropped, as ``nn.MaxPool2d`` does.
    """
    n, c, h, w = x.shape
    h, w = h // size, w // size
    blocks = x[:, :, :h * size, :w * size].reshape(n, c, h, size, w, size)  # a view
    return blocks.max(dim=5).values.max(dim=3).values


class ScratchConv(ScratchLearner):
    """The CNN's forward pass on parameter tensors; training, SGD and checkpoints are
    ``ScratchLearner``'s, the same as the dense network's."""

    impl = "scratch"

    def prepare(self, x: np.ndarray, y: np.ndarray):
        return super().prepare(as_images(x, self.spec), y)

    def outputs(self, x: np.ndarray) -> np.ndarray:
        return super().outputs(as_images(x, self.spec))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not torch.is_grad_enabled() and len(x) > EVAL_IMAGES:
            # evaluation: im2col copies every pixel k·k times, so take the images a few at a time
            return torch.cat([self.forward(x[i:i + EVAL_IMAGES]) for i in range(0, len(x), EVAL_IMAGES)])
        p = self.params
        for name in self.spec.conv_names:
            # pool before ReLU: both keep the larger values, so the order does not change the
            # result, and ReLU then runs on a quarter of the pixels
            x = F.relu(max_pool2d(conv2d(x, p[f"{name}.weight"], p[f"{name}.bias"]), self.spec.pool))
        return F.linear(x.reshape(len(x), -1), p["fc.weight"], p["fc.bias"])
