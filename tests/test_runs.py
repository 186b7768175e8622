"""Run-folder files are written atomically."""

from __future__ import annotations

import os

import pytest

from groundup.store import runs
from groundup.store.folder import is_locked


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "summary.json"
    runs.atomic_write_text(target, "old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(runs.os, "replace", broken_replace)
    with pytest.raises(OSError):
        runs.atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.json"]  # no temporary left behind


def test_metrics_csv_leaves_accuracy_empty_for_regression(tmp_path):
    folder = runs.RunFolder(tmp_path)
    folder.write_metrics([{"epoch": 1, "train_loss": 0.5, "train_accuracy": None, "test_loss": 0.25,
                           "test_accuracy": None, "seconds": 0.1}])
    assert (tmp_path / "metrics.csv").read_text().splitlines()[1] == "1,0.5,,0.25,,0.1"


def test_metrics_read_back_exactly_and_a_torn_row_beyond_the_commit_is_ignored(tmp_path):
    folder = runs.RunFolder(tmp_path)
    rows = [{"epoch": k, "train_loss": 1 / 3 / k, "train_accuracy": 0.1 * k, "test_loss": 2 / 7,
             "test_accuracy": None, "seconds": 1e-3} for k in (1, 2)]
    folder.write_metrics(rows)
    with open(tmp_path / "metrics.csv", "a") as f:
        f.write("3,0.12")  # an append cut short by a full disk, after the last commit
    assert folder.read_metrics(limit=2) == rows
    with pytest.raises(runs.RunFolderError):
        folder.read_metrics()


def test_folder_lock_is_exclusive_across_processes_and_leaves_nothing(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    probe = ("import sys; sys.path.insert(0, sys.argv[2]); from groundup.store import runs\n"
             "try:\n    with runs.folder_lock(sys.argv[1]): print('got it')\n"
             "except runs.RunFolderError as err: print(err)")
    with runs.folder_lock(tmp_path), runs.folder_lock(tmp_path):  # re-entrant in one process
        assert is_locked(tmp_path)
        other = subprocess.run([sys.executable, "-c", probe, str(tmp_path), str(ROOT / "src")],
                               capture_output=True, text=True, check=True)
        assert f"pid {os.getpid()}" in other.stdout
    assert not (tmp_path / runs.LOCK_NAME).exists()
    again = subprocess.run([sys.executable, "-c", probe, str(tmp_path), str(ROOT / "src")],
                           capture_output=True, text=True, check=True)
    assert again.stdout.strip() == "got it"


def test_resuming_a_group_with_more_epochs_updates_every_members_config(tmp_path):
    import json

    from conftest import cli_run

    out = tmp_path / "all"
    assert cli_run("compare", "logistic-synthetic", "--epochs", "2", "--out", str(out), "--quiet").returncode == 0
    resumed = cli_run("run", "logistic-synthetic", "--resume", str(out), "--epochs", "3", "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    for folder in (out, out / "numpy", out / "scratch", out / "nn"):
        assert json.loads((folder / "config.json").read_text())["settings"]["epochs"] == 3, folder
        if folder != out:
            assert json.loads((folder / "summary.json").read_text())["epochs"] == 3
