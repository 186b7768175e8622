"""The course's recurrent models of "hello" -> "ohlol" (004 §11), with torch.nn and Adam.

- ``RNNCellLoop``: ``nn.RNNCell`` stepped by hand over the sequence, the hidden state as scores;
- ``RNNNet``: ``nn.RNN``, which runs that loop itself, optionally after an ``nn.Embedding``
  and with an ``nn.Linear`` on top (the course's Embedding version).

Both read a batch first (N, T, ...) and return scores (N, classes, T), the layout
``nn.CrossEntropyLoss`` takes for one class per position. ``NNRNN`` trains either with that
loss (mean over the characters) and ``torch.optim.Adam``.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from groundup.core.learner import UNSET_LR
from groundup.nn.learner import NNLearner


class RNNCellLoop(nn.RNNCell):
    """``nn.RNNCell`` applied once per character, h_0 = 0; its parameters are the cell's own."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (N, T, vocab) -> (N, hidden, T)
        h = x.new_zeros(len(x), self.hidden_size)
        states = []
        for t in range(x.shape[1]):
            h = super().forward(x[:, t], h)
            states.append(h)
        return torch.stack(states, dim=2)


class RNNNet(nn.Module):
    """[ids -> ``nn.Embedding``] -> ``nn.RNN`` (its own loop over the steps) -> [``nn.Linear``]."""

    def __init__(self, vocab: int, hidden: int, layers: int = 1, embedding: int = 0, classes: int = 0):
        super().__init__()
        self.emb = nn.Embedding(vocab, embedding) if embedding else None
        self.rnn = nn.RNN(embedding or vocab, hidden, num_layers=layers, batch_first=True)
        self.fc = nn.Linear(hidden, classes) if classes else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # ids (N, T) or one-hot (N, T, vocab) -> (N, C, T)
        if self.emb is not None:
            x = self.emb(x)
        out, _ = self.rnn(x)  # h_0 defaults to zeros; out holds the last layer's h_t for every t
        if self.fc is not None:
            out = self.fc(out)
        return out.transpose(1, 2)


def build_rnn(spec) -> nn.Module:
    if spec.loop == "cell":
        return RNNCellLoop(spec.vocab, spec.hidden)
    return RNNNet(spec.vocab, spec.hidden, spec.layers, spec.embedding, spec.classes)


class NNRNN(NNLearner):
    impl = "nn"

    def __init__(self, spec, params: dict, *, lr: float = UNSET_LR, momentum: float = 0.0, weight_decay: float = 0.0,
                 dtype: str = "float32", device: str = "cpu"):
        spec.check(self.impl, momentum, weight_decay)
        super().__init__(spec, params, lr=lr, dtype=dtype, device=device)

    def make_optimizer(self, parameters, momentum: float, weight_decay: float) -> torch.optim.Optimizer:
        return torch.optim.Adam(parameters)  # the course trains its RNNs with Adam

    def build(self, spec) -> nn.Module:
        return build_rnn(spec)

    def prepare_inputs(self, x) -> torch.Tensor:
        """Ids (N, T) -> what the model reads: ids for an embedding, else one-hot (N, T, vocab)."""
        ids = torch.as_tensor(x, dtype=torch.int64, device=self.device)
        return ids if self.spec.embedding else nn.functional.one_hot(ids, self.spec.vocab).to(self.dtype)

    def prepare(self, x, y) -> tuple[torch.Tensor, torch.Tensor]:
        """Ids (N, T) -> model inputs and labels (N, T), on the device."""
        return self.prepare_inputs(x), torch.as_tensor(y, dtype=torch.int64, device=self.device)

    @torch.no_grad()
    def outputs(self, x) -> np.ndarray:
        """Scores (N, C, T) for ids (N, T)."""
        return self.model(self.prepare_inputs(x)).cpu().numpy()
