"""logistic-regression (000 §2): sigmoid, binary cross-entropy from logits and its gradient, labels."""

from __future__ import annotations

import numpy as np

from groundup.data import synthetic
from groundup.exercises.checking import Exercise, checks
from groundup.exercises.hints import Failed, Mistake, compare
from groundup.exercises.inuse import StepLearner, train
from groundup.core.models import DenseSpec, init_dense
from groundup.numpy_impl.layers import sigmoid
from groundup.numpy_impl.losses import bce_with_logits
from groundup.numpy_impl.learner import NumpyDense
from groundup.training.train import Split

N = 8
SPEC = DenseSpec((2, 1), loss="bce")
IN_USE = dict(epochs=10, batch_size=64, lr=0.5, seed=0)  # the quick preset of logistic-synthetic
TARGET = 0.975
OVERFLOW, LOG0 = "sigmoid-overflow", "bce-log0"  # mistake ids (exercises.mistakes)


def inputs(seed: int = 0, n: int = N):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 2, n), rng.integers(0, 2, n)


def large_logits():
    return np.array([1e4, -1e4, 800.0, -800.0, 40.0, -40.0, 0.3, -0.3]), np.array([1, 0, 0, 1, 1, 0, 1, 0])


def bce_ref(z, y) -> float:
    return bce_with_logits(z[:, None], y)[0]


def bce_grad_ref(z, y):
    return bce_with_logits(z[:, None], y)[1][:, 0]


def check_sigmoid(sub) -> str:
    z, _ = inputs()
    return compare("sigmoid(z)", sub("sigmoid", z), sigmoid(z), inputs=(z,), mistakes=(
        Mistake(lambda z: 1 / (1 + np.exp(z)), "sigmoid-sign"),))


def check_sigmoid_large(sub) -> str:
    z, _ = large_logits()
    got = sub.strict("sigmoid", z, hints={"overflow": OVERFLOW, "invalid": OVERFLOW})
    return compare("sigmoid of logits up to ±1e4", got, sigmoid(z), large=np.abs(z) > 700)


def check_bce(sub) -> str:
    z, y = inputs()
    return compare("bce_loss(z, y)", sub("bce_loss", z, y), bce_ref(z, y), batch=N, inputs=(z, y), mistakes=(
        Mistake(lambda z, y: float(np.mean(-y * np.log(sigmoid(z)))), "bce-missing-zero-term"),))


def check_bce_large(sub) -> str:
    z, y = large_logits()
    got = sub.strict("bce_loss", z, y, hints={"overflow": OVERFLOW, "divide": LOG0, "invalid": LOG0})
    if isinstance(got, (float, np.floating)) and not np.isfinite(got):
        raise Failed(f"bce_loss of logits up to ±1e4: expected {bce_ref(z, y):.6g}, got {got}", LOG0)
    return compare("bce_loss of logits up to ±1e4", got, bce_ref(z, y), batch=len(y))


def check_bce_grad(sub) -> str:
    z, y = inputs()
    return compare("bce_grad(z, y)", sub("bce_grad", z, y), bce_grad_ref(z, y), batch=N, inputs=(z, y), mistakes=(
        Mistake(lambda z, y: sigmoid(z) / len(y), "labels-not-subtracted"),
        Mistake(lambda z, y: (y - sigmoid(z)) / len(y), "wrong-sign"),))


def check_bce_gradcheck(sub) -> str:
    z, y = inputs(1)
    return sub.gradcheck("bce_grad against bce_loss", sub("bce_grad", z, y),
                         sub.numerical_gradient("bce_loss", [z, y], 0))


def check_batch_of_one(sub) -> str:
    z, y = np.array([1.5]), np.array([0])
    compare("bce_loss, batch of one", sub("bce_loss", z, y), bce_ref(z, y), batch=1)
    return compare("bce_grad, batch of one", sub("bce_grad", z, y), bce_grad_ref(z, y), batch=1)


def check_predict(sub) -> str:
    z = np.array([-2.0, -0.3, 0.2, 0.4, 0.7, 3.0])
    want = (z > 0).astype(np.int64)
    return compare("predict(z)", sub("predict", z), want, inputs=(z,), mistakes=(
        Mistake(lambda z: (z > 0.5).astype(np.int64), "threshold-on-logits"),
        Mistake(lambda z: sigmoid(z), "probabilities-not-labels"),
    ))


def check_in_use(sub) -> str:
    x, y, xt, yt = synthetic.logistic_seed_split(0)
    split = Split(x, y, xt, yt)
    params = init_dense(SPEC, 0)

    def step(p, xb, yb, lr):
        z = xb @ p["0.weight"][0] + p["0.bias"][0]
        loss, g = sub("bce_loss", z, yb), sub("bce_grad", z, yb)
        if not isinstance(g, np.ndarray) or g.shape != z.shape:
            raise Failed(f"bce_grad returned {getattr(g, 'shape', type(g).__name__)} for logits of shape {z.shape}")
        return {"0.weight": p["0.weight"] - lr * (g @ xb)[None], "0.bias": p["0.bias"] - lr * g.sum(keepdims=True)}, loss

    learner = StepLearner(SPEC, params, step, IN_USE["lr"])
    train(learner, split, sub=sub, **IN_USE)
    labels = sub("predict", learner.outputs(xt)[:, 0])
    if not isinstance(labels, np.ndarray) or labels.shape != yt.shape:
        raise Failed(f"predict returned {getattr(labels, 'shape', type(labels).__name__)} for {len(yt)} logits")
    acc = float((labels == yt).mean())
    ref = train(NumpyDense(SPEC, params, lr=IN_USE["lr"], dtype="float64"), split, **IN_USE).last.test_accuracy
    what = (f"10 epochs of SGD (batch 64, lr 0.5) on the synthetic set: test accuracy {acc:.4f} "
            f"with your predict (the reference reaches {ref:.4f}; needed: {TARGET})")
    if acc < TARGET:
        raise Failed(what, "in-use-differs")
    return what


EXERCISE = Exercise(
    name="logistic-regression", section="000 §2",
    asks="sigmoid, binary cross-entropy from logits and its gradient, 0/1 predictions",
    functions=("sigmoid", "bce_loss", "bce_grad", "predict"),
    checks=checks(
        ("sigmoid values", check_sigmoid),
        ("sigmoid without overflow", check_sigmoid_large),
        ("bce_loss value", check_bce),
        ("bce_loss without overflow", check_bce_large),
        ("bce_grad values", check_bce_grad),
        ("bce_grad gradient check", check_bce_gradcheck),
        ("batch of one", check_batch_of_one),
        ("predict", check_predict),
        ("in use: the synthetic set", check_in_use, True),
    ))
