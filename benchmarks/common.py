"""What the benchmark scripts share: the classic per-sample image pipeline and timing helpers.

A script run as ``python benchmarks/<script>.py`` has this folder on its import path, so the
scripts import this module by name.
"""

from __future__ import annotations

import time

import numpy as np
import torch
from PIL import Image
from torch.utils.data import Dataset


class ClassicImages(Dataset):
    """Per-sample access as torchvision's MNIST/FashionMNIST with ``ToTensor()`` does it."""

    def __init__(self, images: np.ndarray, labels: np.ndarray, pil: bool = True):
        self.data = torch.from_numpy(images)  # uint8 (N, 28, 28), as torchvision keeps it
        self.targets = torch.from_numpy(labels)
        self.pil = pil

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, i: int):
        img, target = self.data[i], int(self.targets[i])
        if self.pil:
            pic = Image.fromarray(img.numpy(), mode="L")
            array = np.array(pic, np.uint8, copy=True)  # ToTensor: PIL -> NumPy copy
            t = torch.from_numpy(array).view(pic.size[1], pic.size[0], 1).permute(2, 0, 1).contiguous()
            return t.to(torch.float32).div(255), target
        return img.to(torch.float32).div(255).unsqueeze(0), target


def settle(seconds: float) -> None:
    """Rest before a timed epoch. After its last call a BLAS library keeps its worker threads
    spinning for a while (OpenBLAS ~0.1 s); on 2 cores they slow down whatever runs next, so an
    epoch timed right after the NumPy implementation's was up to 1.5x slower without this."""
    time.sleep(seconds)


def fastest(fn, repeats: int = 5) -> float:
    """The shortest of ``repeats`` timed calls of ``fn()``: other processes only ever add time."""
    best = float("inf")
    for _ in range(repeats):
        began = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - began)
    return best
