"""The class report of ``groundup grade``: class.md and a self-contained class.html beside
grades.csv with every section, every file of the folder graded or named with why, rebuilt by
``--report-only`` without checking again, in the language of the command."""

from __future__ import annotations

import csv
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from conftest import CHROMIUM, chromium_dom, cli_main
from groundup import i18n
from groundup.exercises import classreport
from groundup.exercises.checking import CheckResult, Report
from groundup.exercises.grading import Graded
from groundup.exercises.regrade import read_rows

sys.path.insert(0, str(Path(__file__).parent / "exercises"))
from mistakes import write_wrong  # noqa: E402

HERE = Path(__file__).parent / "exercises"
SOLUTIONS, MISBEHAVING = HERE / "solutions", HERE / "misbehaving"
EXERCISE = "softmax-regression"
SECTIONS = ("class.h_scores", "class.h_checks", "class.h_mistakes", "class.h_problems", "class.h_not_graded",
            "class.h_time", "class.h_all")


def make_class(folder: Path) -> None:
    """What a teacher gets: correct (one with a Chinese name, one as a folder with a helper
    module), wrong, refused, endless, exiting, GBK-encoded, and files that are not submissions."""
    folder.mkdir(parents=True)
    correct = (SOLUTIONS / "softmax_regression.py").read_text()
    (folder / "alice.py").write_text(correct)
    (folder / "张伟.py").write_text(correct, encoding="utf-8")
    (folder / "carol").mkdir()
    (folder / "carol" / "softmax_regression.py").write_text(correct)
    (folder / "carol" / "helpers.py").write_text("SCALE = 1\n")
    scratch = folder.parent / "scratch"
    scratch.mkdir()
    (folder / "bob.py").write_text(write_wrong("softmax_regression", "grad_summed", scratch).read_text())
    for name in ("imports_torch", "endless", "exit_at_import"):
        shutil.copy(MISBEHAVING / f"{name}.py", folder / f"{name}.py")
    (folder / "gbk.py").write_bytes('"""王芳的作业。"""\nimport numpy as np\n'.encode("gbk"))
    (folder / "dave.ipynb").write_text(json.dumps({"cells": [], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}))
    (folder / "erin.docx").write_bytes(b"PK\3\4")  # not a submission, whatever it holds
    (folder / "readme.txt").write_text("the class of 2026\n")
    (folder / "empty").mkdir()
    (folder / ".DS_Store").write_bytes(b"\0")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    make_class(root / "subs")
    out = root / "out" / "grades.csv"
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = cli_main("grade", str(root / "subs"), "--exercise", EXERCISE, "--out", str(out), "--no-in-use",
                        "--timeout", "3", "--jobs", "2", "--quiet")
    assert code == 0
    return root, out, buf.getvalue()


def test_every_file_is_graded_or_named_with_why(graded):
    root, out, stdout = graded
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # UTF-8 without a BOM: spreadsheets and LMS imports
    rows = {r["submission"]: r for r in csv.DictReader(raw.decode("utf-8").splitlines())}
    assert sorted(rows) == sorted(["alice", "张伟", "carol", "bob", "imports_torch", "endless", "exit_at_import",
                                   "gbk", "dave"])  # dave's notebook too, though it defines nothing
    assert list(rows["alice"])[:7] == ["submission", "exercise", "score", "passed", "failed_checks", "seconds",
                                       "error"]  # the old columns first, in their order
    assert rows["张伟"]["passed"] == rows["carol"]["passed"] == "true"
    assert rows["gbk"]["passed"] == "false" and rows["gbk"]["error"]  # refused with one line, not lost
    assert list(rows["alice"])[-1] == "error_kind"  # the newest column, at the end
    assert {n: rows[n]["error_kind"] for n in ("alice", "bob", "imports_torch", "endless", "exit_at_import", "gbk")} == {
        "alice": "", "bob": "", "imports_torch": "refused", "endless": "timeout", "exit_at_import": "not_loaded",
        "gbk": "not_loaded"}
    said = {line.split(": ")[1] for line in stdout.splitlines() if line.startswith("not graded: ")}
    assert said == {"erin.docx", "readme.txt", "empty"}, stdout  # .DS_Store is not the teacher's concern
    md = (out.parent / "class.md").read_text()
    for name in ("erin.docx", "readme.txt", "empty"):
        assert f"`{name}`" in md


