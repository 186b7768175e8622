"""Run-folder files are written atomically."""

from __future__ import annotations

import pytest

from groundup import runs


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
