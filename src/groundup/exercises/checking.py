"""The checking of one learner file: load it in a sandbox, run the exercise's checks, report.

An exercise's checks are plain functions ``check(sub) -> str`` that call the learner's
functions through ``sub`` (a ``Submission``), compute the reference in this process, and
either return a one-line note or raise ``Failed(message, hint)``. ``run_checks`` turns every
way a submission can go wrong into a failed check with one line; it never raises for them.
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
from groundup.exercises.sandbox import CallError, Sandbox
from groundup.gradcheck import GRADCHECK_TOL, rel_error

DEFAULT_TIMEOUT = 120.0


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


@dataclass
class Report:
    exercise: str
    file: str
    checks: list[CheckResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def score(self) -> float:
        return sum(c.passed for c in self.checks) / len(self.checks) if self.checks else 0.0

    @property
    def error(self) -> str:
        """The first failure that stopped the file from running (load, time, crash), or ''."""
        first = self.checks[0] if self.checks else None
        if first is not None and not first.passed:
            return first.message.splitlines()[0]
        for c in self.checks:
            if c.message.startswith(("not run:", "the submission's process")) or "time limit" in c.message:
                return c.message.removeprefix("not run: ").splitlines()[0]
        return ""

    def as_json(self) -> dict:
        return {"exercise": self.exercise, "passed": self.passed, "score": round(self.score, 4),
                "seconds": round(self.seconds, 3), "checks": [asdict(c) for c in self.checks]}

    def text(self) -> str:
        lines = [f"{self.exercise}: {self.file}"]
        for c in self.checks:
            lines.append(f"{'✓' if c.passed else '✗'} {c.name}" + (f": {c.message}" if c.passed and c.message else ""))
            if not c.passed:
                lines += ["    " + part for part in c.message.splitlines()]
                if c.hint:
                    lines.append(f"    hint: {c.hint}")
        n_ok = sum(c.passed for c in self.checks)
        lines.append(f"{n_ok} of {len(self.checks)} checks passed (score {self.score:.2f}) in {self.seconds:.1f} s")
        return "\n".join(lines)


class Submission:
    """The learner's functions, called in the sandbox; failures become ``Failed``."""

    def __init__(self, box: Sandbox, file_name: str):
        self.box, self.file_name = box, file_name

    def _fail(self, err: CallError) -> Failed:
        trace = "".join(f"\n  {line}" for line in err.trace)
        hint = {"exit": "return a value instead of exiting",
                "timeout": "look for a loop whose condition never becomes false"}.get(err.kind)
        return Failed(err.message + trace, hint)

    def _defined(self, name) -> None:
        if self.box.dead is not None:
            raise Failed(f"not run: {self.box.dead.message}")
        if isinstance(name, str) and name not in self.box.names:
            raise Failed(f"{name} is not defined in {self.file_name}",
                         "keep the function names and signatures of the scaffold")

    def __call__(self, name, *args, keep: bool = False):
        self._defined(name)
        try:
            return self.box.call(name, *args, keep=keep)
        except CallError as err:
            raise self._fail(err) from None

    def strict(self, name: str, *args, hints: dict[str, str]):
        """Call with NumPy's overflow, divide and invalid warnings turned into errors; such an
        error fails with the hint whose key appears in its message ("overflow", "divide", ...)."""
        self._defined(name)
        try:
            return self.box.call(name, *args, strict=True)
        except CallError as err:
            if "FloatingPointError" in err.message:
                hint = next((h for k, h in hints.items() if k in err.message), None)
                raise Failed(err.message + "".join(f"\n  {line}" for line in err.trace), hint) from None
            raise self._fail(err) from None

    def many(self, name: str, arg_lists: list) -> list:
        self._defined(name)
        try:
            return self.box.call_many(name, arg_lists)
        except CallError as err:
            raise self._fail(err) from None

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
            raise Failed(f"{name} did not return a number for the gradient check",
                         "return a float (the mean loss)") from None
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
        hint = "the gradient is not the derivative of your own function"
        if np.isfinite(r) and np.allclose(analytic, r * numerical, rtol=1e-4, atol=1e-8):
            hint += f": it is {r:.4g} times the numerical one (a missing or extra factor, or the sign)"
        raise Failed(f"{what}: relative error {err:.2g} > {GRADCHECK_TOL:g} against central differences "
                     f"of your own function", hint)


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


def load_problem(path: Path, source: str, exercise: Exercise) -> tuple[str, str | None] | None:
    """Why the file cannot be run at all (syntax, a forbidden import), checked here, not in the child."""
    try:
        tree = ast.parse(source, filename=path.name)
    except SyntaxError as err:
        return (f"syntax error in {path.name}, line {err.lineno}: {err.msg}",
                "fix the syntax first (python -m py_compile FILE shows the same)")
    for module, line in forbidden_imports(tree, exercise.forbidden):
        if module.split(".")[0] == "groundup":
            return (f"{path.name}, line {line} imports {module}: groundup's reference solution may not "
                    f"be used in the exercise", "write the functions yourself; the checks compare them with it")
        return (f"{path.name}, line {line} imports {module}: {exercise.name} is done by hand, with NumPy only",
                "remove the torch import; write the computation with NumPy")
    return None


def run_checks(path: Path, exercise: Exercise, timeout: float = DEFAULT_TIMEOUT,
               in_use: bool = True) -> Report:
    """Every check of ``exercise`` on the file at ``path``; each failure is a failed check."""
    began = time.perf_counter()
    report = Report(exercise.name, path.name)
    todo = [c for c in exercise.checks if in_use or not c.in_use]
    try:
        source = path.read_text(encoding="utf-8")
        problem = load_problem(path, source, exercise)
    except (OSError, UnicodeDecodeError) as err:
        problem = (f"cannot read {path.name}: {err}", None)
    box = Sandbox(path, exercise.forbidden, timeout)
    if problem is None:
        try:
            box.start()
        except CallError as err:
            trace = "".join(f"\n  {line}" for line in err.trace)
            problem = (err.message + trace, "the file must load without errors, exits or endless loops")
    if problem is not None:
        box.close()
        report.checks.append(CheckResult("file loads", False, problem[0], problem[1]))
        report.checks += [CheckResult(c.name, False, "not run: the file did not load") for c in todo]
        report.seconds = time.perf_counter() - began
        return report
    report.checks.append(CheckResult("file loads", True, ""))
    sub = Submission(box, path.name)
    try:
        for check in todo:
            try:
                note = check.run(sub)
                report.checks.append(CheckResult(check.name, True, note or ""))
            except Failed as fail:
                report.checks.append(CheckResult(check.name, False, fail.message, fail.hint))
            except FloatingPointError as err:
                report.checks.append(CheckResult(check.name, False, f"the values overflowed: {err}",
                                                 "look for an exp of a large number"))
    finally:
        box.close()
    report.seconds = time.perf_counter() - began
    return report


def report_json(report: Report) -> str:
    return json.dumps(report.as_json(), ensure_ascii=False)
