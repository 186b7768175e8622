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
slice of the prepared array (see ``groundup.train.fit``). Both sides are timed over the
training pass of an epoch only (forward, loss, backward, update, data); evaluation is left out
on both sides. Each measurement is repeated and the fastest repeat is reported: on a shared
machine the other processes only ever add time.

    PYTHONPATH=src GROUNDUP_DATA=/work/shared/datasets python benchmarks/bench_softmax.py
    ... --dataset mnist --repeats 5 --classic-repeats 2 --threads 1

Peak memory is the resident set's high-water mark (VmHWM), reset before each phase where the
kernel allows it (``/proc/self/clear_refs``), so each phase's peak is its own.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from groundup.data import vision  # noqa: E402
from groundup.experiments.softmax import SEED, SPEC  # noqa: E402
from groundup.experiments.base import Settings  # noqa: E402
from groundup.data.preprocess import scale_images  # noqa: E402
from groundup.models import IMPLS  # noqa: E402
from groundup.train import Split, fit  # noqa: E402

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


class ClassicImages(Dataset):
    """Per-sample access as torchvision's MNIST/FashionMNIST with ``ToTensor()`` does it."""

    def __init__(self, images: np.ndarray, labels: np.ndarray, pil: bool = True):
        self.data = torch.from_numpy(images)  # uint8 (N, 28, 28), as torchvision keeps it
        self.targets = torch.from_numpy(labels)
        self.pil = pil

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, i: int):
        img, target = self.data[i], int(self.targets[i])
        if self.pil:
            pic = Image.fromarray(img.numpy(), mode="L")
            array = np.array(pic, np.uint8, copy=True)  # ToTensor: PIL -> NumPy copy
            t = torch.from_numpy(array).view(pic.size[1], pic.size[0], 1).permute(2, 0, 1).contiguous()
            return t.to(torch.float32).div(255), target
        return img.to(torch.float32).div(255).unsqueeze(0), target


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


def time_classic(images, labels, settings: Settings, repeats: int, pil: bool) -> tuple[list[float], float]:
    _reset_peak()
    torch.manual_seed(settings.seed)
    loader = DataLoader(ClassicImages(images, labels, pil), batch_size=settings.batch_size, shuffle=True)
    rng = np.random.default_rng(settings.seed)
    w = torch.tensor(rng.normal(0, settings.init_std, (784, 10)), dtype=torch.float32, requires_grad=True)
    b = torch.zeros(10, requires_grad=True)
    times = [classic_epoch(loader, w, b, settings.lr, settings.batch_size) for _ in range(repeats)]
    return times, _peak_mb()


# ----------------------------------------------------------------------------- groundup


def time_groundup(impl: str, split: Split, settings: Settings, repeats: int) -> tuple[list[float], float, float]:
    """Seconds of each epoch's training pass (``fit`` measures them without evaluation), the
    peak memory, and the final test accuracy. The first epoch is a warm-up and not counted."""
    _reset_peak()
    learner = SPEC.learner(impl, SPEC.init_params(settings), settings, "cpu")
    h = fit(learner, split, epochs=repeats + 1, batch_size=settings.batch_size, seed=settings.seed,
            lr=settings.lr, quiet=True)
    return h.column("seconds")[1:], _peak_mb(), h.last.test_accuracy


# ----------------------------------------------------------------------------- what bounds an epoch


