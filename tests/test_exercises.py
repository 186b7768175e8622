"""Exercise mode: correct and wrong solutions get the right verdict and hint; the sandbox holds.

The checks run without their in-use training step here (``in_use=False``) so the suite stays
fast; ``test_exercises_realdata.py`` runs the in-use steps on the real data.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli
from groundup.exercises import catalogue
from groundup.exercises import mistakes as mistake_catalogue
from groundup.exercises.checking import forbidden_imports, report_json, run_checks
from groundup.exercises.child import Unsupported, decode, encode

sys.path.insert(0, str(Path(__file__).parent / "exercises"))
from mistakes import MISTAKES, write_wrong  # noqa: E402

HERE = Path(__file__).parent / "exercises"
SOLUTIONS = HERE / "solutions"
MISBEHAVING = HERE / "misbehaving"
BY_FILE = [n for n in catalogue.ORDER if (SOLUTIONS / (n.replace("-", "_") + ".py")).exists()]

WRONG_CASES = [(stem, name, check, hint, mistake) for stem, cases in MISTAKES.items()
               for name, (_, _, _, check, hint, mistake) in cases.items()]


def exercise_of(stem: str):
    return catalogue.get(stem.replace("_", "-"))


def results(report) -> dict:
    return {c.name: c for c in report.checks}


@pytest.mark.parametrize("stem", [n.replace("-", "_") for n in BY_FILE])
def test_correct_solution_passes_every_check(stem):
    report = run_checks(SOLUTIONS / f"{stem}.py", exercise_of(stem), timeout=60, in_use=False)
    assert [c.name for c in report.checks if not c.passed] == []
    assert report.score == 1.0 and report.passed


@pytest.mark.parametrize("stem,wrong,check,hint,mistake", WRONG_CASES, ids=[f"{c[0]}/{c[1]}" for c in WRONG_CASES])
def test_wrong_solution_fails_with_its_hint(stem, wrong, check, hint, mistake, tmp_path):
    report = run_checks(write_wrong(stem, wrong, tmp_path), exercise_of(stem), timeout=60, in_use=False)
    by_name = results(report)
    assert not report.passed
    assert not by_name[check].passed, by_name[check]
    assert hint in (by_name[check].hint or ""), by_name[check]
    assert by_name[check].mistake == mistake, by_name[check]
    assert mistake in report.mistakes()
    assert mistake in mistake_catalogue.of_exercise(stem.replace("_", "-"))
    assert by_name["file loads"].passed  # the mistake is found by a value check, not a crash


def test_every_exercise_has_wrong_solutions():
    assert {e for e, *_ in WRONG_CASES} == {n.replace("-", "_") for n in BY_FILE}


# The classic mistakes issue 23 names: each has a wrong solution here whose hint names it.
CLASSIC = {"bptt-grads-overwritten", "bptt-carry-dropped", "sgd-full-batch-gradient", "momentum-dampening",
           "decay-outside-velocity", "nesterov", "kernel-flipped", "pool-gradient-to-ties", "pool-gradient-spread",
           "conv-dx-overwritten", "same-order-every-epoch", "last-batch-dropped", "onehot-columns",
           "argmax-wrong-axis", "param-not-updated"}


def test_every_classic_mistake_has_a_wrong_solution():
    assert CLASSIC <= {c[4] for c in WRONG_CASES}


# ------------------------------------------------------------------------- the mistake catalogue

FIELD = re.compile(r"\{(\w+)[^}]*\}")


@pytest.mark.parametrize("mistake", sorted(mistake_catalogue.MISTAKES))
def test_catalogue_entry_is_written_in_both_languages(mistake):
    entry = mistake_catalogue.MISTAKES[mistake]
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", mistake)
    assert entry.kind in ("mistake", "advice")
    assert set(entry.exercises) <= set(catalogue.ORDER)
    assert re.search(r"[\u4e00-\u9fff]", entry.zh) and not re.search(r"[\u4e00-\u9fff]", entry.en)
    assert set(FIELD.findall(entry.zh)) == set(FIELD.findall(entry.en))  # the same evidence in both
    # Chinese sentences end and pause with full-width punctuation, never an ASCII ", " or ": " after Chinese
    assert not re.search(r"[\u4e00-\u9fff][,;:.]", entry.zh), entry.zh
    assert "{" not in mistake_catalogue.listing(mistake, "en") + mistake_catalogue.listing(mistake, "zh")
    evidence = dict.fromkeys(FIELD.findall(entry.en), 3)
    for lang in ("en", "zh"):  # every template renders with its evidence
        assert "{" not in mistake_catalogue.explain(mistake, lang, **evidence)


def ids_named_in(tree: ast.AST) -> set[str]:
    """Every catalogue id a source passes: Failed(msg, "id"), Mistake(values, "id"), hints={...: "id"}."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in ("Failed", "Mistake") and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
                found.add(node.args[1].value)
            for kw in node.keywords:
                if kw.arg == "hints" and isinstance(kw.value, ast.Dict):
                    found |= {v.value for v in kw.value.values if isinstance(v, ast.Constant)}
        if isinstance(node, ast.IfExp) and isinstance(node.body, ast.Constant) and isinstance(node.orelse, ast.Constant):
            if all(isinstance(v.value, str) and "-" in v.value for v in (node.body, node.orelse)):
                found |= {node.body.value, node.orelse.value}
    return found - {None}


