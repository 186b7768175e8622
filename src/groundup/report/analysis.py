"""The analysis paragraphs of a run's report: what the history and the test predictions show.

Every number these paragraphs print is measured on the run they describe. They judge the
training (unstable, one epoch, still learning, overfitting, converged) from the loss curves,
and the classes from the confusion matrix (each class's recall and precision, and the classes
the model almost never predicts), instead of reading a small train-test gap as a good sign.
"""

from __future__ import annotations

import math

import numpy as np

from groundup.i18n import class_names, t
from groundup.core.metrics import most_confused
from groundup.report.markdown import table
from groundup.training.train import History

# "Still learning": the training loss fell by more than this fraction per epoch over the last
# TREND_EPOCHS epochs; or a run of fewer than FEW_EPOCHS ends with its test loss below its train
# loss while the train loss is still falling.
STILL_FALLING = 0.01
TREND_EPOCHS = 3
FEW_EPOCHS = 10
# "Unstable": a loss this many times the loss of a uniform guess, or this many times a lower
# loss the run had reached before.
BLOW_UP = 10.0
# "Almost never predicts": a class predicted fewer than this fraction of its true count.
RARELY = 0.25


def course_lab() -> str:
    """"The course lab", defined where a report first names it: the course's own code and numbers."""
    return t("course_lab")


def chance_loss(loss: str, n_outputs: int) -> float | None:
    """The mean loss of a model that predicts uniform probabilities: ln k for softmax
    cross-entropy over k classes, ln 2 for binary cross-entropy, none for regression."""
    if loss == "ce" and n_outputs > 1:
        return math.log(n_outputs)
    if loss == "bce":
        return math.log(2)
    return None


def instability(h: History, loss: str, n_outputs: int) -> str | None:
    """A sentence if the loss blew up without becoming NaN, else None.

    Unstable means: the final test loss is at least 10× a uniform guess's (classifiers), or a
    loss rose to at least 10× the lowest value it had reached in an earlier epoch.
    """
    if not h.records:
        return None
    chance = chance_loss(loss, n_outputs)
    final = h.last.test_loss
    reasons = []
    if chance is not None and final >= BLOW_UP * chance:
        reasons.append(t("unstable.chance", final=final, ratio=final / chance,
                         ln="ln " + str(n_outputs) if loss == "ce" else "ln 2", chance=chance))
    for name in ("train_loss", "test_loss"):
        values = h.column(name)
        i = 0  # the epoch of the lowest value so far: one pass, whatever the epoch count
        for j in range(1, len(values)):
            low = values[i]
            if low > 0 and values[j] >= BLOW_UP * low:
                reasons.append(t("unstable.rose", what=t("metric." + name), low=low, i=i + 1,
                                 high=values[j], j=j + 1))
                break
            if values[j] < low:
                i = j
    if not reasons:
        return None
    acc = h.column("test_accuracy")
    trend = ""
    if acc[0] is not None and len(acc) > 1:
        best = max(range(len(acc)), key=acc.__getitem__)
        trend = (t("unstable.acc_was", best=acc[best], epoch=best + 1, last=acc[-1])
                 if best < len(acc) - 1 else t("unstable.acc_ends", last=acc[-1]))
    return t("unstable", reasons=t("and").join(reasons), trend=trend)


def instability_warning(h: History, loss: str, outputs: np.ndarray) -> str | None:
    """The one terminal line for an unstable run (``outputs``: the model's test outputs)."""
    text = instability(h, loss, int(np.shape(outputs)[-1]) if np.ndim(outputs) > 1 else 1)
    return "  " + t("warning", text=text[0].lower() + text[1:]) if text else None


