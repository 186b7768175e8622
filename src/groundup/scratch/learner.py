"""The dense network on torch tensors with autograd and the hand-written SGD."""

from __future__ import annotations

import numpy as np
import torch

from groundup.core.learner import UNSET_LR
from groundup.core.models import DenseSpec
from groundup.scratch import functional as F
from groundup.scratch.optim import SGD
from groundup.core.torch_common import TorchLearner, torch_dtype


class ScratchLearner(TorchLearner):
    """Own model on parameter tensors, autograd, own loss, own SGD: ``self.params`` (name ->
    tensor with requires_grad) come from the shared initial parameters; a subclass defines
    ``forward``."""

    params: dict[str, torch.Tensor]

    def __init__(self, spec, params: dict, *, lr: float = UNSET_LR, momentum: float = 0.0,
                 weight_decay: float = 0.0, dtype: str = "float32", device: str = "cpu"):
        self.spec, self.dtype, self.device = spec, torch_dtype(dtype), device
        self.params = {k: torch.tensor(v, dtype=self.dtype, device=device, requires_grad=True)
                       for k, v in params.items()}
        self.loss_fn = F.LOSSES[spec.loss]
        self.optimizer = self.make_optimizer(list(self.params.values()), momentum, weight_decay)
        self.set_lr(lr)

    def make_optimizer(self, params: list[torch.Tensor], momentum: float, weight_decay: float):
        """The optimizer for ``params``, its learning rate left to ``set_lr``: own SGD (a subclass
        may train with another)."""
        return SGD(params, UNSET_LR, momentum, weight_decay)

    def set_lr(self, lr: float) -> None:
        self.optimizer.lr = lr

    def train_step(self, x: torch.Tensor, y: torch.Tensor) -> float:
        loss = self.loss_fn(self.forward(x), y)
        loss.backward()  # autograd fills p.grad for every parameter
        self.optimizer.step()
        return loss.item()

    def parameters(self) -> dict[str, np.ndarray]:
        return {k: v.detach().cpu().numpy().copy() for k, v in self.params.items()}

    def state(self) -> dict:
        return {"params": {k: v.detach().clone() for k, v in self.params.items()},
                "optimizer": self.optimizer.state_dict()}

    def load_state(self, state: dict) -> None:
        with torch.no_grad():
            for k, p in self.params.items():
                p.copy_(state["params"][k])
        self.optimizer.load_state_dict({k: v.to(self.device, self.dtype) for k, v in state["optimizer"].items()})


class ScratchDense(ScratchLearner):
    impl = "scratch"

    def __init__(self, spec: DenseSpec, params: dict, **kwargs):
        super().__init__(spec, params, **kwargs)
        self.activation = F.ACTIVATIONS[spec.activation]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        names = self.spec.linear_names
        for k, name in enumerate(names):
            x = F.linear(x, self.params[f"{name}.weight"], self.params[f"{name}.bias"])
            if k < len(names) - 1:
                x = self.activation(x)
        return x
