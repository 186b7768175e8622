"""Shared test helpers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
# The suite's assertions are in English whatever the machine's locale (LANG=zh_CN.UTF-8 would
# otherwise make every command speak Chinese); the tests of the language choice set their own.
os.environ["GROUNDUP_LANG"] = "en"


def cli_main(*args: str) -> int:
    """``groundup ARGS`` in this process: its exit status, with the signal handlers it installs
    put back afterwards (a subprocess is needed only where a test kills the run)."""
    from groundup import cli

    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        return cli.main(list(args))
    except SystemExit as exit:
        return exit.code
    finally:
        signal.signal(signal.SIGINT, handlers[0])
        signal.signal(signal.SIGTERM, handlers[1])


@pytest.fixture(autouse=True)
def _absolute_data_dir(monkeypatch):
    """Tests may change directory; keep $GROUNDUP_DATA pointing at the same folder."""
    if os.environ.get("GROUNDUP_DATA"):
        monkeypatch.setenv("GROUNDUP_DATA", str(Path(os.environ["GROUNDUP_DATA"]).resolve()))


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 300):
    """Run ``python -m groundup ARGS`` in a subprocess, as a user would."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "groundup", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(autouse=True)
def _one_torch_thread():
    """Tests use tiny models, where a second thread only adds waiting (and, on a busy CPU, a lot)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def isolated_roots(tmp_path, monkeypatch):
    """No real data roots: GROUNDUP_DATA unset, HOME and the system root inside tmp_path."""
    from groundup.data import roots

    monkeypatch.delenv("GROUNDUP_DATA", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(roots, "SYSTEM_ROOT", tmp_path / "system")
    return tmp_path


def digit_like(n: int, seed: int = 0, classes: int = 10):
    """28×28 uint8 images with MNIST's blank background (so that max-pool windows tie), a
    class-specific bright bar and sparse noise."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, n)
    img = np.zeros((n, 28, 28))
    for c in range(classes):
        r, col = 4 + 2 * c, 4 + (c % 4) * 5
        img[y == c, r:r + 4, col:col + 8] = 200
    img += rng.integers(0, 56, img.shape) * (rng.random(img.shape) < 0.1)
    return np.clip(img, 0, 255).astype(np.uint8), y


def train_each_impl(spec, params: dict, settings, split, epochs: int, batch_size: int) -> dict:
    """{impl: (history, final parameters)} of numpy, scratch and nn trained by ``train.fit`` from
    ``params`` on ``split`` (the same batches for all three)."""
    from groundup.training.registry import build_learner
    from groundup.training.train import fit

    runs = {}
    for impl in ("numpy", "scratch", "nn"):
        learner = build_learner(spec, impl, params, settings, "cpu")
        history = fit(learner, split, epochs=epochs, batch_size=batch_size, seed=0, lr=settings.lr, quiet=True)
        runs[impl] = history, learner.parameters()
    return runs


def assert_same_trajectory(runs: dict, reference: str, tol: float) -> None:
    """Every implementation's per-epoch losses and final parameters equal ``reference``'s to ``tol``."""
    ref_history, ref_params = runs[reference]
    assert ref_history.last.train_loss < ref_history.records[0].train_loss  # it did learn
    for impl, (history, got) in runs.items():
        for a, b in zip(history.records, ref_history.records):
            assert abs(a.train_loss - b.train_loss) < tol and abs(a.test_loss - b.test_loss) < tol
        for k in ref_params:
            np.testing.assert_allclose(got[k], ref_params[k], rtol=0, atol=tol, err_msg=f"{impl} {k}")
