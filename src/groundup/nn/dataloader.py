"""The course's data pipeline (004 §8): a ``Dataset`` of rows and a ``DataLoader`` of batches.

``RowDataset`` answers ``len()`` and ``dataset[i]`` (one row), which is all a ``DataLoader``
needs to shuffle, group and stack rows into mini-batches. ``SeededOrder`` is the sampler
that makes the loader shuffle in groundup's seeded order (``data.batches.epoch_order``), so a
run fed by the DataLoader follows the same trajectory as one fed by index slices.
``loader_batches`` hands such a loader to ``train.fit`` as its batch source.
"""

from __future__ import annotations

import torch
from torch.utils.data import DataLoader, Dataset, Sampler

from groundup.data.batches import epoch_order


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


def loader_batches(learner, x: torch.Tensor, y: torch.Tensor, batch_size: int, seed: int,
                   shuffle: bool = True):
    """A batch source for ``train.fit`` (like ``train.index_batches``) drawn from a DataLoader."""
    loader = make_loader(x, y, batch_size, seed, shuffle)

    def batches(epoch: int):
        loader.sampler.set_epoch(epoch)
        return iter(loader)  # the course's loop: the loader shuffles, groups and stacks rows

    return batches, len(loader)
