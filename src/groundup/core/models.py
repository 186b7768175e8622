"""What a model is, independent of who implements it: the dense network and its parameters.

A model spec (``DenseSpec`` here; convolutional and recurrent specs elsewhere) is plain data
offering ``loss``, ``task``, ``describe()`` and ``init_params(settings)``; which class
implements it in NumPy, scratch and nn is written in ``groundup.training.registry``.

A ``DenseSpec`` names layer sizes, the hidden activation and the loss. Linear regression
is ``DenseSpec((2, 1), loss="mse")``, logistic regression ``(2, 1)`` with ``"bce"``,
softmax regression ``(784, 10)`` with ``"ce"``, the MLP ``(784, 512, ..., 10)``. Every
implementation builds the same network from the same parameter dict, whose keys are
those of ``torch.nn.Sequential`` ("0.weight", "0.bias", "2.weight", ...): linear layer
k sits at index 2k, its activation at 2k + 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from groundup.errors import ConfigError, check_choice

IMPLS = ("numpy", "scratch", "nn")
ACTIVATIONS = ("relu", "sigmoid")
LOSSES = ("ce", "bce", "mse")  # softmax cross-entropy, BCE on one logit, mean squared error


@dataclass(frozen=True)
class DenseSpec:
    sizes: tuple[int, ...]
    activation: str = "relu"  # between linear layers: "relu" or "sigmoid"
    loss: str = "ce"  # "ce" (softmax cross-entropy), "bce" (on one logit) or "mse"

    def __post_init__(self):
        check_choice("activation", self.activation, ACTIVATIONS)
        check_choice("loss", self.loss, LOSSES)
        if len(self.sizes) < 2 or not all(isinstance(n, int) and n >= 1 for n in self.sizes):
            raise ConfigError(f"layer sizes must be two or more integers >= 1, got {self.sizes}")
        if self.loss != "ce" and self.sizes[-1] != 1:
            raise ConfigError(f"the {self.loss!r} loss takes one output, not {self.sizes[-1]}")

    @property
    def task(self) -> str:
        return "regression" if self.loss == "mse" else "classification"

    @property
    def linear_names(self) -> list[str]:
        return [str(2 * k) for k in range(len(self.sizes) - 1)]

    def init_params(self, settings) -> dict[str, np.ndarray]:
        return init_dense(self, settings.seed, settings.init, settings.init_std)

    def multiply_adds(self) -> int:
        """Multiply-adds per sample of the forward pass: one (a × b) matrix per layer."""
        return sum(a * b for a, b in zip(self.sizes, self.sizes[1:]))

    def describe(self) -> str:
        head = {"ce": "softmax", "bce": "sigmoid", "mse": "identity"}[self.loss]
        hidden = f", {self.activation} hidden" if len(self.sizes) > 2 else ""
        return "-".join(map(str, self.sizes)) + f" ({head} output{hidden})"


def init_dense(spec: DenseSpec, seed: int, scheme: str = "torch", std: float = 0.01) -> dict:
    """Initial parameters in float64, drawn once and shared by every implementation.

    ``"normal"``: W ~ N(0, std^2), b = 0 (the course's softmax regression).
    ``"torch"``: W, b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), what ``nn.Linear`` draws by default.
    """
    rng = np.random.default_rng(seed)
    params = {}
    for name, fan_in, fan_out in zip(spec.linear_names, spec.sizes[:-1], spec.sizes[1:]):
        if scheme == "normal":
            params[f"{name}.weight"] = rng.normal(0.0, std, (fan_out, fan_in))
            params[f"{name}.bias"] = np.zeros(fan_out)
        elif scheme == "torch":
            bound = 1.0 / np.sqrt(fan_in)
            params[f"{name}.weight"] = rng.uniform(-bound, bound, (fan_out, fan_in))
            params[f"{name}.bias"] = rng.uniform(-bound, bound, fan_out)
        else:
            check_choice("init", scheme, ("torch", "normal"))
    return params


def softmax(logits: np.ndarray) -> np.ndarray:
    """Class probabilities from logits, row by row, the row maximum subtracted first so that
    exp cannot overflow (see ``numpy_impl.losses.log_softmax``)."""
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def predictions(outputs: np.ndarray, loss: str) -> np.ndarray:
    """Class ids (argmax, or logit > 0 for one sigmoid output) or regression values."""
    if loss == "ce":
        return outputs.argmax(axis=1)
    if loss == "bce":
        return (outputs[:, 0] > 0).astype(np.int64)
    return outputs[:, 0] if outputs.shape[1] == 1 else outputs

