"""A correct dataset submission."""

import numpy as np


class DiabetesDataset:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


def epoch_order(n, seed, epoch):
    return np.random.default_rng([seed, epoch]).permutation(n)


def batches(dataset, batch_size, order):
    out = []
    for start in range(0, len(order), batch_size):
        rows = [dataset[i] for i in order[start:start + batch_size]]
        out.append((np.stack([r[0] for r in rows]), np.array([r[1] for r in rows])))
    return out
