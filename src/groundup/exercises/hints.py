"""Compare what a learner's function returned with the reference, and name the likely mistake.

Every hint is read off the values: the shape (transposed? a bias gradient not summed over the
batch? a per-sample loss instead of the mean?), where NaN or inf appear (an overflowing exp),
and the best scale factor between the two (n times too large: summed instead of averaged; n
times too small: divided by the batch size twice; -1: the wrong sign; 1/2: a forgotten factor
2). Exercises add their own recognisers for specific mistakes (``Mistake``), each a function
that reproduces that mistake from the same inputs, so the hint is given only if the returned
values match the mistake's values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from groundup.gradcheck import rel_error

RTOL, ATOL = 1e-6, 1e-9


class Failed(Exception):
    """A failed check: what was expected and what came back, and a hint (or None)."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer: ``values(*inputs)`` computes it, ``hint`` names it."""

    values: Callable[..., object]
    hint: str


def show(v, k: int = 4) -> str:
    """A short picture of a value: a number, or shape and the first few entries."""
    if isinstance(v, (float, int, np.floating, np.integer)) and not isinstance(v, bool):
        return f"{float(v):.6g}"
    if isinstance(v, np.ndarray):
        flat = v.ravel()[:k]
        head = ", ".join(f"{float(x):.4g}" for x in flat) + (", ..." if v.size > k else "")
        return f"shape {v.shape} [{head}]"
    if isinstance(v, (list, tuple)):
        return f"a {type(v).__name__} of {len(v)}"
    return f"{type(v).__name__} {v!r}"[:80]


def matches(got, want, rtol: float = RTOL, atol: float = ATOL) -> bool:
    try:
        g, w = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return g.shape == w.shape and bool(np.allclose(g, w, rtol=rtol, atol=atol, equal_nan=False))


def as_array(what: str, got, want) -> np.ndarray:
    """The returned value as a float array, or Failed saying what type came back."""
    if isinstance(want, np.ndarray) and not isinstance(got, np.ndarray):
        if isinstance(got, (list, tuple)):
            hint = "return a NumPy array (np.array(...)), not a Python list"
        elif isinstance(got, (float, int, np.number)) and want.ndim == 0:
            return np.asarray(got, dtype=np.float64)
        else:
            hint = "return a NumPy array"
        raise Failed(f"{what}: expected an array of shape {want.shape}, got {show(got)}", hint)
    if not isinstance(want, np.ndarray):
        if isinstance(got, np.ndarray) and got.size == 1:
            return np.asarray(got, dtype=np.float64).reshape(())
        if isinstance(got, np.ndarray):
            raise Failed(f"{what}: expected one number ({show(want)}), got an array of shape {got.shape}",
                         "return the mean over the batch as one float, not one value per sample "
                         "(e.g. float(losses.mean()))")
        if not isinstance(got, (float, int, np.number)) or isinstance(got, bool):
            raise Failed(f"{what}: expected a number, got {show(got)}", "return a float")
        return np.asarray(got, dtype=np.float64)
    return got.astype(np.float64) if got.dtype.kind in "biuf" else got


def shape_hint(got: np.ndarray, want: np.ndarray, batch: int | None) -> str | None:
    if got.ndim == 2 and want.ndim == 2 and got.shape == want.shape[::-1]:
        return (f"the result is transposed: {got.shape} instead of {want.shape} (a weight gradient has "
                f"the weight's shape (out, in): dW = dyᵀ x, not xᵀ dy)")
    if batch is not None and got.ndim == want.ndim + 1 and got.shape[1:] == want.shape and got.shape[0] == batch:
        return ("one row per sample came back: a bias (or loss) gradient must be summed over the batch "
                "(axis 0), since every sample's b is the same b")
    if got.size == want.size:
        return f"the right numbers in the wrong shape? reshape to {want.shape} (keepdims / a trailing axis of 1)"
    return None


