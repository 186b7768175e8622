"""Checkpoints: a run's parameters, optimizer state and history after its last whole epoch.

``nn`` and ``scratch`` save plain tensors and dicts with ``torch.save`` and load them with
``torch.load(..., weights_only=True)``; ``numpy`` saves an ``.npz`` read with
``allow_pickle=False``. Nothing from a run folder is ever unpickled. The batch order needs
no saved random state: epoch e's order is derived from (seed, e) alone.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np

from groundup.errors import GroundupError
from groundup.runs import atomic_write_bytes

FORMAT = 1


def path_for(folder: Path, impl: str) -> Path:
    return Path(folder) / ("checkpoint.npz" if impl == "numpy" else "checkpoint.pt")


def save(folder: Path, impl: str, meta: dict, state: dict, history: list[dict]) -> None:
    """Write the checkpoint atomically: the previous one stays valid until this one is complete."""
    meta = {**meta, "format": FORMAT}
    buf = io.BytesIO()
    if impl == "numpy":
        arrays = {f"params/{k}": v for k, v in state["params"].items()}
        arrays.update({f"optimizer/{k}": v for k, v in state["optimizer"].items()})
        np.savez(buf, meta=np.array(json.dumps(meta)), history=np.array(json.dumps(history)), **arrays)
    else:
        import torch

        torch.save({"meta": meta, "history": history, "state": state}, buf)
    atomic_write_bytes(path_for(folder, impl), buf.getvalue())


def load(folder: Path, impl: str) -> tuple[dict, dict, list[dict]]:
    """(meta, state, history) of a checkpoint; a clear error if it is missing or damaged."""
    path = path_for(folder, impl)
    if not path.is_file():
        raise GroundupError(f"{path}: no checkpoint here, so there is nothing to resume")
    try:
        if impl == "numpy":
            with np.load(path, allow_pickle=False) as z:
                meta, history = json.loads(str(z["meta"])), json.loads(str(z["history"]))
                state = {"params": {}, "optimizer": {}}
                for key in z.files:
                    group, _, name = key.partition("/")
                    if group in state:
                        state[group][name] = z[key]
        else:
            import torch

            blob = torch.load(path, map_location="cpu", weights_only=True)
            meta, history, state = blob["meta"], blob["history"], blob["state"]
        if meta.get("format") != FORMAT or not isinstance(history, list):
            raise ValueError("unknown format")
    except (OSError, EOFError, ValueError, KeyError, TypeError, RuntimeError, zipfile.BadZipFile) as err:
        raise GroundupError(f"{path}: the checkpoint is corrupt or truncated ({type(err).__name__}); "
                            f"it cannot be resumed — start the run again") from None
    except Exception as err:  # torch's unpickler refuses anything but plain data
        raise GroundupError(f"{path}: not a groundup checkpoint ({type(err).__name__}); refusing to load it") from None
    return meta, state, history
