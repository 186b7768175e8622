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

from groundup.app.advice import advised
from groundup.errors import ConfigError, RunFolderError, check_choice
from groundup.experiments import get
from groundup.training import threads
from groundup.experiments.base import Experiment
from groundup.core.settings import Settings, check_setting
from groundup.experiments.supervised import complete
from groundup.core.models import IMPLS
from groundup.store.folder import Folder
from groundup.store.runs import RunFolder, folder_lock, new_run_folder, settle_run_folder

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
    with advised(None, name):
        if default:
            out = new_run_folder(root, exp.name, default_label(exp, impl, preset, overrides))
        elif out.exists() and not out.is_dir():
            raise RunFolderError(f"{out} is a file, not a folder; choose another --out")
        else:
            out.mkdir(parents=True, exist_ok=True)
    try:
        with advised(out, name), folder_lock(out):
            _make_room(RunFolder(out), overwrite)
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
    folder = Folder(path)
    if not (path / "config.json").exists():
        if members := folder.members():  # a group written before groups recorded themselves
            raise RunFolderError(f"{path} has no config.json of its own; resume its runs one at a time: "
                                 + ", ".join(f"--resume {m.path}" for m in members))
        if folder.never_started():
            raise RunFolderError(_never_started(path, name))
    config = read_config(path)
    exp = get(config["experiment"])
    if name is not None and name != exp.name:
        raise RunFolderError(f"{path} holds a run of {exp.name!r}, not {name!r}")
    if exp.task is None:
        raise RunFolderError(f"{exp.name} does not train a model; there is nothing to resume: run it again")
    group = folder.kind == "group"
    impls = config.get("impls") if group else [config.get("impl")]
    if not (isinstance(impls, list) and impls and all(i in exp.impls for i in impls)):
        raise RunFolderError(f"{path / 'config.json'}: damaged ('impl' is missing or unknown)")
    if impl not in (None, "all", *impls) or (impl != "all" and impl is not None and group):
        held = ", ".join(repr(i) for i in impls)
        raise RunFolderError(f"{path} holds a {held} run, not {impl!r}" +
                             (f"; resume it without --impl" if group else ""))
    settings = settings_from_config(config.get("settings"), path / "config.json")
    settings = _apply_resume_overrides(settings, overrides or {}, path)
    parent = path.resolve().parent
    if not group and settings.epochs != config["settings"].get("epochs") and Folder(parent).is_group_of(exp.name):
        raise ConfigError(f"{path} is one member of the group in {parent}: change --epochs for the whole "
                          f"group, so that its comparison compares like with like: --resume {parent} "
                          f"--epochs {settings.epochs}")
    if folder.complete() and settings.epochs <= config["settings"].get("epochs", 0):
        raise RunFolderError(f"{path} holds a completed run; there is nothing to resume")
    with advised(path, exp.name), folder_lock(path):
        started = (config.get("threads") or {}).get("count") if isinstance(config.get("threads"), dict) else None
        if note := threads.resume_with(started):
            say(f"{exp.name}: {note}")
        if settings.epochs != config["settings"].get("epochs") or note:  # the group's and its members' config.json
            changed = {"count": threads.applied()["count"], "why": threads.applied()["why"],
                       "resumed": time.strftime("%Y-%m-%dT%H:%M:%S")}
            for member in [folder, *(folder.members() if group else [])]:
                own = config if member is folder else read_config(member.path)
                new = dict(own)
                if isinstance(own.get("settings"), dict):
                    new["settings"] = {**own["settings"], "epochs": settings.epochs}
                if note and isinstance(own.get("threads"), dict):  # the runs' record of what changed
                    before = own["threads"].get("changed")
                    new["threads"] = {**own["threads"], "changed": [*(before if isinstance(before, list) else []),
                                                                    changed]}
                if new != own:
                    RunFolder(member.path).write_json("config.json", new)
        from groundup.core.torch_common import resolve_device

        settings = settings.with_overrides(device=resolve_device(settings.device))
        if group:  # the experiment's own run finishes every member's folder and the overview
            summaries = exp.run(exp, impls, settings, path, config["preset"], quiet=quiet, say=say) or {}
        else:
            if exp.task.variant:  # one of several models (rnn-hello): its own Task
                exp = replace(exp, task=exp.task.variant(config))
            summaries = complete(exp, impls, settings, path, config["preset"], quiet, say)
    return RunResult(path, folder.report(), summaries)


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
    if name and Folder(parent).is_group_of(name):
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


def _make_room(folder: RunFolder, overwrite: bool) -> None:
    """Make ``folder`` ready for a new run (the caller holds its lock): refuse a folder that holds
    something other than runs, and one that holds a run unless ``overwrite``; then remove the
    old run."""
    if folder.empty():
        return
    path = folder.path
    if not folder.holds_runs():
        raise RunFolderError(f"{path} is not empty and holds no run; choose a new or empty folder for --out")
    if not overwrite:
        if folder.holds_completed_run():
            raise RunFolderError(f"{path} already holds a completed run; add --overwrite (overwrite=True "
                                 f"in Python) to replace it or choose another --out")
        raise RunFolderError(f"{path} holds an unfinished run; continue it with --resume {path}, "
                             f"or add --overwrite (overwrite=True in Python) to replace it")
    folder.clear()


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
