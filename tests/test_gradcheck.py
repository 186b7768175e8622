"""The gradient checker: central differences find right gradients right and wrong ones wrong."""

from __future__ import annotations

import numpy as np
import pytest

from groundup.gradcheck import GRADCHECK_TOL, check_gradient, numerical_gradient, rel_error


def test_numerical_gradient_of_a_known_function_and_x_restored():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4))
    before = x.copy()
    grad = numerical_gradient(lambda: float(np.sum(np.sin(x) * x ** 2)), x)
    np.testing.assert_allclose(grad, np.cos(before) * before ** 2 + 2 * before * np.sin(before),
                               rtol=1e-8, atol=1e-10)
    assert np.array_equal(x, before)  # every entry put back exactly


def test_central_differences_are_second_order():
    """The error of (f(x+h) - f(x-h)) / 2h shrinks like h²: 100× for h 10× smaller."""
    x = np.array([0.7])
    errs = [abs(numerical_gradient(lambda: float(np.exp(x[0])), x, h)[0] - np.exp(0.7))
            for h in (1e-2, 1e-3)]
    assert 50 < errs[0] / errs[1] < 200


def test_rel_error_is_cs231n_s():
    assert rel_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert rel_error(np.array([1.0, -3.0]), np.array([1.0, -1.0])) == pytest.approx(0.5)
    assert rel_error(np.zeros(3), np.full(3, 1e-12)) == pytest.approx(1e-4)  # the 1e-8 floor


def test_check_gradient_accepts_the_right_gradient_and_rejects_a_wrong_one():
    rng = np.random.default_rng(1)
    a, x = rng.normal(size=(5, 5)), rng.normal(size=5)
    f = lambda: float(x @ a @ x)  # noqa: E731
    right = (a + a.T) @ x
    ok, err = check_gradient(f, x, right)
    assert ok and err < GRADCHECK_TOL
    ok, err = check_gradient(f, x, a @ x)  # a classic slip: forgetting the transpose's term
    assert not ok and err > 1e-3
    with pytest.raises(ValueError, match="shape"):
        check_gradient(f, x, right[:4])
