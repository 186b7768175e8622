"""`groundup grade` on 40 generated submissions of one exercise, with --jobs 1 and --jobs 2.

The submissions mix what a teacher receives: correct ones, wrong ones (each of the exercise's
mistakes in tests/exercises/mistakes.py), ones that raise, and ones that never end (killed
at the timeout). Each is checked with its in-use run (logistic-regression trains on the
synthetic set, so no data files are needed). The wall time of the whole grade with one and
with two worker processes shows whether both cores are used: a ratio near 2 means they are.
Then the same grade on a local Dask cluster of as many single-threaded worker processes as the
largest pool (``--scheduler``'s path: the same check function, sent through the cluster's
executor), so that the two rates in submissions per minute compare the executors, not the
machines (the cluster's start-up is timed apart).

    PYTHONPATH=src python benchmarks/bench_grade.py
    ... --exercise softmax-regression --no-in-use --n 40 --timeout 5
    ... --no-dask   (the local pool only)
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests" / "exercises"
RAISES = '"""Raises."""\n\n\n{defs}'
ENDLESS = '"""Never ends."""\n\n\ndef {first}(*args):\n    while True:\n        pass\n'


def cpu_seconds() -> float:
    """CPU time of the whole machine (every core's busy time, from /proc/stat): a sandbox killed at
    its time limit is never waited for by its parent, so its time would be missing from this
    process's getrusage. Elsewhere than Linux, this process and its waited-for descendants."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
        return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # all but idle, iowait
    except (OSError, ValueError, IndexError):
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def make_submissions(folder: Path, exercise: str, n: int, n_endless: int) -> dict[str, int]:
    """n files: about half correct, a third wrong, the rest raising or never ending."""
    from groundup.exercises.catalogue import get

    ex = get(exercise)
    stem = exercise.replace("-", "_")
    correct = (TESTS / "solutions" / f"{stem}.py").read_text()
    sys.path.insert(0, str(TESTS))
    from mistakes import MISTAKES, write_wrong

    scratch = folder.parent / "wrong"
    wrong = []
    for name in MISTAKES.get(stem, {}):
        (scratch / name).mkdir(parents=True, exist_ok=True)
        wrong.append(write_wrong(stem, name, scratch / name).read_text())
    raises = RAISES.format(defs="".join(f"def {f}(*args):\n    raise ValueError('oops')\n\n\n" for f in ex.functions))
    kinds = {"endless": n_endless, "raises": max(1, n // 10)}
    kinds["wrong"] = n // 3
    kinds["correct"] = n - sum(kinds.values())
    i = 0
    for kind, count in kinds.items():
        for k in range(count):
            text = {"correct": correct, "raises": raises, "endless": ENDLESS.format(first=ex.functions[0]),
                    "wrong": wrong[k % len(wrong)] if wrong else correct}[kind]
            (folder / f"student{i:02d}_{kind}.py").write_text(text)
            i += 1
    return kinds


def dask_rate(subs: Path, tmp: Path, args, pool_seconds: float) -> None:
    """The same grade through a local Dask cluster of ``args.jobs`` single-threaded workers."""
    try:
        from distributed import LocalCluster
    except ImportError:
        print("dask.distributed is not installed (pip install 'groundup[cluster]'): no Dask rate")
        return
    from groundup.exercises.cluster import cluster_executor
    from groundup.exercises.grading import grade

    began = time.perf_counter()
    with LocalCluster(n_workers=args.jobs, processes=True, threads_per_worker=1, dashboard_address=None,
                      memory_limit=None) as local:
        start = time.perf_counter() - began
        out = tmp / "grades-dask.csv"
        began = time.perf_counter()
        with cluster_executor(local.scheduler_address) as executor:
            grade(subs, args.exercise, out, tmp / "feedback-dask", args.jobs, args.timeout, args.in_use,
                  quiet=True, executor=executor)
        wall = time.perf_counter() - began
    rows = list(csv.DictReader(out.open()))
    passed = sum(r["passed"] == "true" for r in rows)
    print(f"Dask, {args.jobs} workers: {wall:6.1f} s wall ({start:.1f} s more to start the cluster), "
          f"{60 * len(rows) / wall:.1f} submissions per minute against the pool's {60 * len(rows) / pool_seconds:.1f}, "
          f"{passed}/{len(rows)} passed")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--exercise", default="logistic-regression")
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--endless", type=int, default=2, help="submissions that never end (default 2)")
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("--no-in-use", dest="in_use", action="store_false")
    ap.add_argument("--jobs", type=int, default=2, help="the largest pool, and the Dask workers (default 2)")
    ap.add_argument("--no-dask", dest="dask", action="store_false", help="skip the local Dask cluster")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from groundup.exercises.grading import grade
    from groundup.training.threads import cores

    tmp = Path(tempfile.mkdtemp(prefix="bench-grade-"))
    try:
        subs = tmp / "subs"
        subs.mkdir()
        kinds = make_submissions(subs, args.exercise, args.n, args.endless)
        print(f"{args.n} submissions of {args.exercise} ({', '.join(f'{v} {k}' for k, v in kinds.items())}), "
              f"timeout {args.timeout:g} s, in-use run {'on' if args.in_use else 'off'}; "
              f"{cores()} cores, load average {os.getloadavg()[0]:.2f}")
        times = {}
        for jobs in sorted({1, args.jobs}):
            out = tmp / f"grades-{jobs}.csv"
            cpu0 = cpu_seconds()
            began = time.perf_counter()
            grade(subs, args.exercise, out, tmp / f"feedback-{jobs}", jobs, args.timeout, args.in_use, quiet=True)
            times[jobs] = time.perf_counter() - began
            cores = (cpu_seconds() - cpu0) / times[jobs]
            rows = list(csv.DictReader(out.open()))
            passed = sum(r["passed"] == "true" for r in rows)
            busy = sum(float(r["seconds"]) for r in rows)
            print(f"--jobs {jobs}: {times[jobs]:6.1f} s wall, {60 * len(rows) / times[jobs]:.1f} submissions per "
                  f"minute, {busy / times[jobs]:.2f} submissions checked at once on average (their seconds "
                  f"summed / wall), {cores:.2f} cores busy on average (the machine's CPU time / wall), "
                  f"{passed}/{len(rows)} passed")
        if args.jobs > 1:
            print(f"speed-up with {args.jobs} jobs: {times[1] / times[args.jobs]:.2f}x")
        if args.dask:
            dask_rate(subs, tmp, args, times[args.jobs])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
