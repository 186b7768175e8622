"""In-use runs: the learner's functions plugged into the project's training loop on real data.

``StepLearner`` is the reference NumPy dense learner with its ``train_step`` replaced by one
built from the learner's functions; evaluation (loss, accuracy) stays the reference's, in
this process, on the parameters the learner's step returned. The same loop (``train.fit``),
the same initial parameters and the same batch order then train the reference, and the two
runs are compared.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Callable

import numpy as np

from groundup.errors import GroundupError
from groundup.exercises.hints import Failed
from groundup.core.models import DenseSpec
from groundup.numpy_impl.learner import NumpyDense
from groundup.errors import Diverged
from groundup.training.train import History, Split, fit

# (params, x, y, lr) -> (new params, the batch's mean loss)
Step = Callable[[dict, np.ndarray, np.ndarray, float], tuple[dict, float]]


class StepLearner(NumpyDense):
    """The reference dense learner, but each training step is ``step`` (the learner's code)."""

    def __init__(self, spec: DenseSpec, params: dict, step: Step, lr: float, record: list | None = None,
                 dtype: str = "float64"):
        super().__init__(spec, params, lr=lr, dtype=dtype)
        self.step, self.record = step, record

    def train_step(self, x: np.ndarray, y: np.ndarray) -> float:
        params = self.net.named("params")
        new, loss = self.step({k: v.copy() for k, v in params.items()}, x, y, self.optimizer.lr)
        for name, p in params.items():
            value = new.get(name) if isinstance(new, dict) else None
            if not isinstance(value, np.ndarray) or value.shape != p.shape:
                raise Failed(f"after a training step {name} has {getattr(value, 'shape', type(value).__name__)}, "
                             f"expected shape {p.shape}")
            p[...] = value
        try:
            loss = float(loss)
        except (TypeError, ValueError):
            raise Failed(f"the training step returned the loss as {type(loss).__name__}, expected a float") from None
        if self.record is not None:
            self.record.append(loss)
        return loss


class RecordingDense(NumpyDense):
    """The reference learner, recording each step's loss (for a step-by-step comparison)."""

    def __init__(self, *args, record: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record

    def train_step(self, x, y) -> float:
        loss = super().train_step(x, y)
        self.record.append(loss)
        return loss


def recording(learner, record: list):
    """Wrap ``learner.train_step`` so that every step's loss is appended to ``record``."""
    step = learner.train_step

    def train_step(x, y):
        loss = step(x, y)
        record.append(float(loss))
        return loss

    learner.train_step = train_step
    return learner


class Pace:
    """Watches the speed of an in-use run that calls the learner's code (``sub``) at every step.

    After each step it projects the time the remaining steps need from the time the submission
    took so far (only the time spent waiting for it counts, as for the time limit); when that is
    more than the time left, the run stops at once with the measured speed: a correct but slow
    function is told so in seconds, not failed as an endless loop after the whole limit.
    """

    def __init__(self, sub, total: int):
        self.sub, self.total, self.done = sub, total, 0
        self.left0 = sub.box.left

    def step(self) -> None:
        self.done += 1
        used = self.left0 - self.sub.box.left
        if self.done < 2 or used < 1.0 or self.done >= self.total:
            return
        limit = self.sub.box.timeout
        need = (limit - self.left0) + used / self.done * self.total  # the checks before, then this run
        if need > limit:  # i.e. the steps left need more than the time left
            raise Failed(f"the in-use run stopped after {self.done} of {self.total} training steps "
                         f"({used:.1f} s): at this speed the whole check needs about {need:.0f} s, more "
                         f"than the time limit of {limit:g} s", "too-slow", kind="timeout", done=self.done,
                         total=self.total, seconds=used, rate=self.done / used, need=need, limit=limit)


def paced(learner, sub, split: Split, settings: dict):
    """Wrap ``learner.train_step`` so that ``Pace`` watches every step of the run."""
    n_batches = -(-len(split.y_train) // settings["batch_size"])
    pace = Pace(sub, n_batches * settings["epochs"])
    step = learner.train_step

    def train_step(x, y):
        loss = step(x, y)
        pace.step()
        return loss

    learner.train_step = train_step
    return learner


def train(learner, split: Split, sub=None, **settings) -> History:
    """``train.fit`` quietly; a diverged run becomes a failed check. With ``sub`` (the learner's
    code runs in the steps), a run too slow to finish in the time left stops early, saying so."""
    if sub is not None:
        paced(learner, sub, split, settings)
    try:
        return fit(learner, split, quiet=True, **settings)
    except Diverged as err:
        # the run's advice (``try --lr``) is for groundup run, not for the learner's code
        raise Failed(f"the in-use run diverged: its loss became non-finite in epoch {err.epoch}",
                     "in-use-diverged") from None


def subset(split: Split, n_train: int, n_test: int) -> Split:
    return Split(split.x_train[:n_train], split.y_train[:n_train], split.x_test[:n_test], split.y_test[:n_test])


@functools.cache
def code_digest() -> str:
    """SHA-256 of the source of everything a reference run computes with (the NumPy
    implementation, the models, the training loop, the batches, the exercises' specs)."""
    from groundup.version import __version__

    root = Path(__file__).resolve().parents[1]  # the groundup package
    files = sorted([*root.glob("numpy_impl/*.py"), *root.glob("core/*.py"), *root.glob("data/*.py"),
                    root / "training" / "train.py", *root.glob("exercises/specs/*.py"), Path(__file__)])
    digest = hashlib.sha256(__version__.encode())
    for f in files:
        digest.update(f.name.encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()


def cached_reference(name: str, key: tuple, compute: Callable[[], tuple[tuple[float, ...], float]],
                     data: tuple[str, ...] = ()) -> tuple[tuple[float, ...], float]:
    """A reference run's per-step losses and test accuracy, computed once per machine.

    Stored under ``~/.cache/groundup/exercises/`` (``$XDG_CACHE_HOME`` respected), named by
    the exercise and a digest of ``key`` (the run's settings), ``data`` (the data files'
    SHA-256, verified when loaded) and the source of the code that computes it: a change to
    any of them computes the run again. A cache that cannot be read or written is skipped.
    """
    from groundup.data.roots import cache_dir
    from groundup.store.runs import atomic_write_text

    digest = hashlib.sha256(repr((name, key, data, code_digest(), np.__version__)).encode()).hexdigest()[:20]
    path = cache_dir() / "exercises" / f"{name}-{digest}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        return tuple(float(v) for v in stored["losses"]), float(stored["test_accuracy"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    losses, accuracy = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps({"exercise": name, "losses": list(losses), "test_accuracy": accuracy}))
    except OSError:
        pass
    return tuple(losses), accuracy


def data_checksums(name: str) -> tuple[str, ...]:
    """The SHA-256 of a vision data set's files (``vision.load`` verifies them)."""
    from groundup.data import vision

    return tuple(f.sha256 for f in vision.get_spec(name).files)


# MNIST's training-set pixel mean and standard deviation, as experiments.mnist_nets normalises
# (kept here so that a check does not import the experiments, and with them torch)
MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


PARTS = ("x_train", "y_train", "x_test", "y_test")


@functools.lru_cache(maxsize=4)
def load_images(name: str, normalise: bool = False) -> Split:
    """Fashion-MNIST or MNIST as float32 rows in [0, 1] (or MNIST-normalised); Failed if absent.

    Decompressing, verifying and scaling take a second; the prepared arrays are therefore kept
    as .npy files beside the cached reference runs (named by the data files' SHA-256, verified
    when they were prepared) and mapped from there, read-only, by the next check. Loaded once
    per process (``grade`` checks many submissions in one worker): no caller may change them.
    """
    from groundup.data.roots import cache_dir

    key = hashlib.sha256(repr((name, normalise, data_checksums(name), MNIST_MEAN, MNIST_STD)).encode())
    folder = cache_dir() / "exercises" / f"{name}{'-normalised' if normalise else ''}-{key.hexdigest()[:16]}"
    try:
        return Split(*(np.load(folder / f"{part}.npy", mmap_mode="r", allow_pickle=False) for part in PARTS))
    except (OSError, ValueError):
        pass
    split = prepare_images(name, normalise)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for part in PARTS:
            tmp = folder / f".{part}.{os.getpid()}.npy"
            np.save(tmp, getattr(split, part), allow_pickle=False)
            os.replace(tmp, folder / f"{part}.npy")
    except OSError:
        pass
    return split


def prepare_images(name: str, normalise: bool) -> Split:
    from groundup.data import vision
    from groundup.data.preprocess import scale_images

    try:
        d = vision.load(name)
    except GroundupError as err:
        raise Failed(f"the in-use run needs {name}: {err}", "missing-data", name=name) from None
    prep = scale_images
    if normalise:
        def prep(images):
            return (scale_images(images) - np.float32(MNIST_MEAN)) / np.float32(MNIST_STD)
    split = Split(prep(d.x_train), d.y_train, prep(d.x_test), d.y_test)
    for part in PARTS:
        getattr(split, part).flags.writeable = False
    return split


def step_by_step(got: list[float], want: list[float], what: str, rtol: float = 1e-6) -> str:
    """Compare two runs' per-step losses; Failed at the first step that differs."""
    if len(got) != len(want):
        raise Failed(f"{what}: {len(got)} training steps, the reference took {len(want)}")
    g, w = np.asarray(got), np.asarray(want)
    bad = np.flatnonzero(~np.isclose(g, w, rtol=rtol, atol=1e-9))
    if bad.size:
        i = int(bad[0])
        raise Failed(f"{what}: step {i + 1} of {len(w)} has loss {g[i]:.6g}, the reference {w[i]:.6g}"
                     + (" (the first step already differs)" if i == 0 else
                        f" (the first {i} steps agree: the error builds up or appears later)"),
                     "in-use-differs" if i == 0 else "in-use-drifts")
    return f"all {len(w)} steps match the reference (max relative difference {np.max(np.abs(g - w) / np.abs(w)):.1e})"


# The MLP run of linear-layer and sgd-momentum: 784-64-10 on the first 5,000 MNIST images.
MLP = DenseSpec((784, 64, 10), "relu", "ce")
MLP_RUN = dict(epochs=1, batch_size=64, seed=0, lr=0.05)


@functools.lru_cache(maxsize=4)
def mlp_reference(momentum: float) -> tuple[tuple[float, ...], float]:
    """The reference MLP's loss at every step and its test accuracy (cached on disk)."""
    from groundup.core.models import init_dense

    def compute():
        ref: list[float] = []
        split = subset(load_images("mnist", normalise=True), 5000, 2000)
        h = train(RecordingDense(MLP, init_dense(MLP, 0), lr=MLP_RUN["lr"], momentum=momentum, dtype="float64",
                                 record=ref), split, **MLP_RUN)
        return tuple(ref), h.last.test_accuracy

    return cached_reference("mlp", (MLP, MLP_RUN, momentum, 5000, 2000), compute, data_checksums("mnist"))


def mlp_run(step: Step, momentum: float = 0.0, sub=None) -> str:
    """Train the MLP with ``step`` and with the reference from the same start; compare every step."""
    from groundup.core.models import init_dense

    split = subset(load_images("mnist", normalise=True), 5000, 2000)
    mine: list[float] = []
    h = train(StepLearner(MLP, init_dense(MLP, 0), step, MLP_RUN["lr"], record=mine), split, sub=sub, **MLP_RUN)
    ref, acc = mlp_reference(momentum)
    what = f"784-64-10 MLP, 5,000 MNIST images, batch 64, lr {MLP_RUN['lr']}" + (
        f", momentum {momentum}" if momentum else "")
    note = step_by_step(mine, list(ref), what)
    return f"{what}: {note}; test accuracy {h.last.test_accuracy:.4f} (reference {acc:.4f})"
