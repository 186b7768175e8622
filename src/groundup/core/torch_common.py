"""What the two torch implementations share: moving a split to the device once, batch
indexing and evaluation. The model, loss and optimizer stay in each implementation."""

from __future__ import annotations

import numpy as np
import torch

from groundup.errors import ConfigError
from groundup.core.learner import evaluate_in_chunks, outputs_in_chunks


def resolve_device(device: str) -> str:
    """``auto`` picks CUDA when present; asking for CUDA without it is a clear error."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ConfigError("--device cuda: no CUDA device is available here; use --device cpu or auto")
    return device


class TorchLearner:
    """Base for ``scratch`` and ``nn``: subclasses set ``spec``, ``dtype``, ``device`` and
    define ``forward(x)`` and ``loss_fn(outputs, y)``."""

    spec: object
    dtype: torch.dtype
    device: str

    def prepare(self, x: np.ndarray, y: np.ndarray):
        """One conversion per split: inputs and labels live on the model's device from here on,
        so the model and its data can never be on different devices."""
        xt = torch.as_tensor(np.ascontiguousarray(x), dtype=self.dtype, device=self.device)
        ydtype = torch.int64 if self.spec.loss == "ce" else self.dtype
        return xt, torch.as_tensor(y, dtype=ydtype, device=self.device)

    def index(self, order: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(order).to(self.device)

    @staticmethod
    def take(x: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
        """Rows idx of x: one gather per batch (index_select is faster here than x[idx])."""
        return x.index_select(0, idx)

    @torch.no_grad()
    def evaluate(self, x: torch.Tensor, y: torch.Tensor) -> tuple[float, np.ndarray]:
        return evaluate_in_chunks(self.forward, self.loss_fn, x, y, to_numpy)

    @torch.no_grad()
    def outputs(self, x: np.ndarray) -> np.ndarray:
        """The model's outputs for NumPy inputs (used by ``groundup predict``)."""
        xt = torch.as_tensor(np.ascontiguousarray(x), dtype=self.dtype, device=self.device)
        return outputs_in_chunks(self.forward, xt, to_numpy)


def to_numpy(t: torch.Tensor) -> np.ndarray:
    return t.cpu().numpy()


def torch_dtype(name: str) -> torch.dtype:
    return {"float32": torch.float32, "float64": torch.float64}[name]
