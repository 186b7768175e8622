"""``groundup exercise list|start``, ``groundup check``, ``groundup grade``: parsers and commands.

``groundup.cli`` calls ``add_parsers`` while building its parser and hands the parsed
arguments of these commands to ``dispatch``. Exit status: 0 all checks pass, 1 some fail,
2 bad usage (an unknown exercise, a missing file); errors are raised as GroundupError.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from pathlib import Path

from groundup.errors import ConfigError

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

    ex = sub.add_parser("exercise", help="the exercises: list them, or start one (write its scaffold)")
    esub = ex.add_subparsers(dest="exercise_command", required=True, metavar="ACTION",
                             parser_class=type(ex))
    esub.add_parser("list", help="the exercises in course order, and which files exist here")
    start = esub.add_parser("start", help="write an exercise's scaffold into the current folder")
    start.add_argument("name", metavar="NAME", help="exercise: " + ", ".join(ORDER))
    start.add_argument("--dir", type=Path, default=Path("."), help="folder to write into (default: here)")
    start.add_argument("--force", action="store_true", help="overwrite an existing file")

    check = sub.add_parser("check", help="check a learner's exercise file and say what is wrong",
                           description="Run the exercise's checks on FILE in a separate, limited "
                                       "process; one line per check, with a hint under each failure.")
    check.add_argument("file", metavar="FILE", type=Path, nargs="?",
                       help="the exercise file (default: the one exercise file in this folder)")
    check.add_argument("--exercise", metavar="NAME", help="which exercise (default: from the file name)")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.add_argument("--timeout", type=seconds, default=DEFAULT_TIMEOUT, metavar="S", help=timeout_help)
    check.add_argument("--no-in-use", dest="in_use", action="store_false", help=no_in_use)
    check.add_argument("--gradescope", nargs="?", const=Path("/autograder/results/results.json"), type=Path,
                       metavar="PATH", help="also write Gradescope's results.json (default "
                                            "/autograder/results/results.json)")
    check.add_argument("--max-score", type=_positive(float, "a number > 0"), metavar="P",
                       help="Gradescope points of the whole exercise (default 100)")

    grade = sub.add_parser("grade", help="grade a folder of submissions into grades.csv and feedback files",
                           description="Every .py file in DIR (or every sub-folder holding the "
                                       "exercise's file) is one submission.")
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


def dispatch(args) -> int:
    if args.command == "exercise":
        return cmd_list() if args.exercise_command == "list" else cmd_start(args)
    if args.command == "check":
        return cmd_check(args)
    return cmd_grade(args)


def cmd_list() -> int:
    from groundup.exercises.catalogue import exercises

    rows = [["name", "course", "file", "here", "what you write"]]
    for ex in exercises().values():
        rows.append([ex.name, ex.section, ex.file_name, "yes" if Path(ex.file_name).exists() else "-", ex.asks])
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r[:4], widths)) + "  " + r[4])
    return 0


def cmd_start(args) -> int:
    from groundup.exercises.catalogue import get, scaffold

    ex = get(args.name)
    if not args.dir.is_dir():
        raise ConfigError(f"{args.dir} is not a folder")
    target = args.dir / ex.file_name
    if target.exists() and not args.force:
        raise ConfigError(f"{target} already exists; add --force to overwrite it (your work would be lost)")
    target.write_text(scaffold(ex.name), encoding="utf-8")
    print(f"wrote {target}: {len(ex.functions)} functions to write ({', '.join(ex.functions)})")
    print(f"when ready: groundup check {target}")
    return 0


def _resolve(args):
    from groundup.exercises.catalogue import ORDER, from_file_name, get

    if args.file is None:
        if args.exercise:
            args.file = Path(get(args.exercise).file_name)
        else:
            here = [Path(n.replace("-", "_") + ".py") for n in ORDER if Path(n.replace("-", "_") + ".py").exists()]
            if len(here) != 1:
                raise ConfigError("name the file to check (" + ("found: " + ", ".join(map(str, here))
                                  if here else "no exercise file in this folder") + ")")
            args.file = here[0]
    if not args.file.is_file():
        raise ConfigError(f"{args.file}: no such file")
    name = args.exercise or from_file_name(args.file.name)
    if name is None:
        raise ConfigError(f"cannot tell the exercise from the name {args.file.name!r}; add --exercise NAME")
    return get(name)


def cmd_check(args) -> int:
    from groundup.exercises import gradescope
    from groundup.exercises.checking import report_json, run_checks

    with gradescope.on_error(args.gradescope):  # Gradescope shows why instead of an autograder failure
        ex = _resolve(args)
    report = run_checks(args.file, ex, args.timeout, args.in_use)
    print(report_json(report) if args.json else report.text())
    if args.gradescope:
        gradescope.write(args.gradescope, report, ex, args.max_score or gradescope.DEFAULT_MAX_SCORE)
    return 0 if report.passed else 1


def cmd_grade(args) -> int:
    from groundup.exercises import classreport, cluster, regrade
    from groundup.exercises.catalogue import get
    from groundup.exercises.grading import default_jobs, grade, submissions

    ex = get(args.exercise)
    feedback = args.feedback or args.out.parent / "feedback"
    if args.report_only:
        if args.gradescope:
            raise ConfigError("--gradescope needs the checks' messages: grade without --report-only")
        return classreport.report_only(args.dir, args.exercise, args.out, args.quiet)
    folder, only, kept = regrade.select(args.dir, ex, args.out, args.in_use, args.force, submissions)
    began = time.perf_counter()
    on = cluster.cluster_executor(args.scheduler, sees=folder) if args.scheduler else contextlib.nullcontext()
    with on as executor:
        results = grade(folder, args.exercise, args.out, feedback, args.jobs or default_jobs(),
                        args.timeout, args.in_use, args.quiet, only=only, executor=executor)
    wall = time.perf_counter() - began
    if not args.quiet and results:
        width = max(len(g.submission) for g in results)
        for g in results:
            r = g.report
            print(f"{g.submission:<{width}}  {r.score:.2f}  {'passed' if r.passed else 'failed'}  "
                  f"{r.seconds:6.1f} s  {r.error[:70]}".rstrip())
    classreport.finish(None if args.dir.is_file() else folder, args.exercise, args.out, results, wall, kept,
                       args.gradescope, args.max_score, args.quiet)
    passed = sum(g.report.passed for g in results)
    print(f"{len(results)} submissions, {passed} passed every check; wrote {args.out} and "
          f"{len(results)} feedback files in {feedback}/")
    return 0

