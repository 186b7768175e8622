"""cnn-mnist: the NumPy and scratch convolutions and max-pools against torch's (and the NumPy
backward passes against central differences), the shared initialisation, the numpy, scratch
and nn trajectories in float64, and where the inputs live."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from groundup.errors import ConfigError
from groundup.experiments import get
from groundup.experiments.mnist_nets import CNN, normalise
from groundup.gradcheck import GRADCHECK_TOL, check_gradient
from groundup.core.models_cnn import ConvSpec, as_images
from groundup.nn.conv import CourseCNN
from groundup.numpy_impl import conv as npconv
from groundup.numpy_impl.learner import NumpyConv
from groundup.training.registry import build_learner
from groundup.scratch.conv import conv2d, max_pool
from groundup.core.torch_common import resolve_device
from groundup.training.train import Split
from conftest import assert_same_trajectory, digit_like, train_each_impl

TOL = 1e-8
IMPLS = ("numpy", "scratch", "nn")


def _grads(f, *tensors):
    leaves = [t.detach().clone().requires_grad_(True) for t in tensors]
    out = f(*leaves)
    out.backward(torch.linspace(-1, 1, out.numel(), dtype=out.dtype).reshape(out.shape))
    return out.detach(), [t.grad for t in leaves]


def _innermost(x: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) -> (C, H, W, N): the scratch CNN's layout."""
    return x.permute(1, 2, 3, 0)