def training_analysis(h: History, loss: str, outputs: np.ndarray) -> list[str]:
    """What the loss curves say about this run's training, in one paragraph."""
    n_outputs = int(np.shape(outputs)[-1]) if np.ndim(outputs) > 1 else 1
    unstable = instability(h, loss, n_outputs)
    if unstable:
        return [t("analysis.unstable", text=unstable)]
    n, last = len(h.records), h.last
    losses = t("analysis.losses", train=last.train_loss, test=last.test_loss)
    if n == 1:
        return [t("analysis.one_epoch", losses=losses)]
    train, test = h.column("train_loss"), h.column("test_loss")
    k = min(TREND_EPOCHS, n - 1)  # the trend over the last k epochs, not one noisy step
    fell = _fall_per_epoch(train, k)
    fell_test = _fall_per_epoch(test, k)
    low = min(range(n), key=test.__getitem__)
    below = last.test_loss < last.train_loss
    lower = t("analysis.test_below") if below else ""
    if low < n - 1 and test[-1] > test[low] * 1.02 and train[-1] < train[low]:
        return [t("analysis.overfitting", epoch=low + 1, low=test[low], test=test[-1], train=train[-1])]
    if fell > STILL_FALLING or (n < FEW_EPOCHS and below and fell > 0):
        return [t("analysis.still_learning", n=n, fell=fell, k=k, train0=train[-1 - k], train1=train[-1],
                  moved=t("fell") if fell_test >= 0 else t("rose"), fell_test=abs(fell_test),
                  test0=test[-1 - k], test1=test[-1], lower=lower)]
    text = t("analysis.converged", n=n, fell=abs(fell), k=k, losses=losses)
    if last.train_accuracy is not None:
        gap = last.train_accuracy - last.test_accuracy
        text += t("analysis.gap", gap=abs(gap), side=t("above") if gap >= 0 else t("below"),
                  end=t("analysis.small_gap") if abs(gap) < 0.02 else t("period"))
    return [text]


def _fall_per_epoch(values: list[float], k: int) -> float:
    """The mean relative decrease per epoch over the last ``k`` epochs (negative: a rise)."""
    before = values[-1 - k]
    return (before - values[-1]) / before / k if before > 0 else 0.0


def class_table(cm: np.ndarray, classes: list[str]) -> tuple[list[list], np.ndarray, np.ndarray]:
    """Rows (class, test samples, predicted, recall, precision), and recall and precision.

    recall_c = cm[c, c] / (samples of class c); precision_c = cm[c, c] / (predictions of c).
    """
    classes = class_names(classes)
    true, predicted, right = cm.sum(axis=1), cm.sum(axis=0), np.diag(cm)
    recall = np.divide(right, true, out=np.full(len(cm), np.nan), where=true > 0)
    precision = np.divide(right, predicted, out=np.full(len(cm), np.nan), where=predicted > 0)
    rows = [[classes[c], int(true[c]), int(predicted[c]), f"{recall[c]:.1%}",
             "–" if np.isnan(precision[c]) else f"{precision[c]:.1%}"] for c in range(len(cm))]
    return rows, recall, precision


def rarely_predicted(cm: np.ndarray, classes: list[str]) -> list[str]:
    """One sentence per class the model predicts for fewer than a quarter of its samples."""
    true, predicted, total = cm.sum(axis=1), cm.sum(axis=0), int(cm.sum())
    classes, out = class_names(classes), []
    for c in range(len(cm)):
        if true[c] >= 10 and predicted[c] < RARELY * true[c]:
            goes = t("sep").join(f"{classes[j]} ({int(cm[c, j])})" for j in np.argsort(-cm[c])[:3]
                                 if j != c and cm[c, j] > 0)
            out.append(t("analysis.rarely", cls=classes[c], predicted=int(predicted[c]), total=total,
                         true=int(true[c]), recall=cm[c, c] / true[c], found=int(cm[c, c]), goes=goes))
    return out


def classification_analysis(h: History, cm: np.ndarray, classes: list[str]) -> list[str]:
    """Best and final accuracy, the classes the model neglects, its mix-ups, and a table of
    recall and precision per class."""
    last, best = h.last, h.best()
    text = t("analysis.best", best=best.test_accuracy, epoch=best.epoch, n=len(h.records),
             last=last.test_accuracy, train=last.train_accuracy)
    pairs, said = most_confused(cm), class_names(classes)
    if pairs:
        text += t("analysis.confused", pairs=t("sep").join(f"{said[i]} → {said[j]} ({n})"
                                                         for i, j, n in pairs))
    rows, _, _ = class_table(cm, classes)
    return [text, *rarely_predicted(cm, classes),
            t("analysis.per_class") + "\n\n" + table(t("analysis.per_class_head").split("|"), rows)]
