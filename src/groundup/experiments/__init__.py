"""The experiment registry: stable names -> Experiment.

Each module in ``MODULES`` defines ``EXPERIMENTS``, a list of ``Experiment``; the order here
is the course's order, used by ``groundup list`` and ``groundup lab``.
"""

from __future__ import annotations

from groundup.errors import ConfigError
from groundup.experiments.base import Experiment

from groundup.core.settings import Settings

from groundup.experiments import (basics, diabetes, gradient_descent, landscape, linear_regression, logistic,
                                  mnist_nets, rnn_hello, softmax)

MODULES = [basics, landscape, gradient_descent, linear_regression, logistic, softmax, diabetes, mnist_nets, rnn_hello]

EXPERIMENTS: dict[str, Experiment] = {exp.name: exp for module in MODULES for exp in module.EXPERIMENTS}


def get(name: str) -> Experiment:
    if name not in EXPERIMENTS:
        raise ConfigError(f"unknown experiment {name!r}; choose from: {', '.join(EXPERIMENTS)}")
    return EXPERIMENTS[name]


__all__ = ["EXPERIMENTS", "Experiment", "Settings", "get"]
