"""Exercise dataset (course 004 §8): the Dataset / DataLoader idea, written out.

A Dataset answers two questions: how many rows (len) and what is row i (dataset[i]). Training
visits the rows in a new shuffled order every epoch and groups them into mini-batches.
Write the three pieces below (NumPy; torch is allowed here but not needed).
Check your work with:  groundup check dataset.py
"""

import numpy as np


class DiabetesDataset:
    """The diabetes table as a Dataset.  x: (n, 8) features, y: (n,) 0/1 labels."""

    def __init__(self, x, y):
        """Keep the table: x (n, 8) float features, y (n,) 0/1 labels."""
        raise NotImplementedError

    def __len__(self):
        """The number of rows, n."""
        raise NotImplementedError

    def __getitem__(self, i):
        """Row i: (features (8,), label)."""
        raise NotImplementedError


def epoch_order(n, seed, epoch):
    """The order in which epoch `epoch` visits the n rows: a permutation of 0..n-1.

    It must depend only on (seed, epoch), so that a run can be repeated, and differ from
    epoch to epoch. Use exactly:  np.random.default_rng([seed, epoch]).permutation(n)
    -> (n,) integers
    """
    raise NotImplementedError


def batches(dataset, batch_size, order):
    """The mini-batches of one epoch: rows order[0:B], order[B:2B], ... (the last may be smaller).

    Each batch is (x_batch (b, 8), y_batch (b,)) built from dataset[i] for its rows.
    -> a list of ceil(n / batch_size) pairs
    """
    raise NotImplementedError
