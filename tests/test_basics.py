"""basics: the three tensor experiments of 000 §1, as values and through the CLI."""

import json

import torch
from PIL import Image

from groundup.cli import main
from groundup.experiments.basics import lab, matrices, no_grad_gradient, subtraction


def test_subtraction_broadcasts_two_ways_and_fails_in_place():
    s = subtraction()
    assert s["M"].shape == (1, 3) and s["N"].shape == (2, 1)
    assert s["M_expanded"].tolist() == [[4, 5, 6], [4, 5, 6]]
    assert s["N_expanded"].tolist() == [[1, 1, 1], [2, 2, 2]]
    assert s["minus"].tolist() == [[3, 4, 5], [2, 3, 4]]
    assert torch.equal(s["torch_sub"], s["minus"])
    assert type(s["in_place_error"]) is RuntimeError
    assert "[1, 3]" in str(s["in_place_error"]) and "[2, 3]" in str(s["in_place_error"])
    assert s["M_after"].tolist() == [[4, 5, 6]]  # the failed in-place op wrote nothing


def test_matrices_shapes_transpose_and_product():
    m = matrices(seed=0)
    assert [tuple(m[k].shape) for k in ("P", "Q", "Qt", "product")] == [(3, 2), (4, 2), (2, 4), (3, 4)]
    assert torch.equal(m["Qt"], m["Q"].T.contiguous()) and m["Qt_is_view"]
    dots = torch.tensor([[float(p @ q) for q in m["Q"]] for p in m["P"]])  # entry (i, j) = P_i · Q_j
    torch.testing.assert_close(m["product"], dots)
    assert m["product"].abs().max() < 1e-3  # products of N(0, 0.01²) numbers are ~1e-4
    assert torch.equal(matrices(seed=0)["P"], m["P"]) and not torch.equal(matrices(seed=1)["P"], m["P"])


def test_no_grad_branch_is_not_differentiated():
    a = no_grad_gradient()
    assert a["y3"] == 2.0 and a["y2_requires_grad"] is False
    assert a["grad"] == 2.0  # only d(x²)/dx = 2x
    assert a["grad_tracked"] == 5.0  # 2x + 3x² when x³ is tracked


def test_lab_returns_all_three():
    assert set(lab()) == {"subtraction", "matrices", "autograd"}


def test_cli_prints_explains_and_writes_the_run_folder(tmp_path, capsys):
    assert main(["run", "basics", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "[[3, 4, 5], [2, 3, 4]]" in out and "Traceback" not in out
    assert "RuntimeError: output with shape [1, 3] doesn't match the broadcast shape [2, 3]" in out
    assert "dy3/dx = 2" in out and out.count("Why:") == 4
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["autograd"]["grad"] == 2.0
    assert summary["subtraction"]["in_place_error"]["type"] == "RuntimeError"
    assert summary["matrices"]["shapes"]["product"] == [3, 4]
    for name in ("config.json", "report.md", "broadcast.png", "matmul.png"):
        assert (tmp_path / name).exists()
    for name in ("broadcast.png", "matmul.png"):
        Image.open(tmp_path / name).verify()
    assert "in-place operation" in (tmp_path / "report.md").read_text()
