"""The run folder: config, metrics, summary, figures and report, written so that no kill leaves
a half-written or inconsistent folder.

Every whole file is written to a temporary name in the same folder and renamed into place, with
the mode the umask gives. ``metrics.csv`` grows by one appended row per epoch; the checkpoint
(see ``checkpoint``) is the run's commit point and says how many of those rows are real. A run
holds an exclusive lock on its folder (``.lock``, released by the OS when the process dies).
What a folder is and what its files hold is read by ``folder.Folder``, which ``RunFolder`` extends.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from groundup.errors import RunFolderError
from groundup.core.faults import fault_point
from groundup.store.folder import LOCK_NAME, METRIC_COLUMNS, FileError, Folder, FolderBusy, orphans


def _file_mode() -> int:
    """The mode a plain ``open(path, "w")`` would give: 0666 less the umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


FILE_MODE = _file_mode()


@contextlib.contextmanager
def _naming(path: Path):
    """Give an OSError from writing an open file (a full disk: no file name) the file's name."""
    try:
        yield
    except OSError as err:
        if err.filename is None:
            raise OSError(err.errno, err.strerror, str(path)) from None
        raise


def atomic_write_bytes(path: Path, data: bytes, sync: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: readers see the old
    file or the new one, never a part. ``sync`` also forces it to disk (against power loss)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, FILE_MODE)
        with _naming(path), os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            if sync:
                os.fsync(f.fileno())
        fault_point(f"before-rename:{path.name}")
        os.replace(tmp, path)
        fault_point(f"after-rename:{path.name}")
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

    from groundup.version import __version__

    return {"groundup": __version__, "python": platform.python_version(), "numpy": np.__version__,
            "torch": torch.__version__, "matplotlib": matplotlib.__version__}


def _metric_cell(column: str, value) -> str:
    if value is None:
        return ""
    return str(value) if column == "epoch" else repr(float(value))  # repr: reads back exactly


def _metric_row(row: dict) -> str:
    return ",".join(_metric_cell(c, row.get(c)) for c in METRIC_COLUMNS) + "\n"


def metrics_digest(rows, digest=None):
    """A SHA-256 of metrics rows as metrics.csv holds them (``digest``: one to continue). Each
    checkpoint records the digest of the rows it commits, so that a resume knows them unchanged."""
    import hashlib

    digest = digest or hashlib.sha256()
    for row in rows:
        digest.update(_metric_row(row).encode())
    return digest


class RunFolder(Folder):
    """A run folder to write: each method writes one file and returns its name (what it reads,
    and what it is: see ``Folder``)."""

    def __init__(self, path: Path, create: bool = True):
        super().__init__(path)
        self.written: list[str] = []  # the files written through this object, in order
        if create:
            self.path.mkdir(parents=True, exist_ok=True)
        elif not (self.path / "config.json").is_file():
            raise FileError(f"{self.path} is not a run folder (no config.json)", self.path / "config.json", "missing")

    def write_json(self, name: str, obj) -> str:
        atomic_write_text(self.path / name, json.dumps(_jsonable(obj), indent=2) + "\n")
        self.written.append(name)
        return name

    def write_text(self, name: str, text: str) -> str:
        atomic_write_text(self.path / name, text)
        self.written.append(name)
        return name

    def write_config(self, experiment: str, preset: str, **fields) -> str:
        """config.json: the experiment, its preset, the given fields, versions and the time."""
        return self.write_json("config.json", {"experiment": experiment, "preset": preset, **fields,
                                               "versions": versions(),
                                               "created": time.strftime("%Y-%m-%dT%H:%M:%S")})

    def write_metrics(self, rows: list[dict]) -> str:
        """metrics.csv: one row per epoch; accuracy columns empty for regression."""
        return self.write_text("metrics.csv", ",".join(METRIC_COLUMNS) + "\n" + "".join(map(_metric_row, rows)))

    @contextlib.contextmanager
    def metrics_appender(self):
        """``append(row, sync)`` adds one epoch's row to metrics.csv through one open file:
        constant work per epoch, whatever the history."""
        path = self.path / "metrics.csv"
        with _naming(path), open(path, "a", encoding="utf-8") as f:
            def append(row: dict, sync: bool = False) -> None:
                with _naming(path):
                    f.write(_metric_row(row))
                    f.flush()
                    if sync:
                        os.fsync(f.fileno())
            yield append

    def save_figure(self, fig, name: str) -> str:
        """Save a matplotlib figure as PNG (atomically) and release it (from pyplot too, if it
        was made there; importing pyplot here would resolve a backend)."""
        import sys

        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
        if (pyplot := sys.modules.get("matplotlib.pyplot")) is not None:
            pyplot.close(fig)
        atomic_write_bytes(self.path / name, buf.getvalue())
        self.written.append(name)
        return name

    def write_npz(self, name: str, **arrays: np.ndarray) -> str:
        buf = io.BytesIO()
        np.savez(buf, **arrays)
        atomic_write_bytes(self.path / name, buf.getvalue())
        self.written.append(name)
        return name

    def clear(self) -> None:
        """Remove everything in the folder but its lock (the caller holds it): what a run
        replacing the one here does first."""
        for p in self.path.iterdir():
            if p.name == LOCK_NAME:
                continue
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()

    @contextlib.contextmanager
    def lock(self):
        """Hold the folder's exclusive lock for the life of a block (re-entrant in one process)."""
        with folder_lock(self.path):
            yield self