def test_every_id_the_checks_use_is_in_the_catalogue():
    src = Path(catalogue.__file__).parent
    used = set()
    for path in [*src.glob("specs/*.py"), *src.glob("*.py")]:
        used |= ids_named_in(ast.parse(path.read_text()))
    assert len(used) > 60
    assert used - set(mistake_catalogue.MISTAKES) == set()


def test_hints_are_rendered_in_the_current_language(tmp_path):
    from groundup import i18n

    cases = [("softmax_regression", "summed_loss", "cross_entropy value"),  # evidence: n = 6
             ("rnn_cell", "grads_overwritten", "rnn_backward (through time) values"),
             ("conv_layer", "dx_overwritten", "conv2d_backward values")]
    for stem, wrong, check in cases:
        path = write_wrong(stem, wrong, tmp_path)
        english = results(run_checks(path, exercise_of(stem), timeout=60, in_use=False))[check]
        with i18n.language("zh"):
            chinese = results(run_checks(path, exercise_of(stem), timeout=60, in_use=False))[check]
        assert chinese.mistake == english.mistake is not None
        assert chinese.message == english.message  # the evidence lines stay as they are
        assert re.search(r"[\u4e00-\u9fff]", chinese.hint) and not re.search(r"[\u4e00-\u9fff]", english.hint)
        assert chinese.hint.endswith("。")
    with i18n.language("zh"):
        assert mistake_catalogue.explain("summed-not-mean", n=6).startswith("是正确值的 6 倍")


def test_a_difference_no_mistake_explains_is_said_to_be_one(tmp_path):
    path = tmp_path / "linear_model.py"
    path.write_text((SOLUTIONS / "linear_model.py").read_text().replace(
        "return float(np.mean((y_pred - y) ** 2))", "return float(np.mean((y_pred - y) ** 2) + 0.1)"))
    report = run_checks(path, exercise_of("linear_model"), timeout=60, in_use=False)
    mse = results(report)["mse value"]
    assert not mse.passed and mse.mistake is None
    assert mse.hint.startswith("no known mistake explains these numbers")
    assert report.mistakes() == []


def test_a_constant_factor_is_claimed_only_when_several_values_share_it():
    from groundup.exercises.hints import Failed, compare

    with pytest.raises(Failed) as one:  # one number: any wrong value is "off by a factor"
        compare("w", 0.9185 * 1.7, 1.7)
    assert one.value.mistake is None and one.value.hint.startswith("no known mistake")
    want = np.array([1.0, -2.0, 3.0])
    with pytest.raises(Failed) as several:
        compare("g", 0.9185 * want, want)
    assert several.value.mistake == "constant-factor" and "all 3 values" in several.value.hint
    with pytest.raises(Failed) as zero:
        compare("g", 0 * want, want)
    assert zero.value.mistake == "all-zero"


