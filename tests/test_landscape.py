"""linear-model: the MSE landscape of y = w·x and y = w·x + b on x = [1, 2, 3] (004 §2)."""

import json

import numpy as np
import pytest
from PIL import Image

from groundup.cli import main
from groundup.experiments.landscape import W_GRID, X, Y_AFFINE, Y_LINE, landscape, mse_w, mse_wb


def test_grid_is_exact_tenths():
    assert len(W_GRID) == 41 and W_GRID[20] == 2.0 and W_GRID[3] == 0.3


def test_mse_matches_the_definition():
    assert mse_w(np.array([3.0]), X, Y_LINE)[0] == pytest.approx(14 / 3)  # (1 + 4 + 9) / 3
    assert mse_wb(np.array([0.0]), np.array([0.0]), X, Y_AFFINE)[0, 0] == pytest.approx((9 + 25 + 49) / 3)


def test_minima_at_w2_and_w2_b1():
    r = landscape()
    assert r["w_min"] == 2.0 and r["mse_w_min"] == 0.0
    assert r["wb_min"] == (2.0, 1.0) and r["mse_wb_min"] == 0.0
    assert r["mse_wb"].shape == (41, 41)
    assert r["curvature"]["ratio"] > 10  # a long, narrow valley


def test_cli_marks_the_minima(tmp_path, capsys):
    assert main(["run", "linear-model", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "minimum at w = 2.0" in out and "minimum at (w, b) = (2.0, 1.0)" in out
    s = json.loads((tmp_path / "summary.json").read_text())
    assert s["line"]["minimum"]["w"] == 2.0
    assert (s["affine"]["minimum"]["w"], s["affine"]["minimum"]["b"]) == (2.0, 1.0)
    for name in ("loss_w.png", "loss_wb.png"):
        Image.open(tmp_path / name).verify()
