"""Grade a folder of submissions: each checked in its own sandbox, several at once.

Every ``.py`` file in the folder (or every sub-folder holding the exercise's file) is one
submission. Up to ``jobs`` worker processes (``worker``) check them, one submission at a time
each; each check runs the submission from a private copy in its own limited child (see
``sandbox``), so the class folder is never written. A worker that dies costs only the
submission it was checking, which is checked once more in a new worker; a second death is a
grading failure of that row. Rows are written as they finish: ``grades.csv`` (atomically,
all rows so far), ``feedback/<name>.md``, and the report of each row in a hidden folder
beside the CSV, so that a ``grade`` cut short (Ctrl-C, SIGTERM) keeps every finished row and
the next ``grade`` checks only the submissions not yet graded or changed since (``--force``
checks all; ``grade FILE`` checks one submission into its row). On a Dask cluster
(``cluster.py``) the same jobs go to the cluster's executor instead of the local workers.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from tqdm import tqdm

from groundup.core.faults import fault_point
from groundup.errors import ConfigError, Interrupted
from groundup.exercises.checking import CheckResult, Report, run_checks
from groundup.exercises.regrade import content_hash, read_rows, submission_root, write_rows
from groundup.exercises.sandbox import Isolation, resolve
from groundup.store.runs import atomic_write_text
from groundup.training.threads import BLAS_VARIABLES, cores
from groundup.version import __version__
from groundup.i18n import t

COLUMNS = ("submission", "exercise", "score", "passed", "failed_checks", "seconds", "error",
           "flags", "passed_checks", "mistakes", "sha256", "version",
           "error_kind")  # added at the end: old readers keep working
WORKER = "from groundup.exercises.grading import worker; worker()"
SUFFIXES = (".py", ".ipynb")  # a submission's file, in the order one is chosen when several share a name
ATTEMPTS = 2  # a submission whose worker dies is checked once more in a new worker


@dataclass
class Graded:
    submission: str
    report: Report
    sha256: str = ""  # of what was handed in (regrade.content_hash)
    digest: str = ""  # of that and the grading settings: an unchanged row is kept
    trouble: str = ""  # why grading itself failed for this row ('' when it did not)
    kept: bool = False  # from the last grade, not checked again

    def row(self) -> dict:
        r = self.report
        return {"submission": self.submission, "exercise": r.exercise, "score": f"{r.score:.4f}",
                "passed": str(r.passed).lower(), "seconds": f"{r.seconds:.2f}", "error": r.error,
                "failed_checks": ";".join(c.name for c in r.checks if not c.passed),
                "flags": "; ".join(r.flags),
                "passed_checks": ";".join(c.name for c in r.checks if c.passed),
                "mistakes": ";".join(r.mistakes()),
                "sha256": self.sha256, "version": __version__, "error_kind": r.error_kind}


@dataclass
class Job:
    name: str
    path: Path
    sha256: str
    digest: str
    attempts: int = 0


def submission_files(folder_entry: Path, file_name: str) -> Path | None:
    """The file a sub-folder hands in: the exercise's file, else its notebook; None if neither."""
    notebook = Path(file_name).with_suffix(".ipynb").name
    return next((folder_entry / n for n in (file_name, notebook) if (folder_entry / n).is_file()), None)


def submissions(folder: Path, file_name: str) -> dict[str, Path]:
    """submission name -> the file to check, sorted by name. ``NAME.py``, ``NAME.ipynb`` and a
    sub-folder ``NAME`` holding the exercise's file (or its notebook) are submission NAME; of
    several with one name, the .py file is graded, else the notebook, else the folder."""
    if not folder.is_dir():
        raise ConfigError(f"{folder} is not a folder")
    found: dict[str, tuple[int, Path]] = {}
    for entry in sorted(folder.iterdir()):
        if entry.is_file() and entry.suffix in SUFFIXES:
            name, rank, path = entry.stem, SUFFIXES.index(entry.suffix), entry
        elif entry.is_dir() and (path := submission_files(entry, file_name)) is not None:
            name, rank = entry.name, len(SUFFIXES)
        else:
            continue
        if name not in found or rank < found[name][0]:
            found[name] = (rank, path)
    if not found:
        raise ConfigError(f"no submissions in {folder}: expected .py or .ipynb files or folders holding {file_name}")
    return {name: path for name, (_, path) in sorted(found.items())}


