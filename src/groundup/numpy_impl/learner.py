"""The NumPy learners: a network of hand-written layers, its loss's gradient, backward, SGD.

``NumpyLearner`` holds what every NumPy model shares (data preparation, the training step,
evaluation, checkpoints); a subclass only builds its network from the spec.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

from groundup.core.learner import EVAL_CHUNK, UNSET_LR, evaluate_in_chunks, outputs_in_chunks
from groundup.core.models import DenseSpec
from groundup.core.models_cnn import ConvSpec, as_images
from groundup.numpy_impl import conv as conv_ops
from groundup.numpy_impl.layers import (Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential,
                                        Sigmoid)
from groundup.numpy_impl.losses import LOSSES
from groundup.numpy_impl.optim import SGD

ACTIVATIONS = {"relu": ReLU, "sigmoid": Sigmoid}


class NumpyBatches:
    """What every NumPy learner does alike: a batch is the rows of an index vector, and the
    learning rate lives in ``self.optimizer``."""

    impl = "numpy"

    def index(self, order: np.ndarray) -> np.ndarray:
        return order

    @staticmethod
    def take(x: np.ndarray, idx: np.ndarray) -> np.ndarray:
        return x.take(idx, axis=0)

    def set_lr(self, lr: float) -> None:
        self.optimizer.lr = lr


class NumpyLearner(NumpyBatches):
    """A ``Sequential`` network (``self.net``, from a subclass's ``build``) trained with the
    spec's loss and the hand-written SGD; parameters in the working dtype (float32 or 64)."""

    eval_rows = EVAL_CHUNK  # samples per forward pass when evaluating

    def __init__(self, spec, params: dict, *, lr: float = UNSET_LR, momentum: float = 0.0,
                 weight_decay: float = 0.0, dtype: str = "float32", device: str = "cpu"):
        # NumPy computes on the CPU: ``device`` is accepted like the torch learners' and unused
        self.spec, self.dtype = spec, np.dtype(dtype)
        self.net = self.build(spec, {k: np.array(v, dtype=self.dtype) for k, v in params.items()})
        self.loss_fn = LOSSES[spec.loss]
        self.optimizer = SGD(self.net.named("params"), lr, momentum, weight_decay)

    def build(self, spec, params: dict[str, np.ndarray]) -> Sequential:
        raise NotImplementedError

    def prepare(self, x: np.ndarray, y: np.ndarray):
        """Convert a whole split once: features to the working dtype, labels as the loss wants."""
        y = y.astype(np.int64) if self.spec.loss == "ce" else y.astype(self.dtype)
        return np.ascontiguousarray(x, dtype=self.dtype), y

    @np.errstate(over="ignore", invalid="ignore")  # a diverging run is reported by the loop
    def train_step(self, x: np.ndarray, y: np.ndarray) -> float:
        loss, dlogits = self.loss_fn(self.net.forward(x), y)
        self.net.backward(dlogits)
        self.optimizer.step(self.net.named("grads"))
        return loss

    @np.errstate(over="ignore", invalid="ignore")
    def evaluate(self, x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        return evaluate_in_chunks(self.net.forward, lambda out, t: self.loss_fn(out, t)[0], x, y,
                                  size=self.eval_rows)

    def outputs(self, x: np.ndarray) -> np.ndarray:
        """The model's outputs (logits) for inputs x."""
        return outputs_in_chunks(self.net.forward, np.asarray(x, dtype=self.dtype), size=self.eval_rows)

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


class NumpyDense(NumpyLearner):
    """Linear layers named "0", "2", ... with the spec's activation between them."""

    def build(self, spec: DenseSpec, params: dict[str, np.ndarray]) -> Sequential:
        layers: list = []
        for k, name in enumerate(spec.linear_names):
            layers.append(Linear(params[f"{name}.weight"], params[f"{name}.bias"], input_grad=k > 0))
            if k < len(spec.linear_names) - 1:
                layers.append(ACTIVATIONS[spec.activation]())
        return Sequential(layers)


class NumpyConv(NumpyLearner):
    """The course's CNN: conv1, pool1, relu1, conv2, ..., flatten, fc (the ``nn`` model's names).

    ``ops`` supplies conv2d_forward/backward and maxpool_forward/backward (default: this
    package's ``numpy_impl.conv``), so the same network can run on a student's own functions.
    """

    eval_rows = 1024  # im2col copies every pixel k·k times: about 60 MB of columns per chunk

    def __init__(self, spec: ConvSpec, params: dict, *, ops: ModuleType | object = conv_ops, **kwargs):
        self.ops = ops
        super().__init__(spec, params, **kwargs)

    def build(self, spec: ConvSpec, params: dict[str, np.ndarray]) -> Sequential:
        layers: dict = {}
        for i, name in enumerate(spec.conv_names, start=1):
            # pool before ReLU, as in the scratch and nn versions: the same result, a quarter of the work
            layers[name] = Conv2d(params[f"{name}.weight"], params[f"{name}.bias"], self.ops, input_grad=i > 1)
            layers[f"pool{i}"] = MaxPool2d(spec.pool, self.ops)
            layers[f"relu{i}"] = ReLU()
        layers["flatten"] = Flatten()
        layers["fc"] = Linear(params["fc.weight"], params["fc.bias"])
        return Sequential(list(layers.values()), names=list(layers))

    def prepare(self, x: np.ndarray, y: np.ndarray):
        return super().prepare(as_images(x, self.spec), y)

    def outputs(self, x: np.ndarray) -> np.ndarray:
        return super().outputs(as_images(np.asarray(x), self.spec))
