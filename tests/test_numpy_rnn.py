"""The NumPy RNN cell and backpropagation through time against nn.RNNCell + autograd and central
differences (float64); both hand-written Adams against torch.optim.Adam step for step."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from groundup.numpy_impl import optim as np_optim
from groundup.numpy_impl.rnn import rnn_backward, rnn_forward, rnn_step_backward, rnn_step_forward
from groundup.scratch import optim as scratch_optim

from groundup.gradcheck import numerical_gradient, rel_error

T, N, D, H = 5, 3, 4, 6


@pytest.fixture
def case():
    rng = np.random.default_rng(0)
    p = {"weight_ih": rng.normal(0, 0.5, (H, D)), "weight_hh": rng.normal(0, 0.5, (H, H)),
         "bias_ih": rng.normal(0, 0.5, H), "bias_hh": rng.normal(0, 0.5, H)}
    return p, rng.normal(size=(T, N, D)), rng.normal(size=(N, H)), rng.normal(size=(T, N, H))


def _torch_cell(p):
    cell = torch.nn.RNNCell(D, H).double()
    cell.load_state_dict({k: torch.from_numpy(v) for k, v in p.items()})
    return cell


def _assert_same(ours, torch_inputs, cell, grads):
    """Our (dx, dh) equal the inputs' .grad, our parameter gradients the cell's, to 1e-12."""
    for a, b in zip(ours, torch_inputs):
        np.testing.assert_allclose(a, b.grad.numpy(), rtol=0, atol=1e-12)
    for k, param in cell.named_parameters():
        np.testing.assert_allclose(grads[k], param.grad.numpy(), rtol=0, atol=1e-12)


def test_step_equals_nn_rnncell_values_and_gradients(case):
    p, xs, h0, dhs = case
    cell = _torch_cell(p)
    x, h_prev = torch.tensor(xs[0], requires_grad=True), torch.tensor(h0, requires_grad=True)
    h_ref = cell(x, h_prev)
    h_ref.backward(torch.from_numpy(dhs[0]))
    h = rnn_step_forward(xs[0], h0, p)
    np.testing.assert_allclose(h, h_ref.detach().numpy(), rtol=0, atol=1e-12)
    dx, dh_prev, grads = rnn_step_backward(dhs[0], xs[0], h0, h, p)
    _assert_same((dx, dh_prev), (x, h_prev), cell, grads)


def test_through_time_equals_autograd_through_the_nn_rnncell_loop(case):
    """L = sum_t <dhs[t], h_t>: each step's own gradient is dhs[t], the rest flows back in time."""
    p, xs, h0, dhs = case
    cell = _torch_cell(p)
    x, h = torch.tensor(xs, requires_grad=True), torch.tensor(h0, requires_grad=True)
    states, state = [], h
    for t in range(T):
        state = cell(x[t], state)
        states.append(state)
    hs_ref = torch.stack(states)
    (hs_ref * torch.from_numpy(dhs)).sum().backward()
    hs = rnn_forward(xs, h0, p)
    np.testing.assert_allclose(hs, hs_ref.detach().numpy(), rtol=0, atol=1e-12)
    dxs, dh0, grads = rnn_backward(dhs, xs, h0, hs, p)
    _assert_same((dxs, dh0), (x, h), cell, grads)


def test_through_time_passes_the_central_difference_check(case):
    p, xs, h0, dhs = case
    loss = lambda: float((rnn_forward(xs, h0, p) * dhs).sum())  # noqa: E731
    dxs, dh0, grads = rnn_backward(dhs, xs, h0, rnn_forward(xs, h0, p), p)
    for name, analytic in [*grads.items(), ("xs", dxs), ("h0", dh0)]:
        x = {"xs": xs, "h0": h0}.get(name, p.get(name))
        assert rel_error(numerical_gradient(loss, x), analytic) < 1e-7, name


