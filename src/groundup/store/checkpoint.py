"""Checkpoints: a run's parameters and optimizer state after its last whole epoch, the run's
single commit point.

A checkpoint has a fixed size whatever the epoch: its ``meta`` says how many epochs it holds
(``epochs_completed``), and the history is the first that many rows of ``metrics.csv``, which
were appended before the checkpoint was renamed into place. ``nn`` and ``scratch`` save plain
tensors and dicts with ``torch.save`` and load them with ``torch.load(..., weights_only=True)``;
``numpy`` saves an ``.npz`` read with ``allow_pickle=False``. Nothing from a run folder is ever
unpickled. The batch order needs no saved random state: epoch e's order is derived from
(seed, e) alone.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import time
import zipfile
from pathlib import Path

import numpy as np

from groundup.errors import RunFolderError, StorageError
from groundup.core.faults import fault_point
from groundup.store.folder import checkpoint_name
from groundup.core.signals import deferred_signals
from groundup.store.runs import RunFolder, atomic_write_bytes, metrics_digest

FORMAT = 2
# Epochs shorter than this are committed together (the rename costs about a millisecond, as
# much as a whole epoch of a small model); the metrics row is still appended every epoch.
COMMIT_SECONDS = float(os.environ.get("GROUNDUP_COMMIT_SECONDS", "0.25"))
SYNC_SECONDS = 2.0  # force commits to disk at most this often (a kill needs no fsync; power loss does)


def path_for(folder: Path, impl: str) -> Path:
    return Path(folder) / checkpoint_name(impl)


def _identity(settings: dict) -> dict:
    """The settings that decide a run's trajectory: all but the epoch count, device and data place."""
    return {k: v for k, v in settings.items() if k not in ("epochs", "device", "data_dir")}


def belongs(meta: dict, experiment: str, impl: str, settings: dict) -> bool:
    """Whether the checkpoint of ``meta`` is the run's of ``experiment``, ``impl`` and ``settings``
    (those of its config.json): the same trajectory, whatever the epoch count."""
    return (meta.get("experiment"), meta.get("impl")) == (experiment, impl) and \
        _identity(meta.get("settings") or {}) == _identity(settings)


def save(folder: Path, impl: str, meta: dict, state: dict, sync: bool = True) -> None:
    """Write the checkpoint atomically: the previous one stays valid until this one is complete."""
    meta = {**meta, "format": FORMAT}
    buf = io.BytesIO()
    if impl == "numpy":
        arrays = {f"params/{k}": v for k, v in state["params"].items()}
        arrays.update({f"optimizer/{k}": v for k, v in state["optimizer"].items()})
        np.savez(buf, meta=np.array(json.dumps(meta)), **arrays)
    else:
        import torch

        torch.save({"meta": meta, "state": state}, buf)
    atomic_write_bytes(path_for(folder, impl), buf.getvalue(), sync=sync)


class Committer:
    """Commits a run's epochs: every epoch appends its metrics row; the checkpoint (the commit
    point) is renamed into place after the last epoch and whenever COMMIT_SECONDS have passed
    since the previous commit. ``flush`` commits the last whole epoch still held in memory
    (after Ctrl-C or divergence), so only a kill can lose epochs: at most COMMIT_SECONDS of them.
    """

    def __init__(self, folder: RunFolder, impl: str, meta: dict, learner, rows: list[dict] = ()):
        """``rows``: the metrics rows already committed (a resumed run's), whose digest the next
        commit continues."""
        self.folder, self.impl, self.meta, self.learner = folder, impl, meta, learner
        self.digest = metrics_digest(rows)
        self.pending: tuple[int, dict, str] | None = None
        self.committed_at = self.synced_at = time.monotonic()
        self._files = contextlib.ExitStack()

    def __enter__(self) -> "Committer":
        self.append = self._files.enter_context(self.folder.metrics_appender())
        return self

    def __exit__(self, *exc) -> None:
        self._files.close()

    def epoch(self, row: dict, final: bool) -> None:
        """Record epoch ``row["epoch"]``, which just ended; ``final``: the run's last epoch."""
        with deferred_signals():  # Ctrl-C waits until the row and the commit are whole
            now = time.monotonic()
            sync = final or now - self.synced_at >= SYNC_SECONDS
            self.append(row, sync)
            rows = metrics_digest([row], self.digest).hexdigest()
            fault_point("metrics-appended")
            if final or now - self.committed_at >= COMMIT_SECONDS:
                self._commit(row["epoch"], self.learner.state(), rows, sync)
            else:
                self.pending = (row["epoch"], copy.deepcopy(self.learner.state()), rows)

    def flush(self) -> None:
        if self.pending is not None:
            with deferred_signals():
                self._commit(*self.pending, sync=True)

    def _commit(self, epochs: int, state: dict, rows: str, sync: bool) -> None:
        save(self.folder.path, self.impl, {**self.meta, "epochs_completed": epochs, "metrics_sha256": rows},
             state, sync=sync)
        fault_point("checkpoint-committed")
        self.pending = None
        self.committed_at = time.monotonic()
        if sync:
            self.synced_at = self.committed_at


