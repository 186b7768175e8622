"""A grader that students cannot break: hostile submissions cost only their own row.

Every hostile part (``tests/exercises/hostile/``) is appended to a correct solution, graded in a
class with ordinary submissions, under each isolation this machine has: the other rows must be
exactly what they are without the hostile ones, the class folder byte-for-byte the same, no
process left, and each hostile row failed (bubblewrap) or flagged (plain processes). Then
``grade`` and ``check`` under SIGINT, SIGTERM and SIGKILL.
"""

from __future__ import annotations

import csv
import hashlib
import os
import signal
import sys
import time
import uuid
from pathlib import Path

import pytest

from conftest import ROOT, run_cli, start_cli
from groundup.exercises import catalogue, sandbox
from groundup.exercises.checking import run_checks
from groundup.exercises.grading import lost
from groundup.exercises.sandbox import Isolation, bwrap_works

sys.path.insert(0, str(Path(__file__).parent / "exercises"))
from mistakes import write_wrong  # noqa: E402

HERE = Path(__file__).parent / "exercises"
SOLUTION = (HERE / "solutions" / "softmax_regression.py").read_text()
HOSTILE = HERE / "hostile"
REFERENCE = ROOT / "src" / "groundup" / "numpy_impl" / "losses.py"
EXERCISE = catalogue.get("softmax-regression")
MODES = ["process", pytest.param("bwrap", marks=pytest.mark.skipif(not bwrap_works(), reason="no bubblewrap"))]
CHEATS = ("rewrite_classmate", "meta_path", "exec_reference", "proc_parent", "network")
SAME = ("exercise", "score", "passed", "failed_checks", "error", "flags")


def hostile(name: str, class_folder: Path, token: str) -> str:
    part = (HOSTILE / f"{name}.py").read_text()
    part = part.replace("CLASS_FOLDER", str(class_folder)).replace("REFERENCE_FILE", str(REFERENCE))
    return SOLUTION + "\n\n# the hostile part\n" + part.replace("TOKEN", token)


