"""diabetes, diabetes-minibatch: the course's 8-6-4-1 sigmoid network on the Pima table (004 §7-8).

The two ways the course trains it are two experiments. ``diabetes`` takes one full-batch
step per epoch (004 §7). ``diabetes-minibatch`` takes shuffled mini-batches of 32 (004 §8),
and its ``nn`` implementation draws them from a ``torch.utils.data`` Dataset and DataLoader,
as the course does; ``numpy`` and ``scratch`` slice the same batches out of one array. A
sampler that yields groundup's seeded order keeps all three on the same trajectory.

The data are split once, stratified and seeded (25 % test, the same class ratio in both
parts), and every accuracy is read against the majority-class baseline.
"""

from __future__ import annotations

import numpy as np

from groundup.data.tabular import load_diabetes
from groundup.experiments.base import Experiment
from groundup.core.settings import Settings
from groundup.experiments.supervised import Data, Outcome, Task, run
from groundup.i18n import ft, t
from groundup.core.models import IMPLS, DenseSpec
from groundup.nn.dataloader import loader_batches
from groundup.report import figures
from groundup.report.markdown import figure
from groundup.store.runs import RunFolder
from groundup.training.train import History, Split

SPEC = DenseSpec((8, 6, 4, 1), activation="sigmoid", loss="bce")
TEST_FRACTION = 0.25
# Full batch: all 568 training rows of the real table in every step. (The split's sizes do
# not depend on the seed; any batch size >= the training rows is one batch of all of them.)
FULL_BATCH = 568

# The quick and best settings were chosen by 4-fold cross-validation on the training rows
# (never the test rows), 2 seeds per fold, cosine schedule; mean validation accuracy (std
# over the 8 runs ~0.026, so differences under ~0.02 are noise). Full batch: lr 0.5
# momentum 0.9: 0.653 / 0.770 / 0.778 after 100 / 300 / 1000 epochs; lr 3 momentum 0.9:
# 0.765 / 0.779 / 0.732; plain lr 3: 0.653 / 0.715 / 0.761. Batch 32, plain SGD: lr 1:
# 0.653 / 0.775 / 0.762 after 30 / 100 / 300 epochs; lr 3: 0.775 / 0.771 / 0.762; lr 0.3:
# 0.653 / 0.653 / 0.775. The course's settings stay at the class ratio, 0.653.
FULL_PRESETS = {
    # The course (004 §7): the whole table in every step, SGD lr 0.1, 100 epochs.
    "seed": dict(epochs=100, lr=0.1, batch_size=FULL_BATCH),
    "quick": dict(epochs=100, lr=3.0, momentum=0.9, schedule="cosine", batch_size=FULL_BATCH),
    "best": dict(epochs=1000, lr=0.5, momentum=0.9, schedule="cosine", batch_size=FULL_BATCH),
}
MINIBATCH_PRESETS = {
    # The course (004 §8): DataLoader(batch_size=32, shuffle=True), SGD lr 0.01, 100 epochs.
    "seed": dict(epochs=100, lr=0.01, batch_size=32),
    "quick": dict(epochs=30, lr=3.0, batch_size=32, schedule="cosine"),
    "best": dict(epochs=100, lr=1.0, batch_size=32, schedule="cosine"),
}


