"""Recurrent models of the course (004 §11), independent of who implements them.

An ``RNNSpec`` reads sequences of token ids (N, T) and scores every step: its outputs are
(N, classes, T), torch's layout for one class per position, and its loss is the mean
cross-entropy over all N·T steps. It offers what every model spec offers (``loss``, ``task``,
``describe()``, ``init_params``); ``groundup.training.registry`` maps it to its learners.

- The course's cell, ``RNNSpec(vocab, hidden)``: one-hot inputs, one ``nn.RNNCell``, the
  hidden state itself as the scores (so hidden = classes). ``numpy`` (the backward pass
  through time written out), ``scratch`` and ``nn`` (``nn.RNNCell`` stepped by hand) implement
  it; its parameters are nn.RNNCell's: "weight_ih", "weight_hh", "bias_ih", "bias_hh".
- ``loop="rnn"``: ``nn.RNN`` runs the loop over the steps itself, optionally after an
  ``nn.Embedding`` and with several layers and an ``nn.Linear`` on top; only ``nn``.
  Parameter names are those of ``nn.rnn.RNNNet``: "emb.weight", "rnn.weight_ih_l0", ...,
  "fc.weight", "fc.bias".

Every RNN learner trains with Adam, as the course does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from groundup.errors import ConfigError

LOOPS = ("cell", "rnn")


@dataclass(frozen=True)
class RNNSpec:
    vocab: int  # token ids 0 .. vocab-1
    hidden: int
    embedding: int = 0  # 0: one-hot inputs; else nn.Embedding(vocab, embedding) first
    layers: int = 1
    classes: int = 0  # 0: the last hidden state is the scores; else nn.Linear(hidden, classes)
    loop: str = "cell"  # "cell": an RNN cell stepped by hand; "rnn": nn.RNN's own loop
    loss: str = "ce"

    def __post_init__(self):
        if self.loop not in LOOPS:
            raise ConfigError(f"unknown RNN loop {self.loop!r}; choose from: {', '.join(LOOPS)}")
        if min(self.vocab, self.hidden, self.layers) < 1 or min(self.embedding, self.classes) < 0:
            raise ConfigError(f"an RNN needs vocab, hidden and layers >= 1, got {self}")
        if self.loop == "cell" and (self.embedding or self.classes or self.layers != 1):
            raise ConfigError("the hand-stepped cell has one-hot inputs, one layer and no output layer")
        if not self.classes and self.hidden != self.vocab:
            raise ConfigError(f"without an output layer the {self.hidden} hidden units are the scores "
                              f"of the {self.vocab} tokens: hidden must equal vocab")

    @property
    def task(self) -> str:
        return "classification"

    def check(self, impl: str, momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        """What every RNN learner asks of its spec and settings: numpy and scratch write out the
        course's cell only; all train with Adam, as the course does, so SGD's settings stay 0."""
        if impl != "nn" and self.loop != "cell":
            raise ConfigError(f"only nn implements {self.describe()}, not {impl}")
        if momentum or weight_decay:
            raise ConfigError("the RNN learners train with Adam: momentum and weight decay do not apply to them")

    def init_params(self, settings) -> dict[str, np.ndarray]:
        if settings.init != "torch":
            raise ConfigError(f"the RNN only has torch's default initialisation, not {settings.init!r}")
        return init_rnn(self, settings.seed)

    def multiply_adds(self) -> None:
        """Not counted: the thread choice measures the machine instead."""
        return None

    def describe(self) -> str:
        if self.loop == "cell":
            return f"RNN cell {self.vocab}→{self.hidden} (tanh), one-hot input, hidden state as scores"
        parts = [f"embedding({self.vocab}, {self.embedding})"] if self.embedding else []
        parts.append(f"nn.RNN({self.embedding or self.vocab}, {self.hidden}"
                     + (f", {self.layers} layers)" if self.layers > 1 else ")"))
        if self.classes:
            parts.append(f"linear({self.hidden}→{self.classes})")
        return " → ".join(parts)


def init_rnn(spec: RNNSpec, seed: int) -> dict[str, np.ndarray]:
    """Initial parameters in float64, drawn once and shared by every implementation.

    What torch draws by default: every RNN weight and bias and the Linear layer's
    ~ U(-1/√hidden, 1/√hidden) (nn.Linear's bound 1/√fan_in is the same, fan_in = hidden),
    the embedding ~ N(0, 1). A one-layer ``nn.RNN`` on one-hot inputs draws the numbers of the
    cell with the same shapes, so the two loops start from the same parameters.
    """
    k = 1 / math.sqrt(spec.hidden)
    if spec.loop == "cell":
        rng = np.random.default_rng([seed, 11])
        return {"weight_ih": rng.uniform(-k, k, (spec.hidden, spec.vocab)),
                "weight_hh": rng.uniform(-k, k, (spec.hidden, spec.hidden)),
                "bias_ih": rng.uniform(-k, k, spec.hidden), "bias_hh": rng.uniform(-k, k, spec.hidden)}
    rng = np.random.default_rng([seed, 12 if spec.embedding else 11])
    params = {"emb.weight": rng.normal(0.0, 1.0, (spec.vocab, spec.embedding))} if spec.embedding else {}
    for layer in range(spec.layers):
        fan_in = (spec.embedding or spec.vocab) if layer == 0 else spec.hidden
        params[f"rnn.weight_ih_l{layer}"] = rng.uniform(-k, k, (spec.hidden, fan_in))
        params[f"rnn.weight_hh_l{layer}"] = rng.uniform(-k, k, (spec.hidden, spec.hidden))
        params[f"rnn.bias_ih_l{layer}"] = rng.uniform(-k, k, spec.hidden)
        params[f"rnn.bias_hh_l{layer}"] = rng.uniform(-k, k, spec.hidden)
    if spec.classes:
        params["fc.weight"] = rng.uniform(-k, k, (spec.classes, spec.hidden))
        params["fc.bias"] = rng.uniform(-k, k, spec.classes)
    return params
