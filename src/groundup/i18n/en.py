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
    "report.settings_head": ("epochs|batch size|learning rate|momentum|weight decay|schedule|"
                             "per-feature standardisation|init|seed|dtype"),
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
    # ---- logistic-synthetic
    "exp.logistic.fig_title": "{impl}: test set and boundaries",
    "exp.logistic.ceiling": ("The generating boundary 1.9·x1 − 3.1·x2 + 0.6 = 0 itself classifies {ceiling:.4f} of "
                             "this test set correctly (the label noise flips points close to it): that is the "
                             "ceiling. This run reaches {acc:.4f}, {below:.4f} below it. Learned: w = [{w0:.3f}, "
                             "{w1:.3f}], b = {b:.3f}; scaled by {scale:.2f} this is [{sw0:.2f}, {sw1:.2f}], "
                             "{sb:.2f}: only the direction of (w, b) matters for the boundary, and its length "
                             "grows as training sharpens the probabilities."),
    "exp.logistic.speeds": ("Why the two versions of {course_lab} learned at different speeds: its by-hand SGD "
                            "computed the gradient of a *mean* loss (BCELoss averages over the batch) and then "
                            "divided it by the batch size again, so with lr 0.6 and batch 64 its real step was "
                            "0.6/64 ≈ 0.009, about a tenth of the torch.nn version's lr 0.1. Here every "
                            "implementation takes the mean loss's gradient once, so one learning rate gives one "
                            "trajectory."),
    "exp.logistic.caption": "Test points, the true boundary (dashed) and the learned one.",
    # ---- softmax-*
    "exp.softmax.loss_scale": (
        "**Why the classic by-hand loss was ~256× the torch.nn loss.** Both versions printed a sum "
        "per epoch, but of different things. The by-hand version summed the loss of every sample "
        "(its cross-entropy returned one value per sample and the epoch total added them all), "
        "so its number is n × (mean loss): {n_train} samples in training. The torch.nn version "
        "added the *batch means* returned by nn.CrossEntropyLoss, one per batch, so its number "
        "is the number of batches × (mean loss): {batches_train} batches of up to {bs}. The ratio "
        "is {n_train}/{batches_train} = {ratio_train:.1f} in training and "
        "{n_test}/{batches_test} = {ratio_test:.1f} on the test set: it is the batch "
        "size, not a difference in the model. With this run's final mean losses (train "
        "{train:.4f}, test {test:.4f}) the by-hand code would have printed "
        "about {hand_train:.0f} and {hand_test:.0f}, the torch.nn "
        "code {nn_train:.1f} and {nn_test:.2f}. "
        "(Its by-hand SGD divided the summed loss's gradient by the batch size, which is the "
        "mean loss's gradient: the two versions took the same steps.) Every loss in this "
        "project is the mean per sample, so train, test and every implementation compare "
        "directly."),
    "exp.softmax.threshold": (
        "**Why the classic by-hand test accuracy came out lower.** Its test loop did not take "
        "the argmax of the probabilities: it first set every probability above 0.5 to 1 and "
        "the rest to 0, then took the argmax of those 0/1 rows. When no class reaches 0.5 the "
        "row is all zeros and argmax returns index 0, so the sample is predicted "
        "'{first}' whatever the model thought. Its training accuracy used the plain argmax, "
        "which is why the two Fashion-MNIST runs of {course_lab} show about the same train accuracy "
        "(0.748 after the first epoch, 0.869 after the last, in both) while the by-hand test "
        "accuracy trails (0.699 against 0.787 after the first epoch, when the model is least "
        "sure). For this run's final model, {unsure} of {n} test images ({share:.1%}) have no "
        "class above 0.5; the classic rule scores {classic:.4f} on them all instead of "
        "{acc:.4f} ({lost} correct argmax predictions turned wrong)."),
    "exp.softmax.hardest": ("The hardest classes here are {classes} (recall in the table above). A linear "
                            "model scores each class with one template (the weight images below), so the "
                            "classes whose templates overlap most are the ones it mixes up."),
    "exp.softmax.fig_title": "{impl} · {dataset}",
    "exp.softmax.weights_title": ": learned weights",
    "exp.softmax.weights_caption": ("Each class's 784 weights as a 28×28 image: red pixels raise that class's "
                                    "score when lit, blue pixels lower it"),
    "exp.softmax.weights_mapped": " (mapped back to raw pixels: weight / pixel std).",
    # ---- linear-regression
    "exp.linreg.samples": "test samples",
    "exp.linreg.true": "true: {w:g}·x{j} + {b:g}",
    "exp.linreg.fitted": "fitted: {w:.4f}·x{j} + {b:.4f}",
    "exp.linreg.against": ("y against x{j}; lines: the plane at x{k} = 0\n"
                           "(the spread around them is x{k}'s part, {wk:g}·x{k})"),
    "exp.linreg.residuals": "test residuals y − ŷ",
    "exp.linreg.noise": "the noise, N(0, {noise}²)",
    "exp.linreg.density": "density",
    "exp.linreg.residual_title": "residuals: mean {mean:.2g}, std {std:.4f}",
    "exp.linreg.fig_title": "{impl}: fitted plane {fitted}; true {true}",
    "exp.linreg.recovered": ("Recovered w = [{w0:.4f}, {w1:.4f}] and b = {b:.4f} against the true [2, −3.4] and "
                             "4.2: errors {e0:.2g}, {e1:.2g} and {eb:.2g}, after {epochs} epochs of {steps} steps "
                             "each. The test MSE, {mse:.3g}, is close to the noise variance {var:g}: no model can "
                             "predict the N(0, {noise}²) noise, so that is the floor."),
    "exp.linreg.loss": ("Loss: MSE, the mean over the batch of (ŷ − y)², in every implementation (the project's "
                        "rule: losses are means per sample, so train and test losses compare). d2l uses "
                        "(ŷ − y)²/2 summed over the batch and divides the gradient by the batch size in its sgd: "
                        "the mean of (ŷ − y)²/2, half our loss. Its gradient is half ours too, so our lr {lr:g} "
                        "takes the steps d2l's lr {lr2:g} would, and d2l's printed losses are half of ours: the "
                        "noise floor {var:g} shows there as {half:g}."),
    "exp.linreg.caption": ("Test samples against each feature with the fitted plane's cross-section (true one "
                           "dashed), and the test residuals against the noise's distribution."),
    # ---- diabetes, diabetes-minibatch
    "exp.diabetes.full_batch": "full batch: every step uses all {n} training rows, one step per epoch (the course's loop)",
    "exp.diabetes.mini_batches": ("mini-batches of {bs} in a shuffled order seeded by (seed, epoch), {steps} steps "
                                  "per epoch, taken from "),
    "exp.diabetes.loader": ("a `torch.utils.data.DataLoader` over a `Dataset` whose `__getitem__` returns one row "
                            "(the course's pipeline); its sampler yields groundup's seeded order, so the batches "
                            "are exactly those the numpy and scratch runs slice"),
    "exp.diabetes.slices": "index slices of the training array, prepared once",
    "exp.diabetes.nn_loader": " (the nn run of this experiment draws the same batches through a DataLoader)",
    "exp.diabetes.against": "{diff:+.4f} against it",
    "exp.diabetes.exactly": ("exactly the baseline: the network answers class {majority} for every test row, so "
                             "it has learned the class ratio and nothing else"),
    "exp.diabetes.what": "What was run: {batches}.",
    "exp.diabetes.baseline": ("Baseline: always answering the training set's majority class ({majority}) is right "
                              "on {baseline:.4f} of the test rows. This run's test accuracy is {acc:.4f}, {verdict} "
                              "({share:.1%} of the test rows predicted as class {majority}). Accuracy on this "
                              "table only means something above that line."),
    "exp.diabetes.logits": (
        "The course ends the network with a sigmoid and trains it with `BCELoss` on the "
        "probability p = σ(z). Here the last layer returns the logit z and the loss takes it "
        "directly (`BCEWithLogitsLoss`, and the same formula by hand): "
        "−[y log σ(z) + (1−y) log(1−σ(z))] = max(z, 0) − z·y + log(1 + e^−|z|), the same "
        "number, with the same gradient (σ(z) − y)/n, and p > 0.5 exactly when z > 0, so the "
        "model, its trajectory and its predictions are the course's. The logit form is the "
        "stabler one. In float32 σ(z) rounds to exactly 1.0 once z is above about 17: then "
        "log(1 − p) is log 0 = −inf (`BCELoss` clamps it at −100, so a confidently wrong answer "
        "costs a flat 100), and the gradient that reaches z, dL/dp · dp/dz = "
        "(p − y)/(p(1 − p)) · p(1 − p), becomes a huge number times 0: the confidently wrong "
        "answer gets no gradient at all. With logits the loss stays finite and exact and the "
        "gradient σ(z) − y is formed directly: −1 for that answer, the strongest push there is."),
    "exp.diabetes.caption": "Test accuracy per epoch against the majority-class baseline.",
    "exp.diabetes.majority_line": "majority baseline {baseline:.4f}",
    # ---- mlp-mnist, cnn-mnist
    "exp.mnist.course": ("The course's write-up (001) reports 97 % test accuracy (printed with `%d`: anything from "
                         "0.970 to 0.9799) after {epochs} epochs on all 60,000 training images with batch {bs}, "
                         "lr {lr:g} and momentum {momentum:g}."),
    "exp.mnist.same": " This run used those settings and ends at {acc:.4f}.",
    "exp.mnist.not_same": (" This run (epochs {epochs}, {n_train:,} training and {n_test:,} test images, batch {bs}, "
                           "lr {lr:g}, momentum {momentum:g}) is not comparable to it; `groundup run mlp-mnist "
                           "--preset seed` runs the course's settings."),
    "exp.mnist.mlp_params": "The network has {n:,} parameters, {first:,} of them in the first layer. ",
    "exp.mnist.mlp_init": (
        "Same initialisation in all three implementations: the weights and biases of every layer "
        "are drawn once, in NumPy, from U(−1/√fan_in, 1/√fan_in) (what nn.Linear draws), and "
        "loaded into each implementation; with the same batch order they follow the same "
        "trajectory: to 1e-8 in float64 (tests/test_mlp.py). In float32 NumPy's and torch's "
        "matrix products add in different orders, and training can amplify those rounding "
        "differences while the loss and accuracy curves stay on top of each other: `--impl all` "
        "measures how far the weights of this run's settings drift apart (the largest parameter "
        "difference, in comparison.md)."),
    "exp.mnist.cnn_params": ("The network has {n:,} parameters, {times:.0f} times fewer than the MLP's {mlp:,}: "
                             "each 5×5 kernel is shared by every position of the image."),
    "exp.mnist.cnn_pool": (
        "Max-pooling comes before ReLU here (conv → pool → ReLU); the course's code applies ReLU "
        "first. Both keep the larger of two values, so max(relu(a), relu(b)) = "
        "relu(max(a, b)) and the two orders compute the same network; this one runs ReLU on a "
        "quarter of the pixels."),
    "exp.mnist.cnn_im2col": (
        "`numpy` writes the convolution's backward pass out (numpy_impl/conv.py, beside a loop "
        "version to read): im2col copies every 5×5 window into a row of one matrix, so the forward "
        "is one product and the weight gradient another, and col2im adds the windows' gradients "
        "back onto the image's pixels. The `scratch` convolution is the same im2col on tensors "
        "(`Tensor.unfold`), differentiated by autograd. Both max-pools give a 2×2 window's whole "
        "gradient to its first maximum in reading order, as nn.MaxPool2d does, which matters on "
        "MNIST's blank background where a window's values tie."),
    "exp.mnist.cnn_float": (
        "In float64 the three implementations follow one trajectory (tests/test_cnn.py proves 1e-8 over "
        "whole epochs, and every hand-written backward passes a gradient check by central "
        "differences). In float32 they drift apart (`--impl all` measures by how much for this run's "
        "settings: the largest parameter difference, in comparison.md): im2col and torch's direct "
        "convolution add the same products in different "
        "orders, and when a pooling window's two largest values are closer than float32's "
        "rounding the implementations can pick different winners. The curves stay on top of "
        "each other."),
    "exp.mnist.cnn_devices": (
        "Devices: the training and test sets are converted to tensors once, on the device of the "
        "model (`--device`, where `auto` picks CUDA when present), so the course's error of moving "
        "the model to the GPU but feeding it CPU batches cannot happen."),
    "exp.mnist.filter": "filter {i}",
    "exp.mnist.kernels_title": "{impl}: the {n} learned 5×5 kernels of conv1",
    "exp.mnist.kernels_caption": "The first layer's kernels (red: positive weights, blue: negative).",
    # ---- rnn-hello
    "exp.rnn.after": "After {n} epochs the model predicts `{final}` for `{source}` (target `{target}`)",
    "exp.rnn.first_right": "; first right after epoch {first}.",
    "exp.rnn.never_right": "; never right.",
    "exp.rnn.no_heldout": " There is no held-out text: the test numbers of this report score the training sequence itself.",
    "exp.rnn.tanh": ("The hidden state is the output, and a tanh keeps every score in [−1, 1]: the loss can never go "
                     "below {floor:.4f} (right character +1, the others −1). The model can be right but never "
                     "confident."),
    "exp.rnn.epoch_head": "epoch|predicted|loss",
    "exp.rnn.floor": "floor of tanh scores ({floor:.3f})",
    "exp.rnn.ce_axis": "cross-entropy (mean per character)",
    "exp.rnn.chars_right": "characters right (of {n})",
    "exp.rnn.predicted_vs": "Predicted vs {target}",
    "exp.rnn.parity": ("{names} are one model in {n} implementations, started from the same parameters with the "
                       "same learning rate; they end {diff:.3g} apart (largest absolute parameter difference, "
                       "{dtype}): the hand-written backpropagation through time and the autograd through the "
                       "hand-written loop compute what `nn.RNNCell` computes."),
    "exp.rnn.reads": ("Every variant reads {source} one character at a time (one-hot vectors over {vocab}, or ids "
                      "for the Embedding version) and is scored at each step against {target} with cross-entropy. "
                      "An epoch is one Adam step on the whole sequence; the string of an epoch is what the model "
                      "predicts after that step."),
    "exp.rnn.cells": ("The cell variants use their 4-dimensional hidden state directly as the four scores. A tanh "
                      "keeps every score in [−1, 1], so their loss can never go below {floor:.4f} (right character "
                      "+1, the others −1): the model can be right but never confident. The Embedding version puts "
                      "a Linear layer after the RNN, whose scores are unbounded."),
    "exp.rnn.nn_rnn": ("`nn.RNN` computes exactly the loop that `nn-rnncell` writes out; it starts from the same "
                       "parameters and differs here only because the course gives it half the learning rate. The "
                       "course's RNNCell loop sums the five characters' losses where the others average them: with "
                       "Adam the update is almost independent of the gradient's scale, so this changes the printed "
                       "loss (×5) but hardly the training."),
    "exp.rnn.title": "# {title}: variants compared",
    "exp.rnn.intro": ("Experiment `{name}` (course section {section}), preset `{preset}`: {epochs} epochs, seed "
                      "{seed}, {dtype}, on {device}. Each variant's run folder holds its own report, metrics, "
                      "checkpoint and figures."),
    "exp.rnn.head": "variant|impl|model|parameters|Adam lr|optimizer|final loss|final string|first epoch with `{target}`",
    "exp.rnn.caption": "Loss (mean cross-entropy per character) and characters right, per epoch and variant.",
    "exp.rnn.per_epoch": "## Predicted string per epoch",
    "exp.rnn.see_summary": "See each variant's `summary.json` (`predicted`).",
    # ---- basics
    "exp.basics.broadcast.0": ("M - N and torch.sub(M, N) are the same operation: broadcasting repeats M's row twice "
                               "and N's column three times, so both operands become 2×3 and are subtracted element by "
                               "element."),
    "exp.basics.broadcast.1": ("The repeated copies are never stored: torch.broadcast_tensors returns views with "
                               "stride 0 along the stretched dimension."),
    "exp.basics.in_place.0": ("M.sub_(N) fails with {error}: an in-place operation writes its result into M's own "
                              "memory, which holds a 1×3 matrix, but the broadcast result is 2×3."),
    "exp.basics.in_place.1": ("N may be broadcast to M's shape, M itself cannot grow; M is left unchanged (write "
                              "M = M - N to get the 2×3 result in a new tensor)."),
    "exp.basics.matrices.0": ("Qᵀ swaps rows and columns (4×2 becomes 2×4) and is a view of Q's memory, not a copy; "
                              "P·Qᵀ needs the inner sizes to agree, (3×2)·(2×4) = 3×4."),
    "exp.basics.matrices.1": ("Entry (i, j) is row i of P dotted with row j of Q: two products of numbers of size "
                              "0.01, so about 1e-4 (mean |entry| here {typical:.2g}) — why small initial weights give "
                              "small outputs."),
    "exp.basics.autograd.0": ("Under torch.no_grad(), x³ is computed as a constant (requires_grad={y2_requires_grad}, "
                              "no grad_fn), so the graph of y3 holds only the x² branch."),
    "exp.basics.autograd.1": ("backward() therefore gives dy3/dx = 2x = {grad:g} at x = 1, not 2x + 3x² = "
                              "{grad_tracked:g}, which a fully tracked y3 gives."),
    "exp.basics.broadcast_of": "{name} broadcast",
    "exp.basics.broadcast_note": ("Hatched cells are repeated copies (stride-0 views, never stored).\n"
                                  "In place, M.sub_(N) → {error}: {message}"),
    "exp.basics.matmul_note": ("P, Q ~ N(0, 0.01²): each entry of P·Qᵀ is a sum of two products, so about 10⁻⁴ "
                               "(red > 0, blue < 0)."),
    "exp.basics.title.subtraction": "1. Subtraction with broadcasting: M (1×3) − N (2×1), three ways",
    "exp.basics.title.matrices": "2. Normal random matrices, transpose and matrix product",
    "exp.basics.title.autograd": "3. Autograd with torch.no_grad(): y3 = x² + x³ at x = 1",
    "exp.basics.intro": "Experiment `{name}` (course section {section}), preset `{preset}`, seed {seed} (for P and Q).",
    "exp.basics.why": "Why: ", "exp.basics.join": " ",
    "exp.basics.broadcast_caption": "M and N broadcast to 2×3 (hatched: repeated copies), and M − N.",
    "exp.basics.matmul_caption": "P · Qᵀ = P·Qᵀ, coloured by sign and size.",
    # ---- linear-model
    "exp.landscape.line": ("The search tries {n} values of w and finds the smallest MSE, {mse:.3g}, at w = {w:.1f}: "
                           "the three points lie exactly on y = 2x. The curve is the parabola MSE(w) = "
                           "(Σx²/n)(w − 2)² = {a:.4g}·(w − 2)² (at w = 3 it is {a:.4g}). A grid search is only as "
                           "precise as its step (0.1 here); it lands on the exact answer only because 2.0 is on "
                           "the grid."),
    "exp.landscape.bowl": ("With the bias, the {nw}×{nb} = {size} grid points find the minimum at (w, b) = "
                           "({w:.1f}, {b:.1f}), MSE {mse:.3g}. The bowl is not round: its curvatures (Hessian "
                           "eigenvalues) are {steep:.3f} and {flat:.3f}, a ratio of {ratio:.0f}. Along the valley "
                           "floor, direction (Δw, Δb) = ({d0:.2f}, {d1:.2f}), raising w and lowering b together "
                           "barely changes the loss: the long, thin contours on the right."),
    "exp.landscape.cost": ("The cost is the lesson: k parameters at 41 values each need 41^k evaluations — 41 for "
                           "one, {two} for two, 41^7850 ≈ 10^{power:,.0f} for the 7,850 weights of softmax regression "
                           "on MNIST. Gradient descent (`groundup run gradient-descent`) follows the slope instead."),
    "exp.landscape.grid_point": "grid point (step 0.1)",
    "exp.landscape.minimum_w": "minimum: w = {w:.1f}, MSE = {mse:.3g}",
    "exp.landscape.mse_axis": "MSE (mean per sample)",
    "exp.landscape.line_title": "y = w·x on x = [1, 2, 3], y = [2, 4, 6]",
    "exp.landscape.minimum_wb": "minimum (w, b) = ({w:.1f}, {b:.1f})\nMSE = {mse:.3g}",
    "exp.landscape.surface": "MSE(w, b) surface; ★ minimum at ({w:.1f}, {b:.1f})",
    "exp.landscape.valley": "valley floor (flattest direction)",
    "exp.landscape.contours": "MSE(w, b) contours",
    "exp.landscape.surface_title": "y = w·x + b on x = [1, 2, 3], y = [3, 5, 7]: grid step 0.1 in w and b",
    "exp.landscape.line_caption": "MSE against w for y = w·x, the minimum marked.",
    "exp.landscape.surface_caption": "MSE over (w, b) for y = w·x + b: surface and contours, the minimum marked.",
    "exp.landscape.head": "model|data y|grid|minimum|MSE there",
    "exp.landscape.intro": ("Experiment `{name}` (course section {section}), preset `{preset}`. Loss: MSE, the mean "
                            "over the samples of (prediction − y)²."),
    # ---- gradient-descent
    "exp.gd.same_work": (
        "**The same work.** With learning rate {lr:g} and {e} epochs, every method evaluated "
        "{full[sample_gradients]:,} per-sample gradients on the noisy set. Full batch averaged all {n} "
        "into each of its {full[updates]} updates, SGD took one step per sample ({sgd[updates]:,} "
        "updates), mini-batch one per {mini[batch_size]} samples ({mini[updates]:,} updates)."),
    "exp.gd.progress": (
        "**Progress per gradient.** After one epoch the loss is above its minimum by "
        "{full[excess_epoch_1]:.3g} (full batch), {sgd[excess_epoch_1]:.3g} (SGD) and "
        "{mini[excess_epoch_1]:.3g} (mini-batch); after {e}: {full[excess]:.3g}, {sgd[excess]:.3g} "
        "and {mini[excess]:.3g}. Full batch ends at w = {full[w]:.4f}, b = {full[b]:.4f}; the "
        "least-squares minimum is ({mn.w:.4f}, {mn.b:.4f}), and {best} ends closest to it. "
        "Against updates the three curves start out together: a step is a step, the full batch just takes "
        "far fewer of them. On the course's three exact points, full batch reaches "
        "w = {course_full:.6f} and SGD w = {course_sgd:.6f}."),
    "exp.gd.noisy": (
        "**SGD's noisy path.** One sample's gradient is not zero at the minimum of the mean loss, so SGD "
        "never settles: in its last epoch {sgd[rises_last_epoch]:.0%} of its updates *raised* the loss "
        "over the whole set, and w wandered over a range of {sgd[w_spread_last_epoch]:.3g} (mini-batch: "
        "{mini[rises_last_epoch]:.0%} and {mini[w_spread_last_epoch]:.3g}; full batch: "
        "{full[rises_last_epoch]:.0%}, it only ever goes down). The noise shrinks as the learning rate "
        "falls and the batch grows. The course's exact three points have no such floor: there every "
        "sample's gradient vanishes at w = 2."),
    "exp.gd.parallel": (
        "**The full batch's parallelism.** Full batch took {full_ms:.2f} ms for all {e} "
        "epochs: each update is one vectorised pass over {n} samples. SGD took {sgd_ms:.1f} ms, "
        "{sgd_ratio:.0f}× longer for the same gradients, because each of its updates "
        "needs the w left by the previous one: they cannot run side by side, and each pays Python's "
        "per-step overhead ({sgd[us_per_update]:.1f} µs per update)."),
    "exp.gd.mini": (
        "**Mini-batch, the compromise.** With batches of {mini[batch_size]}, mini-batch took "
        "{mini_ms:.1f} ms ({mini_speedup:.0f}× faster than SGD) and ended "
        "{mini[excess]:.3g} above the minimum, against SGD's {sgd[excess]:.3g}: averaging "
        "{mini[batch_size]} gradients divides their noise's variance by {mini[batch_size]}, while each "
        "step is still one vectorised operation and there are still {mini[updates_per_epoch]} steps per "
        "epoch. That is why the rest of the course trains with mini-batches."),
    "exp.gd.excess_axis": "MSE − minimum MSE",
    "exp.gd.epoch_axis": "epoch (= n per-sample gradients)",
    "exp.gd.update_axis": "update (parameter step)",
    "exp.gd.against_epochs": "against epochs (bold: end of epoch; faint: every update)",
    "exp.gd.minimum4": "minimum MSE {loss:.4g} at w = {w:.4f}",
    "exp.gd.minimum6": "minimum MSE {loss:.6g} at w = {w:.6f}",
    "exp.gd.against_updates": "against updates; batch sizes: {batches}",
    "exp.gd.comparison_title": "Full batch, SGD and mini-batch gradient descent, learning rate {lr:g}",
    "exp.gd.ls_minimum": "least-squares minimum",
    "exp.gd.method_batch": "{method} (batch {batch})",
    "exp.gd.from": "from (w, b) = ({w0:g}, {b0:g}); ● where each method ended",
    "exp.gd.zoom": "zoom on the minimum: each method's last epoch",
    "exp.gd.paths_title": ": the paths of (w, b) over the loss contours",
    "exp.gd.head": "method|batch|updates|sample grads|final w|final b|final MSE|MSE − min|time (ms)|µs / update",
    "exp.gd.intro": ("Experiment `{name}` (course sections {section}), preset `{preset}`: {epochs} epochs, learning "
                     "rate {lr:g} for every method, start w = {w0:g}, b = {b0:g}, seed {seed}. NumPy only; the "
                     "gradients of the MSE are written out by hand: ∂L/∂w = (2/n) Σ (w x + b − y) x, "
                     "∂L/∂b = (2/n) Σ (w x + b − y)."),
    "exp.gd.least_squares": "Least-squares {best}.",
    "exp.gd.comparison_caption": ("How far above its minimum the loss is, against epochs (the same number of "
                                  "gradients) and against updates."),
    "exp.gd.paths_caption": ("The noisy set: (w, b) after every update over the loss contours, and each method's "
                             "last epoch near the minimum."),
    "exp.gd.csv": "Per-epoch losses of every method: [epochs.csv](epochs.csv).",

    # ---- what a run says its model and its data are, as the code writes them (matched whole)
    "desc.dense": "{sizes} ({head} output)",
    "desc.dense_hidden": "{sizes} ({head} output, {act} hidden)",
    "desc.rnn_cell": "RNN cell {sizes} (tanh), one-hot input, hidden state as scores",
    "desc.mnist": "MNIST normalised as (x − {mean}) / {std}",
    "desc.diabetes": "Pima diabetes table ({n} rows, {file}; stratified {train}/{test} split, seed {seed})",
    "desc.linear": "d2l synthetic linear set (y = Xw + b + N(0, {noise}²))",
    "desc.sequence": "{text} (one sequence)",
    # ---- a run's and the lab's terminal lines
    "run.header": "{name}: {title} (course {section}) -> {folder}",
    "run.landscape_line": "y = w·x on x = [1, 2, 3], y = [2, 4, 6]; MSE for w = 0, 0.1, ..., 4 (every 0.5 shown):",
    "run.landscape_grid": "y = w·x + b on y = [3, 5, 7]; MSE on the {nw}×{nb} grid w, b = 0, 0.1, ..., 4:",
    "run.landscape_min_w": "minimum at w = {w:.1f}, MSE = {mse:.3g}",
    "run.landscape_min_wb": "minimum at (w, b) = ({w:.1f}, {b:.1f}), MSE = {mse:.3g}",
    "run.gd_header": ("{name}: {title} (course {section}): {epochs} epochs, lr {lr:g}, start w = {w0:g}, b = {b0:g} "
                      "-> {folder}"),
    "run.gd_sgd_took": ("SGD took {ratio:.0f}× the full batch's time for the same gradients; see the analysis in "
                        "{path}"),
    "run.rnn_header": "{name}: {source} -> {target}, {epochs} epochs of Adam per variant -> {out}",
    "run.rnn_predicted": "  {variant}, predicted after each epoch: {predicted}",
    "run.epoch": "epoch {epoch}/{epochs}: train loss {train:.4g}{train_acc}; test loss {test:.4g}{test_acc}; {seconds:.2f} s",
    "run.accuracy": ", accuracy {acc:.4f}",
    "run.start": "{name} [{impl}] {model} on {dataset}: {epochs} epochs, batch {batch}, lr {lr:g} -> {folder}{resuming}",
    "run.resuming": " (resuming after epoch {n})",
    "run.already": ("{name} [{impl}]: {n} epochs are already trained, more than --epochs {epochs}; the run "
                    "stops there"),
    "run.done": "  done: test loss {loss:.4g}{acc}, {seconds:.2f} s of training",
    "run.done_accuracy": ", test accuracy {acc:.4f}",
    "run.diff": "largest parameter difference between implementations: {diff:.3g}  -> {path}",
    "lab.line.no_preset": "{prefix} has no preset {preset}: runs with {own}",
    "lab.line.kept": "{prefix} done before, kept  {headline}",
    "lab.line.done": "{prefix} done in {seconds:5.1f} s  {headline}",
    "lab.line.skipped": "{prefix} skipped: {reason}",
    "lab.line.failed": "{prefix} FAILED: {reason}",
    "lab.line.interrupted": "lab interrupted; continue it with: groundup lab --resume {out}",
    # ---- the errors as the code below the commands writes them (matched whole, as ``msg.*``)
    "err.choice": "unknown {what} {value}; choose from: {choices}",
    "err.setting": "{name} must be {allowed}, got {got}",
    "err.diverged": ("the loss became non-finite in epoch {epoch} (lr={lr}); the learning rate is probably "
                     "too high: try --lr {new}"),
    "err.interrupted_early": ("{name} [{impl}] interrupted during epoch 1, before any epoch was complete: "
                              "nothing was saved"),
    "err.interrupted_after": ("{name} [{impl}] interrupted after {n} complete epoch(s) of {total}; report so "
                              "far: {report}; resume with: groundup run {name} --resume {target}"),
    "err.interrupted_writing": ("{name} [{impl}] interrupted while writing its report; all {n} epochs are "
                                "saved: finish with: groundup run {name} --resume {target}"),
    "err.not_found": "{title} not found. Looked in: {looked}.\nGet it with one of: {ways}",
    "err.ways_vision": ("`groundup data download {name}` (needs internet), `--data-dir DIR` / `GROUNDUP_DATA=DIR` "
                        "pointing at a folder that holds {name2}/ with the four official files{debian}"),
    "err.ways_debian": ",\nor Debian's `dataset-fashion-mnist` package (installs to {root}).",
    "err.ways_diabetes": ("`--data-dir DIR` / `GROUNDUP_DATA=DIR` pointing at a folder that holds "
                          "diabetes/diabetes.csv or diabetes/diabetes.csv.gz (no download is available)."),
    "err.unknown_data": "unknown data set {name}; choose from {names}",
    "err.argument": "argument {arg}: {message}",
    "err.unrecognized": "unrecognized arguments: {args}",
    "err.required": "the following arguments are required: {args}",
    "err.invalid_choice": "invalid choice: {value} (choose from {choices})",
    "err.resume_then": "the run is saved up to its last epoch: resume with: groundup run {name} --resume {folder}",
    "err.z_os_then": "{where}: {reason}; {then}",
    "err.z_os": "{where}: {reason}",
    # ---- the terminal lines of the commands
    "cli.error": "groundup: error: {text}",
    "cli.hint": "groundup: {text}",
    "cli.usage": "{prog}: error: {message} (see '{prog} --help')",
    "cli.interrupted": "groundup: interrupted",
    "cli.report": "report: {path}",
    "cli.list_head": "name|course|model|data|impls|presets",
    "cli.runs_head": "folder|experiment|impl|preset|status|epochs|final",
    "cli.no_runs": "no runs in {root}",
    "cli.no_folder": "{root}: no such folder; runs go to runs/ in the folder you run groundup from",
    "cli.lab_done": "{done} of {n} experiments ran in {seconds:.0f} s; report: {html} (and index.md)",
    "cli.lab_failed": ("{k} experiment(s) failed: {names} (see {md}); fix the cause and run the same "
                       "command again to finish them"),
    "cli.lab_folder_once": "give the lab's folder once: --resume DIR or --out DIR",
    "cli.nothing_to_predict": ("nothing to predict: give a run folder and image files (groundup predict "
                               "RUN_DIR IMAGE...) or a test image (groundup predict RUN_DIR --test-index N)"),
    "cli.not_found": "not found", "cli.searched": "searched: {roots}",
    "cli.skipped": "{name}: not found (skipped)", "cli.ok": "ok", "cli.failed": "FAILED ({error})",
    "cli.sha_mismatch": "SHA-256 mismatch",
    "cli.downloaded": "{name}: downloaded and verified in {path}",
    # ---- exercise list / start, check, grade
    "exercise.head": "name|course|file|here|what you write",
    "exercise.wrote": "wrote {target}: {n} functions to write ({names})",
    "exercise.when_ready": "when ready: groundup check {target}",
    "exercise.in_notebook": "in a notebook: write the functions in cells, then run groundup.check(\"{name}\")",
    "exercise.not_folder": "{path} is not a folder",
    "exercise.exists": "{target} already exists; add --force to overwrite it (your work would be lost)",
    "exercise.name_file": "name the file to check ({why})",
    "exercise.found": "found: {files}", "exercise.none_here": "no exercise file in this folder",
    "exercise.no_file": "{path}: no such file",
    "exercise.which": "cannot tell the exercise from the name {name}; add --exercise NAME",
    "exercise.unknown": "unknown exercise {name}; choose from: {names}",
    "exercise.no_functions": ("none of {names} is defined in this notebook yet: run the cells that define "
                              "them, then check again"),
    "exercise.no_source": ("{names}: defined, but their source cannot be read (made with exec, or in a "
                           "compiled module?): define them in a notebook cell or a .py file, then check again"),
    "check.header": "{exercise}: {file}",
    "check.hint": "hint: {hint}",
    "check.summary": "{ok} of {n} checks passed (score {score:.2f}) in {seconds:.1f} s",
    "check.flags": "⚠ tried what a solution never needs: {flags}",
    "check.score": "score", "check.passed": "passed", "check.failed": "failed",
    "grade.flags": "  flags: {flags}",
    "grade.troubled": ("groundup: error: grading itself failed for {n} submission(s): {names} "
                       "(see their feedback files)"),
    "grade.interrupted": ("grading interrupted: {done} of {n} submissions graded and written to {out}; run the "
                          "same command again to grade the rest"),
    "sandbox.fallback": ("groundup: bubblewrap (bwrap) does not work here: submissions run as plain processes, "
                         "which can read groundup's reference, the data sets and other files the user can read"),
    "grade.row": "{submission}  {score:.2f}  {status}  {seconds:6.1f} s  {error}",
    "grade.summary.one": "1 submission, {passed} passed every check; wrote {out} and 1 feedback file in {feedback}/",
    "grade.summary": ("{n} submissions, {passed} passed every check; wrote {out} and {n} feedback files "
                      "in {feedback}/"),
    # the messages of the checks, as the checking code writes them (matched whole, field by field)
    "msg.not_notebook": "{file} is not a notebook nbformat can read: {error}",
    "msg.encoding": ("{file} is not UTF-8 ({error}); save it as UTF-8, or declare its encoding in its first "
                     "line: # -*- coding: gbk -*-"),
    "msg.skipped": ("left out {n} line(s) that are not the exercise's Python (IPython magics, ! shell "
                    "commands, groundup's own calls): {lines}"),
    "card.preset": "preset {preset}", "card.status": "status: {status}",
    "card.diff": "largest parameter difference between implementations{what}: {value}", "card.what": " ({what})",
    "card.report": "report: {path}",
    "card.kind": "({kind})",
    "card.word.best test accuracy": "best test accuracy", "card.word.predicted": "predicted",
    "card.word.s / epoch": "s / epoch", "card.word.epochs completed": "epochs completed",
    "card.word.run": "run", "card.word.comparison": "comparison", "card.word.experiment": "experiment",
    "card.word.lab": "lab", "card.word.completed": "completed", "card.word.interrupted": "interrupted",
    "card.word.diverged": "diverged", "card.word.running": "running",
    "nb.file": "the functions of this notebook",
    "msg.not_run": "not run: {reason}",
    # what the child's guard records (exercises.child): a solution never does these
    "msg.flag_proc": "read /proc/{pid} (another process)",
    "msg.flag_own": "opened {path} (groundup's own files)",
    "msg.flag_opened": "opened {path} (outside its folder)",
    "msg.flag_wrote_outside": "wrote {path} (outside its folder)",
    "msg.flag_wrote": "wrote {path}",
    "msg.flag_process": "started a process",
    "msg.flag_network": "used the network",
    "msg.flag_signal": "sent a signal to process {pid}",
    "msg.flag_ctypes": "used ctypes (raw memory and C calls)",
    "msg.flag_gc": "inspected the interpreter's objects (gc)",
    "msg.flag_blocker": "removed the import blocker from sys.meta_path to import {module}",
    "msg.flag_meta_path": "edited sys.meta_path (the import blocker)",
    "msg.did_not_load": "the file did not load",
    "msg.not_defined": "{name} is not defined in {file}",
    "msg.syntax": "syntax error in {file}, line {line}: {error}",
    "msg.imports_groundup": ("{file}, line {line} imports {module}: groundup's reference solution may not be "
                             "used in the exercise"),
    "msg.imports_torch": "{file}, line {line} imports {module}: {exercise} is done by hand, with NumPy only",
    "msg.cannot_read": "cannot read {file}: {error}",
    "msg.overflowed": "the values overflowed: {error}",
    "msg.matches": "{what}: matches the reference (relative error {err})",
    "msg.ratio": "{text} (ratio {r})",
    "msg.rel_error": "{text} (relative error {err})",
    "msg.nonfinite": "{text}; NaN/inf at {k} of {n} entries",
    "msg.expected_array": "{what}: expected an array of shape {want}, got {got}",
    "msg.expected_one": "{what}: expected one number ({want}), got an array of shape {got}",
    "msg.expected_number": "{what}: expected a number, got {got}",
    "msg.expected": "{what}: expected {want}, got {got}",
    "msg.show_array": "shape {shape} [{head}]",
    "msg.shape": "shape {shape}",
    "msg.show_seq": "a {kind} of {n}",
    "msg.grad_ok": "relative error {err} <= {tol} (central differences, h = 1e-5)",
    "msg.grad_bad": "{what}: relative error {err} > {tol} against central differences of your own function",
    "msg.no_number": "{name} did not return a number for the gradient check",
    "msg.todo": "not written yet: {what} raises NotImplementedError",
    "msg.raised": "{what} raised {error}",
    "msg.not_array": "{what} returned {got}, which is not a NumPy array or a number",
    "msg.exit": "{what} called {call}: the submission must not exit",
    "msg.memory": "{what} ran out of memory (limit {mb} MB)",
    "msg.timeout": "{what} did not finish within the time limit of {seconds} s (an endless loop?)",
    "msg.process_ended": "the submission's process ended (exit code {code}) during {what}: it must not exit",
    "msg.process_was": "the submission's process was {why} during {what}",
    "msg.of_object": "{name} of the object",
    "msg.loading": "loading the file",
    "msg.match_reference": "{what} match the reference",
    "msg.match_reference_of": "{what} match the reference ({detail})",
    "msg.batch_of": "batch of {n}",
    "msg.arrays_batch": "{k} arrays, batch of {n}",
    "msg.trace": "{where}, line {line}, in {function}: {code}",
    "msg.inuse_softmax": "one epoch on Fashion-MNIST ({n} training images, batch 256, lr 0.1, float32)",
    "msg.inuse_accuracy_note": "{what}: test accuracy {acc}, the reference {ref} from the same start; {note}",
    "msg.accuracies": "test accuracy {acc}, the reference {ref} from the same start",
    "msg.loss_differs": "but the loss train_step returned differs: {text}",
    "msg.inuse_cnn": "one epoch of the course CNN on {n} MNIST images (batch 64, lr 0.01, momentum 0.5)",
    "msg.inuse_mlp": "784-64-10 MLP, 5,000 MNIST images, batch 64, lr {lr}",
    "msg.inuse_mlp_momentum": "784-64-10 MLP, 5,000 MNIST images, batch 64, lr {lr}, momentum {momentum}",
    "msg.inuse_logistic": ("10 epochs of SGD (batch 64, lr 0.5) on the synthetic set: test accuracy {acc} with your "
                           "predict (the reference reaches {ref}; needed: {target})"),
    "msg.inuse_rnn": "\"hello\" → \"ohlol\", {n} Adam steps (lr {lr})",
    "msg.of_loss": "{what} of L = {expr}",
    "msg.fpe": "FloatingPointError: {kind} encountered in {op}",
    "msg.returned_expected": "{what} returned {got}, expected {want}",
    "msg.returned_for": "{what} returned {got} for {inputs}",
    "msg.returned": "{what} returned {got}",
    "msg.gave": "{what} gave {got}, expected {want}",
    "msg.grad_of": "the gradient of {name} has {got}, expected {want}",
    "msg.after_step": "after a training step {name} has {got}, expected shape {want}",
    "msg.loss_as": "the training step returned the loss as {got}, expected a float",
    "msg.logits_of_shape": "logits of shape {shape}",
    "msg.n_logits": "{n} logits",
    "msg.no_keys": "{what}: grads has no {keys}",
    "msg.rows": "{n} rows",
    "msg.of_rows": "{what} of {n} rows",
    "msg.n_batches": "{n} batches",
    "msg.permutation": "a permutation of 0..{m}",
    "msg.features_of": "{what}'s features",
    "msg.batch_x": "batch {k}'s {part}",
    "msg.batch_k": "batch {k}",
    "msg.batches_of": "batches of {b} from {n} rows",
    "msg.batches_given": "{k} batches of {b} from {n} rows in the given order",
    "msg.table_rows": "len and dataset[i] give the table's {n} rows",
    "msg.mse_grad_agrees": "mse_grad agrees with central differences of the MSE ({value})",
    "msg.course_run_epoch": "the course's run (w = 1, lr = 0.01): after epoch {e} w = {w}, the reference {ref}",
    "msg.after_100": "after 100 epochs w = {w}, the least-squares w is {ls}",
    "msg.course_run_ends": "the course's run (w = 1, lr = 0.01, 100 epochs) ends at w = {w}; least squares: {ls}",
    "msg.course_grid": ("the course's grid w = 0.0, 0.1, ..., 4.0 on x = [1, 2, 3], y = [2, 4, 6] finds w = {w} "
                        "(loss {loss})"),
    "msg.rnn_over": "dxs, dh0 and the parameter gradients over {t} steps",
    "msg.through_time": "{what} (through time)",
    "msg.cell_says": "{what}: the trained cell says \"{said}\"",
    "msg.cell_note": "{what}; the trained cell says \"{said}\"",
    "msg.stopped_by": "stopped by {signal}",
    "msg.diverged": "the in-use run diverged: {error}",
    "msg.diverged_epoch": "the in-use run diverged: its loss became non-finite in epoch {epoch}",
    "msg.needs": "the in-use run needs {what}: {error}",
    "msg.steps_count": "{what}: {k} training steps, the reference took {n}",
    "msg.step_first": "{what}: step {i} of {n} has loss {got}, the reference {want} (the first step already differs)",
    "msg.step_later": ("{what}: step {i} of {n} has loss {got}, the reference {want} (the first {k} steps agree: "
                       "the error builds up or appears later)"),
    "msg.all_steps": "all {n} steps match the reference (max relative difference {d})",
    "msg.test_accuracy": "{what}: {note}; test accuracy {acc} (reference {ref})",
    "msg.apart": "{text}; more than {tol} apart",
    # last: the general forms
    "msg.z_colon": "{what}: {text}",
    "msg.z_and": "{a} and {b}",
    "msg.z_then": "{a}; {b}",
    # ---- the notebook's check and result card
    # ---- class report (groundup grade): class.md / class.html
    "class.title": "# Class report: {exercise}",
    "class.summary": ("{n} submissions graded, {passed} passed every check; mean score {mean:.2f}, median "
                      "{median:.2f}. Files in the folder not graded: {skipped}."),
    "class.h_scores": "## Score distribution",
    "class.fig_alt": "score distribution",
    "class.fig_score": "score (fraction of checks passed)",
    "class.fig_count": "submissions",
    "class.fig_title": "{n} submissions, mean score {mean:.2f}",
    "class.col_score": "score",
    "class.col_submissions": "submissions",
    "class.h_checks": "## Pass rate of every check",
    "class.col_check": "check",
    "class.col_passed": "passed",
    "class.col_checked": "checked",
    "class.col_rate": "pass rate",
    "class.none": "No checks were run.",
    "class.h_mistakes": "## Named mistakes",
    "class.sep": ", ",
    "class.mistake_count": "`{id}` ({n})",
    "class.most_common": "The most common mistakes: {top}.",
    "class.col_meaning": "what it is",
    "class.col_mistake": "mistakes",
    "class.col_count": "submissions",
    "class.col_who": "which",
    "class.no_mistakes": "No submission made one of the exercise's named mistakes.",
    "class.h_problems": "## Did not load, timed out or were refused",
    "class.col_submission": "submission",
    "class.col_what": "what happened",
    "class.col_line": "first line of the error",
    "class.kind_refused": "refused (a forbidden import)",
    "class.kind_timeout": "timed out",
    "class.kind_crashed": "crashed or ran out of memory",
    "class.kind_not_loaded": "did not load",
    "class.no_problems": "Every submission loaded and ran within its limits.",
    "class.h_not_graded": "## Files not graded",
    "class.col_file": "file",
    "class.col_why": "why",
    "class.all_graded": "Every file in the folder was graded.",
    "class.skip_not_py": "not a .py or .ipynb file ({suffix})",
    "class.no_suffix": "no suffix",
    "class.skip_no_file": "a folder without {file}",
    "class.skip_same_name": "the submission {name} has the same name",
    "class.h_time": "## Grading time",
    "class.time": ("Checking took {total:.1f} s summed over the submissions; the slowest took {slowest:.1f} s "
                   "({who})."),
    "class.wall": "This grading checked {checked} submissions in {wall:.1f} s of wall time ({rate:.1f} per minute).",
    "class.kept": "{kept} unchanged submissions were kept from the previous grades.csv without checking them again.",
    "class.h_all": "## Every submission",
    "class.col_failed": "failed checks",
    "class.not_graded_line": "not graded: {name}: {why}",
    "class.kept_line": "kept {kept} unchanged submissions from {out} (--force checks them again)",
    "class.wrote": "wrote the class report {md} and {html}",
}
