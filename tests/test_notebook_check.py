"""Checking from a notebook: ``groundup.check`` on the functions a notebook defines gives the
verdicts ``groundup check FILE`` gives on the same code; ``.ipynb`` files and ``.py`` files in
a declared encoding are read as the learner wrote them."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from conftest import cli_run
from groundup.errors import ConfigError
from groundup.exercises import catalogue
from groundup.exercises.checking import run_checks
from groundup.api import check as api_check
from groundup.exercises.notebook import namespace_source, notebook_source

nbformat = pytest.importorskip("nbformat")

HERE = Path(__file__).parent / "exercises"
sys.path.insert(0, str(HERE))
from mistakes import MISTAKES, write_wrong  # noqa: E402

SOLUTIONS = HERE / "solutions"
CASES = [(stem, None) for stem in MISTAKES] + [(stem, next(iter(cases))) for stem, cases in MISTAKES.items()]


def submission(stem: str, wrong: str | None, folder: Path) -> Path:
    if wrong is None:
        path = folder / f"{stem}.py"
        path.write_text((SOLUTIONS / f"{stem}.py").read_text())
        return path
    return write_wrong(stem, wrong, folder)


def as_ipython(source: str) -> dict:
    """The namespace of a notebook that ran ``source`` as three cells, as IPython keeps it:
    the definitions, and the cells in ``In`` (with a magic, a shell line and groundup's call)."""
    cells = ["%matplotlib inline\nimport groundup\nimport torch", source, "!ls\ngroundup.check('x')"]
    namespace: dict = {"In": ["", *cells]}
    exec(compile(source, "<cell>", "exec"), namespace)
    return namespace


def as_module(path: Path) -> dict:
    """The namespace of a script that imported every name of the module at ``path``."""
    spec = importlib.util.spec_from_file_location(f"learner_{path.stem}_{abs(hash(path))}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # as an import does: inspect finds a class's source through it
    spec.loader.exec_module(module)
    return {k: v for k, v in vars(module).items() if not k.startswith("__")}


def check(exercise: str, namespace: dict, **kwargs):
    """``groundup.check`` as a notebook whose globals are ``namespace`` calls it."""
    return api_check(exercise, namespace=namespace, **kwargs)


def verdicts(report) -> dict:
    return {c.name: c.passed for c in report.checks}


@pytest.mark.parametrize("stem,wrong", CASES, ids=[f"{s}-{w or 'correct'}" for s, w in CASES])
def test_notebook_check_agrees_with_the_file_check(stem, wrong, tmp_path):
    ex = catalogue.get(stem.replace("_", "-"))
    path = submission(stem, wrong, tmp_path)
    by_file = run_checks(path, ex, 60, in_use=False)
    assert by_file.passed == (wrong is None)
    for namespace in (as_ipython(path.read_text()), as_module(path)):
        by_notebook = check(ex.name, namespace, timeout=60, in_use=False, lang="en")
        assert verdicts(by_notebook.report) == verdicts(by_file)
        assert by_notebook.passed == by_file.passed and by_notebook.score == by_file.score
        assert [c.hint for c in by_notebook.checks] == [c.hint for c in by_file.checks]


def test_the_notebook_source_takes_the_last_definition_and_what_it_uses():
    cells = ["import numpy as np\nimport torch\nK = 3\n", "def helper(z):\n    return z * 2\n",
             "def softmax(z):\n    return 0\n", "def softmax(z):\n    return np.asarray(helper(z)) + K\n",
             "unrelated = np.zeros(10**9)  # never re-run in the check\n"]
    source, _ = namespace_source(("softmax", "cross_entropy"), {"In": ["", *cells], "softmax": None})
    assert "import numpy as np" in source and "K = 3" in source and "def helper" in source
    assert "return np.asarray(helper(z)) + K" in source and "return 0" not in source and "unrelated" not in source
    assert "torch" not in source  # imported by the notebook, used by none of the exercise's functions


def test_a_traceback_names_the_cell_and_its_line_where_the_learner_wrote_them():
    solution = (SOLUTIONS / "softmax_regression.py").read_text()
    cells = ["import numpy as np", solution, "x = 1\n\n\ndef shift(z):\n    return z  # forgot the maximum",
             "def softmax(z):\n    e = np.exp(shift(z))\n    return e / e.sum(axis=1, keepdims=True)"]
    namespace: dict = {"In": ["", *cells]}
    for cell in cells:
        exec(compile(cell, "<cell>", "exec"), namespace)
    for lang, lines in [("en", ["  In [4], line 2, in softmax: e = np.exp(shift(z))"]),
                        ("zh", ["  In [4] 第 2 行，softmax 中：e = np.exp(shift(z))"])]:
        result = check("softmax-regression", namespace, in_use=False, lang=lang)
        overflow = next(c for c in result.checks if c.name == "softmax without overflow")
        if lang == "en":
            assert overflow.message.splitlines()[1:] == lines
        else:
            assert lines[0] in repr(result)


def test_an_endless_loop_in_a_notebook_ends_at_the_time_limit_and_the_kernel_goes_on():
    namespace = as_ipython("def softmax(z):\n    while True:\n        pass\n")
    stuck = check("softmax-regression", namespace, timeout=2, in_use=False, lang="en")
    assert not stuck.passed and any("time limit" in c.message for c in stuck.checks)
    again = check("softmax-regression", as_ipython((SOLUTIONS / "softmax_regression.py").read_text()),
                  in_use=False, lang="en")
    assert again.passed and again.score == 1.0


def test_the_result_shows_as_html_in_jupyter_and_as_the_commands_text_elsewhere(tmp_path):
    path = write_wrong("softmax_regression", "grad_sign", tmp_path)
    result = check("softmax-regression", as_ipython(path.read_text()), in_use=False, lang="zh")
    page = result._repr_html_()
    assert "✓" in page and "✗" in page and "提示：" in page and "得分 0.56" in page
    assert "&lt;" not in page or "<script" not in page
    text = repr(result)
    assert "✗ cross_entropy_grad 的值" in text and text.splitlines()[-1].startswith("9 项检查通过 5 项")
    assert str(result) == text


def test_a_notebook_without_the_functions_is_one_clear_error():
    with pytest.raises(ConfigError, match="softmax"):
        check("softmax-regression", {"In": ["", "x = 1"], "x": 1}, lang="en")
    with pytest.raises(ConfigError, match="unknown exercise"):
        check("no-such-exercise", {}, lang="en")


@pytest.mark.parametrize("lang, said", [("en", "softmax: defined, but their source cannot be read"),
                                        ("zh", "softmax：已定义，但无法读取其源代码")])
def test_a_function_whose_source_cannot_be_read_is_named_not_called_undefined(lang, said):
    namespace: dict = {}
    exec("import numpy as np\ndef softmax(z):\n    return np.exp(z) / np.exp(z).sum(1, keepdims=True)\n", namespace)
    with pytest.raises(ConfigError) as raised:
        check("softmax-regression", namespace, lang=lang, in_use=False)
    assert str(raised.value).startswith(said) and len(str(raised.value).splitlines()) == 1


def write_notebook(path: Path, cells: list[str]) -> Path:
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_markdown_cell("# 练习")] + [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(book, path)
    return path


def test_a_notebook_with_magics_checks_from_the_command_line(tmp_path):
    solution = (SOLUTIONS / "softmax_regression.py").read_text()
    lab = write_notebook(tmp_path / "my_lab.ipynb", [
        "%matplotlib inline\n!pip list | head -1\nimport groundup", solution,
        "%%time\nprint('timed')", "result = groundup.check('softmax-regression')\nresult"])
    source, skipped, _ = notebook_source(lab)
    assert "def softmax" in source and "groundup" not in source and "%" not in source
    assert len(skipped) == 7 and skipped[-1] == "result"  # what groundup returned goes with it
    done = cli_run("check", str(lab), "--exercise", "softmax-regression", "--no-in-use", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["passed"] and report["checks"][0]["message"].startswith("left out 7 line(s)")
    text = cli_run("check", str(lab), "--exercise", "softmax-regression", "--no-in-use", "--lang", "zh").stdout
    assert text.count("略去了 7 行") == 1  # said once


def test_a_saved_notebooks_traceback_names_the_cell_that_ran(tmp_path):
    solution = (SOLUTIONS / "softmax_regression.py").read_text()
    lab = write_notebook(tmp_path / "my_lab.ipynb", [
        "%matplotlib inline\nimport numpy as np", solution,
        "def softmax(z):\n    e = np.exp(z)\n    return e / e.sum(axis=1, keepdims=True)"])
    book = nbformat.read(lab, as_version=4)
    for n, cell in enumerate(c for c in book.cells if c.cell_type == "code"):
        cell.execution_count = n + 3  # run as the learner ran them: In [3], In [4], In [5]
    nbformat.write(book, lab)
    done = cli_run("check", str(lab), "--exercise", "softmax-regression", "--no-in-use")
    assert "\n      In [5], line 2, in softmax: e = np.exp(z)\n" in done.stdout, done.stdout
    for cell in book.cells:  # never run: no number to name the cell by, the checked file's line instead
        if cell.cell_type == "code":
            cell.execution_count = None
    nbformat.write(book, lab)
    done = cli_run("check", str(lab), "--exercise", "softmax-regression", "--no-in-use")
    assert ", in softmax: e = np.exp(z)" in done.stdout and "In [" not in done.stdout, done.stdout


def test_a_broken_notebook_is_one_line(tmp_path):
    bad = tmp_path / "softmax_regression.ipynb"
    bad.write_text("{not json")
    done = cli_run("check", str(bad), "--no-in-use")
    assert done.returncode == 1 and "not a notebook nbformat can read" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_a_gbk_file_with_a_coding_line_checks_and_one_without_says_why(tmp_path):
    solution = (SOLUTIONS / "softmax_regression.py").read_text()
    body = solution.replace('"""', '"""中文注释：交叉熵。', 1)
    declared = tmp_path / "declared" / "softmax_regression.py"
    declared.parent.mkdir()
    declared.write_bytes(("# -*- coding: gbk -*-\n" + body).encode("gbk"))
    assert run_checks(declared, catalogue.get("softmax-regression"), 60, in_use=False).passed
    plain = tmp_path / "softmax_regression.py"
    plain.write_bytes(body.encode("gbk"))
    done = cli_run("check", str(plain), "--no-in-use", "--lang", "zh")
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    line = next(ln for ln in done.stdout.splitlines() if "UTF-8" in ln)
    assert "coding: gbk" in line and "不是 UTF-8 编码" in line


def test_grade_takes_notebooks_beside_files(tmp_path):
    folder = tmp_path / "subs"
    folder.mkdir()
    write_notebook(folder / "li.ipynb", [(SOLUTIONS / "softmax_regression.py").read_text()])
    write_wrong("softmax_regression", "grad_sign", folder)
    done = cli_run("grade", str(folder), "--exercise", "softmax-regression", "--no-in-use", "--jobs", "1",
                   "--out", str(tmp_path / "grades.csv"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = (tmp_path / "grades.csv").read_text().splitlines()
    assert rows[1].startswith("li,softmax-regression,1.0000,true")
    assert rows[2].startswith("softmax_regression,softmax-regression,0.5556,false")


def test_groundup_check_takes_the_callers_functions(tmp_path, monkeypatch):
    import groundup

    monkeypatch.setenv("GROUNDUP_LANG", "zh")
    namespace = as_module(SOLUTIONS / "softmax_regression.py")
    namespace["groundup"] = groundup
    exec("result = groundup.check('softmax-regression', in_use=False)", namespace)
    result = namespace["result"]
    assert result.passed and result.lang == "zh" and "9 项检查通过 9 项" in repr(result)
