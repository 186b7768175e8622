"""linear-model (004 §1-2): the prediction y = w·x, the mean squared error, a grid search over w."""

from __future__ import annotations

import numpy as np

from groundup.exercises.checking import Exercise, checks
from groundup.exercises.hints import Failed, Mistake, compare

COURSE_X, COURSE_Y = np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0])
COURSE_GRID = np.arange(0.0, 4.1, 0.1)  # the course's w = 0.0, 0.1, ..., 4.0


def inputs(seed: int = 0, n: int = 5):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 1, n), rng.normal(0, 1, n)


def mse_ref(pred, y) -> float:
    return float(np.mean((pred - y) ** 2))


def grid_ref(x, y, ws):
    losses = np.array([mse_ref(w * x, y) for w in ws])
    return float(ws[np.argmin(losses)]), losses


MSE_MISTAKES = (
    Mistake(lambda p, y: float(np.mean(np.abs(p - y))), "mean-absolute-error"),
    Mistake(lambda p, y: float(np.sqrt(np.mean((p - y) ** 2))), "rmse"),
    Mistake(lambda p, y: float(np.mean(p - y) ** 2), "mean-then-squared"),
)


def check_forward(sub) -> str:
    x, _ = inputs()
    return compare("forward(x, w)", sub("forward", x, 1.7), 1.7 * x)


def check_mse(sub) -> str:
    p, y = inputs(1)
    return compare("mse(y_pred, y)", sub("mse", p, y), mse_ref(p, y), batch=len(y), inputs=(p, y), mistakes=MSE_MISTAKES)


def two(got, what):
    if not (isinstance(got, tuple | list) and len(got) == 2):
        raise Failed(f"{what}: expected (best_w, losses), got {type(got).__name__}", "return-values",
                     names="return best_w, losses")
    return got


def check_grid(sub) -> str:
    x, y = inputs(2)
    y = 0.7 * x + 0.1 * y
    ws = np.linspace(-1, 2, 13)
    best, losses = two(sub("grid_search", x, y, ws), "grid_search")
    want_best, want_losses = grid_ref(x, y, ws)
    compare("grid_search's losses (one per w)", losses, want_losses, batch=len(x), inputs=(x, y, ws), mistakes=(
        Mistake(lambda x, y, ws: np.cumsum([mse_ref(w * x, y) for w in ws]), "losses-accumulate"),))
    return compare("grid_search's best w", best, want_best, inputs=(x, y, ws), mistakes=(
        Mistake(lambda x, y, ws: float(ws[np.argmax(want_losses)]), "argmax-not-argmin"),
        Mistake(lambda x, y, ws: float(np.argmin(want_losses)), "index-not-value"),
        Mistake(lambda x, y, ws: float(want_losses.min()), "min-loss-not-w"),
    ))


def check_in_use(sub) -> str:
    best, losses = two(sub("grid_search", COURSE_X, COURSE_Y, COURSE_GRID), "grid_search")
    want_best, want_losses = grid_ref(COURSE_X, COURSE_Y, COURSE_GRID)
    compare("the course's grid: losses", losses, want_losses, batch=3)
    compare("the course's grid: best w", best, want_best)
    return f"the course's grid w = 0.0, 0.1, ..., 4.0 on x = [1, 2, 3], y = [2, 4, 6] finds w = {float(best):.1f} (loss {float(np.min(losses)):.2g})"


EXERCISE = Exercise(
    name="linear-model", section="004 §1-2",
    asks="the prediction y = w·x, the mean squared error, the grid search over w",
    functions=("forward", "mse", "grid_search"),
    checks=checks(
        ("forward values", check_forward),
        ("mse value", check_mse),
        ("grid_search", check_grid),
        ("in use: the course's grid finds w = 2", check_in_use, True),
    ))
