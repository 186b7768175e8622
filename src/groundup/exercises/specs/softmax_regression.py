"""softmax-regression (000 §3, 003): softmax, cross-entropy and its gradient, accuracy, one SGD step."""

from __future__ import annotations

import functools

import numpy as np

from groundup.exercises.checking import Exercise, checks
from groundup.exercises.hints import Failed, Mistake, compare
from groundup.core.models import DenseSpec, init_dense, softmax
from groundup.numpy_impl.losses import log_softmax, softmax_cross_entropy

N, K, D = 6, 4, 5
SPEC = DenseSpec((784, 10), loss="ce")
# The course's settings (batch 256, lr 0.1, W ~ N(0, 0.01²)) for one epoch on all of
# Fashion-MNIST (60,000 training and 10,000 test images), in float32 as the course's tensors:
# 235 steps, each compared with the reference's; about 1 s for a vectorised train_step.
IN_USE = dict(epochs=1, batch_size=256, lr=0.1, seed=0)
TOLERANCE = 0.005  # the verdict: the test accuracy within this of the reference's
STEP_RTOL = 1e-4  # float32 rounding differs with the order of the sums; a real mistake is far larger


def inputs(seed: int = 0, n: int = N):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 3, (n, K)), rng.integers(0, K, n)


def large_inputs():
    """Rows a textbook warns about: logits near 1e4, near -1e4 (every exp underflows), mixed."""
    z = np.array([[1e4, 0.0, -1e4, 5.0], [-1e4, -1e4 + 1, -1e4 + 2, -1e4 + 3],
                  [800.0, 799.0, 1.0, 0.0], [1.0, 2.0, 3.0, 4.0]])
    return z, np.array([1, 0, 2, 3])


def onehot(y, k=K):
    return np.eye(k)[y]


def onehot_columns(y, k=K):
    """The one-hot matrix as ``onehot[:, y] = 1`` builds it: every label's column set in every row."""
    m = np.zeros((len(y), k))
    m[:, y] = 1
    return m


def ce_mistakes():
    return (Mistake(lambda z, y: float(-(onehot(y, z.shape[1]) * log_softmax(z)).mean()), "loss-mean-over-classes"),
            Mistake(lambda z, y: float(-log_softmax(z)[:, 0].mean()) if np.any(y) else None, "label-not-picked"),
            Mistake(lambda z, y: float(-(onehot_columns(y, z.shape[1]) * log_softmax(z)).sum() / len(y)),
                    "onehot-columns"))


def ce_ref(z, y) -> float:
    return softmax_cross_entropy(z, y)[0]


def ce_grad_ref(z, y):
    return softmax_cross_entropy(z, y)[1]


def check_softmax(sub) -> str:
    z, _ = inputs()
    got = sub("softmax", z)
    return compare("softmax(z)", got, softmax(z), batch=N, inputs=(z,), mistakes=(
        Mistake(lambda z: np.exp(z) / np.exp(z).sum(axis=0, keepdims=True), "softmax-over-columns"),
        Mistake(lambda z: np.exp(z) / np.exp(z).sum(), "softmax-whole-matrix"),
    ))


def check_softmax_large(sub) -> str:
    z, _ = large_inputs()
    got = sub.strict("softmax", z, hints={"overflow": "softmax-overflow", "invalid": "softmax-overflow"})
    return compare("softmax of logits up to ±1e4", got, softmax(z), inputs=(z,), large=np.abs(z) > 700)


def check_ce(sub) -> str:
    z, y = inputs()
    return compare("cross_entropy(z, y)", sub("cross_entropy", z, y), ce_ref(z, y), batch=N,
                   inputs=(z, y), mistakes=ce_mistakes())


def check_ce_large(sub) -> str:
    z, y = large_inputs()
    got = sub.strict("cross_entropy", z, y, hints={"overflow": "softmax-overflow", "invalid": "softmax-overflow",
                                                   "divide": "log-of-softmax"})
    if isinstance(got, (float, int, np.floating)) and not np.isfinite(got):
        raise Failed(f"cross_entropy of logits up to ±1e4: expected {ce_ref(z, y):.6g}, got {got}", "log-of-softmax")
    return compare("cross_entropy of logits up to ±1e4", got, ce_ref(z, y), batch=len(y), inputs=(z, y))


