"""In-use runs: the learner's functions plugged into the project's training loop on real data.

``StepLearner`` is the reference NumPy dense learner with its ``train_step`` replaced by one
built from the learner's functions; evaluation (loss, accuracy) stays the reference's, in
this process, on the parameters the learner's step returned. The same loop (``train.fit``),
the same initial parameters and the same batch order then train the reference, and the two
runs are compared.
"""

from __future__ import annotations

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

    def __init__(self, spec: DenseSpec, params: dict, step: Step, lr: float, record: list | None = None):
        super().__init__(spec, params, lr=lr, dtype="float64")
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


def train(learner, split: Split, **settings) -> History:
    """``train.fit`` quietly; a diverged run becomes a failed check."""
    try:
        return fit(learner, split, quiet=True, **settings)
    except Diverged as err:
        raise Failed(f"the in-use run diverged: {err}", "a gradient too large (summed instead of "
                     "averaged?) makes the same learning rate overshoot") from None


def subset(split: Split, n_train: int, n_test: int) -> Split:
    return Split(split.x_train[:n_train], split.y_train[:n_train], split.x_test[:n_test], split.y_test[:n_test])


def load_images(name: str, normalise: bool = False) -> Split:
    """Fashion-MNIST or MNIST as float32 rows in [0, 1] (or MNIST-normalised); Failed if absent."""
    from groundup.data import vision
    from groundup.data.preprocess import scale_images

    try:
        d = vision.load(name)
    except GroundupError as err:
        raise Failed(f"the in-use run needs {name}: {err}",
                     f"run 'groundup data download {name}', or check without it: --no-in-use") from None
    if normalise:
        from groundup.experiments.mnist_nets import normalise as norm

        return Split(norm(d.x_train), d.y_train, norm(d.x_test), d.y_test)
    return Split(scale_images(d.x_train), d.y_train, scale_images(d.x_test), d.y_test)


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
                        f" (the first {i} steps agree: the error builds up or appears later)"))
    return f"all {len(w)} steps match the reference (max relative difference {np.max(np.abs(g - w) / np.abs(w)):.1e})"


# The MLP run of linear-layer and sgd-momentum: 784-64-10 on the first 5,000 MNIST images.
MLP = DenseSpec((784, 64, 10), "relu", "ce")
MLP_RUN = dict(epochs=1, batch_size=64, seed=0, lr=0.05)


def mlp_run(step: Step, momentum: float = 0.0) -> str:
    """Train the MLP with ``step`` and with the reference from the same start; compare every step."""
    from groundup.core.models import init_dense

    split = subset(load_images("mnist", normalise=True), 5000, 2000)
    params = init_dense(MLP, 0)
    mine: list[float] = []
    ref: list[float] = []
    h = train(StepLearner(MLP, params, step, MLP_RUN["lr"], record=mine), split, **MLP_RUN)
    hr = train(RecordingDense(MLP, params, lr=MLP_RUN["lr"], momentum=momentum, dtype="float64", record=ref),
               split, **MLP_RUN)
    what = f"784-64-10 MLP, 5,000 MNIST images, batch 64, lr {MLP_RUN['lr']}" + (
        f", momentum {momentum}" if momentum else "")
    note = step_by_step(mine, ref, what)
    return f"{what}: {note}; test accuracy {h.last.test_accuracy:.4f} (reference {hr.last.test_accuracy:.4f})"