def _pool_blocks(x: torch.Tensor, p: int) -> torch.Tensor:
    """(N, C, H, W) -> (C, p², H // p, W // p, N): entry (a, b) of every p×p window in block a·p + b."""
    n, c, h, w = x.shape
    x = x[:, :, :h // p * p, :w // p * p].reshape(n, c, h // p, p, w // p, p)
    return x.permute(1, 3, 5, 2, 4, 0).reshape(c, p * p, h // p, w // p, n)


def test_conv2d_matches_torch_forward_and_gradients():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(3, 4, 11, 9, generator=g, dtype=torch.float64)
    w = torch.randn(5, 4, 3, 3, generator=g, dtype=torch.float64)
    b = torch.randn(5, generator=g, dtype=torch.float64)
    ours, our_grads = _grads(lambda x, w, b: conv2d(_innermost(x), w, b)[:, 0].permute(3, 0, 1, 2), x, w, b)
    ref, ref_grads = _grads(TF.conv2d, x, w, b)
    assert ours.shape == (3, 5, 9, 7)
    torch.testing.assert_close(ours, ref, rtol=0, atol=1e-12)
    for a, r in zip(our_grads, ref_grads):
        torch.testing.assert_close(a, r, rtol=0, atol=1e-12)
    # with pool=2 the same output pixels, listed by their place in the 2×2 windows (odd row dropped)
    pooled = conv2d(_innermost(x), w, b, pool=2)
    assert pooled.shape == (5, 4, 4, 3, 3)
    torch.testing.assert_close(pooled, _pool_blocks(ref, 2), rtol=0, atol=1e-12)


def test_max_pool_routes_the_gradient_like_nn_even_with_ties():
    x = _tied_pool_input(torch.Generator().manual_seed(1))
    ours, (our_grad,) = _grads(lambda t: max_pool(_pool_blocks(t, 2)).permute(3, 0, 1, 2), x)
    ref, (ref_grad,) = _grads(lambda t: TF.max_pool2d(t, 2), x)
    assert ours.shape == (2, 3, 4, 4)  # the odd last row is dropped, as nn.MaxPool2d does
    torch.testing.assert_close(ours, ref, rtol=0, atol=0)
    torch.testing.assert_close(our_grad, ref_grad, rtol=0, atol=0)


def test_conv_then_pool_matches_torch_on_tied_outputs():
    """A constant patch of the image gives equal convolution outputs: the ties the pool meets."""
    g = torch.Generator().manual_seed(2)
    x = torch.randn(2, 3, 12, 13, generator=g, dtype=torch.float64)
    x[:, :, :8, :9] = 0.25
    w = torch.randn(4, 3, 3, 3, generator=g, dtype=torch.float64)
    b = torch.randn(4, generator=g, dtype=torch.float64)
    ours, our_grads = _grads(lambda x, w, b: max_pool(conv2d(_innermost(x), w, b, pool=2)).permute(3, 0, 1, 2),
                             x, w, b)
    ref, ref_grads = _grads(lambda x, w, b: TF.max_pool2d(TF.conv2d(x, w, b), 2), x, w, b)
    assert ours.shape == (2, 4, 5, 5)
    torch.testing.assert_close(ours, ref, rtol=0, atol=1e-12)
    for a, r in zip(our_grads, ref_grads):
        torch.testing.assert_close(a, r, rtol=0, atol=1e-12)


def _tied_pool_input(g: torch.Generator) -> torch.Tensor:
    x = torch.randn(2, 3, 9, 8, generator=g, dtype=torch.float64)
    x[0, 0, :4, :4] = 0.5  # whole windows of equal values, as on MNIST's background
    x[1, 2, 2:4, 2:4] = torch.tensor([[1.0, 2.0], [2.0, 2.0]])  # a tie of the top value
    x[1, 1, 4:6, 0:2] = torch.tensor([[-1.0, 3.0], [3.0, 0.0]])
    return x


def test_numpy_conv2d_matches_torch_and_the_loops():
    g = torch.Generator().manual_seed(2)
    x = torch.randn(3, 4, 11, 9, generator=g, dtype=torch.float64)
    w = torch.randn(5, 4, 3, 3, generator=g, dtype=torch.float64)
    b = torch.randn(5, generator=g, dtype=torch.float64)
    ref, (rdx, rdw, rdb) = _grads(TF.conv2d, x, w, b)
    dout = torch.linspace(-1, 1, ref.numel(), dtype=ref.dtype).reshape(ref.shape).numpy()
    xn, wn, bn = x.numpy(), w.numpy(), b.numpy()
    out = npconv.conv2d_forward(xn, wn, bn)
    assert out.shape == (3, 5, 9, 7)
    np.testing.assert_allclose(out, ref.numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(npconv.conv2d_forward_naive(xn, wn, bn), ref.numpy(), rtol=0, atol=1e-12)
    dx, dw, db = npconv.conv2d_backward(dout, xn, wn)
    for ours, theirs in ((dx, rdx), (dw, rdw), (db, rdb)):
        assert ours.shape == theirs.shape
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=0, atol=1e-12)
    assert npconv.conv2d_backward(dout, xn, wn, input_grad=False)[0] is None


def test_numpy_conv2d_backward_passes_the_gradient_check():
    rng = np.random.default_rng(3)
    x, w, b = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    dout = rng.normal(size=(2, 4, 5, 4))
    dx, dw, db = npconv.conv2d_backward(dout, x, w)
    f = lambda: float(np.sum(npconv.conv2d_forward(x, w, b) * dout))  # noqa: E731
    for name, array, grad in (("x", x, dx), ("w", w, dw), ("b", b, db)):
        ok, err = check_gradient(f, array, grad)
        assert ok, f"d{name}: relative error {err:.1e} > {GRADCHECK_TOL}"


def test_numpy_max_pool_matches_nn_even_with_ties():
    x = _tied_pool_input(torch.Generator().manual_seed(1))
    ref, (ref_grad,) = _grads(lambda t: TF.max_pool2d(t, 2), x)
    dout = torch.linspace(-1, 1, ref.numel(), dtype=ref.dtype).reshape(ref.shape).numpy()
    out = npconv.maxpool_forward(x.numpy(), 2)
    assert out.shape == (2, 3, 4, 4)  # the odd last row is dropped, as nn.MaxPool2d does
    np.testing.assert_array_equal(out, ref.numpy())
    dx = npconv.maxpool_backward(dout, x.numpy(), 2)
    np.testing.assert_array_equal(dx, ref_grad.numpy())  # the whole gradient to the first maximum
    assert dx[0, 0, 0, 0] == dout[0, 0, 0, 0] and dx[0, 0, 0:2, 1].sum() == dx[0, 0, 1, 0] == 0


def test_numpy_max_pool_and_flatten_pass_the_gradient_check():
    """Without ties (random values), where central differences are exact up to O(h²)."""
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 3, 6, 7))
    dout = rng.normal(size=(2, 3, 3, 3))
    ok, err = check_gradient(lambda: float(np.sum(npconv.maxpool_forward(x) * dout)), x,
                             npconv.maxpool_backward(dout, x))
    assert ok, err
    dflat = rng.normal(size=(2, 3 * 6 * 7))
    assert npconv.flatten_forward(x).shape == (2, 126)
    ok, err = check_gradient(lambda: float(np.sum(npconv.flatten_forward(x) * dflat)), x,
                             npconv.flatten_backward(dflat, x))
    assert ok, err