def test_a_wrong_backward_fails_the_check(case):
    """The check can fail: forgetting the gradient that flows back from t+1 is caught."""
    p, xs, h0, dhs = case
    hs = rnn_forward(xs, h0, p)
    own_steps_only = sum(rnn_step_backward(dhs[t], xs[t], hs[t - 1] if t else h0, hs[t], p)[2]["weight_hh"]
                         for t in range(T))
    loss = lambda: float((rnn_forward(xs, h0, p) * dhs).sum())  # noqa: E731
    assert rel_error(numerical_gradient(loss, p["weight_hh"]), own_steps_only) > 1e-3


def _grad(x):
    """The gradient of sum(x^3 + x^2), which changes sign and scale as x moves."""
    return 3 * x * x + 2 * x


def test_numpy_adam_equals_torch_adam_step_for_step():
    rng = np.random.default_rng(1)
    params = {"a": rng.normal(size=(5, 3)), "b": rng.normal(size=4)}
    ref = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    own, torch_adam = np_optim.Adam(params, lr=0.1), torch.optim.Adam(ref.values(), lr=0.1)
    for _ in range(25):
        own.step({k: _grad(v) for k, v in params.items()})
        for v in ref.values():
            v.grad = _grad(v.detach())
        torch_adam.step()
        for k in params:
            np.testing.assert_allclose(params[k], ref[k].detach().numpy(), rtol=0, atol=1e-12)


def test_numpy_adam_state_round_trip_continues_the_same_run():
    rng = np.random.default_rng(2)
    a = {"w": rng.normal(size=(3, 3))}
    first = np_optim.Adam(a, lr=0.05)
    for _ in range(3):
        first.step({"w": _grad(a["w"])})
    b = {"w": a["w"].copy()}
    second = np_optim.Adam(b, lr=0.05)
    second.load_state_dict(first.state_dict())
    for _ in range(3):
        first.step({"w": _grad(a["w"])})
        second.step({"w": _grad(b["w"])})
    np.testing.assert_array_equal(a["w"], b["w"])


def test_scratch_adam_equals_torch_adam_and_clears_the_gradient():
    start = torch.randn(5, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    a, b = start.clone().requires_grad_(), start.clone().requires_grad_()
    own, ref = scratch_optim.Adam([a], lr=0.1), torch.optim.Adam([b], lr=0.1)
    for _ in range(20):
        ((a ** 3).sum() + (a * a).sum()).backward()
        own.step()
        ref.zero_grad()
        ((b ** 3).sum() + (b * b).sum()).backward()
        ref.step()
        torch.testing.assert_close(a.detach(), b.detach(), rtol=0, atol=1e-12)
    assert a.grad is None  # the own optimizer clears the gradient it used


def test_the_learner_trains_with_the_functions_it_is_given():
    """NumpyRNN(..., ops=...) runs someone else's forward and backward (an exercise's), not ours."""
    from types import SimpleNamespace

    from groundup.core.models_rnn import RNNSpec
    from groundup.numpy_impl.rnn import NumpyRNN

    spec, calls = RNNSpec(vocab=3, hidden=3), []

    def no_gradient(dhs, xs, h0, hs, p):
        calls.append(dhs.shape)
        return np.zeros_like(xs), np.zeros_like(h0), {k: np.zeros_like(v) for k, v in p.items()}

    params = {k: np.full(s, 0.1) for k, s in (("weight_ih", (3, 3)), ("weight_hh", (3, 3)),
                                               ("bias_ih", 3), ("bias_hh", 3))}
    learner = NumpyRNN(spec, params, lr=0.1, dtype="float64",
                       ops=SimpleNamespace(rnn_forward=rnn_forward, rnn_backward=no_gradient))
    x, y = learner.prepare(np.array([[0, 1, 2, 1]]), np.array([[1, 2, 0, 2]]))
    learner.train_step(x, y)
    assert calls == [(4, 1, 3)]  # time-major dL/dh: (T, N, H)
    assert all(np.array_equal(v, params[k]) for k, v in learner.parameters().items())  # zero gradient, no move
    learner_own = NumpyRNN(spec, params, lr=0.1, dtype="float64")
    learner_own.train_step(x, y)
    assert not np.array_equal(learner_own.parameters()["weight_hh"], params["weight_hh"])
