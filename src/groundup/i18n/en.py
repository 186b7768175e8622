"""The report's sentences in English: the reference catalogue every other language follows.

Keys are grouped by where they appear: ``fig.*`` in figures, ``cap.*`` figure captions,
``report.*`` / ``compare.*`` a run's report.md and comparison.md, ``analysis.*`` its analysis
paragraphs, ``lab.*`` the lab's index, ``exp.<name>.*`` one experiment's own text.
Fields in braces are filled in by ``i18n.t``; their format specs are part of the sentence.
"""

EN = {
    # ---- small words
    "yes": "yes", "no": "no", "and": " and ", "sep": ", ", "period": ".",
    "fell": "fell", "rose": "rose", "above": "above", "below": "below",
    "warning": "warning: {text}",
    "font.missing": ("No installed font draws Chinese (Debian: apt-get install fonts-noto-cjk), so the "
                     "figures keep English labels."),
    "metric.train_loss": "train loss", "metric.test_loss": "test loss",
    "metric.train_accuracy": "train accuracy", "metric.test_accuracy": "test accuracy",

    # ---- figures
    "fig.epoch": "epoch", "fig.train": "train", "fig.test": "test",
    "fig.loss_axis": "loss (mean per sample)", "fig.loss": "Loss",
    "fig.accuracy_axis": "accuracy", "fig.accuracy": "Accuracy",
    "fig.best_test": "best test {acc:.4f} (epoch {epoch})",
    "fig.predicted_class": "predicted class", "fig.true_class": "true class",
    "fig.per_class_accuracy": "per-class accuracy",
    "fig.confusion_title": "accuracy {acc:.4f} on {n} test samples",
    "fig.train_loss": "train loss", "fig.test_loss": "test loss",
    "fig.train_accuracy": "train accuracy", "fig.test_accuracy": "test accuracy",
    "fig.label": "label {label}", "fig.true_boundary": "true boundary", "fig.learned_boundary": "learned boundary",
    "fig.true_pred": "true: {true}\npred: {pred}",
    "fig.samples_title": ": {right} of {n} right (mistakes in red, framed)",
    "fig.mistakes_title": " ({n} mistakes in all; probabilities in brackets)",
    "fig.no_mistakes": ": no mistakes",
    "fig.weight": "weight",
    "fig.run_title": "{name} · {impl} · preset {preset}",
    "fig.interrupted": " (interrupted after epoch {n})",
    "fig.compare_title": "{name} · preset {preset}",
    "fig.first_test_images": ": the first test images",
    "fig.most_confident_mistakes": ": the most confident mistakes",

    # ---- captions
    "cap.curves": "Loss and accuracy per epoch on the training and test sets (loss is the mean per sample).",
    "cap.confusion": "Confusion matrix on the test set, with each class's accuracy.",
    "cap.samples": ("The first test images with their true and predicted labels and the predicted "
                    "probability; mistakes in red, framed."),
    "cap.mistakes": "The test images the model got wrong with the highest confidence.",
    "cap.compare": "All implementations on the same axes; the curves lie on top of each other.",

    # ---- a run's report
    "report.title": "# {title}: `{impl}`",
    "report.intro": ("Experiment `{name}` (course section {section}), implementation `{impl}`, preset "
                     "`{preset}`. Model: {model}. Data: {dataset}, {n_train} training and {n_test} test samples."),
    "report.settings": "## Settings",
    "report.settings_head": ("epochs|batch size|learning rate|momentum|weight decay|schedule|standardised|"
                             "init|seed|dtype"),
    "report.results": "## Results",
    "col.loss": "loss", "col.accuracy": "accuracy",
    "row.train_final": "train (final)", "row.test_final": "test (final)",
    "report.timing": ("Training took {seconds:.2f} s ({per_epoch:.3f} s per epoch, evaluation excluded) "
                      "on {device}."),
    "report.analysis": "## Analysis",
    "report.figures": "## Figures",
    "report.interrupted": ("**Interrupted after {n} of {total} epochs**: the numbers and figures below are "
                           "those of epoch {n}. Resume with `groundup run {name} --resume {folder}`."),

    # ---- comparison.md
    "compare.title": "# {title}: {impls} compared",
    "compare.agree": ("Started from the same initial parameters and trained on the same batches, the "
                      "implementations end with parameters that differ by at most **{diff:.3g}** (largest "
                      "absolute difference over all weights and biases, {dtype}): the by-hand versions "
                      "compute what `torch.nn` computes."),
    "compare.float32": (" (In float32, rounding differences of about 1e-7 per step grow over a long run; "
                        "the project's tests make the same comparison in float64, where the implementations "
                        "agree to 1e-8.)"),
    "compare.head": "impl|final test acc.|best test acc.|final train loss|final test loss|s / epoch",
    "compare.folders": "Run folders: ",

    # ---- analysis paragraphs
    "course_lab": ("the course lab (the classic first PyTorch lab this project rebuilds, as the course's "
                   "write-ups record its code, settings and printed numbers)"),
    "unstable.chance": "the final test loss, {final:.3g}, is {ratio:.3g}× a uniform guess's ({ln} = {chance:.3g})",
    "unstable.rose": "the {what} rose from {low:.3g} (epoch {i}) to {high:.3g} (epoch {j})",
    "unstable.acc_was": "; test accuracy was {best:.4f} at epoch {epoch} and ends at {last:.4f}",
    "unstable.acc_ends": "; test accuracy ends at {last:.4f}",
    "unstable": ("Unstable training: {reasons}{trend}. The learning rate is too large for this model: try "
                 "one ten times smaller."),
    "analysis.unstable": ("**{text}** The other numbers of this report describe a model that did not learn "
                          "steadily; read them with that in mind."),
    "analysis.losses": "train loss {train:.4g}, test loss {test:.4g}",
    "analysis.one_epoch": ("This run trained for one epoch ({losses}): one point shows no trend, so it cannot "
                           "tell whether the model has converged or overfits. Train for more epochs to see."),
    "analysis.test_below": " The test loss is below the train loss.",
    "analysis.overfitting": ("**Overfitting.** The test loss was lowest at epoch {epoch} ({low:.4g}) and has "
                             "risen to {test:.4g} since, while the train loss went on to {train:.4g}: the model "
                             "fits particulars of the training set that do not generalise. Fewer epochs, weight "
                             "decay or more data would help."),
    "analysis.still_learning": ("**Still learning.** After {n} epochs the train loss is still falling, by "
                                "{fell:.1%} per epoch over the last {k} ({train0:.4g} → {train1:.4g}), and the "
                                "test loss {moved} by {fell_test:.1%} per epoch ({test0:.4g} → {test1:.4g})."
                                "{lower} The model is under-trained: it has not converged, and the gap between "
                                "train and test says nothing yet about overfitting. More epochs would show where "
                                "the curves level off."),
    "analysis.converged": ("After {n} epochs the train loss changes by {fell:.2%} per epoch over the last {k} "
                           "({losses}): the model has about converged at this learning rate."),
    "analysis.gap": " Train accuracy ends {gap:.4f} {side} test accuracy{end}",
    "analysis.small_gap": ": a small gap, so the converged model does not overfit.",
    "analysis.rarely": ("**The model almost never predicts {cls}**: {predicted} of {total} test predictions, "
                        "for {true} test samples of that class (recall {recall:.0%}: {found} of them found). "
                        "Its samples go to {goes}."),
    "analysis.best": ("The best test accuracy, {best:.4f}, came at epoch {epoch} of {n}; the final one is "
                      "{last:.4f} (train accuracy {train:.4f})."),
    "analysis.confused": " Most confused (true → predicted): {pairs}.",
    "analysis.per_class": ("Per class on the test set (recall: the share of a class's samples predicted as it; "
                           "precision: the share of its predictions that are right):"),
    "analysis.per_class_head": "class|test samples|predicted|recall|precision",
    # ---- the lab's index
    "lab.test_accuracy": "test accuracy", "lab.test_mse": "test MSE", "lab.train_accuracy": "train accuracy",
    "lab.section": "## {title} (`{name}`, course {section})",
    "lab.status.done": "done", "lab.status.skipped": "skipped", "lab.status.failed": "failed",
    "lab.not_done": "**{status}:** {reason}",
    "lab.in_detail": "#### The `{impl}` run in detail",
    "lab.fallback": "ran with preset {own} ({name} has no {preset})",
    "lab.title": "# groundup lab report: preset `{preset}`",
    "lab.intro": ("Generated {when} by `{command}` (groundup {groundup}, torch {torch}, numpy {numpy}, "
                  "Python {python}). {done} of {n} experiments ran. Losses are means per sample; every "
                  "experiment was trained by each implementation from the same initial parameters on the "
                  "same batches."),
    "lab.head": "experiment|impl|data|epochs|final|best test acc.|train s|experiment s",
    "lab.not_run": "Not run:", "lab.presets": "Presets:",
    "lab.page_title": "groundup lab report ({preset})",
    "html.contents": "Contents", "html.file_note": "(file in the run folder)",
    "html.file_title": "{target}: a file in the run folder",
}
