"""linear-regression: d2l's synthetic set, y = Xw + b + N(0, 0.01²), in all three implementations (003, 002).

w = [2, −3.4], b = 4.2, X ~ N(0, 1), 1000 training and 1000 test samples from one seeded
generator. The model is ``DenseSpec((2, 1), loss="mse")``: numpy (the MSE's gradient by hand),
scratch (autograd, own squared loss and SGD), nn (nn.Linear, nn.MSELoss, optim.SGD).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from groundup.data import synthetic
from groundup.experiments.base import Experiment
from groundup.experiments.supervised import Data, Outcome, Task, run
from groundup.i18n import ft, t
from groundup.core.models import IMPLS, DenseSpec
from groundup.report.figures import styled, subplots
from groundup.report.markdown import figure
from groundup.training.train import Split

SPEC = DenseSpec((2, 1), loss="mse")
N_TRAIN, N_TEST, NOISE = 1000, 1000, 0.01

PRESETS = {
    # d2l's settings: w ~ N(0, 0.01²), b = 0, lr 0.03, batch 10, 3 epochs.
    "seed": dict(epochs=3, batch_size=10, lr=0.03, init="normal", init_std=0.01),
    "quick": dict(epochs=3, batch_size=10, lr=0.03, init="normal", init_std=0.01),
}


def load(settings) -> Data:
    rng = np.random.default_rng(settings.seed)
    x_train, y_train = synthetic.linear_set(N_TRAIN, rng, noise=NOISE)
    x_test, y_test = synthetic.linear_set(N_TEST, rng, noise=NOISE)
    return Data(Split(x_train, y_train, x_test, y_test),
                f"d2l synthetic linear set (y = Xw + b + N(0, {NOISE}²))",
                summary={"true_w": synthetic.LINEAR_W, "true_b": synthetic.LINEAR_B, "noise_std": NOISE})


def plane(w: np.ndarray, b: float, digits: int = 4) -> str:
    """'y = 2.0000·x1 − 3.4000·x2 + 4.2000'."""
    text = f"y = {w[0]:.{digits}f}·x1"
    for v, term in ((w[1], "·x2"), (b, "")):
        text += f" {'−' if v < 0 else '+'} {abs(v):.{digits}f}{term}"
    return text


@styled
def fit_figure(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: float, title: str) -> Figure:
    """The test data against each feature with the fitted plane's cross-section (the other
    feature at 0) and the true one; then the residuals y − ŷ beside the noise they should be."""
    true_w, true_b = synthetic.LINEAR_W, synthetic.LINEAR_B
    fig, axes = subplots(1, 3, figsize=(13, 4))
    for j, ax in enumerate(axes[:2]):
        k = 1 - j
        ax.scatter(x[:, j], y, s=4, alpha=0.4, color="#1f77b4", label=ft("exp.linreg.samples"))
        xs = np.linspace(x[:, j].min(), x[:, j].max(), 2)
        ax.plot(xs, true_w[j] * xs + true_b, "k--", lw=2.5, label=ft("exp.linreg.true", w=true_w[j], j=j + 1, b=true_b))
        ax.plot(xs, w[j] * xs + b, "-", color="#d62728", lw=1.2, label=ft("exp.linreg.fitted", w=w[j], j=j + 1, b=b))
        ax.set_xlabel(f"x{j + 1}")
        ax.set_ylabel("y")
        ax.set_title(ft("exp.linreg.against", j=j + 1, k=k + 1, wk=true_w[k]), fontsize=9)
        ax.legend(fontsize=8, loc="upper left" if w[j] > 0 else "upper right")
    ax = axes[2]
    residual = y - (x @ w + b)
    ax.hist(residual, bins=40, density=True, color="#1f77b4", alpha=0.6, label=ft("exp.linreg.residuals"))
    r = np.linspace(-4 * NOISE, 4 * NOISE, 200)
    ax.plot(r, np.exp(-0.5 * (r / NOISE) ** 2) / (NOISE * np.sqrt(2 * np.pi)), "k--",
            label=ft("exp.linreg.noise", noise=NOISE))
    ax.set_xlabel("y − ŷ")
    ax.set_ylabel(ft("exp.linreg.density"))
    ax.set_title(ft("exp.linreg.residual_title", mean=residual.mean(), std=residual.std()), fontsize=9)
    ax.legend(fontsize=8, loc="upper left")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def extras(o: Outcome, data: Data, folder):
    w, b = o.params["0.weight"][0], float(o.params["0.bias"][0])
    true_w, true_b = synthetic.LINEAR_W, synthetic.LINEAR_B
    w_err, b_err = np.abs(w - true_w), abs(b - true_b)
    test_mse = o.history.last.test_loss
    s = o.settings
    name = folder.save_figure(fit_figure(data.split.x_test, data.split.y_test, w, b,
                                         ft("exp.linreg.fig_title", impl=o.impl, fitted=plane(w, b),
                                            true=plane(true_w, true_b, 1))),
                              "fit.png")
    analysis = [
        t("exp.linreg.recovered", w0=w[0], w1=w[1], b=b, e0=w_err[0], e1=w_err[1], eb=b_err, epochs=s.epochs,
          steps=-(-len(data.split.y_train) // s.batch_size), mse=test_mse, var=NOISE ** 2, noise=NOISE),
        t("exp.linreg.loss", lr=s.lr, lr2=2 * s.lr, var=NOISE ** 2, half=NOISE ** 2 / 2),
    ]
    summary = {"w": w, "b": b, "test_mse": test_mse, "w_error": w_err, "b_error": b_err}
    return ([figure(name, t("exp.linreg.caption"))],
            analysis, summary)


EXPERIMENTS = [Experiment(
    name="linear-regression", title="Linear regression on synthetic data", section="003, 002",
    model="linear regression 2-1", dataset="synthetic (seeded)", impls=IMPLS,
    presets=PRESETS, run=run, task=Task(SPEC, load, extras))]
