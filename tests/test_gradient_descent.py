"""gradient-descent: full batch, SGD and mini-batch on the course's data and a noisy line."""

import json

import numpy as np
import pytest
from PIL import Image

from groundup.cli import main
from groundup.experiments import get
from groundup.experiments.gradient_descent import DataSet, compare, descend, minimum

COURSE = DataSet("course", np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0]), False, 2)


def test_one_full_batch_step_is_the_hand_gradient():
    d = descend(COURSE, "full batch", 3, lr=0.01, epochs=1, seed=0)
    # dL/dw at w = 1: (2/3) Σ (x − 2x) x = −(2/3)·14
    assert d.w[1] == pytest.approx(1 + 0.01 * 2 * 14 / 3)
    assert d.b.tolist() == [0.0, 0.0]  # no bias in y = w·x


def test_same_gradients_different_number_of_updates():
    for size, per_epoch in ((3, 1), (1, 3), (2, 2)):
        d = descend(COURSE, "m", size, lr=0.01, epochs=4, seed=0)
        assert d.updates_per_epoch == per_epoch and len(d.w) == 4 * per_epoch + 1


def test_excess_is_the_loss_above_the_minimum():
    rng = np.random.default_rng(0)
    x = rng.normal(size=50)
    data = DataSet("noisy", x, 2 * x + 1 + rng.normal(0, 0.5, 50), True, 8)
    m = minimum(data)
    w, b = rng.normal(size=5), rng.normal(size=5)
    direct = ((w[:, None] * x + b[:, None] - data.y) ** 2).mean(axis=1)
    np.testing.assert_allclose(m.loss + m.excess(w, b), direct, rtol=1e-12)


def test_methods_compared_on_small_settings():
    settings = get("gradient-descent").settings("quick", epochs=5)
    _, stats = compare(settings)
    course, noisy = stats
    assert [s["method"] for s in noisy] == ["full batch", "SGD", "mini-batch"]
    assert len({s["sample_gradients"] for s in noisy}) == 1  # the same work for each method
    full, sgd, mini = noisy
    assert full["rises_last_epoch"] == 0.0 < sgd["rises_last_epoch"]  # only SGD's path is noisy
    assert sgd["excess"] < full["excess"] and mini["excess"] < full["excess"]  # more updates per epoch
    assert abs(course[1]["w"] - 2.0) < abs(course[0]["w"] - 2.0)


def test_cli_writes_figures_and_table(tmp_path, capsys):
    assert main(["run", "gradient-descent", "--epochs", "3", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "final w" in out and "SGD" in out and "mini-batch" in out
    s = json.loads((tmp_path / "summary.json").read_text())
    assert [m["method"] for m in s["data_sets"][1]["methods"]] == ["full batch", "SGD", "mini-batch"]
    for name in ("comparison.png", "paths.png"):
        Image.open(tmp_path / name).verify()
    assert "| full batch |" in (tmp_path / "report.md").read_text()
    assert (tmp_path / "epochs.csv").read_text().count("\n") == 3 + 2  # header, epoch 0..3
