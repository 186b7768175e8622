"""groundup from Python: ``run``, ``compare`` and ``lab`` do what the commands do and return
a ``Result`` (see ``groundup.results``) instead of printing a path.

Arguments are checked here, at the boundary, and a bad one raises the project's error
(``ConfigError``, ``DataError``, ...) with the command line's one-line message; nothing here
exits the interpreter. torch and matplotlib are imported only when an experiment runs, so
``import groundup`` stays fast.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from pathlib import Path

from groundup.errors import ConfigError, GroundupError
from groundup.results import Result, open_run

# The settings the command line has flags for, checked as its flags are: (kind, allowed, ok).
_CHECKS = {
    "epochs": (Integral, "a whole number >= 1", lambda v: v >= 1),
    "batch_size": (Integral, "a whole number >= 1", lambda v: v >= 1),
    "train_limit": (Integral, "a whole number >= 1", lambda v: v >= 1),
    "test_limit": (Integral, "a whole number >= 1", lambda v: v >= 1),
    "seed": (Integral, "a whole number >= 0", lambda v: v >= 0),
    "lr": (Real, "a finite number > 0", lambda v: 0 < v < math.inf),
    "momentum": (Real, "a number in [0, 1)", lambda v: 0 <= v < 1),
    "weight_decay": (Real, "a finite number >= 0", lambda v: 0 <= v < math.inf),
    "device": (str, "one of: auto, cpu, cuda", lambda v: v in ("auto", "cpu", "cuda")),
}


def run(name: str, impl: str = "all", preset: str = "quick", out: str | Path | None = None, *,
        data_dir: str | Path | None = None, threads: int | None = None, overwrite: bool = False,
        quiet: bool = False, **settings) -> Result:
    """Run experiment ``name`` as ``groundup run`` does and return its result.

    ``impl``: ``"numpy"``, ``"scratch"``, ``"nn"`` or ``"all"`` (every implementation from the
    same initial parameters, compared). ``preset``: ``"quick"`` (seconds), ``"seed"`` (the
    course's settings) or ``"best"``. ``out``: the run folder (default ``runs/NAME-PRESET``,
    replaced if it exists; an ``out`` you name that holds a completed run needs
    ``overwrite=True``). ``settings`` override the preset: ``epochs``, ``lr``, ``batch_size``,
    ``seed``, ``momentum``, ``device``, ... (``groundup.experiments.Settings`` lists them all).

    >>> result = groundup.run("logistic-synthetic", impl="numpy", epochs=5)  # doctest: +SKIP
    >>> result.summary["numpy"]["final"]["test_accuracy"]                     # doctest: +SKIP
    """
    from groundup.experiments import get

    exp = get(name)
    impls = _implementations(exp, impl)
    _check_settings(settings)
    values = exp.settings(preset, **settings, data_dir=_text(data_dir))
    _set_threads(threads)
    folder = _run_experiment(exp, impls, values, preset, None if out is None else Path(out), overwrite, quiet)
    return open_run(folder)


def compare(name: str, preset: str = "quick", out: str | Path | None = None, **kwargs) -> Result:
    """Every implementation of ``name`` from the same start, compared: ``run(name, impl="all")``.

    The result's ``comparison["max_param_difference"]`` is the largest difference between the
    implementations' final parameters; ``runs`` holds each implementation's own result.
    """
    return run(name, "all", preset, out, **kwargs)


def lab(preset: str = "quick", only: str | list[str] | None = None, out: str | Path | None = None, *,
        data_dir: str | Path | None = None, threads: int | None = None, quiet: bool = False) -> Result:
    """Run the whole lab (or the experiments in ``only``) as ``groundup lab`` does.

    Writes ``OUT/index.md`` and ``OUT/index.html`` (default ``runs/lab-PRESET``) and returns a
    result whose ``runs`` holds one result per experiment; experiments whose data could not
    be found, or that failed, are in ``not_run`` with the reason.
    """
    from groundup.experiments import EXPERIMENTS

    names = [n.strip() for n in only.split(",") if n.strip()] if isinstance(only, str) else only
    chosen = [EXPERIMENTS[n] for n in names or EXPERIMENTS if n in EXPERIMENTS]
    presets = list(dict.fromkeys(p for e in (chosen or EXPERIMENTS.values()) for p in e.presets))
    if preset not in presets:
        raise ConfigError(f"no experiment has a preset {preset!r}; choose from: {', '.join(presets)}")
    _set_threads(threads)
    folder = Path(out) if out is not None else Path("runs") / f"lab-{preset}"
    not_run = _run_lab(preset, folder, names, _text(data_dir), quiet)
    result = open_run(folder)
    result.not_run.update(not_run)
    return result


# ------------------------------------------------------ the calls into the orchestration (one per verb)

def _run_experiment(exp, impls: list[str], settings, preset: str, out: Path | None, overwrite: bool,
                    quiet: bool) -> Path:
    """Choose the run folder as the command line does, run, and return the folder."""
    if out is None:
        out = Path("runs") / f"{exp.name}-{preset}"
        if len(impls) == 1:
            out = out / impls[0]
    elif not overwrite and _holds_completed_run(out):
        raise GroundupError(f"{out} already holds a completed run; pass overwrite=True to replace it "
                            f"or choose another out")
    exp.run(exp, impls, settings, out, preset, quiet=quiet, say=_say(quiet))
    return out


def _run_lab(preset: str, out: Path, only: list[str] | None, data_dir: str | None, quiet: bool) -> dict[str, str]:
    """Run the lab into ``out``; return {experiment: why it did not run} for those that did not."""
    import groundup
    from groundup.lab import run_lab

    # Importing the module groundup.lab binds it as the package's attribute `lab`, over this
    # module's `lab` re-exported there; put the function back.
    groundup.lab = lab
    entries = run_lab(preset, out, only, data_dir, quiet=quiet, say=_say(quiet))
    return {e.name: f"{e.status}: {e.reason}" for e in entries if e.status != "done"}


# ------------------------------------------------------------------------------ checks

def _implementations(exp, impl: str) -> list[str]:
    """The implementations ``impl`` names for ``exp`` (none for experiments that train nothing)."""
    from groundup.models import IMPLS

    if impl not in (*IMPLS, "all"):
        raise ConfigError(f"unknown implementation {impl!r}; choose from: {', '.join(IMPLS)}, all")
    if exp.impls and impl != "all" and impl not in exp.impls:
        raise ConfigError(f"{exp.name} has no {impl!r} implementation; choose from: {', '.join(exp.impls)}, all")
    return (list(exp.impls) if impl == "all" else [impl]) if exp.impls else []


def _check_settings(settings: dict) -> None:
    for key, value in settings.items():
        if key not in _CHECKS or value is None:
            continue  # unknown names: Settings.with_overrides names them
        kind, allowed, ok = _CHECKS[key]
        if isinstance(value, bool) or not isinstance(value, kind) or not ok(value):
            raise ConfigError(f"{key} must be {allowed}, got {value!r}")


def _set_threads(threads: int | None) -> None:
    if threads is None:
        return
    if isinstance(threads, bool) or not isinstance(threads, Integral) or threads < 1:
        raise ConfigError(f"threads must be a whole number >= 1, got {threads!r}")
    import torch

    torch.set_num_threads(threads)


def _holds_completed_run(folder: Path) -> bool:
    try:
        result = open_run(folder)
    except GroundupError:
        return False
    return result.status == "completed"


def _say(quiet: bool):
    return (lambda *a, **k: None) if quiet else print


def _text(path: str | Path | None) -> str | None:
    return None if path is None else str(path)
