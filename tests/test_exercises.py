"""Exercise mode: correct and wrong solutions get the right verdict and hint; the sandbox holds.

The checks run without their in-use training step here (``in_use=False``) so the suite stays
fast; ``test_exercises_realdata.py`` runs the in-use steps on the real data.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli
from groundup.exercises import catalogue
from groundup.exercises.checking import forbidden_imports, run_checks
from groundup.exercises.child import Unsupported, decode, encode

sys.path.insert(0, str(Path(__file__).parent / "exercises"))
from mistakes import MISTAKES, write_wrong  # noqa: E402

HERE = Path(__file__).parent / "exercises"
SOLUTIONS = HERE / "solutions"
MISBEHAVING = HERE / "misbehaving"
BY_FILE = [n for n in catalogue.ORDER if (SOLUTIONS / (n.replace("-", "_") + ".py")).exists()]

WRONG_CASES = [(stem, name, check, hint) for stem, cases in MISTAKES.items()
               for name, (_, _, _, check, hint) in cases.items()]


def exercise_of(stem: str):
    return catalogue.get(stem.replace("_", "-"))


def results(report) -> dict:
    return {c.name: c for c in report.checks}


@pytest.mark.parametrize("stem", [n.replace("-", "_") for n in BY_FILE])
def test_correct_solution_passes_every_check(stem):
    report = run_checks(SOLUTIONS / f"{stem}.py", exercise_of(stem), timeout=60, in_use=False)
    assert [c.name for c in report.checks if not c.passed] == []
    assert report.score == 1.0 and report.passed


@pytest.mark.parametrize("stem,wrong,check,hint", WRONG_CASES, ids=[f"{e}/{w}" for e, w, _, _ in WRONG_CASES])
def test_wrong_solution_fails_with_its_hint(stem, wrong, check, hint, tmp_path):
    report = run_checks(write_wrong(stem, wrong, tmp_path), exercise_of(stem), timeout=60, in_use=False)
    by_name = results(report)
    assert not report.passed
    assert not by_name[check].passed, by_name[check]
    assert hint in (by_name[check].hint or ""), by_name[check]
    assert by_name["file loads"].passed  # the mistake is found by a value check, not a crash


def test_every_exercise_has_wrong_solutions():
    assert {e for e, *_ in WRONG_CASES} == {n.replace("-", "_") for n in BY_FILE}


# --------------------------------------------------------------------------------- scaffolds

@pytest.mark.parametrize("name", catalogue.ORDER)
def test_scaffold_holds_signatures_and_no_solution(name):
    text = catalogue.scaffold(name)
    tree = ast.parse(text)
    ex = catalogue.get(name)
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    assert set(ex.functions) <= defined
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef):
            assert ast.get_docstring(fn), f"{fn.name} has no docstring"
            body = fn.body[1:]  # after the docstring: only `raise NotImplementedError`
            assert len(body) == 1 and isinstance(body[0], ast.Raise), f"{fn.name} holds more than a raise"
            assert "NotImplementedError" in ast.unparse(body[0])


@pytest.mark.parametrize("name", [n for n in catalogue.ORDER if n in BY_FILE])
def test_unwritten_scaffold_is_reported_as_not_written_yet(name, tmp_path):
    path = tmp_path / catalogue.get(name).file_name
    path.write_text(catalogue.scaffold(name))
    report = run_checks(path, catalogue.get(name), timeout=60, in_use=False)
    assert report.checks[0].passed  # the scaffold loads
    assert report.score == pytest.approx(1 / len(report.checks))
    assert any(c.message.startswith("not written yet") for c in report.checks[1:])
    assert all("Traceback" not in c.message for c in report.checks)


# ------------------------------------------------------------------------------- the sandbox

@pytest.mark.parametrize("file,message", [
    ("syntax_error", "syntax error in syntax_error.py, line 3"),
    ("exit_at_import", "called sys.exit(0)"),
    ("endless_at_import", "did not finish within the time limit"),
    ("memory_hog", "ran out of memory"),
    ("imports_reference", "groundup's reference solution may not be used"),
    ("imports_reference_hidden", "groundup's reference solution may not be used"),
    ("imports_torch", "done by hand, with NumPy only"),
])
def test_a_file_that_cannot_load_fails_every_check_with_one_reason(file, message):
    report = run_checks(MISBEHAVING / f"{file}.py", exercise_of("softmax_regression"), timeout=3, in_use=False)
    assert report.score == 0.0
    assert message in report.checks[0].message
    assert message in report.error and "\n" not in report.error
    assert all(c.message == "not run: the file did not load" for c in report.checks[1:])


@pytest.mark.parametrize("file,message", [
    ("endless", "did not finish within the time limit of 3 s"),
    ("os_exit", "process ended (exit code 3) during softmax"),
])
def test_a_call_that_never_returns_stops_the_rest(file, message):
    report = run_checks(MISBEHAVING / f"{file}.py", exercise_of("softmax_regression"), timeout=3, in_use=False)
    first = results(report)["softmax values"]
    assert not first.passed and message in first.message
    assert all(c.message.startswith("not run:") for c in report.checks[2:])
    assert report.seconds < 10


def test_learner_traceback_shows_only_the_learners_lines():
    report = run_checks(MISBEHAVING / "raises.py", exercise_of("softmax_regression"), timeout=10, in_use=False)
    message = results(report)["softmax values"].message
    assert message.splitlines() == [
        "softmax raised AxisError: axis 2 is out of bounds for array of dimension 2",
        "  raises.py, line 10, in softmax: return np.exp(_shift(z))",
        "  raises.py, line 6, in _shift: return z - z.max(axis=2)"]


def test_printing_patching_and_writing_files_do_not_change_the_verdict(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report = run_checks(MISBEHAVING / "cheater.py", exercise_of("softmax_regression"), timeout=10, in_use=False)
    by_name = results(report)
    assert not by_name["cross_entropy value"].passed  # np.allclose patched in the child: no effect here
    assert "6 times too large" in by_name["cross_entropy value"].hint
    assert by_name["softmax values"].passed
    assert list(tmp_path.iterdir()) == []  # its grades.csv went to its own temporary folder


def test_a_forged_reply_on_the_channel_is_only_a_value():
    report = run_checks(MISBEHAVING / "forger.py", exercise_of("softmax_regression"), timeout=10, in_use=False)
    assert not report.passed and report.score < 0.2


def test_wire_carries_values_only():
    value = {"a": np.arange(6.0).reshape(2, 3), "b": (1, 2.5, None, "x"), "c": [np.float32(1.5)],
             "inf": float("inf")}
    back = decode(encode(value))
    assert np.array_equal(back["a"], value["a"]) and back["b"] == (1, 2.5, None, "x")
    assert back["c"][0] == np.float32(1.5) and back["inf"] == float("inf")
    assert isinstance(decode(encode(object())), Unsupported)
    assert isinstance(decode(encode(np.array([object()]))), Unsupported)  # no pickled arrays


def test_static_import_check_sees_every_form():
    tree = ast.parse("import groundup\nfrom groundup.numpy_impl import losses\nimport torch.nn as nn\n"
                     "__import__('groundup.core.models')\nimport numpy\n")
    assert [m for m, _ in forbidden_imports(tree, ["groundup", "torch"])] == [
        "groundup", "groundup.numpy_impl", "torch.nn", "groundup.core.models"]


# ------------------------------------------------------------------------------- the commands

def cli(capsys, *args: str):
    """``groundup ARGS`` in this process (the subprocess form costs seconds of imports each)."""
    from groundup.cli import main

    try:
        code = main(list(args))
    except SystemExit as stop:  # argparse
        code = stop.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_exercise_start_list_and_refusal_to_overwrite(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, "exercise", "start", "softmax-regression")
    assert code == 0, err
    assert (tmp_path / "softmax_regression.py").read_text() == catalogue.scaffold("softmax-regression")
    code, out, err = cli(capsys, "exercise", "start", "softmax-regression")
    assert code == 2 and err.startswith("groundup: error:") and "--force" in err
    assert len(err.strip().splitlines()) == 1
    assert cli(capsys, "exercise", "start", "softmax-regression", "--force")[0] == 0
    listing = cli(capsys, "exercise", "list")[1].splitlines()
    assert [line.split()[0] for line in listing[1:]] == list(catalogue.ORDER)
    assert [line.split("softmax_regression.py")[1].split()[0] for line in listing
            if line.startswith("softmax-regression")] == ["yes"]


def test_check_exit_codes_and_json(tmp_path, capsys):
    good = tmp_path / "softmax_regression.py"
    good.write_text((SOLUTIONS / "softmax_regression.py").read_text())
    code, out, err = cli(capsys, "check", str(good), "--no-in-use", "--json")
    assert code == 0, out + err
    report = json.loads(out)
    assert set(report) == {"exercise", "passed", "score", "seconds", "checks"}
    assert report["passed"] is True and report["score"] == 1.0 and report["exercise"] == "softmax-regression"
    assert all(set(c) == {"name", "passed", "message", "hint"} for c in report["checks"])

    bad = tmp_path / "mine.py"
    bad.write_text(write_wrong("softmax_regression", "summed_loss", tmp_path).read_text())
    code, out, err = cli(capsys, "check", str(bad), "--exercise", "softmax-regression", "--no-in-use")
    assert code == 1
    assert "✗ cross_entropy value" in out and "hint: 6 times too large" in out

    for args, words in ((("check", str(bad)), "cannot tell the exercise"),
                        (("check", str(tmp_path / "nope.py")), "no such file"),
                        (("check", str(good), "--exercise", "nope"), "unknown exercise")):
        code, out, err = cli(capsys, *args)
        assert code == 2 and err.startswith("groundup: error:") and words in err, err


def test_grade_mixed_folder(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.py").write_text((SOLUTIONS / "softmax_regression.py").read_text())
    (subs / "bob").mkdir()  # a sub-folder holding the exercise's file is a submission too
    write_wrong("softmax_regression", "grad_summed", subs / "bob")
    for name in ("raises", "endless", "exit_at_import"):
        (subs / f"{name}.py").write_text((MISBEHAVING / f"{name}.py").read_text())
    out = tmp_path / "grades.csv"
    r = run_cli("grade", str(subs), "--exercise", "softmax-regression", "--out", str(out),
                "--jobs", "2", "--timeout", "4", "--no-in-use")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""  # no progress bar when stderr is not a terminal
    assert r.stdout.splitlines()[-1].startswith("5 submissions, 1 passed every check; wrote")
    import csv

    rows = {row["submission"]: row for row in csv.DictReader(out.open())}
    assert list(next(csv.reader(out.open())))[:7] == ["submission", "exercise", "score", "passed",
                                                       "failed_checks", "seconds", "error"]  # new ones at the end
    assert sorted(rows) == ["alice", "bob", "endless", "exit_at_import", "raises"]
    assert rows["alice"]["passed"] == "true" and float(rows["alice"]["score"]) == 1.0
    assert rows["bob"]["passed"] == "false" and "cross_entropy_grad values" in rows["bob"]["failed_checks"].split(";")
    assert 0 < float(rows["bob"]["score"]) < 1 and rows["bob"]["error"] == ""
    assert "time limit" in rows["endless"]["error"] and float(rows["endless"]["seconds"]) < 10
    assert "sys.exit" in rows["exit_at_import"]["error"] and float(rows["exit_at_import"]["score"]) == 0
    assert "AxisError" in rows["raises"]["failed_checks"] or rows["raises"]["passed"] == "false"
    feedback = tmp_path / "feedback"
    assert sorted(p.name for p in feedback.iterdir()) == [f"{n}.md" for n in sorted(rows)]
    assert "hint: 6 times too large" in (feedback / "bob.md").read_text()
