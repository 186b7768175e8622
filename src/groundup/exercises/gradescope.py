"""Gradescope's autograder results.json, from the report of one submission.

The published format (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
top-level ``score``, ``execution_time``, ``output`` and ``tests``; each test has ``name``,
``score``, ``max_score``, ``status`` ("passed" / "failed"), ``output`` and ``tags``. One test
per check; the id of the named mistake a failed check recognised goes into that test's
``tags``. Points: each of the exercise's checks is worth ``Check.points`` (1 unless the exercise
says otherwise), scaled so that they add up to ``max_score``; "file loads" is shown but worth
nothing (a file that does not load fails every check anyway). In a Gradescope autograder the
file goes to /autograder/results/results.json.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from groundup.errors import GroundupError
from groundup.exercises.checking import LOADS, Exercise, Report
from groundup.i18n import t
from groundup.store.runs import atomic_write_text

AUTOGRADER_RESULTS = Path("/autograder/results/results.json")
DEFAULT_MAX_SCORE = 100.0


def points(exercise: Exercise) -> dict[str, float]:
    """Check name -> its points as the exercise gives them (equal by default)."""
    return {c.name: float(c.points) for c in exercise.checks}


def results(report: Report, exercise: Exercise, max_score: float = DEFAULT_MAX_SCORE) -> dict:
    """The results.json of one submission, as a dict."""
    weights = points(exercise)
    ran = report.scored
    total = sum(weights.get(c.name, 1.0) for c in ran) or 1.0
    tests = []
    for c in report.checks:
        top = 0.0 if c.name == LOADS else max_score * weights.get(c.name, 1.0) / total
        lines = [c.message] if c.message else []
        if not c.passed and c.hint:
            lines.append(t("check.hint", hint=c.hint_text()))
        mistake = c.mistake
        tests.append({"name": c.name, "score": round(top if c.passed else 0.0, 6), "max_score": round(top, 6),
                      "status": "passed" if c.passed else "failed", "output": "\n".join(lines),
                      "tags": [mistake] if mistake else []})
    earned = sum(weights.get(c.name, 1.0) for c in ran if c.passed)
    return {"score": round(max_score * earned / total, 4), "execution_time": round(report.seconds, 3),
            "output": report.text(), "tests": tests}


def write(path: Path, report: Report, exercise: Exercise, max_score: float = DEFAULT_MAX_SCORE) -> Path:
    """Write the results.json of one submission to ``path`` (atomically); the path."""
    atomic_write_text(path, json.dumps(results(report, exercise, max_score), ensure_ascii=False, indent=1) + "\n")
    return path


def write_class(folder: Path, graded: list, exercise: Exercise, max_score: float = DEFAULT_MAX_SCORE) -> int:
    """``folder/<submission>/results.json`` for every graded submission; how many were written."""
    for g in graded:
        write(folder / g.submission / "results.json", g.report, exercise, max_score)
    return len(graded)


@contextlib.contextmanager
def on_error(path: Path | None):
    """If the block raises a GroundupError (no exercise file in the submission, an unknown
    exercise) and ``path`` is set, first write a results.json scoring 0 that says why: the
    student sees the reason instead of Gradescope's "the autograder failed"."""
    try:
        yield
    except GroundupError as err:
        if path is not None:
            atomic_write_text(path, json.dumps({"score": 0.0, "execution_time": 0.0, "output": f"groundup: {err}",
                                                "tests": []}, ensure_ascii=False, indent=1) + "\n")
        raise
