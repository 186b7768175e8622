"""The experiment registry: stable names -> Experiment."""

from __future__ import annotations

from groundup.errors import ConfigError
from groundup.experiments import logistic, supervised
from groundup.experiments.base import Experiment, Settings
from groundup.models import IMPLS

EXPERIMENTS: dict[str, Experiment] = {}


def register(exp: Experiment) -> Experiment:
    EXPERIMENTS[exp.name] = exp
    return exp


register(Experiment(
    name="logistic-synthetic", title="Logistic regression on synthetic data", section="000 §2",
    model="logistic regression 2-1", dataset="synthetic (seeded)", impls=IMPLS,
    presets=logistic.PRESETS, run=supervised.run,
    task=supervised.Task(logistic.SPEC, logistic.load, logistic.extras)))


def get(name: str) -> Experiment:
    if name not in EXPERIMENTS:
        raise ConfigError(f"unknown experiment {name!r}; choose from: {', '.join(EXPERIMENTS)}")
    return EXPERIMENTS[name]


__all__ = ["EXPERIMENTS", "Experiment", "Settings", "get", "register"]
