"""Starting and resuming runs: choose and lock the run folder, refuse what cannot work, and
dispatch to the experiment. Plain arguments in, results out, project errors raised; the CLI
(and the Python API) only parse and print.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass, replace
from pathlib import Path

from groundup.errors import ConfigError, RunFolderError, StorageError, check_choice
from groundup.experiments import get
from groundup.training import threads
from groundup.experiments.base import Experiment
from groundup.core.settings import Settings, check_setting
from groundup.experiments.supervised import complete, finished
from groundup.core.models import IMPLS
from groundup.store.runs import (RunFolder, clear_for_new_run, folder_lock, holds_completed_run, never_started,
                                 new_run_folder, settle_run_folder)

RUNS_ROOT = Path("runs")


@dataclass
class RunResult:
    """Where a run went and what it gave: the folder, its report, one summary per implementation."""

    folder: Path
    report: Path
    summaries: dict


def settings_from_config(raw, where: Path) -> Settings:
    """The settings stored in a run's config.json, checked by the rules every entry point
    shares (``core.settings.RULES``): a damaged file is one clear error."""
    if not isinstance(raw, dict):
        raise RunFolderError(f"{where}: damaged ('settings' is missing or not an object)")
    try:
        return Settings.from_dict(raw)
    except ConfigError as err:
        raise RunFolderError(f"{where}: damaged ({err})") from None


def implementations(exp: Experiment, impl: str) -> list[str]:
    """The implementations ``impl`` names for ``exp`` (``all``: every one it has; none for the
    experiments that train nothing), or a ConfigError naming the choices."""
    check_choice("implementation", impl, (*IMPLS, "all"))
    if exp.impls and impl != "all" and impl not in exp.impls:
        raise ConfigError(f"{exp.name} has no {impl!r} implementation; choose from: {', '.join(exp.impls)}, all")
    return (list(exp.impls) if impl == "all" else [impl]) if exp.impls else []


def read_config(path: Path) -> dict:
    """A run folder's config.json, with the fields every run has checked."""
    config = RunFolder(path, create=False).read_json("config.json")
    where = Path(path) / "config.json"
    for key in ("experiment", "preset"):
        if not isinstance(config.get(key), str):
            raise RunFolderError(f"{where}: damaged ({key!r} is missing)")
    return config


@contextlib.contextmanager
def os_errors(folder: Path | None, name: str):
    """Turn the OS's refusals into one line naming the path and, if the run can go on later,
    how to resume it."""
    try:
        yield
    except OSError as err:
        then = ""
        if folder is not None and _has_checkpoint(folder):
            then = f"the run is saved up to its last epoch: resume with: groundup run {name} --resume {folder}"
        raise StorageError.from_os(err, then) from None


def _has_checkpoint(folder: Path) -> bool:
    with contextlib.suppress(OSError):
        return any(Path(folder).glob("checkpoint.*")) or any(Path(folder).glob("*/checkpoint.*"))
    return False


def default_label(exp: Experiment, impl: str | None, preset: str, overrides: dict) -> str:
    """A folder name that says what differs: ``nn-quick-lr0.5-epochs20``."""
    parts = ([impl] if exp.impls else []) + [preset]
    parts += [f"{k.replace('_', '')}{v:g}" if isinstance(v, float) else f"{k.replace('_', '')}{v}"
              for k, v in overrides.items() if v is not None and k != "data_dir"]
    return "-".join(str(p) for p in parts)


def start(name: str, impl: str | None = None, preset: str = "quick", overrides: dict | None = None,
          out: Path | None = None, overwrite: bool = False, quiet: bool = False, say=print,
          root: Path = RUNS_ROOT) -> RunResult:
    """Run experiment ``name`` into ``out`` (default: a new folder under ``root/NAME``, with
    ``root/NAME/latest`` pointing at it). An existing run in ``out`` is replaced only with
    ``overwrite``."""
    exp = get(name)
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    settings = exp.settings(preset, **overrides)
    impl = impl or "all"
    impls = implementations(exp, impl)
    default = out is None
    with os_errors(None, name):
        if default:
            out = new_run_folder(root, exp.name, default_label(exp, impl, preset, overrides))
        elif out.exists() and not out.is_dir():
            raise RunFolderError(f"{out} is a file, not a folder; choose another --out")
        else:
            out.mkdir(parents=True, exist_ok=True)
    try:
        with os_errors(out, name), folder_lock(out):
            clear_for_new_run(out, overwrite)
            summaries = exp.run(exp, impls, settings, out, preset, quiet=quiet, say=say) or {}
    finally:
        if default:
            with contextlib.suppress(OSError):
                settle_run_folder(out)
    report = out / ("comparison.md" if len(impls) > 1 else "report.md")
    return RunResult(out, report, summaries if isinstance(summaries, dict) else {})


