"""Exercise checks with their in-use training runs: the learner's functions in the real loop."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from groundup.data import vision
from groundup.data.tabular import locate_diabetes
from groundup.exercises import catalogue
from groundup.exercises.checking import run_checks

SOLUTIONS = Path(__file__).parent / "exercises" / "solutions"
sys.path.insert(0, str(Path(__file__).parent / "exercises"))
from mistakes import write_wrong  # noqa: E402


def in_use_check(stem: str, path: Path | None = None, timeout: float = 120):
    ex = catalogue.get(stem.replace("_", "-"))
    report = run_checks(path or SOLUTIONS / f"{stem}.py", ex, timeout=timeout, in_use=True)
    return report, report.checks[-1]


def test_reference_runs_are_cached_per_key_data_and_code(tmp_path, monkeypatch):
    from groundup.exercises.inuse import cached_reference

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    runs = []

    def compute():
        runs.append(1)
        return (0.5, 0.25 + len(runs)), 0.875

    first = cached_reference("x", ("settings", 1), compute, ("sha",))
    again = cached_reference("x", ("settings", 1), compute, ("sha",))
    assert first == again == ((0.5, 1.25), 0.875) and len(runs) == 1  # read back exactly
    assert cached_reference("x", ("settings", 2), compute, ("sha",)) == ((0.5, 2.25), 0.875)
    assert cached_reference("x", ("settings", 1), compute, ("other data",))[0][1] == 3.25
    assert len(list((tmp_path / "groundup" / "exercises").glob("x-*.json"))) == 3
    for f in (tmp_path / "groundup" / "exercises").glob("x-*.json"):
        f.write_text("{broken")  # a damaged cache entry is computed again
    assert cached_reference("x", ("settings", 1), compute, ("sha",))[0][1] == 4.25


@pytest.mark.parametrize("stem", ["linear_model", "gradient_descent", "logistic_regression", "rnn_cell"])
def test_in_use_run_without_data_files(stem):
    report, last = in_use_check(stem)
    assert last.name.startswith("in use") and last.passed, last
    assert report.passed


@pytest.mark.realdata
@pytest.mark.skipif(vision.locate("mnist") is None, reason="MNIST not found; set GROUNDUP_DATA")
def test_linear_layer_trains_the_mlp_step_for_step():
    report, last = in_use_check("linear_layer")
    assert last.passed and "all 79 steps match the reference" in last.message, last


@pytest.mark.realdata
@pytest.mark.skipif(locate_diabetes() is None, reason="diabetes.csv not found; set GROUNDUP_DATA")
def test_dataset_drives_the_diabetes_run_and_a_wrong_order_is_caught_in_use(tmp_path):
    report, last = in_use_check("dataset")
    assert last.passed and "all 540 steps match" in last.message, last
    report, last = in_use_check("dataset", write_wrong("dataset", "table_order", tmp_path))
    assert not last.passed and "step 1 of 540" in last.message, last


@pytest.mark.realdata
@pytest.mark.skipif(vision.locate("fashion-mnist") is None, reason="Fashion-MNIST not found; set GROUNDUP_DATA")
def test_softmax_regression_trains_all_of_fashion_mnist_step_for_step(tmp_path):
    report, last = in_use_check("softmax_regression")
    assert last.passed and "60,000 training images" in last.message and "all 235 steps match" in last.message, last
    wrong = write_wrong("softmax_regression", "grad_divided_twice", tmp_path)  # the small check names it first
    report, last = in_use_check("softmax_regression", wrong)
    assert not last.passed and "more than 0.005 apart" in last.message, last
    summed = write_wrong("softmax_regression", "summed_loss", tmp_path)  # trains right, reports a wrong loss
    report, last = in_use_check("softmax_regression", summed)
    assert last.passed and "the loss train_step returned differs" in last.message, last


@pytest.mark.realdata
@pytest.mark.skipif(vision.locate("fashion-mnist") is None, reason="Fashion-MNIST not found; set GROUNDUP_DATA")
def test_a_slow_train_step_is_stopped_early_with_its_speed(tmp_path):
    path = tmp_path / "softmax_regression.py"
    path.write_text((SOLUTIONS / "softmax_regression.py").read_text().replace(
        "def train_step(W, b, x, y, lr):\n", "def train_step(W, b, x, y, lr):\n    import time\n    time.sleep(0.1)\n"))
    report, last = in_use_check("softmax_regression", path, timeout=10)
    assert not last.passed and last.mistake == "too-slow", last
    assert "of 235 training steps" in last.hint and "the whole check would need about" in last.hint
    assert report.seconds < 9  # stopped once the projection passed the limit, not at the limit


@pytest.mark.realdata
@pytest.mark.skipif(vision.locate("mnist") is None, reason="MNIST not found; set GROUNDUP_DATA")
def test_a_conv_layer_written_with_loops_passes_well_inside_the_time_limit():
    """The course writes the convolution with Python loops first: correct, 7 times slower."""
    report, last = in_use_check("conv_layer", SOLUTIONS / "conv_layer_loops.py")
    assert report.passed, [c for c in report.checks if not c.passed]
    assert report.seconds < 90, report.seconds


@pytest.mark.skipif(vision.locate("fashion-mnist") is None, reason="Fashion-MNIST not found; set GROUNDUP_DATA")
def test_a_diverging_in_use_run_names_the_epoch_not_the_run_commands_advice(tmp_path):
    """A summed (not averaged) gradient and a naive softmax make lr 0.1 diverge: the check says so,
    with the mistake, and does not tell a learner to pass --lr to a command they never ran."""
    path = tmp_path / "softmax_regression.py"  # exp without the maximum taken off, the gradient summed
    path.write_text('''import numpy as np


def softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(z, y):
    p = softmax(z)
    return float(-np.log(p[np.arange(len(y)), y]).mean())


def cross_entropy_grad(z, y):
    p = softmax(z)
    p[np.arange(len(y)), y] -= 1
    return p


def accuracy(z, y):
    return float((z.argmax(axis=1) == y).mean())


def train_step(W, b, x, y, lr):
    z = x @ W.T + b
    loss = cross_entropy(z, y)
    dz = cross_entropy_grad(z, y)
    W = W - lr * dz.T @ x
    b = b - lr * dz.sum(axis=0)
    return W, b, loss
''')
    report, last = in_use_check("softmax_regression", path)
    assert not last.passed and last.mistake == "in-use-diverged"
    assert last.message.startswith("the in-use run diverged: its loss became non-finite in epoch 1")
    assert "--lr" not in last.message
