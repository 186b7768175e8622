"""Epoch time alone and beside a busy neighbour, with one thread per core against ``--threads auto``.

For each experiment and implementation, ``groundup run`` trains a few epochs in a fresh process
four times: machine as it is / with a neighbour process that keeps one core busy, each with
``--threads N`` (N = the cores: torch's and OpenBLAS's own default, what groundup did before
``auto``) and with ``--threads auto``. The epoch time is the median of the run's epochs from
its metrics.csv (training pass only). The neighbour is a Python busy loop that stops by
itself after ``--neighbour-seconds`` (and is stopped as soon as the measurement is done).

    PYTHONPATH=src GROUNDUP_DATA=/work/shared/datasets python benchmarks/bench_busy.py
    ... --only mlp-mnist,cnn-mnist --impls nn --epochs 3
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from groundup.store.runs import RunFolder  # noqa: E402
from groundup.training.threads import cores  # noqa: E402

EXPERIMENTS = ["logistic-synthetic", "diabetes", "softmax-fashion-mnist", "mlp-mnist", "cnn-mnist"]
# Epochs of a millisecond or less need many for a stable median (a single 3-4 ms time slice
# lent to the neighbour would triple one of them): at least this many epochs each.
MIN_EPOCHS = {"logistic-synthetic": 200, "diabetes": 200, "softmax-fashion-mnist": 20}
BURN = "import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass\n"


def epoch_seconds(name: str, impl: str, threads: str, epochs: int, out: Path,
                  arrives: float | None = None) -> float | None:
    """Median training seconds per epoch of one ``groundup run`` (None if it did not run).

    ``arrives``: start a neighbour (bounded by that many seconds) once the first epoch is done,
    and give the median of the epochs after it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "MPLBACKEND": "Agg"}
    shutil.rmtree(out, ignore_errors=True)
    run = subprocess.Popen([sys.executable, "-m", "groundup", "run", name, "--impl", impl,
                            "--preset", "quick", "--epochs", str(epochs), "--threads", threads,
                            "--quiet", "--out", str(out)],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    burner = None
    if arrives is not None:
        while run.poll() is None and len(_rows(out)) < 1:
            time.sleep(0.01)
        burner = subprocess.Popen([sys.executable, "-c", BURN.format(seconds=arrives)])
    try:
        _, err = run.communicate()
    finally:
        if burner is not None:
            burner.terminate()
            burner.wait()
    if run.returncode != 0:
        print(f"  {name} [{impl}] --threads {threads}: {err.strip().splitlines()[-1:]}")
        return None
    if threads == "auto":  # what auto chose, and why (config.json records it)
        chosen = json.loads((out / "config.json").read_text()).get("threads") or {}
        print(f"  {name} [{impl}] auto: {chosen.get('count')} thread(s) at the start, {chosen.get('why')}",
              file=sys.stderr)
    rows = _rows(out)[1 if arrives is not None else 0:]
    return statistics.median(float(row["seconds"]) for row in rows)


def _rows(out: Path) -> list[dict]:
    return RunFolder(out, create=False).read_metrics() if (out / "config.json").is_file() else []


def with_neighbour(seconds: float, measure):
    """Run ``measure()`` while a busy-loop process (bounded by ``seconds``) keeps a core busy."""
    burner = subprocess.Popen([sys.executable, "-c", BURN.format(seconds=seconds)])
    try:
        time.sleep(0.3)  # let it get scheduled
        return measure()
    finally:
        burner.terminate()
        burner.wait()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", default=",".join(EXPERIMENTS), help="comma-separated experiments")
    p.add_argument("--impls", default="numpy,scratch,nn", help="comma-separated implementations")
    p.add_argument("--epochs", type=int, default=3, help="epochs per run (more for the tiny models: MIN_EPOCHS)")
    p.add_argument("--neighbour-seconds", type=float, default=300.0,
                   help="the neighbour's own time limit (it is stopped earlier when done)")
    args = p.parse_args()
    n = cores()
    print(f"{n} cores; load average {os.getloadavg()[0]:.2f} at start")
    print(f"| experiment | impl | alone, {n} threads | alone, auto | alone, 1 thread | neighbour, {n} threads | "
          f"neighbour, auto | neighbour arrives, auto | neighbour / alone, {n} threads | neighbour / alone, auto | "
          f"arrives / alone, auto | 1 thread / auto, alone |")
    print("| --- " * 12 + "|")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run"
        for name in args.only.split(","):
            for impl in args.impls.split(","):
                t = {}
                epochs = max(args.epochs, MIN_EPOCHS.get(name, 0))
                for threads in (str(n), "auto"):
                    t["alone", threads] = epoch_seconds(name, impl, threads, epochs, out)
                    t["busy", threads] = with_neighbour(
                        args.neighbour_seconds, lambda: epoch_seconds(name, impl, threads, epochs, out))
                # Beside a neighbour that keeps one core busy, one thread can at best run as it does
                # alone: the last column is the lowest "neighbour / alone, auto" that one thread can
                # reach. Two threads share the other core with the neighbour (2/3 of a core each at
                # a fair share, so 1.5x their time alone at the very best) and in practice wait
                # for each other far longer (the "neighbour, N threads" column).
                t["alone", "1"] = epoch_seconds(name, impl, "1", epochs, out)
                # A neighbour that starts after the run did: auto's guard must notice it.
                t["arrives", "auto"] = epoch_seconds(name, impl, "auto", max(epochs, 4), out,
                                                     arrives=args.neighbour_seconds)
                if None in t.values():
                    continue
                cells = [f"{t[k]:.3g}" for k in (("alone", str(n)), ("alone", "auto"), ("alone", "1"),
                                                  ("busy", str(n)), ("busy", "auto"), ("arrives", "auto"))]
                ratios = [f"{t['busy', th] / t['alone', th]:.2f}×" for th in (str(n), "auto")]
                ratios.append(f"{t['arrives', 'auto'] / t['alone', 'auto']:.2f}×")
                ratios.append(f"{t['alone', '1'] / t['alone', 'auto']:.2f}×")
                print(f"| {name} | {impl} | " + " | ".join(cells + ratios) + " |", flush=True)
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