def resume(path: Path, name: str | None = None, impl: str | None = None, overrides: dict | None = None,
           quiet: bool = False, say=print) -> RunResult:
    """Continue the run in ``path`` (one implementation's folder, or an ``--impl all`` group,
    which finishes every implementation and the comparison), or regenerate what is missing.

    ``overrides`` may change ``epochs`` (continue to it, or stop where the run already is) and
    where the data is found; any setting that changes the trajectory so far is refused.
    """
    path = Path(path)
    if not path.is_dir():
        raise RunFolderError(f"{path}: no such run folder")
    if not (path / "config.json").exists():
        members = sorted(p.name for p in path.iterdir() if (p / "config.json").is_file())
        if members:  # a group written before groups recorded themselves
            raise RunFolderError(f"{path} has no config.json of its own; resume its runs one at a time: "
                                 + ", ".join(f"--resume {path / m}" for m in members))
        if never_started(path):
            raise RunFolderError(_never_started(path, name))
    config = read_config(path)
    exp = get(config["experiment"])
    if name is not None and name != exp.name:
        raise RunFolderError(f"{path} holds a run of {exp.name!r}, not {name!r}")
    if exp.task is None:
        raise RunFolderError(f"{exp.name} does not train a model; there is nothing to resume: run it again")
    group = "impl" not in config
    impls = config.get("impls") if group else [config["impl"]]
    if not (isinstance(impls, list) and impls and all(i in exp.impls for i in impls)):
        raise RunFolderError(f"{path / 'config.json'}: damaged ('impl' is missing or unknown)")
    if impl not in (None, "all", *impls) or (impl != "all" and impl is not None and group):
        held = ", ".join(repr(i) for i in impls)
        raise RunFolderError(f"{path} holds a {held} run, not {impl!r}" +
                             (f"; resume it without --impl" if group else ""))
    settings = settings_from_config(config.get("settings"), path / "config.json")
    settings = _apply_resume_overrides(settings, overrides or {}, path)
    parent = path.resolve().parent
    if not group and settings.epochs != config["settings"].get("epochs") and _is_group_of(parent, exp.name):
        raise ConfigError(f"{path} is one member of the group in {parent}: change --epochs for the whole "
                          f"group, so that its comparison compares like with like: --resume {parent} "
                          f"--epochs {settings.epochs}")
    if _complete(path, impls, group) and settings.epochs <= config["settings"].get("epochs", 0):
        raise RunFolderError(f"{path} holds a completed run; there is nothing to resume")
    with os_errors(path, exp.name), folder_lock(path):
        started = (config.get("threads") or {}).get("count") if isinstance(config.get("threads"), dict) else None
        if note := threads.resume_with(started):
            say(f"{exp.name}: {note}")
        if settings.epochs != config["settings"].get("epochs") or note:  # the group's and its members' config.json
            changed = {"count": threads.applied()["count"], "why": threads.applied()["why"],
                       "resumed": time.strftime("%Y-%m-%dT%H:%M:%S")}
            for folder in [path, *(p for p in path.iterdir() if group and (p / "config.json").is_file())]:
                own = config if folder == path else read_config(folder)
                new = dict(own)
                if isinstance(own.get("settings"), dict):
                    new["settings"] = {**own["settings"], "epochs": settings.epochs}
                if note and isinstance(own.get("threads"), dict):  # the runs' record of what changed
                    before = own["threads"].get("changed")
                    new["threads"] = {**own["threads"], "changed": [*(before if isinstance(before, list) else []),
                                                                    changed]}
                if new != own:
                    RunFolder(folder).write_json("config.json", new)
        from groundup.core.torch_common import resolve_device

        settings = settings.with_overrides(device=resolve_device(settings.device))
        if group:  # the experiment's own run finishes every member's folder and the overview
            summaries = exp.run(exp, impls, settings, path, config["preset"], quiet=quiet, say=say) or {}
        else:
            if exp.task.variant:  # one of several models (rnn-hello): its own Task
                exp = replace(exp, task=exp.task.variant(config))
            summaries = complete(exp, impls, settings, path, config["preset"], quiet, say)
    return RunResult(path, _group_report(path) if group else path / "report.md", summaries)


