"""``--threads auto``: one thread for small models, and no more threads than free cores."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from conftest import BLAS_VARIABLES, ROOT, cli_main, cli_run

from groundup.training import threads
from groundup.cli import build_parser
from groundup.experiments import get
from groundup.experiments.mnist_nets import CNN, MLP


def test_parse_accepts_auto_and_positive_whole_numbers():
    assert threads.parse("auto") == "auto" and threads.parse("AUTO") == "auto"
    assert threads.parse("3") == 3
    for bad in ("0", "-1", "two", "1.5"):
        with pytest.raises(Exception, match="threads must be 'auto' or an integer from 1 to 1024"):
            threads.parse(bad)


def test_auto_is_the_default_and_a_bad_value_is_one_line_exit_2():
    assert build_parser().parse_args(["run", "logistic-synthetic"]).threads == "auto"
    assert build_parser().parse_args(["lab", "--threads", "2"]).threads == 2
    result = cli_run("run", "logistic-synthetic", "--threads", "0")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "--threads" in result.stderr


def test_multiply_adds_of_the_mnist_networks():
    assert MLP.multiply_adds() == 784 * 512 + 512 * 256 + 256 * 128 + 128 * 64 + 64 * 10
    # conv1 24×24×10×25, pool to 12; conv2 8×8×20×(10×25), pool to 4; linear 4×4×20 -> 10
    assert CNN.multiply_adds() == 24 * 24 * 10 * 25 + 8 * 8 * 20 * 250 + 320 * 10


def test_small_models_get_one_thread_whatever_the_machine():
    for name in ("logistic-synthetic", "linear-regression", "diabetes", "basics"):
        assert threads.choose("auto", get(name), busy=0.0, n_cores=8).threads == 1


def test_large_models_get_the_cores_other_programs_leave_free():
    assert threads.choose("auto", get("mlp-mnist"), busy=0.1, n_cores=2).threads == 2
    assert threads.choose("auto", get("softmax-fashion-mnist"), busy=0.3, n_cores=2).threads == 2
    assert threads.choose("auto", get("mlp-mnist"), busy=1.0, n_cores=2).threads == 1  # one busy neighbour
    assert threads.choose("auto", get("cnn-mnist"), busy=5.0, n_cores=2).threads == 1  # never below 1
    assert threads.choose("auto", get("cnn-mnist"), busy=1.2, n_cores=8).threads == 7
    assert threads.choose("auto", None, busy=None, n_cores=2).threads in (1, 2)  # measured
    assert threads.choose(3, get("logistic-synthetic"), busy=2.0, n_cores=2).threads == 3  # as asked


def test_busy_cores_is_measured_from_cpu_time_over_a_window(monkeypatch):
    samples = iter([(1000, 4000), (1150, 4200)])  # 150 of 200 jiffies busy, on 4 CPUs
    monkeypatch.setattr(threads, "_cpu_times", lambda: next(samples))
    monkeypatch.setattr(threads.time, "sleep", lambda s: None)
    monkeypatch.setattr(threads.os, "cpu_count", lambda: 4)
    assert threads.busy_cores() == pytest.approx(3.0)


def test_apply_limits_torch_and_the_loaded_blas():
    code = textwrap.dedent("""
        import numpy, torch
        from groundup.training import threads
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