def tree(folder: Path) -> str:
    """A hash of every file's name and bytes under ``folder``."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        h.update(str(p.relative_to(folder)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def leftovers(marker: str) -> list[str]:
    """Processes whose command line or environment mentions ``marker`` (not this one)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            text = (entry / "cmdline").read_bytes() + (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker.encode() in text:
            found.append(f"{entry.name}: {(entry / 'cmdline').read_bytes()[:120]!r}")
    return found


def no_leftovers(marker: str, wait: float = 5.0) -> list[str]:
    end = time.monotonic() + wait
    while (found := leftovers(marker)) and time.monotonic() < end:
        time.sleep(0.2)
    return found


def ordinary_class(folder: Path) -> None:
    folder.mkdir()
    (folder / "alice.py").write_text(SOLUTION)
    (folder / "bob").mkdir()
    write_wrong("softmax_regression", "grad_summed", folder / "bob")
    (folder / "carol").mkdir()  # a folder submission that imports its own helpers.py
    for p in (HOSTILE / "helpers_folder").iterdir():
        (folder / "carol" / p.name).write_text(p.read_text())
    (folder / "dave.py").write_text(write_wrong("softmax_regression", "summed_loss", folder.parent).read_text())


def graded(folder: Path, out: Path, mode: str, env: dict | None = None, *extra: str):
    r = run_cli("grade", str(folder), "--exercise", "softmax-regression", "--out", str(out), "--jobs", "2",
                "--timeout", "12", "--no-in-use", "--isolation", mode, *extra, env=env)
    rows = {row["submission"]: row for row in csv.DictReader(out.open())} if out.exists() else {}
    return r, rows


@pytest.mark.parametrize("mode", MODES)
def test_a_class_with_every_hostile_submission_grades_the_others_as_if_they_were_absent(mode, tmp_path):
    token = f"groundup-test-{uuid.uuid4().hex}"
    ordinary_class(tmp_path / "plain")
    r, plain = graded(tmp_path / "plain", tmp_path / "plain.csv", mode)
    assert r.returncode == 0, r.stderr
    assert plain["alice"]["score"] == plain["carol"]["score"] == "1.0000"  # carol's helpers.py is importable

    folder = tmp_path / "class"
    ordinary_class(folder)
    names = sorted(p.stem for p in HOSTILE.glob("*.py"))
    for name in names:
        (folder / f"h_{name}.py").write_text(hostile(name, folder, token))
    before = tree(folder)
    r, rows = graded(folder, tmp_path / "grades.csv", mode)
    assert r.returncode == 0, r.stderr
    assert tree(folder) == before  # nothing rewritten, nothing left beside a submission
    assert no_leftovers(token) == []
    for name, row in plain.items():  # every ordinary row exactly as without the hostile ones
        assert {k: rows[name][k] for k in SAME} == {k: row[k] for k in SAME}, name

    for name in set(names) - {"flood", "endless_one"}:  # flagged without a sandbox; failed or flagged in one
        row = rows[f"h_{name}"]
        assert row["flags"] or (mode == "bwrap" and row["passed"] == "false"), row
    for name in CHEATS:  # what needs the reference or a classmate's file fails
        assert rows[f"h_{name}"]["passed"] == "false", rows[f"h_{name}"]
    for name in ("kill_parent", "orphan"):  # harmless under bubblewrap; refused without
        assert (rows[f"h_{name}"]["passed"] == "true") == (mode == "bwrap"), rows[f"h_{name}"]
    assert "read /proc/" in rows["h_proc_parent"]["flags"]
    flood = rows["h_flood"]
    assert flood["score"] == "1.0000" and flood["flags"] == "", flood
    assert "printed 52.4 MB" in (tmp_path / "feedback" / "h_flood.md").read_text()
    endless = rows["h_endless_one"]
    assert endless["failed_checks"] == "accuracy" and endless["score"] == "0.8889", endless


@pytest.mark.parametrize("mode", MODES)
def test_an_endless_function_fails_its_own_checks_and_the_others_still_run(mode, tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "CALL_SECONDS", 2.0)
    path = tmp_path / "softmax_regression.py"
    path.write_text(SOLUTION + (HOSTILE / "endless_one.py").read_text())
    report = run_checks(path, EXERCISE, timeout=6, in_use=False, isolation=Isolation(mode))
    failed = [c for c in report.checks if not c.passed]
    assert [c.name for c in failed] == ["accuracy"]
    assert "did not finish within the time limit of 2 s" in failed[0].message
    assert report.score == pytest.approx(8 / 9)


@pytest.mark.parametrize("mode", MODES)
def test_output_is_dropped_and_said_and_helpers_beside_the_file_import(mode, tmp_path):
    flood = tmp_path / "flood" / "softmax_regression.py"
    flood.parent.mkdir()
    flood.write_text(SOLUTION + (HOSTILE / "flood.py").read_text())
    report = run_checks(flood, EXERCISE, timeout=30, in_use=False, isolation=Isolation(mode))
    assert report.score == 1.0 and report.flags == []
    assert report.checks[0].message.startswith("the file printed 52.4 MB")
    report = run_checks(HOSTILE / "helpers_folder" / "softmax_regression.py", EXERCISE, timeout=30,
                        in_use=False, isolation=Isolation(mode))
    assert report.score == 1.0, report.text()


@pytest.mark.skipif(not bwrap_works(), reason="no bubblewrap")
def test_under_bubblewrap_a_process_started_by_the_submission_ends_with_its_check(tmp_path):
    token = f"groundup-test-{uuid.uuid4().hex}"
    path = tmp_path / "softmax_regression.py"
    path.write_text(hostile("orphan", tmp_path, token))
    report = run_checks(path, EXERCISE, timeout=30, in_use=False, isolation=Isolation("bwrap"))
    assert report.passed and report.flags == ["started a process"]
    assert no_leftovers(token) == []


def test_without_a_sandbox_the_child_cannot_read_the_reference_or_write_outside(tmp_path):
    for name, words in (("exec_reference", "(groundup's own files)"), ("proc_parent", "read /proc/"),
                        ("network", "used the network"), ("meta_path", "sys.meta_path")):
        path = tmp_path / name / "softmax_regression.py"
        path.parent.mkdir()
        path.write_text(hostile(name, tmp_path, "x"))
        report = run_checks(path, EXERCISE, timeout=30, in_use=False, isolation=Isolation("process"))
        assert report.score == 0.0 and any(words in f for f in report.flags), (name, report.flags)


def test_a_worker_that_dies_costs_only_its_own_row_and_grade_says_so(tmp_path):
    ordinary_class(tmp_path / "class")
    (tmp_path / "class" / "victim.py").write_text(SOLUTION)
    r, rows = graded(tmp_path / "class", tmp_path / "grades.csv", "process",
                     {"GROUNDUP_FAULT": "grade-worker-victim"})
    assert r.returncode == 1 and "grading itself failed for 1 submission(s): victim" in r.stderr
    assert "killed twice" in rows["victim"]["error"]
    assert rows["alice"]["score"] == "1.0000" and rows["carol"]["score"] == "1.0000"
    assert rows["bob"]["passed"] == "false" and float(rows["bob"]["score"]) > 0


def test_a_lost_row_has_the_checks_of_a_file_that_did_not_load(tmp_path):
    """lost() and run_checks build the same rows: with --no-in-use, no in-use check in either."""
    bad = run_checks(HERE / "misbehaving" / "syntax_error.py", EXERCISE, timeout=10, in_use=False)
    row = lost("x", "softmax-regression", Path("softmax_regression.py"), "boom", in_use=False).report
    assert [c.name for c in row.checks] == [c.name for c in bad.checks]
    assert row.score == bad.score == 0.0


# ------------------------------------------------------------------------------------ signals

def slow_class(folder: Path, n_slow: int = 4) -> None:
    ordinary_class(folder)
    for i in range(n_slow):
        (folder / f"slow{i}.py").write_text("while True:\n    pass\n")


def start_grade(folder: Path, out: Path, tmp: Path, **popen):
    return start_cli("grade", str(folder), "--exercise", "softmax-regression", "--out", str(out), "--jobs", "2",
                     "--timeout", "60", "--no-in-use", "--quiet", env={"TMPDIR": str(tmp)}, **popen)


def wait_for_rows(out: Path, n: int, limit: float = 60) -> None:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if out.exists() and len(out.read_text().splitlines()) - 1 >= n:
            return
        time.sleep(0.1)
    raise AssertionError(f"fewer than {n} rows in {out} after {limit} s")


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_grade_promptly_keeps_the_rows_and_leaves_nothing(sig, code, tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    slow_class(tmp_path / "class")
    out = tmp_path / "grades.csv"
    proc = start_grade(tmp_path / "class", out, tmp)
    wait_for_rows(out, 1)
    began = time.monotonic()
    proc.send_signal(sig)  # to the parent alone
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == code and time.monotonic() - began < 10, stderr
    assert stderr.count("groundup:") == 1 and "run the same command again" in stderr, stderr
    kept = {row["submission"]: row for row in csv.DictReader(out.open())}
    assert 1 <= len(kept) < 8
    assert no_leftovers(str(tmp)) == [] and list(tmp.iterdir()) == []
    # the next grade keeps those rows and grades the rest
    again = run_cli("grade", str(tmp_path / "class"), "--exercise", "softmax-regression", "--out", str(out),
                    "--jobs", "2", "--timeout", "2", "--no-in-use", "--quiet")
    rows = {row["submission"]: row for row in csv.DictReader(out.open())}
    assert again.returncode == 0 and len(rows) == 8, again.stderr
    for name in set(kept) - {f"slow{i}" for i in range(4)}:
        assert rows[name] == kept[name]  # not graded again (same seconds)


def test_ctrl_c_to_the_group_says_interrupted_once(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    slow_class(tmp_path / "class")
    out = tmp_path / "grades.csv"
    proc = start_grade(tmp_path / "class", out, tmp, start_new_session=True)
    wait_for_rows(out, 1)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert stderr.count("groundup:") == 1 and "resource_tracker" not in stderr, stderr
    assert no_leftovers(str(tmp)) == [] and list(tmp.iterdir()) == []


def test_sigkill_to_grade_leaves_no_worker_and_no_submission_running(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    slow_class(tmp_path / "class")
    out = tmp_path / "grades.csv"
    proc = start_grade(tmp_path / "class", out, tmp)
    wait_for_rows(out, 1)
    proc.kill()
    proc.communicate(timeout=30)
    assert no_leftovers(str(tmp), wait=10) == []
    assert list(tmp.iterdir()) == []  # each worker stopped its submission and removed its folder


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_check_leaves_no_folder_and_no_process(sig, code, tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    path = tmp_path / "softmax_regression.py"
    path.write_text("while True:\n    pass\n")
    proc = start_cli("check", str(path), "--no-in-use", env={"TMPDIR": str(tmp)})
    end = time.monotonic() + 30
    while not any(tmp.iterdir()) and time.monotonic() < end:  # the sandbox is up
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == code, stderr
    assert no_leftovers(str(tmp)) == [] and list(tmp.iterdir()) == []


# ---------------------------------------------------------------------- no false alarms, the CLI

@pytest.mark.parametrize("mode", MODES)
def test_correct_solutions_pass_unflagged_in_each_isolation(mode, tmp_path):
    for name in catalogue.ORDER:  # the reference solution of every exercise
        ex, path = catalogue.get(name), HERE / "solutions" / f"{name.replace('-', '_')}.py"
        report = run_checks(path, ex, timeout=60, in_use=False, isolation=Isolation(mode, "none"))
        assert report.passed and report.flags == [], report.text()
    with_torch = tmp_path / "dataset.py"  # torch, where the exercise allows it, loads its libraries itself
    with_torch.write_text("import torch\n" + (HERE / "solutions" / "dataset.py").read_text())
    report = run_checks(with_torch, catalogue.get("dataset"), timeout=60, in_use=False, isolation=Isolation(mode))
    assert report.passed and report.flags == [], report.text()


def test_check_says_in_one_line_when_there_is_no_sandbox(tmp_path, monkeypatch, capsys):
    from conftest import cli_main

    monkeypatch.setattr(sandbox, "bwrap_works", lambda: False)
    path = tmp_path / "softmax_regression.py"
    path.write_text(SOLUTION)
    for auto in ([], ["--isolation", "auto"]):  # the default, and asked for by name
        assert cli_main("check", str(path), "--no-in-use", *auto) == 0
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "plain processes" in err and "reference" in err
    assert cli_main("check", str(path), "--no-in-use", "--isolation", "bwrap") == 2
    assert "bubblewrap does not work here" in capsys.readouterr().err
