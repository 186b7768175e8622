"""The optimisers written out: SGD (with momentum and weight decay) and Adam.

SGD has the update rule of ``torch.optim.SGD`` (dampening 0, not Nesterov):
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


class Adam:
    """Adam as ``torch.optim.Adam`` computes it (no weight decay, no AMSGrad), written out:

        m <- b1 m + (1 - b1) g          (running mean of the gradient)
        v <- b2 v + (1 - b2) g^2        (running mean of its square)
        p <- p - lr * m_hat / (sqrt(v_hat) + eps),   m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t)

    Dividing by 1 - b^t undoes the zero start of m and v. Each coordinate moves by about lr
    whatever the gradient's scale, so summing a loss over a sequence instead of averaging it
    barely changes an Adam run.
    """

    def __init__(self, params: dict[str, np.ndarray], lr: float, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8):
        self.params, self.lr, (self.b1, self.b2), self.eps = params, lr, betas, eps
        self.m = {k: np.zeros_like(p) for k, p in params.items()}
        self.v = {k: np.zeros_like(p) for k, p in params.items()}
        self.t = 0

    def step(self, grads: dict[str, np.ndarray]) -> None:
        self.t += 1
        for name, p in self.params.items():
            g, m, v = grads[name], self.m[name], self.v[name]
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * g * g
            m_hat = m / (1 - self.b1 ** self.t)
            v_hat = v / (1 - self.b2 ** self.t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)  # in place: the model holds the same array

    def state_dict(self) -> dict[str, np.ndarray]:
        """The moments and the step count as arrays, for a checkpoint."""
        return {"t": np.array(self.t), **{f"m.{k}": m.copy() for k, m in self.m.items()},
                **{f"v.{k}": v.copy() for k, v in self.v.items()}}

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        self.t = int(state["t"])
        for k in self.params:
            self.m[k][...] = state[f"m.{k}"]
            self.v[k][...] = state[f"v.{k}"]
