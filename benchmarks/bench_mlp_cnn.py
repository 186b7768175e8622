"""mlp-mnist and cnn-mnist: one epoch of the classic per-sample pipeline against one epoch of
each groundup implementation, in one process, with the epoch's FLOP floor for scale.

The classic pipeline is the course's (001, 004 §9-10), rebuilt without torchvision:

* ``bench_softmax.ClassicImages``: the same per-sample PIL image and ``ToTensor`` conversion as
  the softmax benchmark, followed here by ``Normalize((0.1307,), (0.3081,))``, all in
  ``__getitem__``; a ``DataLoader`` with batch 64 and shuffle (default collate, no workers);
* the course's networks as ``nn.Module`` classes (the MLP with ``x.view(-1, 784)`` and
  ``F.relu``; the CNN with ReLU before pooling, as the course wrote it), ``nn.CrossEntropyLoss``
  and ``optim.SGD(lr=0.01, momentum=0.5)``.

groundup normalises the images once, prepares each split once, and takes every batch as an
index slice (the inner loop of ``groundup.training.train.fit``). Both sides are timed over an epoch's
training pass only (data, forward, loss, backward, update); evaluation is left out on both.
Every groundup implementation gets a short warm-up first. On a shared machine the other
processes only ever add time, so the fastest of ``--rounds`` rounds is reported, and speed-ups
are also given per round (classic and ours measured back to back).

The FLOP floor: the multiply-adds an epoch's matrix products must do (forward, weight
gradients, and input gradients for every layer but the first: the images need none), 2 FLOPs
each, divided by the rate this machine's float32 matmul reaches (a) on one large square product
and (b) on the MLP's own batch-64 products timed alone. (b) is the floor for batch-64 SGD.
Not counted: the element-wise work (bias, ReLU, softmax) and the optimizer's passes over the
parameters and momentum buffers, which cost memory traffic rather than FLOPs.

    PYTHONPATH=src GROUNDUP_DATA=/work/shared/datasets python benchmarks/bench_mlp_cnn.py
    ... --model mlp --rounds 3      ... --model cnn --impl nn
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as TF
from torch import nn
from torch.utils.data import DataLoader

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from groundup.data import vision  # noqa: E402
from groundup.data.batches import batch_slices, epoch_order  # noqa: E402
from groundup.core.settings import Settings  # noqa: E402
from groundup.experiments.mnist_nets import (  # noqa: E402
    CNN,
    MLP,
    MNIST_MEAN,
    MNIST_STD,
    SEED,
    normalise,
)
from groundup.nn.conv import CourseCNN  # noqa: E402
from groundup.training.registry import build_learner, impls_of  # noqa: E402

from common import ClassicImages, fastest  # noqa: E402  (benchmarks/common.py: the same per-sample conversion)

WARMUP_BATCHES = 20


# ----------------------------------------------------------------------------- the classic pipeline


class ClassicNormalised(ClassicImages):
    """PIL -> ToTensor as in the softmax benchmark, then ``transforms.Normalize`` per sample."""

    def __getitem__(self, i: int):
        x, target = super().__getitem__(i)
        return normalize(x, (MNIST_MEAN,), (MNIST_STD,)), target


def normalize(tensor: torch.Tensor, mean, std) -> torch.Tensor:
    """What torchvision's ``Normalize`` does on every call: check, copy, make the mean and std
    tensors, check std for zeros, and subtract and divide channel-wise."""
    if not tensor.is_floating_point() or tensor.ndim < 3:
        raise TypeError("expected a float tensor image (C, H, W)")
    tensor = tensor.clone()
    mean = torch.as_tensor(mean, dtype=tensor.dtype, device=tensor.device)
    std = torch.as_tensor(std, dtype=tensor.dtype, device=tensor.device)
    if (std == 0).any():
        raise ValueError("std evaluated to zero, leading to division by zero")
    return tensor.sub_(mean.view(-1, 1, 1)).div_(std.view(-1, 1, 1))


class CourseMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1, self.l2, self.l3 = nn.Linear(784, 512), nn.Linear(512, 256), nn.Linear(256, 128)
        self.l4, self.l5 = nn.Linear(128, 64), nn.Linear(64, 10)

    def forward(self, x):
        x = x.view(-1, 784)
        for layer in (self.l1, self.l2, self.l3, self.l4):
            x = TF.relu(layer(x))
        return self.l5(x)


class ClassicCNN(CourseCNN):
    """The course's forward as it wrote it: ReLU before pooling (groundup pools first)."""

    def forward(self, x):
        n = x.size(0)
        x = self.pooling(TF.relu(self.conv1(x)))
        x = self.pooling(TF.relu(self.conv2(x)))
        return self.fc(x.view(n, -1))


