"""Convolution, max-pooling and flattening in NumPy, each forward beside its backward.

Stride 1 and no padding, as in the course's CNN; weights are laid out as ``nn.Conv2d``'s,
(out_channels, in_channels, k, k). ``conv2d_forward_naive`` is the definition as loops, to
read; ``conv2d_forward`` computes the same with one matrix product (im2col) and is what
trains. The backward functions take what the forward took and recompute what they need.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_forward_naive(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """out[n, o, i, j] = b[o] + sum over c, u, v of w[o, c, u, v] · x[n, c, i+u, j+v].

    x (N, C, H, W), w (O, C, k, k), b (O,) -> (N, O, H-k+1, W-k+1). Slow: to read only.
    """
    n, _, h, wd = x.shape
    o, _, k, _ = w.shape
    out = np.zeros((n, o, h - k + 1, wd - k + 1), dtype=np.result_type(x, w))
    for i in range(h - k + 1):
        for j in range(wd - k + 1):
            window = x[:, :, i:i + k, j:j + k]  # (N, C, k, k): what output pixel (i, j) sees
            for f in range(o):
                out[:, f, i, j] = (window * w[f]).sum(axis=(1, 2, 3)) + b[f]
    return out


def im2col(x: np.ndarray, k: int) -> np.ndarray:
    """Every k×k window as one row: x (N, C, H, W) -> (N·OH·OW, C·k·k), OH = H-k+1.

    Row (n, i, j) holds the C·k·k pixels output pixel (i, j) of image n sees, in the order
    of a kernel's (C, k, k) entries. ``sliding_window_view`` is a view; the reshape copies.
    """
    n, c = x.shape[:2]
    windows = sliding_window_view(x, (k, k), axis=(2, 3))  # (N, C, OH, OW, k, k)
    oh, ow = windows.shape[2:4]
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, c * k * k)


def conv2d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The convolution as one product: x (N, C, H, W), w (O, C, k, k), b (O,) -> (N, O, OH, OW).

    im2col(x) (N·OH·OW, C·k·k) @ w as (C·k·k, O) gives every output pixel of every image.
    """
    n, o, k = len(x), len(w), w.shape[2]
    oh, ow = x.shape[2] - k + 1, x.shape[3] - k + 1
    out = im2col(x, k) @ w.reshape(o, -1).T + b  # (N·OH·OW, O)
    return out.reshape(n, oh, ow, o).transpose(0, 3, 1, 2)  # a view, channels last in memory


def conv2d_backward(dout: np.ndarray, x: np.ndarray, w: np.ndarray, input_grad: bool = True
                    ) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """dout (N, O, OH, OW) = dL/d(out), x and w as given to the forward -> (dx, dw, db).

    With the forward as a product, out = cols W^T + b (cols = im2col(x), W = w as (O, C·k·k)):
        dW = dout^T cols        (O, C·k·k): each weight met every window it multiplied
        db = dout summed over n, i, j
        dcols = dout W          (N·OH·OW, C·k·k), and pixel x[n, c, i+u, j+v] was copied into
                                the window of (i, j) at (c, u, v), so dx sums dcols back (col2im).
    ``input_grad=False`` skips dx (None), which the first layer's images never need.
    """
    n, c, h, wd = x.shape
    o, _, k, _ = w.shape
    oh, ow = h - k + 1, wd - k + 1
    d = dout.transpose(0, 2, 3, 1).reshape(-1, o)  # (N·OH·OW, O), rows in im2col's order
    dw = (d.T @ im2col(x, k)).reshape(w.shape)
    db = d.sum(axis=0)
    if not input_grad:
        return None, dw, db
    dcols = (d @ w.reshape(o, -1)).reshape(n, oh, ow, c, k, k)
    dx = np.zeros((n, c, h, wd), dtype=dcols.dtype)
    for u in range(k):  # col2im: k·k shifted additions instead of one per window
        for v in range(k):
            dx[:, :, u:u + oh, v:v + ow] += dcols[:, :, :, :, u, v].transpose(0, 3, 1, 2)
    return dx, dw, db


def _blocks(x: np.ndarray, size: int) -> np.ndarray:
    """(N, C, H, W) -> (N, C, H//size, W//size, size·size): each pooling window's pixels in
    reading order. An odd last row or column is dropped, as ``nn.MaxPool2d`` drops it."""
    n, c, h, w = x.shape
    h, w = h // size, w // size
    blocks = x[:, :, :h * size, :w * size].reshape(n, c, h, size, w, size)
    return blocks.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h, w, size * size)


def maxpool_forward(x: np.ndarray, size: int = 2) -> np.ndarray:
    """The largest value of each size×size window: (N, C, H, W) -> (N, C, H//size, W//size)."""
    return _blocks(x, size).max(axis=-1)


def maxpool_backward(dout: np.ndarray, x: np.ndarray, size: int = 2) -> np.ndarray:
    """dout (N, C, H//size, W//size) -> dx (N, C, H, W).

    Only a window's maximum reached the output, so it gets the window's whole gradient and
    the other pixels none. Of equal maxima, the first in reading order (``argmax`` returns the
    first) gets it all, as in ``nn.MaxPool2d``: on MNIST's blank background whole windows tie.
    """
    n, c, h, w = x.shape
    ph, pw = h // size, w // size
    winner = _blocks(x, size).argmax(axis=-1)  # (N, C, PH, PW): 0 .. size²-1
    grad = (np.arange(size * size) == winner[..., None]) * dout[..., None]  # (N, C, PH, PW, size²)
    dx = np.zeros(x.shape, dtype=grad.dtype)
    dx[:, :, :ph * size, :pw * size] = (grad.reshape(n, c, ph, pw, size, size)
                                        .transpose(0, 1, 2, 4, 3, 5).reshape(n, c, ph * size, pw * size))
    return dx


def flatten_forward(x: np.ndarray) -> np.ndarray:
    """(N, C, H, W) -> (N, C·H·W), each image's values in (C, H, W) order, as ``nn.Flatten``."""
    return x.reshape(len(x), -1)


def flatten_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Flattening only rearranges values, so its backward rearranges the gradient back."""
    return dout.reshape(x.shape)
