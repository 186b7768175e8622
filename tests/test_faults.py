"""Faults: kills at chosen points of the write sequence, concurrent runs, a folder the user may
not write, a full disk, damaged folders, odd paths and values. Each ends in one line (or a
clean exit status) and a folder that resumes to exactly the uninterrupted run.

The kills are placed by the test hook ``$GROUNDUP_FAULT`` (see ``groundup.core.faults.fault_point``),
not by timing.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, cli_main, cli_run, run_cli, start_cli
from groundup.store import checkpoint
from groundup.core.faults import FAULT_ENV
from groundup.store.runs import RunFolder

EPOCHS = 5
RUN = ["run", "logistic-synthetic", "--preset", "quick", "--batch-size", "256", "--quiet"]


def run(*args: str, fault: str | None = None, every_epoch: bool = True, **kwargs):
    """``groundup ARGS``: with a ``fault`` (a kill or a Ctrl-C placed as above), in a child;
    without one, in this process (``cli_run``), which answers the same. ``every_epoch`` commits
    after every epoch, so that the N-th commit is epoch N (by default, short epochs are
    committed together)."""
    env = {**({"GROUNDUP_COMMIT_SECONDS": "0"} if every_epoch else {}), **kwargs.pop("env", {})}
    if fault:
        return run_cli(*args, env={FAULT_ENV: fault, **env}, **kwargs)
    # $GROUNDUP_COMMIT_SECONDS is read when groundup is imported: in this process, its constant.
    commit_seconds = env.pop("GROUNDUP_COMMIT_SECONDS", None)
    saved = checkpoint.COMMIT_SECONDS
    try:
        if commit_seconds is not None:
            checkpoint.COMMIT_SECONDS = float(commit_seconds)
        return cli_run(*args, env=env, **kwargs)
    finally:
        checkpoint.COMMIT_SECONDS = saved


@pytest.fixture
def here(capsys):
    """``here(*args)``: run the command line in this process (for what needs no kill); returns
    a CompletedProcess like ``run``."""
    def call(*args: str):
        code = cli_main(*args)
        captured = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, captured.out, captured.err)

    signal.signal(signal.SIGINT, signal.default_int_handler)
    return call


def one_error_line(result, code: int = 2) -> str:
    """The result failed with ``code`` and exactly one line ``groundup: error: ...``."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert result.returncode == code, result.stderr
    assert len(lines) == 1 and lines[0].startswith("groundup: error: "), result.stderr
    return lines[0]


def trajectory(folder: Path, impl: str):
    """(parameters, metrics rows without the timing column) of a run folder, checked consistent."""
    meta, state = checkpoint.load(folder, impl)
    rows = RunFolder(folder).read_metrics()
    assert len(rows) == meta["epochs_completed"], "metrics.csv and the checkpoint disagree"
    params = {k: np.asarray(v) for k, v in state["params"].items()}
    return params, [{k: v for k, v in r.items() if k != "seconds"} for r in rows]


def assert_same_run(a: Path, b: Path, impl: str) -> None:
    params_a, rows_a = trajectory(a, impl)
    params_b, rows_b = trajectory(b, impl)
    assert rows_a == rows_b
    for name in params_b:
        assert np.array_equal(params_a[name], params_b[name]), name
    summary = json.loads((a / "summary.json").read_text())
    assert summary["status"] == "completed" and summary["epochs"] == len(rows_b)
    assert (a / "report.md").is_file() and (a / "curves.png").is_file()
    assert not list(a.glob(".*.tmp")), "orphaned temporary files"


@pytest.fixture(scope="module")
def straight(tmp_path_factory):
    """Uninterrupted reference runs, one per implementation."""
    root = tmp_path_factory.mktemp("straight")
    made = {}

    def get(impl: str, epochs: int = EPOCHS) -> Path:
        if (impl, epochs) not in made:
            out = root / f"{impl}-{epochs}"
            result = run(*RUN, "--impl", impl, "--epochs", str(epochs), "--out", str(out))
            assert result.returncode == 0, result.stderr
            made[impl, epochs] = out
        return made[impl, epochs]

    return get


# ---- items 1-5: one commit point per epoch, "completed" last, resume of everything ----------

