"""What an experiment is: its names for the CLI, its presets and how it runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from groundup.core.settings import Settings
from groundup.errors import ConfigError


@dataclass(frozen=True)
class Experiment:
    """An entry of ``groundup list``: stable name, course section, model, data, presets.

    ``run(exp, impls, settings, out, preset, quiet)`` does the work and returns the summary
    (one dict per implementation).
    """

    name: str
    title: str
    section: str
    model: str
    dataset: str
    impls: tuple[str, ...]
    presets: dict[str, dict]
    run: Callable
    task: object = None  # the supervised task, for experiments that train a model
    needs: tuple[str, ...] = field(default=())  # data sets it needs ("mnist", "diabetes", ...)

    def settings(self, preset: str, **overrides) -> Settings:
        if preset not in self.presets:
            raise ConfigError(f"experiment {self.name!r} has no preset {preset!r}; "
                              f"choose from: {', '.join(self.presets)}")
        return Settings().with_overrides(**self.presets[preset]).with_overrides(**overrides)
