"""Raises an error inside a helper of its own."""
import numpy as np


def _shift(z):
    return z - z.max(axis=2)


def softmax(z):
    return np.exp(_shift(z))