def check_ce_grad(sub) -> str:
    z, y = inputs()
    return compare("cross_entropy_grad(z, y)", sub("cross_entropy_grad", z, y), ce_grad_ref(z, y), batch=N,
                   inputs=(z, y), mistakes=(
                       Mistake(lambda z, y: (onehot(y) - softmax(z)) / len(y), "wrong-sign"),
                       Mistake(lambda z, y: softmax(z) / len(y), "labels-not-subtracted"),
                       Mistake(lambda z, y: (softmax(z) - onehot_columns(y)) / len(y), "onehot-columns"),
                   ))


def check_ce_gradcheck(sub) -> str:
    z, y = inputs(1)
    analytic = sub("cross_entropy_grad", z, y)
    return sub.gradcheck("cross_entropy_grad against cross_entropy",
                         analytic, sub.numerical_gradient("cross_entropy", [z, y], 0))


def check_batch_of_one(sub) -> str:
    z, y = inputs(2, n=1)
    compare("cross_entropy, batch of one", sub("cross_entropy", z, y), ce_ref(z, y), batch=1)
    return compare("cross_entropy_grad, batch of one", sub("cross_entropy_grad", z, y), ce_grad_ref(z, y), batch=1)


def accuracy_inputs():
    """Rows where no probability reaches 0.5 and the right class is not 0, a tie, a sure row."""
    z = np.array([[0.0, 0.5, 0.4, 0.3], [0.2, 0.1, 0.0, 0.6], [3.0, 0.0, 0.0, 0.0],
                  [0.0, 1.0, 1.0, 0.0], [0.1, 0.0, 0.3, 0.2], [0.0, 0.0, 0.0, 9.0]])
    return z, np.array([1, 3, 0, 1, 2, 2])


def square_accuracy_inputs():
    """As many rows as classes, so that an argmax over the samples (axis 0) still gives n values."""
    z = np.array([[0.1, 2.0, 0.3, 0.0], [1.5, 0.2, 0.1, 0.4], [0.3, 0.1, 0.2, 3.0], [2.5, 0.4, 1.0, 0.1]])
    return z, np.array([1, 0, 3, 0])


def accuracy_mistakes():
    return (
        Mistake(lambda z, y: float((z.argmax(axis=0) == y).mean()), "argmax-wrong-axis"),
        Mistake(lambda z, y: float(((softmax(z) > 0.5).astype(float).argmax(axis=1) == y).mean()),
                "threshold-before-argmax"),
        Mistake(lambda z, y: float(((z > 0.5).astype(float).argmax(axis=1) == y).mean()), "threshold-on-logits"),
        Mistake(lambda z, y: float((z.argmax(axis=1) == y).sum()), "count-not-share"),
    )


def check_accuracy(sub) -> str:
    for z, y in (square_accuracy_inputs(), accuracy_inputs()):
        want = float((z.argmax(axis=1) == y).mean())
        note = compare(f"accuracy(z, y) of {len(y)} rows", sub("accuracy", z, y), want, inputs=(z, y),
                       mistakes=accuracy_mistakes())
    return note


def ref_train_step(W, b, x, y, lr):
    z = x @ W.T + b
    loss, g = softmax_cross_entropy(z, y)
    return W - lr * (g.T @ x), b - lr * g.sum(axis=0), loss


def check_train_step(sub) -> str:
    rng = np.random.default_rng(3)
    W, b = rng.normal(0, 0.1, (K, D)), rng.normal(0, 0.1, K)
    x, y, lr = rng.normal(0, 1, (N, D)), rng.integers(0, K, N), 0.5
    got = sub("train_step", W, b, x, y, lr)
    if not (isinstance(got, tuple | list) and len(got) == 3):
        raise Failed(f"train_step: expected (W, b, loss), got {type(got).__name__}", "return-values",
                     names="return W, b, loss")
    W2, b2, loss = ref_train_step(W, b, x, y, lr)
    compare("train_step's loss (before the step)", got[2], loss, batch=N, inputs=(W, b, x, y, lr), mistakes=(
        Mistake(lambda W, b, x, y, lr: softmax_cross_entropy(x @ got[0].T + got[1], y)[0]
                if isinstance(got[0], np.ndarray) and isinstance(got[1], np.ndarray) else None,
                "loss-after-step"),))
    z = x @ W.T + b
    g_summed, g_columns = softmax_cross_entropy(z, y)[1] * N, (softmax(z) - onehot_columns(y)) / N
    wrong_grads = {"W": (g_columns.T @ x, g_summed.T @ x), "b": (g_columns.sum(axis=0), g_summed.sum(axis=0))}
    for what, value, start, want in (("W", got[0], W, W2), ("b", got[1], b, b2)):
        if not isinstance(value, np.ndarray) or value.shape != start.shape:
            compare(f"train_step's new {what}", value, want, batch=N)
        columns, summed = wrong_grads[what]
        # compare the steps taken, (start - new) / lr, i.e. the gradients used
        compare(f"train_step's gradient of {what} ((old - new) / lr)", (start - value) / lr,
                (start - want) / lr, batch=N, rtol=1e-5, mistakes=(
                    Mistake(lambda start=start: np.zeros_like(start), "param-not-updated", {"what": what}),
                    Mistake(lambda columns=columns: columns, "onehot-columns"),
                    Mistake(lambda summed=summed: summed, "summed-not-mean", {"n": N}),))
    return "W, b and the loss match the reference"


