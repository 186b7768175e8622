"""One training loop for every implementation.

A learner (see ``numpy_impl.learner``, ``scratch.learner``, ``nn.learner``) knows its
model, loss and optimizer: ``prepare`` a split once, ``train_step`` on one batch,
``evaluate`` a split. This loop owns everything else: epochs, batch order, the
learning-rate schedule, evaluation after every epoch, timing, progress and divergence.
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Callable

import numpy as np

if "ipykernel" in sys.modules and __import__("importlib.util").util.find_spec("ipywidgets") is None:
    from tqdm import tqdm  # a kernel without ipywidgets: no bar is shown; tqdm.auto would only warn
else:
    from tqdm.auto import tqdm  # a widget in Jupyter, text in a terminal

from groundup.data.batches import batch_slices, epoch_order
from groundup.errors import Diverged
from groundup.core.metrics import accuracy
from groundup.core.models import predictions
from groundup.training import threads
from groundup.core.faults import fault_point


@dataclass
class Split:
    """Train and test arrays (NumPy, prepared once, before any implementation sees them)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


@dataclass
class EpochRecord:
    epoch: int
    train_loss: float
    train_accuracy: float | None
    test_loss: float
    test_accuracy: float | None
    seconds: float


@dataclass
class History:
    records: list[EpochRecord] = field(default_factory=list)

    def column(self, name: str) -> list:
        return [getattr(r, name) for r in self.records]

    @property
    def last(self) -> EpochRecord:
        return self.records[-1]

    def best(self) -> EpochRecord:
        """The epoch with the highest test accuracy (lowest test loss for regression)."""
        if self.records[0].test_accuracy is None:
            return min(self.records, key=lambda r: r.test_loss)
        return max(self.records, key=lambda r: r.test_accuracy)

    def as_dicts(self) -> list[dict]:
        return [asdict(r) for r in self.records]


def lr_at(schedule: str, lr: float, epoch: int, epochs: int) -> float:
    """Learning rate of a (0-based) epoch: constant, or cosine-annealed to zero."""
    if schedule == "cosine":
        return lr * 0.5 * (1 + math.cos(math.pi * epoch / epochs))
    return lr


def show_progress(quiet: bool) -> bool:
    """A progress bar in a terminal, or in a Jupyter kernel that can draw tqdm's widget."""
    return not quiet and (sys.stderr.isatty() or _notebook_widgets())


def _notebook_widgets() -> bool:
    import importlib.util

    return "ipykernel" in sys.modules and importlib.util.find_spec("ipywidgets") is not None


def epoch_line(r: EpochRecord, epochs: int) -> str:
    """One epoch in one line, for output that is not a terminal (a notebook's ``!groundup``, CI)."""
    from groundup.i18n import t

    acc = lambda v: "" if v is None else t("run.accuracy", acc=v)  # noqa: E731
    return t("run.epoch", epoch=r.epoch, epochs=epochs, train=r.train_loss, train_acc=acc(r.train_accuracy),
             test=r.test_loss, test_acc=acc(r.test_accuracy), seconds=r.seconds)


def index_batches(learner, x, y, batch_size: int, seed: int, shuffle: bool = True):
    """The default batch source: index slices of the prepared arrays in the seeded order.

    Returns ``(batches, n_batches)``, where ``batches(epoch)`` yields (x, y) pairs.
    """
    slices = batch_slices(len(x), batch_size)

    def batches(epoch: int):
        order = learner.index(epoch_order(len(x), seed, epoch, shuffle))
        for s in slices:
            idx = order[s]
            yield learner.take(x, idx), learner.take(y, idx)

    return batches, len(slices)


def fit(learner, split: Split, *, epochs: int, batch_size: int, seed: int, lr: float,
        schedule: str = "constant", shuffle: bool = True, task: str = "classification",
        quiet: bool = False, history: History | None = None,
        on_epoch: Callable[[History], None] | None = None, batch_source=index_batches) -> History:
    """Train for ``epochs`` epochs (continuing ``history`` if given) and return the history.

    ``on_epoch`` is called after every completed epoch (to write metrics, checkpoints).
    ``batch_source`` has the signature of ``index_batches`` (another one: a DataLoader).
    Raises ``Diverged`` on a non-finite loss, with the history so far.
    """
    history = history or History()
    x_train, y_train = learner.prepare(split.x_train, split.y_train)
    x_test, y_test = learner.prepare(split.x_test, split.y_test)
    batches, n_batches = batch_source(learner, x_train, y_train, batch_size, seed, shuffle)
    start = len(history.records)
    bar = tqdm(total=(epochs - start) * n_batches, disable=not show_progress(quiet),
               unit="batch", dynamic_ncols=True, leave=False)
    lines = not quiet and not show_progress(quiet)  # no bar to show: one line per epoch instead
    watch = threads.guard()  # --threads auto: fewer threads if another program takes a core
    try:
        for epoch in range(start, epochs):
            fault_point("epoch-start")
            epoch_lr = lr_at(schedule, lr, epoch, epochs)
            learner.set_lr(epoch_lr)  # the learning rate's one owner: learners are built without it
            bar.set_description(f"epoch {epoch + 1}/{epochs}")
            began = time.perf_counter()
            for xb, yb in batches(epoch):
                loss = learner.train_step(xb, yb)
                if not math.isfinite(loss):
                    raise Diverged.at_epoch(epoch + 1, epoch_lr, history)
                bar.update()
                if watch is not None and time.perf_counter() >= watch.next_check:
                    watch.check()
            seconds = time.perf_counter() - began
            record = evaluate_epoch(learner, epoch + 1, seconds, task,
                               (x_train, y_train, split.y_train), (x_test, y_test, split.y_test))
            if not (math.isfinite(record.train_loss) and math.isfinite(record.test_loss)):
                raise Diverged.at_epoch(epoch + 1, epoch_lr, history)
            history.records.append(record)
            fault_point("epoch-evaluated")  # the epoch is in the history, not yet on disk
            bar.set_postfix(train_loss=f"{record.train_loss:.4f}", test_loss=f"{record.test_loss:.4f}")
            if on_epoch:
                on_epoch(history)
            if lines:
                print(epoch_line(record, epochs), file=sys.stderr, flush=True)
    finally:
        bar.close()
    return history


def evaluate_epoch(learner, epoch, seconds, task, train, test) -> EpochRecord:
    values = []
    for x, y, y_np in (train, test):
        loss, outputs = learner.evaluate(x, y)
        acc = accuracy(predictions(outputs, learner.spec.loss), y_np) if task == "classification" else None
        values += [loss, acc]
    return EpochRecord(epoch, values[0], values[1], values[2], values[3], seconds)
