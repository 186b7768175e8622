"""How long a learner waits for `groundup check`, and how fast `groundup grade` goes.

Per exercise, the whole check of the correct solution in tests/exercises/solutions, run as a
learner runs it (`groundup check FILE`, a new process: its start-up counts): the wall time,
the share of it the in-use run takes (the report's seconds with the in-use run less those
without it) and the start-up share (the wall time less the report's own seconds: Python,
the imports, the command line, before the first check). The reference runs are cached on
disk after the first check on a machine (~/.cache/groundup/exercises), so every exercise is
checked once before the timed rounds; `--cold` empties that cache before each round instead.

Then grade throughput: 24 submissions of one exercise (correct ones, each wrong solution of
tests/exercises/mistakes.py, ones that raise), graded with --jobs 1 and --jobs 2, in
submissions per minute.

    PYTHONPATH=src GROUNDUP_DATA=/work/shared/datasets python benchmarks/bench_check.py
    ... --only softmax-regression,conv-layer --rounds 3 --grade-exercise softmax-regression
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "tests" / "exercises" / "solutions"


def check(file: Path, exercise: str, in_use: bool) -> tuple[float, dict]:
    """Wall time of one `groundup check --json` in a new process, and its report."""
    cmd = [sys.executable, "-m", "groundup", "check", str(file), "--exercise", exercise, "--json"]
    if not in_use:
        cmd.append("--no-in-use")
    began = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=os.environ)
    wall = time.perf_counter() - began
    report = json.loads(done.stdout)
    if not report["passed"]:
        raise SystemExit(f"{file.name} failed its check: {done.stdout[:500]}")
    return wall, report


def clear_cache() -> None:
    from groundup.data.roots import cache_dir

    shutil.rmtree(cache_dir() / "exercises", ignore_errors=True)


def time_checks(names: list[str], rounds: int, cold: bool) -> None:
    print(f"{'exercise':<20} {'wall s':>7} {'in-use s':>9} {'start-up s':>11} {'--no-in-use wall s':>19}")
    for name in names:
        file = SOLUTIONS / (name.replace("-", "_") + ".py")
        if not cold:
            check(file, name, True)  # warm the reference cache and the page cache
        best = None
        for _ in range(rounds):
            if cold:
                clear_cache()
            wall, full = check(file, name, True)
            wall_quick, quick = check(file, name, False)
            row = (wall, full["seconds"] - quick["seconds"], wall - full["seconds"], wall_quick)
            best = row if best is None or row[0] < best[0] else best
        wall, in_use, startup, quick = best
        print(f"{name:<20} {wall:7.2f} {in_use:9.2f} {startup:11.2f} {quick:19.2f}", flush=True)


def time_grade(exercise: str, n: int, in_use: bool, timeout: float) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_grade import make_submissions

    from groundup.exercises.grading import grade

    tmp = Path(tempfile.mkdtemp(prefix="bench-check-"))
    try:
        subs = tmp / "subs"
        subs.mkdir()
        kinds = make_submissions(subs, exercise, n, 0)
        print(f"\ngrade: {n} submissions of {exercise} ({', '.join(f'{v} {k}' for k, v in kinds.items())}), "
              f"in-use run {'on' if in_use else 'off'}, timeout {timeout:g} s")
        for jobs in (1, 2):
            began = time.perf_counter()
            results = grade(subs, exercise, tmp / f"grades-{jobs}.csv", tmp / f"feedback-{jobs}", jobs, timeout,
                            in_use, quiet=True)
            wall = time.perf_counter() - began
            passed = sum(g.report.passed for g in results)
            print(f"--jobs {jobs}: {wall:6.1f} s wall, {60 * len(results) / wall:6.1f} submissions per minute "
                  f"({passed} of {len(results)} passed)", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", help="comma-separated exercises (default: all)")
    ap.add_argument("--rounds", type=int, default=3, help="timed rounds per exercise; the fastest is shown")
    ap.add_argument("--cold", action="store_true", help="empty the reference cache before every round")
    ap.add_argument("--grade-exercise", default="softmax-regression")
    ap.add_argument("--grade-n", type=int, default=24)
    ap.add_argument("--grade-timeout", type=float, default=120.0)
    ap.add_argument("--no-grade", dest="grade", action="store_false")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from groundup.exercises.catalogue import ORDER
    from groundup.training.threads import cores

    names = args.only.split(",") if args.only else list(ORDER)
    print(f"{cores()} cores, load average {' '.join(f'{v:.2f}' for v in os.getloadavg())} "
          f"(1, 5, 15 min); fastest of {args.rounds} rounds{', cold reference cache' if args.cold else ''}")
    time_checks(names, args.rounds, args.cold)
    if args.grade:
        time_grade(args.grade_exercise, args.grade_n, True, args.grade_timeout)
    print(f"load average at the end {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
