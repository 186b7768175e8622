"""A recurrent cell in NumPy: one step forward and back, then backpropagation through time.

The rule of ``torch.nn.RNNCell``, with its parameter names and shapes (weight (out, in)):

    a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh,     h_t = tanh(a_t),     h_0 given (zeros)

One step back, from dh = dL/dh_t:

    da = dh * (1 - h_t^2)                         tanh'(a) = 1 - tanh(a)^2 = 1 - h^2
    dW_ih = da^T x_t    dW_hh = da^T h_{t-1}      db_ih = db_hh = sum over the batch of da
    dx_t = da W_ih      dh_{t-1} = da W_hh

Through time: h_t is scored by step t's own loss *and* feeds step t+1, so walking back from
the last step,

    dL/dh_t = dhs[t] + (the dh_{t-1} returned by step t+1's backward),

and every step adds its share to the gradient of the one set of weights they all use.
``NumpyRNN`` trains the course's cell with these functions, a mean cross-entropy and Adam.
"""

from __future__ import annotations

import sys

import numpy as np

from groundup.core.learner import UNSET_LR
from groundup.numpy_impl.learner import NumpyBatches
from groundup.numpy_impl.losses import softmax_cross_entropy
from groundup.numpy_impl.optim import Adam

CELL_PARAMS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def rnn_step_forward(x: np.ndarray, h_prev: np.ndarray, p: dict[str, np.ndarray]) -> np.ndarray:
    """One step: x (N, D), h_prev (N, H) -> h (N, H)."""
    return np.tanh(x @ p["weight_ih"].T + p["bias_ih"] + h_prev @ p["weight_hh"].T + p["bias_hh"])


def rnn_step_backward(dh: np.ndarray, x: np.ndarray, h_prev: np.ndarray, h: np.ndarray,
                      p: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """dh (N, H) = dL/dh of this step -> dx (N, D), dh_prev (N, H), grads (keys and shapes of p)."""
    da = dh * (1 - h * h)  # back through tanh, whose output h is all it needs
    grads = {"weight_ih": da.T @ x, "weight_hh": da.T @ h_prev, "bias_ih": da.sum(axis=0), "bias_hh": da.sum(axis=0)}
    return da @ p["weight_ih"], da @ p["weight_hh"], grads


def rnn_forward(xs: np.ndarray, h0: np.ndarray, p: dict[str, np.ndarray]) -> np.ndarray:
    """The cell over a sequence: xs (T, N, D), h0 (N, H) -> hs (T, N, H), hs[t] = h_{t+1}."""
    hs, h = [], h0
    for x in xs:
        h = rnn_step_forward(x, h, p)
        hs.append(h)
    return np.stack(hs)


def rnn_backward(dhs: np.ndarray, xs: np.ndarray, h0: np.ndarray, hs: np.ndarray,
                 p: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Backpropagation through time: dhs (T, N, H), each step's own dL/dh_t, -> dxs (T, N, D),
    dh0 (N, H) and the parameter gradients summed over the steps."""
    dxs = np.empty_like(xs)
    grads = {k: np.zeros_like(v) for k, v in p.items()}
    dh_next = np.zeros_like(h0)  # the last step feeds no later one
    for t in reversed(range(len(xs))):
        h_prev = hs[t - 1] if t > 0 else h0
        dxs[t], dh_next, step = rnn_step_backward(dhs[t] + dh_next, xs[t], h_prev, hs[t], p)
        for k in grads:
            grads[k] += step[k]
    return dxs, dh_next, grads


class NumpyRNN(NumpyBatches):
    """The course's cell (one-hot characters in, the hidden state as the class scores, h_0 = 0)
    trained on batches of sequences with the mean cross-entropy over every step and Adam.

    ``ops`` supplies ``rnn_forward`` and ``rnn_backward`` (default: this module), so the same
    learner can train someone's own functions.
    """

    def __init__(self, spec, params: dict, *, lr: float = UNSET_LR, momentum: float = 0.0, weight_decay: float = 0.0,
                 dtype: str = "float32", device: str = "cpu", ops=None):
        # NumPy computes on the CPU: ``device`` is accepted like the torch learners' and unused
        spec.check(self.impl, momentum, weight_decay)
        self.spec, self.dtype = spec, np.dtype(dtype)
        self.ops = ops or sys.modules[__name__]
        self.params = {k: np.array(params[k], dtype=self.dtype) for k in CELL_PARAMS}
        self.optimizer = Adam(self.params, lr)

    def prepare(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Ids (N, T) -> one-hot inputs (N, T, vocab) in the working dtype; labels (N, T)."""
        return np.eye(self.spec.vocab, dtype=self.dtype)[x], np.asarray(y, dtype=np.int64)

    def _forward(self, x: np.ndarray):
        """(N, T, vocab) -> the time-major inputs xs (T, N, vocab), h0 and the states hs (T, N, H)."""
        xs = x.transpose(1, 0, 2)
        h0 = np.zeros((x.shape[0], self.spec.hidden), dtype=self.dtype)
        return xs, h0, self.ops.rnn_forward(xs, h0, self.params)

    @staticmethod
    def _loss(hs: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """Mean cross-entropy of every step's scores hs (T, N, C) against y (N, T), and dL/dhs."""
        loss, dscores = softmax_cross_entropy(hs.reshape(-1, hs.shape[2]), y.T.reshape(-1))
        return loss, dscores.reshape(hs.shape)

    @np.errstate(over="ignore", invalid="ignore")  # a diverging run is reported by the loop
    def train_step(self, x: np.ndarray, y: np.ndarray) -> float:
        xs, h0, hs = self._forward(x)
        loss, dhs = self._loss(hs, y)
        _, _, grads = self.ops.rnn_backward(dhs, xs, h0, hs, self.params)
        self.optimizer.step(grads)
        return loss

    @np.errstate(over="ignore", invalid="ignore")
    def evaluate(self, x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """Mean loss per character and the scores (N, C, T), torch's layout for per-step classes."""
        _, _, hs = self._forward(x)
        loss, _ = self._loss(hs, y)
        return loss, hs.transpose(1, 2, 0)

    def outputs(self, x: np.ndarray) -> np.ndarray:
        """Scores (N, C, T) for ids (N, T)."""
        return self._forward(np.eye(self.spec.vocab, dtype=self.dtype)[x])[2].transpose(1, 2, 0)

    def parameters(self) -> dict[str, np.ndarray]:
        return {k: v.copy() for k, v in self.params.items()}

    def state(self) -> dict:
        """Parameters and Adam's moments, for a checkpoint."""
        return {"params": self.parameters(), "optimizer": self.optimizer.state_dict()}

    def load_state(self, state: dict) -> None:
        for name, p in self.params.items():
            p[...] = state["params"][name]  # in place: the optimizer holds the same arrays
        self.optimizer.load_state_dict(state["optimizer"])