def test_the_numpy_cnn_runs_on_any_module_of_layer_functions():
    """``ops`` swaps the four layer functions (the exercises' hook): here a forward through the
    naive loops gives the same step as im2col, and a broken backward changes it."""
    class Naive:
        conv2d_forward = staticmethod(npconv.conv2d_forward_naive)
        conv2d_backward = staticmethod(npconv.conv2d_backward)
        maxpool_forward = staticmethod(npconv.maxpool_forward)
        maxpool_backward = staticmethod(npconv.maxpool_backward)

    class Broken(Naive):
        maxpool_backward = staticmethod(lambda dout, x, size=2: np.zeros_like(x))

    images, y = digit_like(16)
    settings = get("cnn-mnist").settings("seed", dtype="float64")
    params = CNN.init_params(settings)
    after = {}
    for name, ops in (("default", npconv), ("naive", Naive), ("broken", Broken)):
        learner = NumpyConv(CNN, params, lr=0.05, dtype="float64", ops=ops)
        X, Y = learner.prepare(normalise(images), y)
        learner.train_step(X, Y)
        after[name] = learner.parameters()
    for k in params:
        np.testing.assert_allclose(after["naive"][k], after["default"][k], rtol=0, atol=1e-12)
    assert np.array_equal(after["broken"]["conv1.weight"], params["conv1.weight"])  # no gradient reached it


def test_spec_shapes_and_initialisation_match_nn():
    assert CNN.n_features == 320 and CNN.input_shape == (1, 28, 28)
    settings = get("cnn-mnist").settings("seed", dtype="float64")
    params = CNN.init_params(settings)
    reference = CourseCNN(CNN).state_dict()
    assert list(params) == list(reference)
    for k, v in params.items():
        assert v.shape == tuple(reference[k].shape) and v.dtype == np.float64
        layer = k.split(".")[0]
        fan_in = np.prod(params[f"{layer}.weight"].shape[1:])  # in_channels · k · k, or features
        bound = 1 / np.sqrt(fan_in)  # kaiming-uniform with a = √5 and the bias rule give the same bound
        assert np.abs(v).max() <= bound
        if v.size >= 250:  # enough draws to see the whole range and compare with nn's own draw
            assert np.abs(v).max() > 0.95 * bound
            assert abs(v.std() / reference[k].double().std().item() - 1) < 0.2
    with pytest.raises(ConfigError):
        CNN.init_params(settings.with_overrides(init="normal"))


def test_numpy_scratch_and_nn_follow_one_trajectory():
    images, y = digit_like(160)
    x = normalise(images).astype(np.float64)
    split = Split(x[:128], y[:128], x[128:], y[128:])
    settings = get("cnn-mnist").settings("seed", dtype="float64", lr=0.05)
    params = CNN.init_params(settings)
    runs = train_each_impl(CNN, params, settings, split, epochs=2, batch_size=32)
    assert_same_trajectory(runs, "nn", TOL)
    p_n = runs["nn"][1]
    assert max(np.abs(p_n[k] - params[k]).max() for k in params) > 1e-3


