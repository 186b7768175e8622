"""gradient-descent (004 §3): the MSE's gradient, one gradient-descent step, one SGD epoch."""

from __future__ import annotations

import numpy as np

from groundup.exercises.checking import Exercise, checks
from groundup.exercises.hints import Failed, Mistake, compare

COURSE_X, COURSE_Y = np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0])
COURSE = dict(w=1.0, lr=0.01, epochs=100)  # the course's run


def grad_ref(x, y, w) -> float:
    return float(2 * np.mean(x * (w * x - y)))


def sgd_ref(x, y, w, lr, order) -> float:
    for i in order:
        w = w - lr * 2 * x[i] * (w * x[i] - y[i])
    return float(w)


def inputs(seed: int = 0, n: int = 5):
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, n)
    return x, 2 * x + rng.normal(0, 0.3, n)


def check_grad(sub) -> str:
    x, y = inputs()
    return compare("mse_grad(x, y, w)", sub("mse_grad", x, y, 0.5), grad_ref(x, y, 0.5), batch=len(x))


def check_grad_numerical(sub) -> str:
    x, y = inputs(1)
    w, h = 0.3, 1e-5
    loss = lambda w: float(np.mean((w * x - y) ** 2))  # noqa: E731 - the MSE itself, not the learner's
    numerical = (loss(w + h) - loss(w - h)) / (2 * h)
    got = sub("mse_grad", x, y, w)
    if not isinstance(got, (float, int, np.floating)) or abs(got - numerical) > 1e-6 * max(1.0, abs(numerical)):
        compare("mse_grad against central differences of the MSE", got, numerical, batch=len(x))
    return f"mse_grad agrees with central differences of the MSE ({numerical:.6g})"


def check_step(sub) -> str:
    x, y = inputs(2)
    w, lr = 0.5, 0.1
    got = sub("gd_step", x, y, w, lr)
    if not isinstance(got, (float, int, np.floating)) and not (isinstance(got, np.ndarray) and got.size == 1):
        raise Failed(f"gd_step: expected the new w (a float), got {type(got).__name__}", "not-a-number")
    want = w - lr * grad_ref(x, y, w)
    # compare the steps, (w - new) / lr: the gradient used
    return compare("gd_step's step (w - new w) / lr", (w - float(got)) / lr, (w - want) / lr, batch=len(x))


def check_sgd_epoch(sub) -> str:
    x, y = inputs(3, n=4)
    w, lr, order = 0.5, 0.05, np.array([2, 0, 3, 1])
    got = sub("sgd_epoch", x, y, w, lr, order)
    return compare("sgd_epoch's new w", got, sgd_ref(x, y, w, lr, order), inputs=(x, y, w, lr, order), mistakes=(
        Mistake(lambda x, y, w, lr, o: sgd_ref(x, y, w, lr, np.arange(len(x))), "sgd-ignores-order"),
        Mistake(lambda x, y, w, lr, o: w - lr * grad_ref(x, y, w), "sgd-one-full-batch-step"),
        Mistake(lambda x, y, w, lr, o: full_batch_steps(x, y, w, lr, len(o)), "sgd-full-batch-gradient"),
        Mistake(lambda x, y, w, lr, o: float(w - len(x) * lr * grad_ref(x, y, w)), "sgd-full-batch-gradient"),
        Mistake(lambda x, y, w, lr, o: w - lr * 2 * x[o[0]] * (w * x[o[0]] - y[o[0]]), "sgd-one-update"),
    ))


def full_batch_steps(x, y, w, lr, n) -> float:
    """n updates, each with the whole data set's gradient (gradient descent, not SGD)."""
    for _ in range(n):
        w = w - lr * grad_ref(x, y, w)
    return float(w)


def check_in_use(sub) -> str:
    w, lr = COURSE["w"], COURSE["lr"]
    ref = w
    for epoch in range(COURSE["epochs"]):
        got = sub("gd_step", COURSE_X, COURSE_Y, w, lr)
        ref = ref - lr * grad_ref(COURSE_X, COURSE_Y, ref)
        try:
            w = float(got)
        except (TypeError, ValueError):
            raise Failed(f"gd_step returned {type(got).__name__}, expected a float") from None
        if not np.isclose(w, ref, rtol=1e-9, atol=1e-12):
            raise Failed(f"the course's run (w = 1, lr = 0.01): after epoch {epoch + 1} w = {w:.6g}, the "
                         f"reference {ref:.6g}", "in-use-differs" if epoch == 0 else "in-use-drifts")
    w_star = float(COURSE_X @ COURSE_Y / (COURSE_X @ COURSE_X))
    if abs(w - w_star) > 1e-3:
        raise Failed(f"after 100 epochs w = {w:.6g}, the least-squares w is {w_star:.6g}")
    return f"the course's run (w = 1, lr = 0.01, 100 epochs) ends at w = {w:.6f}; least squares: {w_star:g}"


EXERCISE = Exercise(
    name="gradient-descent", section="004 §3",
    asks="the MSE gradient, one gradient-descent step, one SGD epoch",
    functions=("mse_grad", "gd_step", "sgd_epoch"),
    checks=checks(
        ("mse_grad value", check_grad),
        ("mse_grad gradient check", check_grad_numerical),
        ("gd_step", check_step),
        ("sgd_epoch", check_sgd_epoch),
        ("in use: the course's run converges to w = 2", check_in_use, True),
    ))
