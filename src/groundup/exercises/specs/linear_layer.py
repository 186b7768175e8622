"""linear-layer (001, 004 §9): a fully connected layer and ReLU, forward and backward."""

from __future__ import annotations

import numpy as np

from groundup.exercises.checking import Exercise, checks
from groundup.exercises.hints import Failed, Mistake, compare
from groundup.exercises.inuse import mlp_run
from groundup.numpy_impl.losses import softmax_cross_entropy

N, D, M = 5, 4, 3


def inputs(seed: int = 0, n: int = N):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 1, (n, D)), rng.normal(0, 1, (M, D)), rng.normal(0, 1, M), rng.normal(0, 1, (n, M))


def backward_ref(dy, x, W):
    return dy @ W, dy.T @ x, dy.sum(axis=0)


def three(got, what: str):
    if not (isinstance(got, tuple | list) and len(got) == 3):
        raise Failed(f"{what}: expected (dx, dW, db), got {type(got).__name__}", "return-values",
                     names="return dx, dW, db")
    return got


def check_forward(sub) -> str:
    x, W, b, _ = inputs()
    return compare("linear_forward(x, W, b)", sub("linear_forward", x, W, b), x @ W.T + b, inputs=(x, W, b),
                   mistakes=(Mistake(lambda x, W, b: x @ W.T, "bias-missing"),))


def check_backward(sub, seed: int = 0, n: int = N) -> str:
    x, W, b, dy = inputs(seed, n)
    dx, dW, db = three(sub("linear_backward", dy, x, W), "linear_backward")
    want = backward_ref(dy, x, W)
    notes = [compare("dx", dx, want[0], batch=n),
             compare("dW", dW, want[1], batch=n, inputs=(dy, x, W), mistakes=(
                 Mistake(lambda dy, x, W: x.T @ dy, "weights-transposed", {"got": (D, M), "want": (M, D)}),
                 Mistake(lambda dy, x, W: dy.T @ x / len(x), "grad-divided-by-batch"))),
             compare("db", db, want[2], batch=n, inputs=(dy, x, W), mistakes=(
                 Mistake(lambda dy, x, W: dy.mean(axis=0), "db-mean-not-sum"),))]
    return f"dx, dW and db match the reference ({len(notes)} arrays, batch of {n})"


def check_linear_gradcheck(sub) -> str:
    x, W, b, G = inputs(1)
    dx, dW, db = three(sub("linear_backward", G, x, W), "linear_backward")
    reduce = lambda y: float(np.sum(np.asarray(y) * G))  # noqa: E731 - L = sum(y * G), so dL/dy = G
    notes = [sub.gradcheck(f"{name} of L = sum(linear_forward(x, W, b) * dy)", g,
                           sub.numerical_gradient("linear_forward", [x, W, b], i, reduce=reduce))
             for i, (name, g) in enumerate((("dx", dx), ("dW", dW), ("db", db)))]
    return "dx, dW, db: " + notes[-1]


def relu_inputs():
    x = np.array([[-2.0, -0.5, 0.0, 0.5], [3.0, 0.0, -1.0, 2.0], [1.0, -3.0, 0.25, -0.25]])
    dy = np.array([[0.5, -1.0, 2.0, -0.5], [-2.0, 1.0, 0.5, 1.5], [-1.0, 2.0, -3.0, 0.7]])
    return x, dy


def check_relu_forward(sub) -> str:
    x, _ = relu_inputs()
    return compare("relu_forward(x)", sub("relu_forward", x), np.maximum(x, 0), inputs=(x,), mistakes=(
        Mistake(lambda x: (x > 0).astype(float), "relu-mask-not-max"),))


def check_relu_backward(sub) -> str:
    x, dy = relu_inputs()
    return compare("relu_backward(dy, x)", sub("relu_backward", dy, x), dy * (x > 0), inputs=(dy, x), mistakes=(
        Mistake(lambda dy, x: dy * (dy > 0), "relu-mask-from-dy"),
        Mistake(lambda dy, x: (x > 0).astype(float), "relu-mask-only"),
        Mistake(lambda dy, x: dy * (x >= 0), "relu-passes-at-zero"),
        Mistake(lambda dy, x: np.maximum(dy, 0), "relu-of-dy"),
    ))


def check_relu_gradcheck(sub) -> str:
    rng = np.random.default_rng(4)
    x = rng.normal(0, 1, (4, 3))
    x = np.where(np.abs(x) < 1e-3, 0.5, x)  # no kink within h of an input
    G = rng.normal(0, 1, (4, 3))
    return sub.gradcheck("relu_backward against relu_forward", sub("relu_backward", G, x),
                         sub.numerical_gradient("relu_forward", [x], 0, reduce=lambda y: float(np.sum(np.asarray(y) * G))))


def check_in_use(sub) -> str:
    def step(p, x, y, lr):
        h = sub("linear_forward", x, p["0.weight"], p["0.bias"])
        a = sub("relu_forward", h)
        z = sub("linear_forward", a, p["2.weight"], p["2.bias"])
        if not isinstance(z, np.ndarray) or z.shape != (len(x), 10):
            raise Failed(f"linear_forward gave {getattr(z, 'shape', type(z).__name__)}, expected {(len(x), 10)}",
                         "in-use-differs")
        loss, dz = softmax_cross_entropy(z, y)
        da, dW2, db2 = three(sub("linear_backward", dz, a, p["2.weight"]), "linear_backward")
        dh = sub("relu_backward", da, h)
        _, dW0, db0 = three(sub("linear_backward", dh, x, p["0.weight"]), "linear_backward")
        grads = {"0.weight": dW0, "0.bias": db0, "2.weight": dW2, "2.bias": db2}
        for k, g in grads.items():
            if not isinstance(g, np.ndarray) or g.shape != p[k].shape:
                raise Failed(f"the gradient of {k} has {getattr(g, 'shape', type(g).__name__)}, expected {p[k].shape}")
        return {k: p[k] - lr * g for k, g in grads.items()}, loss

    return mlp_run(step, sub=sub)


EXERCISE = Exercise(
    name="linear-layer", section="001, 004 §9",
    asks="a linear layer and ReLU, forward and backward (dx, dW, db)",
    functions=("linear_forward", "linear_backward", "relu_forward", "relu_backward"),
    checks=checks(
        ("linear_forward values", check_forward),
        ("linear_backward values", check_backward),
        ("linear_backward gradient check", check_linear_gradcheck),
        ("linear_backward, batch of one", lambda sub: check_backward(sub, 5, 1)),
        ("relu_forward values", check_relu_forward),
        ("relu_backward values", check_relu_backward),
        ("relu_backward gradient check", check_relu_gradcheck),
        ("in use: an MLP on 5,000 MNIST images", check_in_use, True),
    ))