def fashion_split():
    from groundup.exercises.inuse import load_images  # the training loop's imports: only for the in-use run

    return load_images("fashion-mnist")


@functools.cache
def reference_run() -> tuple[tuple[float, ...], float]:
    """The reference's loss at every step and test accuracy from the same start (once per
    process: grade checks many submissions in one worker)."""
    from groundup.exercises.inuse import RecordingDense, cached_reference, data_checksums, train

    def compute():
        losses: list[float] = []
        learner = RecordingDense(SPEC, init_dense(SPEC, 0, "normal", 0.01), lr=IN_USE["lr"], dtype="float32",
                                 record=losses)
        accuracy = train(learner, fashion_split(), **IN_USE).last.test_accuracy
        return tuple(losses), accuracy

    return cached_reference("softmax-regression", (SPEC, IN_USE), compute, data_checksums("fashion-mnist"))


def check_in_use(sub) -> str:
    from groundup.exercises.inuse import StepLearner, step_by_step, train

    split = fashion_split()
    params = init_dense(SPEC, 0, "normal", 0.01)

    def step(p, x, y, lr):
        out = sub("train_step", p["0.weight"], p["0.bias"], x, y, lr)
        if not (isinstance(out, tuple | list) and len(out) == 3):
            raise Failed("train_step did not return (W, b, loss)", "return-values", names="return W, b, loss")
        return {"0.weight": out[0], "0.bias": out[1]}, out[2]

    mine: list[float] = []
    h = train(StepLearner(SPEC, params, step, IN_USE["lr"], record=mine, dtype="float32"), split, sub=sub, **IN_USE)
    want, acc = reference_run()
    what = (f"one epoch on Fashion-MNIST ({len(split.y_train):,} training images, batch 256, lr 0.1, "
            f"float32)")
    got = h.last.test_accuracy
    accuracies = f"test accuracy {got:.4f}, the reference {acc:.4f} from the same start"
    if abs(got - acc) > TOLERANCE:
        raise Failed(f"{what}: {accuracies}; more than {TOLERANCE} apart", "in-use-differs")
    try:  # the parameters trained as the reference's; the losses the step reported, step by step
        note = step_by_step(mine, list(want), what, rtol=STEP_RTOL).split(": ", 1)[-1]
    except Failed as differs:
        note = ("but the loss train_step returned differs: " + differs.message.split(": ", 1)[-1])
    return f"{what}: {accuracies}; {note}"


EXERCISE = Exercise(
    name="softmax-regression", section="000 §3, 003",
    asks="softmax, cross-entropy and its gradient, accuracy, one SGD step of a linear classifier",
    functions=("softmax", "cross_entropy", "cross_entropy_grad", "accuracy", "train_step"),
    checks=checks(
        ("softmax values", check_softmax),
        ("softmax without overflow", check_softmax_large),
        ("cross_entropy value", check_ce),
        ("cross_entropy without overflow", check_ce_large),
        ("cross_entropy_grad values", check_ce_grad),
        ("cross_entropy_grad gradient check", check_ce_gradcheck),
        ("batch of one", check_batch_of_one),
        ("accuracy", check_accuracy),
        ("train_step", check_train_step),
        ("in use: one epoch on Fashion-MNIST", check_in_use, True),
    ))
