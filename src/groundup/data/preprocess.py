"""Preprocessing applied once to whole arrays, before any implementation sees them."""

from __future__ import annotations

import numpy as np


def scale_images(images: np.ndarray) -> np.ndarray:
    """uint8 images (n, 28, 28) -> float32 rows (n, 784) in [0, 1]: what ToTensor does, once."""
    return images.reshape(len(images), -1).astype(np.float32) / np.float32(255.0)


def standardize(x_train: np.ndarray, x_test: np.ndarray, min_std: float = 1e-2):
    """Zero mean, unit variance per feature, with statistics of the training set only.

    Features that barely vary in training (an image's border pixels) are only centred:
    dividing by a tiny std would blow up the rare test sample where they are not blank.
    Returns the two arrays and (mean, std) so that learned weights can be mapped back.
    """
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0)
    std = np.where(std > min_std, std, 1.0).astype(x_train.dtype)
    return (x_train - mean) / std, (x_test - mean) / std, (mean, std)
