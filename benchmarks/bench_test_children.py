"""What a child of the test suite costs (``tests/forked.py``): forked from a server that has
imported ``torch._dynamo`` too, as the suite's is, against one that has not (a ``torch.optim``
optimizer imports it on first use, so a child that trains with torch.nn imports it itself).

Each way runs in a process of its own (a fork server is one per process), and the two alternate
round by round, so a busy machine slows both alike. A round times ``--children`` children, each a
``groundup run`` of logistic-synthetic (quick preset, 2 epochs) with ``--impl nn`` and then with
``--impl numpy``; the numbers are the medians of all rounds' children, and their ratios.

    python benchmarks/bench_test_children.py
    ... --rounds 5 --children 4
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one_round(preload: str, children: int) -> dict[str, list[float]]:
    """In this process: start the fork server, then time the children of each implementation."""
    sys.path.insert(0, str(ROOT / "tests"))
    import forked

    if preload == "without":
        forked.PRELOAD = [m for m in forked.PRELOAD if m != "torch._dynamo"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1"}
    times: dict[str, list[float]] = {"nn": [], "numpy": []}
    with tempfile.TemporaryDirectory() as tmp:
        forked.Child(["--version"], cwd=tmp, env=env).communicate(timeout=120)  # the server starts
        for i in range(children):
            for impl in times:
                start = time.perf_counter()
                child = forked.Child(["run", "logistic-synthetic", "--impl", impl, "--preset", "quick", "--epochs",
                                      "2", "--quiet", "--out", f"{tmp}/{impl}{i}"], cwd=tmp, env=env)
                _, err = child.communicate(timeout=300)
                if child.returncode != 0:
                    raise SystemExit(err)
                times[impl].append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--children", type=int, default=4, help="children of each implementation per round")
    parser.add_argument("--one-round", choices=["with", "without"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_round:
        print(json.dumps(one_round(args.one_round, args.children)))
        return
    seen = {way: {"nn": [], "numpy": []} for way in ("with", "without")}
    for r in range(args.rounds):
        for way in seen:
            out = subprocess.run([sys.executable, __file__, "--one-round", way, "--children", str(args.children)],
                                 capture_output=True, text=True, check=True).stdout
            for impl, ts in json.loads(out).items():
                seen[way][impl] += ts
        print(f"round {r + 1} of {args.rounds} done", file=sys.stderr)
    print("| child | server imported torch._dynamo | it did not | ratio |")
    print("| --- | --- | --- | --- |")
    for impl in ("nn", "numpy"):
        a, b = statistics.median(seen["with"][impl]), statistics.median(seen["without"][impl])
        print(f"| run --impl {impl} | {a:.2f} s | {b:.2f} s | {a / b:.2f} |")


if __name__ == "__main__":
    main()
