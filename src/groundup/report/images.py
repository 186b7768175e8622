"""Figures of image classifiers: sample predictions, confident mistakes, learned weights.

Images are drawn dark-on-white, the same map for every image (the data sets store light
objects on black, so 0 becomes white) so that a grid prints well in a report; mistakes are titled in red and framed.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

WRONG = "#c00000"
RIGHT = "#1a6b1a"


def _grid(n: int, cols: int, cell_w: float = 1.45, cell_h: float = 1.75):
    """A rows × cols grid of image cells with room above each for a two-line title.

    The margins are fixed (in inches) rather than found by tight_layout, which is slow for
    dozens of axes and gives the same result for a regular grid.
    """
    rows = max(1, -(-n // cols))
    width, height = cols * cell_w, rows * cell_h + 0.45
    fig, axes = plt.subplots(rows, cols, figsize=(width, height), squeeze=False)
    fig.subplots_adjust(left=0.1 / width, right=1 - 0.1 / width, bottom=0.08 / height,
                        top=1 - 0.8 / height, wspace=0.12, hspace=0.55 * 1.75 / cell_h)
    for ax in axes.flat:
        ax.axis("off")
    return fig, axes


def _show(ax, image: np.ndarray, title: str, wrong: bool) -> None:
    """One image, its title, and a red frame if the prediction is wrong."""
    top = 255 if image.dtype == np.uint8 else None  # the full uint8 range, not each image's own
    ax.imshow(image, cmap="gray_r", vmin=0, vmax=top, interpolation="nearest")  # 0 is white
    ax.set_title(title, fontsize=7.5, color=WRONG if wrong else RIGHT, linespacing=1.15)
    if wrong:
        ax.axis("on")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(True)
            spine.set_edgecolor(WRONG)
            spine.set_linewidth(2.5)


def samples(images: np.ndarray, y: np.ndarray, pred: np.ndarray, classes: list[str],
            title: str, n: int = 32, probs: np.ndarray | None = None, cols: int = 8) -> plt.Figure:
    """A grid of the first ``n`` images with true and predicted labels (and the predicted
    class's probability, if given); mistakes titled in red and framed."""
    n = min(n, len(images))
    fig, axes = _grid(n, cols)
    for i in range(n):
        wrong = pred[i] != y[i]
        p = f" ({probs[i, pred[i]]:.0%})" if probs is not None else ""
        label = f"true: {classes[y[i]]}\npred: {classes[pred[i]]}{p}"
        _show(axes.flat[i], images[i], ("✗ " if wrong else "") + label, wrong)
    wrong = int(np.sum(pred[:n] != y[:n]))
    fig.suptitle(f"{title}: {n - wrong} of {n} right (mistakes in red, framed)", fontsize=10)
    return fig


def mistakes(images: np.ndarray, y: np.ndarray, pred: np.ndarray, probs: np.ndarray,
             classes: list[str], title: str, n: int = 16, cols: int = 8) -> plt.Figure:
    """The ``n`` wrong predictions made with the highest probability: what the model is
    surest about and still gets wrong (often ambiguous or mislabelled images)."""
    wrong = np.flatnonzero(pred != y)
    order = wrong[np.argsort(-probs[wrong, pred[wrong]], kind="stable")][:n]
    fig, axes = _grid(max(len(order), 1), cols)
    for ax, i in zip(axes.flat, order):
        label = f"true: {classes[y[i]]} ({probs[i, y[i]]:.0%})\npred: {classes[pred[i]]} ({probs[i, pred[i]]:.0%})"
        _show(ax, images[i], label, True)
    if len(order) == 0:
        axes.flat[0].text(0.5, 0.5, "no mistakes", ha="center", va="center")
    fig.suptitle(f"{title} ({len(wrong)} mistakes in all; probabilities in brackets)", fontsize=10)
    return fig


def weight_images(weight: np.ndarray, classes: list[str], shape: tuple[int, int], title: str) -> plt.Figure:
    """Each class's weight vector as an image, on one shared colour scale: red pixels raise
    that class's score when lit, blue pixels lower it, white ones do not matter."""
    k = len(classes)
    cols = 5 if k > 5 else k
    rows = -(-k // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 2.0, rows * 2.15 + 0.4), squeeze=False,
                             layout="constrained")
    for ax in axes.flat:
        ax.axis("off")
    # One scale for all classes so that their strengths compare; the 99.5th percentile keeps
    # a few extreme pixels from washing the rest out.
    lim = float(np.percentile(np.abs(weight), 99.5)) or 1.0
    for c in range(k):
        im = axes.flat[c].imshow(weight[c].reshape(shape), cmap="RdBu_r", vmin=-lim, vmax=lim,
                                 interpolation="nearest")
        axes.flat[c].set_title(classes[c], fontsize=10)
    fig.colorbar(im, ax=axes.ravel().tolist(), shrink=0.8, label="weight", extend="both")
    fig.suptitle(title, fontsize=11)
    return fig
