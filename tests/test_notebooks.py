"""Every notebook in notebooks/ and notebooks/zh/ (the Chinese ones) runs top to bottom in a
fresh Jupyter kernel, and is stored without outputs. A notebook that needs a data set which
cannot be found is skipped. The kernels are forked from the suite's fork server
(``forked.launch_kernel``), which has imported torch and NumPy already."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

import forked
from conftest import ROOT

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
from jupyter_client.provisioning import local_provisioner  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "notebooks" / "zh").glob("*.ipynb"))
CJK = re.compile(r"[\u3400-\u9fff]")
KERNEL = "groundup-test"


def _found(name: str) -> bool:
    from groundup.data import tabular, vision

    return (tabular.locate_diabetes() if name == "diabetes" else vision.locate(name)) is not None


@pytest.fixture(scope="module")
def jupyter_path(tmp_path_factory) -> Path:
    """A kernel spec for this very interpreter, in a folder of its own: the kernel imports the
    groundup under test whatever other kernels the machine has."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True)
    python_path = os.pathsep.join(p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH")) if p)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "groundup tests", "language": "python",
        # one torch thread, as in every test (tiny models; the CI machine is shared)
        "env": {"PYTHONPATH": python_path, "OMP_NUM_THREADS": "1"}}))
    return root


def test_notebooks_exist_and_are_stored_without_outputs():
    assert len(NOTEBOOKS) >= 7
    chinese = [p for p in NOTEBOOKS if p.parent.name == "zh"]
    # a Chinese notebook walks through an exercise checked in the notebook
    assert any("groundup.check(" in "".join(c.source for c in nbformat.read(p, as_version=4).cells)
               for p in chinese)
    for path in NOTEBOOKS:
        book = nbformat.read(path, as_version=4)
        nbformat.validate(book)
        for cell in book.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: clear the outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / "notebooks")))
def test_notebook_runs_top_to_bottom(path, jupyter_path, tmp_path, monkeypatch):
    book = nbformat.read(path, as_version=4)
    missing = [n for n in book.metadata.get("groundup", {}).get("needs", []) if not _found(n)]
    if missing:
        pytest.skip(f"needs {', '.join(missing)}")
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter_path))
    monkeypatch.setattr(local_provisioner, "launch_kernel", forked.launch_kernel)
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's own inline backend, as in Jupyter
    # Run in a temporary folder: the notebook's runs/ goes there, not into the repository.
    nbclient.NotebookClient(book, kernel_name=KERNEL, timeout=600,
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in book.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    shown = [o.get("data", {}).get("text/html", "") for o in outputs]
    cards = [h for h in shown if "groundup-result" in h]
    checks = [h for h in shown if "groundup-check" in h]
    assert cards or checks  # a result card, or an exercise checked in the notebook
    assert all("data:image/png;base64," in h for h in cards)
    # what pyplot draws is shown, as Jupyter shows it (the kernel's inline backend)
    plotted = [c for c in book.cells if c.cell_type == "code" and "plt." in c.source]
    assert all(any("image/png" in o.get("data", {}) for o in c.outputs) for c in plotted)
    # no warning about the progress bar's widget (a notebook without ipywidgets)
    assert not [o for o in outputs if o.output_type == "stream" and "TqdmWarning" in o.text]
    if path.parent.name == "zh":  # the Chinese notebooks show Chinese cards and checks
        assert all(CJK.search(h) for h in cards + checks)
