"""``--threads auto``: one thread for small models, and no more threads than free cores."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT, run_cli

from groundup import threads
from groundup.cli import build_parser
from groundup.experiments.mnist_nets import CNN, MLP


def test_parse_accepts_auto_and_positive_whole_numbers():
    assert threads.parse("auto") == "auto" and threads.parse("AUTO") == "auto"
    assert threads.parse("3") == 3
    for bad in ("0", "-1", "two", "1.5"):
        with pytest.raises(Exception, match="expected 'auto' or a whole number"):
            threads.parse(bad)


def test_auto_is_the_default_and_a_bad_value_is_one_line_exit_2():
    assert build_parser().parse_args(["run", "logistic-synthetic"]).threads == "auto"
    assert build_parser().parse_args(["lab", "--threads", "2"]).threads == 2
    result = run_cli("run", "logistic-synthetic", "--threads", "0")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "--threads" in result.stderr


def test_multiply_adds_of_the_mnist_networks():
    assert threads.multiply_adds(MLP) == 784 * 512 + 512 * 256 + 256 * 128 + 128 * 64 + 64 * 10
    # conv1 24×24×10×25, pool to 12; conv2 8×8×20×(10×25), pool to 4; linear 4×4×20 -> 10
    assert threads.multiply_adds(CNN) == 24 * 24 * 10 * 25 + 8 * 8 * 20 * 250 + 320 * 10


def test_small_models_get_one_thread_whatever_the_machine():
    for name in ("logistic-synthetic", "linear-regression", "diabetes", "basics"):
        assert threads.choose("auto", name, busy=0.0, n_cores=8).threads == 1


def test_large_models_get_the_cores_other_programs_leave_free():
    assert threads.choose("auto", "mlp-mnist", busy=0.1, n_cores=2).threads == 2
    assert threads.choose("auto", "softmax-fashion-mnist", busy=0.3, n_cores=2).threads == 2
    assert threads.choose("auto", "mlp-mnist", busy=1.0, n_cores=2).threads == 1  # one busy neighbour
    assert threads.choose("auto", "cnn-mnist", busy=5.0, n_cores=2).threads == 1  # never below 1
    assert threads.choose("auto", "cnn-mnist", busy=1.2, n_cores=8).threads == 7
    assert threads.choose("auto", None, busy=None, n_cores=2).threads in (1, 2)  # measured
    assert threads.choose(3, "logistic-synthetic", busy=2.0, n_cores=2).threads == 3  # as asked


def test_busy_cores_is_measured_from_cpu_time_over_a_window(monkeypatch):
    samples = iter([(1000, 4000), (1150, 4200)])  # 150 of 200 jiffies busy, on 4 CPUs
    monkeypatch.setattr(threads, "_cpu_times", lambda: next(samples))
    monkeypatch.setattr(threads.time, "sleep", lambda s: None)
    monkeypatch.setattr(threads.os, "cpu_count", lambda: 4)
    assert threads.busy_cores() == pytest.approx(3.0)


def test_apply_limits_torch_and_the_loaded_blas():
    code = textwrap.dedent("""
        import numpy, torch
        from groundup import threads
        torch.set_num_threads(2)
        threads.apply(1, "mlp-mnist")
        print(torch.get_num_threads(), threads.blas_threads())
    """)
    done = subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": str(ROOT / "src")},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    torch_n, blas_n = done.stdout.split()
    assert torch_n == "1"
    assert blas_n in ("1", "None")  # None: this NumPy does not use OpenBLAS


def test_a_run_and_each_lab_experiment_get_the_threads_auto_chooses(tmp_path, monkeypatch):
    import signal

    import torch

    from groundup import cli
    from groundup.labbook import run_lab

    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):  # set_blas_threads writes them
        monkeypatch.setenv(name, "2")
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    torch.set_num_threads(2)
    try:
        code = cli.main(["run", "logistic-synthetic", "--impl", "numpy", "--epochs", "1", "--quiet",
                         "--out", str(tmp_path / "run")])
    finally:
        signal.signal(signal.SIGINT, handlers[0])
        signal.signal(signal.SIGTERM, handlers[1])
    assert code == 0
    assert torch.get_num_threads() == 1  # 2 multiply-adds per sample: one thread
    torch.set_num_threads(2)
    run_lab("quick", tmp_path / "lab", ["basics"], quiet=True, say=lambda *a, **k: None)
    assert torch.get_num_threads() == 1  # the lab chooses for each experiment
