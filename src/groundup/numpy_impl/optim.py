"""Stochastic gradient descent with momentum and weight decay, written out.

The same update rule as ``torch.optim.SGD`` (dampening 0, not Nesterov):
    g <- g + wd * p;   v <- mu * v + g  (v = g at the first step);   p <- p - lr * v
The gradient is already that of a *mean* loss, so it is not divided by the batch size again.
"""

from __future__ import annotations

import numpy as np


class SGD:
    def __init__(self, params: dict[str, np.ndarray], lr: float, momentum: float = 0.0,
                 weight_decay: float = 0.0):
        self.params, self.lr, self.momentum, self.weight_decay = params, lr, momentum, weight_decay
        self.velocity: dict[str, np.ndarray] = {}

    def step(self, grads: dict[str, np.ndarray]) -> None:
        for name, p in self.params.items():
            g = grads[name]
            if self.weight_decay:
                g = g + self.weight_decay * p
            if self.momentum:
                v = self.velocity.get(name)
                v = g.copy() if v is None else self.momentum * v + g
                self.velocity[name] = v
                g = v
            p -= self.lr * g  # in place: the layer holds the same array
