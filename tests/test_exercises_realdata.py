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


def in_use_check(stem: str, path: Path | None = None):
    ex = catalogue.get(stem.replace("_", "-"))
    report = run_checks(path or SOLUTIONS / f"{stem}.py", ex, timeout=120, in_use=True)
    return report, report.checks[-1]


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