def classic_epoch(model_cls, images: np.ndarray, labels: np.ndarray, settings: Settings) -> float:
    """One training epoch of the classic lab; returns its seconds."""
    torch.manual_seed(settings.seed)
    loader = DataLoader(ClassicNormalised(images, labels), batch_size=settings.batch_size, shuffle=True)
    model = model_cls()
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=settings.lr, momentum=settings.momentum)
    began = time.perf_counter()
    for inputs, target in loader:
        optimizer.zero_grad()
        loss = criterion(model(inputs), target)
        loss.backward()
        optimizer.step()
    return time.perf_counter() - began


# ----------------------------------------------------------------------------- groundup


def groundup_epoch(spec, impl: str, x: np.ndarray, y: np.ndarray, settings: Settings, epoch: int) -> float:
    """One epoch of ``train.fit``'s inner loop (data prepared once, index-slice batches)."""
    learner = build_learner(spec, impl, spec.init_params(settings), settings, "cpu")
    learner.set_lr(settings.lr)  # as fit does before the epoch
    X, Y = learner.prepare(x, y)
    slices = batch_slices(len(X), settings.batch_size)
    warm = learner.index(epoch_order(len(X), settings.seed + 1, 0))
    for s in slices[:WARMUP_BATCHES]:  # first-call costs: allocator, kernel selection
        learner.train_step(learner.take(X, warm[s]), learner.take(Y, warm[s]))
    order = learner.index(epoch_order(len(X), settings.seed, epoch))
    began = time.perf_counter()
    for s in slices:
        idx = order[s]
        learner.train_step(learner.take(X, idx), learner.take(Y, idx))
    return time.perf_counter() - began


# ----------------------------------------------------------------------------- the FLOP floor


def mlp_products(batch: int) -> list[tuple[int, int, int]]:
    """(m, k, n) of every matrix product of one MLP training step."""
    sizes = MLP.sizes
    shapes = []
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        shapes.append((batch, a, b))  # forward: X (batch, a) @ W^T (a, b)
        shapes.append((b, batch, a))  # weight gradient: dZ^T (b, batch) @ X (batch, a)
        if i > 0:
            shapes.append((batch, b, a))  # input gradient: dZ (batch, b) @ W (b, a)
    return shapes


def cnn_multiply_adds() -> tuple[int, int]:
    """Multiply-adds per sample of the CNN's forward pass: all layers, and the first alone."""
    side, macs, first = CNN.image_size, 0, 0
    for c_in, c_out in zip(CNN.channels, CNN.channels[1:]):
        side = side - CNN.kernel_size + 1
        layer = side * side * c_out * c_in * CNN.kernel_size ** 2
        first = first or layer
        macs += layer
        side //= CNN.pool
    return macs + CNN.n_features * CNN.n_classes, first


def multiply_adds(model: str) -> tuple[int, int]:
    """Multiply-adds per image of the forward pass: all layers, and the first alone."""
    if model == "mlp":
        return sum(a * b for a, b in zip(MLP.sizes, MLP.sizes[1:])), MLP.sizes[0] * MLP.sizes[1]
    return cnn_multiply_adds()


def first_layer_macs(model: str) -> int:
    return multiply_adds(model)[1]


def flops_per_sample(model: str) -> float:
    """Forward, weight gradients, and input gradients of all layers but the first; 2 FLOPs per MAC."""
    macs, first = multiply_adds(model)
    return 2.0 * (3 * macs - first)


def best_time(fn, reps: int, rounds: int = 5) -> float:
    """Seconds per call of ``fn()``: the fastest of ``rounds`` rounds of ``reps`` calls."""
    fn()

    def calls():
        for _ in range(reps):
            fn()
    return fastest(calls, rounds) / reps


def peak_gflops(n: int = 2048) -> float:
    """The float32 matmul rate on one large square product, GFLOP/s."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    return 2 * n ** 3 / best_time(lambda: a @ b, 3) / 1e9


def mlp_gemm_step_seconds(batch: int) -> float:
    """Seconds of one MLP training step's matrix products alone, at their real shapes."""
    mats = [(torch.randn(m, k), torch.randn(k, n)) for m, k, n in mlp_products(batch)]

    def step():
        for a, b in mats:
            a @ b

    return best_time(step, 50)