def _fastest(fn, repeats: int = 5) -> float:
    best = float("inf")
    for _ in range(repeats):
        began = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - began)
    return best


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
    rows = [
        ("gather the batches, x[idx]", _fastest(lambda: [x[i] for i in idx]), _fastest(lambda: [xt[i] for i in idt])),
        ("  torch index_select instead", float("nan"), _fastest(lambda: [xt.index_select(0, i) for i in idt])),
        ("forward X W^T (batch x 784 x 10)", _fastest(lambda: [xb @ w.T for _ in range(k)]),
         _fastest(lambda: [xbt @ wt.T for _ in range(k)])),
        ("weight gradient dZ^T X", _fastest(lambda: [dz.T @ xb for _ in range(k)]),
         _fastest(lambda: [dzt.T @ xbt for _ in range(k)])),
    ]
    big = np.random.default_rng(2).random((1024, 1024), dtype=np.float32)
    bigt = torch.from_numpy(big)
    rate = lambda sec: 2 * 1024**3 / sec / 1e9  # noqa: E731
    rows.append(("1024^3 product, GFLOP/s (peak for scale)", rate(_fastest(lambda: big @ big)),
                 rate(_fastest(lambda: bigt @ bigt))))
    return rows


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dataset", default="fashion-mnist", choices=["fashion-mnist", "mnist"])
    p.add_argument("--repeats", type=int, default=5, help="timed epochs per groundup implementation")
    p.add_argument("--classic-repeats", type=int, default=1, help="timed epochs of the classic pipeline")
    p.add_argument("--no-pil-repeats", type=int, default=1,
                   help="timed epochs of the classic pipeline without the PIL step (0 to skip)")
    p.add_argument("--threads", type=int, help="torch intra-op threads (default: torch's choice)")
    p.add_argument("--impl", nargs="+", default=list(IMPLS), choices=IMPLS)
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
    loaded = time.perf_counter()
    split = Split(scale_images(d.x_train), d.y_train, scale_images(d.x_test), d.y_test)
    print(f"load + verify once: {loaded - began:.2f} s; scale once to float32: "
          f"{time.perf_counter() - loaded:.2f} s; peak so far {_peak_mb():.0f} MB")
    resettable = _reset_peak()

    rows = []  # (name, seconds per epoch (fastest), all times, peak MB, note)
    times, peak = time_classic(d.x_train, d.y_train, settings, args.classic_repeats, pil=True)
    rows.append(("classic (PIL + ToTensor per sample)", min(times), times, peak, ""))
    if args.no_pil_repeats:
        times, peak = time_classic(d.x_train, d.y_train, settings, args.no_pil_repeats, pil=False)
        rows.append(("classic without the PIL step", min(times), times, peak, ""))
    classic = rows[0][1]
    for impl in args.impl:
        times, peak, acc = time_groundup(impl, split, settings, args.repeats)
        rows.append((f"groundup {impl}", min(times), times, peak, f"test acc. {acc:.4f} after {len(times) + 1} epochs"))

    print(f"\n{'pipeline':<38} {'s/epoch':>8} {'median':>8} {'speed-up':>9} {'peak MB':>8}")
    for name, best, times, peak, note in rows:
        print(f"{name:<38} {best:8.3f} {statistics.median(times):8.3f} {classic / best:8.1f}x {peak:8.0f}  {note}")
    print(f"\nspeed-up = classic epoch / epoch (fastest repeat of each). Peak memory: "
          f"{'per phase' if resettable else 'of the whole process so far (VmHWM could not be reset)'}; "
          f"process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB.")
    # forward X W^T and the weight gradient dZ^T X; the input needs no gradient. 2 FLOPs per multiply-add.
    flop_floor = 2 * 2 * len(split.y_train) * 784 * 10
    print(f"Work per epoch: {flop_floor / 1e9:.2f} GFLOP in two (n x 784)-by-(784 x 10) products.")
    for name, best, *_ in rows[-len(args.impl):]:
        print(f"  {name}: {flop_floor / best / 1e9:5.1f} GFLOP/s effective; 100 epochs of training "
              f"~ {100 * best:.1f} s")
    if args.breakdown:
        print(f"\nWhat one epoch's pieces cost alone ({-(-len(split.y_train) // settings.batch_size)} batches, "
              f"fastest of 5), NumPy | torch:")
        for name, a, b in breakdown(split, settings.batch_size):
            print(f"  {name:<42} {a:8.4f} {b:8.4f}")
        print("  (for the epoch rows: seconds per epoch; the rest of an epoch is the loss, the update "
              "and the Python/dispatch overhead of ~10-30 small operations per step)")
    return 0



if __name__ == "__main__":
    sys.exit(main())
