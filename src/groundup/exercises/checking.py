"""The checking of one learner file: load it in a sandbox, run the exercise's checks, report.

An exercise's checks are plain functions ``check(sub) -> str`` that call the learner's
functions through ``sub`` (a ``Submission``), compute the reference in this process, and
either return a one-line note or raise ``Failed(message, mistake_id, **evidence)`` (the hint
is rendered from the catalogue ``exercises.mistakes``; the result keeps the id in
``CheckResult.mistake``). ``run_checks`` turns every way a submission can go wrong into a
failed check with one line and its kind (``KINDS``); it never raises for them.
"""

from __future__ import annotations

import ast
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from groundup.exercises.hints import Failed
from groundup.exercises.mistakes import explain, named
from groundup.exercises.sandbox import CallError, Isolation, Sandbox
from groundup.gradcheck import GRADCHECK_TOL, rel_error

DEFAULT_TIMEOUT = 120.0
LOADS = "file loads"  # reported, but no credit on its own

# What a check's ``kind`` says (``CheckResult.kind``, the ``kind`` of ``check --json``, grades.csv's
# ``error_kind``), a closed set:
#   ""          it ran: passed, or failed on what the function returned or raised (sys.exit included)
#   todo        not written yet: the function raises NotImplementedError
#   refused     the file imports what the exercise forbids (torch, groundup): nothing ran
#   not_loaded  the file did not load: its syntax or encoding, an error or sys.exit while loading
#   timeout     a call, the loading or the whole check ran out of time (or would have: too slow)
#   crashed     ran out of memory, or its process was lost (a signal, a limit, os._exit), or the
#               grading worker checking it failed
#   not_run     not run: an earlier failure stopped the file
KINDS = ("", "todo", "refused", "not_loaded", "timeout", "crashed", "not_run")
STOPPED = KINDS[2:]  # what ``Report.error`` reports: the file could not run on
# a failed call's kind from the sandbox's (``CallError.kind``): while loading (else not_loaded),
# and later (else "")
LOAD_KINDS = {"refused": "refused", "timeout": "timeout", "memory": "crashed", "died": "crashed"}
CALL_KINDS = {"todo": "todo", "timeout": "timeout", "memory": "crashed", "died": "crashed"}


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[["Submission"], str]
    in_use: bool = False  # the training run on real data (skippable with --no-in-use)
    points: float = 1.0  # its weight in Gradescope's results.json (scaled to --max-score)


@dataclass(frozen=True)
class Exercise:
    """One exercise of the catalogue: what to write, in which course section, how it is checked."""

    name: str
    section: str
    asks: str  # one line: what the learner writes
    functions: tuple[str, ...]
    checks: tuple[Check, ...]
    by_hand: bool = True  # NumPy only: importing torch fails the exercise

    @property
    def file_name(self) -> str:
        return self.name.replace("-", "_") + ".py"

    @property
    def forbidden(self) -> list[str]:
        return ["groundup"] + (["torch"] if self.by_hand else [])


def checks(*items: tuple[str, Callable] | tuple[str, Callable, bool]) -> tuple[Check, ...]:
    return tuple(Check(*item) for item in items)


@dataclass
class CheckResult:
    name: str
    passed: bool
    message: str
    hint: str | None = None
    mistake: str | None = None  # the catalogue id of the diagnosed mistake (exercises.mistakes)
    why: str | None = None  # the catalogue id the hint comes from (a mistake or advice) ...
    evidence: dict = field(default_factory=dict)  # ... and its fields: the hint in any language
    kind: str = ""  # what stopped it, if not its values (KINDS); "" in reports saved before

    def hint_text(self) -> str | None:
        """The hint in the current language."""
        return explain(self.why, **self.evidence) if self.why else self.hint


