"""softmax-fashion-mnist / softmax-mnist: stability, hand gradient, the three implementations
agreeing through the whole runner, the report's figures and analysis, the classic lab's two
pitfalls. Generated images only, except one quick real-data run that skips without the data.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch
from conftest import ROOT

from groundup.data import vision
from groundup.experiments import get
from groundup.experiments.softmax import (PRESETS, SPEC, classic_threshold_predictions, extras,
                                          loss_scale_text, softmax, weights_in_pixel_space)
from groundup.experiments.supervised import Data, Outcome, Task, load_data, run
from groundup.core.models import init_dense
from groundup.training.registry import build_learner, make_learner
from groundup.numpy_impl.losses import log_softmax, softmax_cross_entropy
from groundup.scratch import functional as SF
from groundup.training.train import EpochRecord, History, Split, fit

LARGE = np.array([[1000.0, 0.0, -1000.0], [0.0, 1.0, 2.0], [-50.0, 800.0, 799.0]])




def naive_softmax(z: np.ndarray) -> np.ndarray:
    """The textbook formula e^z / sum(e^z) as the classic lab wrote it: no max subtracted."""
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def reference_log_softmax(z: np.ndarray) -> np.ndarray:
    """Exact values for LARGE, worked out by hand from log-sum-exp."""
    out = np.empty_like(z)
    for i, row in enumerate(z):
        m = row.max()
        out[i] = row - (m + np.log(np.sum(np.exp(row - m))))
    return out


# ------------------------------------------------------------------ numerical stability

def test_naive_softmax_overflows_on_large_logits():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        p = naive_softmax(LARGE)
        p32 = naive_softmax(np.array([[100.0, 0.0]], dtype=np.float32))  # e^100 > float32 max
    assert np.isnan(p[0, 0]) and np.isnan(p[2, 1:]).all()  # inf / inf
    assert np.isnan(p32).any()
    naive_torch = torch.tensor(LARGE).exp() / torch.tensor(LARGE).exp().sum(1, keepdim=True)
    assert torch.isnan(naive_torch[0]).any()


def test_our_softmax_is_stable_on_large_logits():
    expected = reference_log_softmax(LARGE)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_allclose(log_softmax(LARGE), expected, rtol=1e-12)
        np.testing.assert_allclose(softmax(LARGE), np.exp(expected), rtol=1e-12, atol=1e-300)
        y = np.array([2, 0, 1])
        loss, grad = softmax_cross_entropy(LARGE, y)
    assert np.isfinite(loss) and np.all(np.isfinite(grad))
    np.testing.assert_allclose(loss, -expected[np.arange(3), y].mean(), rtol=1e-12)
    # the scratch version, float32 and float64, with gradients
    for dtype in (torch.float32, torch.float64):
        z = torch.tensor(LARGE, dtype=dtype, requires_grad=True)
        out = SF.log_softmax(z)
        assert torch.isfinite(out).all()
        np.testing.assert_allclose(out.detach().double().numpy(), expected, rtol=1e-6)
        SF.cross_entropy(z, torch.tensor(y)).backward()
        assert torch.isfinite(z.grad).all()
    # and the three implementations' losses agree on it
    nn_loss = torch.nn.CrossEntropyLoss()(torch.tensor(LARGE), torch.tensor(y)).item()
    assert abs(nn_loss - loss) < 1e-9


def test_hand_gradient_of_softmax_regression_matches_autograd():
    """dL/dW = (softmax(z) - onehot(y))^T x / n for z = x W^T + b, against autograd (float64)."""
    rng = np.random.default_rng(3)
    x, y = rng.random((32, 784)), rng.integers(0, 10, 32)
    params = init_dense(SPEC, 0, "normal", 0.01)
    learner = make_learner("numpy", SPEC, params, lr=0.1, dtype="float64")
    loss, dz = learner.loss_fn(learner.net.forward(x), y)
    learner.net.backward(dz)
    grads = learner.net.named("grads")
    w, b = (torch.tensor(params[k], requires_grad=True) for k in ("0.weight", "0.bias"))
    torch.nn.functional.cross_entropy(torch.tensor(x) @ w.T + b, torch.tensor(y)).backward()
    np.testing.assert_allclose(grads["0.weight"], w.grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(grads["0.bias"], b.grad.numpy(), rtol=1e-10, atol=1e-14)


# ------------------------------------------------------------------ the classic lab's pitfalls

def test_classic_threshold_sends_unsure_samples_to_class_zero():
    probs = np.array([[0.1, 0.45, 0.45], [0.2, 0.7, 0.1], [0.3, 0.3, 0.4], [0.6, 0.2, 0.2]])
    assert classic_threshold_predictions(probs).tolist() == [0, 1, 0, 0]
    assert probs.argmax(axis=1).tolist() == [1, 1, 2, 0]


def test_loss_scale_is_samples_over_batches():
    history = History([EpochRecord(1, 0.4, 0.9, 0.5, 0.8, 1.0)])
    outcome = Outcome("nn", get("softmax-fashion-mnist").settings("seed"), history, {}, np.zeros((0, 10)),
                      np.zeros(0, int))
    text, fields = loss_scale_text(outcome, 60000, 10000)
    assert fields["classic_loss_ratio_train"] == pytest.approx(60000 / 235)  # 234 batches of 256 + one of 96
    assert "255.3" in text and "250.0" in text
    assert fields["classic_by_hand_train_loss_equivalent"] == pytest.approx(24000)


def test_presets():
    exp = get("softmax-fashion-mnist")
    seed = exp.settings("seed")
    assert (seed.batch_size, seed.lr, seed.epochs, seed.init, seed.init_std) == (256, 0.1, 100, "normal", 0.01)
    assert (seed.momentum, seed.weight_decay, seed.standardize) == (0.0, 0.0, False)
    assert get("softmax-mnist").presets == PRESETS and set(PRESETS) == {"seed", "quick", "best"}
    assert exp.settings("quick").train_limit and exp.settings("quick").epochs <= 5


# ------------------------------------------------------------------ the runner on generated images

def generated_images(n: int, seed: int):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, n)
    img = rng.integers(0, 50, (n, 28, 28))
    for c in range(10):
        img[y == c, 2 + 2 * c:7 + 2 * c, 4 + (c % 3) * 7:11 + (c % 3) * 7] += 180
    flip = rng.random(n) < 0.1  # a tenth mislabelled, so that the report has confusions to name
    y[flip] = rng.integers(0, 10, flip.sum())
    return np.clip(img, 0, 255).astype(np.uint8), y


def fake_load(settings) -> Data:
    x_train, y_train = generated_images(400, 1)
    x_test, y_test = generated_images(150, 2)
    scale = lambda a: a.reshape(len(a), -1).astype(np.float32) / np.float32(255)  # noqa: E731
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
               "Bag", "Ankle boot"]
    return Data(Split(scale(x_train), y_train, scale(x_test), y_test), "generated images",
                classes=classes, image_shape=(28, 28), test_images=x_test)


@pytest.fixture
def fake_experiment():
    exp = get("softmax-fashion-mnist")
    return dataclasses.replace(exp, task=Task(SPEC, fake_load, extras))


FIGURES = ["curves.png", "confusion.png", "samples.png", "mistakes.png", "weights.png"]


def test_run_all_three_in_float64_agree_and_write_the_report(fake_experiment, tmp_path):
    settings = fake_experiment.settings("quick", epochs=3, batch_size=64, dtype="float64")
    summaries = run(fake_experiment, ["numpy", "scratch", "nn"], settings, tmp_path, "quick",
                    quiet=True, say=lambda *a: None)
    comparison = json.loads((tmp_path / "comparison.json").read_text())
    assert comparison["max_param_difference"] < 1e-8
    accs = [s["final"]["test_accuracy"] for s in summaries.values()]
    assert max(accs) == min(accs) and accs[0] > 0.7
    for impl in ("numpy", "scratch", "nn"):
        folder = tmp_path / impl
        report = (folder / "report.md").read_text()
        for name in FIGURES:
            assert (folder / name).stat().st_size > 10_000, name  # a real picture, not an empty canvas
            assert f"]({name})" in report, name
        assert "~256×" in report and "0.5" in report and "Most confused" in report
        summary = json.loads((folder / "summary.json").read_text())
        assert 0 <= summary["classic_threshold_test_accuracy"] <= summary["final"]["test_accuracy"]


def test_standardised_weights_are_mapped_back_to_pixels():
    """A standardised model's score w_s . (x - mean) / std has pixel weights w_s / std."""
    data = fake_load(None)
    std = np.full(784, 2.0)
    data.scaling = (np.zeros(784), std)
    outcome = Outcome("nn", None, History(), {"0.weight": np.ones((10, 784))}, np.zeros((0, 10)), np.zeros(0, int))
    np.testing.assert_allclose(weights_in_pixel_space(outcome, data), 0.5)


