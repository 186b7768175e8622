"""The dense network in NumPy: forward, the loss's gradient, backward, SGD step."""

from __future__ import annotations

import numpy as np

from groundup.models import DenseSpec
from groundup.numpy_impl.layers import Linear, ReLU, Sequential, Sigmoid
from groundup.numpy_impl.losses import LOSSES
from groundup.numpy_impl.optim import SGD

ACTIVATIONS = {"relu": ReLU, "sigmoid": Sigmoid}
EVAL_CHUNK = 8192


class NumpyDense:
    impl = "numpy"

    def __init__(self, spec: DenseSpec, params: dict, *, lr: float, momentum: float = 0.0,
                 weight_decay: float = 0.0, dtype: str = "float32"):
        self.spec, self.dtype = spec, np.dtype(dtype)
        layers: list = []
        for k, name in enumerate(spec.linear_names):
            layers.append(Linear(params[f"{name}.weight"].astype(self.dtype),
                                 params[f"{name}.bias"].astype(self.dtype), input_grad=k > 0))
            if k < len(spec.linear_names) - 1:
                layers.append(ACTIVATIONS[spec.activation]())
        self.net = Sequential(layers)
        self.loss_fn = LOSSES[spec.loss]
        self.optimizer = SGD(self.net.named("params"), lr, momentum, weight_decay)

    def prepare(self, x: np.ndarray, y: np.ndarray):
        """Convert a whole split once: features to the working dtype, labels as the loss wants."""
        y = y.astype(np.int64) if self.spec.loss == "ce" else y.astype(self.dtype)
        return np.ascontiguousarray(x, dtype=self.dtype), y

    def index(self, order: np.ndarray) -> np.ndarray:
        return order

    @staticmethod
    def take(x: np.ndarray, idx: np.ndarray) -> np.ndarray:
        return x.take(idx, axis=0)

    def set_lr(self, lr: float) -> None:
        self.optimizer.lr = lr

    @np.errstate(over="ignore", invalid="ignore")  # a diverging run is reported by the loop
    def train_step(self, x: np.ndarray, y: np.ndarray) -> float:
        loss, dlogits = self.loss_fn(self.net.forward(x), y)
        self.net.backward(dlogits)
        self.optimizer.step(self.net.named("grads"))
        return loss

    @np.errstate(over="ignore", invalid="ignore")
    def evaluate(self, x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """Mean loss over the whole split and the outputs, computed in chunks."""
        total, outputs = 0.0, []
        for i in range(0, len(x), EVAL_CHUNK):
            out = self.net.forward(x[i:i + EVAL_CHUNK])
            loss, _ = self.loss_fn(out, y[i:i + EVAL_CHUNK])
            total += loss * len(out)
            outputs.append(out)
        return total / len(x), np.concatenate(outputs)

    def outputs(self, x: np.ndarray) -> np.ndarray:
        """The model's outputs (logits) for inputs x."""
        x = np.asarray(x, dtype=self.dtype)
        return np.concatenate([self.net.forward(x[i:i + EVAL_CHUNK]) for i in range(0, len(x), EVAL_CHUNK)])

    def parameters(self) -> dict[str, np.ndarray]:
        return {k: v.copy() for k, v in self.net.named("params").items()}

    def state(self) -> dict:
        """Parameters and optimizer state, for a checkpoint."""
        return {"params": self.parameters(),
                "optimizer": {k: v.copy() for k, v in self.optimizer.velocity.items()}}

    def load_state(self, state: dict) -> None:
        for name, p in self.net.named("params").items():
            p[...] = state["params"][name]  # in place: the optimizer holds the same arrays
        self.optimizer.velocity = {k: np.asarray(v, dtype=self.dtype).copy()
                                   for k, v in state["optimizer"].items()}