def scale_hint(got: np.ndarray, want: np.ndarray, batch: int | None) -> tuple[float, str | None]:
    """The least-squares factor r with got ≈ r · want, and a hint when r is a telling number."""
    denom = float(np.sum(want * want))
    if denom == 0 or not np.all(np.isfinite(got)):
        return float("nan"), None
    r = float(np.sum(got * want) / denom)
    if not matches(got, r * want, rtol=1e-5, atol=1e-9):
        return r, None
    close = lambda v: abs(r - v) <= 1e-6 * max(1.0, abs(v))  # noqa: E731
    if batch and batch > 1 and close(batch):
        return r, (f"{batch} times too large, the batch size: summed over the batch instead of "
                   f"averaged; divide by the batch size once (take the mean)")
    if batch and batch > 1 and close(1 / batch):
        return r, (f"{batch} times too small, the batch size: divided by the batch size twice (the "
                   f"mean's gradient already carries 1/n; do not divide again)")
    if close(-1):
        return r, "the sign is flipped: the gradient points uphill; check the order of a subtraction (p - y, not y - p)"
    if close(0.5):
        return r, "exactly half: a factor 2 is missing (d/dp (p - y)² = 2 (p - y))"
    if close(2):
        return r, "exactly twice: a factor 2 too many"
    return r, f"every value is off by the same factor {r:.4g}: a constant scale is wrong"


def nonfinite_hint(got: np.ndarray, big: np.ndarray | None) -> str:
    """Where NaN or inf appear: if only where the inputs are large, an overflowing exp."""
    bad = ~np.isfinite(got)
    if big is not None and big.shape == got.shape and np.all(big[bad]):
        return ("NaN/inf only where the input is large: np.exp overflows beyond ~709; subtract the "
                "row maximum first (softmax, log-sum-exp) or use exp(-|z|) (sigmoid)")
    if big is not None and big.shape[:1] == got.shape[:1] and got.ndim >= 1:
        rows = bad.reshape(len(got), -1).any(axis=1)
        if rows.any() and np.all(big.reshape(len(big), -1).any(axis=1)[rows]):
            return ("NaN/inf only in rows with large inputs: np.exp overflows beyond ~709; subtract "
                    "the row maximum before exponentiating")
    return "NaN or inf came back even for moderate inputs: a division by zero or log(0)?"


def compare(what: str, got, want, *, batch: int | None = None, inputs=None,
            mistakes: tuple[Mistake, ...] = (), rtol: float = RTOL, atol: float = ATOL,
            large: np.ndarray | None = None) -> str:
    """Return a one-line success note, or raise Failed with the expected/got lines and a hint.

    ``mistakes`` are tried (on ``inputs``) before the generic shape/scale/NaN diagnosis;
    ``large`` marks the input entries that are large, to say where NaN came from.
    """
    arr = as_array(what, got, want)
    if matches(arr, want, rtol, atol):
        return f"{what}: matches the reference (relative error {rel_error(arr, want):.1e})"
    expected = f"{what}: expected {show(want)}, got {show(arr if np.ndim(arr) else float(arr))}"
    for m in mistakes:
        try:
            wrong = m.values(*(inputs or ()))
        except (ValueError, FloatingPointError, ZeroDivisionError, IndexError, TypeError):
            continue
        if wrong is not None and matches(arr, wrong, 1e-6, 1e-9):
            raise Failed(expected, m.hint)
    want_a = np.asarray(want, dtype=np.float64)
    if arr.shape != want_a.shape:
        raise Failed(f"{what}: expected shape {want_a.shape}, got shape {arr.shape}",
                     shape_hint(arr, want_a, batch))
    if not np.all(np.isfinite(arr)):
        where = np.argwhere(~np.isfinite(arr))
        raise Failed(f"{expected}; NaN/inf at {len(where)} of {arr.size} entries",
                     nonfinite_hint(arr, large))
    r, hint = scale_hint(arr, want_a, batch)
    if hint:
        raise Failed(f"{expected} (ratio {r:.4g})", hint)
    raise Failed(f"{expected} (relative error {rel_error(arr, want_a):.2g})", None)
