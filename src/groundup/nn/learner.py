"""The dense network as ``nn.Sequential``, trained with an ``nn`` loss and ``optim.SGD``."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from groundup.core.learner import UNSET_LR
from groundup.core.models import DenseSpec
from groundup.core.torch_common import TorchLearner, torch_dtype


ACTIVATIONS = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid}


def build_sequential(spec: DenseSpec) -> nn.Sequential:
    layers: list[nn.Module] = []
    for k, (fan_in, fan_out) in enumerate(zip(spec.sizes[:-1], spec.sizes[1:])):
        layers.append(nn.Linear(fan_in, fan_out))
        if k < len(spec.sizes) - 2:
            layers.append(ACTIVATIONS[spec.activation]())
    return nn.Sequential(*layers)


class _OneOutput(nn.Module):
    """Wrap a loss that compares one output column (BCE on logits, MSE) with a 1-D target."""

    def __init__(self, loss: nn.Module):
        super().__init__()
        self.loss = loss

    def forward(self, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.loss(out[:, 0], y)


class NNLearner(TorchLearner):
    """Training with torch.nn and torch.optim: the model a subclass's ``build`` returns, loaded
    with the shared initial parameters, an nn loss and ``optim.SGD``."""

    model: nn.Module

    def __init__(self, spec, params: dict, *, lr: float = UNSET_LR, momentum: float = 0.0,
                 weight_decay: float = 0.0, dtype: str = "float32", device: str = "cpu"):
        self.spec, self.dtype, self.device = spec, torch_dtype(dtype), device
        self.model = self.build(spec).to(device=device, dtype=self.dtype)
        self.model.load_state_dict({k: torch.from_numpy(np.asarray(v)) for k, v in params.items()})
        self.loss_fn = {"ce": nn.CrossEntropyLoss(), "bce": _OneOutput(nn.BCEWithLogitsLoss()),
                        "mse": _OneOutput(nn.MSELoss())}[spec.loss]
        self.optimizer = self.make_optimizer(self.model.parameters(), momentum, weight_decay)
        self.set_lr(lr)  # torch refuses a NaN lr when built, not when set

    def make_optimizer(self, parameters, momentum: float, weight_decay: float) -> torch.optim.Optimizer:
        """The optimizer, its learning rate left to ``set_lr``: ``optim.SGD`` (a subclass may
        train with another)."""
        return torch.optim.SGD(parameters, momentum=momentum, weight_decay=weight_decay)

    def build(self, spec) -> nn.Module:
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)

    def set_lr(self, lr: float) -> None:
        for group in self.optimizer.param_groups:
            group["lr"] = lr

    def train_step(self, x: torch.Tensor, y: torch.Tensor) -> float:
        self.optimizer.zero_grad()
        loss = self.loss_fn(self.model(x), y)
        loss.backward()
        self.optimizer.step()
        return loss.item()

    def parameters(self) -> dict[str, np.ndarray]:
        return {k: v.detach().cpu().numpy().copy() for k, v in self.model.state_dict().items()}

    def state(self) -> dict:
        return {"params": self.model.state_dict(), "optimizer": self.optimizer.state_dict()}

    def load_state(self, state: dict) -> None:
        self.model.load_state_dict(state["params"])
        self.optimizer.load_state_dict(state["optimizer"])


class NNDense(NNLearner):
    impl = "nn"

    def build(self, spec: DenseSpec) -> nn.Module:
        return build_sequential(spec)
