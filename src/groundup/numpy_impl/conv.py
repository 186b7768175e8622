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


# Memory layout. The fast versions keep arrays (N, C, H, W) in shape but store them with the
# images innermost, as (C, H, W, N) (cuda-convnet's layout): im2col then copies runs of N
# contiguous values, col2im adds whole rows of them, and a convolution's output needs no
# copy to be the next layer's input. Only the strides differ; the values are the same.


def images_innermost(x: np.ndarray) -> np.ndarray:
    """x (N, C, H, W) as a contiguous (C, H, W, N) array; no copy if it is stored so already."""
    return np.ascontiguousarray(x.transpose(1, 2, 3, 0))


def im2col(x: np.ndarray, k: int) -> np.ndarray:
    """Every k×k window as one column: x (N, C, H, W) -> (C·k·k, OH·OW·N), OH = H-k+1.

    Column (i, j, n) holds the C·k·k pixels that output pixel (i, j) of image n sees, in the
    order of a kernel's (C, k, k) entries. ``sliding_window_view`` is a view; the reshape
    copies: each pixel once per kernel entry that sees it, k·k times in all.
    """
    c = x.shape[1]
    windows = sliding_window_view(images_innermost(x), (k, k), axis=(1, 2))  # (C, OH, OW, N, k, k)
    return windows.transpose(0, 4, 5, 1, 2, 3).reshape(c * k * k, -1)


def conv2d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The convolution as one product: x (N, C, H, W), w (O, C, k, k), b (O,) -> (N, O, OH, OW).

    w as (O, C·k·k) @ im2col(x) (C·k·k, OH·OW·N) gives every output pixel of every image.
    """
    n, o, k = len(x), len(w), w.shape[2]
    oh, ow = x.shape[2] - k + 1, x.shape[3] - k + 1
    out = w.reshape(o, -1) @ im2col(x, k) + b[:, None]  # (O, OH·OW·N)
    return out.reshape(o, oh, ow, n).transpose(3, 0, 1, 2)  # a view, images innermost


def conv2d_backward(dout: np.ndarray, x: np.ndarray, w: np.ndarray, input_grad: bool = True
                    ) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """dout (N, O, OH, OW) = dL/d(out), x and w as given to the forward -> (dx, dw, db).

    With the forward as a product, out = W cols + b (W = w as (O, C·k·k), cols = im2col(x)):
        dW = dout cols^T        (O, C·k·k): each weight met every window it multiplied
        db = dout summed over n, i, j
        dcols = W^T dout        (C·k·k, OH·OW·N), and pixel x[n, c, i+u, j+v] was copied into
                                window (i, j) at entry (c, u, v), so dx sums dcols back (col2im).
    ``input_grad=False`` skips dx (None), which the first layer's images never need.
    """
    n, c, h, wd = x.shape
    o, _, k, _ = w.shape
    oh, ow = h - k + 1, wd - k + 1
    d = images_innermost(dout).reshape(o, -1)  # (O, OH·OW·N), columns in im2col's order
    dw = (d @ im2col(x, k).T).reshape(w.shape)
    db = d.sum(axis=1)
    if not input_grad:
        return None, dw, db
    dcols = (w.reshape(o, -1).T @ d).reshape(c, k, k, oh, ow, n)
    dx = np.zeros((c, h, wd, n), dtype=dcols.dtype)
    for u in range(k):  # col2im: k·k shifted additions of whole planes, not one per window
        for v in range(k):
            dx[:, u:u + oh, v:v + ow] += dcols[:, u, v]
    return dx.transpose(3, 0, 1, 2), dw, db


def _window_entries(x: np.ndarray, size: int):
    """The size² strided views x[..., u::size, v::size] in reading order (u, v), each cut to
    (N, C, H//size, W//size): entry (u, v) of every pooling window at once. Views, no copies;
    an odd last row or column falls outside every window, as in ``nn.MaxPool2d``."""
    ph, pw = x.shape[2] // size, x.shape[3] // size
    for u in range(size):
        for v in range(size):
            yield (u, v), x[:, :, u:ph * size:size, v:pw * size:size]


def maxpool_forward(x: np.ndarray, size: int = 2) -> np.ndarray:
    """The largest value of each size×size window: (N, C, H, W) -> (N, C, H//size, W//size).

    The maximum of the window entries taken pairwise: size²-1 element-wise maxima of
    quarter-size views (for size 2), instead of copying the windows out.
    """
    entries = (view for _, view in _window_entries(x, size))
    out = next(entries).copy(order="K")  # keeps x's memory layout
    for view in entries:
        np.maximum(out, view, out=out)
    return out


def maxpool_backward(dout: np.ndarray, x: np.ndarray, size: int = 2) -> np.ndarray:
    """dout (N, C, H//size, W//size) -> dx (N, C, H, W).

    Only a window's maximum reached the output, so it gets the window's whole gradient and
    the other pixels none. Of equal maxima, the first in reading order gets it all, as in
    ``nn.MaxPool2d``: on MNIST's blank background whole windows tie. The entries are visited
    in reading order and ``open`` marks the windows whose winner is still to be found.
    """
    out = maxpool_forward(x, size)
    dx = np.zeros_like(x, dtype=np.result_type(dout, x))  # x's memory layout (see conv2d_forward)
    open_ = np.ones(out.shape, dtype=bool)
    for (u, v), view in _window_entries(x, size):
        wins = open_ & (view == out)
        ph, pw = out.shape[2:]
        dx[:, :, u:ph * size:size, v:pw * size:size] = dout * wins
        open_ &= ~wins
    return dx


def flatten_forward(x: np.ndarray) -> np.ndarray:
    """(N, C, H, W) -> (N, C·H·W), each image's values in (C, H, W) order, as ``nn.Flatten``."""
    return x.reshape(len(x), -1)


def flatten_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Flattening only rearranges values, so its backward rearranges the gradient back."""
    return dout.reshape(x.shape)