def load(folder: Path, impl: str) -> tuple[dict, dict]:
    """(meta, state) of a checkpoint; one clear error naming what is wrong: missing, unreadable
    (the OS's reason), corrupt or truncated, not a checkpoint, or holding non-finite numbers."""
    path = path_for(folder, impl)
    if not os.path.lexists(path):
        raise RunFolderError(f"{path}: no checkpoint here, so there is nothing to resume")
    try:
        blob = path.read_bytes()  # the OS's refusal (permissions, a folder in its place) is no corruption
    except OSError as err:
        raise StorageError.from_os(err) from None
    try:
        if impl == "numpy":
            with np.load(io.BytesIO(blob), allow_pickle=False) as z:
                meta = json.loads(str(z["meta"]))
                state = {"params": {}, "optimizer": {}}
                for key in z.files:
                    group, _, name = key.partition("/")
                    if group in state:
                        state[group][name] = z[key]
        else:
            import torch

            saved = torch.load(io.BytesIO(blob), map_location="cpu", weights_only=True)
            meta, state = saved["meta"], saved["state"]
        if not isinstance(meta, dict) or meta.get("format") != FORMAT or not isinstance(state, dict):
            raise ValueError("unknown format")
        if not isinstance(meta.get("epochs_completed"), int) or meta["epochs_completed"] < 1:
            raise ValueError("no epoch count")
    except (OSError, EOFError, ValueError, KeyError, TypeError, RuntimeError, zipfile.BadZipFile) as err:
        raise RunFolderError(f"{path}: the checkpoint is corrupt or truncated ({type(err).__name__}); "
                             f"it cannot be resumed — start the run again") from None
    except Exception as err:  # torch's unpickler refuses anything but plain data
        raise RunFolderError(f"{path}: not a groundup checkpoint ({type(err).__name__}); refusing to load it") from None
    if (where := _non_finite(state)) is not None:
        raise RunFolderError(f"{path}: {where} holds NaN or infinite values, which no run commits (an epoch "
                             f"whose loss is not finite is never saved): the checkpoint is damaged; "
                             f"start the run again")
    return meta, state


def _non_finite(state: dict) -> str | None:
    """The first entry of a checkpoint's state holding a NaN or an infinity, named as a user
    reads it (``parameter 0.weight``); None if every number is finite."""
    for group, label in (("params", "parameter"), ("optimizer", "optimizer state")):
        if (found := _first_non_finite(state.get(group))) is not None:
            return f"{label} {found}".strip()
    return None


def _first_non_finite(value, name: str = "") -> str | None:
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    else:
        if hasattr(value, "detach"):  # a torch tensor
            value = value.detach().cpu().double().numpy() if value.is_floating_point() else None
        if isinstance(value, (float, np.floating, np.ndarray)):
            array = np.asarray(value)
            if array.dtype.kind in "fc" and not np.isfinite(array).all():
                return name
        return None
    for key, item in items:
        if (found := _first_non_finite(item, f"{name}.{key}" if name else str(key))) is not None:
            return found
    return None


def check_rows(meta: dict, rows: list[dict], where: Path) -> None:
    """A RunFolderError unless ``rows`` (the first epochs of metrics.csv, at ``where``) are the
    ones the checkpoint of ``meta`` committed (checkpoints from before the digest: not checked)."""
    expected = meta.get("metrics_sha256")
    if expected is not None and metrics_digest(rows).hexdigest() != expected:
        raise RunFolderError(f"{where}: its rows of epochs 1-{len(rows)} are not the ones the checkpoint "
                             f"committed (the file was changed after the run wrote it): put the original "
                             f"back, or start the run again")


def restore_into(learner, state: dict, path: Path) -> None:
    """Load ``state`` into ``learner`` after checking that its parameters have the learner's
    names, shapes and dtypes; a checkpoint of another model is one clear error."""
    mine = learner.state()["params"]
    theirs = state.get("params")
    if not isinstance(theirs, dict) or set(theirs) != set(mine):
        raise RunFolderError(f"{path}: its parameters are not those of this run's model; "
                             f"the checkpoint does not belong to this run")
    for name, value in mine.items():
        other = theirs[name]
        shape, dtype = tuple(getattr(other, "shape", ())), str(getattr(other, "dtype", type(other).__name__))
        if shape != tuple(value.shape) or dtype != str(value.dtype):
            raise RunFolderError(f"{path}: parameter {name} is {dtype} {list(shape)}, the model needs "
                                 f"{value.dtype} {list(value.shape)}; the checkpoint does not belong to this run")
    try:
        learner.load_state(state)
    except (KeyError, ValueError, TypeError, RuntimeError, IndexError, AttributeError) as err:
        raise RunFolderError(f"{path}: the optimizer state does not fit this run's model "
                             f"({type(err).__name__}); the checkpoint does not belong to this run") from None
