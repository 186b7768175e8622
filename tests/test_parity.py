"""The central claim: from the same initial parameters and the same batch order, the NumPy
(hand gradients), scratch (autograd, own SGD) and torch.nn implementations follow one
trajectory. In float64 every epoch's losses and the final parameters agree within 1e-8.

Small generated data only: a two-feature logistic set and 28×28 "images" of ten classes.
"""

from __future__ import annotations

import numpy as np
import pytest

from groundup.core.models import DenseSpec, init_dense
from groundup.training.registry import make_learner
from groundup.training.train import Split, fit

TOL = 1e-8
IMPLS = ("numpy", "scratch", "nn")




def logistic_split(n_train: int = 200, n_test: int = 80, seed: int = 0) -> Split:
    """Two uniform features, labels from a noisy linear boundary (like the seed generator)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n_train + n_test, 2))
    y = ((x @ np.array([1.9, -3.1]) - 0.6 + rng.normal(0, 0.5, len(x))) > 0).astype(np.float64)
    return Split(x[:n_train], y[:n_train], x[n_train:], y[n_train:])


def image_split(n_train: int = 300, n_test: int = 100, seed: int = 0, classes: int = 10):
    """Generated 28×28 uint8 images: each class a bright bar at its own place, plus noise.

    Returns the split (float rows in [0, 1], as ``scale_images`` makes them) and the test images.
    """
    rng = np.random.default_rng(seed)
    n = n_train + n_test
    y = rng.integers(0, classes, n)
    img = rng.integers(0, 60, (n, 28, 28)).astype(np.float64)
    for c in range(classes):
        rows = slice(2 + 2 * c, 6 + 2 * c)
        cols = slice(3 + (c % 3) * 7, 10 + (c % 3) * 7)
        img[y == c, rows, cols] += 150
    img = np.clip(img, 0, 255).astype(np.uint8)
    x = img.reshape(n, -1) / 255.0
    return Split(x[:n_train], y[:n_train], x[n_train:], y[n_train:]), img[n_train:]


def trajectories(spec: DenseSpec, split: Split, *, epochs: int, batch_size: int, lr: float,
                 init: str = "torch", momentum: float = 0.0, weight_decay: float = 0.0,
                 schedule: str = "constant", seed: int = 0):
    """Train every implementation from one set of float64 initial parameters on one batch order."""
    params = init_dense(spec, seed, init, 0.01)
    out = {}
    for impl in IMPLS:
        learner = make_learner(impl, spec, params, lr=lr, momentum=momentum, weight_decay=weight_decay,
                               dtype="float64")
        history = fit(learner, split, epochs=epochs, batch_size=batch_size, seed=seed, lr=lr,
                      schedule=schedule, quiet=True)
        out[impl] = (history, learner.parameters())
    return out


def assert_same_trajectory(runs: dict) -> None:
    ref_history, ref_params = runs["numpy"]
    for impl in ("scratch", "nn"):
        history, params = runs[impl]
        assert len(history.records) == len(ref_history.records)
        for a, b in zip(history.records, ref_history.records):
            for key in ("train_loss", "test_loss"):
                assert abs(getattr(a, key) - getattr(b, key)) < TOL, (impl, a.epoch, key)
            assert a.train_accuracy == b.train_accuracy and a.test_accuracy == b.test_accuracy, (impl, a.epoch)
        assert params.keys() == ref_params.keys()
        for name in ref_params:
            assert params[name].dtype == np.float64
            np.testing.assert_allclose(params[name], ref_params[name], rtol=0, atol=TOL, err_msg=f"{impl} {name}")
    # and training moved the parameters: identical but untrained runs would prove nothing
    assert ref_history.records[-1].train_loss < ref_history.records[0].train_loss


@pytest.mark.parametrize("optimizer", [
    dict(lr=0.5),
    dict(lr=0.2, momentum=0.9, weight_decay=1e-2, schedule="cosine"),
])
def test_logistic_regression_parity(optimizer):
    spec = DenseSpec((2, 1), "relu", "bce")
    runs = trajectories(spec, logistic_split(), epochs=5, batch_size=32, **optimizer)
    assert_same_trajectory(runs)


@pytest.mark.parametrize("optimizer", [
    dict(lr=0.1),  # the seed lab's settings: plain SGD, W ~ N(0, 0.01^2), b = 0
    dict(lr=0.05, momentum=0.9, weight_decay=1e-3, schedule="cosine"),
])
def test_softmax_regression_parity_on_generated_images(optimizer):
    split, _ = image_split()
    runs = trajectories(DenseSpec((784, 10), loss="ce"), split, epochs=4, batch_size=64,  # 300 = 4·64 + 44
                        init="normal", **optimizer)
    assert_same_trajectory(runs)
    assert runs["nn"][0].last.train_accuracy > 0.9  # the generated classes are learnable


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_dense_network_with_hidden_layers_parity(activation):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(160, 20))
    y = (x @ rng.normal(size=(20, 4))).argmax(axis=1)  # four classes from a random linear teacher
    runs = trajectories(DenseSpec((20, 16, 12, 4), activation, "ce"), Split(x[:120], y[:120], x[120:], y[120:]),
                        epochs=3, batch_size=32, lr=0.1, momentum=0.5)
    assert_same_trajectory(runs)


def test_regression_parity():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(100, 2))
    y = x @ np.array([2.0, -3.4]) + 4.2 + rng.normal(0, 0.01, 100)
    runs = trajectories(DenseSpec((2, 1), loss="mse"), Split(x[:80], y[:80], x[80:], y[80:]),
                        epochs=4, batch_size=10, lr=0.03)
    ref_history, ref_params = runs["numpy"]
    for impl in ("scratch", "nn"):
        history, params = runs[impl]
        for a, b in zip(history.records, ref_history.records):
            assert abs(a.train_loss - b.train_loss) < TOL and abs(a.test_loss - b.test_loss) < TOL
        for name in ref_params:
            np.testing.assert_allclose(params[name], ref_params[name], rtol=0, atol=TOL)