# ------------------------------------------------------------------ real data (skips without it)

@pytest.mark.realdata
@pytest.mark.skipif(vision.locate("fashion-mnist") is None, reason="Fashion-MNIST not found")
def test_fashion_mnist_is_scaled_once_and_learnable():
    exp = get("softmax-fashion-mnist")
    settings = exp.settings("quick")
    data = load_data(exp.task, settings)  # the quick preset's first 10,000 training and 2,000 test images
    s = data.split
    assert s.x_train.shape == (10000, 784) and s.x_test.shape == (2000, 784) and len(s.y_test) == 2000
    assert s.x_train.dtype == np.float32 and 0.0 == s.x_train.min() and s.x_train.max() == 1.0
    assert data.classes[:2] == ["T-shirt/top", "Trouser"] and data.test_images.shape == (2000, 28, 28)
    assert data.test_images.dtype == np.uint8
    learner = build_learner(SPEC, "nn", SPEC.init_params(settings), settings, "cpu")
    history = fit(learner, s, epochs=2, batch_size=256, seed=0, lr=0.1, quiet=True)
    assert history.last.test_accuracy > 0.7


@pytest.mark.skipif(vision.locate("fashion-mnist") is None, reason="Fashion-MNIST not found")
def test_benchmark_script_runs_and_prints_ratios():
    """benchmarks/bench_softmax.py on 2,048 images, one round: every pipeline gets a speed-up
    and the per-step bound is printed for each implementation."""
    script = ROOT / "benchmarks" / "bench_softmax.py"
    done = subprocess.run([sys.executable, str(script), "--limit", "2048", "--rounds", "1", "--settle", "0",
                           "--threads", "1"], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for impl in ("numpy", "scratch", "nn"):
        row = next(line for line in out.splitlines() if line.startswith(f"groundup {impl} "))
        speedup = float(row.split()[4].rstrip("x"))
        assert speedup > 1, row  # even on 2,048 images ours beats the per-sample pipeline
        assert re.search(rf"groundup {impl}\s+fixed\s+[\d.]+ ms\s+bound\s+[\d.]+ ms", out), out