def test_a_wrong_shape_is_named_only_when_the_values_show_it():
    from groundup.exercises.hints import Failed, compare

    want = np.arange(6.0).reshape(2, 3) - 2.5
    for got, mistake in ((want.T, "weights-transposed"), (want.T + 1, None),
                         (np.stack([want / 4] * 4), "bias-not-summed"), (np.stack([want] * 4) + 1, None),
                         (want.reshape(3, 2), None), (want.reshape(6, 1), None)):
        with pytest.raises(Failed) as failed:
            compare("dW", got, want, batch=4)
        assert failed.value.mistake == mistake, (got, failed.value.hint)
    with pytest.raises(Failed) as reshaped:
        compare("y", want.reshape(6, 1), want.reshape(6))
    assert reshaped.value.hint.startswith("the right numbers in the wrong shape")
    with pytest.raises(Failed) as other:
        compare("y", want.reshape(6, 1) + 1, want.reshape(6))
    assert other.value.hint.startswith("no known mistake")


def test_a_slow_solution_is_told_its_speed_not_called_an_endless_loop(tmp_path):
    path = tmp_path / "logistic_regression.py"
    path.write_text((SOLUTIONS / "logistic_regression.py").read_text().replace(
        "def bce_grad(logits, y):\n", "def bce_grad(logits, y):\n    import time\n    time.sleep(0.05)\n"))
    report = run_checks(path, exercise_of("logistic_regression"), timeout=3, in_use=True)
    last = report.checks[-1]
    assert [c.name for c in report.checks if not c.passed] == [last.name]  # every small check passed
    assert last.mistake == "too-slow" and "not an endless loop" in last.hint and "steps per second" in last.hint
    assert "time limit" in last.message and report.seconds < 3
    assert last.kind == report.error_kind == "timeout"  # stopped before the limit, for the limit


def test_a_call_that_runs_out_of_time_after_answering_is_called_slow(tmp_path):
    path = tmp_path / "softmax_regression.py"
    path.write_text((SOLUTIONS / "softmax_regression.py").read_text().replace(
        "def softmax(z):\n", "CALLS = []\n\n\ndef softmax(z):\n    CALLS.append(1)\n"
        "    if len(CALLS) > 1:\n        import time\n        time.sleep(30)\n"))
    report = run_checks(path, exercise_of("softmax_regression"), timeout=2, in_use=False)
    second = results(report)["softmax without overflow"]
    assert results(report)["softmax values"].passed and not second.passed
    assert second.mistake == "slow-not-endless" and "1 calls" in second.hint
    assert "endless loop?" not in second.message and second.kind == "timeout"


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
    assert report.score == 0.0  # loading earns no credit on its own
    assert any(c.message.startswith("not written yet") for c in report.checks[1:])
    assert all(c.kind == "todo" for c in report.checks if c.message.startswith("not written yet"))
    assert all("Traceback" not in c.message for c in report.checks)


# ------------------------------------------------------------------------------- the sandbox

@pytest.mark.parametrize("file,message,kind", [
    ("syntax_error", "syntax error in syntax_error.py, line 3", "not_loaded"),
    ("exit_at_import", "called sys.exit(0)", "not_loaded"),
    ("endless_at_import", "did not finish within the time limit", "timeout"),
    ("memory_hog", "ran out of memory", "crashed"),
    ("imports_reference", "groundup's reference solution may not be used", "refused"),
    ("imports_reference_hidden", "groundup's reference solution may not be used", "refused"),  # by the child
    ("imports_torch", "done by hand, with NumPy only", "refused"),
])
def test_a_file_that_cannot_load_fails_every_check_with_one_reason(file, message, kind):
    report = run_checks(MISBEHAVING / f"{file}.py", exercise_of("softmax_regression"), timeout=3, in_use=False)
    assert report.score == 0.0
    assert message in report.checks[0].message
    assert message in report.error and "\n" not in report.error
    assert report.checks[0].kind == report.error_kind == kind
    assert all(c.message == "not run: the file did not load" and c.kind == "not_run" for c in report.checks[1:])


