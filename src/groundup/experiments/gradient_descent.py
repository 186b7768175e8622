"""gradient-descent: full-batch, stochastic and mini-batch gradient descent compared (004 §3, 002).

The model is a line, the loss the MSE, the gradients derived by hand, in NumPy only:
    L(w, b) = (1/n) Σ_i (w x_i + b − y_i)²
    ∂L/∂w = (2/n) Σ_i (w x_i + b − y_i) x_i        ∂L/∂b = (2/n) Σ_i (w x_i + b − y_i)
The three methods differ only in how many samples n each update averages over: all of them
(full batch), one (SGD) or B (mini-batch). Each runs the same number of epochs with the same
learning rate, so each evaluates the same number of per-sample gradients.

Two data sets: the course's x = [1, 2, 3], y = [2, 4, 6] with y = w·x (no bias, start w = 1),
and a larger noisy set y = 2x + 1 + N(0, 0.5²) with y = w·x + b.
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from groundup.data.batches import batch_slices, epoch_order
from groundup.data.synthetic import linear_set
from groundup.errors import Diverged
from groundup.experiments.base import Experiment
from groundup.core.settings import Settings
from groundup.i18n import experiment_title, ft, t
from groundup.report.figures import styled, subplots
from groundup.report.markdown import figure, fmt, table
from groundup.store.runs import RunFolder
from groundup.training.threads import applied

W0, B0 = 1.0, 0.0  # the course starts at w = 1
COURSE_BATCH = 2  # the mini-batch on the course's three points
NOISY_N, NOISY_W, NOISY_B, NOISY_STD = 1000, 2.0, 1.0, 0.5
COLORS = {"full batch": "#1f77b4", "SGD": "#d62728", "mini-batch": "#2ca02c"}


@dataclass(frozen=True)
class DataSet:
    name: str
    x: np.ndarray
    y: np.ndarray
    fit_bias: bool
    mini_batch: int


def data_sets(settings: Settings) -> list[DataSet]:
    x = np.array([1.0, 2.0, 3.0])
    rng = np.random.default_rng(settings.seed)
    xn, yn = linear_set(NOISY_N, rng, np.array([NOISY_W]), NOISY_B, NOISY_STD)
    return [DataSet("course: y = w·x on [1, 2, 3] → [2, 4, 6]", x, 2 * x, False, COURSE_BATCH),
            DataSet(f"noisy: y = {NOISY_W:g}x + {NOISY_B:g} + N(0, {NOISY_STD:g}²), {NOISY_N} samples",
                    xn[:, 0], yn, True, settings.batch_size)]


# --------------------------------------------------------------------------------- the method

@dataclass
class Descent:
    """One method's run: (w, b) after every update (index 0 is the start) and the seconds it took."""

    method: str
    batch_size: int
    updates_per_epoch: int
    w: np.ndarray
    b: np.ndarray
    seconds: float

    def per_epoch(self, values: np.ndarray) -> np.ndarray:
        """Values at the start and after every epoch."""
        return values[::self.updates_per_epoch]


def descend(data: DataSet, method: str, batch_size: int, *, lr: float, epochs: int, seed: int) -> Descent:
    """Gradient descent on the MSE with batches of ``batch_size`` samples, in a seeded order."""
    x, y, n = data.x, data.y, len(data.x)
    slices = batch_slices(n, batch_size)
    ws = np.empty(epochs * len(slices) + 1)
    bs = np.empty_like(ws)
    w, b, t = W0, B0, 0
    ws[0], bs[0] = w, b
    began = time.perf_counter()
    for epoch in range(epochs):
        order = epoch_order(n, seed, epoch, shuffle=batch_size < n)
        xs, ys = x[order], y[order]
        for s in slices:
            xb, yb = xs[s], ys[s]
            r = w * xb + b - yb  # residuals of this batch
            grad_w = 2 * (r * xb).mean()  # ∂L/∂w of the batch's mean loss
            grad_b = 2 * r.mean() if data.fit_bias else 0.0  # ∂L/∂b (y = w·x has no b)
            w, b = w - lr * grad_w, b - lr * grad_b
            t += 1
            ws[t], bs[t] = w, b
    return Descent(method, batch_size, len(slices), ws, bs, time.perf_counter() - began)


def methods(data: DataSet, settings: Settings) -> list[Descent]:
    n = len(data.x)
    return [descend(data, name, size, lr=settings.lr, epochs=settings.epochs, seed=settings.seed)
            for name, size in (("full batch", n), ("SGD", 1), ("mini-batch", data.mini_batch))]


