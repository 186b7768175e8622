"""What an experiment is: its names for the CLI, its presets and how it runs."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Callable

from groundup.errors import ConfigError


@dataclass(frozen=True)
class Settings:
    """Every setting a run can have. Presets and command-line flags override the defaults."""

    epochs: int = 10
    lr: float = 0.1
    batch_size: int = 64
    momentum: float = 0.0
    weight_decay: float = 0.0
    schedule: str = "constant"  # or "cosine"
    seed: int = 0
    init: str = "torch"  # "torch" (nn.Linear's default) or "normal" (N(0, init_std^2), zero bias)
    init_std: float = 0.01
    standardize: bool = False
    train_limit: int | None = None  # use only the first N training samples (quick presets)
    test_limit: int | None = None
    dtype: str = "float32"
    device: str = "cpu"
    data_dir: str | None = None

    def with_overrides(self, **overrides) -> "Settings":
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def as_dict(self) -> dict:
        return asdict(self)


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
