"""Gradescope's results.json: from ``check FILE --gradescope``, from ``grade --gradescope DIR``,
and from the run_autograder script of docs/grading.md run as Gradescope runs it."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, cli_main
from groundup.exercises import catalogue, gradescope
from groundup.exercises.checking import CheckResult, Report

sys.path.insert(0, str(Path(__file__).parent / "exercises"))
from mistakes import write_wrong  # noqa: E402

SOLUTIONS = Path(__file__).parent / "exercises" / "solutions"
EXERCISE = "softmax-regression"
TEST_KEYS = {"name", "score", "max_score", "status", "output", "tags"}


def _valid(result: dict, max_score: float) -> None:
    """The published format: the keys, the types, the statuses, the points adding up."""
    assert {"score", "execution_time", "output", "tests"} <= set(result)
    assert isinstance(result["execution_time"], (int, float)) and isinstance(result["output"], str)
    for test in result["tests"]:
        assert set(test) == TEST_KEYS and test["status"] in ("passed", "failed")
        assert test["score"] == (test["max_score"] if test["status"] == "passed" else 0)
        assert all(isinstance(tag, str) for tag in test["tags"])
    assert sum(t["max_score"] for t in result["tests"]) == pytest.approx(max_score, abs=1e-3)
    assert result["score"] == pytest.approx(sum(t["score"] for t in result["tests"]), abs=1e-3)


def test_points_are_equal_scaled_and_mistakes_are_tags():
    ex = catalogue.get(EXERCISE)
    names = [c.name for c in ex.checks]
    report = Report(EXERCISE, "x.py", [CheckResult("file loads", True, "")] +
                    [CheckResult(n, i % 3 != 0, f"message {i}", f"hint {i}") for i, n in enumerate(names)])
    report.checks[1].mistake = "summed_loss"
    result = gradescope.results(report, ex, max_score=30)
    _valid(result, 30)
    tests = {t["name"]: t for t in result["tests"]}
    assert tests["file loads"]["max_score"] == 0
    each = 30 / len(names)
    assert all(tests[n]["max_score"] == pytest.approx(each, abs=1e-3) for n in names)
    passed = sum(i % 3 != 0 for i in range(len(names)))
    assert result["score"] == pytest.approx(passed * each, abs=1e-3)
    assert tests[names[0]]["tags"] == ["summed_loss"] and tests[names[1]]["tags"] == []
    assert tests[names[0]]["output"] == "message 0\nhint: hint 0"  # a failure says why and what to try
    assert tests[names[1]]["output"] == "message 1"


def test_check_writes_one_results_json(tmp_path, capsys):
    wrong = write_wrong("softmax_regression", "grad_summed", tmp_path)
    path = tmp_path / "results" / "results.json"
    code = cli_main("check", str(wrong), "--no-in-use", "--gradescope", str(path), "--max-score", "10")
    capsys.readouterr()
    assert code == 1
    result = json.loads(path.read_text())
    _valid(result, 10)
    failed = [t for t in result["tests"] if t["status"] == "failed"]
    assert 0 < result["score"] < 10 and failed
    grad = next(t for t in failed if t["name"] == "cross_entropy_grad values")
    assert "summed over the batch" in grad["output"]


def test_grade_writes_one_results_json_per_submission(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "王芳.py").write_text((SOLUTIONS / "softmax_regression.py").read_text())
    (subs / "bob.py").write_text("import torch\n")
    with contextlib.redirect_stdout(io.StringIO()):
        code = cli_main("grade", str(subs), "--exercise", EXERCISE, "--out", str(tmp_path / "grades.csv"),
                        "--no-in-use", "--gradescope", str(tmp_path / "gs"), "--quiet")
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "gs").iterdir()) == sorted(["王芳", "bob"])
    good = json.loads((tmp_path / "gs" / "王芳" / "results.json").read_text(encoding="utf-8"))
    bad = json.loads((tmp_path / "gs" / "bob" / "results.json").read_text(encoding="utf-8"))
    _valid(good, 100)
    _valid(bad, 100)
    assert good["score"] == pytest.approx(100) and bad["score"] == 0
    assert "imports torch" in bad["tests"][0]["output"]


def _autograder(tmp_path) -> subprocess.CompletedProcess:
    """The docs' run_autograder, run as Gradescope runs it (with /autograder moved to tmp_path)."""
    script = re.search(r"```bash\n(#!/usr/bin/env bash\n.*?)```", (ROOT / "docs" / "grading.md").read_text(),
                       re.S).group(1)
    (tmp_path / "run_autograder").write_text(script)
    venv_bin = str(Path(sys.executable).parent)
    if not (Path(venv_bin) / "groundup").exists():
        pytest.skip("the groundup command is not installed beside this Python")
    env = {**os.environ, "AUTOGRADER": str(tmp_path), "EXERCISE": "logistic-regression",
           "PYTHONPATH": str(ROOT / "src"), "PATH": venv_bin + os.pathsep + os.environ.get("PATH", "")}
    return subprocess.run(["bash", str(tmp_path / "run_autograder")], env=env, capture_output=True, text=True,
                          timeout=600)


def test_run_autograder_without_the_exercise_file_still_says_why(tmp_path):
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "my_homework.py").write_text("x = 1\n")  # the wrong name
    done = _autograder(tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads((tmp_path / "results" / "results.json").read_text())
    assert result["score"] == 0 and "logistic_regression.py: no such file" in result["output"]


def test_run_autograder_script_of_the_docs(tmp_path):
    (tmp_path / "submission").mkdir()
    # logistic-regression: its in-use run trains on the synthetic set, in about a second
    (tmp_path / "submission" / "logistic_regression.py").write_text((SOLUTIONS / "logistic_regression.py").read_text())
    done = _autograder(tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads((tmp_path / "results" / "results.json").read_text())
    _valid(result, 100)
    assert result["score"] == pytest.approx(100)
    names = [t["name"] for t in result["tests"]]
    assert names[0] == "file loads" and any(n.startswith("in use") for n in names)


def test_points_from_the_exercise():
    import dataclasses

    ex = catalogue.get(EXERCISE)
    heavy = dataclasses.replace(ex, checks=(dataclasses.replace(ex.checks[0], points=3.0), *ex.checks[1:]))
    report = Report(EXERCISE, "x.py", [CheckResult("file loads", True, "")] +
                    [CheckResult(c.name, i == 0, "") for i, c in enumerate(ex.checks)])
    result = gradescope.results(report, heavy, max_score=100)
    _valid(result, 100)
    assert result["score"] == pytest.approx(100 * 3 / (3 + len(ex.checks) - 1), abs=1e-3)
