"""The training loop's own duties: batch order, divergence, evaluation, schedules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from groundup.data.batches import batch_slices, epoch_order
from groundup.core.models import DenseSpec, init_dense
from groundup.training.registry import make_learner
from groundup.training.train import Diverged, History, Split, fit, lr_at


def test_epoch_order_is_seeded_per_epoch_and_a_permutation():
    a, b = epoch_order(100, 3, 0), epoch_order(100, 3, 0)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, epoch_order(100, 3, 1))
    assert not np.array_equal(a, epoch_order(100, 4, 0))
    assert sorted(a) == list(range(100))
    assert np.array_equal(epoch_order(5, 0, 0, shuffle=False), np.arange(5))


def test_batch_slices_cover_every_sample_once():
    slices = batch_slices(10, 4)
    assert [(s.start, s.stop) for s in slices] == [(0, 4), (4, 8), (8, 10)]


def _regression_split(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    y = x @ np.array([2.0, -3.4]) + 4.2
    return Split(x, y, x[:16], y[:16])


@pytest.mark.parametrize("impl", ["numpy", "scratch", "nn"])
def test_divergence_stops_with_the_epoch_and_keeps_history(impl):
    spec = DenseSpec((2, 1), loss="mse")
    learner = make_learner(impl, spec, init_dense(spec, 0), lr=5.0)
    history = History()
    with pytest.raises(Diverged) as err:
        fit(learner, _regression_split(), epochs=50, batch_size=8, seed=0, lr=5.0, task="regression",
            quiet=True, history=history)
    message = str(err.value)
    assert "epoch" in message and "--lr 0.5" in message and "\n" not in message
    assert err.value.exit_code == 1
    assert err.value.epoch == len(history.records) + 1
    assert all(math.isfinite(r.train_loss) for r in history.records)


def test_cosine_schedule_starts_at_lr_and_decays():
    assert lr_at("cosine", 0.4, 0, 10) == pytest.approx(0.4)
    assert lr_at("cosine", 0.4, 5, 10) == pytest.approx(0.2)
    assert lr_at("constant", 0.4, 9, 10) == 0.4


def test_history_losses_are_means_per_sample():
    spec = DenseSpec((2, 1), loss="mse")
    params = init_dense(spec, 1)
    split = _regression_split()
    learner = make_learner("numpy", spec, params, lr=0.01, dtype="float64")
    history = fit(learner, split, epochs=1, batch_size=8, seed=0, lr=0.01, task="regression", quiet=True)
    w, b = learner.parameters()["0.weight"], learner.parameters()["0.bias"]
    expected = np.mean((split.x_train @ w.T + b - split.y_train[:, None]) ** 2)
    assert history.last.train_loss == pytest.approx(expected, rel=1e-12)
    assert history.last.train_accuracy is None


def test_resumed_history_continues_at_the_next_epoch():
    spec = DenseSpec((2, 1), loss="mse")
    split = _regression_split()
    full = make_learner("numpy", spec, init_dense(spec, 2), lr=0.01, dtype="float64")
    fit(full, split, epochs=4, batch_size=8, seed=0, lr=0.01, task="regression", quiet=True)
    part = make_learner("numpy", spec, init_dense(spec, 2), lr=0.01, dtype="float64")
    history = fit(part, split, epochs=2, batch_size=8, seed=0, lr=0.01, task="regression", quiet=True)
    fit(part, split, epochs=4, batch_size=8, seed=0, lr=0.01, task="regression", quiet=True, history=history)
    assert [r.epoch for r in history.records] == [1, 2, 3, 4]
    assert np.array_equal(full.parameters()["0.weight"], part.parameters()["0.weight"])


def _optimizer_lr(learner) -> float:
    """The learning rate the learner's optimizer steps with now."""
    groups = getattr(learner.optimizer, "param_groups", None)  # torch.optim
    return groups[0]["lr"] if groups else learner.optimizer.lr


@pytest.mark.parametrize("impl", ["numpy", "scratch", "nn"])
@pytest.mark.parametrize("model", ["dense", "rnn"])
def test_the_learning_rate_has_one_owner_fit_and_each_epoch_steps_with_the_schedules(impl, model):
    """A learner is built without a learning rate (the run's settings hold one, and fit owns it):
    every step of an epoch takes the one the schedule gives that epoch."""
    from groundup.core.settings import Settings
    from groundup.experiments.rnn_hello import CELL, load
    from groundup.training.registry import build_learner

    settings = Settings(lr=0.3, seed=0)
    if model == "dense":
        spec, split = DenseSpec((2, 1), loss="mse"), _regression_split()
    else:
        spec, split = CELL, load(settings).split
    learner = build_learner(spec, impl, spec.init_params(settings), settings)
    assert math.isnan(_optimizer_lr(learner))
    seen, step = [], learner.train_step
    learner.train_step = lambda x, y: seen.append(_optimizer_lr(learner)) or step(x, y)
    epochs = 4
    fit(learner, split, epochs=epochs, batch_size=16, seed=0, lr=0.3, schedule="cosine", quiet=True,
        task=spec.task)
    per_epoch = len(seen) // epochs
    assert seen == [lr_at("cosine", 0.3, e, epochs) for e in range(epochs) for _ in range(per_epoch)]
