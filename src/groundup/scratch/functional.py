"""The network's pieces as plain tensor functions (no torch.nn, no torch.nn.functional).

Autograd differentiates these, so only the forward math is written; the numerically
stable forms are the same as in ``numpy_impl.losses``.
"""

from __future__ import annotations

import torch


def linear(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    return x @ weight.T + bias


def relu(x: torch.Tensor) -> torch.Tensor:
    return torch.clamp(x, min=0)


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    # 1 / (1 + e^-x) written with e^-|x| so that no exponent is positive.
    e = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))


def log_softmax(z: torch.Tensor) -> torch.Tensor:
    """z - logsumexp(z) with the row maximum subtracted first (exp(z) alone overflows)."""
    shifted = z - z.max(dim=1, keepdim=True).values.detach()
    return shifted - shifted.exp().sum(dim=1, keepdim=True).log()


def cross_entropy(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean over the batch of -log softmax(z)[y]."""
    return -log_softmax(logits).gather(1, y[:, None]).mean()


def bce_with_logits(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean of max(z, 0) - z y + log(1 + e^-|z|): BCE of sigmoid(z) without log(0)."""
    z = logits[:, 0]
    return (z.clamp(min=0) - z * y + torch.log1p(torch.exp(-z.abs()))).mean()


def mse(pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return ((pred[:, 0] - y) ** 2).mean()


LOSSES = {"ce": cross_entropy, "bce": bce_with_logits, "mse": mse}
ACTIVATIONS = {"relu": relu, "sigmoid": sigmoid}