def stratified_split(y: np.ndarray, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Train and test row indices (each sorted) with the same class ratio in both parts.

    Each class's rows are shuffled with the seed and round(test_fraction * count) of them go
    to the test part, so the ratio can differ from the whole table's only by rounding.
    """
    rng = np.random.default_rng([seed, 7])  # its own stream: not the init's, not the batches'
    test = []
    for label in np.unique(y):
        rows = np.flatnonzero(y == label)
        test.append(rng.permutation(rows)[:round(test_fraction * len(rows))])
    test_idx = np.sort(np.concatenate(test))
    return np.setdiff1d(np.arange(len(y)), test_idx), test_idx


def load(settings: Settings) -> Data:
    table = load_diabetes(settings.data_dir)
    train, test = stratified_split(table.y, TEST_FRACTION, settings.seed)
    split = Split(table.x[train], table.y[train], table.x[test], table.y[test])
    majority = int(np.bincount(split.y_train, minlength=2).argmax())
    baseline = float(np.mean(split.y_test == majority))
    return Data(split, f"Pima diabetes table ({len(table.y)} rows, {table.path.name}; stratified "
                f"{1 - TEST_FRACTION:.0%}/{TEST_FRACTION:.0%} split, seed {settings.seed})",
                classes=["0", "1"],
                summary={"baseline_test_accuracy": baseline, "majority_class": majority,
                         "split": {"test_fraction": TEST_FRACTION, "seed": settings.seed,
                                   "n_train": len(train), "n_test": len(test),
                                   "train_class_1_fraction": float(split.y_train.mean()),
                                   "test_class_1_fraction": float(split.y_test.mean())}})


def uses_loader(exp_name: str, impl: str) -> bool:
    """Whether this run's batches come from a torch DataLoader (only nn, only mini-batch)."""
    return exp_name == "diabetes-minibatch" and impl == "nn"


def make_extras(exp_name: str):
    def extras(o: Outcome, data: Data, folder: RunFolder):
        s, split = o.settings, data.split
        n_train = len(split.y_train)
        baseline, majority = data.summary["baseline_test_accuracy"], data.summary["majority_class"]
        acc = o.history.last.test_accuracy
        share = float(np.mean(o.test_pred == majority))
        name = folder.save_figure(_baseline_figure(o.history, baseline, f"{exp_name} · {o.impl}"),
                                  "baseline.png")
        loader = uses_loader(exp_name, o.impl)
        if s.batch_size >= n_train:
            batches = t("exp.diabetes.full_batch", n=n_train)
        else:
            batches = t("exp.diabetes.mini_batches", bs=s.batch_size, steps=-(-n_train // s.batch_size))
            batches += t("exp.diabetes.loader") if loader else t("exp.diabetes.slices")
            if exp_name == "diabetes-minibatch" and not loader:
                batches += t("exp.diabetes.nn_loader")
        verdict = (t("exp.diabetes.against", diff=acc - baseline) if share < 1 else
                   t("exp.diabetes.exactly", majority=majority))
        analysis = [
            t("exp.diabetes.what", batches=batches),
            t("exp.diabetes.baseline", majority=majority, baseline=baseline, acc=acc, verdict=verdict, share=share),
            t("exp.diabetes.logits"),
        ]
        fields = {"batches": "DataLoader" if loader else "index slices",
                  "test_predicted_majority_fraction": share}
        return [figure(name, t("exp.diabetes.caption"))], analysis, fields
    return extras


@figures.styled
@figures.styled
def _baseline_figure(history: History, baseline: float, title: str):
    fig, ax = figures.subplots(figsize=(5.5, 3.6))
    epochs = history.column("epoch")
    ax.plot(epochs, history.column("train_accuracy"), color=figures.TRAIN, label=ft("fig.train"))
    ax.plot(epochs, history.column("test_accuracy"), color=figures.TEST, label=ft("fig.test"))
    ax.axhline(baseline, color="k", ls="--", lw=1.2, zorder=1, label=ft("exp.diabetes.majority_line", baseline=baseline))
    values = history.column("train_accuracy") + history.column("test_accuracy") + [baseline]
    lo, hi = min(values) - 0.02, max(values) + 0.02
    if hi - lo < 0.15:  # a flat run (the course's settings) must not be zoomed into noise
        mid = (lo + hi) / 2
        lo, hi = mid - 0.075, mid + 0.075
    ax.set_ylim(lo, hi)
    ax.set_xlabel(ft("fig.epoch"))
    ax.set_ylabel(ft("fig.accuracy_axis"))
    ax.set_title(title, fontsize=10)
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


EXPERIMENTS = [
    Experiment(name="diabetes", title="Diabetes: 8-6-4-1 sigmoid network, full batch", section="004 §7",
               model="MLP 8-6-4-1 sigmoid", dataset="diabetes", impls=IMPLS, presets=FULL_PRESETS,
               run=run, task=Task(SPEC, load, make_extras("diabetes")), needs=("diabetes",)),
    Experiment(name="diabetes-minibatch", title="Diabetes: 8-6-4-1 sigmoid network, mini-batches "
               "(nn through Dataset/DataLoader)", section="004 §8", model="MLP 8-6-4-1 sigmoid",
               dataset="diabetes", impls=IMPLS, presets=MINIBATCH_PRESETS, run=run,
               task=Task(SPEC, load, make_extras("diabetes-minibatch"),
                         batch_source=lambda impl: loader_batches if uses_loader("diabetes-minibatch", impl) else None),
               needs=("diabetes",)),
]
