"""Softmax regression on (Fashion-)MNIST: one epoch of the classic lab pipeline against one
epoch of each groundup implementation, same hyperparameters, one process.

The classic pipeline is what the seed lab (000 §3) ran through torchvision, rebuilt here
without torchvision:

* a ``Dataset`` whose ``__getitem__`` turns one uint8 image into a PIL image and then, as
  ``transforms.ToTensor`` does, into a NumPy copy and a float tensor divided by 255;
* a ``DataLoader`` with batch 256 and shuffle (default collate, no workers);
* the by-hand model: W ~ N(0, 0.01^2) (784, 10), b = 0, softmax as exp / sum(exp), the
  cross-entropy as -log(p[y]) summed over the batch, SGD as p -= lr * grad / batch.

groundup loads the images once, scales them once to float32, and takes each batch as an index
slice of the prepared array (see ``groundup.training.train.fit``). Both sides are timed over the
training pass of an epoch only (data, forward, loss, backward, update); evaluation is left out
on both. After one warm-up epoch each, the rounds run one classic epoch and then one epoch of
each implementation, back to back; the fastest epoch of each is reported (on a shared machine
other processes only ever add time), and the speed-up per round as well.

    PYTHONPATH=src GROUNDUP_DATA=/work/shared/datasets python benchmarks/bench_softmax.py
    ... --dataset mnist --rounds 5 --threads 1 --no-pil

Peak memory is the resident set's high-water mark (VmHWM), reset before each pipeline's
warm-up epoch where the kernel allows it (``/proc/self/clear_refs``): the whole process's
peak (data, torch, the pipeline) while that pipeline ran. The breakdown at the end times the
pieces of an epoch alone (gather, the two matrix products) and the fixed cost of each
implementation's training step on a 2-row batch, to show what bounds it.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from groundup.data import vision  # noqa: E402
from groundup.experiments.softmax import SEED, SPEC  # noqa: E402
from groundup.core.settings import Settings  # noqa: E402
from groundup.data.preprocess import scale_images  # noqa: E402
from groundup.core.models import IMPLS  # noqa: E402
from groundup.training.registry import build_learner  # noqa: E402
from groundup.training.train import Split, fit  # noqa: E402

from common import ClassicImages, fastest, settle  # noqa: E402  (benchmarks/common.py, beside this script)

# ----------------------------------------------------------------------------- memory


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS counter of this process (Linux >= 4.0); False if not allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_mb() -> float:
    """This process's peak resident set in MB since the last reset (or since it started)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    scale = 1 if platform.system() == "Darwin" else 1024  # ru_maxrss: bytes on macOS, KB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / scale / 2**20


# ----------------------------------------------------------------------------- the classic pipeline


def classic_epoch(loader: DataLoader, w: torch.Tensor, b: torch.Tensor, lr: float, batch: int) -> float:
    """One training epoch of the seed's by-hand softmax regression; returns its seconds."""
    began = time.perf_counter()
    correct = 0
    for x, y in loader:
        z = x.view(-1, w.shape[0]) @ w + b
        p = z.exp() / z.exp().sum(dim=1, keepdim=True)  # naive softmax, as the lab wrote it
        loss = -torch.log(p.gather(1, y.view(-1, 1))).sum()  # summed over the batch
        loss.backward()
        with torch.no_grad():
            for param in (w, b):
                param -= lr * param.grad / batch
                param.grad.zero_()
        correct += int((p.argmax(dim=1) == y).sum())
    return time.perf_counter() - began


class Classic:
    """The classic pipeline, one epoch at a time."""

    def __init__(self, images, labels, settings: Settings, pil: bool):
        torch.manual_seed(settings.seed)
        self.loader = DataLoader(ClassicImages(images, labels, pil), batch_size=settings.batch_size, shuffle=True)
        rng = np.random.default_rng(settings.seed)
        self.w = torch.tensor(rng.normal(0, settings.init_std, (784, 10)), dtype=torch.float32, requires_grad=True)
        self.b = torch.zeros(10, requires_grad=True)
        self.lr, self.batch = settings.lr, settings.batch_size

    def epoch(self) -> float:
        return classic_epoch(self.loader, self.w, self.b, self.lr, self.batch)


# ----------------------------------------------------------------------------- groundup


class Ours:
    """One groundup implementation, one epoch at a time: ``fit`` continued for one more epoch
    (its ``seconds`` cover the training pass only; the evaluation after it is not counted)."""

    def __init__(self, impl: str, split: Split, settings: Settings):
        self.learner = build_learner(SPEC, impl, SPEC.init_params(settings), settings, "cpu")
        self.split, self.settings, self.history = split, settings, None

    def epoch(self) -> float:
        s = self.settings
        epochs = 1 + (len(self.history.records) if self.history else 0)
        self.history = fit(self.learner, self.split, epochs=epochs, batch_size=s.batch_size, seed=s.seed,
                           lr=s.lr, quiet=True, history=self.history)
        return self.history.last.seconds