# ----------------------------------------------------------------------------- main


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", choices=["mlp", "cnn", "both"], default="both")
    p.add_argument("--impl", nargs="+", choices=["numpy", "scratch", "nn"],
                   help="groundup implementations (default: all the model has)")
    p.add_argument("--rounds", type=int, default=1, help="rounds of (classic, then each impl), one epoch each")
    p.add_argument("--no-classic", action="store_true", help="time groundup only")
    p.add_argument("--threads", type=int, help="torch intra-op threads (default: torch's choice)")
    args = p.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    settings = Settings().with_overrides(**SEED)
    load = lambda: " ".join(f"{v:.2f}" for v in os.getloadavg())  # noqa: E731
    print(f"batch {settings.batch_size}, SGD lr {settings.lr:g} momentum {settings.momentum:g}; torch "
          f"{torch.__version__} ({torch.get_num_threads()} threads), numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs, load average {load()}")
    d = vision.load("mnist")
    began = time.perf_counter()
    x = normalise(d.x_train)
    print(f"normalise 60,000 images once: {time.perf_counter() - began:.2f} s")

    steps = len(d.y_train) / settings.batch_size
    models = ["mlp", "cnn"] if args.model == "both" else [args.model]
    for model in models:
        spec, course = (MLP, CourseMLP) if model == "mlp" else (CNN, ClassicCNN)
        impls = impls_of(spec)
        impls = [i for i in (args.impl or impls) if i in impls]
        times: dict[str, list[float]] = {name: [] for name in ["classic"] * (not args.no_classic) + impls}
        peak, step = 0.0, float("inf")
        for r in range(args.rounds):
            # the floor is measured in every round too, and its best kept, like the epochs'
            peak = max(peak, peak_gflops())
            if model == "mlp":
                step = min(step, mlp_gemm_step_seconds(settings.batch_size))
            if not args.no_classic:
                times["classic"].append(classic_epoch(course, d.x_train, d.y_train, settings))
            for impl in impls:
                times[impl].append(groundup_epoch(spec, impl, x, d.y_train, settings, r))
        flops = flops_per_sample(model) * len(d.y_train)
        floors = {"peak": flops / (peak * 1e9)}
        if model == "mlp":
            floors["gemm64"] = step * steps
        print(f"\n{model}-mnist ({spec.describe()}), one epoch of {len(d.y_train):,} images:")
        print(f"{'pipeline':<40} {'s/epoch':>8} {'median':>8} {'speed-up':>9} {'/ floor':>8}  per round")
        classic = min(times["classic"]) if "classic" in times else None
        floor = floors.get("gemm64", floors["peak"])
        for name, ts in times.items():
            label = "classic (PIL + ToTensor + Normalize)" if name == "classic" else f"groundup {name}"
            speedup = f"{classic / min(ts):8.1f}x" if classic else f"{'-':>9}"
            rounds = ""
            if classic and name != "classic":
                rounds = " ".join(f"{c / t:.1f}x" for c, t in zip(times["classic"], ts))
            print(f"{label:<40} {min(ts):8.2f} {statistics.median(ts):8.2f} {speedup} "
                  f"{min(ts) / floor:7.2f}x  {rounds}")
        if "nn" in times:  # each round's epochs ran back to back: the ratio within a round is the fair one
            for name in (i for i in impls if i != "nn"):
                ratios = [t / n for t, n in zip(times[name], times["nn"])]
                print(f"groundup {name} / nn, per round: " + " ".join(f"{r:.2f}x" for r in ratios)
                      + f"  (median {statistics.median(ratios):.2f}x)")
        naive = flops + 2 * first_layer_macs(model) * len(d.y_train)
        print(f"FLOPs per epoch: {flops / 1e9:.1f} G ({flops_per_sample(model) / 1e6:.2f} M per image: "
              f"forward, weight gradients, input gradients but the first layer's; "
              f"{naive / 1e9:.1f} G if the images' gradient were computed too).")
        print(f"floor (a) at the large-matmul rate {peak:.0f} GFLOP/s: {floors['peak']:.2f} s")
        if model == "mlp":
            rate = flops_per_sample('mlp') * settings.batch_size / step / 1e9
            print(f"floor (b) the batch-64 products alone ({rate:.0f} GFLOP/s), {steps:.1f} steps: "
                  f"{floors['gemm64']:.2f} s   <- '/ floor' column")
        else:
            print("'/ floor' column: against floor (a); convolutions reach a fraction of the matmul rate")
    print(f"\nload average at the end: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
