"""What drawing and saving a run's figures costs, on the figure's own Agg canvas (as groundup
draws them, ``report.figures.new_figure``) against a plain ``Figure`` (matplotlib's default
canvas, which savefig swaps for a new Agg canvas, and ``tight_layout`` for another).

Each figure is drawn from the same numbers both ways and saved as ``RunFolder.save_figure``
saves it (PNG, 110 dpi, ``bbox_inches="tight"``); the two PNGs must be the same bytes. The two
ways alternate round by round, so a busy machine slows both alike; the ratio is of the medians.

    PYTHONPATH=src python benchmarks/bench_figures.py
    ... --rounds 20
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def drawings() -> dict:
    """Name -> a function drawing one of a run's figures from fixed numbers."""
    import numpy as np

    from groundup.report import figures, images

    rng = np.random.default_rng(0)
    rows = [{"epoch": e, "train_loss": 1 / e, "test_loss": 1.1 / e, "train_accuracy": 0.8 + e / 100,
             "test_accuracy": 0.79 + e / 100} for e in range(1, 11)]
    y = rng.integers(0, 10, 2000)
    pred = np.where(rng.random(2000) < 0.9, y, rng.integers(0, 10, 2000))
    cm = np.zeros((10, 10), dtype=np.int64)
    np.add.at(cm, (y, pred), 1)
    digits = [str(i) for i in range(10)]
    pictures = rng.integers(0, 256, (32, 28, 28), dtype=np.uint8)
    weight = rng.normal(size=(10, 784))
    return {
        "curves": lambda: figures.curves(rows, "softmax-mnist [nn]"),
        "confusion": lambda: figures.confusion(cm, digits, "softmax-mnist [nn]"),
        "samples": lambda: images.samples(pictures, y[:32], pred[:32], digits, "softmax-mnist [nn]"),
        "weights": lambda: images.weight_images(weight, digits, (28, 28), "softmax-mnist [nn]"),
    }


def saved(draw) -> tuple[float, bytes]:
    began = time.perf_counter()
    fig = draw()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return time.perf_counter() - began, buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10, help="timed rounds of each way (default 10)")
    args = parser.parse_args()

    from groundup.report import figures

    plain = mock.patch.object(figures, "FigureCanvasAgg", lambda fig: None)  # the Figure keeps its default canvas
    print(f"{'figure':<10} {'own canvas':>11} {'plain Figure':>13} {'ratio':>6}  same PNG")
    total = {"own": 0.0, "plain": 0.0}
    for name, draw in drawings().items():
        saved(draw)  # fonts and caches loaded before timing
        times = {"own": [], "plain": []}
        png = {}
        for _ in range(args.rounds):
            times["own"].append(saved(draw)[0])
            with plain:
                seconds, png["plain"] = saved(draw)
            times["plain"].append(seconds)
        png["own"] = saved(draw)[1]
        own, base = statistics.median(times["own"]), statistics.median(times["plain"])
        total["own"] += own
        total["plain"] += base
        print(f"{name:<10} {own:>10.3f}s {base:>12.3f}s {own / base:>6.2f}  {png['own'] == png['plain']}")
    print(f"{'all':<10} {total['own']:>10.3f}s {total['plain']:>12.3f}s {total['own'] / total['plain']:>6.2f}")


if __name__ == "__main__":
    main()
