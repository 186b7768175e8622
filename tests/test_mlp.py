"""mlp-mnist: the course's 784-512-256-128-64-10 ReLU network, its settings and its proof.

From one float64 set of initial parameters (nn.Linear's scheme, drawn in NumPy) and one
batch order, the NumPy network (backpropagation by hand), the scratch one (autograd, own
SGD with momentum) and the torch.nn one end within 1e-8 of each other. Generated data only.
"""

from __future__ import annotations

import numpy as np
import pytest

from groundup.experiments import get
from groundup.experiments.mnist_nets import MLP, MNIST_MEAN, MNIST_STD, normalise
from groundup.training.registry import build_learner
from groundup.training.train import Split
from conftest import assert_same_trajectory, digit_like, train_each_impl

TOL = 1e-8




def test_seed_preset_is_the_course_setting():
    exp = get("mlp-mnist")
    s = exp.settings("seed")
    assert (s.epochs, s.batch_size, s.lr, s.momentum) == (10, 64, 0.01, 0.5)
    assert s.init == "torch" and exp.impls == ("numpy", "scratch", "nn")
    assert MLP.sizes == (784, 512, 256, 128, 64, 10) and MLP.activation == "relu" and MLP.loss == "ce"


def test_normalisation_uses_the_course_constants_once():
    img = np.array([[[0, 255]]], dtype=np.uint8)
    x = normalise(img)
    assert x.dtype == np.float32 and x.shape == (1, 2)
    np.testing.assert_allclose(x[0], [(0 - MNIST_MEAN) / MNIST_STD, (1 - MNIST_MEAN) / MNIST_STD], rtol=1e-6)


def test_initialisation_is_nn_linear_default_and_shared():
    settings = get("mlp-mnist").settings("seed", dtype="float64")
    params = MLP.init_params(settings)
    for name, fan_in in zip(MLP.linear_names, MLP.sizes[:-1]):
        bound = 1 / np.sqrt(fan_in)
        for kind in ("weight", "bias"):
            p = params[f"{name}.{kind}"]
            assert p.dtype == np.float64 and np.abs(p).max() <= bound
        assert np.abs(params[f"{name}.weight"]).max() > 0.99 * bound  # uniform up to the bound
    for impl in ("numpy", "scratch", "nn"):
        got = build_learner(MLP, impl, params, settings, "cpu").parameters()
        assert got.keys() == params.keys()
        for k in params:
            np.testing.assert_array_equal(got[k], params[k])


def test_three_implementations_follow_one_trajectory():
    images, y = digit_like(224)  # 3 batches of 64 for training, with momentum carried across
    x = normalise(images).astype(np.float64)
    split = Split(x[:192], y[:192], x[192:], y[192:])
    settings = get("mlp-mnist").settings("seed", dtype="float64")
    params = MLP.init_params(settings)
    runs = train_each_impl(MLP, params, settings, split, epochs=3, batch_size=64)
    assert_same_trajectory(runs, "numpy", TOL)
    for impl in ("scratch", "nn"):
        got = runs[impl][1]
        assert max(np.abs(got[k] - params[k]).max() for k in params) > 1e-4  # and moved


@pytest.mark.parametrize("impl", ["numpy", "scratch", "nn"])
def test_train_step_returns_the_mean_batch_loss(impl):
    images, y = digit_like(64, seed=1)
    x = normalise(images).astype(np.float64)
    settings = get("mlp-mnist").settings("seed", dtype="float64")
    learner = build_learner(MLP, impl, MLP.init_params(settings), settings, "cpu")
    X, Y = learner.prepare(x, y)
    before, _ = learner.evaluate(X, Y)
    assert abs(learner.train_step(X, Y) - before) < 1e-12  # the loss before the update, a mean
    assert 2.0 < before < 2.6  # ~ln 10 at the start