def test_three_implementations_and_clear_shape_errors():
    assert get("cnn-mnist").impls == IMPLS
    settings = get("cnn-mnist").settings("quick")
    with pytest.raises(ConfigError, match="no 'jax' implementation"):
        build_learner(CNN, "jax", CNN.init_params(settings), settings, "cpu")
    with pytest.raises(ConfigError, match="two convolutions"):
        ConvSpec(channels=(1, 8, 16, 32))
    X, Y = build_learner(CNN, "numpy", CNN.init_params(settings), settings).prepare(np.zeros((2, 784)), np.ones(2))
    assert X.shape == (2, 1, 28, 28) and X.dtype == np.float32 and Y.dtype == np.int64
    with pytest.raises(ConfigError, match=r"\(1, 28, 28\)"):
        as_images(np.zeros((4, 780), np.float32), CNN)
    with pytest.raises(ConfigError, match="too small"):
        ConvSpec(image_size=12)


@pytest.mark.parametrize("impl", ["scratch", "nn"])
def test_inputs_are_prepared_once_on_the_learners_device(impl):
    """The classic lab moved its model to the GPU but not its batches. Here ``prepare`` puts a
    whole split on the learner's device, as (N, 1, 28, 28), once; batches are slices of it."""
    device = resolve_device("auto")
    assert device == ("cuda" if torch.cuda.is_available() else "cpu")
    settings = get("cnn-mnist").settings("quick")
    learner = build_learner(CNN, impl, CNN.init_params(settings), settings, device)
    images, y = digit_like(8)
    X, Y = learner.prepare(normalise(images), y)
    assert X.shape == (8, 1, 28, 28) and X.dtype == torch.float32 and Y.dtype == torch.int64
    weights = learner.params.values() if impl == "scratch" else learner.model.parameters()
    assert {X.device, Y.device} == {p.device for p in weights}
    idx = learner.index(np.arange(4))
    assert idx.device == X.device
    assert np.isfinite(learner.train_step(X[idx], Y[idx]))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("impl", ["scratch", "nn"])
def test_cuda_run_matches_cpu(impl):
    images, y = digit_like(64)
    x = normalise(images).astype(np.float64)
    settings = get("cnn-mnist").settings("seed", dtype="float64")
    params = CNN.init_params(settings)
    out = {}
    for device in ("cpu", "cuda"):
        learner = build_learner(CNN, impl, params, settings, device)
        X, Y = learner.prepare(x, y)
        assert X.device.type == device
        learner.train_step(X, Y)
        out[device] = learner.parameters()
    for k in params:
        np.testing.assert_allclose(out["cuda"][k], out["cpu"][k], rtol=0, atol=1e-10)


def test_numpy_cnn_checkpoint_resumes_the_same_trajectory():
    """state() after a step, loaded into a fresh learner: the next steps are the same."""
    images, y = digit_like(48)
    settings = get("cnn-mnist").settings("seed", dtype="float64")
    params = CNN.init_params(settings)
    a = build_learner(CNN, "numpy", params, settings)
    a.set_lr(settings.lr)  # what fit does before an epoch: the learning rate is not the learner's to keep
    X, Y = a.prepare(normalise(images), y)
    a.train_step(X[:16], Y[:16])
    b = build_learner(CNN, "numpy", params, settings)
    b.load_state(a.state())
    b.set_lr(settings.lr)
    for s in (slice(16, 32), slice(32, 48)):  # momentum carries over: the velocity was restored
        assert a.train_step(X[s], Y[s]) == b.train_step(X[s], Y[s])
    for k, v in a.parameters().items():
        np.testing.assert_array_equal(b.parameters()[k], v)