@pytest.mark.parametrize("impl, fault", [
    ("numpy", "metrics-appended@3"),             # a row appended, its checkpoint not yet renamed
    ("numpy", "before-rename:checkpoint.npz@3"),  # the new checkpoint written, not renamed (orphan .tmp)
    ("nn", "checkpoint-committed@5"),           # the last epoch committed, nothing else written
    ("scratch", "before-rename:curves.png"),    # trained, the figures half done
    ("numpy", "report-written"),                # report written, summary not yet "completed"
])
def test_kill_anywhere_leaves_a_folder_that_resumes_to_the_uninterrupted_run(tmp_path, straight, impl, fault):
    out = tmp_path / "run"
    killed = run(*RUN, "--impl", impl, "--epochs", str(EPOCHS), "--out", str(out), fault=fault)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert RunFolder(out).status() != "completed"
    resumed = run("run", "logistic-synthetic", "--resume", str(out), "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert_same_run(out, straight(impl), impl)


def test_short_epochs_committed_together_still_resume_exactly(tmp_path, straight):
    out = tmp_path / "run"
    first = run(*RUN, "--impl", "nn", "--epochs", "60", "--out", str(out), fault="epoch-start@20")
    assert first.returncode == -signal.SIGKILL  # epochs 1-19 committed one by one
    # Resumed with commits due only at the end: epochs 20-49 are appended, none committed, then a kill.
    second = run("run", "logistic-synthetic", "--resume", str(out), "--quiet", fault="metrics-appended@30",
                 env={"GROUNDUP_COMMIT_SECONDS": "1000"}, every_epoch=False)
    assert second.returncode == -signal.SIGKILL
    assert checkpoint.load(out, "nn")[0]["epochs_completed"] == 19
    assert len((out / "metrics.csv").read_text().splitlines()) == 1 + 49
    resumed = run("run", "logistic-synthetic", "--resume", str(out), "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert_same_run(out, straight("nn", 60), "nn")


def test_ctrl_c_commits_the_last_whole_epoch_held_in_memory(tmp_path):
    out = tmp_path / "run"
    result = run(*RUN, "--impl", "numpy", "--epochs", "60", "--out", str(out), fault="epoch-start@31:INT",
                 env={"GROUNDUP_COMMIT_SECONDS": "1000"}, every_epoch=False)  # only the last epoch would commit
    assert result.returncode == 130
    assert "after 30 complete epoch(s) of 60" in result.stderr
    assert checkpoint.load(out, "numpy")[0]["epochs_completed"] == 30 == len(RunFolder(out).read_metrics())


def test_ctrl_c_right_after_a_commit_reports_the_committed_epoch(tmp_path):
    out = tmp_path / "run"
    result = run(*RUN, "--impl", "numpy", "--epochs", "50", "--out", str(out), fault="checkpoint-committed@2:INT")
    assert result.returncode == 130, result.stderr
    assert "after 2 complete epoch(s) of 50" in result.stderr and "Traceback" not in result.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "interrupted" and summary["epochs_completed"] == 2
    assert checkpoint.load(out, "numpy")[0]["epochs_completed"] == 2 == len(RunFolder(out).read_metrics())
    assert "Interrupted after 2 of 50 epochs" in (out / "report.md").read_text()


def test_ctrl_c_before_an_epoch_is_committed_reports_the_checkpoints_epochs(tmp_path, straight):
    out = tmp_path / "run"
    # Epoch 3 is in the history in memory, but neither its row nor its checkpoint is written.
    result = run(*RUN, "--impl", "numpy", "--epochs", str(EPOCHS), "--out", str(out), fault="epoch-evaluated@3:INT")
    assert result.returncode == 130, result.stderr
    assert f"after 2 complete epoch(s) of {EPOCHS}" in result.stderr and "Traceback" not in result.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "interrupted" and summary["epochs_completed"] == 2
    assert checkpoint.load(out, "numpy")[0]["epochs_completed"] == 2 == len(RunFolder(out).read_metrics())
    assert run("run", "logistic-synthetic", "--resume", str(out), "--quiet").returncode == 0
    assert_same_run(out, straight("numpy"), "numpy")


def test_ctrl_c_during_a_commit_waits_for_it(tmp_path):
    out = tmp_path / "run"
    result = run(*RUN, "--impl", "numpy", "--epochs", "50", "--out", str(out), fault="metrics-appended@2:INT")
    assert result.returncode == 130
    assert json.loads((out / "summary.json").read_text())["epochs_completed"] == 2
    assert checkpoint.load(out, "numpy")[0]["epochs_completed"] == 2 == len(RunFolder(out).read_metrics())


def test_ctrl_c_in_the_first_epoch_says_nothing_was_saved(tmp_path):
    out = tmp_path / "run"
    result = run(*RUN, "--impl", "numpy", "--out", str(out), fault="epoch-start@1:INT")
    assert result.returncode == 130
    assert "nothing was saved" in result.stderr and "--resume" not in result.stderr
    assert "Traceback" not in result.stderr


def test_interrupted_impl_all_resumes_from_the_parent_folder(tmp_path, straight):
    out = tmp_path / "all"
    # Epoch 3 of the second implementation (scratch) is the 8th epoch overall.
    result = run(*RUN, "--epochs", str(EPOCHS), "--out", str(out), fault=f"epoch-start@{EPOCHS + 3}:INT")
    assert result.returncode == 130, result.stderr
    assert f"--resume {out}" in result.stderr and f"--resume {out / 'scratch'}" not in result.stderr
    assert not (out / "nn").exists() and not (out / "comparison.md").exists()
    resumed = run("run", "logistic-synthetic", "--resume", str(out), "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    for impl in ("numpy", "scratch", "nn"):
        assert_same_run(out / impl, straight(impl), impl)
    assert json.loads((out / "comparison.json").read_text())["max_param_difference"] < 1e-5
    again = run("run", "logistic-synthetic", "--resume", str(out), "--quiet")
    assert "nothing to resume" in one_error_line(again)


def test_resume_with_more_or_fewer_epochs(tmp_path, straight):
    out = tmp_path / "run"
    assert run(*RUN, "--impl", "numpy", "--epochs", "3", "--out", str(out)).returncode == 0
    more = run("run", "logistic-synthetic", "--resume", str(out), "--epochs", str(EPOCHS), "--quiet")
    assert more.returncode == 0, more.stderr
    assert_same_run(out, straight("numpy"), "numpy")  # 3 then 2 more == 5 straight
    assert json.loads((out / "config.json").read_text())["settings"]["epochs"] == EPOCHS
    killed = tmp_path / "killed"
    run(*RUN, "--impl", "numpy", "--epochs", "20", "--out", str(killed), fault="epoch-start@6")
    fewer = run("run", "logistic-synthetic", "--resume", str(killed), "--epochs", "3")
    assert fewer.returncode == 0, fewer.stderr
    assert "already trained" in fewer.stdout
    assert_same_run(killed, straight("numpy"), "numpy")  # stops at the 5 epochs it had


def test_checkpoint_has_a_fixed_size_and_metrics_are_appended(tmp_path):
    sizes = {}
    for epochs in (2, 40):
        out = tmp_path / str(epochs)
        assert run(*RUN, "--impl", "nn", "--epochs", str(epochs), "--out", str(out)).returncode == 0
        sizes[epochs] = (out / "checkpoint.pt").stat().st_size
    assert sizes[2] == sizes[40]  # the history is not inside the checkpoint


def test_an_epoch_appends_one_row_and_renames_a_fixed_size_checkpoint(tmp_path, here, monkeypatch):
    from groundup.store import runs

    written = []  # (file name, bytes) of every whole-file write
    real = runs.atomic_write_bytes

    def spy(path, data, sync=True):
        written.append((Path(path).name, len(data)))
        real(path, data, sync)

    monkeypatch.setattr(runs, "atomic_write_bytes", spy)
    monkeypatch.setattr(checkpoint, "atomic_write_bytes", spy)
    monkeypatch.setattr(checkpoint, "COMMIT_SECONDS", 0.0)
    out = tmp_path / "run"
    assert here(*RUN, "--impl", "numpy", "--epochs", "30", "--out", str(out)).returncode == 0
    sizes = [n for name, n in written if name == "checkpoint.npz"]
    assert len(sizes) == 30 and max(sizes) - min(sizes) <= 8  # the epoch count's digits (4 bytes each), nothing more
    assert [name for name, _ in written].count("metrics.csv") == 1  # the header; rows are appended
    assert len((out / "metrics.csv").read_text().splitlines()) == 31


# ---- item 1: one run per folder -----------------------------------------------------------

def test_a_second_run_into_a_busy_folder_is_refused_with_the_holders_pid(tmp_path):
    out = tmp_path / "busy"
    first = start_cli(*RUN, "--impl", "numpy", "--epochs", "100000", "--out", str(out))
    try:
        deadline = time.time() + 120
        while not (out / "metrics.csv").exists() or len((out / "metrics.csv").read_text().splitlines()) < 3:
            assert time.time() < deadline and first.poll() is None
            time.sleep(0.05)
        second = run(*RUN, "--impl", "numpy", "--seed", "1", "--out", str(out), "--overwrite")
        line = one_error_line(second)
        assert f"pid {first.pid}" in line and "in use" in line
        resume = run("run", "logistic-synthetic", "--resume", str(out))
        assert f"pid {first.pid}" in one_error_line(resume)
    finally:
        first.kill()
        first.wait()
    # The OS released the lock with the process: the folder resumes.
    config = json.loads((out / "config.json").read_text())
    assert config["settings"]["seed"] == 0
    resumed = run("run", "logistic-synthetic", "--resume", str(out), "--epochs", "5", "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads((out / "summary.json").read_text())["status"] == "completed"


def test_default_folders_keep_every_run_and_point_latest_at_the_last(tmp_path):
    for lr in ("0.5", "0.25", "0.25"):
        assert run("run", "logistic-synthetic", "--impl", "numpy", "--epochs", "1", "--lr", lr, "--quiet",
                   cwd=tmp_path).returncode == 0
    parent = tmp_path / "runs" / "logistic-synthetic"
    names = sorted(p.name for p in parent.iterdir())
    assert names == ["latest", "numpy-quick-epochs1-lr0.25", "numpy-quick-epochs1-lr0.25-2",
                     "numpy-quick-epochs1-lr0.5"], names
    assert (parent / "latest").resolve() == (parent / "numpy-quick-epochs1-lr0.25-2").resolve()
    listing = run("runs", cwd=tmp_path)
    assert listing.returncode == 0
    lines = [l for l in listing.stdout.splitlines() if "numpy-quick" in l]
    assert len(lines) == 3 and all("completed" in l and "test acc. 0." in l for l in lines)


def test_overwrite_leaves_only_the_new_run(tmp_path, here):
    out = tmp_path / "run"
    assert here(*RUN, "--impl", "nn", "--epochs", "1", "--out", str(out)).returncode == 0
    assert here("run", "linear-regression", "--impl", "numpy", "--epochs", "1", "--quiet", "--out", str(out),
               "--overwrite").returncode == 0
    for old in ("boundary.png", "confusion.png", "test_predictions.csv", "checkpoint.pt"):
        assert not (out / old).exists(), old
    assert json.loads((out / "config.json").read_text())["experiment"] == "linear-regression"


def test_an_unfinished_run_is_not_silently_replaced(tmp_path, here):
    out = tmp_path / "run"
    run(*RUN, "--impl", "numpy", "--epochs", "20", "--out", str(out), fault="epoch-start@3")
    line = one_error_line(here(*RUN, "--impl", "numpy", "--out", str(out)))
    assert f"--resume {out}" in line and "--overwrite" in line


# ---- item 8: the OS says no -----------------------------------------------------------------

@pytest.mark.parametrize("out, expected", [("afile", "is a file"), ("afile/below", "not a folder"),
                                            ("x" * 256, "too long")])
def test_out_on_a_file_below_a_file_and_a_name_too_long(tmp_path, here, out, expected):
    (tmp_path / "afile").write_text("x")
    line = one_error_line(here(*RUN, "--out", str(tmp_path / out)))
    assert expected in line and str(tmp_path / out) in line


def test_ascii_terminal_lists_without_a_traceback():
    # a child: Python reads $PYTHONIOENCODING when it starts
    result = run_cli("list", env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "logistic-synthetic" in result.stdout


def test_metrics_replaced_by_a_folder(tmp_path, here):
    out = tmp_path / "run"
    run(*RUN, "--impl", "numpy", "--epochs", "20", "--out", str(out), fault="epoch-start@3")
    (out / "metrics.csv").unlink()
    (out / "metrics.csv").mkdir()
    line = one_error_line(here("run", "logistic-synthetic", "--resume", str(out)))
    assert "metrics.csv" in line


def _full_disk_limit():
    resource.setrlimit(resource.RLIMIT_FSIZE, (3000, 3000))  # metrics.csv outgrows it near epoch 30


def test_full_disk_is_one_line_and_the_run_resumes(tmp_path, straight):
    out = tmp_path / "run"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "GROUNDUP_COMMIT_SECONDS": "0"}
    full = subprocess.run([sys.executable, "-m", "groundup", *RUN, "--impl", "numpy", "--epochs", "60",
                           "--out", str(out)], env=env, capture_output=True, text=True,
                          preexec_fn=_full_disk_limit, timeout=300)
    line = one_error_line(full)
    assert "metrics.csv" in line and f"--resume {out}" in line
    resumed = run("run", "logistic-synthetic", "--resume", str(out), "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert_same_run(out, straight("numpy", 60), "numpy")


SETPRIV = shutil.which("setpriv")
CAPS = "-dac_override,-dac_read_search,-fowner"


def run_unprivileged(*args: str, cwd: Path | None = None, env: dict | None = None):
    """Run groundup as a user whom file permissions stop: as root, without the capabilities
    that override them (``setpriv``); as anyone else, as is."""
    prefix = [SETPRIV, f"--inh-caps={CAPS}", f"--bounding-set={CAPS}"] if os.geteuid() == 0 else []
    full_env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    return subprocess.run([*prefix, sys.executable, "-m", "groundup", *args], env=full_env, cwd=cwd,
                          capture_output=True, text=True, timeout=300)


needs_permissions = pytest.mark.skipif(os.geteuid() == 0 and SETPRIV is None,
                                       reason="as root without setpriv, file permissions do not stop writes")


def read_only(path: Path) -> None:
    for p in [path, *path.rglob("*")]:
        os.chmod(p, 0o555 if p.is_dir() else 0o444)


@needs_permissions
@pytest.mark.parametrize("place", ["run to resume", "--out", "default runs/", "data info", "data root of a run"])
def test_read_only_places_are_one_line_each(tmp_path, place):
    locked, hidden = tmp_path / "locked", tmp_path / "hidden"
    locked.mkdir()
    hidden.mkdir()
    data = ["--data-dir", str(hidden)]
    try:
        if place == "run to resume":
            out = locked / "run"
            assert run(*RUN, "--impl", "numpy", "--epochs", "20", "--out", str(out), fault="epoch-start@3").returncode < 0
            read_only(locked)
            line = one_error_line(run_unprivileged("run", "logistic-synthetic", "--resume", str(out)))
            assert str(out) in line and "permission denied" in line
            for p in [locked, *locked.rglob("*")]:
                os.chmod(p, 0o755)
            assert run("run", "logistic-synthetic", "--resume", str(out), "--quiet").returncode == 0  # nothing lost
        elif place == "--out":
            read_only(locked)
            line = one_error_line(run_unprivileged(*RUN, "--out", str(locked / "new")))
            assert str(locked / "new") in line and "permission denied" in line
        elif place == "default runs/":
            read_only(locked)
            assert "runs: permission denied" in one_error_line(run_unprivileged(*RUN, "--impl", "numpy", cwd=locked))
        else:
            os.chmod(hidden, 0o000)
            args = ["data", "info", *data] if place == "data info" else \
                ["run", "softmax-mnist", "--impl", "numpy", "--out", str(tmp_path / "s"), *data]
            line = one_error_line(run_unprivileged(*args, env={"GROUNDUP_DATA": str(hidden)}))
            assert str(hidden) in line and "permission denied" in line
    finally:
        for p in [tmp_path, *tmp_path.rglob("*")]:
            os.chmod(p, 0o755)


# ---- items 9-15 -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def interrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("interrupted") / "run"
    result = run(*RUN, "--impl", "numpy", "--epochs", "20", "--out", str(out), fault="epoch-start@4")
    assert result.returncode == -signal.SIGKILL
    return out


def damaged_copy(src: Path, dst: Path, edit) -> Path:
    shutil.copytree(src, dst)
    edit(dst)
    return dst


def _config(edit):
    def apply(folder):
        config = json.loads((folder / "config.json").read_text())
        (folder / "config.json").write_text(json.dumps(edit(config)))
    return apply


@pytest.mark.parametrize("what, edit, expected", [
    ("a list", _config(lambda c: [c]), "not a dict"),
    ("no impl", _config(lambda c: {k: v for k, v in c.items() if k != "impl"}), "impl"),
    ("no settings", _config(lambda c: {k: v for k, v in c.items() if k != "settings"}), "settings"),
    ("no preset", _config(lambda c: {k: v for k, v in c.items() if k != "preset"}), "preset"),
    ("unknown setting", _config(lambda c: {**c, "settings": {**c["settings"], "speed": 9}}), "speed"),
    ("null setting", _config(lambda c: {**c, "settings": {**c["settings"], "lr": None}}), "lr"),
    ("null flag", _config(lambda c: {**c, "settings": {**c["settings"], "standardize": None}}), "standardize"),
])
def test_damaged_config_is_one_line(interrupted, tmp_path, here, what, edit, expected):
    folder = damaged_copy(interrupted, tmp_path / "copy", edit)
    assert expected in one_error_line(here("run", "logistic-synthetic", "--resume", str(folder)))


def _wrong_checkpoint(shape, dtype):
    def apply(folder):
        meta, state = checkpoint.load(folder, "numpy")
        state["params"]["0.weight"] = np.zeros(shape, dtype=dtype)
        checkpoint.save(folder, "numpy", meta, state)
    return apply


@pytest.mark.parametrize("shape, dtype", [((3, 2), np.float32), ((1, 2), np.int64)])
def test_hand_crafted_checkpoint_is_one_line(interrupted, tmp_path, here, shape, dtype):
    folder = damaged_copy(interrupted, tmp_path / "copy", _wrong_checkpoint(shape, dtype))
    assert "does not belong" in one_error_line(here("run", "logistic-synthetic", "--resume", str(folder)))


def test_lab_goes_on_when_one_folder_is_unwritable(tmp_path):
    lab = tmp_path / "lab"
    lab.mkdir()
    (lab / "basics").write_text("in the way")
    result = run("lab", "--only", "basics,linear-model", "--out", str(lab))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "basics" in result.stderr
    md = (lab / "index.md").read_text()
    assert "- `basics` (failed)" in md and "## The linear model" in md


@pytest.mark.parametrize("args, expected", [
    (["--impl", "nn", "--lr", "1e39"], "<= 1e30"),
    (["--threads", str(2**40)], "1 to 1024"),
])
def test_absurd_values_are_refused_at_the_boundary(here, tmp_path, args, expected):
    result = here(*RUN, *args, "--out", str(tmp_path / "run"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert expected in result.stderr and len(result.stderr.strip().splitlines()) == 1


# ``python -m groundup ARGS`` that sends itself SIGINT when it starts importing module argv[1].
INTERRUPT_WHILE_IMPORTING = """
import os, runpy, signal, sys
MODULE = sys.argv[1]
class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == MODULE:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
sys.meta_path.insert(0, Interrupt())
sys.argv = ["groundup", *sys.argv[2:]]
runpy.run_module("groundup", run_name="__main__", alter_sys=True)
"""


@pytest.mark.parametrize("module", ["argparse", "numpy"])
def test_ctrl_c_while_importing_is_quiet(module):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run([sys.executable, "-c", INTERRUPT_WHILE_IMPORTING, module, "list"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 130, result.stderr
    assert result.stderr.strip() == "groundup: interrupted" and result.stdout == ""


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664)])
def test_files_get_the_mode_the_umask_gives(tmp_path, umask, mode):
    out = tmp_path / "run"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run([sys.executable, "-m", "groundup", *RUN, "--impl", "numpy", "--epochs", "1", "--out", str(out)],
                   env=env, preexec_fn=lambda: os.umask(umask), check=True, capture_output=True)
    for name in ("config.json", "metrics.csv", "checkpoint.npz", "summary.json", "report.md", "curves.png"):
        assert stat.S_IMODE((out / name).stat().st_mode) == mode, name


needs_diabetes = pytest.mark.skipif(not Path(os.environ.get("GROUNDUP_DATA", "/nonexistent"), "diabetes").is_dir(),
                                    reason="the diabetes table is not in $GROUNDUP_DATA")


@needs_diabetes
def test_resume_finds_the_data_where_the_flags_say_now(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(Path(os.environ["GROUNDUP_DATA"]) / "diabetes", old / "diabetes")
    out = tmp_path / "run"
    args = ["run", "diabetes", "--impl", "numpy", "--epochs", "10", "--quiet", "--out", str(out)]
    env = {"GROUNDUP_DATA": str(tmp_path / "none"), "HOME": str(tmp_path)}
    assert run(*args, "--data-dir", str(old), fault="epoch-start@3", env=env).returncode == -signal.SIGKILL
    # Without --data-dir the environment decides, not the place config.json remembers.
    elsewhere = run("run", "diabetes", "--resume", str(out), "--quiet", env=env)
    assert elsewhere.returncode == 2 and "not found" in elsewhere.stderr and str(old) not in elsewhere.stderr
    old.rename(new)
    resumed = run("run", "diabetes", "--resume", str(out), "--data-dir", str(new), "--quiet", env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads((out / "summary.json").read_text())["epochs"] == 10
    for flag in (["--out", str(tmp_path)], ["--preset", "quick"], ["--overwrite"]):
        assert flag[0] in one_error_line(run("run", "diabetes", "--resume", str(out), *flag))


def test_predict_takes_options_before_images_and_compare_takes_overwrite(tmp_path, here):
    image = tmp_path / "img.png"
    image.write_bytes(b"")
    for flag in (["--top", "5"], ["--json"]):
        result = here("predict", str(tmp_path), *flag, str(image))
        assert "unrecognized" not in result.stderr and "not a run folder" in one_error_line(result)
    out = tmp_path / "cmp"
    args = ["compare", "logistic-synthetic", "--epochs", "1", "--quiet", "--out", str(out)]
    assert here(*args).returncode == 0
    assert "--overwrite" in one_error_line(here(*args))
    assert here(*args, "--overwrite").returncode == 0


def test_predict_without_arguments_says_what_it_needs(here):
    line = one_error_line(here("predict"))
    assert "RUN_DIR" in line and "--test-index" in line


def test_ctrl_c_while_the_report_is_written_says_how_to_finish(tmp_path, straight):
    out = tmp_path / "run"
    result = run(*RUN, "--impl", "numpy", "--epochs", str(EPOCHS), "--out", str(out),
                 fault="before-rename:curves.png:INT")
    assert result.returncode == 130 and "Traceback" not in result.stderr
    assert f"all {EPOCHS} epochs are saved" in result.stderr and f"--resume {out}" in result.stderr
    assert run("run", "logistic-synthetic", "--resume", str(out), "--quiet").returncode == 0
    assert_same_run(out, straight("numpy"), "numpy")


@pytest.mark.parametrize("name", ["curves.png", "confusion.png", "boundary.png", "test_predictions.csv", "report.md"])
def test_resume_of_a_completed_run_missing_a_file_rewrites_it(tmp_path, here, name):
    out = tmp_path / "run"
    assert here(*RUN, "--impl", "numpy", "--epochs", "2", "--out", str(out)).returncode == 0
    before = (out / name).read_bytes()
    (out / name).unlink()
    assert here("run", "logistic-synthetic", "--resume", str(out), "--quiet").returncode == 0
    if not name.endswith(".png"):  # text outputs come back byte for byte
        assert (out / name).read_bytes() == before
    assert (out / name).is_file()
    assert "nothing to resume" in one_error_line(here("run", "logistic-synthetic", "--resume", str(out)))


def test_resume_of_a_completed_group_missing_a_members_file_rewrites_it(tmp_path, here):
    out = tmp_path / "all"
    assert here(*RUN, "--impl", "all", "--epochs", "2", "--out", str(out)).returncode == 0
    (out / "nn" / "confusion.png").unlink()
    assert here("run", "logistic-synthetic", "--resume", str(out), "--quiet").returncode == 0
    assert (out / "nn" / "confusion.png").is_file()
    assert "nothing to resume" in one_error_line(here("run", "logistic-synthetic", "--resume", str(out)))


def test_a_run_that_fails_before_writing_leaves_no_default_folder(tmp_path, here, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GROUNDUP_DATA", str(tmp_path / "none"))
    monkeypatch.setenv("HOME", str(tmp_path / "none"))
    from groundup.data import vision

    monkeypatch.setattr(vision, "SYSTEM_ROOT", tmp_path / "system")
    result = here("run", "softmax-mnist", "--impl", "numpy", "--quiet")
    assert result.returncode == 2 and "MNIST not found" in result.stderr
    assert list((tmp_path / "runs" / "softmax-mnist").iterdir()) == []


def test_more_epochs_for_one_member_of_a_group_is_refused_and_the_group_takes_them(tmp_path):
    """A comparison compares like with like: --epochs changes a whole --impl all group or nothing."""
    out = tmp_path / "all"
    assert run(*RUN, "--epochs", "2", "--out", str(out)).returncode == 0
    alone = run("run", "logistic-synthetic", "--resume", str(out / "nn"), "--epochs", "3", "--quiet")
    assert f"--resume {out.resolve()} --epochs 3" in one_error_line(alone)
    assert len(RunFolder(out / "nn").read_metrics()) == 2  # untouched
    group = run("run", "logistic-synthetic", "--resume", str(out), "--epochs", "3", "--quiet")
    assert group.returncode == 0, group.stderr
    for impl in ("numpy", "scratch", "nn"):
        assert len(RunFolder(out / impl).read_metrics()) == 3, impl
    summaries = json.loads((out / "comparison.json").read_text())["summaries"]
    assert {impl: s["epochs"] for impl, s in summaries.items()} == {"numpy": 3, "scratch": 3, "nn": 3}


# ---- issue 24 -----------------------------------------------------------------------------

def run_with(setup: str, *args: str, fault: str | None = None):
    """``groundup ARGS`` in a child that first runs the Python code ``setup``: for a signal at a
    moment no fault point marks (inside a weakref callback, while Python shuts down)."""
    code = setup + ("\nimport runpy, sys\nsys.argv = ['groundup', *sys.argv[1:]]\n"
                    "runpy.run_module('groundup', run_name='__main__', alter_sys=True)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "GROUNDUP_COMMIT_SECONDS": "0",
           **({FAULT_ENV: fault} if fault else {})}
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True,
                          timeout=300)


def one_interrupted_line(result, code: int = 130) -> str:
    """The result stopped with ``code`` and printed exactly one line, ``groundup: ...``."""
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("groundup: "), result.stderr
    return lines[0]


def test_issue24_1_ctrl_c_twice_saves_the_report_and_exits_130_with_one_line(tmp_path, straight):
    """The second Ctrl-C comes while the interrupted run writes its report (the figures of the
    second implementation of an --impl all run): it is ignored, the report is written."""
    out = tmp_path / "all"
    # epoch 3 of scratch is the 8th epoch; curves.png: numpy's (1st), then scratch's interrupted one (2nd)
    result = run(*RUN, "--epochs", str(EPOCHS), "--out", str(out),
                 fault=f"epoch-start@{EPOCHS + 3}:INT,before-rename:curves.png@2:INT")
    line = one_interrupted_line(result)
    assert "[scratch] interrupted after 2 complete epoch(s)" in line and f"--resume {out}" in line
    summary = json.loads((out / "scratch" / "summary.json").read_text())
    assert summary["status"] == "interrupted" and summary["epochs_completed"] == 2
    assert (out / "scratch" / "curves.png").is_file() and not list(out.rglob(".*.tmp"))
    assert run("run", "logistic-synthetic", "--resume", str(out), "--quiet").returncode == 0
    assert_same_run(out / "scratch", straight("scratch"), "scratch")


CTRL_C_IN_A_WEAKREF_CALLBACK = """
import os, signal, weakref
from groundup.store import checkpoint
commit = checkpoint.Committer.epoch
class Thing:
    pass
def epoch(self, row, final):
    commit(self, row, final)
    if row["epoch"] == 3:  # Ctrl-C lands in a weakref callback that the run set off
        thing = Thing()
        ref = weakref.ref(thing, lambda r: os.kill(os.getpid(), signal.SIGINT))
        del thing
checkpoint.Committer.epoch = epoch
"""


def test_issue24_1_ctrl_c_inside_a_weakref_callback_still_stops_the_run(tmp_path):
    out = tmp_path / "run"
    result = run_with(CTRL_C_IN_A_WEAKREF_CALLBACK, *RUN, "--impl", "numpy", "--epochs", "1000",
                      "--out", str(out))
    line = one_interrupted_line(result)  # not "Exception ignored in: <function ...>" and a run that goes on
    assert "interrupted after" in line and "of 1000" in line and f"--resume {out}" in line
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "interrupted" and 3 <= summary["epochs_completed"] < 1000


def test_issue24_1_a_ctrl_c_delivered_again_while_the_hook_still_runs_reaches_the_run(monkeypatch):
    """The hook that delivers a swallowed Ctrl-C again (``cli._swallowed``) starts a timer; on a
    busy machine the timer can fire before the hook has returned, even inside ``Timer.start``
    (seen once in a full suite beside another: the run then went on to its last epoch). Here it
    always does: the hook must still return, and the Ctrl-C reach the code after it."""
    import _thread
    import threading
    from types import SimpleNamespace

    from groundup import cli
    from groundup.errors import Interrupted

    fired = []

    class FiresBeforeStartReturns(threading.Timer):
        def start(self):
            if not fired:
                fired.append(True)
                _thread.interrupt_main(signal.SIGINT)
                for _ in range(10_000):  # the main thread runs the handler here, inside the hook
                    pass
            super().start()

    monkeypatch.setattr(threading, "Timer", FiresBeforeStartReturns)
    monkeypatch.setattr(cli, "_stopped_by", signal.SIGINT)  # the Ctrl-C a weakref callback swallowed
    previous = signal.signal(signal.SIGINT, cli._interrupt)
    try:
        cli._swallowed(lambda unraisable: None, SimpleNamespace(exc_value=Interrupted(signal.SIGINT)))
        with pytest.raises(Interrupted):
            time.sleep(5)  # the run's own code: the Ctrl-C arrives here
        assert fired
    finally:
        signal.signal(signal.SIGINT, previous)
        if cli._again is not None:
            cli._again.cancel()


CTRL_C_WHILE_PYTHON_SHUTS_DOWN = """
import atexit, os, signal, time
atexit.register(lambda: (os.kill(os.getpid(), signal.SIGINT), time.sleep(0.05)))
"""


def test_issue24_1_a_second_ctrl_c_while_the_process_exits_changes_nothing(tmp_path):
    out = tmp_path / "run"
    result = run_with(CTRL_C_WHILE_PYTHON_SHUTS_DOWN, *RUN, "--impl", "numpy", "--epochs", str(EPOCHS),
                      "--out", str(out), fault="before-rename:curves.png:INT")
    assert f"all {EPOCHS} epochs are saved" in one_interrupted_line(result)


@pytest.mark.parametrize("impl, nth, member", [
    ("numpy", 1, None),       # one implementation's config.json
    ("all", 1, None),         # the top of an --impl all folder
    ("all", 3, "scratch"),    # a member of one (numpy's is the 2nd config.json, scratch's the 3rd)
])
def test_issue24_3_a_kill_during_the_first_rename_is_a_run_that_never_started(tmp_path, straight, impl, nth, member):
    out = tmp_path / "run"
    killed = run(*RUN, "--impl", impl, "--epochs", str(EPOCHS), "--out", str(out),
                 fault=f"before-rename:config.json@{nth}")
    assert killed.returncode == -signal.SIGKILL
    assert list((out / (member or "")).glob(".config.json.*.tmp"))  # the write that never became config.json
    line = one_error_line(run("run", "logistic-synthetic", "--resume", str(out / (member or ""))))
    assert "never started" in line and "not a run folder" not in line
    if member is None:  # the line names the command that starts the same run again
        command = line.split("start it again with: ")[1].split()
        assert command[:3] == ["groundup", "run", "logistic-synthetic"] and command[-2:] == ["--out", str(out)]
        again = run(*command[1:], "--quiet")
    else:  # the group resumes, and starts the member that never started
        assert f"--resume {out.resolve()}" in line
        again = run("run", "logistic-synthetic", "--resume", str(out), "--quiet")
    assert again.returncode == 0, again.stderr
    assert not list(out.rglob(".*.tmp")), "the killed writer's temporary file is still there"
    for i in (("numpy", "scratch", "nn") if impl == "all" else (impl,)):
        assert_same_run(out / i if impl == "all" else out, straight(i), i)


def test_issue24_3_temporary_files_of_a_killed_writer_go_when_the_folder_is_next_locked(tmp_path):
    out = tmp_path / "run"
    killed = run(*RUN, "--impl", "numpy", "--epochs", "20", "--out", str(out), fault="before-rename:checkpoint.npz@3")
    assert killed.returncode == -signal.SIGKILL and list(out.glob(".checkpoint.npz.*.tmp"))
    from groundup.store.runs import folder_lock

    with folder_lock(out):
        assert not list(out.glob(".*.tmp"))


def test_issue24_5_nan_in_a_checkpoint_is_named_not_blamed_on_the_learning_rate(interrupted, tmp_path, here):
    def poison(folder):
        meta, state = checkpoint.load(folder, "numpy")
        state["params"]["0.weight"][0, 0] = np.nan
        checkpoint.save(folder, "numpy", meta, state)

    folder = damaged_copy(interrupted, tmp_path / "copy", poison)
    line = one_error_line(here("run", "logistic-synthetic", "--resume", str(folder)))
    assert str(folder / "checkpoint.npz") in line and "parameter 0.weight holds NaN" in line
    assert "learning rate" not in line and "damaged" in line


@needs_permissions
def test_issue24_5_an_unreadable_checkpoint_is_a_permission_problem_not_corruption(interrupted, tmp_path):
    folder = damaged_copy(interrupted, tmp_path / "copy", lambda f: os.chmod(f / "checkpoint.npz", 0))
    try:
        line = one_error_line(run_unprivileged("run", "logistic-synthetic", "--resume", str(folder)))
    finally:
        os.chmod(folder / "checkpoint.npz", 0o644)
    assert f"{folder / 'checkpoint.npz'}: permission denied" in line and "corrupt" not in line
    assert run("run", "logistic-synthetic", "--resume", str(folder), "--quiet").returncode == 0  # nothing lost


def test_issue24_5_a_folder_in_place_of_the_checkpoint_is_named(interrupted, tmp_path, here):
    def replace(folder):
        (folder / "checkpoint.npz").unlink()
        (folder / "checkpoint.npz").mkdir()

    folder = damaged_copy(interrupted, tmp_path / "copy", replace)
    line = one_error_line(here("run", "logistic-synthetic", "--resume", str(folder)))
    assert f"{folder / 'checkpoint.npz'}: this is a folder where a file was expected" in line
    assert "corrupt" not in line and "nothing to resume" not in line


def test_issue24_5_an_edited_metrics_row_is_refused_by_name(interrupted, tmp_path, here):
    def edit(folder):
        lines = (folder / "metrics.csv").read_text().splitlines(keepends=True)
        cells = lines[2].split(",")  # epoch 2
        cells[1] = repr(float(cells[1]) / 2)  # its training loss, halved
        lines[2] = ",".join(cells)
        (folder / "metrics.csv").write_text("".join(lines))

    folder = damaged_copy(interrupted, tmp_path / "copy", edit)
    before = (folder / "metrics.csv").read_bytes(), (folder / "checkpoint.npz").read_bytes()
    line = one_error_line(here("run", "logistic-synthetic", "--resume", str(folder)))
    assert str(folder / "metrics.csv") in line and "not the ones the checkpoint committed" in line
    assert ((folder / "metrics.csv").read_bytes(), (folder / "checkpoint.npz").read_bytes()) == before


@pytest.mark.parametrize("name", ["checkpoint.npz", "metrics.csv"])
def test_issue24_5_a_completed_run_missing_its_checkpoint_or_metrics_gets_it_back(tmp_path, straight, name):
    out = tmp_path / "run"
    shutil.copytree(straight("numpy"), out)
    (out / name).unlink()
    resumed = run("run", "logistic-synthetic", "--resume", str(out))
    assert resumed.returncode == 0, resumed.stderr
    assert f"{out / name} is missing" in resumed.stdout and "nothing to resume" not in resumed.stderr
    assert_same_run(out, straight("numpy"), "numpy")  # the same epochs again: the same numbers
    assert "nothing to resume" in one_error_line(run("run", "logistic-synthetic", "--resume", str(out)))
