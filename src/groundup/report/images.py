"""Figures of image classifiers: sample predictions, confident mistakes, learned weights.

Images are drawn dark-on-white with one grey scale for all (the data sets store light objects
on black, so 0 becomes white), which prints well in a report. A grid of labelled images is one
mosaic in a single axes, with the labels as text and the mistakes framed in red: drawing a few
dozen separate axes takes matplotlib ten times as long for the same picture.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from groundup.i18n import class_names, ft
from groundup.report.figures import new_figure, styled, subplots

WRONG = "#c00000"
RIGHT = "#1a6b1a"
CELL_IN = 1.45  # inches per grid column


@styled
def labelled_grid(images: np.ndarray, labels: list[str], wrong: np.ndarray, title: str,
                  cols: int = 8) -> Figure:
    """Images in rows of ``cols``, each with a two-line label above it; wrong ones in red, framed."""
    n = len(images)
    h, w = images.shape[1:3]
    gap_x = w // 4  # pixels between cells
    cell_w = w + gap_x
    label_h = int(np.ceil(0.4 * cell_w / CELL_IN))  # 0.4 inch above each image for two lines
    cell_h = h + label_h
    rows = max(1, -(-n // cols))
    top = 255 if images.dtype == np.uint8 else max(float(images.max(initial=1.0)), 1.0)
    canvas = np.zeros((rows * cell_h + 2, cols * cell_w), dtype=np.float32)  # 0 = white in gray_r
    width_in = cols * CELL_IN
    fig = new_figure(figsize=(width_in, width_in * canvas.shape[0] / canvas.shape[1] + 0.45))
    ax = fig.add_axes((0, 0, 1, 1 - 0.45 / fig.get_figheight()))
    for i in range(n):
        r, c = divmod(i, cols)
        y0, x0 = r * cell_h + label_h, c * cell_w + gap_x // 2
        canvas[y0:y0 + h, x0:x0 + w] = images[i]
        color = WRONG if wrong[i] else RIGHT
        ax.text(x0 + w / 2, y0 - 2.5, labels[i], ha="center", va="bottom", fontsize=7.5, color=color,
                linespacing=1.15)
        if wrong[i]:
            ax.add_patch(Rectangle((x0 - 1, y0 - 1), w + 1, h + 1, fill=False, edgecolor=WRONG, lw=2.2))
    ax.imshow(canvas, cmap="gray_r", vmin=0, vmax=top, interpolation="nearest", aspect="equal")
    ax.set_xlim(-0.5, cols * cell_w - 0.5)
    ax.set_ylim(canvas.shape[0] - 0.5, -0.5)
    ax.axis("off")
    fig.suptitle(title, fontsize=10, y=1 - 0.12 / fig.get_figheight(), va="top")
    return fig


def samples(images: np.ndarray, y: np.ndarray, pred: np.ndarray, classes: list[str],
            title: str, n: int = 32, probs: np.ndarray | None = None, cols: int = 8) -> Figure:
    """The first ``n`` images with true and predicted labels (and the predicted class's
    probability, if given); mistakes in red, marked ✗ and framed."""
    classes = class_names(classes, figure=True)
    n = min(n, len(images))
    wrong = pred[:n] != y[:n]
    labels = []
    for i in range(n):
        p = f" ({probs[i, pred[i]]:.0%})" if probs is not None else ""
        labels.append(("✗ " if wrong[i] else "") + ft("fig.true_pred", true=classes[y[i]], pred=classes[pred[i]]) + p)
    return labelled_grid(images[:n], labels, wrong,
                         title + ft("fig.samples_title", right=n - int(wrong.sum()), n=n), cols)


@styled
def mistakes(images: np.ndarray, y: np.ndarray, pred: np.ndarray, probs: np.ndarray,
             classes: list[str], title: str, n: int = 16, cols: int = 8) -> Figure:
    """The ``n`` wrong predictions made with the highest probability: what the model is
    surest about and still gets wrong (often ambiguous or mislabelled images)."""
    classes = class_names(classes, figure=True)
    wrong = np.flatnonzero(pred != y)
    order = wrong[np.argsort(-probs[wrong, pred[wrong]], kind="stable")][:n]
    labels = [ft("fig.true_pred", true=f"{classes[y[i]]} ({probs[i, y[i]]:.0%})",
                 pred=f"{classes[pred[i]]} ({probs[i, pred[i]]:.0%})") for i in order]
    heading = title + ft("fig.mistakes_title", n=len(wrong))
    if len(order) == 0:
        fig = new_figure(figsize=(4, 1.2))
        fig.text(0.5, 0.5, title + ft("fig.no_mistakes"), ha="center", va="center")
        return fig
    return labelled_grid(images[order], labels, np.ones(len(order), bool), heading, cols)


@styled
def weight_images(weight: np.ndarray, classes: list[str], shape: tuple[int, int], title: str) -> Figure:
    """Each class's weight vector as an image, on one shared colour scale: red pixels raise
    that class's score when lit, blue pixels lower it, white ones do not matter."""
    classes = class_names(classes, figure=True)
    k = len(classes)
    cols = 5 if k > 5 else k
    rows = -(-k // cols)
    fig, axes = subplots(rows, cols, figsize=(cols * 2.0, rows * 2.15 + 0.4), squeeze=False,
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
    fig.colorbar(im, ax=axes.ravel().tolist(), shrink=0.8, label=ft("fig.weight"), extend="both")
    fig.suptitle(title, fontsize=11)
    return fig
