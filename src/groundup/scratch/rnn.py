"""A recurrent cell by hand on torch tensors: own weights, tanh, own loss, own Adam.

    h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh),   h_0 = 0

is the rule of ``torch.nn.RNNCell``, with the same parameter names and shapes, so the two
start from one set of initial parameters. The loop over t is written out; it builds one
graph through every step, and ``backward()`` then runs back-propagation through time
(the gradient of step t's loss flows into every earlier h) without code of its own.
"""

from __future__ import annotations

import numpy as np
import torch

from groundup.scratch import functional as F
from groundup.torch_common import torch_dtype

CELL_PARAMS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def rnn_cell(x: torch.Tensor, h: torch.Tensor, p: dict[str, torch.Tensor]) -> torch.Tensor:
    """One step: the new hidden state from the input x (batch, in) and the old h (batch, hidden)."""
    return torch.tanh(x @ p["weight_ih"].T + p["bias_ih"] + h @ p["weight_hh"].T + p["bias_hh"])


class Adam:
    """``torch.optim.Adam``'s rule (no weight decay, no AMSGrad), written out:

        m <- b1 m + (1 - b1) g          (running mean of the gradient)
        v <- b2 v + (1 - b2) g^2        (running mean of its square)
        p <- p - lr * m_hat / (sqrt(v_hat) + eps),   m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t)

    The corrections by 1 - b^t undo the zero start of m and v. Each coordinate moves by about
    lr whatever the gradient's scale, which is why summing instead of averaging a loss over
    the sequence (the course's RNNCell loop sums) barely changes an Adam run.
    """

    def __init__(self, params: list[torch.Tensor], lr: float, betas=(0.9, 0.999), eps: float = 1e-8):
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


class ScratchRNNCell:
    """The cell unrolled over a sequence; the hidden state is the output (one score per class)."""

    impl = "scratch"

    def __init__(self, params: dict[str, np.ndarray], *, lr: float, dtype: str = "float32",
                 device: str = "cpu"):
        self.dtype, self.device = torch_dtype(dtype), device
        self.params = {k: torch.tensor(params[k], dtype=self.dtype, device=device, requires_grad=True)
                       for k in CELL_PARAMS}
        self.hidden_size = self.params["weight_hh"].shape[0]
        self.optimizer = Adam(list(self.params.values()), lr)

    def prepare(self, x_ids: np.ndarray, y_ids: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        """Character ids -> one-hot inputs (seq, batch=1, vocab) and labels (seq,)."""
        vocab = self.params["weight_ih"].shape[1]
        x = torch.eye(vocab, dtype=self.dtype, device=self.device)[torch.as_tensor(x_ids)]
        return x[:, None, :], torch.as_tensor(y_ids, dtype=torch.int64, device=self.device)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """Scores (seq * batch, hidden): the hidden state after each step."""
        h = torch.zeros(inputs.shape[1], self.hidden_size, dtype=self.dtype, device=self.device)
        states = []
        for x in inputs:  # one step per character; autograd records every one
            h = rnn_cell(x, h, self.params)
            states.append(h)
        return torch.cat(states)

    def train_step(self, x: torch.Tensor, y: torch.Tensor) -> tuple[float, np.ndarray]:
        """One Adam step on the sequence; returns the loss and scores it was computed from."""
        scores = self.forward(x)
        loss = F.cross_entropy(scores, y)  # mean over the characters
        loss.backward()  # through every time step
        self.optimizer.step()
        return loss.item(), scores.detach().cpu().numpy()

    @torch.no_grad()
    def evaluate(self, x: torch.Tensor, y: torch.Tensor) -> tuple[float, np.ndarray]:
        scores = self.forward(x)
        return float(F.cross_entropy(scores, y)), scores.cpu().numpy()

    def parameters(self) -> dict[str, np.ndarray]:
        return {k: v.detach().cpu().numpy().copy() for k, v in self.params.items()}
