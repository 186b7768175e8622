"""Interrupting a run, resuming it, and refusing what cannot be resumed."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import cli_run, run_cli, start_cli
from test_faults import here  # noqa: F401  (the command line in this process, as a fixture)
from groundup.store import checkpoint
from groundup.store.runs import RunFolder

RUN = ["run", "logistic-synthetic", "--epochs", "40", "--batch-size", "32", "--quiet"]


def interrupt_after_epoch(out, impl: str, sig=signal.SIGINT, epoch: int = 2, epochs: int = 40):
    proc = start_cli(*RUN, "--impl", impl, "--out", str(out), "--epochs", str(epochs))
    metrics = out / "metrics.csv"
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if metrics.exists() and len(metrics.read_text().splitlines()) > epoch:
            break
        time.sleep(0.005)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    return proc.returncode, stderr


def final_state(folder, impl):
    meta, state = checkpoint.load(folder, impl)
    params = {k: np.asarray(v) for k, v in state["params"].items()}
    rows = [{k: v for k, v in r.items() if k != "seconds"} for r in RunFolder(folder).read_metrics()]
    assert len(rows) == meta["epochs_completed"]
    return params, rows


@pytest.mark.parametrize("impl", ["numpy", "scratch", "nn"])
def test_interrupted_run_resumes_to_exactly_the_uninterrupted_result(tmp_path, impl):
    out = tmp_path / "interrupted"
    code, stderr = interrupt_after_epoch(out, impl)
    assert code == 130, stderr
    assert "resume with: groundup run logistic-synthetic --resume" in stderr and "Traceback" not in stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "interrupted" and 2 <= summary["epochs_completed"] < 40
    meta, _ = checkpoint.load(out, impl)
    assert meta["epochs_completed"] == len(RunFolder(out).read_metrics()) == summary["epochs_completed"]
    assert "Interrupted after" in (out / "report.md").read_text() and (out / "curves.png").is_file()

    resumed = cli_run("run", "logistic-synthetic", "--resume", str(out), "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads((out / "summary.json").read_text())["status"] == "completed"

    straight = tmp_path / "straight"
    assert cli_run(*RUN, "--impl", impl, "--out", str(straight)).returncode == 0
    params_a, rows_a = final_state(out, impl)
    params_b, rows_b = final_state(straight, impl)
    assert rows_a == rows_b and len(rows_a) == 40
    for name in params_b:
        assert np.array_equal(params_a[name], params_b[name]), name
    strip = lambda p: [l.rsplit(",", 1)[0] for l in (p / "metrics.csv").read_text().splitlines()]
    assert strip(out) == strip(straight)


def test_sigterm_exits_143_and_marks_the_run_interrupted(tmp_path):
    code, stderr = interrupt_after_epoch(tmp_path / "run", "numpy", signal.SIGTERM, epochs=2000)
    assert code == 143, stderr
    assert json.loads((tmp_path / "run" / "summary.json").read_text())["status"] == "interrupted"


@pytest.fixture(scope="module")
def interrupted_nn(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "nn"
    code, stderr = interrupt_after_epoch(out, "nn", epochs=2000)
    assert code == 130, stderr
    return out


def snapshot(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def refused(folder, *args):
    before = snapshot(folder)
    result = cli_run(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert snapshot(folder) == before, "the run folder changed"
    return result.stderr


def test_truncated_checkpoint_is_refused_and_nothing_changes(interrupted_nn, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(interrupted_nn, folder)
    ckpt = folder / "checkpoint.pt"
    ckpt.write_bytes(ckpt.read_bytes()[: ckpt.stat().st_size // 2])
    err = refused(folder, "run", "logistic-synthetic", "--resume", str(folder))
    assert "corrupt or truncated" in err


def test_run_of_another_experiment_is_refused(interrupted_nn):
    from groundup.experiments import EXPERIMENTS

    other = next(n for n, e in EXPERIMENTS.items() if e.task is not None and n != "logistic-synthetic")
    err = refused(interrupted_nn, "run", other, "--resume", str(interrupted_nn))
    assert "logistic-synthetic" in err and other in err


def test_checkpoint_from_another_run_is_refused(interrupted_nn, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(interrupted_nn, folder)
    config = json.loads((folder / "config.json").read_text())
    config["settings"]["lr"] = 0.25  # the checkpoint was written under lr 0.5
    (folder / "config.json").write_text(json.dumps(config))
    err = refused(folder, "run", "logistic-synthetic", "--resume", str(folder))
    assert "does not belong" in err


def test_incompatible_flags_and_impl_are_refused(interrupted_nn):
    assert "lr" in refused(interrupted_nn, "run", "logistic-synthetic", "--resume", str(interrupted_nn), "--lr", "0.1")
    assert "--preset" in refused(interrupted_nn, "run", "logistic-synthetic", "--resume", str(interrupted_nn),
                                 "--preset", "seed")
    assert "'nn' run" in refused(interrupted_nn, "run", "logistic-synthetic", "--resume", str(interrupted_nn),
                                 "--impl", "numpy")


def test_out_holding_a_completed_run_needs_overwrite(tmp_path):
    out = tmp_path / "done"
    args = ["run", "logistic-synthetic", "--impl", "numpy", "--epochs", "1", "--quiet", "--out", str(out)]
    assert cli_run(*args).returncode == 0
    assert "--overwrite" in refused(out, *args)
    assert cli_run(*args, "--overwrite").returncode == 0


def test_numpy_checkpoint_loads_without_pickle(tmp_path):
    out = tmp_path / "np"
    assert cli_run("run", "logistic-synthetic", "--impl", "numpy", "--epochs", "2", "--quiet",
                   "--out", str(out)).returncode == 0
    with np.load(out / "checkpoint.npz", allow_pickle=False) as z:
        assert "params/0.weight" in z.files and z["params/0.weight"].shape == (1, 2)


def killed_at_epoch_3(out, *flags: str):
    result = run_cli("run", "logistic-synthetic", "--impl", "nn", "--epochs", "6", "--quiet", "--out", str(out),
                     *flags, env={"GROUNDUP_FAULT": "epoch-start@3", "GROUNDUP_COMMIT_SECONDS": "0"})
    assert result.returncode == -signal.SIGKILL, result.stderr
    return json.loads((out / "config.json").read_text())


def test_issue24_2_a_resume_under_auto_keeps_the_threads_the_run_started_with(tmp_path, here):
    """--threads auto would choose again (here 1: a small model; beside a busy program, fewer
    than the run had): a resume goes on with the count the run started with, bit for bit."""
    import torch

    from groundup.training import threads

    out = tmp_path / "run"
    assert killed_at_epoch_3(out, "--threads", "2")["threads"]["count"] == 2
    before = (out / "config.json").read_bytes()
    seen = []
    real = threads._set_threads
    try:
        threads._set_threads = lambda n: seen.append(n) or real(n)
        result = here("run", "logistic-synthetic", "--resume", str(out))  # --threads auto
    finally:
        threads._set_threads = real
    assert result.returncode == 0, result.stderr
    assert seen[-1] == 2 and torch.get_num_threads() == 2 and threads.guard() is None
    assert "thread" not in result.stdout and (out / "config.json").read_bytes() == before
    assert json.loads((out / "summary.json").read_text())["status"] == "completed"


def test_issue24_2_a_resume_with_other_threads_says_so_and_records_it(tmp_path, here):
    out = tmp_path / "run"
    killed_at_epoch_3(out, "--threads", "2")
    result = here("run", "logistic-synthetic", "--resume", str(out), "--threads", "1")
    assert result.returncode == 0, result.stderr
    assert "1 thread(s) as requested, but the run started with 2" in result.stdout
    assert "last digits" in result.stdout
    recorded = json.loads((out / "config.json").read_text())["threads"]
    assert recorded["count"] == 2 and [c["count"] for c in recorded["changed"]] == [1]


needs_mnist = pytest.mark.skipif(not (Path(os.environ.get("GROUNDUP_DATA", "/nonexistent")) / "mnist").is_dir(),
                                 reason="MNIST is not in $GROUNDUP_DATA")

BUSY_NEIGHBOUR = """
from groundup.training import threads
threads.busy_cores = lambda window=0.1: 1.0  # another program keeps one core busy
"""


@needs_mnist
def test_issue24_2_a_run_resumed_beside_a_busy_program_ends_where_the_uninterrupted_run_does(tmp_path):
    """Softmax regression is large enough for a second thread (auto gives it the free cores), and
    2 threads sum in another order than 1: a resume that took 1 ended 1e-8..1e-7 away. The quick
    preset's 10,000 images are enough to show it (the batches, and so each step's sums, are the
    seed preset's: 3 epochs with 1 thread end 3e-8 away from 2 threads)."""
    from test_faults import assert_same_run, run_with

    args = ["run", "softmax-mnist", "--impl", "nn", "--preset", "quick", "--epochs", "3", "--threads", "2", "--quiet"]
    straight, out = tmp_path / "straight", tmp_path / "resumed"
    assert cli_run(*args, "--out", str(straight)).returncode == 0
    killed = run_cli(*args, "--out", str(out), env={"GROUNDUP_FAULT": "epoch-start@3", "GROUNDUP_COMMIT_SECONDS": "0"})
    assert killed.returncode == -signal.SIGKILL
    resumed = run_with(BUSY_NEIGHBOUR, "run", "softmax-mnist", "--resume", str(out), "--quiet")  # --threads auto
    assert resumed.returncode == 0, resumed.stderr
    assert_same_run(out, straight, "nn")
