"""Figures of image classifiers: sample predictions and learned weights as images."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def samples(images: np.ndarray, y: np.ndarray, pred: np.ndarray, classes: list[str],
            title: str, n: int = 24) -> plt.Figure:
    """A grid of test images with true and predicted labels; mistakes in red with a frame."""
    n = min(n, len(images))
    cols = 8
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.35, rows * 1.6), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for i in range(n):
        ax = axes.flat[i]
        ax.imshow(images[i], cmap="gray_r" if images[i].mean() < 128 else "gray")
        wrong = pred[i] != y[i]
        label = f"true: {classes[y[i]]}\npred: {classes[pred[i]]}"
        ax.set_title(label, fontsize=7, color="#c00000" if wrong else "black")
        if wrong:
            ax.axis("on")
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(True)
                spine.set_edgecolor("#c00000")
                spine.set_linewidth(2.5)
    fig.suptitle(f"{title} (mistakes in red)", fontsize=10)
    fig.tight_layout()
    return fig


def weight_images(weight: np.ndarray, classes: list[str], shape: tuple[int, int], title: str) -> plt.Figure:
    """Each class's weight vector as an image: red pixels raise that class's score, blue lower it."""
    k = len(classes)
    cols = 5 if k > 5 else k
    rows = -(-k // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.9, rows * 2.1), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for c in range(k):
        w = weight[c].reshape(shape)
        lim = np.abs(w).max() or 1.0
        im = axes.flat[c].imshow(w, cmap="RdBu_r", vmin=-lim, vmax=lim)
        axes.flat[c].set_title(classes[c], fontsize=9)
    fig.colorbar(im, ax=axes.ravel().tolist(), shrink=0.7, label="weight (own scale per class)")
    fig.suptitle(title, fontsize=10)
    return fig
