"""Grade a folder of submissions: each checked in its own sandbox, several at once.

Every ``.py`` file in the folder (or every sub-folder holding the exercise's file) is one
submission. A pool of at most ``jobs`` worker processes checks them; each check runs the
submission in its own limited child process with a wall-clock budget, so a submission that
hangs is killed at the timeout and the others go on. The results go to one CSV (written
atomically once all are done) and one Markdown feedback file per submission.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from groundup.errors import ConfigError
from groundup.exercises.checking import CheckResult, Report, run_checks
from groundup.exercises.regrade import content_hash, merge_into, mistake_of, submission_root, write_rows
from groundup.store.runs import atomic_write_text

BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
COLUMNS = ("submission", "exercise", "score", "passed", "failed_checks", "seconds", "error",
           "passed_checks", "mistakes", "sha256", "version")  # added at the end: old readers keep working


@dataclass
class Graded:
    submission: str
    report: Report
    sha256: str = ""  # of what was handed in (regrade.content_hash)

    def row(self) -> dict:
        from groundup.version import __version__

        r = self.report
        return {"submission": self.submission, "exercise": r.exercise, "score": f"{r.score:.4f}",
                "passed": str(r.passed).lower(), "seconds": f"{r.seconds:.2f}", "error": r.error,
                "failed_checks": ";".join(c.name for c in r.checks if not c.passed),
                "passed_checks": ";".join(c.name for c in r.checks if c.passed),
                "mistakes": ";".join(dict.fromkeys(m for c in r.checks if (m := mistake_of(c)))),
                "sha256": self.sha256, "version": __version__}


def submissions(folder: Path, file_name: str) -> dict[str, Path]:
    """submission name -> the file to check, sorted by name."""
    if not folder.is_dir():
        raise ConfigError(f"{folder} is not a folder")
    found: dict[str, Path] = {}
    for entry in sorted(folder.iterdir()):
        if entry.is_file() and entry.suffix == ".py":
            found[entry.stem] = entry
        elif entry.is_dir() and (entry / file_name).is_file():
            found[entry.name] = entry / file_name
    if not found:
        raise ConfigError(f"no submissions in {folder}: expected .py files or folders holding {file_name}")
    return found


def _check_one(name: str, path: str, exercise: str, timeout: float, in_use: bool) -> Graded:
    from groundup.exercises.catalogue import get

    return Graded(name, run_checks(Path(path), get(exercise), timeout, in_use))


def grade(folder: Path, exercise: str, out: Path, feedback: Path, jobs: int, timeout: float,
          in_use: bool = True, quiet: bool = False, only: set[str] | None = None,
          executor=None) -> list[Graded]:
    """Check every submission in ``folder`` (or those named in ``only``); write ``out`` (CSV) and
    ``feedback/<name>.md``. ``executor``: a concurrent.futures.Executor to check them on (a Dask
    cluster's, see cluster.py) instead of a local pool of ``jobs`` processes."""
    from groundup.exercises.catalogue import get

    files = submissions(folder, get(exercise).file_name)
    files = {k: v for k, v in files.items() if only is None or k in only}
    if not files:
        return []
    hashes = {name: content_hash(submission_root(folder, path)) for name, path in files.items()}  # as checked
    results: list[Graded] = []
    context = multiprocessing.get_context("spawn")  # no state of this process leaks into workers
    bar = tqdm(total=len(files), unit="submission", disable=quiet or not sys.stderr.isatty(),
               dynamic_ncols=True)
    saved = {k: os.environ.get(k) for k in BLAS_THREADS}
    os.environ.update(dict.fromkeys(BLAS_THREADS, "1"))  # parallelism comes from the workers
    try:
        with executor or ProcessPoolExecutor(max_workers=min(jobs, len(files)), mp_context=context) as pool:
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
    for g in results:
        g.sha256 = hashes[g.submission]
    feedback.mkdir(parents=True, exist_ok=True)
    for g in results:
        atomic_write_text(feedback / f"{g.submission}.md", g.report.text() + "\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = [g.row() for g in results]
    if only is not None:  # a regrading: the other rows of grades.csv stay as they are
        merge_into(out, rows, COLUMNS)
    else:
        write_rows(out, rows, COLUMNS)
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
