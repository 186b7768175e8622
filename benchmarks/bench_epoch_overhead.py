"""What the run folder costs per epoch: the time a run spends committing its epochs, against
the training and evaluation it commits, for 100, 1,000 and 10,000 epochs.

Each run goes through ``groundup.app.launch.start`` into a fresh folder, in this process. The time
inside ``Committer.epoch`` (appending the metrics row, and renaming the fixed-size checkpoint
into place whenever it is due) is the run folder's per-epoch cost; the rest of ``fit`` is
training plus the per-epoch evaluation of both splits. Both are measured in the same run, so
a busy machine slows both alike. The commit cost is shown for the first and the last tenth of
the epochs: it must not grow with the history. The whole run adds loading the data, the
figures and the report once.

The smallest model (logistic regression, 32 steps per epoch) is the worst case: its epochs are
the shortest, so a commit weighs most.

    PYTHONPATH=src python benchmarks/bench_epoch_overhead.py
    ... --epochs 100 1000 10000 --impl nn --dir /path/on/the/training/disk
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def one_run(name: str, impl: str, epochs: int, root: Path) -> dict:
    """Seconds in ``fit``, in commits (per epoch) and of the whole run, for one run."""
    from groundup.store import checkpoint
    from groundup.app import launch
    from groundup.experiments import supervised

    commits, fits = [], []
    real_fit, real_epoch = supervised.fit, checkpoint.Committer.epoch

    def timed_fit(*args, **kwargs):
        began = time.perf_counter()
        try:
            return real_fit(*args, **kwargs)
        finally:
            fits.append(time.perf_counter() - began)

    def timed_epoch(self, row, final):
        began = time.perf_counter()
        real_epoch(self, row, final)
        commits.append(time.perf_counter() - began)

    supervised.fit, checkpoint.Committer.epoch = timed_fit, timed_epoch
    try:
        began = time.perf_counter()
        launch.start(name, impl, "quick", {"epochs": epochs}, root / f"{impl}-{epochs}-{time.time_ns()}",
                     quiet=True, say=lambda *a, **k: None)
        wall = time.perf_counter() - began
    finally:
        supervised.fit, checkpoint.Committer.epoch = real_fit, real_epoch
    tenth = max(1, epochs // 10)
    return {"fit": fits[0], "commit": sum(commits), "wall": wall,
            "first_ms": sum(commits[:tenth]) / tenth * 1e3, "last_ms": sum(commits[-tenth:]) / tenth * 1e3}


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

    torch.set_num_threads(1)
    root = Path(args.dir or tempfile.mkdtemp(prefix="groundup-overhead-"))
    root.mkdir(parents=True, exist_ok=True)
    print(f"{args.experiment} [{args.impl}], runs in {root}; load average {os.getloadavg()[0]:.1f}")
    print(f"{'epochs':>7}  {'train+eval s':>12}  {'commits s':>9}  {'ms/epoch first':>14}  "
          f"{'last tenth':>10}  {'fit ratio':>9}  {'whole run s':>11}  {'ratio':>6}")
    for epochs in args.epochs:
        r = min((one_run(args.experiment, args.impl, epochs, root) for _ in range(args.rounds)),
                key=lambda r: r["commit"])
        work = r["fit"] - r["commit"]
        print(f"{epochs:>7}  {work:12.2f}  {r['commit']:9.2f}  {r['first_ms']:14.3f}  {r['last_ms']:10.3f}  "
              f"{r['fit'] / work:9.2f}  {r['wall']:11.2f}  {r['wall'] / work:6.2f}")


if __name__ == "__main__":
    main()
