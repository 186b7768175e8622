"""The figures of a run, each a function from numbers to a matplotlib Figure.

Figures are ``matplotlib.figure.Figure`` objects, drawn and saved without pyplot: that needs no
backend, so importing groundup never changes the user's (in a notebook: the inline one). Each
is made by ``new_figure`` with an Agg canvas of its own, the one it is saved with: the layout
pass, the tight bounding box and the saving then measure text with one renderer instead of a
new one each (the same PNG, in 5-7 % less time: ``benchmarks/bench_figures.py``). The
project's style (and the font of the report's language) applies only while a figure is drawn
(``styled``), never to the user's rcParams. Text drawn in a figure comes from ``i18n.ft``.
"""

from __future__ import annotations

import functools

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from groundup.i18n import class_names, figure_rc, ft
from groundup.core.metrics import per_class_accuracy

TRAIN, TEST = "#1f77b4", "#d62728"
IMPL_COLORS = {"numpy": "#2ca02c", "scratch": "#ff7f0e", "nn": "#1f77b4"}
IMPL_STYLES = {"numpy": "-", "scratch": "--", "nn": ":"}

STYLE = {"axes.grid": True, "grid.alpha": 0.3, "axes.spines.top": False,
         "axes.spines.right": False, "figure.dpi": 110}


def styled(draw):
    """Run a drawing function under the project's style; the user's rcParams are restored after."""
    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context({**STYLE, **figure_rc()}):
            return draw(*args, **kwargs)
    return wrapper


def new_figure(**kwargs) -> Figure:
    """``Figure(**kwargs)`` on an Agg canvas of its own (no pyplot, no backend chosen)."""
    fig = Figure(**kwargs)
    FigureCanvasAgg(fig)
    return fig


def subplots(nrows: int = 1, ncols: int = 1, **kwargs) -> tuple[Figure, object]:
    """``pyplot.subplots`` without pyplot: a new Figure and its grid of axes."""
    figsize = kwargs.pop("figsize", None)
    layout = kwargs.pop("layout", None)
    fig = new_figure(figsize=figsize, layout=layout)
    return fig, fig.subplots(nrows, ncols, **kwargs)


def _epoch_axis(ax, epochs: list[int]) -> None:
    ax.set_xlabel(ft("fig.epoch"))
    if len(epochs) <= 12:
        ax.set_xticks(epochs)


@styled
def curves(rows: list[dict], title: str) -> Figure:
    """Loss (and accuracy, for classifiers) per epoch, train and test."""
    epochs = [r["epoch"] for r in rows]
    has_acc = rows[0]["test_accuracy"] is not None
    fig, axes = subplots(1, 2 if has_acc else 1, figsize=(10 if has_acc else 5.5, 3.8), squeeze=False)
    marker = "o" if len(rows) <= 20 else None
    ax = axes[0, 0]
    ax.plot(epochs, [r["train_loss"] for r in rows], color=TRAIN, marker=marker, label=ft("fig.train"))
    ax.plot(epochs, [r["test_loss"] for r in rows], color=TEST, marker=marker, label=ft("fig.test"))
    ax.set_ylabel(ft("fig.loss_axis"))
    if not has_acc and min(r["test_loss"] for r in rows) > 0:
        ax.set_yscale("log")  # a regression loss falls by orders of magnitude
    ax.set_title(ft("fig.loss"))
    _epoch_axis(ax, epochs)
    ax.legend()
    if has_acc:
        ax = axes[0, 1]
        ax.plot(epochs, [r["train_accuracy"] for r in rows], color=TRAIN, marker=marker, label=ft("fig.train"))
        ax.plot(epochs, [r["test_accuracy"] for r in rows], color=TEST, marker=marker, label=ft("fig.test"))
        best = max(rows, key=lambda r: r["test_accuracy"])
        ax.plot([best["epoch"]], [best["test_accuracy"]], "*", color=TEST, ms=12, ls="none",
                label=ft("fig.best_test", acc=best["test_accuracy"], epoch=best["epoch"]))
        ax.set_ylabel(ft("fig.accuracy_axis"))
        ax.set_title(ft("fig.accuracy"))
        _epoch_axis(ax, epochs)
        ax.legend(loc="lower right")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


@styled
def confusion(cm: np.ndarray, classes: list[str], title: str) -> Figure:
    """Counts of (true, predicted) pairs, with each true class's accuracy on the right."""
    classes = class_names(classes, figure=True)
    k = len(classes)
    size = max(3.8, 0.62 * k + 2.2)
    fig, ax = subplots(figsize=(size + 1.2, size))
    shown = np.log1p(cm)  # log scale so that small confusions stay visible beside the diagonal
    ax.imshow(shown, cmap="Blues")
    ax.grid(False)
    for i in range(k):
        for j in range(k):
            dark = (shown[i, j] - shown.min()) / (np.ptp(shown) or 1) > 0.5
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=8 if k > 5 else 11,
                    color="white" if dark else "black")
    ax.set_xticks(range(k), classes, rotation=45 if k > 2 else 0, ha="right" if k > 2 else "center")
    ax.set_yticks(range(k), classes)
    ax.set_xlabel(ft("fig.predicted_class"))
    ax.set_ylabel(ft("fig.true_class"))
    acc = per_class_accuracy(cm)
    right = ax.secondary_yaxis("right")
    right.set_yticks(range(k), [f"{a:.1%}" for a in acc])
    right.set_ylabel(ft("fig.per_class_accuracy"))
    right.spines["right"].set_visible(False)
    total = np.trace(cm) / cm.sum()
    ax.set_title(title + "\n" + ft("fig.confusion_title", acc=total, n=int(cm.sum())), fontsize=10)
    fig.tight_layout()
    return fig


@styled
def compare_curves(runs: dict[str, list[dict]], title: str) -> Figure:
    """Loss and accuracy curves of several implementations on the same axes."""
    first = next(iter(runs.values()))
    has_acc = first[0]["test_accuracy"] is not None
    metrics = ["train_loss", "test_loss"] + (["train_accuracy", "test_accuracy"] if has_acc else [])
    fig, axes = subplots(1, len(metrics), figsize=(3.6 * len(metrics), 3.4), squeeze=False)
    for ax, key in zip(axes[0], metrics):
        for impl, rows in runs.items():
            ax.plot([r["epoch"] for r in rows], [r[key] for r in rows], IMPL_STYLES.get(impl, "-"),
                    color=IMPL_COLORS.get(impl), label=impl, lw=2)
        ax.set_title(ft("fig." + key))
        _epoch_axis(ax, [r["epoch"] for r in first])
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    return fig


@styled
def decision_boundary(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: float,
                      true_w: np.ndarray, true_b: float, title: str) -> Figure:
    """2-D points coloured by label, the learned boundary w.x + b = 0 and the true one."""
    fig, ax = subplots(figsize=(5.2, 4.8))
    for label, color in ((0, "#1f77b4"), (1, "#d62728")):
        pts = x[y == label]
        ax.scatter(pts[:, 0], pts[:, 1], s=7, alpha=0.6, color=color, label=ft("fig.label", label=label))
    xs = np.linspace(x[:, 0].min(), x[:, 0].max(), 50)
    for (ww, bb), style, name in (((true_w, true_b), "k--", ft("fig.true_boundary")), ((w, b), "g-", ft("fig.learned_boundary"))):
        if abs(ww[1]) > 1e-12:
            ax.plot(xs, -(ww[0] * xs + bb) / ww[1], style, lw=2, label=name)
    ax.set_xlim(x[:, 0].min(), x[:, 0].max())
    ax.set_ylim(x[:, 1].min(), x[:, 1].max())
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig
