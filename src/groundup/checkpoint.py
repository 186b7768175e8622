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

import io
import json
import zipfile
from pathlib import Path

import numpy as np

from groundup.errors import RunFolderError
from groundup.runs import atomic_write_bytes

FORMAT = 2


def path_for(folder: Path, impl: str) -> Path:
    return Path(folder) / ("checkpoint.npz" if impl == "numpy" else "checkpoint.pt")


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


def load(folder: Path, impl: str) -> tuple[dict, dict]:
    """(meta, state) of a checkpoint; a clear error if it is missing or damaged."""
    path = path_for(folder, impl)
    if not path.is_file():
        raise RunFolderError(f"{path}: no checkpoint here, so there is nothing to resume")
    try:
        if impl == "numpy":
            with np.load(path, allow_pickle=False) as z:
                meta = json.loads(str(z["meta"]))
                state = {"params": {}, "optimizer": {}}
                for key in z.files:
                    group, _, name = key.partition("/")
                    if group in state:
                        state[group][name] = z[key]
        else:
            import torch

            blob = torch.load(path, map_location="cpu", weights_only=True)
            meta, state = blob["meta"], blob["state"]
        if not isinstance(meta, dict) or meta.get("format") != FORMAT or not isinstance(state, dict):
            raise ValueError("unknown format")
        if not isinstance(meta.get("epochs_completed"), int) or meta["epochs_completed"] < 1:
            raise ValueError("no epoch count")
    except (OSError, EOFError, ValueError, KeyError, TypeError, RuntimeError, zipfile.BadZipFile) as err:
        raise RunFolderError(f"{path}: the checkpoint is corrupt or truncated ({type(err).__name__}); "
                             f"it cannot be resumed — start the run again") from None
    except Exception as err:  # torch's unpickler refuses anything but plain data
        raise RunFolderError(f"{path}: not a groundup checkpoint ({type(err).__name__}); refusing to load it") from None
    return meta, state


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