def beside(folder: Path, path: Path) -> str:
    """A file among classmates' files stands alone; a sub-folder is the whole submission."""
    return "none" if path.parent == folder else "all"


def make_job(folder: Path, name: str, path: Path, settings: str) -> Job:
    """A submission to check, with the hash of what was handed in and of that and ``settings``."""
    try:
        sha = content_hash(submission_root(folder, path))
    except OSError as err:
        sha = f"unreadable: {err}"  # checked (and its error said) every time
    return Job(name, path, sha, hashlib.sha256(f"{settings}\0{sha}".encode()).hexdigest())


# ------------------------------------------------------------------------------ the worker

def worker() -> None:
    """A grading worker: one JSON job per line on stdin -> one JSON result per line on stdout.
    It ends with its parent (SIGTERM on the parent's death, Linux) and, on SIGTERM, first
    stops the submission it is checking (its sandbox's ``finally``)."""
    parent = os.getppid()
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it sends SIGTERM
    _die_with_parent(signal.SIGTERM)
    if os.getppid() != parent:
        return
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # anything printed by a check goes where stderr goes, not into the results
    for line in sys.stdin:
        task = json.loads(line)
        fault_point(f"grade-worker-{task['name']}")  # the tests' way to kill a worker mid-check
        out.write(json.dumps(check_job(task)) + "\n")
        out.flush()


def check_job(task: dict) -> dict:
    """One submission's checks, as a local worker and a Dask worker run them: {"report": ...},
    or {"error": ...} when grading itself failed."""
    from groundup.exercises.catalogue import get

    try:
        report = run_checks(Path(task["path"]), get(task["exercise"]), task["timeout"], task["in_use"],
                            Isolation(task["mode"], task["beside"]))
        return {"report": asdict(report)}
    except Exception as err:  # noqa: BLE001 - a failure of grading, reported as the row's trouble
        return {"error": f"{type(err).__name__}: {err}"}


def _die_with_parent(sig: int) -> None:
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(sig))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def report_from(data: dict) -> Report:
    checks = [CheckResult(**c) for c in data.pop("checks")]
    return Report(**data, checks=checks)


def overran(limit: float) -> dict:
    """The result of a check stopped after ``limit`` seconds in all (its worker's time, not the sandbox's)."""
    return {"error": f"the check took more than {limit:g} s in all", "kind": "timeout"}


# -------------------------------------------------------------------------------- the pool

class Pool:
    """Worker processes, each checking one submission at a time; a dead one is replaced."""

    def __init__(self, size: int, common: dict):
        self.size, self.common = size, common
        self.idle: list[subprocess.Popen] = []
        self.busy: dict[int, tuple[subprocess.Popen, Job, float]] = {}  # stdout fd -> ...
        src = str(Path(__file__).resolve().parents[2])
        self.env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [src, *filter(None, [os.environ.get("PYTHONPATH")])]), **dict.fromkeys(BLAS_VARIABLES, "1")}

    def _spawn(self) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-c", WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, env=self.env, start_new_session=True,
                                text=True, encoding="utf-8")

    def give(self, job: Job, task: dict) -> None:
        proc = self.idle.pop() if self.idle else self._spawn()
        job.attempts += 1
        try:
            proc.stdin.write(json.dumps(task) + "\n")
            proc.stdin.flush()
        except OSError:
            pass  # a dead worker: seen as EOF below
        self.busy[proc.stdout.fileno()] = (proc, job, time.monotonic())

    def wait(self, limit: float) -> list[tuple[Job, dict | None]]:
        """The jobs that ended: (job, result), result None if its worker died or overran ``limit``."""
        ready, _, _ = select.select(list(self.busy), [], [], 1.0)
        done = []
        for fd in ready:
            proc, job, _ = self.busy.pop(fd)
            line = proc.stdout.readline()
            if line:
                self.idle.append(proc)
                done.append((job, json.loads(line)))
            else:
                self._end(proc)
                done.append((job, None))
        for fd, (proc, job, began) in list(self.busy.items()):
            if time.monotonic() - began > limit:
                del self.busy[fd]
                self._end(proc)
                done.append((job, overran(limit)))
        return done

    @staticmethod
    def _end(proc: subprocess.Popen, grace: float = 0.0) -> None:
        """Stop a worker: SIGTERM (it stops its sandbox), SIGKILL after ``grace`` seconds."""
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, sig)
                except (ProcessLookupError, PermissionError):
                    pass
                try:
                    proc.wait(wait)
                except subprocess.TimeoutExpired:
                    continue
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except OSError:
                pass

    def close(self) -> None:
        procs = [p for p, _, _ in self.busy.values()] + self.idle
        for proc in procs:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass
        for proc in procs:
            self._end(proc, grace=5.0)
        self.busy.clear()
        self.idle.clear()


