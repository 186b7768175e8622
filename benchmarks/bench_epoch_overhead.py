"""What the run folder costs per epoch: a run of N epochs against the same training alone.

For each epoch count, in one process:

* **alone**: ``groundup.train.fit`` with no run folder: training plus the per-epoch evaluation
  of both splits, nothing written;
* **in a run**: the same experiment through ``groundup.launch.start`` into a fresh folder, the
  time spent in ``fit`` (which now includes each epoch's commit: one appended ``metrics.csv``
  row and a fixed-size checkpoint renamed into place) and the whole run's wall time (which
  adds loading the data, the figures and the report once).

The ratio ``fit in a run / alone`` is the per-epoch overhead and must not grow with the epoch
count; the whole run's ratio falls towards it as the one-off costs are spread over more epochs.
The smallest model (logistic regression, 32 steps per epoch) is the worst case: its epochs are
the shortest, so a commit weighs most. On a shared machine the other processes only add time,
so each figure is the fastest of ``--rounds``.

    PYTHONPATH=src python benchmarks/bench_epoch_overhead.py
    ... --epochs 100 1000 10000 --impl numpy --rounds 2
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def alone(exp, impl: str, epochs: int) -> float:
    """Seconds of ``fit`` without a run folder (training and evaluation only)."""
    from groundup.experiments.supervised import load_data
    from groundup.train import fit

    settings = exp.settings("quick", epochs=epochs)
    data = load_data(exp.task, settings)
    learner = exp.task.spec.learner(impl, exp.task.spec.init_params(settings), settings, "cpu")
    began = time.perf_counter()
    fit(learner, data.split, epochs=epochs, batch_size=settings.batch_size, seed=settings.seed,
        lr=settings.lr, task=exp.task.spec.task, quiet=True)
    return time.perf_counter() - began


def in_a_run(name: str, impl: str, epochs: int, root: Path) -> tuple[float, float]:
    """(seconds in ``fit``, wall seconds of the whole run) through ``launch.start``."""
    from groundup import launch
    from groundup.experiments import supervised

    spent = []
    real_fit = supervised.fit

    def timed_fit(*args, **kwargs):
        began = time.perf_counter()
        try:
            return real_fit(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - began)

    supervised.fit = timed_fit
    try:
        began = time.perf_counter()
        launch.start(name, impl, "quick", {"epochs": epochs}, root / f"{impl}-{epochs}-{time.time_ns()}",
                     quiet=True, say=lambda *a, **k: None)
        wall = time.perf_counter() - began
    finally:
        supervised.fit = real_fit
    return spent[0], wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--experiment", default="logistic-synthetic")
    parser.add_argument("--impl", default="numpy", choices=["numpy", "scratch", "nn"])
    parser.add_argument("--epochs", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--dir", type=Path, help="where the run folders go (default: a temporary folder; "
                        "use a folder on the disk you train on)")
    args = parser.parse_args()

    import torch

    from groundup.experiments import get

    torch.set_num_threads(1)
    exp = get(args.experiment)
    root = Path(args.dir or tempfile.mkdtemp(prefix="groundup-overhead-"))
    root.mkdir(parents=True, exist_ok=True)
    print(f"{args.experiment} [{args.impl}], runs in {root}; load average {os.getloadavg()[0]:.1f}")
    print(f"{'epochs':>7}  {'alone s':>8}  {'fit in run s':>12}  {'ratio':>6}  {'ms/epoch':>9}  "
          f"{'whole run s':>11}  {'ratio':>6}")
    for epochs in args.epochs:
        base = min(alone(exp, args.impl, epochs) for _ in range(args.rounds))
        runs = [in_a_run(args.experiment, args.impl, epochs, root) for _ in range(args.rounds)]
        fit_s, wall = min(r[0] for r in runs), min(r[1] for r in runs)
        print(f"{epochs:>7}  {base:8.2f}  {fit_s:12.2f}  {fit_s / base:6.2f}  "
              f"{(fit_s - base) / epochs * 1e3:9.3f}  {wall:11.2f}  {wall / base:6.2f}")


if __name__ == "__main__":
    main()
