"""Mini-batch order: a seeded shuffle of indices, sliced into batches.

The order of epoch e depends only on (seed, e), so every implementation, and a run
resumed at epoch e, sees exactly the same batches. Batches are index slices of arrays
prepared once; nothing is done per sample in Python.
"""

from __future__ import annotations

import numpy as np


def epoch_order(n: int, seed: int, epoch: int, shuffle: bool = True) -> np.ndarray:
    """The sample order of one epoch: a permutation of range(n) (or range(n) itself)."""
    if not shuffle:
        return np.arange(n)
    return np.random.default_rng([seed, epoch]).permutation(n)


def batch_slices(n: int, batch_size: int) -> list[slice]:
    """Consecutive slices of the epoch order; the last batch may be smaller."""
    return [slice(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]