# ---- one run per folder -------------------------------------------------------------------

def remove_orphans(path: Path) -> None:
    """Remove what a killed writer left in ``path`` (the caller holds its lock)."""
    for tmp in orphans(path):
        tmp.unlink(missing_ok=True)


_held: dict[Path, list] = {}  # folder -> [fd, depth] of the locks this process holds


@contextlib.contextmanager
def folder_lock(path: Path):
    """An exclusive ``flock`` on ``path/.lock``; a second process is refused with the holder's pid.

    The OS drops the lock when its process dies, so a killed run leaves no stale lock; the
    temporary files a killed writer left in the folder are removed once the lock is taken.
    """
    import fcntl

    key = Path(path).resolve()
    if key in _held:
        _held[key][1] += 1
        try:
            yield
        finally:
            _held[key][1] -= 1
        return
    lockfile = key / LOCK_NAME
    while True:
        fd = os.open(lockfile, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise FolderBusy(path, holder) from None
        try:  # the holder before us may have removed the file we opened: lock the one in place
            same = os.stat(lockfile).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    _held[key] = [fd, 1]
    try:
        remove_orphans(key)
        yield
    finally:
        del _held[key]
        with contextlib.suppress(OSError):
            os.unlink(lockfile)
        os.close(fd)


# ---- where runs go by default ------------------------------------------------------------

def new_run_folder(root: Path, experiment: str, label: str) -> Path:
    """A new folder ``root/EXPERIMENT/LABEL`` (``-2``, ``-3``, ... if taken), claimed atomically
    by mkdir so that two runs never share it. ``settle_run_folder`` ends its life."""
    parent = Path(root) / experiment
    parent.mkdir(parents=True, exist_ok=True)
    for n in range(1, 100_000):
        path = parent / (label if n == 1 else f"{label}-{n}")
        try:
            path.mkdir()
            break
        except FileExistsError:
            continue
    return path


def settle_run_folder(path: Path) -> None:
    """After a run in a folder of ``new_run_folder``: remove it if nothing was written (the run
    failed before starting), else point ``latest`` at it."""
    path = Path(path)
    if not any(p.name != LOCK_NAME for p in path.iterdir()):
        shutil.rmtree(path, ignore_errors=True)
    else:
        point_latest(path.parent, path.name)


def point_latest(parent: Path, name: str) -> None:
    """``parent/latest`` -> ``name``, replaced atomically (a symlink; a text file where the
    system has none)."""
    link = parent / "latest"
    tmp = parent / f".latest.{os.getpid()}.tmp"
    try:
        tmp.unlink(missing_ok=True)
        os.symlink(name, tmp, target_is_directory=True)
        os.replace(tmp, link)
    except OSError:
        tmp.unlink(missing_ok=True)
        if not link.is_dir() or link.is_symlink():
            atomic_write_text(link, name + "\n")


def list_runs(root: Path) -> list[dict]:
    """Every run under ``root`` (run folders and ``--impl all`` groups), oldest first, with its
    headline numbers: folder, experiment, impl, preset, status, epochs, test accuracy or loss."""
    root = Path(root)
    found = []
    for config_path in sorted(root.rglob("config.json")):
        folder = Folder(config_path.parent)
        if folder.path.parent != root and (folder.path.parent / "config.json").is_file():
            continue  # an implementation inside an --impl all group: the group's line covers it
        try:
            config = folder.config()
        except RunFolderError:
            continue
        found.append({"folder": str(folder.path), "experiment": config.get("experiment", "?"),
                      "preset": config.get("preset", "?"), **folder.headline(),
                      "created": str(config.get("created", ""))})
    return sorted(found, key=lambda r: (r["created"], r["folder"]))
