"""diabetes and diabetes-minibatch: the split, the DataLoader pipeline's parity, the run folders."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
import torch

from groundup.data import tabular
from groundup.data.batches import batch_slices, epoch_order
from groundup.errors import DataError
from groundup.experiments import diabetes, get
from groundup.core.models import init_dense
from groundup.training.registry import make_learner
from groundup.nn.dataloader import RowDataset, SeededOrder, loader_batches, make_loader
from groundup.training.train import Split, fit

REAL = tabular.locate_diabetes()  # before any monkeypatching
SPEC = diabetes.SPEC
QUIET = dict(quiet=True, say=lambda *a, **k: None)


def _table(n=120, seed=0):
    """Features in [-1, 1] and labels from a noisy linear rule, about 2/3 of them 1."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 8))
    y = (x @ rng.normal(size=8) + 0.8 + rng.normal(0, 0.5, n) > 0).astype(np.int64)
    return x, y


@pytest.fixture
def data_dir(isolated_roots, monkeypatch):
    """A generated diabetes/diabetes.csv under tmp_path, the only root searched."""
    tmp_path = isolated_roots
    x, y = _table()
    text = "".join(",".join(f"{v:.5f}" for v in row) + f",{label}\n" for row, label in zip(x, y))
    (tmp_path / "data" / "diabetes").mkdir(parents=True)
    (tmp_path / "data" / "diabetes" / "diabetes.csv").write_text(text)
    monkeypatch.setattr(tabular, "DIABETES_SHA256", hashlib.sha256(text.encode()).hexdigest())
    return tmp_path / "data"


def test_stratified_split_is_seeded_disjoint_and_keeps_the_ratio():
    y = np.array([1] * 70 + [0] * 30)
    train, test = diabetes.stratified_split(y, 0.25, seed=3)
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(100))
    assert np.bincount(y[test]).tolist() == [8, 18]  # round(0.25 * 30), round(0.25 * 70)
    again, _ = diabetes.stratified_split(y, 0.25, seed=3)
    other, _ = diabetes.stratified_split(y, 0.25, seed=4)
    assert np.array_equal(train, again) and not np.array_equal(train, other)


def test_loader_yields_the_sliced_batches():
    """Dataset rows stacked by the DataLoader == the training loop's index slices."""
    x, y = torch.randn(70, 8, dtype=torch.float64), torch.arange(70, dtype=torch.float64)
    assert len(RowDataset(x, y)) == 70 and torch.equal(RowDataset(x, y)[5][0], x[5])
    loader = make_loader(x, y, batch_size=32, seed=9)
    for epoch in (0, 1):
        loader.sampler.set_epoch(epoch)
        got = list(loader)
        order = epoch_order(70, 9, epoch)
        assert [len(b) for b, _ in got] == [32, 32, 6]
        for (xb, yb), s in zip(got, batch_slices(70, 32)):
            assert xb.dtype == torch.float64 and torch.equal(xb, x[order[s]]) and torch.equal(yb, y[order[s]])
    assert list(SeededOrder(5, 0, shuffle=False)) == [0, 1, 2, 3, 4]


def test_dataloader_run_follows_the_sliced_runs():
    """nn fed by the DataLoader, nn fed by slices and numpy: one trajectory (float64)."""
    x, y = _table(100)
    split = Split(x[:80], y[:80], x[80:], y[80:])
    params = init_dense(SPEC, 1)
    kw = dict(epochs=3, batch_size=32, seed=5, lr=1.0, quiet=True)
    runs = {}
    for name, impl in (("loader", "nn"), ("nn", "nn"), ("numpy", "numpy")):
        learner = make_learner(impl, SPEC, params, lr=1.0, momentum=0.9, dtype="float64")
        source = {"batch_source": loader_batches} if name == "loader" else {}
        runs[name] = (fit(learner, split, **kw, **source), learner.parameters())
    ref_history, ref_params = runs["numpy"]
    for name in ("loader", "nn"):
        history, p = runs[name]
        for k in ref_params:
            np.testing.assert_allclose(p[k], ref_params[k], rtol=0, atol=1e-10, err_msg=f"{name} {k}")
        np.testing.assert_allclose(history.column("train_loss"), ref_history.column("train_loss"), atol=1e-12)
    assert not np.allclose(ref_params["0.weight"], params["0.weight"])  # it did train


@pytest.mark.parametrize(("name", "impls"), [("diabetes", ["nn"]), ("diabetes-minibatch", ["scratch", "nn"])])
def test_run_writes_folders_with_the_baseline(data_dir, tmp_path, name, impls):
    exp = get(name)
    settings = exp.settings("quick", epochs=2, data_dir=str(data_dir))
    out = tmp_path / "out"
    summaries = exp.run(exp, impls, settings, out, "quick", **QUIET)
    n_train = 90  # 120 rows, 25 % of each class to the test part
    for impl, s in summaries.items():
        folder = out / impl if len(impls) > 1 else out
        assert s["split"]["n_train"] == n_train and s["split"]["n_test"] == 30
        assert 0.5 < s["baseline_test_accuracy"] < 1 and s["majority_class"] == 1
        on_disk = json.loads((folder / "summary.json").read_text())
        assert on_disk["baseline_test_accuracy"] == s["baseline_test_accuracy"]
        config = json.loads((folder / "config.json").read_text())
        batch = config["settings"]["batch_size"]
        assert batch == (568 if name == "diabetes" else 32)  # 568: all training rows of the real table
        assert (folder / "baseline.png").stat().st_size > 0
        report = (folder / "report.md").read_text()
        assert "majority class" in report and "BCEWithLogitsLoss" in report
        loader = name == "diabetes-minibatch" and impl == "nn"
        assert s["batches"] == ("DataLoader" if loader else "index slices")
        assert ("`torch.utils.data.DataLoader` over a `Dataset`" in report) == loader
        assert (f"full batch: every step uses all {n_train} training rows" in report) == (name == "diabetes")
    if len(impls) > 1:
        comparison = json.loads((out / "comparison.json").read_text())
        assert comparison["max_param_difference"] < 1e-5  # float32, same start, same batches


def test_missing_data_is_one_clear_error(data_dir, tmp_path):
    exp = get("diabetes")
    with pytest.raises(DataError, match="Diabetes data not found") as info:
        exp.run(exp, ["numpy"], exp.settings("quick", data_dir=str(tmp_path / "nowhere")), tmp_path / "o",
                "quick", **QUIET)
    assert "GROUNDUP_DATA=DIR" in str(info.value)


@pytest.mark.realdata
@pytest.mark.skipif(REAL is None, reason="diabetes.csv not found; set GROUNDUP_DATA")
def test_real_table_split_and_presets():
    settings = {p: get("diabetes").settings(p, data_dir=str(REAL.parent.parent)) for p in ("seed", "best")}
    data = diabetes.load(settings["best"])
    split = data.split
    assert len(split.y_train) == 568 and len(split.y_test) == 190
    assert data.summary["baseline_test_accuracy"] == pytest.approx(124 / 190)
    accuracy = {}
    for preset, s in settings.items():
        learner = make_learner("numpy", SPEC, init_dense(SPEC, s.seed), lr=s.lr, momentum=s.momentum)
        history = fit(learner, split, epochs=s.epochs, batch_size=s.batch_size, seed=s.seed,
                      lr=s.lr, schedule=s.schedule, quiet=True)
        accuracy[preset] = history.last.test_accuracy
    # the course's settings (full batch, lr 0.1, 100 epochs) answer the majority class for everyone
    assert accuracy["seed"] == pytest.approx(124 / 190)
    assert accuracy["best"] > 124 / 190 + 0.04
