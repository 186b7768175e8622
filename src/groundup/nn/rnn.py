"""The course's three recurrent models of "hello" -> "ohlol" (004 §11), with torch.nn and Adam.

- ``CellNet``: ``nn.RNNCell`` stepped by hand over the sequence, the hidden state as scores;
- ``SeqNet``: ``nn.RNN``, which runs that loop itself;
- ``EmbeddingNet``: ``nn.Embedding`` -> two-layer ``nn.RNN`` -> ``nn.Linear``, fed character ids.

``NNSequenceLearner`` trains any of them with ``nn.CrossEntropyLoss`` (mean over the
characters) and ``torch.optim.Adam``, from parameters given as a dict of arrays.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from groundup.torch_common import torch_dtype


class CellNet(nn.Module):
    """``nn.RNNCell`` applied once per character; h_0 = 0."""

    one_hot = True

    def __init__(self, vocab: int, hidden: int):
        super().__init__()
        self.vocab = vocab
        self.cell = nn.RNNCell(vocab, hidden)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:  # (seq, batch, vocab) -> (seq*batch, hidden)
        h = inputs.new_zeros(inputs.shape[1], self.cell.hidden_size)
        states = []
        for x in inputs:
            h = self.cell(x, h)
            states.append(h)
        return torch.cat(states)


class SeqNet(nn.Module):
    """``nn.RNN`` over the whole sequence at once (it loops over the steps internally)."""

    one_hot = True

    def __init__(self, vocab: int, hidden: int, layers: int = 1):
        super().__init__()
        self.vocab = vocab
        self.rnn = nn.RNN(vocab, hidden, num_layers=layers)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:  # (seq, batch, vocab) -> (seq*batch, hidden)
        out, _ = self.rnn(inputs)  # h_0 defaults to zeros; out holds the last layer's h_t for every t
        return out.reshape(-1, self.rnn.hidden_size)


class EmbeddingNet(nn.Module):
    """Ids -> learned vectors (``nn.Embedding``) -> ``nn.RNN`` -> ``nn.Linear`` scores."""

    one_hot = False

    def __init__(self, vocab: int, embedding: int, hidden: int, layers: int, classes: int):
        super().__init__()
        self.emb = nn.Embedding(vocab, embedding)
        self.rnn = nn.RNN(embedding, hidden, num_layers=layers, batch_first=True)
        self.fc = nn.Linear(hidden, classes)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:  # (batch, seq) -> (batch*seq, classes)
        out, _ = self.rnn(self.emb(ids))
        return self.fc(out).reshape(-1, self.fc.out_features)


class NNSequenceLearner:
    impl = "nn"

    def __init__(self, model: nn.Module, params: dict[str, np.ndarray], *, lr: float,
                 dtype: str = "float32", device: str = "cpu"):
        self.dtype, self.device = torch_dtype(dtype), device
        self.model = model.to(device=device, dtype=self.dtype)
        self.model.load_state_dict({k: torch.from_numpy(np.asarray(v)) for k, v in params.items()})
        self.loss_fn = nn.CrossEntropyLoss()
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=lr)

    def prepare(self, x_ids: np.ndarray, y_ids: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        """Character ids -> what the model reads (one-hot (seq, 1, vocab) or ids (1, seq)), labels."""
        ids = torch.as_tensor(x_ids, dtype=torch.int64, device=self.device)
        if self.model.one_hot:
            x = nn.functional.one_hot(ids, self.model.vocab).to(self.dtype)[:, None, :]
        else:
            x = ids[None, :]
        return x, torch.as_tensor(y_ids, dtype=torch.int64, device=self.device)

    def train_step(self, x: torch.Tensor, y: torch.Tensor) -> tuple[float, np.ndarray]:
        """One Adam step on the sequence; returns the loss and scores it was computed from."""
        self.optimizer.zero_grad()
        scores = self.model(x)
        loss = self.loss_fn(scores, y)
        loss.backward()
        self.optimizer.step()
        return loss.item(), scores.detach().cpu().numpy()

    @torch.no_grad()
    def evaluate(self, x: torch.Tensor, y: torch.Tensor) -> tuple[float, np.ndarray]:
        scores = self.model(x)
        return float(self.loss_fn(scores, y)), scores.cpu().numpy()

    def parameters(self) -> dict[str, np.ndarray]:
        return {k: v.detach().cpu().numpy().copy() for k, v in self.model.state_dict().items()}