@dataclass
class Report:
    exercise: str
    file: str
    checks: list[CheckResult] = field(default_factory=list)
    seconds: float = 0.0
    flags: list[str] = field(default_factory=list)  # what it tried that a solution never needs

    @classmethod
    def not_loaded(cls, exercise: str, file: str, message: str, mistake: str | None, kind: str,
                   todo: list) -> Report:
        """The report of a file that never ran: its load failed (``mistake``: why, if known; ``kind``:
        refused, not_loaded, timeout or crashed), every check in ``todo`` not run."""
        return cls(exercise, file, [CheckResult(LOADS, False, message, mistake and explain(mistake), named(mistake),
                                                mistake, kind=kind)]
                   + [CheckResult(c.name, False, "not run: the file did not load", kind="not_run") for c in todo])

    @property
    def scored(self) -> list[CheckResult]:
        return [c for c in self.checks if c.name != LOADS]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def score(self) -> float:
        return sum(c.passed for c in self.scored) / len(self.scored) if self.scored else 0.0

    def mistakes(self) -> list[str]:
        """The ids of the diagnosed mistakes, in check order (each once)."""
        return list(dict.fromkeys(c.mistake for c in self.checks if c.mistake))

    @property
    def stopped(self) -> CheckResult | None:
        """The first failure that stopped the file from running (load, time, crash), if any."""
        return next((c for c in self.checks if c.kind in STOPPED), None)

    @property
    def error(self) -> str:
        """The first line of ``stopped``, or ''."""
        stopped = self.stopped
        return stopped.message.removeprefix("not run: ").splitlines()[0] if stopped else ""

    @property
    def error_kind(self) -> str:
        """The kind of ``stopped`` (refused, not_loaded, timeout, crashed, not_run), or ''."""
        return self.stopped.kind if self.stopped else ""

    def as_json(self) -> dict:
        return {"exercise": self.exercise, "passed": self.passed, "score": round(self.score, 4),
                "seconds": round(self.seconds, 3),
                "checks": [{k: v for k, v in asdict(c).items() if k not in ("why", "evidence")} for c in self.checks],
                "flags": self.flags}

    def text(self) -> str:
        """The report as ``groundup check`` prints it, in the current language (``i18n``)."""
        from groundup.i18n import name, relay, t

        lines = [t("check.header", exercise=self.exercise, file=self.file)]
        for c in self.checks:
            head = f"{'✓' if c.passed else '✗'} {name(c.name)}"
            lines.append(t("check.header", exercise=head, file=relay(c.message)) if c.passed and c.message else head)
            if not c.passed:
                lines += ["    " + part[:len(part) - len(part.lstrip())] + relay(part.strip())
                          for part in c.message.splitlines()]
                if c.hint:
                    lines.append("    " + t("check.hint", hint=c.hint_text()))
        if self.flags:
            lines.append(t("check.flags", flags="; ".join(relay(f) for f in self.flags)))
        lines.append(self.summary())
        return "\n".join(lines)

    def summary(self) -> str:
        """The last line: the scored checks passed, the score, the time (loading is not scored)."""
        from groundup.i18n import t

        return t("check.summary", ok=sum(c.passed for c in self.scored), n=len(self.scored), score=self.score,
                 seconds=self.seconds)