@pytest.mark.parametrize("file,message", [
    ("endless", "did not finish within the time limit of 3 s"),
    ("os_exit", "process ended (exit code 3) during softmax"),
])
def test_a_call_that_never_returns_stops_the_rest(file, message):
    report = run_checks(MISBEHAVING / f"{file}.py", exercise_of("softmax_regression"), timeout=3, in_use=False)
    first = results(report)["softmax values"]
    assert not first.passed and message in first.message
    if file == "endless":  # that call used the whole budget of 3 s: nothing more is run
        assert all(c.message.startswith("not run:") and c.kind == "not_run" for c in report.checks[2:])
        assert first.kind == report.error_kind == "timeout"
    else:  # a lost process costs that call only: the next call runs in a new one
        assert message in results(report)["softmax without overflow"].message
        assert "cross_entropy is not defined" in results(report)["cross_entropy value"].message
        assert first.kind == report.error_kind == "crashed"
        assert results(report)["cross_entropy value"].kind == ""  # an ordinary failure
    assert report.seconds < 10


def test_each_failed_call_has_its_kind(tmp_path):
    """The kind comes from the sandbox as data, not from the message: a message that speaks of a
    time limit or a FloatingPointError is only a message."""
    path = tmp_path / "kinds.py"
    path.write_text(
        "import sys\nimport numpy as np\nanswered = []\n\n"
        "def softmax(z):\n    raise ValueError('FloatingPointError: overflow past the time limit')\n\n"
        "def cross_entropy(z, y):\n    return np.ones(10**11).sum()\n\n"
        "def cross_entropy_grad(z, y):\n    sys.exit(1)\n\n"
        "def accuracy(z, y):\n"  # answers once, then never again: a later call runs out of time
        "    answered.append(1)\n    while len(answered) > 1:\n        pass\n    return float((z.argmax(axis=1) == y).mean())\n\n"
        "def train_step(W, b, x, y, lr):\n    return W, b, 0.0\n")
    report = run_checks(path, exercise_of("softmax_regression"), timeout=3, in_use=False)
    by_name = results(report)
    raised = by_name["softmax without overflow"]  # a ValueError, whatever its message says
    assert "raised ValueError: FloatingPointError" in raised.message
    assert raised.kind == "" and raised.mistake is None and raised.hint is None
    memory = by_name["cross_entropy value"]
    assert memory.kind == "crashed" and "ran out of memory" in memory.message
    exits = by_name["cross_entropy_grad values"]
    assert exits.kind == "" and "called sys.exit(1)" in exits.message and exits.why == "exits"
    later = by_name["accuracy"]
    assert "it had answered 1 calls before" in later.message and later.kind == "timeout"
    assert by_name["train_step"].kind == "not_run"  # the time of the whole check is used up
    assert report.error_kind == "crashed" and report.error == memory.message.splitlines()[0]
    assert [c["kind"] for c in json.loads(report_json(report))["checks"]][-2:] == ["timeout", "not_run"]


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


def test_exercise_mistakes_lists_ids_with_explanations(capsys):
    from groundup import i18n

    code, out, err = cli(capsys, "exercise", "mistakes", "rnn-cell")
    assert code == 0, err
    listed = {line.split()[0]: line for line in out.splitlines()}
    assert list(listed) == mistake_catalogue.of_exercise("rnn-cell")
    assert "bptt-grads-overwritten" in listed and "grads[k] += g[k]" in listed["bptt-grads-overwritten"]
    assert "summed-not-mean" in listed and "n times too large" in listed["summed-not-mean"]
    assert "kernel-flipped" not in listed  # another exercise's mistake
    code, out, err = cli(capsys, "exercise", "mistakes", "conv-layer", "--lang", "zh")
    assert code == 0 and "卷积核被翻转了" in out and "kernel-flipped" in out
    code, out, err = cli(capsys, "exercise", "mistakes", "nope")
    assert code == 2 and "unknown exercise" in err