class ExecutorPool:
    """The pool's interface on a ``concurrent.futures.Executor`` (a Dask cluster's, see
    ``cluster.py``): every job is given at once and the executor schedules them; it re-runs the
    task of a worker that dies itself, so a task that fails ends as a row of trouble."""

    def __init__(self, executor, size: int, common: dict):
        self.executor, self.size, self.common = executor, size, common
        self.busy: dict[concurrent.futures.Future, tuple[Job, float]] = {}

    def give(self, job: Job, task: dict) -> None:
        job.attempts = ATTEMPTS  # no second round here: the executor retries
        self.busy[self.executor.submit(check_job, task)] = (job, time.monotonic())

    def wait(self, limit: float) -> list[tuple[Job, dict | None]]:
        ready, _ = concurrent.futures.wait(list(self.busy), timeout=1.0,
                                           return_when=concurrent.futures.FIRST_COMPLETED)
        done = []
        for future in ready:
            job, _ = self.busy.pop(future)
            try:
                done.append((job, future.result()))
            except Exception as err:  # noqa: BLE001 - lost on every worker it ran on
                done.append((job, {"error": f"{type(err).__name__}: {err}"}))
        for future, (job, began) in list(self.busy.items()):
            if time.monotonic() - began > limit:
                future.cancel()
                del self.busy[future]
                done.append((job, overran(limit)))
        return done

    def close(self) -> None:
        for future in self.busy:
            future.cancel()
        self.busy.clear()


# ------------------------------------------------------------------------------- grading

class Output:
    """grades.csv, feedback/<name>.md and the saved reports, rewritten as each row finishes."""

    def __init__(self, out: Path, feedback: Path, exercise: str, keep_others: bool = False):
        self.out, self.feedback = out, feedback
        self.saved = out.parent / f".{out.name}.reports"
        self.rows: dict[str, Graded] = {}
        old = read_rows(out)  # refuses a CSV that is not a grades.csv rather than overwrite it
        self.listed = {r.get("submission") for r in old}
        # grading one submission: the other rows of the same exercise stay as they are
        self.others = {r["submission"]: r for r in old if r.get("exercise") == exercise} if keep_others else {}

    def kept(self, name: str, digest_: str) -> Graded | None:
        """The row graded before from the same files and settings, if grades.csv lists it."""
        path = self.saved / f"{name}.json"
        if not (name in self.listed and path.is_file() and (self.feedback / f"{name}.md").is_file()):
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("digest") != digest_ or data.get("trouble"):
                return None
            if any(not c["passed"] and "kind" not in c for c in data["report"]["checks"]):
                return None  # saved before checks had a kind: what stopped it is unknown, so check it again
            return Graded(name, report_from(data["report"]), data.get("sha256", ""), digest_, kept=True)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def add(self, g: Graded) -> None:
        self.rows[g.submission] = g
        self.feedback.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.feedback / f"{g.submission}.md", g.report.text() + "\n")
        self.saved.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.saved / f"{g.submission}.json", json.dumps(
            {"digest": g.digest, "sha256": g.sha256, "trouble": g.trouble, "report": asdict(g.report)},
            ensure_ascii=False))
        self.write_csv()

    def write_csv(self) -> None:
        rows = {**self.others, **{n: g.row() for n, g in self.rows.items()}}
        self.out.parent.mkdir(parents=True, exist_ok=True)
        write_rows(self.out, [rows[n] for n in sorted(rows)], COLUMNS)