def test_class_report_has_every_section_and_the_problems(graded):
    root, out, _ = graded
    md = (out.parent / "class.md").read_text()
    for key in SECTIONS:
        assert i18n.t(key) in md, key
    problems = md.split(i18n.t("class.h_problems"))[1].split("\n## ")[0]
    lines = {line.split(" | ")[0].strip("| "): line for line in problems.splitlines() if line.startswith("| ")}
    assert i18n.t("class.kind_timeout") in lines["endless"]
    assert i18n.t("class.kind_refused") in lines["imports_torch"]
    assert i18n.t("class.kind_not_loaded") in lines["exit_at_import"] and "sys.exit" in lines["exit_at_import"]
    assert i18n.t("class.kind_not_loaded") in lines["gbk"]
    assert "alice" not in lines and "bob" not in lines
    checks = md.split(i18n.t("class.h_checks"))[1].split("\n## ")[0]
    rows = read_rows(out)
    loaded = sum("file loads" not in r["failed_checks"] for r in rows)
    assert f"| `file loads` | {loaded} | {len(rows)} |" in checks
    grad = sum(r["passed"] == "true" for r in rows)  # only the correct ones pass the gradient check
    assert f"| `cross_entropy_grad values` | {grad} | {len(rows)} |" in checks


def test_class_html_is_self_contained(graded):
    root, out, _ = graded
    html = (out.parent / "class.html").read_text()
    sources = re.findall(r'src="([^"]+)"', html)
    assert len(sources) == 1 and sources[0].startswith("data:image/png;base64,")
    assert not re.search(r'(href|src)="(?!#|data:)', html)  # nothing outside the page
    assert "<link" not in html and "<script" not in html


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")
def test_class_html_opens_in_headless_chromium_with_every_section(graded, tmp_path):
    root, out, _ = graded
    page = tmp_path / "class.html"  # a copy alone in another folder: as opened from a mail
    probe = """<script>
    window.addEventListener("load", function () {
      const pre = document.createElement("pre"); pre.id = "probe";
      pre.textContent = JSON.stringify({h2: [...document.querySelectorAll("h2")].map(h => h.textContent),
        images: [...document.images].map(i => i.naturalWidth)});
      document.body.appendChild(pre);
    });
    </script>"""
    page.write_text((out.parent / "class.html").read_text().replace("</body>", probe + "</body>"))
    dom = chromium_dom(page, tmp_path / 'profile')
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom)
    assert found, dom[-2000:]
    seen = json.loads(found.group(1).replace("&quot;", '"'))
    assert seen["h2"] == [i18n.t(key).lstrip("# ") for key in SECTIONS]
    assert len(seen["images"]) == 1 and seen["images"][0] > 300  # the score figure drew


def test_report_only_rebuilds_without_checking(graded, tmp_path):
    root, out, _ = graded
    copy = tmp_path / "grades.csv"
    shutil.copy(out, copy)
    before = copy.read_bytes()
    code = cli_main("grade", str(root / "subs"), "--exercise", EXERCISE, "--out", str(copy), "--report-only",
                    "--quiet")
    assert code == 0
    assert copy.read_bytes() == before  # nothing checked again, nothing rewritten
    assert not (tmp_path / "feedback").exists()
    md = (tmp_path / "class.md").read_text()
    assert md.split(i18n.t("class.h_time"))[0] == (out.parent / "class.md").read_text().split(
        i18n.t("class.h_time"))[0]  # the same report; only the wall time of a grading is missing


def test_report_only_without_grades_is_one_clear_error(tmp_path, capsys):
    (tmp_path / "subs").mkdir()
    code = cli_main("grade", str(tmp_path / "subs"), "--exercise", EXERCISE, "--out", str(tmp_path / "g.csv"),
                    "--report-only")
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("groundup: error:") and len(err.strip().splitlines()) == 1


def test_report_in_chinese(graded, tmp_path):
    root, out, _ = graded
    rows = read_rows(out)
    with i18n.language("zh"):
        md, html = classreport.write(tmp_path / "grades.csv", rows, [("erin.docx", i18n.t("class.skip_not_py",
                                                                                          suffix=".docx"))])
    text = md.read_text()
    assert text.startswith("# 班级报告：softmax-regression") and "## 各检查项的通过率" in text
    assert "| `erin.docx` | 不是 .py 或 .ipynb 文件（.docx）" in text
    assert '<html lang="zh-CN">' in html.read_text() and "张伟" in html.read_text()


def _row(name: str, mistakes: str, score: str = "0.5000") -> dict:
    return {"submission": name, "exercise": EXERCISE, "score": score, "passed": "false", "failed_checks": "accuracy",
            "passed_checks": "file loads", "seconds": "0.10", "error": "", "mistakes": mistakes}


def test_named_mistakes_counted_and_the_three_most_common_named():
    rows = [_row("a", "summed_loss;grad_sign"), _row("b", "summed_loss"), _row("c", "summed_loss;naive_softmax"),
            _row("d", "grad_sign"), _row("e", "naive_softmax;grad_sign"), _row("f", "threshold_accuracy"),
            _row("g", "")]
    text = classreport.markdown(rows, [], 12.0, None)
    top = re.search(r"The most common mistakes: (.*)\.", text).group(1)
    assert top == "`grad_sign` (3), `summed_loss` (3), `naive_softmax` (2)"
    assert "| `summed_loss` | – | 3 | a, b, c |" in text and "| `threshold_accuracy` | – | 1 | f |" in text
    # an id of the catalogue is explained beside it, in the report's language
    assert "subtract each row's maximum" in classreport._meaning("softmax-overflow")
    assert "7 submissions in 12.0 s" in text
    with i18n.language("zh"):  # Chinese punctuation: full-width brackets, the enumeration comma
        text = classreport.markdown(rows, [], 12.0, None)
    assert "`grad_sign`（3）、`summed_loss`（3）、`naive_softmax`（2）" in text and "| a、b、c |" in text


