"""What an experiment is: its names for the CLI, its presets and how it runs."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Callable

from groundup.errors import ConfigError, check_choice

SCHEDULES = ("constant", "cosine")
INITS = ("torch", "normal")
DTYPES = ("float32", "float64")
DEVICES = ("cpu", "cuda", "auto")


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

    def __post_init__(self):
        """Checked where they are built (presets, flags, a run's config.json): a typo is an error."""
        check_choice("schedule", self.schedule, SCHEDULES)
        check_choice("init", self.init, INITS)
        check_choice("dtype", self.dtype, DTYPES)
        check_choice("device", self.device, DEVICES)
        for name in ("epochs", "batch_size"):
            _check(name, getattr(self, name), lambda v: isinstance(v, int) and v >= 1, "an integer >= 1")
        for name in ("train_limit", "test_limit"):
            _check(name, getattr(self, name), lambda v: v is None or (isinstance(v, int) and v >= 1),
                   "an integer >= 1 or None")
        _check("seed", self.seed, lambda v: isinstance(v, int) and v >= 0, "an integer >= 0")
        _check("lr", self.lr, lambda v: math.isfinite(v) and v > 0, "a number > 0")
        _check("init_std", self.init_std, lambda v: math.isfinite(v) and v > 0, "a number > 0")
        _check("momentum", self.momentum, lambda v: 0 <= v < 1, "in [0, 1)")
        _check("weight_decay", self.weight_decay, lambda v: math.isfinite(v) and v >= 0, "a number >= 0")

    def with_overrides(self, **overrides) -> "Settings":
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def as_dict(self) -> dict:
        return asdict(self)


def _check(name: str, value, ok, must: str) -> None:
    try:
        good = bool(ok(value))
    except TypeError:  # e.g. a string where a number belongs
        good = False
    if not good:
        raise ConfigError(f"setting {name} must be {must}, got {value!r}")


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
