"""SGD on tensors that carry ``.grad``: the update rule of ``numpy_impl.optim.SGD``."""

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
