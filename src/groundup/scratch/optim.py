"""SGD and Adam on tensors that carry ``.grad``: the update rules of ``numpy_impl.optim``."""

from __future__ import annotations

import torch


class SGD:
    def __init__(self, params: list[torch.Tensor], lr: float, momentum: float = 0.0,
                 weight_decay: float = 0.0):
        self.params, self.lr, self.momentum, self.weight_decay = params, lr, momentum, weight_decay
        self.velocity: list[torch.Tensor | None] = [None] * len(params)

    @torch.no_grad()
    def step(self) -> None:
        for i, p in enumerate(self.params):
            g = p.grad
            if self.weight_decay:
                g = g + self.weight_decay * p
            if self.momentum:
                v = self.velocity[i]
                v = g.clone() if v is None else v.mul_(self.momentum).add_(g)
                self.velocity[i] = v
                g = v
            p -= self.lr * g  # the mean loss's gradient: no extra division by the batch size
            p.grad = None

    def state_dict(self) -> dict:
        """The momentum buffers (empty before the first step), for a checkpoint."""
        return {str(i): v.clone() for i, v in enumerate(self.velocity) if v is not None}

    def load_state_dict(self, state: dict) -> None:
        self.velocity = [state[str(i)].clone() if str(i) in state else None for i in range(len(self.params))]


class Adam:
    """``torch.optim.Adam``'s rule (no weight decay, no AMSGrad), written out as in
    ``numpy_impl.optim.Adam``:

        m <- b1 m + (1 - b1) g;   v <- b2 v + (1 - b2) g^2
        p <- p - lr * m_hat / (sqrt(v_hat) + eps),   m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t)
    """

    def __init__(self, params: list[torch.Tensor], lr: float, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8):
        self.params, self.lr, (self.b1, self.b2), self.eps = params, lr, betas, eps
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]
        self.t = 0

    @torch.no_grad()
    def step(self) -> None:
        self.t += 1
        for p, m, v in zip(self.params, self.m, self.v):
            g = p.grad
            m.mul_(self.b1).add_((1 - self.b1) * g)
            v.mul_(self.b2).add_((1 - self.b2) * g * g)
            m_hat = m / (1 - self.b1 ** self.t)
            v_hat = v / (1 - self.b2 ** self.t)
            p -= self.lr * m_hat / (v_hat.sqrt() + self.eps)
            p.grad = None

    def state_dict(self) -> dict:
        """The moments and the step count as tensors, for a checkpoint."""
        return {"t": torch.tensor(self.t), **{f"m.{i}": m.clone() for i, m in enumerate(self.m)},
                **{f"v.{i}": v.clone() for i, v in enumerate(self.v)}}

    def load_state_dict(self, state: dict) -> None:
        self.t = int(state["t"])
        for i, (m, v) in enumerate(zip(self.m, self.v)):
            m.copy_(state[f"m.{i}"])
            v.copy_(state[f"v.{i}"])