class Submission:
    """The learner's functions, called in the sandbox; failures become ``Failed``."""

    def __init__(self, box: Sandbox, file_name: str):
        self.box, self.file_name = box, file_name
        self.calls: dict[str, list[float]] = {}  # function -> [calls answered, seconds waited]

    def _fail(self, err: CallError, name=None) -> Failed:
        trace = "".join(f"\n  {line}" for line in err.trace)
        done, seconds = self.calls.get(name if isinstance(name, str) else "", (0, 0.0))
        kind = "not_run" if err.not_run else CALL_KINDS.get(err.kind, "")
        if err.kind == "timeout" and done:
            # it answered before: slow, not stuck; say how slow
            message = err.message.replace(" (an endless loop?)", "")
            return Failed(f"{message}; it had answered {int(done)} calls before, {seconds / done:.3g} s each",
                          "slow-not-endless", kind=kind, name=name, done=int(done), each=seconds / done,
                          rate=done / seconds if seconds else float("inf"), limit=self.box.timeout)
        why = {"exit": "exits", "timeout": "endless-loop"}.get(err.kind)
        return Failed(err.message + trace, why, kind=kind)

    def _timed(self, name, call):
        began, before = time.perf_counter(), self.box.left
        value = call()
        if isinstance(name, str):
            spent = self.calls.setdefault(name, [0, 0.0])
            spent[0] += 1
            spent[1] += max(before - self.box.left, 0.0) or time.perf_counter() - began
        return value

    def _defined(self, name) -> None:
        if self.box.dead is not None:
            raise Failed(f"not run: {self.box.dead.message}", kind="not_run")
        if isinstance(name, str) and name not in self.box.names:
            raise Failed(f"{name} is not defined in {self.file_name}", "renamed-function")

    def __call__(self, name, *args, keep: bool = False):
        self._defined(name)
        try:
            return self._timed(name, lambda: self.box.call(name, *args, keep=keep))
        except CallError as err:
            raise self._fail(err, name) from None

    def strict(self, name: str, *args, hints: dict[str, str]):
        """Call with NumPy's overflow, divide and invalid warnings turned into errors; such an
        error fails with the mistake whose key appears in its message ("overflow", "divide", ...)."""
        self._defined(name)
        try:
            return self.box.call(name, *args, strict=True)
        except CallError as err:
            if err.exception == "FloatingPointError":
                why = next((h for k, h in hints.items() if k in err.message), None)
                raise Failed(err.message + "".join(f"\n  {line}" for line in err.trace), why) from None
            raise self._fail(err, name) from None

    def many(self, name: str, arg_lists: list) -> list:
        self._defined(name)
        try:
            return self.box.call_many(name, arg_lists)
        except CallError as err:
            raise self._fail(err, name) from None

    def numerical_gradient(self, name: str, args: list, i: int, h: float = 1e-5,
                           reduce: Callable = float) -> np.ndarray:
        """Central differences of ``reduce(name(*args))`` w.r.t. ``args[i]``, computed here from
        the values the learner's function returns (one round trip for all perturbations)."""
        x = np.asarray(args[i], dtype=np.float64)
        calls = []
        for idx in np.ndindex(x.shape):
            for sign in (1, -1):
                xp = x.copy()
                xp[idx] += sign * h
                calls.append([*args[:i], xp, *args[i + 1:]])
        values = self.many(name, calls)
        try:
            values = np.array([reduce(v) for v in values], dtype=np.float64)
        except (TypeError, ValueError):
            raise Failed(f"{name} did not return a number for the gradient check", "not-a-number") from None
        return ((values[0::2] - values[1::2]) / (2 * h)).reshape(x.shape)

    def gradcheck(self, what: str, analytic, numerical: np.ndarray) -> str:
        """The learner's gradient against central differences of the learner's own function."""
        if not isinstance(analytic, np.ndarray) or analytic.shape != numerical.shape:
            raise Failed(f"{what}: expected an array of shape {numerical.shape}, got "
                         f"{getattr(analytic, 'shape', type(analytic).__name__)}")
        err = rel_error(analytic, numerical)
        if err <= GRADCHECK_TOL:
            return f"relative error {err:.1e} <= {GRADCHECK_TOL:g} (central differences, h = 1e-5)"
        denom = float(np.sum(numerical * numerical))
        r = float(np.sum(analytic * numerical) / denom) if denom else float("nan")
        message = (f"{what}: relative error {err:.2g} > {GRADCHECK_TOL:g} against central differences "
                   f"of your own function")
        # a factor is evidence only when several values share it
        if np.isfinite(r) and np.count_nonzero(numerical) >= 2 and \
                np.allclose(analytic, r * numerical, rtol=1e-4, atol=1e-8):
            raise Failed(message, "gradient-off-by-factor", r=r)
        raise Failed(message, "gradient-not-derivative")


# ---------------------------------------------------------------------------- static checks

def forbidden_imports(tree: ast.AST, forbidden: list[str]) -> list[tuple[str, int]]:
    """(module, line) of every import (statement, __import__ or importlib call) of a forbidden package."""
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            f = node.func
            fname = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            if fname in ("__import__", "import_module"):
                names = [node.args[0].value]
        found += [(n, node.lineno) for n in names if n.split(".")[0] in forbidden]
    return found