def test_check_exit_codes_and_json(tmp_path, capsys):
    good = tmp_path / "softmax_regression.py"
    good.write_text((SOLUTIONS / "softmax_regression.py").read_text())
    code, out, err = cli(capsys, "check", str(good), "--no-in-use", "--json")
    assert code == 0, out + err
    report = json.loads(out)
    assert set(report) == {"exercise", "passed", "score", "seconds", "checks", "flags"}
    assert report["passed"] is True and report["score"] == 1.0 and report["exercise"] == "softmax-regression"
    assert all(set(c) == {"name", "passed", "message", "hint", "mistake", "kind"} for c in report["checks"])
    assert all(c["mistake"] is None for c in report["checks"])

    bad = tmp_path / "mine.py"
    bad.write_text(write_wrong("softmax_regression", "summed_loss", tmp_path).read_text())
    code, out, err = cli(capsys, "check", str(bad), "--exercise", "softmax-regression", "--no-in-use")
    assert code == 1
    assert "✗ cross_entropy value" in out and "hint: 6 times too large" in out
    code, out, err = cli(capsys, "check", str(bad), "--exercise", "softmax-regression", "--no-in-use", "--json")
    checks = {c["name"]: c for c in json.loads(out)["checks"]}
    assert checks["cross_entropy value"]["mistake"] == "summed-not-mean"
    assert checks["softmax values"]["mistake"] is None

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
    assert rows["raises"]["passed"] == "false" and "softmax values" in rows["raises"]["failed_checks"].split(";")
    assert rows["raises"]["error"] == rows["raises"]["error_kind"] == ""  # raising is an ordinary failure
    assert [rows[n]["error_kind"] for n in ("alice", "bob", "endless", "exit_at_import")] == [
        "", "", "timeout", "not_loaded"]
    feedback = tmp_path / "feedback"
    assert sorted(p.name for p in feedback.iterdir()) == [f"{n}.md" for n in sorted(rows)]
    assert "softmax raised AxisError: axis 2 is out of bounds for array of dimension 2" in (
        feedback / "raises.md").read_text()
    assert "hint: 6 times too large" in (feedback / "bob.md").read_text()


def test_a_grading_failure_is_a_row_of_its_kind(tmp_path):
    from groundup.exercises.classreport import problem
    from groundup.exercises.grading import Job, _graded, overran

    job = Job("zoe", tmp_path / "zoe.py", "sha", "digest", attempts=2)
    for result, kind in ((None, "crashed"), ({"error": "OSError: disk full"}, "crashed"), (overran(960), "timeout")):
        row = _graded(job, result, "softmax-regression", False).row()
        assert row["error"].startswith("the grading worker failed: ") and row["error_kind"] == kind
        assert problem(row) == kind


def test_check_starts_without_torch_or_matplotlib_and_leaves_blas_threads_as_they_were(tmp_path):
    """The start-up of `groundup check` (issue 23: 3 s of imports before the first check)."""
    import subprocess

    code = ("import sys\nfrom groundup.cli import main\nfrom groundup.training import threads\n"
            "before = threads.blas_threads()\n"
            f"main(['check', {str(SOLUTIONS / 'softmax_regression.py')!r}, '--no-in-use', '--json'])\n"
            "print(sorted(m for m in ('torch', 'matplotlib', 'groundup.experiments') if m in sys.modules))\n"
            "print(threads.blas_threads() == before)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    *report, modules, same = done.stdout.strip().splitlines()
    assert json.loads("\n".join(report))["passed"] is True, done.stderr
    assert modules == "[]" and same == "True"
