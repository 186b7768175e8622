"""A recurrent cell by hand on torch tensors: own weights, tanh, own loss, own Adam.

    h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh),   h_0 = 0

is the rule of ``torch.nn.RNNCell``, with the same parameter names and shapes, so the two
start from one set of initial parameters. The loop over t is written out; it builds one
graph through every step, and ``backward()`` then runs back-propagation through time
(the gradient of step t's loss flows into every earlier h) without code of its own;
``numpy_impl.rnn`` writes that backward pass out.
"""

from __future__ import annotations

import numpy as np
import torch

from groundup.core.learner import UNSET_LR
from groundup.scratch.learner import ScratchLearner
from groundup.scratch.optim import Adam


def rnn_cell(x: torch.Tensor, h: torch.Tensor, p: dict[str, torch.Tensor]) -> torch.Tensor:
    """One step: the new hidden state (N, H) from the input x (N, D) and the old h (N, H)."""
    return torch.tanh(x @ p["weight_ih"].T + p["bias_ih"] + h @ p["weight_hh"].T + p["bias_hh"])


class ScratchRNN(ScratchLearner):
    """The course's cell over batches of sequences; the hidden state is the output (one score
    per class); mean cross-entropy over every step; own Adam."""

    impl = "scratch"

    def __init__(self, spec, params: dict, *, lr: float = UNSET_LR, momentum: float = 0.0, weight_decay: float = 0.0,
                 dtype: str = "float32", device: str = "cpu"):
        spec.check(self.impl, momentum, weight_decay)
        super().__init__(spec, params, lr=lr, dtype=dtype, device=device)

    def make_optimizer(self, params: list[torch.Tensor], momentum: float, weight_decay: float):
        return Adam(params, UNSET_LR)  # the course trains its RNNs with Adam

    def prepare_inputs(self, x) -> torch.Tensor:
        """Ids (N, T) -> one-hot inputs (N, T, vocab), on the device."""
        ids = torch.as_tensor(x, dtype=torch.int64, device=self.device)
        return torch.eye(self.spec.vocab, dtype=self.dtype, device=self.device)[ids]

    def prepare(self, x, y) -> tuple[torch.Tensor, torch.Tensor]:
        """Ids (N, T) -> one-hot inputs (N, T, vocab) and labels (N, T), on the device."""
        return self.prepare_inputs(x), torch.as_tensor(y, dtype=torch.int64, device=self.device)

    @torch.no_grad()
    def outputs(self, x) -> np.ndarray:
        """Scores (N, C, T) for ids (N, T)."""
        return self.forward(self.prepare_inputs(x)).cpu().numpy()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, T, vocab) -> scores (N, H, T): the hidden state after each step."""
        h = x.new_zeros(len(x), self.spec.hidden)
        states = []
        for t in range(x.shape[1]):  # one step per character; autograd records every one
            h = rnn_cell(x[:, t], h, self.params)
            states.append(h)
        return torch.stack(states, dim=2)
