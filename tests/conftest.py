"""Shared test helpers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


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
