"""What every learner offers ``train.fit``, written down once, and the chunked evaluation
all of them share.

A learner is one implementation (``numpy``, ``scratch``, ``nn``) of one model spec, built
from the spec and a dict of initial parameters by ``groundup.training.registry.make_learner``. It owns
its model, loss and optimizer; the training loop owns epochs, batch order, the learning rate
(its schedule's, set before every epoch) and the records. ``x``/``y`` below are whatever ``prepare`` returned: NumPy arrays or tensors.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Iterator, Protocol, runtime_checkable

import numpy as np

EVAL_CHUNK = 8192  # rows per forward pass when evaluating a whole split
# ``train.fit`` owns the learning rate: a learner is built without one (its optimizer's is this
# NaN, which turns every parameter it steps into NaN) until ``set_lr``. Only a learner stepped by
# hand (a test, a check) is given one when built (``lr=``).
UNSET_LR = math.nan


@runtime_checkable
class Learner(Protocol):
    impl: str  # "numpy", "scratch" or "nn"
    spec: Any  # the model spec it implements

    def prepare(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        """Convert a whole split once (dtype, device, shape); batches are slices of the result."""

    def index(self, order: np.ndarray) -> Any:
        """An epoch's sample order in the form ``take`` indexes with."""

    def take(self, x: Any, idx: Any) -> Any:
        """Rows ``idx`` of a prepared array: one batch."""

    def set_lr(self, lr: float) -> None:
        """The learning rate from now on (``train.fit`` sets its schedule's before every epoch)."""

    def train_step(self, x: Any, y: Any) -> float:
        """Forward, loss, backward and one optimizer step on a batch; the batch's mean loss."""

    def evaluate(self, x: Any, y: Any) -> tuple[float, np.ndarray]:
        """Mean loss over a prepared split and the model's outputs, as NumPy."""

    def outputs(self, x: np.ndarray) -> np.ndarray:
        """The model's outputs (logits) for NumPy inputs (``groundup predict``)."""

    def parameters(self) -> dict[str, np.ndarray]:
        """Copies of the parameters, named like the ``nn`` model's state_dict."""

    def state(self) -> dict:
        """Parameters and optimizer state, for a checkpoint."""

    def load_state(self, state: dict) -> None:
        """Continue from ``state()``'s result."""


def in_chunks(forward: Callable, x: Any, size: int = EVAL_CHUNK) -> Iterator[tuple[slice, Any]]:
    """``forward`` over ``x``, ``size`` rows at a time: (rows, outputs) pairs. Evaluation
    without batches would hold a whole split's activations at once."""
    for i in range(0, len(x), size):
        rows = slice(i, i + size)
        yield rows, forward(x[rows])


def evaluate_in_chunks(forward: Callable, loss: Callable[[Any, Any], float], x: Any, y: Any,
                       to_numpy: Callable = np.asarray, size: int = EVAL_CHUNK) -> tuple[float, np.ndarray]:
    """Mean loss over the split (each chunk's mean weighted by its size) and all outputs."""
    total, outputs = 0.0, []
    for rows, out in in_chunks(forward, x, size):
        total += float(loss(out, y[rows])) * len(out)
        outputs.append(to_numpy(out))
    return total / len(x), np.concatenate(outputs)


def outputs_in_chunks(forward: Callable, x: Any, to_numpy: Callable = np.asarray,
                      size: int = EVAL_CHUNK) -> np.ndarray:
    return np.concatenate([to_numpy(out) for _, out in in_chunks(forward, x, size)])
