"""The suite's forked children (tests/forked.py) keep the promises the tests rely on: a child's
own session exists before a signal can be sent to its group, and what a fresh interpreter reads
at its start (the import path, matplotlib's backend) is what the child's environment says."""

from __future__ import annotations

import importlib
import importlib.util
import os
import signal
from pathlib import Path

import forked
from conftest import ROOT

PROBE = """\
import os, sys
os.environ["MPLBACKEND"] = os.environ.get("PROBE_SETS_BACKEND") or os.environ.get("MPLBACKEND", "")
import matplotlib
print(matplotlib.get_backend(), sys.path[1], sep="\\n")
"""


def _probe(tmp_path, env: dict, **kwargs) -> list[str]:
    (tmp_path / "probe_start.py").write_text(PROBE)
    child = forked.Child([], cwd=tmp_path, module="probe_start",
                         env={**os.environ, "PYTHONPATH": str(tmp_path), **env}, **kwargs)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    return out.splitlines()


def test_a_new_session_exists_when_the_child_is_returned():
    child = forked.Child(["list"], start_new_session=True)
    try:
        assert os.getpgid(child.pid) == child.pid != os.getpgid(0)
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate(timeout=60)


def test_the_import_path_and_the_backend_are_the_environments(tmp_path):
    backend, first = _probe(tmp_path, {"MPLBACKEND": "svg"})
    assert backend == "svg" and first == str(tmp_path)


def test_a_library_named_in_reimport_reads_what_the_program_set_before_importing_it(tmp_path):
    backend, _ = _probe(tmp_path, {"PROBE_SETS_BACKEND": "pdf"}, reimport=("matplotlib",))
    assert backend == "pdf"


def test_a_child_has_what_the_server_loaded_and_leaves_it_out_of_its_collection(tmp_path):
    (tmp_path / "probe_loaded.py").write_text(
        'import gc, sys\nprint("torch._dynamo" in sys.modules, gc.get_freeze_count() > 0)\n')
    child = forked.Child([], cwd=tmp_path, module="probe_loaded", env={**os.environ, "PYTHONPATH": str(tmp_path)})
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert out.split() == ["True", "True"]  # the first optimizer imports nothing; no page copied by a collection


def test_a_process_that_imported_torch_dynamo_still_forks_its_children():
    importlib.import_module("torch._dynamo")  # it sets TORCHINDUCTOR_CACHE_DIR in this process's environment
    assert "TORCHINDUCTOR_CACHE_DIR" in os.environ and forked.forkable(dict(os.environ))


def test_the_children_find_groundup_compiled():
    """Every module of the groundup the children import has its bytecode (conftest's
    ``pytest_configure``), also those no test has imported yet: a child compiles none of them again."""
    sources = list((ROOT / "src" / "groundup").rglob("*.py"))
    assert len(sources) > 50
    assert [p for p in sources if not Path(importlib.util.cache_from_source(str(p))).is_file()] == []
