"""Regrading into an existing grades.csv: unchanged submissions kept, changed ones checked
again, ``--force`` checks all, ``grade FILE`` regrades one submission into its row."""

from __future__ import annotations

import contextlib
import io
import shutil
import sys
from pathlib import Path

import pytest

from conftest import cli_main
from groundup.errors import ConfigError
from groundup.exercises.grading import COLUMNS
from groundup.exercises.regrade import content_hash, read_rows, single, write_rows

sys.path.insert(0, str(Path(__file__).parent / "exercises"))
from mistakes import write_wrong  # noqa: E402

SOLUTIONS = Path(__file__).parent / "exercises" / "solutions"
EXERCISE = "softmax-regression"



def test_content_hash_of_files_and_folders(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder, order in ((a, ("main.py", "util.py")), (b, ("util.py", "main.py"))):
        folder.mkdir()
        for name in order:  # created in another order: the same hash
            (folder / name).write_text(f"# {name}\n")
    assert content_hash(a) == content_hash(b)
    (b / "__pycache__").mkdir()
    (b / "__pycache__" / "util.cpython-311.pyc").write_bytes(b"\0\1")
    assert content_hash(a) == content_hash(b)  # Python's cache is not the learner's
    (b / "util.py").write_text("# changed helper\n")
    assert content_hash(a) != content_hash(b)  # a helper module is part of the submission
    (a / "main.py").rename(a / "renamed.py")
    assert content_hash(a) != content_hash(tmp_path / "a" / "util.py")
    assert len(content_hash(a / "util.py")) == 64


def test_rows_read_back_and_a_csv_that_is_not_grades_is_refused(tmp_path):
    csv_path = tmp_path / "grades.csv"
    write_rows(csv_path, [{"submission": "张伟", "score": "0.1"}, {"submission": "a", "score": "1"}],
               ("submission", "score", "sha256"))
    assert csv_path.read_text(encoding="utf-8") == "submission,score,sha256\n张伟,0.1,\na,1,\n"
    assert read_rows(csv_path) == [{"submission": "张伟", "score": "0.1", "sha256": ""},
                                   {"submission": "a", "score": "1", "sha256": ""}]
    (tmp_path / "other.csv").write_text("name,value\nx,1\n")
    with pytest.raises(ConfigError, match="not a grades.csv"):
        read_rows(tmp_path / "other.csv")
    assert read_rows(tmp_path / "missing.csv") == []


def test_single_file_names_its_submission(tmp_path):
    assert single(tmp_path / "subs" / "alice.py", "softmax_regression.py") == (tmp_path / "subs", "alice")
    assert single(tmp_path / "subs" / "bob" / "softmax_regression.py", "softmax_regression.py") == (
        tmp_path / "subs", "bob")


def _grade(*args) -> tuple[int, str]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = cli_main("grade", *args, "--exercise", EXERCISE, "--no-in-use", "--timeout", "5", "--jobs", "2")
    return code, buf.getvalue()


def test_second_grade_checks_only_what_changed(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "grades.csv"
    subs.mkdir()
    correct = (SOLUTIONS / "softmax_regression.py").read_text()
    for name in ("alice", "bob", "carol"):
        (subs / f"{name}.py").write_text(correct)
    (tmp_path / "w").mkdir()
    wrong = write_wrong("softmax_regression", "grad_sign", tmp_path / "w").read_text()
    (subs / "dave.py").write_text(wrong)
    code, _ = _grade(str(subs), "--out", str(out))
    assert code == 0
    first = {r["submission"]: r for r in read_rows(out)}
    assert list(next(iter(first.values())))[:len(COLUMNS)] == list(COLUMNS)
    assert first["dave"]["passed"] == "false"

    (subs / "dave.py").write_text(correct)  # dave hands in a fixed file
    code, stdout = _grade(str(subs), "--out", str(out))
    assert code == 0
    assert "kept 3 unchanged submissions" in stdout and "4 submissions, 4 passed every check" in stdout
    rows_shown = [line.split()[0] for line in stdout.splitlines() if line.split()[:1] in (["alice"], ["bob"], ["carol"], ["dave"])]
    assert rows_shown == ["dave"]  # the only submission checked again
    second = {r["submission"]: r for r in read_rows(out)}
    assert second["dave"]["passed"] == "true"
    for name in ("alice", "bob", "carol"):
        assert second[name] == first[name]  # the very same row, its seconds too: not checked again

    code, stdout = _grade(str(subs), "--out", str(out), "--force")
    assert code == 0 and "kept" not in stdout and "4 submissions" in stdout

    (subs / "bob.py").write_text(wrong)  # one file regraded into its row; the others untouched
    before = {r["submission"]: r for r in read_rows(out)}
    code, stdout = _grade(str(subs / "bob.py"), "--out", str(out))
    assert code == 0 and "1 submission, 0 passed every check" in stdout and "1 feedback file in" in stdout
    after = {r["submission"]: r for r in read_rows(out)}
    assert sorted(after) == ["alice", "bob", "carol", "dave"]
    assert after["bob"]["passed"] == "false" and "cross_entropy_grad values" in after["bob"]["failed_checks"]
    assert all(after[n] == before[n] for n in ("alice", "carol", "dave"))


def test_a_folder_submission_is_regraded_when_a_helper_changes(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "grades.csv"
    (subs / "erin").mkdir(parents=True)
    shutil.copy(SOLUTIONS / "softmax_regression.py", subs / "erin" / "softmax_regression.py")
    (subs / "erin" / "notes.py").write_text("X = 1\n")
    assert _grade(str(subs), "--out", str(out))[0] == 0
    assert "kept 1 unchanged" in _grade(str(subs), "--out", str(out))[1]
    (subs / "erin" / "notes.py").write_text("X = 2\n")
    code, stdout = _grade(str(subs), "--out", str(out))
    assert code == 0 and "kept" not in stdout and "1 submission, 1 passed" in stdout  # erin: the whole class


def test_a_missing_submission_is_one_clear_line(tmp_path, capsys):
    code = cli_main("grade", str(tmp_path / "late.py"), "--exercise", EXERCISE, "--out", str(tmp_path / "g.csv"))
    err = capsys.readouterr().err
    assert code == 2 and err == f"groundup: error: {tmp_path / 'late.py'}: no such file or folder\n"


def test_grades_of_another_exercise_are_replaced_not_mixed(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "grades.csv"
    subs.mkdir()
    (subs / "alice.py").write_text((SOLUTIONS / "softmax_regression.py").read_text())
    assert _grade(str(subs), "--out", str(out))[0] == 0
    (subs / "alice.py").unlink()
    (subs / "bob.py").write_text((SOLUTIONS / "logistic_regression.py").read_text())
    with contextlib.redirect_stdout(io.StringIO()):
        code = cli_main("grade", str(subs), "--exercise", "logistic-regression", "--out", str(out), "--no-in-use")
    assert code == 0
    assert [(r["submission"], r["exercise"], r["passed"]) for r in read_rows(out)] == [
        ("bob", "logistic-regression", "true")]


def test_reports_saved_before_checks_had_a_kind(tmp_path):
    """They load (kind ""); a failed one is checked again, since what stopped it is not known."""
    import json

    from groundup.exercises.grading import report_from

    subs, out = tmp_path / "subs", tmp_path / "grades.csv"
    subs.mkdir()
    (subs / "alice.py").write_text((SOLUTIONS / "softmax_regression.py").read_text())
    (subs / "bob.py").write_text("def softmax(z)\n    return z\n")
    assert _grade(str(subs), "--out", str(out))[0] == 0
    assert {r["submission"]: r["error_kind"] for r in read_rows(out)} == {"alice": "", "bob": "not_loaded"}
    for name in ("alice", "bob"):  # as written before: no kind in any check
        saved = tmp_path / ".grades.csv.reports" / f"{name}.json"
        data = json.loads(saved.read_text(encoding="utf-8"))
        for check in data["report"]["checks"]:
            del check["kind"]
        saved.write_text(json.dumps(data), encoding="utf-8")
        assert all(c.kind == "" for c in report_from(data["report"]).checks)
    code, stdout = _grade(str(subs), "--out", str(out))
    assert code == 0 and "kept 1 unchanged" in stdout
    assert [line.split()[0] for line in stdout.splitlines() if line.startswith(("alice", "bob"))] == ["bob"]
    assert {r["submission"]: r["error_kind"] for r in read_rows(out)} == {"alice": "", "bob": "not_loaded"}