def load_problem(path: Path, source: str, exercise: Exercise) -> tuple[str, str | None, str] | None:
    """Why the file cannot be run at all (syntax, a forbidden import), checked here, not in the
    child: the message, the catalogue id of the hint and the kind (not_loaded or refused)."""
    try:
        tree = ast.parse(source, filename=path.name)
    except SyntaxError as err:
        return f"syntax error in {path.name}, line {err.lineno}: {err.msg}", "syntax-error", "not_loaded"
    for module, line in forbidden_imports(tree, exercise.forbidden):
        if module.split(".")[0] == "groundup":
            return (f"{path.name}, line {line} imports {module}: groundup's reference solution may not "
                    f"be used in the exercise", "imports-reference", "refused")
        return (f"{path.name}, line {line} imports {module}: {exercise.name} is done by hand, with NumPy only",
                "imports-torch", "refused")
    return None


def run_checks(path: Path, exercise: Exercise, timeout: float = DEFAULT_TIMEOUT,
               in_use: bool = True, isolation: Isolation | None = None, source: str | None = None,
               origin: dict[int, tuple[str, int]] | None = None) -> Report:
    """Every check of ``exercise`` on the file at ``path`` (a ``.py`` in its declared encoding,
    or a notebook's code cells), or on ``source`` named ``path``; each failure is a failed check.
    ``origin`` names where a line of ``source`` was written (a notebook's cell, and its line
    there), for the tracebacks.

    NumPy's BLAS runs on one thread meanwhile, as in the submission's process: the references'
    products are small (a batch of 256 rows times 784 × 10), and on 2 cores with another program
    busy, two OpenBLAS threads made each 10-30 times slower than one."""
    from groundup.training import threads

    with threads.blas_limited(1):
        return _run_checks(path, exercise, timeout, in_use, isolation, source, origin)


def _run_checks(path: Path, exercise: Exercise, timeout: float, in_use: bool, isolation: Isolation | None,
                source: str | None, origin: dict | None = None) -> Report:
    from groundup.exercises.notebook import read_source

    began = time.perf_counter()
    report = Report(exercise.name, path.name)
    todo = [c for c in exercise.checks if in_use or not c.in_use]
    source, left_out, problem, origin_in_file = read_source(path, source)
    problem = (problem, None, "not_loaded") if problem else load_problem(path, source, exercise)
    # the child runs exactly the text checked here, written as <stem>.py in UTF-8 in its private folder
    box = Sandbox(path, exercise.forbidden, timeout, isolation=isolation, source=source,
                  origin=origin or origin_in_file)
    if problem is None:
        try:
            box.start()
        except CallError as err:
            trace = "".join(f"\n  {line}" for line in err.trace)
            problem = (err.message + trace, {"exit": "exits", "timeout": "endless-loop"}.get(err.kind, "load-error"),
                       LOAD_KINDS.get(err.kind, "not_loaded"))
    if problem is not None:
        box.close()
        report = Report.not_loaded(exercise.name, path.name, *problem, todo)
        report.flags, report.seconds = box.flags, time.perf_counter() - began
        return report
    report.checks.append(CheckResult(LOADS, True, left_out))
    sub = Submission(box, path.name)
    try:
        for check in todo:
            try:
                note = check.run(sub)
                report.checks.append(CheckResult(check.name, True, note or ""))
            except Failed as fail:
                report.checks.append(CheckResult(check.name, False, fail.message, fail.hint, fail.mistake, fail.why,
                                                 fail.evidence, fail.kind))
            except FloatingPointError as err:
                report.checks.append(CheckResult(check.name, False, f"the values overflowed: {err}",
                                                 explain("exp-overflow"), "exp-overflow", "exp-overflow"))
    finally:
        box.close()
    report.flags = box.flags
    report.checks[0].message = "; ".join(m for m in (left_out, box.output_note()) if m)
    report.seconds = time.perf_counter() - began
    return report


def report_json(report: Report) -> str:
    return json.dumps(report.as_json(), ensure_ascii=False)
