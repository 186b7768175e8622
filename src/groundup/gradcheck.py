"""A gradient checker anyone can call: central differences against a hand-written gradient.

For a scalar function f of an array x, each partial derivative is estimated as

    df/dx_i ≈ (f(x + h e_i) - f(x - h e_i)) / 2h,

whose error is O(h²) (the forward difference's is O(h)). The estimate is compared with the
analytic gradient by the relative error of CS231n's ``gradient_check``, which does not care
about the gradient's scale. In float64 with h = 1e-5, a correct gradient of a smooth function
gives a relative error around 1e-7 or below (up to about 1e-6 for entries much smaller than
the rest, where the rounding of f dominates); a wrong one gives 1e-2 or more. Use float64:
in float32 the rounding of f alone is larger than the differences being measured.
NumPy only, so a student can use it without torch.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

# The stated threshold for float64: above it, suspect the gradient. Kinks (ReLU at 0, a
# max-pool tie) within h of an input make the numerical gradient wrong, not the analytic one.
GRADCHECK_TOL = 1e-5


def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central differences of the scalar ``f()`` with respect to every entry of ``x``.

    ``x`` is perturbed in place (``f`` reads it) and restored after each entry; the result
    has ``x.shape``. Costs two calls of ``f`` per entry: for small arrays only.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = f()
        x[i] = old - h
        minus = f()
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max(1e-8, |a| + |b|), elementwise then the largest (CS231n's)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)), initial=0.0))


def check_gradient(f: Callable[[], float], x: np.ndarray, analytic: np.ndarray, h: float = 1e-5,
                   tol: float = GRADCHECK_TOL) -> tuple[bool, float]:
    """Is ``analytic`` the gradient of ``f()`` with respect to ``x``? -> (ok, relative error)."""
    if np.shape(analytic) != x.shape:
        raise ValueError(f"the gradient has shape {np.shape(analytic)}, the array {x.shape}")
    err = rel_error(analytic, numerical_gradient(f, x, h))
    return err <= tol, err
