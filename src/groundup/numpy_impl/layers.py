"""Layers with their backward rule beside their forward computation.

Every layer caches what its backward pass needs during ``forward`` and returns
dL/d(input) from ``backward(dL/d(output))``, storing dL/d(parameter) in ``grads``.
Weights are stored as (out_features, in_features), the layout of ``torch.nn.Linear``,
so the three implementations can share one set of initial parameters.
"""

from __future__ import annotations

import numpy as np

from groundup.numpy_impl import conv as conv_ops


class Linear:
    """y = x W^T + b.

    ``input_grad=False`` for a first layer: dL/dx of the data is never used, so it is not computed.
    """

    def __init__(self, weight: np.ndarray, bias: np.ndarray, input_grad: bool = True):
        self.params = {"weight": weight, "bias": bias}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.input_grad = input_grad

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return x @ self.params["weight"].T + self.params["bias"]

    def backward(self, dy: np.ndarray) -> np.ndarray:
        # dL/dW = dy^T x   (out, in);   dL/db = sum over the batch of dy;   dL/dx = dy W
        self.grads["weight"] = dy.T @ self.x
        self.grads["bias"] = dy.sum(axis=0)
        return dy @ self.params["weight"] if self.input_grad else None


class ReLU:
    """y = max(x, 0); the gradient passes where x > 0 and is zero elsewhere."""

    params: dict = {}
    grads: dict = {}

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.mask = x > 0
        return x * self.mask

    def backward(self, dy: np.ndarray) -> np.ndarray:
        return dy * self.mask


class Sigmoid:
    """y = 1 / (1 + e^-x); dy/dx = y (1 - y)."""

    params: dict = {}
    grads: dict = {}

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.y = sigmoid(x)
        return self.y

    def backward(self, dy: np.ndarray) -> np.ndarray:
        return dy * self.y * (1.0 - self.y)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function without overflow: e^-z is only taken where z >= 0.

    The naive 1 / (1 + exp(-z)) overflows (with a warning) for z < -709 in float64.
    """
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class Conv2d:
    """A convolution layer (stride 1, no padding) on ``ops``'s conv2d_forward/backward.

    weight (O, C, k, k), bias (O,); x (N, C, H, W) -> (N, O, H-k+1, W-k+1). A first layer
    (``input_grad=False``) passes that on to ``ops.conv2d_backward``, which may then skip dx.
    """

    def __init__(self, weight: np.ndarray, bias: np.ndarray, ops=conv_ops, input_grad: bool = True):
        self.params = {"weight": weight, "bias": bias}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.ops, self.input_grad = ops, input_grad

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return self.ops.conv2d_forward(x, self.params["weight"], self.params["bias"])

    def backward(self, dy: np.ndarray) -> np.ndarray | None:
        dx, self.grads["weight"], self.grads["bias"] = self.ops.conv2d_backward(
            dy, self.x, self.params["weight"], input_grad=self.input_grad)
        return dx if self.input_grad else None


class MaxPool2d:
    """size×size max-pooling on ``ops``'s maxpool_forward/backward: (N, C, H, W) -> (N, C, H//size, W//size)."""

    params: dict = {}
    grads: dict = {}

    def __init__(self, size: int = 2, ops=conv_ops):
        self.size, self.ops = size, ops

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return self.ops.maxpool_forward(x, self.size)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        return self.ops.maxpool_backward(dy, self.x, self.size)


class Flatten:
    """(N, C, H, W) -> (N, C·H·W); the backward reshapes the gradient back."""

    params: dict = {}
    grads: dict = {}

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return conv_ops.flatten_forward(x)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        return conv_ops.flatten_backward(dy, self.x)


class Sequential:
    """Layers applied in order; backward walks them in reverse (the chain rule).

    ``names`` name the layers in parameter names ("conv1.weight"); by default their
    positions, as in ``nn.Sequential`` ("0.weight").
    """

    def __init__(self, layers: list, names: list[str] | None = None):
        self.layers = layers
        self.names = names or [str(i) for i in range(len(layers))]

    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dy: np.ndarray) -> np.ndarray | None:
        for layer in reversed(self.layers):
            dy = layer.backward(dy)
        return dy

    def named(self, attr: str) -> dict[str, np.ndarray]:
        """Parameters (``attr="params"``) or gradients (``"grads"``) named like nn.Sequential."""
        return {f"{name}.{k}": v for name, layer in zip(self.names, self.layers)
                for k, v in getattr(layer, attr).items()}
