"""rnn-hello: the three implementations of the cell, nn.RNN against the cell loop, every variant
trained by train.fit through supervised.run_one, the run folders, checkpoints and resume."""

from __future__ import annotations

import csv
import dataclasses
import json
import signal

import numpy as np
import pytest

from conftest import cli_run, run_cli
from groundup.store import checkpoint
from groundup.errors import ConfigError, Interrupted
from groundup.experiments import get, supervised
from groundup.experiments import rnn_hello as rh
from groundup.core.settings import Settings
from groundup.core.models_rnn import RNNSpec
from groundup.training.registry import build_learner
from groundup.store.runs import RunFolder
from groundup.training.train import Split, fit

F64 = Settings(dtype="float64", seed=0, lr=0.1, epochs=15, batch_size=1)
QUIET = dict(quiet=True, say=lambda *a: None)


def _variant(name):
    return next(v for v in rh.VARIANTS if v.name == name)


def _trajectory(name, settings=F64):
    """Train one variant with train.fit; per epoch the loss and scores after it, and the parameters."""
    v = _variant(name)
    learner = build_learner(v.spec, v.impl, v.spec.init_params(settings), settings, "cpu")
    split = rh.load(settings).split
    scores = []
    history = fit(learner, split, epochs=settings.epochs, batch_size=1, seed=settings.seed, lr=settings.lr,
                  quiet=True, on_epoch=lambda h: scores.append(learner.outputs(split.x_train)))
    return np.array(history.column("train_loss")), np.stack(scores), learner.parameters()


def _losses(folder) -> list[float]:
    """The train loss of every epoch, from the run folder's metrics.csv."""
    with open(folder / "metrics.csv", newline="") as f:
        return [float(row["train_loss"]) for row in csv.DictReader(f)]


def test_vocabulary_and_strings():
    assert rh.ids("hello").tolist() == [1, 0, 2, 2, 3] and rh.ids("ohlol").tolist() == [3, 1, 2, 3, 2]
    assert rh.decode(np.eye(4)[[3, 1, 2, 3, 2]].T) == "ohlol"  # scores (classes, steps)
    assert rh.tanh_floor() == pytest.approx(np.log(1 + 3 * np.exp(-2)))


@pytest.mark.parametrize("other", ["scratch-cell", "nn-rnncell"])
def test_numpy_cell_follows_the_other_implementations_over_the_whole_run(other):
    """Same parameters, same Adam rule, float64: the same losses, scores and parameters every epoch."""
    loss_n, scores_n, params_n = _trajectory("numpy-cell")
    loss_o, scores_o, params_o = _trajectory(other)
    np.testing.assert_allclose(loss_n, loss_o, rtol=0, atol=1e-8)
    np.testing.assert_allclose(scores_n, scores_o, rtol=0, atol=1e-8)
    assert params_n.keys() == params_o.keys()
    for k, v in params_n.items():
        np.testing.assert_allclose(v, params_o[k], rtol=0, atol=1e-8)
    assert loss_n[-1] < loss_n[0] and rh.decode(scores_n[-1][0]) == "ohlol"


def test_nn_rnn_is_the_cell_loop():
    """nn.RNN from the cell's parameters and at the cell's learning rate is the cell, stepped."""
    loss_c, scores_c, params_c = _trajectory("nn-rnncell", F64.with_overrides(lr=0.05))
    loss_r, scores_r, params_r = _trajectory("nn-rnn", F64.with_overrides(lr=0.05))
    np.testing.assert_allclose(loss_c, loss_r, rtol=0, atol=1e-8)
    np.testing.assert_allclose(scores_c, scores_r, rtol=0, atol=1e-8)
    for k, v in params_c.items():
        np.testing.assert_allclose(v, params_r[f"rnn.{k}_l0"], rtol=0, atol=1e-8)


def test_cell_scores_never_beat_the_tanh_floor():
    losses, scores, _ = _trajectory("numpy-cell", F64.with_overrides(epochs=60))
    assert np.abs(scores).max() <= 1 and losses.min() > rh.tanh_floor()


def test_specs_refuse_what_they_cannot_be():
    with pytest.raises(ConfigError, match="hidden must equal vocab"):
        RNNSpec(vocab=4, hidden=5)
    with pytest.raises(ConfigError, match="unknown RNN loop"):
        RNNSpec(vocab=4, hidden=4, loop="lstm")
    with pytest.raises(ConfigError, match="only nn implements .* not numpy"):
        build_learner(rh.EMBEDDING_NET, "numpy", {}, F64, "cpu")
    with pytest.raises(ConfigError, match="momentum"):
        build_learner(rh.CELL, "scratch", {}, F64.with_overrides(momentum=0.9), "cpu")