def check_converging(results, stats_by_set: list[list[dict]], lr: float) -> None:
    for (data, m, _), stats in zip(results, stats_by_set):
        start = m.loss + float(m.excess(np.array(W0), np.array(B0)))
        for s in stats:
            if not np.isfinite(s["loss"]) or s["loss"] > start:
                raise Diverged(f"{s['method']} on the {data.name.split(':')[0]} set: the loss grew from "
                               f"{start:.4g} to {s['loss']:.4g} with lr={lr:g}, each step overshooting the "
                               f"minimum; the learning rate is too high: try --lr {lr / 10:g}")


@dataclass(frozen=True)
class Minimum:
    """The exact least-squares minimum of the MSE, and the quadratic bowl around it."""

    w: float
    b: float
    loss: float
    mean_x: float
    mean_x2: float

    def excess(self, w: np.ndarray, b: np.ndarray) -> np.ndarray:
        """L(w, b) − L(w*, b*) = E[(Δw x + Δb)²] = Δw² E[x²] + 2 Δw Δb E[x] + Δb².

        Exact, because the residual at the minimum is orthogonal to x (and to 1 with a bias), and
        computed from Δ = (w − w*, b − b*) without the cancellation of subtracting two losses.
        """
        dw, db = w - self.w, b - self.b
        return dw ** 2 * self.mean_x2 + 2 * dw * db * self.mean_x + db ** 2


def minimum(data: DataSet) -> Minimum:
    x, y = data.x, data.y
    if data.fit_bias:
        (w, b), *_ = np.linalg.lstsq(np.stack([x, np.ones_like(x)], axis=1), y, rcond=None)
    else:
        w, b = x @ y / (x @ x), 0.0
    return Minimum(float(w), float(b), float(((w * x + b - y) ** 2).mean()),
                   float(x.mean()), float((x ** 2).mean()))


def statistics(d: Descent, m: Minimum, n: int) -> dict:
    """What the report and the tests read off one run."""
    excess = m.excess(d.w, d.b)
    last = slice(len(d.w) - d.updates_per_epoch - 1, None)  # the last epoch, with its starting point
    return {"method": d.method, "batch_size": d.batch_size, "updates_per_epoch": d.updates_per_epoch,
            "updates": len(d.w) - 1, "sample_gradients": (len(d.w) - 1) // d.updates_per_epoch * n,
            "w": float(d.w[-1]), "b": float(d.b[-1]), "loss": float(m.loss + excess[-1]),
            "excess": float(excess[-1]), "excess_epoch_1": float(excess[d.updates_per_epoch]),
            "rises_last_epoch": float((np.diff(excess[last]) > 0).mean()),  # share of updates that raised L
            "w_spread_last_epoch": float(np.ptp(d.w[last])),
            "seconds": d.seconds, "us_per_update": 1e6 * d.seconds / (len(d.w) - 1)}


# -------------------------------------------------------------------------------- the figures

