"""logistic-synthetic: logistic regression on the course lab's two-feature data (000 §2)."""

from __future__ import annotations

import numpy as np

from groundup.data import synthetic
from groundup.experiments.base import Experiment
from groundup.experiments.supervised import Data, Outcome, Task, run
from groundup.i18n import ft, t
from groundup.core.models import IMPLS, DenseSpec
from groundup.report import figures
from groundup.report.analysis import course_lab
from groundup.report.markdown import figure
from groundup.training.train import Split

SPEC = DenseSpec((2, 1), loss="bce")

PRESETS = {
    # The lab's settings: 100 epochs, batch 64. One learning rate for every implementation:
    # losses are means, so the same lr means the same update everywhere.
    "seed": dict(epochs=100, batch_size=64, lr=0.5),
    "quick": dict(epochs=10, batch_size=64, lr=0.5),
    # Centred, unit-variance features make the loss surface round, so a large step is
    # stable; a cosine schedule then settles the boundary.
    "best": dict(epochs=200, batch_size=64, lr=2.0, standardize=True, schedule="cosine"),
}


def load(settings) -> Data:
    x_train, y_train, x_test, y_test = synthetic.logistic_seed_split(settings.seed)
    ceiling = synthetic.boundary_accuracy(x_test, y_test)
    return Data(Split(x_train, y_train, x_test, y_test), "synthetic logistic set (the course lab, 000 §2)",
                classes=["0", "1"], summary={"reference_test_accuracy": ceiling})


def extras(o: Outcome, data: Data, folder):
    w, b = o.params["0.weight"][0], float(o.params["0.bias"][0])
    if data.scaling is not None:  # map the weights back to the original features
        mean, std = data.scaling
        # w_s . (x - mean) / std + b_s  =  (w_s / std) . x + (b_s - sum(w_s mean / std))
        w, b = w / std, b - float(np.sum(w * mean / std))
    x, y = data.split.x_test, data.split.y_test
    if data.scaling is not None:
        x = x * data.scaling[1] + data.scaling[0]
    name = folder.save_figure(figures.decision_boundary(
        x, y, w, b, synthetic.LOGISTIC_W, synthetic.LOGISTIC_B,
        ft("exp.logistic.fig_title", impl=o.impl)), "boundary.png")
    ceiling = data.summary["reference_test_accuracy"]
    acc = o.history.last.test_accuracy
    scale = abs(synthetic.LOGISTIC_B / b) if b else float("nan")
    analysis = [
        t("exp.logistic.ceiling", ceiling=ceiling, acc=acc, below=ceiling - acc, w0=w[0], w1=w[1], b=b,
          scale=scale, sw0=w[0] * scale, sw1=w[1] * scale, sb=b * scale),
        t("exp.logistic.speeds", course_lab=course_lab()),
    ]
    return ([figure(name, t("exp.logistic.caption"))],
            analysis, {"w": w, "b": b})


EXPERIMENTS = [Experiment(
    name="logistic-synthetic", title="Logistic regression on synthetic data", section="000 §2",
    model="logistic regression 2-1", dataset="synthetic (seeded)", impls=IMPLS,
    presets=PRESETS, run=run, task=Task(SPEC, load, extras))]