def test_a_run_records_its_threads_and_why(tmp_path):
    """config.json says how many threads the run used and why, so that its epoch times can be read."""
    import json

    out = tmp_path / "run"
    result = cli_run("run", "diabetes", "--impl", "nn", "--epochs", "1", "--threads", "3", "--quiet", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert json.loads((out / "config.json").read_text())["threads"] == {"count": 3, "why": "as requested"}
    auto = tmp_path / "auto"
    assert cli_run("run", "diabetes", "--impl", "nn", "--epochs", "1", "--quiet", "--out", str(auto)).returncode == 0
    recorded = json.loads((auto / "config.json").read_text())["threads"]
    assert recorded["count"] == 1 and "diabetes" in recorded["why"]


def test_the_guard_takes_fewer_threads_when_a_program_arrives_and_more_when_it_leaves(monkeypatch):
    """Samples are (busy ticks of all CPUs, total ticks, this process's CPU seconds); 2 cores,
    100 ticks per second, 100 ticks (0.5 s per core) between looks."""
    samples = iter([
        (0, 0, 0.0),        # at the start
        (100, 100, 1.0),    # this run alone uses both cores: no one else -> stay at 2
        (200, 200, 1.67),   # a neighbour took 0.67 of a core from the run's two threads -> 1
        (300, 300, 2.17),   # neighbour 1 core, the run 1 -> 1
        (350, 400, 2.67),   # the neighbour left: 0 busy but the run's 1 -> wants 2, once
        (400, 500, 3.17),   # wants 2 again: taken
        (450, 600, 3.5),    # someone else set the threads (see get_threads): the guard stands down
    ])
    monkeypatch.setattr(threads, "_sample", lambda: next(samples))
    monkeypatch.setattr(threads, "_TICKS", 100)
    monkeypatch.setattr(threads.os, "cpu_count", lambda: 2)
    set_to = []
    current = {"n": 2}

    def set_threads(n):
        set_to.append(n)
        current["n"] = n

    guard = threads.Guard(2, 2, set_threads=set_threads, get_threads=lambda: current["n"])
    for _ in range(5):
        guard.check()
    assert set_to == [1, 2] and guard.threads == 2
    current["n"] = 4  # torch.set_num_threads(4) by the user
    guard.check()
    assert set_to == [1, 2] and guard.next_check == float("inf")


def test_auto_watches_only_large_models_and_fit_consults_the_guard(monkeypatch):
    import numpy as np

    from groundup.core.models import DenseSpec
    from groundup.training.registry import build_learner
    from groundup.core.settings import Settings
    from groundup.training.train import Split, fit

    monkeypatch.setattr(threads, "_current", None)  # restored after the test
    monkeypatch.setattr(threads, "busy_cores", lambda window=threads.WINDOW: 0.0)  # a quiet machine,
    monkeypatch.setattr(threads, "cores", lambda: 1)  # first with one core: nothing to share
    assert threads.apply("auto", get("mlp-mnist")).reason == "one core" and threads.guard() is None
    monkeypatch.setattr(threads, "cores", lambda: 2)  # then two, whatever this machine has
    threads.apply("auto", get("diabetes"))
    assert threads.guard() is None  # one thread by size: nothing to watch
    threads.apply(1, get("mlp-mnist"))
    assert threads.guard() is None  # as requested: the user's number stands
    assert threads.apply("auto", get("mlp-mnist")).threads == 2
    watch = threads.guard()
    assert watch is not None and watch.threads == 2 and watch.n_cores == 2
    looks = []
    monkeypatch.setattr(watch, "check", lambda: (looks.append(1), setattr(watch, "next_check", 0.0)))
    watch.next_check = 0.0  # due at once: fit looks after every batch
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 3)).astype(np.float32), rng.integers(0, 2, 64)
    spec = DenseSpec(sizes=(3, 2), loss="ce")
    learner = build_learner(spec, "numpy", spec.init_params(Settings()), Settings(), "cpu")
    fit(learner, Split(x, y, x, y), epochs=2, batch_size=16, seed=0, lr=0.1, quiet=True)
    assert len(looks) == 2 * 4


def test_a_run_and_each_lab_experiment_get_the_threads_auto_chooses(tmp_path, monkeypatch):
    import torch

    from groundup.app.labbook import run_lab

    for name in BLAS_VARIABLES:  # set_blas_threads writes them
        monkeypatch.setenv(name, "2")
    torch.set_num_threads(2)
    code = cli_main("run", "logistic-synthetic", "--impl", "numpy", "--epochs", "1", "--quiet",
                    "--out", str(tmp_path / "run"))
    assert code == 0
    assert torch.get_num_threads() == 1  # 2 multiply-adds per sample: one thread
    torch.set_num_threads(2)
    run_lab("quick", tmp_path / "lab", ["basics"], quiet=True, say=lambda *a, **k: None)
    assert torch.get_num_threads() == 1  # the lab chooses for each experiment


def test_apply_and_resume_with_replace_the_one_record_that_applied_and_guard_read(monkeypatch):
    monkeypatch.setattr(threads, "_set_threads", lambda n: None)  # torch and the BLAS left alone
    monkeypatch.setattr(threads, "busy_cores", lambda window=threads.WINDOW: 0.0)
    monkeypatch.setattr(threads, "cores", lambda: 2)
    monkeypatch.setattr(threads, "_current", None)
    assert threads.applied() is None and threads.guard() is None
    threads.apply("auto", get("mlp-mnist"))
    assert threads.applied()["count"] == 2 and threads.guard() is not None
    assert threads.resume_with(1) is None  # auto: the count the run started with, and no guard
    assert threads.applied() == {"count": 1, "why": "as the run started, so that it resumes exactly"}
    assert threads.guard() is None
    threads.apply(2)
    assert "the run started with 1" in threads.resume_with(1)  # as requested: kept, and said
    assert threads.applied() == {"count": 2, "why": "as requested"} and threads.guard() is None