@styled
def comparison_figure(results: list[tuple[DataSet, Minimum, list[Descent]]], lr: float) -> Figure:
    """Rows: data sets. Left: excess loss against epochs (the same work). Right: against updates.

    Against epochs, each method's loss after every update is drawn faint and its loss at the end
    of every epoch bold. An exact fit reaches excess 0, which a log axis leaves out.
    """
    fig, axes = subplots(len(results), 2, figsize=(11, 3.9 * len(results)), squeeze=False)
    for (data, m, runs), (left, right) in zip(results, axes):
        for d in runs:
            excess = m.excess(d.w, d.b)
            excess = np.where(excess > 0, excess, np.nan)
            color = COLORS[d.method]
            if d.updates_per_epoch > 1:
                left.plot(np.arange(len(excess)) / d.updates_per_epoch, excess, color=color, lw=0.5, alpha=0.3)
            left.plot(np.arange(len(d.per_epoch(excess))), d.per_epoch(excess), color=color, lw=1.8)
            right.plot(np.arange(1, len(excess)), excess[1:], color=color, lw=1.0, alpha=0.85,
                       zorder=3 if d.method == "full batch" else 2)
        for ax in (left, right):
            ax.set_yscale("log")
            ax.set_ylabel(ft("exp.gd.excess_axis"))
        left.set_xlabel(ft("exp.gd.epoch_axis"))
        right.set_xlabel(ft("exp.gd.update_axis"))
        right.set_xscale("log")
        batches = ", ".join(f"{d.method} {d.batch_size}" for d in runs)
        left.set_title(data.name + "\n" + ft("exp.gd.against_epochs"), fontsize=9)
        best = ft("exp.gd.minimum4", loss=m.loss, w=m.w) + (f", b = {m.b:.4f}" if data.fit_bias else "")
        right.set_title(best + "\n" + ft("exp.gd.against_updates", batches=batches), fontsize=9)
    handles = [Line2D([], [], color=c, lw=2) for c in COLORS.values()]
    fig.legend(handles, list(COLORS), loc="upper center", ncol=3, bbox_to_anchor=(0.5, 0.965), frameon=False)
    fig.suptitle(ft("exp.gd.comparison_title", lr=lr), fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    return fig


@styled
def paths_figure(data: DataSet, m: Minimum, runs: list[Descent]) -> Figure:
    """(w, b) after every update over the loss contours: the whole way, and the last epoch up close."""
    fig, axes = subplots(1, 2, figsize=(11, 5))
    sgd = max(runs, key=lambda d: d.updates_per_epoch)
    tail = slice(-sgd.updates_per_epoch - 1, None)
    half = 1.2 * max(np.abs(sgd.w[tail] - m.w).max(), np.abs(sgd.b[tail] - m.b).max(), 1e-3)
    far = max(abs(W0 - m.w), abs(B0 - m.b)) + 0.2
    for ax, zoom in zip(axes, (False, True)):
        r = half if zoom else far
        gw, gb = np.meshgrid(np.linspace(m.w - r, m.w + r, 150), np.linspace(m.b - r, m.b + r, 150))
        excess = m.excess(gw, gb)
        ax.contour(gw, gb, excess, levels=np.geomspace(excess.max() / 300, excess.max(), 6),
                   colors="#bbbbbb", linewidths=0.8)
        ax.plot(m.w, m.b, "*", color="k", ms=13, ls="none", zorder=1, label=ft("exp.gd.ls_minimum"))
        for d in sorted(runs, key=lambda d: -d.updates_per_epoch):  # SGD first, the full batch on top
            part = slice(-d.updates_per_epoch - 1, None) if zoom else slice(None)
            ax.plot(d.w[part], d.b[part], "-", color=COLORS[d.method], lw=0.7 if d is sgd else 1.8,
                    alpha=0.8 if d is sgd else 1.0, label=ft("exp.gd.method_batch", method=d.method, batch=d.batch_size))
            ax.plot(d.w[-1], d.b[-1], "o", color=COLORS[d.method], ms=6, mec="white")
        ax.set_xlim(m.w - r, m.w + r)
        ax.set_ylim(m.b - r, m.b + r)
        ax.set_aspect("equal")
        ax.set_xlabel("w")
        ax.set_ylabel("b")
    axes[0].set_title(ft("exp.gd.from", w0=W0, b0=B0), fontsize=9)
    axes[1].set_title(ft("exp.gd.zoom"), fontsize=9)
    axes[0].legend(fontsize=8, loc="lower right")
    fig.suptitle(data.name + ft("exp.gd.paths_title"), fontsize=10)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------- terminal and report

def headers() -> list[str]:
    """The columns of the results tables."""
    return t("exp.gd.head").split("|")


def rows(stats: list[dict], fit_bias: bool) -> list[list]:
    return [[s["method"], s["batch_size"], s["updates"], s["sample_gradients"], f"{s['w']:.6f}",
             f"{s['b']:.6f}" if fit_bias else "–", f"{s['loss']:.6g}", f"{s['excess']:.3g}",
             f"{1e3 * s['seconds']:.2f}", f"{s['us_per_update']:.2f}"] for s in stats]


def text_table(headers: list[str], body: list[list]) -> list[str]:
    cells = [headers] + [[fmt(v) for v in r] for r in body]
    widths = [max(len(str(r[i])) for r in cells) for i in range(len(headers))]
    return ["  ".join(str(v).rjust(w) if i else str(v).ljust(w) for i, (v, w) in enumerate(zip(row, widths)))
            for row in cells]


def analysis(results, stats_by_set: list[list[dict]], settings: Settings) -> list[str]:
    """The course's lessons, each stated with this run's measured numbers."""
    (_, _, _), (noisy, mn, _) = results
    full, sgd, mini = stats_by_set[1]
    course_full, course_sgd, _ = stats_by_set[0]
    n, e = len(noisy.x), settings.epochs
    best = min((full, sgd, mini), key=lambda s: s["excess"])
    fields = dict(lr=settings.lr, e=e, n=n, full=full, sgd=sgd, mini=mini, mn=mn, best=best["method"],
                  course_full=course_full["w"], course_sgd=course_sgd["w"], full_ms=1e3 * full["seconds"],
                  sgd_ms=1e3 * sgd["seconds"], mini_ms=1e3 * mini["seconds"],
                  sgd_ratio=sgd["seconds"] / full["seconds"], mini_speedup=sgd["seconds"] / mini["seconds"])
    return [t(f"exp.gd.{part}", **fields) for part in ("same_work", "progress", "noisy", "parallel", "mini")]


def _epochs_csv(results) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    columns = [(data, m, d) for data, m, runs in results for d in runs]
    writer.writerow(["epoch"] + [f"{data.name.split(':')[0]} {d.method} mse" for data, _, d in columns])
    losses = [m.loss + m.excess(d.per_epoch(d.w), d.per_epoch(d.b)) for _, m, d in columns]
    for epoch in range(len(losses[0])):
        writer.writerow([epoch] + [f"{loss[epoch]:.8g}" for loss in losses])
    return buf.getvalue()


def compare(settings: Settings) -> tuple[list, list[list[dict]]]:
    """Run the three methods on both data sets: ([(data, minimum, runs)], [[statistics]])."""
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run is reported, not warned about
        results = [(data, minimum(data), methods(data, settings)) for data in data_sets(settings)]
        return results, [[statistics(d, m, len(data.x)) for d in runs] for data, m, runs in results]


def run(exp: Experiment, impls: list[str], settings: Settings, out: Path, preset: str,
        quiet: bool = False, say=print) -> dict:
    """Run the comparison, print its tables, write figures, tables and the report."""
    folder = RunFolder(out)
    used = {k: getattr(settings, k) for k in ("epochs", "lr", "batch_size", "seed")}
    folder.write_config(exp.name, preset, threads=applied(), settings=used, start={"w": W0, "b": B0}, course_mini_batch=COURSE_BATCH,
                        noisy_set={"n": NOISY_N, "w": NOISY_W, "b": NOISY_B, "noise_std": NOISY_STD})
    say(t("run.gd_header", name=exp.name, title=experiment_title(exp), section=exp.section, epochs=settings.epochs,
          lr=settings.lr, w0=W0, b0=B0, folder=folder.path))
    results, stats = compare(settings)
    check_converging(results, stats, settings.lr)
    report = [f"# {experiment_title(exp)}", "",
              t("exp.gd.intro", name=exp.name, section=exp.section, preset=preset, epochs=settings.epochs,
                lr=settings.lr, w0=W0, b0=B0, seed=settings.seed), "",
              t("report.results"), ""]
    for (data, m, _), s in zip(results, stats):
        body = rows(s, data.fit_bias)
        best = t("exp.gd.minimum6", loss=m.loss, w=m.w) + (f", b = {m.b:.6f}" if data.fit_bias else "")
        say("")
        say(f"{data.name}  ({best})")
        for line in text_table(headers(), body):
            say("   " + line)
        report += [f"### {data.name}", "", t("exp.gd.least_squares", best=best), "", table(headers(), body), ""]
    text = analysis(results, stats, settings)
    blocks = [figure(folder.save_figure(comparison_figure(results, settings.lr), "comparison.png"),
                     t("exp.gd.comparison_caption")),
              figure(folder.save_figure(paths_figure(*results[1]), "paths.png"),
                     t("exp.gd.paths_caption"))]
    folder.write_text("epochs.csv", _epochs_csv(results))
    say("")
    say(t("run.gd_sgd_took", ratio=stats[1][1]["seconds"] / stats[1][0]["seconds"], path=folder.path / "report.md"))
    report += [t("report.analysis"), ""] + [p + "\n" for p in text] + [t("report.figures"), ""] + [b + "\n" for b in blocks]
    report += [t("exp.gd.csv"), ""]
    folder.write_text("report.md", "\n".join(report))
    summary = {"experiment": exp.name, "preset": preset, "status": "completed", **used,
               "data_sets": [{"name": data.name, "n": len(data.x), "fit_bias": data.fit_bias,
                              "minimum": {"w": m.w, "b": m.b, "mse": m.loss}, "methods": s}
                             for (data, m, _), s in zip(results, stats)]}
    folder.write_json("summary.json", summary)
    return summary


EXPERIMENTS = [Experiment(
    name="gradient-descent", title="Gradient descent: full batch, SGD and mini-batch", section="004 §3, 002",
    model="y = w·x (+ b)", dataset="x = [1, 2, 3]; noisy line (seeded)", impls=(),
    presets={"seed": dict(epochs=100, lr=0.01, batch_size=32, seed=0),
             "quick": dict(epochs=10, lr=0.01, batch_size=32, seed=0)}, run=run)]
