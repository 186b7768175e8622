"""The Python API: run / compare / lab return results, open_run reads folders back, errors are
the project's exceptions (never SystemExit), datasets.load gives the arrays."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import groundup
from conftest import ROOT
from groundup.errors import ConfigError, DataError, GroundupError
from groundup.store.results import MissingDependency, Records


@pytest.fixture(scope="module")
def numpy_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("api") / "logistic"
    return groundup.run("logistic-synthetic", impl="numpy", out=out, epochs=3, quiet=True)


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    out = tmp_path_factory.mktemp("api") / "linreg"
    return groundup.compare("linear-regression", out=out, epochs=2, quiet=True)


def test_run_returns_the_run_folder_as_a_result(numpy_run):
    r = numpy_run
    assert (r.kind, r.experiment, r.preset, r.status) == ("run", "logistic-synthetic", "quick", "completed")
    assert list(r.summary) == ["numpy"]
    assert r.history.column("epoch") == [1, 2, 3]
    # the summary's final numbers are the history's last row (metrics.csv rounds to 6 digits)
    last = r.history[-1]
    assert r.summary["numpy"]["final"]["test_accuracy"] == pytest.approx(last["test_accuracy"], rel=1e-5)
    assert r.summary["numpy"]["final"]["train_loss"] == pytest.approx(last["train_loss"], rel=1e-5)
    assert r.config["settings"]["epochs"] == 3
    assert {"curves.png", "confusion.png"} <= set(r.figures)
    assert all(p.is_file() for p in r.figures.values())
    assert r.main_figure.name == "curves.png" and r.report.name == "report.md"


def test_open_run_reads_the_same_result_back(numpy_run):
    again = groundup.open_run(numpy_run.path)
    assert again.summary == numpy_run.summary
    assert again.history == numpy_run.history
    assert again.figures == numpy_run.figures


def test_compare_holds_every_implementation_and_their_agreement(compared):
    r = compared
    assert r.kind == "comparison" and list(r.runs) == ["numpy", "scratch", "nn"]
    assert r.comparison["max_param_difference"] < 1e-5
    assert [row["impl"] for row in r.history] == ["numpy"] * 2 + ["scratch"] * 2 + ["nn"] * 2
    assert r.history.where(impl="nn").column("test_loss") == r.runs["nn"].history.column("test_loss")
    assert "comparison.png" in r.figures and "nn/fit.png" in r.figures
    assert r.summary["scratch"]["w"] == pytest.approx([2, -3.4], abs=0.05)
    assert r.report.name == "comparison.md"
    # open_run on one implementation's sub-folder gives that run alone
    assert groundup.open_run(r.path / "scratch").summary == {"scratch": r.summary["scratch"]}


def test_a_compared_variant_may_live_in_its_implementations_folder(compared, tmp_path):
    folder = _copy(compared.path, tmp_path / "copy")
    comparison = json.loads((folder / "comparison.json").read_text())
    comparison["summaries"] = {"numpy-cell": comparison["summaries"]["numpy"]}
    (folder / "comparison.json").write_text(json.dumps(comparison))
    r = groundup.open_run(folder)
    assert list(r.runs) == ["numpy-cell"] and r.runs["numpy-cell"].path == folder / "numpy"
    assert "numpy/curves.png" in r.figures and set(r.history.column("impl")) == {"numpy-cell"}


def test_card_shows_headline_numbers_and_the_main_figure(numpy_run, compared):
    card = numpy_run._repr_html_()
    accuracy = numpy_run.summary["numpy"]["final"]["test_accuracy"]
    assert f"{accuracy:.4g}" in card and "test accuracy" in card
    png = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', card)
    assert png and base64.b64decode(png.group(1)) == numpy_run.main_figure.read_bytes()
    card = compared._repr_html_()
    assert f"{compared.comparison['max_param_difference']:.4g}" in card
    assert base64.b64encode((compared.path / "comparison.png").read_bytes()).decode() in card


def test_plot_draws_one_line_per_implementation_and_column(compared):
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    assert compared.plot("train_loss", "test_loss", ax=ax) is ax
    assert len(ax.get_lines()) == 6
    assert list(ax.get_lines()[0].get_ydata()) == compared.runs["numpy"].history.column("train_loss")
    with pytest.raises(ConfigError, match="no column 'nope'"):
        compared.plot("nope", ax=Figure().subplots())


def test_experiments_that_train_nothing(tmp_path):
    r = groundup.run("basics", out=tmp_path / "basics", quiet=True)
    assert r.kind == "experiment" and list(r.summary) == ["basics"]
    assert r.summary["basics"]["autograd"]["grad"] == 2.0
    numbers = dict(r.headline())["basics"]
    assert numbers["autograd.grad"] == 2.0 and numbers["autograd.grad_tracked"] == 5.0
    assert "autograd.grad" in r._repr_html_() and "data:image/png;base64," in r._repr_html_()
    assert len(r.history) == 0


def test_lab_runs_each_experiment_and_keeps_the_verb(tmp_path, isolated_roots):
    r = groundup.lab(only="basics,rnn-hello,softmax-mnist", out=tmp_path / "lab", quiet=True)
    assert r.kind == "lab" and list(r.runs) == ["basics", "rnn-hello"]
    assert r.not_run["softmax-mnist"].startswith("skipped: MNIST not found")
    rnn = r.runs["rnn-hello"]
    assert {"scratch-cell", "nn-rnncell", "nn-rnn", "nn-embedding"} <= set(rnn.summary)
    assert rnn.summary["nn-embedding"]["final_predicted"] == "ohlol"
    group = "variant" if "variant" in rnn.history.columns else "impl"
    assert set(rnn.history.column(group)) == set(rnn.summary)
    assert callable(groundup.lab)  # the lab module (groundup.app.labbook) does not shadow the function
    again = groundup.open_run(tmp_path / "lab")
    assert list(again.runs) == ["basics", "rnn-hello"] and again.report.name == "index.html"
    assert "softmax-mnist" in r._repr_html_()


def test_to_pandas_with_and_without_pandas(numpy_run, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if it were not installed
    with pytest.raises(MissingDependency, match="pip install pandas") as err:
        numpy_run.history.to_pandas()
    assert isinstance(err.value, ImportError) and isinstance(err.value, GroundupError)
    monkeypatch.undo()
    pytest.importorskip("pandas")
    frame = numpy_run.history.to_pandas()
    assert list(frame.columns) == numpy_run.history.columns and len(frame) == 3


@pytest.mark.parametrize("kwargs, message", [
    (dict(name="nope"), "unknown experiment 'nope'; choose from: basics, "),
    (dict(name="basics", preset="fast"), "experiment 'basics' has no preset 'fast'; choose from: seed, quick"),
    (dict(name="logistic-synthetic", impl="torch"), "unknown implementation 'torch'; choose from: numpy, scratch, nn, all"),
    (dict(name="logistic-synthetic", speed=3), "unknown setting(s): speed"),
    (dict(name="logistic-synthetic", epochs=0), "epochs must be an integer >= 1 and <= 10**6, got 0"),
    (dict(name="logistic-synthetic", lr=-0.1), "lr must be a number > 0 and <= 1e30, got -0.1"),
    (dict(name="logistic-synthetic", batch_size=True), "batch_size must be an integer >= 1 and <= 10**9, got True"),
    (dict(name="logistic-synthetic", threads=0), "threads must be 'auto' or an integer from 1 to 1024, got 0"),
])
def test_bad_arguments_raise_config_errors_with_one_line(kwargs, message, tmp_path):
    with pytest.raises(ConfigError) as err:
        groundup.run(**kwargs, out=tmp_path / "never")
    assert str(err.value).startswith(message) and "\n" not in str(err.value)
    assert not (tmp_path / "never").exists()


def test_an_implementation_the_experiment_lacks(monkeypatch, tmp_path):
    from dataclasses import replace

    from groundup.experiments import EXPERIMENTS

    exp = EXPERIMENTS["logistic-synthetic"]
    monkeypatch.setitem(EXPERIMENTS, exp.name, replace(exp, impls=("scratch", "nn")))
    with pytest.raises(ConfigError) as err:
        groundup.run(exp.name, impl="numpy", out=tmp_path / "never")
    assert str(err.value) == "logistic-synthetic has no 'numpy' implementation; choose from: scratch, nn, all"


def test_a_named_folder_with_a_completed_run_needs_overwrite(numpy_run):
    with pytest.raises(GroundupError, match="already holds a completed run; add --overwrite \\(overwrite=True in Python\\)"):
        groundup.run("logistic-synthetic", impl="numpy", out=numpy_run.path, quiet=True)


def test_a_diverged_run_raises_and_its_folder_still_opens(tmp_path):
    from groundup.training.train import Diverged

    with pytest.raises(Diverged, match="the loss became non-finite in epoch 1"):
        groundup.run("linear-regression", impl="numpy", out=tmp_path / "d", lr=10.0, quiet=True)
    r = groundup.open_run(tmp_path / "d")
    assert r.status == "diverged" and r.history == []
    assert "diverged" in r._repr_html_() and "epochs completed" in r._repr_html_()


def test_lab_rejects_a_preset_no_experiment_has(tmp_path):
    with pytest.raises(ConfigError, match="unknown preset 'fast'"):
        groundup.lab("fast", out=tmp_path / "lab")


def _copy(src, dst):
    import shutil

    shutil.copytree(src, dst)
    return dst


@pytest.mark.parametrize("damage, message", [
    (lambda p: (p / "summary.json").write_text("{not json"), r"summary.json: cannot be read \(JSONDecodeError\)"),
    (lambda p: (p / "summary.json").write_text("[1, 2]"), "summary.json is damaged: expected a JSON object"),
    (lambda p: (p / "summary.json").unlink(),
     r"holds no summary.json: the run did not finish; continue it with: groundup run logistic-synthetic --resume"),
    (lambda p: (p / "metrics.csv").unlink(), "damaged: summary.json is there but metrics.csv is missing"),
    (lambda p: (p / "metrics.csv").write_text("epoch,train_loss\n1,0.5,7\n"), "metrics.csv is damaged"),
])
def test_damaged_folders_raise_one_line(numpy_run, tmp_path, damage, message):
    folder = _copy(numpy_run.path, tmp_path / "copy")
    damage(folder)
    with pytest.raises(GroundupError, match=message) as err:
        groundup.open_run(folder)
    assert "\n" not in str(err.value)


def test_not_a_run_folder(tmp_path, compared):
    with pytest.raises(GroundupError, match="no such folder"):
        groundup.open_run(tmp_path / "missing")
    with pytest.raises(GroundupError, match="is not a run folder"):
        groundup.open_run(tmp_path)
    folder = _copy(compared.path, tmp_path / "copy")
    import shutil

    shutil.rmtree(folder / "nn")
    with pytest.raises(GroundupError, match="comparison.json lists 'nn' but .* is missing"):
        groundup.open_run(folder)


def test_records_columns_and_where():
    rows = Records([{"impl": "a", "epoch": 1}, {"impl": "b", "epoch": 1, "extra": None}])
    assert rows.columns == ["impl", "epoch", "extra"]
    assert rows.where(impl="b") == [rows[1]] and rows.column("extra") == [None, None]


def test_import_groundup_loads_neither_torch_nor_matplotlib():
    code = "import sys, groundup; print([m for m in ('torch', 'matplotlib', 'numpy') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT / "src")}).stdout
    assert out.strip() == "[]"


# ------------------------------------------------------------------------------ datasets

def test_datasets_unknown_and_missing(isolated_roots):
    assert groundup.datasets.names() == ["mnist", "fashion-mnist", "diabetes"]
    with pytest.raises(DataError, match="unknown data set 'cifar'; choose from: mnist, fashion-mnist, diabetes"):
        groundup.datasets.load("cifar")
    with pytest.raises(DataError, match="MNIST not found"):
        groundup.datasets.load("mnist")


@pytest.mark.realdata
@pytest.mark.parametrize("name", ["mnist", "fashion-mnist"])
def test_datasets_load_images(name):
    from groundup.data import vision

    if vision.locate(name) is None:
        pytest.skip(f"{name} not found")
    x_train, y_train, x_test, y_test = groundup.datasets.load(name)
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.int64 and y_test.shape == (10000,)
    assert set(np.unique(y_test)) == set(range(10))


@pytest.mark.realdata
def test_datasets_load_diabetes_as_the_experiments_split_it(tmp_path):
    from groundup.data.tabular import locate_diabetes

    if locate_diabetes() is None:
        pytest.skip("diabetes table not found")
    x_train, y_train, x_test, y_test = groundup.datasets.load("diabetes")
    assert x_train.dtype == np.float64 and x_train.shape[1] == 8 and y_train.dtype == np.int64
    assert len(y_test) == pytest.approx(0.25 * (len(y_train) + len(y_test)), abs=1)
    assert abs(y_train.mean() - y_test.mean()) < 0.01  # stratified
    r = groundup.run("diabetes", impl="numpy", out=tmp_path / "d", epochs=1, quiet=True)
    split = r.summary["numpy"]["split"]
    assert (split["n_train"], split["n_test"]) == (len(y_train), len(y_test))
    assert split["test_class_1_fraction"] == pytest.approx(y_test.mean())
    other = groundup.datasets.load("diabetes", seed=1)
    assert not np.array_equal(other[3], y_test) or not np.array_equal(other[2], x_test)