def _never_started(path: Path, name: str | None) -> str:
    """What to say of a folder whose run was stopped before its config.json was in place (it
    holds at most the lock and a temporary config.json): the command that starts it again, with
    the experiment, implementation, preset and flags that temporary file names."""
    intended = {}
    for tmp in sorted(path.glob(".config.json.*.tmp")):
        with contextlib.suppress(OSError, ValueError):
            intended = json.loads(tmp.read_text(encoding="utf-8"))
            break
    if not isinstance(intended, dict):
        intended = {}
    name = intended.get("experiment") if isinstance(intended.get("experiment"), str) else name
    parent = path.resolve().parent
    if name and _is_group_of(parent, name):
        return (f"{path}: its run never started (it was stopped before its config.json was written), and "
                f"it is one member of the group in {parent}: resume the group: groundup run {name} "
                f"--resume {parent}")
    command = ["groundup", "run", name or "NAME"]
    with contextlib.suppress(KeyError, TypeError, ConfigError):
        exp = get(name)
        impls = intended.get("impls") or [intended["impl"]]
        command += ["--impl", "all" if len(impls) > 1 else impls[0]]
        command += ["--preset", intended["preset"]]
        preset = exp.settings(intended["preset"]).as_dict()
        for key, flag in (("epochs", "--epochs"), ("lr", "--lr"), ("batch_size", "--batch-size"),
                          ("seed", "--seed"), ("device", "--device")):
            value = intended["settings"][key]
            if value != preset[key]:
                command += [flag, f"{value:g}" if isinstance(value, float) else str(value)]
    return (f"{path}: the run never started (it was stopped before its config.json was written); "
            f"nothing was saved: start it again with: {' '.join(command)} --out {path}")


def _is_group_of(folder: Path, experiment: str) -> bool:
    """Whether ``folder`` holds a group of ``experiment``'s runs (its config.json lists impls)."""
    try:
        config = RunFolder(folder, create=False).read_json("config.json")
    except (RunFolderError, StorageError):
        return False
    return isinstance(config, dict) and config.get("experiment") == experiment and "impls" in config


def _group_report(path: Path) -> Path:
    """A group's overview: comparison.md when it compares implementations, report.md when its
    members are one implementation's several models (``rnn-hello --impl nn``)."""
    return path / ("comparison.md" if (path / "comparison.md").is_file() or not (path / "report.md").is_file()
                   else "report.md")


def _complete(path: Path, impls: list[str], group: bool) -> bool:
    if group:
        members = [p for p in path.iterdir() if (p / "config.json").is_file()]
        return holds_completed_run(path) and _group_report(path).is_file() and \
            all(finished(RunFolder(p)) for p in members)
    return finished(RunFolder(path))


def _apply_resume_overrides(settings: Settings, overrides: dict, path: Path) -> Settings:
    """Epochs may change (unless a cosine schedule made the past depend on them); the data's
    place and the device come from the current flags; everything else must match the run."""
    changes = {}
    for key, value in overrides.items():
        if value is None:
            continue
        value = check_setting(key, value)  # a bad value is refused as such, before it is compared
        if key == "epochs":
            if settings.schedule == "cosine" and value != settings.epochs:
                raise ConfigError(f"the run in {path} used a cosine schedule over {settings.epochs} epochs, "
                                  f"so --epochs {value} would change the epochs already trained; resume "
                                  f"without --epochs")
            changes[key] = value
        elif key in ("data_dir", "device"):
            changes[key] = value
        elif value != getattr(settings, key):
            raise ConfigError(f"incompatible settings: the run in {path} used {key}={getattr(settings, key)!r}, "
                              f"not {value!r}; resume without that flag")
    # The data's place is not part of a run's identity: the current flags and $GROUNDUP_DATA decide.
    changes.setdefault("data_dir", None)
    return replace(settings, **changes)