def grade(folder: Path, exercise: str, out: Path, feedback: Path, jobs: int, timeout: float,
          in_use: bool = True, quiet: bool = False, isolation: str = "auto", only: set[str] | None = None,
          force: bool = False, executor=None) -> list[Graded]:
    """Check every submission in ``folder`` (or those named in ``only``, the other rows of ``out``
    kept); write ``out`` (CSV) and ``feedback/<name>.md`` as rows finish. A row graded before
    from the same files and settings is kept unless ``force``. ``executor``: a
    concurrent.futures.Executor (a Dask cluster's) to check on instead of ``jobs`` local
    workers. Ctrl-C or SIGTERM stops the workers and their submissions and raises Interrupted,
    every finished row written."""
    from groundup.exercises.catalogue import get

    files = submissions(folder, get(exercise).file_name)
    files = {k: v for k, v in files.items() if only is None or k in only}
    mode = resolve(isolation)
    if mode == "process" and isolation == "auto" and not quiet:
        print(t("sandbox.fallback"), file=sys.stderr)
    settings = json.dumps([__version__, exercise, in_use, mode])  # a new --timeout keeps the rows
    output = Output(out, feedback, exercise, keep_others=only is not None)
    todo: list[Job] = []
    for name, path in files.items():
        new = make_job(folder, name, path, settings)
        kept = None if force else output.kept(name, new.digest)
        if kept is not None:
            output.rows[name] = kept
        else:
            todo.append(new)
    common = {"exercise": exercise, "timeout": timeout, "in_use": in_use, "mode": mode}
    pool = (ExecutorPool(executor, max(1, len(todo)), common) if executor is not None
            else Pool(min(jobs, max(1, len(todo))), common))
    _run(todo, folder, output, pool, timeout, quiet)
    output.write_csv()
    return [output.rows[n] for n in sorted(output.rows)]


def _run(todo: list[Job], folder: Path, output: Output, pool: Pool, timeout: float, quiet: bool) -> None:
    bar = tqdm(total=len(todo), unit="submission", disable=quiet or not sys.stderr.isatty(), dynamic_ncols=True)
    exercise = pool.common["exercise"]
    try:
        while todo or pool.busy:
            while todo and len(pool.busy) < pool.size:
                job = todo.pop(0)
                pool.give(job, {**pool.common, "name": job.name, "path": str(job.path),
                                "beside": beside(folder, job.path)})
            for job, result in pool.wait(limit=3 * timeout + 600):
                if result is None and job.attempts < ATTEMPTS:
                    todo.insert(0, job)  # its worker died: once more, in a new worker
                    continue
                output.add(_graded(job, result, exercise, pool.common["in_use"]))
                bar.update()
    except Interrupted as stop:
        stop.hint = t("grade.interrupted", done=len(output.rows), n=len(output.rows) + len(todo) + len(pool.busy),
                      out=output.out)
        raise
    finally:
        pool.close()
        bar.close()


def _graded(job: Job, result: dict | None, exercise: str, in_use: bool) -> Graded:
    if result is None:
        err = "its grading worker was killed twice while checking it"
        g = lost(job.name, exercise, job.path, err, in_use)
        g.report.flags.append("killed its grading worker?")
    elif "error" in result:
        g = lost(job.name, exercise, job.path, result["error"], in_use, result.get("kind", "crashed"))
    else:
        g = Graded(job.name, report_from(result["report"]))
    g.sha256, g.digest = job.sha256, job.digest
    return g


def lost(name: str, exercise: str, path: Path, err: str, in_use: bool = True, kind: str = "crashed") -> Graded:
    """The row of a submission whose grading failed (its checks did not run): ``kind`` crashed, or
    timeout when the check overran its time in all."""
    from groundup.exercises.catalogue import get

    todo = [c for c in get(exercise).checks if in_use or not c.in_use]
    report = Report.not_loaded(exercise, path.name, f"the grading worker failed: {err}", None, kind, todo)
    return Graded(name, report, trouble=err)


def default_jobs() -> int:
    return cores()
