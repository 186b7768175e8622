"""rnn-hello: the hand-written cell against nn.RNNCell, nn.RNN against the cell loop, the run folder."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from groundup.experiments import get
from groundup.experiments import rnn_hello as rh
from groundup.experiments.base import Settings
from groundup.scratch.rnn import Adam

F64 = Settings(dtype="float64", seed=0, lr=0.1, epochs=15)


def _variant(name):
    return next(v for v in rh.VARIANTS if v.name == name)


def _trajectory(name, settings=F64, lr=0.1, epochs=15):
    learner = _variant(name).build(settings, lr, "cpu")
    x, y = learner.prepare(rh.ids(rh.SOURCE), rh.ids(rh.TARGET))
    steps = [learner.train_step(x, y) for _ in range(epochs)]
    return [loss for loss, _ in steps], np.stack([s for _, s in steps]), learner.parameters()


def test_vocabulary_and_strings():
    assert rh.ids("hello").tolist() == [1, 0, 2, 2, 3] and rh.ids("ohlol").tolist() == [3, 1, 2, 3, 2]
    assert rh.decode(np.eye(4)[[3, 1, 2, 3, 2]]) == "ohlol"
    assert rh.tanh_floor() == pytest.approx(np.log(1 + 3 * np.exp(-2)))


def test_own_adam_matches_torch_adam():
    start = torch.randn(5, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    a, b = start.clone().requires_grad_(), start.clone().requires_grad_()
    own, ref = Adam([a], lr=0.1), torch.optim.Adam([b], lr=0.1)
    for _ in range(20):
        ((a ** 3).sum() + (a * a).sum()).backward()
        own.step()
        ref.zero_grad()
        ((b ** 3).sum() + (b * b).sum()).backward()
        ref.step()
    assert a.grad is None  # the own optimizer clears the gradient it used
    torch.testing.assert_close(a.detach(), b.detach(), rtol=0, atol=1e-12)


def test_scratch_cell_follows_nn_rnncell():
    """Same parameters, same Adam, float64: the same losses, scores and parameters."""
    loss_s, scores_s, params_s = _trajectory("scratch-cell")
    loss_n, scores_n, params_n = _trajectory("nn-rnncell")
    np.testing.assert_allclose(loss_s, loss_n, rtol=0, atol=1e-8)
    np.testing.assert_allclose(scores_s, scores_n, rtol=0, atol=1e-8)
    for k, v in params_s.items():
        np.testing.assert_allclose(v, params_n[f"cell.{k}"], rtol=0, atol=1e-8)
    assert loss_s[-1] < loss_s[0]


def test_nn_rnn_is_the_cell_loop():
    """nn.RNN from the cell's parameters and at the cell's learning rate is the cell, stepped."""
    loss_c, scores_c, params_c = _trajectory("nn-rnncell", lr=0.05)
    loss_r, scores_r, params_r = _trajectory("nn-rnn", lr=0.05)
    np.testing.assert_allclose(loss_c, loss_r, rtol=0, atol=1e-8)
    np.testing.assert_allclose(scores_c, scores_r, rtol=0, atol=1e-8)
    for k, v in params_c.items():
        np.testing.assert_allclose(v, params_r[k.replace("cell.", "rnn.") + "_l0"], rtol=0, atol=1e-8)


def test_cell_scores_never_beat_the_tanh_floor():
    losses, scores, _ = _trajectory("scratch-cell", epochs=60)
    assert np.abs(scores).max() <= 1 and min(losses) > rh.tanh_floor()


def test_run_writes_the_folder_and_prints_each_epoch(tmp_path):
    exp = get("rnn-hello")
    lines = []
    summary = exp.run(exp, ["scratch", "nn"], exp.settings("seed"), tmp_path, "seed", say=lines.append)
    for name in ("config.json", "summary.json", "metrics.csv", "loss.png", "report.md", "comparison.md"):
        assert (tmp_path / name).stat().st_size > 0
    on_disk = json.loads((tmp_path / "summary.json").read_text())
    assert on_disk["variants"].keys() == {"scratch-cell", "nn-rnncell", "nn-rnn", "nn-embedding"}
    for name, v in on_disk["variants"].items():
        # the course's settings learn the mapping in 15 epochs with every variant
        assert v["final_predicted"] == "ohlol" and v["final_loss"] < 0.6, name
        # what `groundup lab` tabulates: the same numbers, in a trained model's summary shape
        assert summary[name]["final"] == {"train_loss": v["final_loss"], "train_accuracy": v["final_accuracy"]}
        assert summary[name]["epochs"] == 15 and summary[name]["impl"] == v["impl"]
    assert on_disk["variants"]["nn-rnn"]["lr"] == 0.05 and on_disk["variants"]["nn-rnncell"]["lr"] == 0.1
    assert on_disk["scratch_vs_nn_rnncell_max_param_difference"] < 1e-5  # float32
    epochs = [line for line in lines if " epoch " in line]
    assert len(epochs) == 4 * 15 and all("predicted " in line for line in epochs)
    assert "epoch  15/15  predicted ohlol" in epochs[14]
    rows = (tmp_path / "metrics.csv").read_text().splitlines()
    assert rows[0] == "variant,epoch,loss,accuracy,predicted,seconds" and len(rows) == 1 + 4 * 15
    report = (tmp_path / "report.md").read_text()
    assert "nn.Embedding(4, 10)" in report and "](loss.png)" in report


def test_run_one_implementation(tmp_path):
    exp = get("rnn-hello")
    summary = exp.run(exp, ["scratch"], exp.settings("quick", epochs=2), tmp_path, "quick", say=lambda *a: None)
    assert list(summary) == ["scratch-cell"]
    assert not (tmp_path / "comparison.md").exists()
    assert exp.impls == ("scratch", "nn")
