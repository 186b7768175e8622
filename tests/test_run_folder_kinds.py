"""A run folder answers for itself (``store.folder.Folder``): its kind, whether it is complete,
what it can resume, its headline numbers, its files read by one reader each, a lab's order."""

from __future__ import annotations

import json

import pytest

import groundup
from groundup.store.folder import FileError, Folder, FolderBusy, NotFinished

QUIET = dict(quiet=True)


@pytest.fixture(scope="module")
def group(tmp_path_factory):
    return groundup.compare("logistic-synthetic", out=tmp_path_factory.mktemp("kinds") / "all", epochs=2, **QUIET).path


def test_kinds(group, tmp_path):
    assert Folder(group).kind == "group" and Folder(group / "numpy").kind == "run"
    assert [m.path.name for m in Folder(group).members()] == ["nn", "numpy", "scratch"]
    assert Folder(tmp_path).kind is None and not Folder(tmp_path).holds_runs()
    (tmp_path / "lab.json").write_text('{"preset": "quick", "only": null, "entries": []}')
    assert Folder(tmp_path).kind == "lab"


def test_complete_resumable_and_headline(group, tmp_path):
    assert Folder(group).complete() and Folder(group).resumable()
    assert Folder(group).report() == group / "comparison.md"
    line = Folder(group).headline()
    assert line["impl"] == "all" and line["status"] == "completed" and line["epochs"] == "2"
    assert line["result"].startswith("numpy test acc. 0.")
    import shutil

    copy = shutil.copytree(group, tmp_path / "copy")
    (copy / "scratch" / "curves.png").unlink()
    assert Folder(copy).status() == "completed" and not Folder(copy).complete()


def test_one_reader_per_file_and_one_error(group, tmp_path):
    folder = Folder(group / "numpy")
    assert len(folder.read_metrics()) == 2 == len(folder.read_table("metrics.csv"))
    (tmp_path / "summary.json").write_text("[1]")
    with pytest.raises(FileError) as err:
        Folder(tmp_path).read_json("summary.json")
    assert (err.value.problem, err.value.detail) == ("damaged", "a list, not a dict")
    with pytest.raises(FileError) as err:
        Folder(tmp_path).read_json("config.json")
    assert err.value.problem == "missing"


def test_store_errors_carry_fields_and_the_app_says_what_to_do(tmp_path):
    from groundup.app.advice import said

    busy = FolderBusy(tmp_path, "42")
    assert str(busy) == f"{tmp_path} is in use by another groundup run (pid 42)"
    assert said(busy) == f"{busy}; wait for it to finish, or choose another --out"
    unfinished = NotFinished(tmp_path, "logistic-synthetic", resumable=True)
    assert "groundup" not in str(unfinished)
    assert said(unfinished).endswith(f"; continue it with: groundup run logistic-synthetic --resume {tmp_path}")


def test_a_lab_is_ordered_by_lab_json_else_by_its_index(tmp_path):
    for name in ("b", "a", "c"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "config.json").write_text("{}")
    (tmp_path / "index.md").write_text("c then a then b")
    assert [f.path.name for f in Folder(tmp_path).experiments()] == ["c", "a", "b"]
    entries = [{"name": n, "status": "done"} for n in ("b", "c", "a")]
    (tmp_path / "lab.json").write_text(json.dumps({"preset": "quick", "only": None, "entries": entries}))
    assert [f.path.name for f in Folder(tmp_path).experiments()] == ["b", "c", "a"]