# ----------------------------------------------------------------------------- what bounds an epoch


def breakdown(split: Split, batch: int) -> list[tuple[str, float, float]]:
    """The pieces of one epoch timed alone over the epoch's batches (fastest of 5), NumPy and torch:
    (piece, NumPy seconds, torch seconds). Also the rate of a large square product for scale."""
    x = split.x_train
    n = len(x)
    order = np.random.default_rng(0).permutation(n)
    idx = [order[i:i + batch] for i in range(0, n, batch)]
    w = np.random.default_rng(1).normal(0, 0.01, (10, 784)).astype(np.float32)
    xb, dz = x[idx[0]], np.ones((len(idx[0]), 10), np.float32)
    xt, wt, xbt, dzt = torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(xb), torch.from_numpy(dz)
    idt = [torch.from_numpy(i) for i in idx]
    k = len(idx)

    def each(fn) -> float:
        """fn(i) for every batch i of an epoch, results dropped at once (as in training)."""
        def epoch():
            for i in range(k):
                fn(i)
        return fastest(epoch)

    rows = [
        ("gather the batches, x[idx]", each(lambda i: x[idx[i]]), each(lambda i: xt[idt[i]])),
        ("  torch index_select instead", float("nan"), each(lambda i: xt.index_select(0, idt[i]))),
        ("forward X W^T (batch x 784 x 10)", each(lambda i: xb @ w.T), each(lambda i: xbt @ wt.T)),
        ("weight gradient dZ^T X", each(lambda i: dz.T @ xb), each(lambda i: dzt.T @ xbt)),
        ("input gradient dZ W (numpy_impl computes it)", each(lambda i: dz @ w), each(lambda i: dzt @ wt)),
    ]
    big = np.random.default_rng(2).random((1024, 1024), dtype=np.float32)
    bigt = torch.from_numpy(big)
    rate = lambda sec: 2 * 1024**3 / sec / 1e9  # noqa: E731
    rows.append(("1024^3 product, GFLOP/s (for scale)", rate(fastest(lambda: big @ big)),
                 rate(fastest(lambda: bigt @ bigt))))
    return rows


