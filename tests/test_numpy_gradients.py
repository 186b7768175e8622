"""Every hand-derived gradient of ``numpy_impl`` against torch autograd and against central
differences (``groundup.gradcheck``), float64, random inputs.

For a layer y = f(x), ``backward(dy)`` must return dL/dx and store dL/d(params) for the
loss L = sum(y * dy); autograd computes the same from the same numbers, and so, up to
O(h²), does perturbing each input. For a loss, the returned gradient must be the gradient
of the returned (mean) loss.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from groundup.gradcheck import GRADCHECK_TOL, check_gradient
from groundup.core.models import DenseSpec, init_dense
from groundup.numpy_impl.layers import Linear, ReLU, Sequential, Sigmoid
from groundup.numpy_impl.learner import NumpyDense
from groundup.numpy_impl.losses import bce_with_logits, log_softmax, mse, softmax_cross_entropy

TOL = dict(rtol=1e-10, atol=1e-12)


def assert_gradcheck(f, x: np.ndarray, analytic: np.ndarray, what: str = "") -> None:
    """``analytic`` is the gradient of ``f()`` with respect to ``x`` by central differences."""
    ok, err = check_gradient(f, x, analytic)
    assert ok, f"{what}: relative error {err:.2e} > {GRADCHECK_TOL:g}"


def layer_gradcheck(layer, x: np.ndarray, dy: np.ndarray, dx: np.ndarray) -> None:
    """dx and layer.grads (from ``backward(dy)``) against central differences of sum(y * dy)."""
    grads = {k: g.copy() for k, g in layer.grads.items()}
    f = lambda: float(np.sum(layer.forward(x) * dy))  # noqa: E731  reads x and params in place
    assert_gradcheck(f, x, dx, "dx")
    for k, v in layer.params.items():
        assert_gradcheck(f, v, grads[k], k)


def t(a: np.ndarray, grad: bool = True) -> torch.Tensor:
    return torch.tensor(a, dtype=torch.float64, requires_grad=grad)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def check_layer(layer, torch_fn, x: np.ndarray, rng, params: dict[str, np.ndarray] | None = None,
                gradcheck: bool = True):
    """Compare forward, dL/dx and dL/d(params) of a NumPy layer with autograd on torch_fn, and
    with central differences (``gradcheck=False`` where an input sits on a kink)."""
    y = layer.forward(x)
    dy = rng.normal(size=y.shape)
    dx = layer.backward(dy)
    if gradcheck:
        layer_gradcheck(layer, x, dy, dx)
    xt = t(x)
    pt = {k: t(v) for k, v in (params or {}).items()}
    yt = torch_fn(xt, **pt)
    np.testing.assert_allclose(y, yt.detach().numpy(), **TOL)
    (yt * t(dy, grad=False)).sum().backward()
    np.testing.assert_allclose(dx, xt.grad.numpy(), **TOL)
    for k, v in pt.items():
        np.testing.assert_allclose(layer.grads[k], v.grad.numpy(), **TOL, err_msg=k)


def test_linear(rng):
    w, b = rng.normal(size=(4, 7)), rng.normal(size=4)
    check_layer(Linear(w.copy(), b.copy()), lambda x, weight, bias: x @ weight.T + bias,
                rng.normal(size=(5, 7)), rng, {"weight": w, "bias": b})


def test_relu(rng):
    x = rng.normal(size=(6, 5))
    x[0, 0] = 0.0  # at 0 both take the gradient as 0
    check_layer(ReLU(), torch.relu, x, rng, gradcheck=False)  # central differences give 1/2 at 0
    x[0, 0] = 0.5
    check_layer(ReLU(), torch.relu, x, rng)


def test_sigmoid_including_large_inputs(rng):
    x = rng.normal(scale=3, size=(6, 5))
    x[0, :3] = [-800.0, 800.0, 40.0]  # e^800 overflows float64: the stable form must not
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        check_layer(Sigmoid(), torch.sigmoid, x, rng)


def test_sequential_network_backward_is_the_chain_rule(rng):
    w1, b1, w2, b2 = rng.normal(size=(6, 4)), rng.normal(size=6), rng.normal(size=(3, 6)), rng.normal(size=3)
    net = Sequential([Linear(w1.copy(), b1.copy()), Sigmoid(), Linear(w2.copy(), b2.copy()), ReLU()])
    x = rng.normal(size=(5, 4))
    y = net.forward(x)
    dy = rng.normal(size=y.shape)
    dx = net.backward(dy)
    f = lambda: float(np.sum(net.forward(x) * dy))  # noqa: E731
    assert_gradcheck(f, x, dx, "dx")
    for name, p in net.named("params").items():
        assert_gradcheck(f, p, net.named("grads")[name], name)
    ts = [t(a) for a in (x, w1, b1, w2, b2)]
    yt = torch.relu(torch.sigmoid(ts[0] @ ts[1].T + ts[2]) @ ts[3].T + ts[4])
    (yt * t(dy, grad=False)).sum().backward()
    np.testing.assert_allclose(dx, ts[0].grad.numpy(), **TOL)
    grads = net.named("grads")
    for name, tt in zip(["0.weight", "0.bias", "2.weight", "2.bias"], ts[1:]):
        np.testing.assert_allclose(grads[name], tt.grad.numpy(), **TOL, err_msg=name)


def check_loss(loss_fn, torch_loss, z: np.ndarray, y: np.ndarray, y_torch: torch.Tensor,
               gradcheck: bool = True):
    """The loss and its gradient against autograd and (for logits of moderate size, where the
    rounding of the loss stays below the differences measured) central differences."""
    loss, grad = loss_fn(z, y)
    zt = t(z)
    lt = torch_loss(zt, y_torch)
    lt.backward()
    assert np.isfinite(loss) and np.all(np.isfinite(grad))
    np.testing.assert_allclose(loss, lt.item(), **TOL)
    np.testing.assert_allclose(grad, zt.grad.numpy(), **TOL)
    if gradcheck:
        assert_gradcheck(lambda: loss_fn(z, y)[0], z, grad, loss_fn.__name__)


@pytest.mark.parametrize("scale", [1.0, 30.0, 1000.0])
def test_softmax_cross_entropy_gradient_is_p_minus_onehot_over_n(rng, scale):
    z = rng.normal(scale=scale, size=(8, 10))
    y = rng.integers(0, 10, 8)
    check_loss(softmax_cross_entropy, F.cross_entropy, z, y, torch.from_numpy(y), gradcheck=scale == 1.0)
    # and explicitly: dL/dz = (softmax(z) - onehot(y)) / n
    _, grad = softmax_cross_entropy(z, y)
    expected = np.exp(log_softmax(z)) - np.eye(10)[y]
    np.testing.assert_allclose(grad, expected / 8, **TOL)


@pytest.mark.parametrize("scale", [1.0, 30.0, 1000.0])
def test_bce_with_logits(rng, scale):
    z = rng.normal(scale=scale, size=(9, 1))
    y = rng.integers(0, 2, 9).astype(np.float64)
    check_loss(bce_with_logits, lambda zt, yt: F.binary_cross_entropy_with_logits(zt[:, 0], yt),
               z, y, torch.from_numpy(y), gradcheck=scale == 1.0)


def test_mse(rng):
    p, y = rng.normal(size=(7, 1)), rng.normal(size=7)
    check_loss(mse, lambda pt, yt: F.mse_loss(pt[:, 0], yt), p, y, torch.from_numpy(y))


@pytest.mark.parametrize("spec", [
    DenseSpec((784, 10), loss="ce"),  # softmax regression
    DenseSpec((2, 1), loss="bce"),  # logistic regression
    DenseSpec((2, 1), loss="mse"),  # linear regression
    DenseSpec((20, 8, 6, 4), "relu", "ce"),  # MLP
    DenseSpec((8, 6, 4, 1), "sigmoid", "bce"),  # the diabetes network
])
def test_whole_network_gradient_against_autograd(rng, spec):
    """One train step's gradients of NumpyDense equal autograd's on the same network and batch."""
    params = init_dense(spec, 0, "torch")
    x = rng.random((16, spec.sizes[0]))
    y = rng.integers(0, spec.sizes[-1] if spec.loss == "ce" else 2, 16)
    learner = NumpyDense(spec, params, lr=0.1, dtype="float64")
    xs, ys = learner.prepare(x, y)
    loss, dz = learner.loss_fn(learner.net.forward(xs), ys)
    learner.net.backward(dz)
    grads = {k: g.copy() for k, g in learner.net.named("grads").items()}
    for name, p in learner.net.named("params").items():  # the learner's own arrays, perturbed in place
        assert_gradcheck(lambda: learner.loss_fn(learner.net.forward(xs), ys)[0], p, grads[name], name)

    pt = {k: t(v) for k, v in params.items()}
    h = torch.tensor(x)
    names = spec.linear_names
    for k, name in enumerate(names):
        h = h @ pt[f"{name}.weight"].T + pt[f"{name}.bias"]
        if k < len(names) - 1:
            h = torch.relu(h) if spec.activation == "relu" else torch.sigmoid(h)
    yt = torch.from_numpy(y)
    if spec.loss == "ce":
        lt = F.cross_entropy(h, yt)
    elif spec.loss == "bce":
        lt = F.binary_cross_entropy_with_logits(h[:, 0], yt.double())
    else:
        lt = F.mse_loss(h[:, 0], yt.double())
    lt.backward()
    np.testing.assert_allclose(loss, lt.item(), **TOL)
    for name, p in pt.items():
        np.testing.assert_allclose(grads[name], p.grad.numpy(), **TOL, err_msg=name)
