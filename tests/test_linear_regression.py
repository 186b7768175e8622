"""linear-regression: d2l's synthetic set in numpy, scratch and nn; recovery and parity."""

import json

import numpy as np

from groundup.cli import main
from groundup.experiments import get
from groundup.experiments.supervised import load_data
from groundup.training.registry import build_learner
from groundup.training.train import fit

TRUE_W, TRUE_B = np.array([2.0, -3.4]), 4.2
TOL = 1e-10


def test_seed_preset_recovers_w_and_b_in_every_implementation(tmp_path):
    assert main(["run", "linear-regression", "--impl", "all", "--preset", "seed",
                 "--out", str(tmp_path), "--quiet"]) == 0
    for impl in ("numpy", "scratch", "nn"):
        s = json.loads((tmp_path / impl / "summary.json").read_text())
        assert np.abs(np.array(s["w"]) - TRUE_W).max() < 0.01
        assert abs(s["b"] - TRUE_B) < 0.01
        assert s["test_mse"] < 2e-4  # the noise variance is 1e-4
        assert (tmp_path / impl / "fit.png").exists() and (tmp_path / impl / "curves.png").exists()
    assert (tmp_path / "comparison.png").exists()


def test_three_implementations_follow_one_trajectory_in_float64():
    """The seed preset's data, initial parameters and batch order, trained in float64 by each impl."""
    exp = get("linear-regression")
    settings = exp.settings("seed", dtype="float64")
    data = load_data(exp.task, settings)
    params = exp.task.spec.init_params(settings)
    runs = {}
    for impl in ("numpy", "scratch", "nn"):
        learner = build_learner(exp.task.spec, impl, params, settings, "cpu")
        history = fit(learner, data.split, epochs=settings.epochs, batch_size=settings.batch_size,
                      seed=settings.seed, lr=settings.lr, task="regression", quiet=True)
        runs[impl] = (history, learner.parameters())
    ref_history, ref_params = runs["numpy"]
    assert np.abs(ref_params["0.weight"] - params["0.weight"]).max() > 1  # training moved w from ~0
    for impl in ("scratch", "nn"):
        history, p = runs[impl]
        for a, b in zip(history.records, ref_history.records):
            assert abs(a.train_loss - b.train_loss) < TOL and abs(a.test_loss - b.test_loss) < TOL
        for name in ref_params:
            assert p[name].dtype == np.float64
            np.testing.assert_allclose(p[name], ref_params[name], rtol=0, atol=TOL, err_msg=f"{impl} {name}")