def step_cost(impl: str, split: Split, settings: Settings, steps: int) -> float:
    """Seconds that ``steps`` training steps of one implementation take on a 2-row batch: the
    fixed cost of a step (Python, operator dispatch, autograd's graph, the optimizer) with
    almost no arithmetic. No epoch of that implementation can be faster than this."""
    learner = build_learner(SPEC, impl, SPEC.init_params(settings), settings, "cpu")
    learner.set_lr(settings.lr)  # as fit does before an epoch
    x, y = learner.prepare(split.x_train[:2], split.y_train[:2])

    def epoch():
        for _ in range(steps):
            learner.train_step(x, y)
    epoch()
    return fastest(epoch)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dataset", default="fashion-mnist", choices=["fashion-mnist", "mnist"])
    p.add_argument("--rounds", type=int, default=3,
                   help="rounds of one classic epoch followed by one epoch of each implementation")
    p.add_argument("--no-pil", action="store_true",
                   help="also time one epoch of the classic pipeline without the PIL step")
    p.add_argument("--threads", type=int, help="torch intra-op threads (default: torch's choice)")
    p.add_argument("--impl", nargs="+", default=list(IMPLS), choices=IMPLS)
    p.add_argument("--limit", type=int, metavar="N",
                   help="train on the first N training images only (a quick check that the script runs)")
    p.add_argument("--settle", type=float, default=0.5,
                   help="seconds of rest before each timed epoch (default 0.5), so that the previous "
                        "pipeline's BLAS threads have stopped spinning")
    p.add_argument("--no-breakdown", dest="breakdown", action="store_false",
                   help="skip timing the pieces of an epoch (gather, products) one by one")
    args = p.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    settings = Settings().with_overrides(**SEED)
    print(f"softmax regression 784-10 on {args.dataset}: batch {settings.batch_size}, lr {settings.lr:g}; "
          f"torch {torch.__version__} ({torch.get_num_threads()} threads), numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs, load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    began = time.perf_counter()
    d = vision.load(args.dataset)
    if args.limit:
        d = dataclasses.replace(d, x_train=d.x_train[:args.limit], y_train=d.y_train[:args.limit])
    loaded = time.perf_counter()
    split = Split(scale_images(d.x_train), d.y_train, scale_images(d.x_test), d.y_test)
    print(f"once per run: load + verify {loaded - began:.2f} s, scale to float32 "
          f"{time.perf_counter() - loaded:.2f} s; peak memory after loading {_peak_mb():.0f} MB")

    # Each pipeline's first epoch is a warm-up (and its peak memory is measured alone); then the
    # rounds: classic and ours back to back, so that a speed-up is measured under one load.
    names = ["classic"] + (["classic without PIL"] if args.no_pil else []) + list(args.impl)
    runners, peaks, warm = {}, {}, {}
    for name in names:
        settle(args.settle)
        _reset_peak()
        if name.startswith("classic"):
            runners[name] = Classic(d.x_train, d.y_train, settings, pil=name == "classic")
        else:
            runners[name] = Ours(name, split, settings)
        warm[name] = runners[name].epoch()
        peaks[name] = _peak_mb()
    times = {name: [] for name in names}
    for _ in range(args.rounds):
        for name in names:
            if name == "classic without PIL" and times[name]:
                continue  # one is enough to show what the PIL step costs
            settle(args.settle)
            times[name].append(runners[name].epoch())
    for name in names:
        if not times[name]:
            times[name] = [warm[name]]

    classic = min(times["classic"])
    labels = {"classic": "classic (PIL + ToTensor per sample)", "classic without PIL": "classic without the PIL step"}
    print(f"\n{'pipeline':<38} {'s/epoch':>8} {'median':>8} {'speed-up':>9} {'per round':>10} {'peak MB':>8}")
    for name in names:
        t = times[name]
        rounds = [c / o for c, o in zip(times["classic"], t)] if not name.startswith("classic") else []
        per_round = f"{statistics.median(rounds):9.1f}x" if rounds else ""
        label = labels.get(name, f"groundup {name}")
        print(f"{label:<38} {min(t):8.3f} {statistics.median(t):8.3f} {classic / min(t):8.1f}x {per_round:>10} "
              f"{peaks[name]:8.0f}")
    print(f"\ns/epoch: fastest of {args.rounds} timed epochs (after one warm-up epoch); speed-up: fastest "
          f"classic / fastest; per round: median over rounds of classic / ours measured back to back. "
          f"Peak memory: the process's resident peak (VmHWM) during each pipeline's warm-up epoch; "
          f"process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB.")
    for name in args.impl:
        acc = runners[name].history.last.test_accuracy
        print(f"  groundup {name}: test accuracy {acc:.4f} after {len(runners[name].history.records)} epochs; "
              f"100 epochs of training at this speed: {100 * min(times[name]):.1f} s")
    # forward X W^T and the weight gradient dZ^T X; the input needs no gradient. 2 FLOPs per multiply-add.
    flops = 2 * 2 * len(split.y_train) * 784 * 10
    print(f"\nWork per epoch: {flops / 1e9:.2f} GFLOP in two (n x 784)-by-(784 x 10) products.")
    if args.breakdown:
        pieces = breakdown(split, settings.batch_size)
        peak = pieces[-1][1:]
        print(f"What an epoch's pieces cost alone ({-(-len(split.y_train) // settings.batch_size)} batches, "
              f"fastest of 5), NumPy | torch, seconds per epoch:")
        for name, a, b in pieces[:-1]:
            print(f"  {name:<44} {a:8.4f} {b:8.4f}")
        print(f"  {pieces[-1][0]:<44} {peak[0]:8.1f} {peak[1]:8.1f}")
        print(f"  FLOP floor at that peak: {flops / max(peak) / 1e9 * 1e3:.0f} ms per epoch.")
        steps = -(-len(split.y_train) // settings.batch_size)
        # the pieces every epoch needs: the gather (NumPy's x[idx]; torch's index_select), X W^T, dZ^T X
        kernels = {"numpy": sum(row[1] for row in pieces[:1] + pieces[2:4]),
                   "torch": sum(row[2] for row in pieces[1:4])}
        print(f"The fixed cost of {steps} training steps on a 2-row batch (dispatch, autograd, optimizer; "
              f"fastest of 5), and with the gather and the two products above added, a lower bound for "
              f"an epoch:")
        for name in args.impl:
            fixed = step_cost(name, split, settings, steps)
            bound = fixed + kernels["numpy" if name == "numpy" else "torch"]
            print(f"  groundup {name:<8} fixed {fixed * 1e3:5.1f} ms  bound {bound * 1e3:5.1f} ms  "
                  f"= {classic / bound:5.1f}x the classic epoch at most (measured {min(times[name]) * 1e3:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
