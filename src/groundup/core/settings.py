"""Every setting a run can have (``Settings``) and what each accepts (``RULES``), checked in one
place for the command line, the Python API and a run's config.json."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace
from numbers import Integral, Real
from typing import Any, Callable

from groundup.errors import ConfigError, check_choice

SCHEDULES = ("constant", "cosine")
INITS = ("torch", "normal")
DTYPES = ("float32", "float64")
DEVICES = ("cpu", "cuda", "auto")
MAX_LR = 1e30  # a step beyond this overflows float32 arithmetic before it can diverge cleanly
MAX_THREADS = 1024  # --threads: more than any machine this runs on, small enough for every library
SEEDS = 2**32  # NumPy seeds are 32-bit: 0 .. 2**32 - 1
# Every count is bounded, as the learning rate is: a typing slip (--epochs 10000000000) must be
# refused, not train until someone notices. A million epochs of the smallest model take a quarter
# of an hour and a 100 MB metrics.csv; 10**9 samples are more than any data set here (MNIST: 60,000)
# and more than this machine's memory holds.
MAX_EPOCHS = 10**6
MAX_SAMPLES = 10**9  # batch size and the train/test limits


@dataclass(frozen=True)
class Rule:
    """What one setting accepts: one of ``values`` as it is, or a value of ``kind`` (``int``:
    an integer; ``float``: any real number, integers too; never a bool) for which ``ok``
    holds. ``allowed`` says it in words for the one-line refusal. Without a ``kind`` the
    setting is a choice among ``values``."""

    allowed: str
    kind: type | None = None
    ok: Callable[[Any], bool] = lambda v: True
    values: tuple = ()

    def check(self, name: str, value, shown: str | None = None):
        """``value`` in its plain type (int, float, str, ...), or a ConfigError:
        ``NAME must be ALLOWED, got VALUE`` (``shown``, or the value's repr)."""
        if any(value is v or (isinstance(value, str) and value == v) for v in self.values):
            return value
        if self.kind is None:
            check_choice(name, value, self.values)  # "unknown NAME VALUE; choose from: ..."
        if self._of_kind(value):
            try:
                if self.ok(value):
                    return self.kind(value)
            except OverflowError:  # an integer too large for a float
                pass
        raise ConfigError(f"{name} must be {self.allowed}, got {repr(value) if shown is None else shown}")

    def parse(self, name: str, text: str):
        """Setting ``name`` from command-line ``text``: converted to the kind, then checked as
        ``check`` checks; a refusal shows the text as typed."""
        if self.kind not in (int, float) or text in self.values:
            return self.check(name, text)
        try:
            value = self.kind(text)
        except ValueError:  # not a number: refused as the wrong kind, quoted
            return self.check(name, text)
        return self.check(name, value, shown=text.strip())

    def _of_kind(self, value) -> bool:
        """Whether ``value`` is of the rule's kind; a bool is an int to Python, never a number here."""
        if self.kind is None or isinstance(value, bool):
            return self.kind is bool
        return isinstance(value, {int: Integral, float: Real}.get(self.kind, self.kind))


def _choice(values: tuple[str, ...]) -> Rule:
    return Rule("one of: " + ", ".join(values), values=values)


# Every setting's rule, and --threads' (it changes how fast a run is, never what it computes,
# so it is not a Settings field, but it is refused in the same words).
RULES: dict[str, Rule] = {
    "epochs": Rule("an integer >= 1 and <= 10**6", int, lambda v: 1 <= v <= MAX_EPOCHS),  # MAX_EPOCHS
    "lr": Rule("a number > 0 and <= 1e30", float, lambda v: 0 < v <= MAX_LR),  # MAX_LR
    "batch_size": Rule("an integer >= 1 and <= 10**9", int, lambda v: 1 <= v <= MAX_SAMPLES),  # MAX_SAMPLES
    "momentum": Rule("a number >= 0 and < 1", float, lambda v: 0 <= v < 1),
    "weight_decay": Rule("a finite number >= 0", float, lambda v: 0 <= v < math.inf),
    "schedule": _choice(SCHEDULES),
    "seed": Rule("an integer from 0 to 2**32 - 1", int, lambda v: 0 <= v < SEEDS),
    "init": _choice(INITS),
    "init_std": Rule("a finite number > 0", float, lambda v: 0 < v < math.inf),
    "standardize": Rule("True or False", bool),
    "train_limit": Rule("an integer >= 1 and <= 10**9, or None", int, lambda v: 1 <= v <= MAX_SAMPLES, values=(None,)),
    "test_limit": Rule("an integer >= 1 and <= 10**9, or None", int, lambda v: 1 <= v <= MAX_SAMPLES, values=(None,)),
    "dtype": _choice(DTYPES),
    "device": _choice(DEVICES),
    "data_dir": Rule("a folder path (text) or None", str, values=(None,)),
    "threads": Rule(f"'auto' or an integer from 1 to {MAX_THREADS}", int, lambda v: 1 <= v <= MAX_THREADS,
                    values=("auto",)),
}


def check_setting(name: str, value):
    """``value`` for setting ``name`` (see ``RULES``) in its plain type, or the one-line
    ConfigError that the command line, the Python API and a config.json all give."""
    return _rule(name).check(name, value)


def parse_setting(name: str, text: str):
    """Setting ``name`` from a command-line flag's text, checked by the same rule."""
    return _rule(name).parse(name, text)


def _rule(name: str) -> Rule:
    if name not in RULES:
        raise ConfigError(f"unknown setting(s): {name}")
    return RULES[name]


def _known(names) -> None:
    unknown = set(names) - {f.name for f in fields(Settings)}
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")


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
        """Every field checked by its rule, however the settings are built (presets, flags, the
        API, a run's config.json, ``replace``), and kept in its plain type (a NumPy integer
        becomes an int, an integer learning rate a float)."""
        for f in fields(self):
            object.__setattr__(self, f.name, check_setting(f.name, getattr(self, f.name)))

    @classmethod
    def from_dict(cls, raw: dict) -> "Settings":
        """Settings from a mapping such as a run's config.json: every name must be known, and
        None is a value here (checked), not "keep the default"."""
        _known(raw)
        return cls(**raw)

    def with_overrides(self, **overrides) -> "Settings":
        """These settings with ``overrides`` applied; None leaves a setting as it is."""
        _known(overrides)
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def as_dict(self) -> dict:
        return asdict(self)
