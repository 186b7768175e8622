"""Grade a folder of submissions: each checked in its own sandbox, several at once.

Every ``.py`` file in the folder (or every sub-folder holding the exercise's file) is one
submission. A pool of at most ``jobs`` worker processes checks them; each check runs the
submission in its own limited child process with a wall-clock budget, so a submission that
hangs is killed at the timeout and the others go on. The results go to one CSV (written
atomically once all are done) and one Markdown feedback file per submission.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from groundup.errors import ConfigError
from groundup.exercises.checking import CheckResult, Report, run_checks
from groundup.store.runs import atomic_write_text

BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
COLUMNS = ("submission", "exercise", "score", "passed", "failed_checks", "seconds", "error")


@dataclass
class Graded:
    submission: str
    report: Report

    def row(self) -> dict:
        r = self.report
        return {"submission": self.submission, "exercise": r.exercise, "score": f"{r.score:.4f}",
                "passed": str(r.passed).lower(), "seconds": f"{r.seconds:.2f}", "error": r.error,
                "failed_checks": ";".join(c.name for c in r.checks if not c.passed)}


def submissions(folder: Path, file_name: str) -> dict[str, Path]:
    """submission name -> the file to check, sorted by name."""
    if not folder.is_dir():
        raise ConfigError(f"{folder} is not a folder")
    found: dict[str, Path] = {}
    for entry in sorted(folder.iterdir()):
        notebook = Path(file_name).with_suffix(".ipynb").name  # a notebook is a submission too
        if entry.is_file() and entry.suffix in (".py", ".ipynb"):
            found.setdefault(entry.stem, entry)
        elif entry.is_dir() and any((entry / n).is_file() for n in (file_name, notebook)):
            found[entry.name] = next(entry / n for n in (file_name, notebook) if (entry / n).is_file())
    if not found:
        raise ConfigError(f"no submissions in {folder}: expected .py or .ipynb files or folders holding {file_name}")
    return found


def _check_one(name: str, path: str, exercise: str, timeout: float, in_use: bool) -> Graded:
    from groundup.exercises.catalogue import get

    return Graded(name, run_checks(Path(path), get(exercise), timeout, in_use))


def grade(folder: Path, exercise: str, out: Path, feedback: Path, jobs: int, timeout: float,
          in_use: bool = True, quiet: bool = False) -> list[Graded]:
    """Check every submission in ``folder``; write ``out`` (CSV) and ``feedback/<name>.md``."""
    from groundup.exercises.catalogue import get

    files = submissions(folder, get(exercise).file_name)
    results: list[Graded] = []
    context = multiprocessing.get_context("spawn")  # no state of this process leaks into workers
    bar = tqdm(total=len(files), unit="submission", disable=quiet or not sys.stderr.isatty(),
               dynamic_ncols=True)
    saved = {k: os.environ.get(k) for k in BLAS_THREADS}
    os.environ.update(dict.fromkeys(BLAS_THREADS, "1"))  # parallelism comes from the workers
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(files)), mp_context=context) as pool:
            futures = {pool.submit(_check_one, name, str(path), exercise, timeout, in_use): name
                       for name, path in files.items()}
            for future in as_completed(futures):
                try:
                    results.append(future.result())
                except Exception as err:  # noqa: BLE001 - a lost worker costs one row, not the grading
                    results.append(lost(futures[future], exercise, files[futures[future]], err))
                bar.update()
    finally:
        bar.close()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    results.sort(key=lambda g: g.submission)
    feedback.mkdir(parents=True, exist_ok=True)
    for g in results:
        atomic_write_text(feedback / f"{g.submission}.md", g.report.text() + "\n")
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(g.row() for g in results)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out, buf.getvalue())
    return results


def lost(name: str, exercise: str, path: Path, err: Exception) -> Graded:
    """The row of a submission whose grading worker failed (it never ran the checks)."""
    from groundup.exercises.catalogue import get

    report = Report(exercise, path.name)
    report.checks.append(CheckResult("file loads", False, f"the grading worker failed: {type(err).__name__}: {err}"))
    report.checks += [CheckResult(c.name, False, "not run: the grading worker failed") for c in get(exercise).checks]
    return Graded(name, report)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