def test_a_checks_named_mistake_goes_into_its_row():
    report = Report(EXERCISE, "x.py", [CheckResult("file loads", True, ""), CheckResult("a", False, "m"),
                                       CheckResult("b", False, "m"), CheckResult("c", False, "m")])
    report.checks[1].mistake = "summed_loss"  # as the exercise's recogniser names it
    report.checks[2].mistake = "grad_sign"
    report.checks[3].mistake = "summed_loss"
    row = Graded("x", report).row()
    assert row["mistakes"] == "summed_loss;grad_sign" and row["passed_checks"] == "file loads"
    assert row["failed_checks"] == "a;b;c"


def test_problems_are_read_from_the_error_kind_column():
    row = {"submission": "a", "failed_checks": "accuracy", "error": "accuracy raised ValueError: the time limit"}
    assert classreport.problem({**row, "error_kind": "crashed"}) == "crashed"  # the column, not the words
    assert classreport.problem({**row, "error_kind": "not_run"}) is None  # stopped, but by nothing listed
    assert classreport.problem({**row, "error": "", "error_kind": ""}) is None


OLD_ROWS = {  # submission -> (failed_checks, error) as groundup wrote them before error_kind, and the problem
    "endless": ("softmax values;accuracy", "softmax did not finish within the time limit of 3 s (an endless loop?)",
                "timeout"),
    "torch": ("file loads;accuracy", "torch.py, line 2 imports torch: softmax-regression is done by hand, "
                                     "with NumPy only", "refused"),
    "hog": ("file loads;accuracy", "loading the file ran out of memory (limit 2048 MB)", "crashed"),
    "lost": ("file loads;accuracy", "the grading worker failed: its grading worker was killed twice while "
                                    "checking it", "crashed"),
    "exits": ("file loads;accuracy", "loading the file called sys.exit(0): the submission must not exit",
              "not_loaded"),
    "raises": ("accuracy", "", None),
}


def test_a_grades_csv_written_before_error_kind_is_read_from_its_messages(tmp_path):
    from groundup.exercises.grading import COLUMNS
    from groundup.exercises.regrade import write_rows

    old = tmp_path / "grades.csv"
    rows = [{"submission": n, "exercise": EXERCISE, "score": "0.0000", "passed": "false", "failed_checks": f,
             "seconds": "1.00", "error": e} for n, (f, e, _) in OLD_ROWS.items()]
    write_rows(old, rows, COLUMNS[:COLUMNS.index("error_kind")])
    read = read_rows(old)
    assert "error_kind" not in read[0]
    want = {n: kind for n, (_, _, kind) in OLD_ROWS.items()}
    assert {r["submission"]: classreport.problem(r) for r in read} == want
    text = classreport.markdown(read, [], None, None)
    assert f"| endless | {i18n.t('class.kind_timeout')} |" in text and f"| torch | {i18n.t('class.kind_refused')} |" in text
    write_rows(old, read, COLUMNS)  # the old rows carried over by a newer grade (grade FILE): the column empty
    assert {r["submission"]: classreport.problem(r) for r in read_rows(old)} == want


def test_not_graded_says_why_for_each_kind_of_entry(tmp_path):
    from groundup.exercises.grading import submissions

    (tmp_path / "bob").mkdir()
    (tmp_path / "bob" / "softmax_regression.py").write_text("x = 1\n")
    (tmp_path / "bob.py").write_text("x = 1\n")  # the same name as the folder: one of them is graded
    (tmp_path / "notes").mkdir()
    (tmp_path / "bob.txt").write_text("not a submission, whatever its name\n")
    (tmp_path / "作业说明").write_text("无\n")
    (tmp_path / "__pycache__").mkdir()
    graded = submissions(tmp_path, "softmax_regression.py")
    why = dict(classreport.not_graded(tmp_path, graded, "softmax_regression.py"))
    assert graded == {"bob": tmp_path / "bob.py"} and set(why) == {"bob", "bob.txt", "notes", "作业说明"}
    assert why["bob"] == i18n.t("class.skip_same_name", name="bob")
    assert why["bob.txt"] == i18n.t("class.skip_not_py", suffix=".txt")
    assert why["notes"] == i18n.t("class.skip_no_file", file="softmax_regression.py")
    assert why["作业说明"] == i18n.t("class.skip_not_py", suffix=i18n.t("class.no_suffix"))
