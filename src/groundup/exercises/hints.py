"""Compare what a learner's function returned with the reference, and name the likely mistake.

Every hint is read off the values: the shape (transposed? a bias gradient not summed over the
batch? a per-sample loss instead of the mean?), where NaN or inf appear (an overflowing exp),
and the best scale factor between the two (n times too large: summed instead of averaged; n
times too small: divided by the batch size twice; -1: the wrong sign; 1/2: a forgotten factor
2; any other factor only when several values share it). Exercises add their own recognisers
for specific mistakes (``Mistake``), each a function that reproduces that mistake from the
same inputs, so the hint is given only if the returned values match the mistake's values.
When nothing explains the values, the hint says so. Hints are named by their id in the
catalogue (``exercises.mistakes``) and rendered from it in the current language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from groundup.exercises.mistakes import explain, named
from groundup.gradcheck import rel_error

RTOL, ATOL = 1e-6, 1e-9


class Failed(Exception):
    """A failed check: what was expected and what came back, and why: a catalogue id
    (``mistakes.MISTAKES``) whose hint is rendered from ``evidence`` in the current language.

    ``mistake`` is the id when it names a mistake, None for advice or no hint; ``hint`` the text;
    ``kind`` what stopped the check, if not its values (``checking.KINDS``).
    """

    def __init__(self, message: str, why: str | None = None, *, kind: str = "", **evidence):
        super().__init__(message)
        self.message, self.why, self.kind = message, why, kind
        # kept as JSON values, so that a report read back (grade's rows) says its hint in any language
        self.evidence = {k: v.item() if isinstance(v, np.generic) else str(tuple(v)) if isinstance(v, (tuple, list))
                         else v for k, v in evidence.items()}
        self.hint = explain(why, **self.evidence) if why else None
        self.mistake = named(why)


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer: ``values(*inputs)`` computes it, ``why`` is its catalogue id."""

    values: Callable[..., object]
    why: str
    evidence: dict = field(default_factory=dict)


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
            why = "returns-list"
        elif isinstance(got, (float, int, np.number)) and want.ndim == 0:
            return np.asarray(got, dtype=np.float64)
        else:
            why = "not-an-array"
        raise Failed(f"{what}: expected an array of shape {want.shape}, got {show(got)}", why)
    if not isinstance(want, np.ndarray):
        if isinstance(got, np.ndarray) and got.size == 1:
            return np.asarray(got, dtype=np.float64).reshape(())
        if isinstance(got, np.ndarray):
            raise Failed(f"{what}: expected one number ({show(want)}), got an array of shape {got.shape}",
                         "per-sample-loss")
        if not isinstance(got, (float, int, np.number)) or isinstance(got, bool):
            raise Failed(f"{what}: expected a number, got {show(got)}", "not-a-number")
        return np.asarray(got, dtype=np.float64)
    return got.astype(np.float64) if got.dtype.kind in "biuf" else got


def shape_why(got: np.ndarray, want: np.ndarray, batch: int | None) -> tuple[str, dict] | None:
    """The catalogue id (and evidence) that a wrong shape points to, or None. Each is claimed
    only when the values show it: the transpose holds the right values, the per-sample rows sum
    (or average) to the right values, the same numbers fill the wrong shape."""
    if got.ndim == 2 and want.ndim == 2 and got.shape == want.shape[::-1] and matches(got.T, want, 1e-6, 1e-9):
        return "weights-transposed", {"got": got.shape, "want": want.shape}
    if batch is not None and got.ndim == want.ndim + 1 and got.shape[1:] == want.shape and got.shape[0] == batch \
            and (matches(got.sum(axis=0), want, 1e-6, 1e-9) or matches(got.mean(axis=0), want, 1e-6, 1e-9)):
        return "bias-not-summed", {}
    if got.size == want.size and matches(got.reshape(want.shape), want, 1e-6, 1e-9):
        return "wrong-shape", {"want": want.shape}
    return None


def scale_why(got: np.ndarray, want: np.ndarray, batch: int | None) -> tuple[float, str | None, dict]:
    """The least-squares factor r with got ≈ r · want, and the catalogue id it points to.

    A ratio is only evidence of a scale when several values share it: with one number (or one
    nonzero value) any wrong value is "off by a factor", so only the telling factors of an
    exact formula (the batch size, -1, 2, 1/2) are named from a single value, and none of them
    when the value is a result of many steps (``batch`` None says the value is not a batch mean).
    """
    denom = float(np.sum(want * want))
    if denom == 0 or not np.all(np.isfinite(got)):
        return float("nan"), None, {}
    r = float(np.sum(got * want) / denom)
    if not matches(got, r * want, rtol=1e-5, atol=1e-9):
        return r, None, {}
    shared = int(np.count_nonzero(want))  # how many values show the factor
    close = lambda v: abs(r - v) <= 1e-6 * max(1.0, abs(v))  # noqa: E731
    if shared >= 2 and close(0.0):
        return r, "all-zero", {}
    if batch and batch > 1 and close(batch):
        return r, "summed-not-mean", {"n": batch}
    if batch and batch > 1 and close(1 / batch):
        return r, "grad-divided-twice", {"n": batch}
    if close(-1):
        return r, "wrong-sign", {}
    if close(0.5):
        return r, "missing-factor-2", {}
    if close(2):
        return r, "extra-factor-2", {}
    if shared >= 2:
        return r, "constant-factor", {"count": shared, "r": r}
    return r, None, {}


def nonfinite_why(got: np.ndarray, big: np.ndarray | None) -> str:
    """Where NaN or inf appear: if only where the inputs are large, an overflowing exp."""
    bad = ~np.isfinite(got)
    if big is not None and big.shape == got.shape and np.all(big[bad]):
        return "exp-overflow"
    if big is not None and big.shape[:1] == got.shape[:1] and got.ndim >= 1:
        rows = bad.reshape(len(got), -1).any(axis=1)
        if rows.any() and np.all(big.reshape(len(big), -1).any(axis=1)[rows]):
            return "exp-overflow"
    return "nan-from-moderate-inputs"


def compare(what: str, got, want, *, batch: int | None = None, inputs=None,
            mistakes: tuple[Mistake, ...] = (), rtol: float = RTOL, atol: float = ATOL,
            large: np.ndarray | None = None) -> str:
    """Return a one-line success note, or raise Failed with the expected/got lines and a hint.

    ``mistakes`` are tried (on ``inputs``) before the generic shape/scale/NaN diagnosis;
    ``large`` marks the input entries that are large, to say where NaN came from. When nothing
    explains the values, the hint says so ("unexplained"), and names no mistake.
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
            raise Failed(expected, m.why, **m.evidence)
    want_a = np.asarray(want, dtype=np.float64)
    if arr.shape != want_a.shape:
        why, evidence = shape_why(arr, want_a, batch) or ("unexplained", {})
        raise Failed(f"{what}: expected shape {want_a.shape}, got shape {arr.shape}", why, **evidence)
    if not np.all(np.isfinite(arr)):
        where = np.argwhere(~np.isfinite(arr))
        raise Failed(f"{expected}; NaN/inf at {len(where)} of {arr.size} entries", nonfinite_why(arr, large))
    r, why, evidence = scale_why(arr, want_a, batch)
    if why:
        raise Failed(f"{expected} (ratio {r:.4g})", why, **evidence)
    raise Failed(f"{expected} (relative error {rel_error(arr, want_a):.2g})", "unexplained")