def test_run_writes_a_folder_per_variant_and_the_overview(tmp_path):
    """The whole run in float64 (`groundup lab` covers float32): every variant learns the mapping,
    and numpy equals scratch and nn.RNNCell to 1e-8 over the whole run."""
    exp = get("rnn-hello")
    lines = []
    summary = exp.run(exp, list(exp.impls), exp.settings("seed", dtype="float64"), tmp_path, "seed",
                      say=lines.append)
    for name in ("comparison.md", "comparison.json", "loss.png"):
        assert (tmp_path / name).stat().st_size > 0
    assert list(summary) == ["numpy-cell", "scratch-cell", "nn-rnncell", "nn-rnn", "nn-embedding"]
    for v in rh.VARIANTS:
        folder = tmp_path / v.folder
        for name in ("config.json", "metrics.csv", "summary.json", "report.md", "curves.png"):
            assert (folder / name).stat().st_size > 0, (v.name, name)
        assert (folder / ("checkpoint.npz" if v.impl == "numpy" else "checkpoint.pt")).exists()
        on_disk = json.loads((folder / "summary.json").read_text())
        # the course's settings learn the mapping in 15 epochs with every variant
        assert on_disk["final_predicted"] == "ohlol" and on_disk["final"]["train_loss"] < 0.6, v.name
        assert len(on_disk["predicted"]) == 15 and on_disk["predicted"][-1] == "ohlol"
        assert on_disk["replay_max_loss_difference"] == 0  # the strings come from the very same trajectory
        assert on_disk["lr"] == 0.1 * v.lr_factor
        # what `groundup lab` tabulates: the train numbers, in a trained model's summary shape
        assert summary[v.name] == {"impl": v.impl, "epochs": 15, "train_seconds": on_disk["train_seconds"],
                                   "final": {"train_loss": on_disk["final"]["train_loss"],
                                             "train_accuracy": on_disk["final"]["train_accuracy"]}}
        assert len((folder / "metrics.csv").read_text().splitlines()) == 1 + 15
    assert json.loads((tmp_path / "comparison.json").read_text())["cell_max_param_difference"] < 1e-8
    losses = {f: np.array(_losses(tmp_path / f)) for f in ("numpy", "scratch", "nn")}
    np.testing.assert_allclose(losses["numpy"], losses["scratch"], rtol=0, atol=1e-8)
    np.testing.assert_allclose(losses["numpy"], losses["nn"], rtol=0, atol=1e-8)
    strings = [line for line in lines if "predicted after each epoch" in line]
    assert len(strings) == 5 and all(line.endswith(" ohlol") for line in strings)
    overview = (tmp_path / "comparison.md").read_text()
    assert "nn.Embedding(4, 10)" in overview and "](loss.png)" in overview and "[nn-rnn](nn-rnn/report.md)" in overview
    assert "tanh" in (tmp_path / "numpy" / "report.md").read_text()


def test_one_implementation_with_one_variant_writes_its_run_folder_at_out(tmp_path):
    exp = get("rnn-hello")
    summary = exp.run(exp, ["numpy"], exp.settings("quick", epochs=2), tmp_path, "quick", **QUIET)
    assert list(summary) == ["numpy-cell"]
    assert (tmp_path / "report.md").exists() and (tmp_path / "checkpoint.npz").exists()
    assert not (tmp_path / "comparison.md").exists()


def test_nn_alone_writes_its_three_variants_and_an_overview_report(tmp_path):
    exp = get("rnn-hello")
    exp.run(exp, ["nn"], exp.settings("quick", epochs=2), tmp_path, "quick", **QUIET)
    assert {p.name for p in tmp_path.iterdir() if p.is_dir()} == {"nn", "nn-rnn", "nn-embedding"}
    assert (tmp_path / "report.md").exists() and not (tmp_path / "comparison.md").exists()


@pytest.mark.parametrize("name", ["numpy-cell", "scratch-cell", "nn-rnn"])
def test_interrupted_variant_resumes_to_exactly_the_uninterrupted_result(tmp_path, monkeypatch, name):
    """Adam's moments and step count go into the checkpoint, and `--resume` finds the variant from
    the folder's config.json: a resumed run ends where a straight one does."""
    exp, v = get("rnn-hello"), _variant(name)
    settings = exp.settings("seed").with_overrides(lr=0.1 * v.lr_factor)
    data = rh.load(settings)

    def train(folder):
        return supervised.run_one(dataclasses.replace(exp, task=rh.task(v)), v.impl, settings, data,
                                  v.spec.init_params(settings), RunFolder(folder), "seed", **QUIET)

    _, straight = train(tmp_path / "straight")
    epoch = checkpoint.Committer.epoch

    def interrupt_after_epoch_6(self, row, final):
        epoch(self, row, final)
        if row["epoch"] == 6:
            raise Interrupted(signal.SIGINT)

    monkeypatch.setattr(checkpoint, "COMMIT_SECONDS", 0.0)  # one commit per epoch
    monkeypatch.setattr(checkpoint.Committer, "epoch", interrupt_after_epoch_6)
    with pytest.raises(Interrupted):
        train(tmp_path / "cut")
    monkeypatch.setattr(checkpoint.Committer, "epoch", epoch)
    assert json.loads((tmp_path / "cut" / "summary.json").read_text())["status"] == "interrupted"
    result = cli_run("run", "rnn-hello", "--resume", str(tmp_path / "cut"), "--quiet")
    assert result.returncode == 0, result.stderr
    resumed = json.loads((tmp_path / "cut" / "summary.json").read_text())
    assert resumed["status"] == "completed" and resumed["predicted"] == straight["predicted"]
    assert _losses(tmp_path / "cut") == _losses(tmp_path / "straight") and len(_losses(tmp_path / "cut")) == 15
    cut, whole = (checkpoint.load(tmp_path / f, v.impl)[1]["params"] for f in ("cut", "straight"))
    for k, p in whole.items():
        assert np.array_equal(np.asarray(cut[k]), np.asarray(p)), k


