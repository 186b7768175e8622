"""The course's data sets as NumPy arrays for your own code, found and verified as the
command line finds them (``--data-dir``/``data_dir``, ``$GROUNDUP_DATA``, ``~/.cache/groundup``,
``/usr/share/datasets``; SHA-256 of every file checked)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from groundup.errors import DataError

if TYPE_CHECKING:  # numpy is imported by the loaders, not by `import groundup`
    import numpy as np

NAMES = ("mnist", "fashion-mnist", "diabetes")


def names() -> list[str]:
    """The data sets ``load`` knows."""
    return list(NAMES)


def load(name: str, data_dir: str | os.PathLike[str] | None = None, *,
         seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(x_train, y_train, x_test, y_test)`` of a data set.

    - ``"mnist"``, ``"fashion-mnist"``: the official split, 60,000 and 10,000 images as stored,
      uint8 (N, 28, 28) in 0..255 (divide by 255 for [0, 1]), int64 labels 0..9.
    - ``"diabetes"``: float64 features (N, 8), already scaled to [-1, 1], int64 0/1 labels,
      split as the ``diabetes`` experiments split it: stratified, 25 % test, seeded by ``seed``.

    A missing or corrupt data set raises ``DataError`` saying where it looked and how to get it.
    """
    if name in ("mnist", "fashion-mnist"):
        from groundup.data import vision

        d = vision.load(name, data_dir)
        return d.x_train, d.y_train, d.x_test, d.y_test
    if name == "diabetes":
        from groundup.experiments import diabetes
        from groundup.core.settings import Settings

        split = diabetes.load(Settings(seed=seed, data_dir=None if data_dir is None else str(data_dir))).split
        return split.x_train, split.y_train, split.x_test, split.y_test
    raise DataError(f"unknown data set {name!r}; choose from: {', '.join(NAMES)}")
