"""The report's analysis: under-training, overfitting, instability, neglected classes, and
comparisons with the course only when the settings match (synthetic histories, one tiny run)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import ROOT

from groundup.experiments import get
from groundup.core.settings import Settings
from groundup.experiments.mnist_nets import QUICK, SEED, course_comparison
from groundup.experiments.supervised import run
from groundup.report.analysis import (classification_analysis, instability, instability_warning,
                                      training_analysis)
from groundup.training.train import EpochRecord, History


def history(rows) -> History:
    """rows of (train_loss, train_acc, test_loss, test_acc)."""
    return History([EpochRecord(i + 1, *r, 0.1) for i, r in enumerate(rows)])


TEN = np.zeros((2, 10), np.float32)  # outputs of a 10-class model

# The quick softmax run on Fashion-MNIST: test loss below train loss, loss still falling.
UNDER = history([(0.80, 0.72, 0.79, 0.72), (0.66, 0.77, 0.65, 0.77), (0.60, 0.79, 0.59, 0.79),
                 (0.57, 0.80, 0.565, 0.795), (0.55, 0.81, 0.545, 0.80)])
# `--lr 1e6` on Fashion-MNIST: finite losses in the millions, accuracy falling.
BLOWN = history([(1.4e7, 0.33, 1.46e7, 0.33), (3.2e6, 0.76, 2.9e6, 0.79), (5.7e6, 0.53, 5.6e6, 0.52),
                 (4.7e6, 0.56, 3.7e6, 0.16)])


def test_under_training_is_recognised_not_called_no_overfitting():
    [text] = training_analysis(UNDER, "ce", TEN)
    assert "Still learning" in text and "under-trained" in text
    assert "test loss is below the train loss" in text
    assert "not overfit" not in text
    assert "5.6% per epoch over the last 3" in text  # (0.66 - 0.55) / 0.66 / 3


def test_the_quick_softmax_run_is_under_trained_though_its_last_step_was_flat():
    # metrics.csv of `groundup run softmax-fashion-mnist --impl nn` (quick): the last epoch moved
    # the train loss by 0.2 %, the three before it by 2.2 % per epoch; test loss below train loss.
    quick = history([(1.23649, 0.6059, 1.24496, 0.5935), (0.779674, 0.7471, 0.798057, 0.7345),
                     (0.781547, 0.7389, 0.769765, 0.7435), (0.729447, 0.7483, 0.737194, 0.7395),
                     (0.728081, 0.7583, 0.715999, 0.7555)])
    [text] = training_analysis(quick, "ce", TEN)
    assert text.startswith("**Still learning.**") and "converged:" not in text


def test_converged_and_overfitting_runs_are_told_apart():
    flat = history([(0.50, 0.85, 0.52, 0.84), (0.40, 0.86, 0.45, 0.855), (0.399, 0.86, 0.449, 0.855),
                    (0.398, 0.86, 0.449, 0.855), (0.398, 0.861, 0.448, 0.856)])
    [text] = training_analysis(flat, "ce", TEN)
    assert "converged" in text and "does not overfit" in text
    over = history([(0.5, 0.8, 0.50, 0.8), (0.3, 0.9, 0.45, 0.85), (0.299, 0.95, 0.60, 0.83)])
    [text] = training_analysis(over, "ce", TEN)
    assert text.startswith("**Overfitting.**") and "epoch 2 (0.45)" in text


def test_one_epoch_says_there_is_no_trend():
    [text] = training_analysis(history([(0.6, 0.8, 0.55, 0.81)]), "ce", TEN)
    assert "one epoch" in text and "converged" in text and "overfit" in text  # "cannot tell whether"


def test_loss_blow_up_without_nan_is_a_warning_in_report_and_terminal():
    [text] = training_analysis(BLOWN, "ce", TEN)
    assert text.startswith("**Unstable training")
    assert "3.7e+06" in text and "ln 10" in text
    assert "0.7900 at epoch 2 and ends at 0.1600" in text
    line = instability_warning(BLOWN, "ce", TEN)
    assert line.startswith("  warning: unstable training") and "\n" not in line
    assert instability_warning(UNDER, "ce", TEN) is None


def test_a_loss_rising_tenfold_is_unstable_even_for_regression():
    rose = history([(1.0, None, 1.0, None), (0.5, None, 0.5, None), (8.0, None, 9.0, None)])
    assert "rose from 0.5 (epoch 2) to 8 (epoch 3)" in instability(rose, "mse", 1)
    assert instability(history([(1.0, None, 1.0, None), (0.5, None, 0.6, None)]), "mse", 1) is None


def test_a_class_the_model_almost_never_predicts_is_named_with_recall():
    classes = ["T-shirt/top", "Trouser", "Shirt"]
    # 200 shirts, 4 found; the model predicts Shirt 6 times in 2,000.
    cm = np.array([[880, 0, 2], [10, 908, 0], [190, 6, 4]])
    texts = classification_analysis(UNDER, cm, classes)
    neglected = [t for t in texts if "almost never predicts" in t]
    assert len(neglected) == 1 and "Shirt" in neglected[0]
    assert "6 of 2000 test predictions" in neglected[0] and "recall 2%" in neglected[0]
    assert "T-shirt/top (190)" in neglected[0]
    table = texts[-1]
    assert "| Shirt | 200 | 6 | 2.0% | 66.7% |" in table
    balanced = np.array([[90, 10], [12, 88]])
    assert not any("almost never" in t for t in classification_analysis(UNDER, balanced, ["0", "1"]))


def test_mlp_report_compares_with_the_course_only_on_its_settings():
    quick = Settings().with_overrides(**QUICK)
    text = course_comparison(quick, 20_000, 2_000, 0.8250)
    assert "not comparable" in text and "0.8250" not in text and "20,000" in text and "epochs 2" in text
    seed = Settings().with_overrides(**SEED)
    text = course_comparison(seed, 60_000, 10_000, 0.9712)
    assert "ends at 0.9712" in text and "not comparable" not in text


def test_a_small_unstable_run_warns_on_the_terminal_and_in_its_report(tmp_path):
    exp = get("logistic-synthetic")
    lines = []
    run(exp, ["numpy"], exp.settings("quick", epochs=3, lr=1e6), tmp_path, "quick", quiet=True,
        say=lines.append)
    assert sum(line.startswith("  warning: unstable training") for line in lines) == 1
    report = (tmp_path / "report.md").read_text()
    assert "**Unstable training" in report and "not overfitting" not in report


def test_no_report_text_calls_the_course_lab_the_seed_lab():
    hits = [str(p.relative_to(ROOT)) for p in (ROOT / "src").rglob("*.py")
            if re.search(r"seed lab", p.read_text(encoding="utf-8"))]
    assert hits == []


def test_instability_finds_the_first_rise_over_the_lowest_earlier_loss_in_one_pass():
    """The rule, checked against its definition (the minimum of every prefix) on random curves,
    and on a 200,000-epoch history, which the prefix-minimum form would take minutes over."""
    rng = np.random.default_rng(0)
    for _ in range(200):
        losses = np.exp(rng.normal(0, 2.5, rng.integers(2, 30))).tolist()
        rows = [(v, 0.5, v, 0.5) for v in losses]
        rise = next(((min(losses[:j]), j) for j in range(1, len(losses)) if losses[j] >= 10 * min(losses[:j])), None)
        text = instability(history(rows), "mse", 1)
        if rise is None:
            assert text is None
        else:
            low, j = rise
            assert f"epoch {losses.index(low) + 1}" in text and f"epoch {j + 1}" in text, text
    long = history([(1.0 - i * 1e-6, 0.5, 1.0 - i * 1e-6, 0.5) for i in range(200_000)] + [(50.0, 0.1, 50.0, 0.1)])
    assert "200001" in instability(long, "mse", 1).replace(",", "")


@pytest.fixture(scope="module")
def small_mnist_reports(tmp_path_factory):
    """report.md of one-epoch numpy runs of the MLP and the CNN on 500 MNIST images."""
    from groundup.data import vision

    if vision.locate("mnist") is None:
        pytest.skip("MNIST not found")
    reports = {}
    for name in ("mlp-mnist", "cnn-mnist"):
        exp, out = get(name), tmp_path_factory.mktemp(name)
        run(exp, ["numpy"], exp.settings("quick", epochs=1, train_limit=500, test_limit=200), out, "quick",
            quiet=True, say=lambda *a, **k: None)
        reports[name] = (out / "report.md").read_text()
    return reports


def test_a_small_mlp_run_is_compared_with_the_course_only_as_what_it_was(small_mnist_reports):
    report = small_mnist_reports["mlp-mnist"]
    assert "preset `quick`" in report and "500 training and 200 test samples" in report
    analysis = report.split("## Analysis")[1].split("## Figures")[0]
    assert "This run (epochs 1, 500 training and 200 test images" in analysis and "not comparable" in analysis
    assert "This run used those settings" not in analysis


@pytest.mark.parametrize("name", ["mlp-mnist", "cnn-mnist"])
def test_numbers_that_are_not_the_runs_own_say_where_they_come_from(small_mnist_reports, name):
    analysis = small_mnist_reports[name].split("## Analysis")[1].split("## Figures")[0]
    sentences = [s for s in re.split(r"(?<=[.:])\s+", analysis) if re.search(r"\de-\d", s)]
    assert sentences  # the float64 agreement, 1e-8
    for sentence in sentences:  # a tolerance or a drift names the test that measured it
        assert "tests/" in sentence, sentence


def test_the_course_lab_is_defined_once_in_a_report(tmp_path):
    exp = get("logistic-synthetic")
    run(exp, ["numpy"], exp.settings("quick", epochs=2), tmp_path, "quick", quiet=True, say=lambda *a, **k: None)
    report = (tmp_path / "report.md").read_text()
    assert report.count("the course lab (the classic first PyTorch lab") == 1
    assert "seed lab" not in report
