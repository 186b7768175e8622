"""The CNN on torch tensors: convolution and max-pooling written with tensor operations,
autograd for the gradients, the hand-written SGD. No torch.nn, no torch.nn.functional.

Both layers start the same way: ``Tensor.unfold`` cuts every window out of the image as a
view (no copy). A convolution is then one matrix product of the windows with the kernels
(im2col); a max-pool is the largest value of each window.
"""

from __future__ import annotations

import numpy as np
import torch

from groundup.models_cnn import ConvSpec, as_images
from groundup.scratch import functional as F
from groundup.scratch.optim import SGD
from groundup.torch_common import TorchLearner, torch_dtype


def windows(x: torch.Tensor, size: int, step: int) -> torch.Tensor:
    """All size×size windows of (N, C, H, W) taken every ``step`` pixels: (N, C, OH, OW, size, size).

    A view of x: window (i, j) starts at pixel (i·step, j·step); OH = (H - size) // step + 1.
    """
    return x.unfold(2, size, step).unfold(3, size, step)


def conv2d(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """out[n, o, i, j] = b[o] + sum over c, u, v of x[n, c, i+u, j+v] · W[o, c, u, v].

    x (N, C, H, W), weight (O, C, k, k) -> (N, O, H-k+1, W-k+1); stride 1, no padding.
    im2col: each window's C·k·k numbers become one row, the kernels become the columns of a
    (C·k·k, O) matrix, and the whole convolution is a single matrix product.
    """
    n = x.shape[0]
    o, _, k, _ = weight.shape
    win = windows(x, k, 1)  # (N, C, OH, OW, k, k)
    oh, ow = win.shape[2], win.shape[3]
    rows = win.permute(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, -1)  # (N·OH·OW, C·k·k): the copy
    out = rows @ weight.reshape(o, -1).T + bias  # (N·OH·OW, O)
    return out.reshape(n, oh, ow, o).permute(0, 3, 1, 2)


def max_pool2d(x: torch.Tensor, size: int) -> torch.Tensor:
    """The largest value of each non-overlapping size×size window: (N, C, H // size, W // size).

    ``max(dim)`` returns the position of the first maximum and autograd sends the whole
    gradient there (not spread over ties as ``amax`` would), which is what ``nn.MaxPool2d``
    does; ties are common on MNIST, whose blank background gives equal values everywhere.
    """
    win = windows(x, size, size)
    return win.reshape(*win.shape[:4], size * size).max(dim=-1).values


class ScratchConv(TorchLearner):
    impl = "scratch"

    def __init__(self, spec: ConvSpec, params: dict, *, lr: float, momentum: float = 0.0,
                 weight_decay: float = 0.0, dtype: str = "float32", device: str = "cpu"):
        self.spec, self.dtype, self.device = spec, torch_dtype(dtype), device
        self.params = {k: torch.tensor(v, dtype=self.dtype, device=device, requires_grad=True)
                       for k, v in params.items()}
        self.loss_fn = F.cross_entropy
        self.optimizer = SGD(list(self.params.values()), lr, momentum, weight_decay)

    def prepare(self, x: np.ndarray, y: np.ndarray):
        return super().prepare(as_images(x, self.spec), y)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        p = self.params
        for name in self.spec.conv_names:
            # pool before ReLU: both keep the larger values, so the order does not change the
            # result, and ReLU then runs on a quarter of the pixels
            x = F.relu(max_pool2d(conv2d(x, p[f"{name}.weight"], p[f"{name}.bias"]), self.spec.pool))
        return F.linear(x.reshape(len(x), -1), p["fc.weight"], p["fc.bias"])

    def set_lr(self, lr: float) -> None:
        self.optimizer.lr = lr

    def train_step(self, x: torch.Tensor, y: torch.Tensor) -> float:
        loss = self.loss_fn(self.forward(x), y)
        loss.backward()  # autograd through matmul, unfold and max fills p.grad
        self.optimizer.step()
        return loss.item()

    def parameters(self) -> dict[str, np.ndarray]:
        return {k: v.detach().cpu().numpy().copy() for k, v in self.params.items()}