def test_interrupted_group_of_variants_resumes_from_its_folder(tmp_path, monkeypatch):
    """Ctrl-C in the fourth variant (nn-rnn) names the group's folder; --resume on it finishes
    nn-rnn and nn-embedding and writes the overview, equal to a run never interrupted."""
    from groundup.core.faults import FAULT_ENV

    args = ("run", "rnn-hello", "--preset", "seed", "--quiet")
    env = {"GROUNDUP_COMMIT_SECONDS": "0"}
    monkeypatch.setattr(checkpoint, "COMMIT_SECONDS", 0.0)  # what env says to the child below
    assert cli_run(*args, "--out", str(tmp_path / "straight")).returncode == 0
    cut = tmp_path / "cut"
    result = run_cli(*args, "--out", str(cut), env={**env, FAULT_ENV: f"epoch-start@{3 * 15 + 5}:INT"})
    assert result.returncode == 130, result.stderr
    assert f"--resume {cut}\n" in result.stderr + "\n" and f"--resume {cut / 'nn-rnn'}" not in result.stderr
    assert not (cut / "nn-embedding").exists() and not (cut / "comparison.md").exists()
    resumed = cli_run("run", "rnn-hello", "--resume", str(cut), "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    for v in rh.VARIANTS:
        assert _losses(cut / v.folder) == _losses(tmp_path / "straight" / v.folder), v.name
        done = json.loads((cut / v.folder / "summary.json").read_text())
        assert done["status"] == "completed" and done["final_predicted"] == "ohlol", v.name
    overview = json.loads((cut / "comparison.json").read_text())
    assert overview["status"] == "completed" and set(overview["summaries"]) == {v.name for v in rh.VARIANTS}
    assert (cut / "comparison.md").is_file()
    again = cli_run("run", "rnn-hello", "--resume", str(cut), "--quiet")
    assert again.returncode == 2 and "nothing to resume" in again.stderr


def test_another_sequence_model_is_a_spec_and_a_loader(tmp_path):
    """No rnn-hello code: RNNSpec and a Task run through supervised.run in all three implementations,
    on several sequences in shuffled mini-batches, and agree to 1e-8 in float64."""
    from groundup.experiments.base import Experiment

    rng = np.random.default_rng(5)
    x = rng.integers(0, 3, (10, 6))
    y = (x + 1) % 3  # each token's successor

    def load(settings):
        return supervised.Data(Split(x[:8], y[:8], x[8:], y[8:]), "successor of a token")

    exp = Experiment(name="successor", title="successor", section="-", model="cell", dataset="toy",
                     impls=("numpy", "scratch", "nn"), presets={"quick": dict(epochs=6, lr=0.05, batch_size=4)},
                     run=supervised.run, task=supervised.Task(RNNSpec(vocab=3, hidden=3), load))
    summaries = exp.run(exp, list(exp.impls), exp.settings("quick", dtype="float64"), tmp_path, "quick", **QUIET)
    assert json.loads((tmp_path / "comparison.json").read_text())["max_param_difference"] < 1e-8
    losses = [s["final"]["train_loss"] for s in summaries.values()]
    assert max(losses) - min(losses) < 1e-8


def test_a_group_folder_without_its_own_record_names_the_runs_to_resume(tmp_path):
    """Folders written before groups recorded themselves: one line naming each run inside."""
    from groundup.app import launch
    from groundup.errors import RunFolderError

    exp = get("rnn-hello")
    exp.run(exp, ["nn"], exp.settings("quick", epochs=2), tmp_path, "quick", **QUIET)
    (tmp_path / "config.json").unlink()
    with pytest.raises(RunFolderError) as err:
        launch.resume(tmp_path, say=QUIET["say"])
    message = str(err.value)
    assert "\n" not in message and all(f"--resume {tmp_path / f}" in message for f in ("nn", "nn-rnn", "nn-embedding"))
