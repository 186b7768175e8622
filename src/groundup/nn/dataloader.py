"""The course's data pipeline (004 §8): a ``Dataset`` of rows and a ``DataLoader`` of batches.

``RowDataset`` answers ``len()`` and ``dataset[i]`` (one row), which is all a ``DataLoader``
needs to shuffle, group and stack rows into mini-batches. ``SeededOrder`` is the sampler
that makes the loader shuffle in groundup's seeded order (``data.batches.epoch_order``), so a
run fed by the DataLoader follows the same trajectory as one fed by index slices.
``fit_loader`` is ``train.fit`` with the batches taken from such a loader.
"""

from __future__ import annotations

import math
import time
from typing import Callable

import torch
from torch.utils.data import DataLoader, Dataset, Sampler
from tqdm import tqdm

from groundup.data.batches import epoch_order
from groundup.train import Diverged, History, Split, _evaluate, lr_at, show_progress


class RowDataset(Dataset):
    """Prepared tensors seen one row at a time: ``dataset[i] == (x[i], y[i])``.

    A ``__getitem__`` per sample is what the course teaches, and the right shape for data
    that does not fit in memory or needs per-sample work (decoding a file, augmenting an
    image): the loader calls it once per row and stacks the rows into a batch. groundup's
    own loop (``train.fit``) slices the in-memory tensor with the batch's whole index vector
    instead: one indexing operation per batch instead of ``batch_size`` Python calls and a
    ``torch.stack``. Both give the same batch, value for value; the slice is just faster.
    """

    def __init__(self, x: torch.Tensor, y: torch.Tensor):
        if len(x) != len(y):
            raise ValueError(f"{len(x)} inputs but {len(y)} labels")
        self.x, self.y = x, y

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.x[i], self.y[i]


class SeededOrder(Sampler[int]):
    """The indices of one epoch in groundup's order: a permutation seeded by (seed, epoch).

    ``DataLoader(..., shuffle=True)`` (the course's call) draws its permutation from torch's
    global generator, so no other implementation could see the same batches. Passing this
    sampler instead (``shuffle`` and ``sampler`` are alternatives) shuffles just as well,
    but reproducibly. Call ``set_epoch`` before each epoch, as with ``DistributedSampler``.
    """

    def __init__(self, n: int, seed: int, shuffle: bool = True):
        self.n, self.seed, self.shuffle, self.epoch = n, seed, shuffle, 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __iter__(self):
        return iter(epoch_order(self.n, self.seed, self.epoch, self.shuffle).tolist())

    def __len__(self) -> int:
        return self.n


def make_loader(x: torch.Tensor, y: torch.Tensor, batch_size: int, seed: int,
                shuffle: bool = True) -> DataLoader:
    """The course's ``DataLoader(dataset, batch_size, shuffle=True)`` with a seeded sampler.

    ``num_workers=0``: the rows are already tensors in memory, so worker processes would
    only add start-up time (and the course's ``num_workers=2`` needs a ``__main__`` guard).
    """
    return DataLoader(RowDataset(x, y), batch_size=batch_size,
                      sampler=SeededOrder(len(x), seed, shuffle), num_workers=0)


def fit_loader(learner, split: Split, *, epochs: int, batch_size: int, seed: int, lr: float,
               schedule: str = "constant", shuffle: bool = True, task: str = "classification",
               quiet: bool = False, history: History | None = None,
               on_epoch: Callable[[History], None] | None = None) -> History:
    """``train.fit`` (same arguments, same History), the batches drawn from a DataLoader."""
    history = history or History()
    x_train, y_train = learner.prepare(split.x_train, split.y_train)
    x_test, y_test = learner.prepare(split.x_test, split.y_test)
    loader = make_loader(x_train, y_train, batch_size, seed, shuffle)
    start = len(history.records)
    bar = tqdm(total=(epochs - start) * len(loader), disable=not show_progress(quiet),
               unit="batch", dynamic_ncols=True, leave=False)
    try:
        for epoch in range(start, epochs):
            epoch_lr = lr_at(schedule, lr, epoch, epochs)
            learner.set_lr(epoch_lr)
            loader.sampler.set_epoch(epoch)
            bar.set_description(f"epoch {epoch + 1}/{epochs}")
            began = time.perf_counter()
            for xb, yb in loader:  # the course's loop: the loader shuffles, groups and stacks
                loss = learner.train_step(xb, yb)
                if not math.isfinite(loss):
                    raise Diverged(epoch + 1, epoch_lr, history)
                bar.update()
            seconds = time.perf_counter() - began
            record = _evaluate(learner, epoch + 1, seconds, task,
                               (x_train, y_train, split.y_train), (x_test, y_test, split.y_test))
            if not (math.isfinite(record.train_loss) and math.isfinite(record.test_loss)):
                raise Diverged(epoch + 1, epoch_lr, history)
            history.records.append(record)
            if on_epoch:
                on_epoch(history)
    finally:
        bar.close()
    return history

