"""The run folder: config, metrics, summary, figures and report, each written atomically.

Every file is written to a temporary name in the same folder and renamed into place, so an
interrupted run never leaves a half-written file; the previous version stays until then.
"""

from __future__ import annotations

import csv
import io
import json
import os
import platform
import tempfile
from pathlib import Path

import numpy as np

METRIC_COLUMNS = ("epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "seconds")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, Path):
        return str(obj)
    return obj


def versions() -> dict:
    import matplotlib
    import torch

    from groundup import __version__

    return {"groundup": __version__, "python": platform.python_version(), "numpy": np.__version__,
            "torch": torch.__version__, "matplotlib": matplotlib.__version__}


class RunFolder:
    """One run's folder. Methods write one file each and return its name."""

    def __init__(self, path: Path, create: bool = True):
        self.path = Path(path)
        if create:
            self.path.mkdir(parents=True, exist_ok=True)
        elif not (self.path / "config.json").is_file():
            from groundup.errors import GroundupError

            raise GroundupError(f"{self.path} is not a run folder (no config.json)")

    def write_json(self, name: str, obj) -> str:
        atomic_write_text(self.path / name, json.dumps(_jsonable(obj), indent=2) + "\n")
        return name

    def write_text(self, name: str, text: str) -> str:
        atomic_write_text(self.path / name, text)
        return name

    def write_metrics(self, rows: list[dict]) -> str:
        """metrics.csv: one row per epoch; accuracy columns empty for regression."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(METRIC_COLUMNS)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else
                             (row[c] if c == "epoch" else f"{row[c]:.6g}") for c in METRIC_COLUMNS])
        return self.write_text("metrics.csv", buf.getvalue())

    def save_figure(self, fig, name: str) -> str:
        """Save a matplotlib figure as PNG (atomically) and release it (from pyplot too, if it
        was made there; importing pyplot here would resolve a backend)."""
        import sys

        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
        if (pyplot := sys.modules.get("matplotlib.pyplot")) is not None:
            pyplot.close(fig)
        atomic_write_bytes(self.path / name, buf.getvalue())
        return name

    def write_npz(self, name: str, **arrays: np.ndarray) -> str:
        buf = io.BytesIO()
        np.savez(buf, **arrays)
        atomic_write_bytes(self.path / name, buf.getvalue())
        return name

    def read_json(self, name: str):
        from groundup.errors import GroundupError

        try:
            return json.loads((self.path / name).read_text())
        except (OSError, ValueError) as err:
            raise GroundupError(f"{self.path / name}: cannot be read ({type(err).__name__})") from None
