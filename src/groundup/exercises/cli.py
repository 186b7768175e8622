"""``groundup exercise list|start``, ``groundup check``, ``groundup grade``: parsers and commands.

``groundup.cli`` calls ``add_parsers`` while building its parser, and ``dispatch`` (the handler
these parsers register) with the parsed arguments. Exit status: 0 all checks pass, 1 some fail,
2 bad usage (an unknown exercise, a missing file); errors are raised as GroundupError.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from pathlib import Path

from groundup.errors import ConfigError
from groundup.i18n import name as say_name, relay, t
from groundup.store.runs import atomic_write_text

COMMANDS = ("exercise", "check", "grade")


def _positive(cast, what: str):
    def parse(text: str):
        try:
            value = cast(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not 0 < value < float("inf"):
            raise argparse.ArgumentTypeError(f"must be {what}, got {text}")
        return value

    return parse


def add_parsers(sub) -> None:
    """Add the exercise commands to the subparsers of ``groundup``."""
    from groundup.exercises.catalogue import ORDER
    from groundup.exercises.checking import DEFAULT_TIMEOUT

    seconds = _positive(float, "a number of seconds > 0")
    timeout_help = f"wall-clock limit for one submission, in seconds (default {DEFAULT_TIMEOUT:g})"
    no_in_use = "skip the in-use training run on real data (the quick checks only)"
    isolation = dict(choices=("auto", "bwrap", "process"), default="auto", help=(
        "how the submission runs: bwrap (bubblewrap: no network, no view of groundup, the data or "
        "other files), process (a plain limited process), or auto (the default): bwrap where it works"))

    ex = sub.add_parser("exercise", help="the exercises: list them, or start one (write its scaffold)")
    esub = ex.add_subparsers(dest="exercise_command", required=True, metavar="ACTION",
                             parser_class=type(ex))
    esub.add_parser("list", help="the exercises in course order, and which files exist here")
    start = esub.add_parser("start", help="write an exercise's scaffold into the current folder")
    start.add_argument("name", metavar="NAME", help="exercise: " + ", ".join(ORDER))
    start.add_argument("--dir", type=Path, default=Path("."), help="folder to write into (default: here)")
    start.add_argument("--force", action="store_true", help="overwrite an existing file")
    esub.add_parser("mistakes", help="the mistakes the checks name in an exercise, with their explanations"
                    ).add_argument("name", metavar="NAME", help="exercise: " + ", ".join(ORDER))

    check = sub.add_parser("check", help="check a learner's exercise file and say what is wrong",
                           description="Run the exercise's checks on FILE in a separate, limited "
                                       "process; one line per check, with a hint under each failure.")
    check.add_argument("file", metavar="FILE", type=Path, nargs="?",
                       help="the exercise file (default: the one exercise file in this folder)")
    check.add_argument("--exercise", metavar="NAME", help="which exercise (default: from the file name)")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.add_argument("--timeout", type=seconds, default=DEFAULT_TIMEOUT, metavar="S", help=timeout_help)
    check.add_argument("--no-in-use", dest="in_use", action="store_false", help=no_in_use)
    check.add_argument("--isolation", **isolation)
    check.add_argument("--gradescope", nargs="?", const=Path("/autograder/results/results.json"), type=Path,
                       metavar="PATH", help="also write Gradescope's results.json (default "
                                            "/autograder/results/results.json)")
    check.add_argument("--max-score", type=_positive(float, "a number > 0"), metavar="P",
                       help="Gradescope points of the whole exercise (default 100)")

    grade = sub.add_parser("grade", help="grade a folder of submissions into grades.csv and feedback files",
                           description="Every .py file, .ipynb notebook or sub-folder holding the "
                                       "exercise's file in DIR is one submission (when two share a name, "
                                       "the .py is graded, else the notebook).")
    grade.add_argument("dir", metavar="DIR", type=Path,
                       help="the folder of submissions, or one submission's file to regrade into its row of --out")
    grade.add_argument("--exercise", metavar="NAME", required=True, help="exercise: " + ", ".join(ORDER))
    grade.add_argument("--out", type=Path, default=Path("grades.csv"), help="CSV to write (default grades.csv)")
    grade.add_argument("--feedback", type=Path, metavar="DIR",
                       help="folder for one SUBMISSION.md per submission (default: feedback/ beside --out)")
    grade.add_argument("--jobs", type=_positive(int, "a whole number >= 1"), metavar="N",
                       help="submissions checked at once (default: the number of cores)")
    grade.add_argument("--timeout", type=seconds, default=DEFAULT_TIMEOUT, metavar="S", help=timeout_help)
    grade.add_argument("--no-in-use", dest="in_use", action="store_false", help=no_in_use)
    grade.add_argument("--isolation", **isolation)
    grade.add_argument("--quiet", action="store_true", help="no progress bar and no table")
    grade.add_argument("--report-only", action="store_true",
                       help="rebuild class.md and class.html from the existing --out without checking again")
    grade.add_argument("--force", action="store_true",
                       help="check every submission again (default: only those changed since --out was written)")
    grade.add_argument("--gradescope", type=Path, metavar="DIR",
                       help="also write DIR/SUBMISSION/results.json for Gradescope")
    grade.add_argument("--max-score", type=_positive(float, "a number > 0"), metavar="P",
                       help="Gradescope points of the whole exercise (default 100)")
    grade.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="check on this Dask cluster instead of local processes (needs groundup[cluster])")
    for command in (ex, check, grade):
        command.set_defaults(handler=dispatch)


def dispatch(args) -> int:
    if args.command == "exercise":
        if args.exercise_command == "mistakes":
            return cmd_mistakes(args)
        return cmd_list() if args.exercise_command == "list" else cmd_start(args)
    if args.command == "check":
        return cmd_check(args)
    return cmd_grade(args)


def cmd_list() -> int:
    from groundup.exercises.catalogue import exercises

    rows = [t("exercise.head").split("|")]
    for ex in exercises().values():
        here = t("yes") if Path(ex.file_name).exists() or Path(ex.file_name).with_suffix(".ipynb").exists() else "-"
        rows.append([ex.name, ex.section, ex.file_name, here, say_name(ex.asks)])
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(v + " " * (w - _width(v)) for v, w in zip(r[:4], widths)) + "  " + r[4])
    return 0


def cmd_mistakes(args) -> int:
    """``groundup exercise mistakes NAME``: each mistake id the checks of NAME can name, and its
    explanation in the current language (the exercise's own first, then those of every exercise)."""
    from groundup.exercises import mistakes
    from groundup.exercises.catalogue import get

    ex = get(args.name)
    ids = mistakes.of_exercise(ex.name)
    width = max(map(len, ids))
    for mistake in ids:
        print(f"{mistake:<{width}}  {mistakes.listing(mistake)}")
    return 0


def cmd_start(args) -> int:
    from groundup.exercises.catalogue import get, scaffold

    ex = get(args.name)
    if not args.dir.is_dir():
        raise ConfigError(t("exercise.not_folder", path=args.dir))
    target = args.dir / ex.file_name
    if target.exists() and not args.force:
        raise ConfigError(t("exercise.exists", target=target))
    atomic_write_text(target, scaffold(ex.name))
    print(t("exercise.wrote", target=target, n=len(ex.functions), names=t("sep").join(ex.functions)))
    print(t("exercise.when_ready", target=target))
    print(t("exercise.in_notebook", name=ex.name))
    return 0


def _resolve(args):
    from groundup.exercises.catalogue import ORDER, from_file_name, get

    if args.file is None:
        if args.exercise:
            args.file = Path(get(args.exercise).file_name)
        else:
            here = [Path(n.replace("-", "_") + ext) for n in ORDER for ext in (".py", ".ipynb")
                    if Path(n.replace("-", "_") + ext).exists()]
            if len(here) != 1:
                raise ConfigError(t("exercise.name_file", why=t("exercise.found", files=", ".join(map(str, here)))
                                    if here else t("exercise.none_here")))
            args.file = here[0]
    if not args.file.is_file():
        raise ConfigError(t("exercise.no_file", path=args.file))
    name = args.exercise or from_file_name(args.file.name)
    if name is None:
        raise ConfigError(t("exercise.which", name=repr(args.file.name)))
    return get(name)


def cmd_check(args) -> int:
    import sys

    from groundup.exercises import gradescope
    from groundup.exercises.checking import report_json, run_checks
    from groundup.exercises.sandbox import Isolation, resolve

    with gradescope.on_error(args.gradescope):  # Gradescope shows why instead of an autograder failure
        ex = _resolve(args)
    mode = resolve(args.isolation)
    if mode == "process" and args.isolation == "auto":
        print(t("sandbox.fallback"), file=sys.stderr)
    report = run_checks(args.file, ex, args.timeout, args.in_use, Isolation(mode))
    print(report_json(report) if args.json else report.text())
    if args.gradescope:
        gradescope.write(args.gradescope, report, ex, args.max_score or gradescope.DEFAULT_MAX_SCORE)
    return 0 if report.passed else 1


def cmd_grade(args) -> int:
    import sys

    from groundup.exercises import classreport, cluster, regrade
    from groundup.exercises.catalogue import get
    from groundup.exercises.grading import default_jobs, grade

    ex = get(args.exercise)
    feedback = args.feedback or args.out.parent / "feedback"
    if args.report_only:
        if args.gradescope:
            raise ConfigError("--gradescope needs the checks' messages: grade without --report-only")
        return classreport.report_only(args.dir, args.exercise, args.out, args.quiet)
    if not args.dir.exists():
        raise ConfigError(f"{args.dir}: no such file or folder")
    folder, only = args.dir, None
    if args.dir.is_file():  # one submission graded into its row of --out
        folder, name = regrade.single(args.dir, ex.file_name)
        only = {name}
    began = time.perf_counter()
    on = cluster.cluster_executor(args.scheduler, sees=folder) if args.scheduler else contextlib.nullcontext()
    with on as executor:
        results = grade(folder, args.exercise, args.out, feedback, args.jobs or default_jobs(), args.timeout,
                        args.in_use, args.quiet, args.isolation, only=only, force=args.force, executor=executor)
    wall = time.perf_counter() - began
    kept = sum(g.kept for g in results)
    checked = [g for g in results if not g.kept]
    if not args.quiet and checked:
        width = max(len(g.submission) for g in checked)
        statuses = {True: t("check.passed"), False: t("check.failed")}
        status_width = max(map(_width, statuses.values()))
        for g in checked:
            r = g.report
            status = statuses[r.passed] + " " * (status_width - _width(statuses[r.passed]))
            flags = t("grade.flags", flags="; ".join(relay(f) for f in r.flags)) if r.flags else ""
            print((t("grade.row", submission=g.submission.ljust(width), score=r.score, status=status,
                     seconds=r.seconds, error=relay(r.error)[:70]).rstrip() + flags))
    classreport.finish(None if args.dir.is_file() else folder, args.exercise, args.out, results, wall, kept,
                       args.gradescope, args.max_score, args.quiet)
    passed = sum(g.report.passed for g in results)
    print(t("grade.summary", n=len(results), passed=passed, out=args.out, feedback=feedback))
    troubled = [g.submission for g in results if g.trouble]
    if troubled:
        print(t("grade.troubled", n=len(troubled), names=", ".join(troubled)), file=sys.stderr)
        return 1
    return 0


def _width(text: str) -> int:
    """Columns a text takes in a terminal: a Chinese character takes two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
