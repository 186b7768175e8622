"""Drawing the reports' figures leaves the user's matplotlib alone: backend, rcParams, pyplot."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from conftest import ROOT, cli_main

# Run in a fresh process, as a notebook would: the user picked a backend and imported pyplot
# first; groundup then imports and runs every experiment that draws without data to download.
SCRIPT = textwrap.dedent("""
    import sys
    import matplotlib
    matplotlib.use("svg")
    import matplotlib.pyplot as plt
    grid = matplotlib.rcParams["axes.grid"]

    from groundup.experiments import get
    out = sys.argv[1]
    for name in ("basics", "linear-model", "gradient-descent", "linear-regression", "logistic-synthetic"):
        exp = get(name)
        impls = ["numpy"] if exp.task is not None else list(exp.impls)
        settings = exp.settings("quick", **({"epochs": 2} if exp.task is not None else {}))
        exp.run(exp, impls, settings, __import__("pathlib").Path(out) / name, "quick",
                quiet=True, say=lambda *a, **k: None)
    print(matplotlib.get_backend(), matplotlib.rcParams["axes.grid"] == grid, plt.get_fignums())
""")


def _python(code: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env["PYTHONPATH"] = str(ROOT / "src")
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True,
                          text=True, timeout=300)


def test_experiments_draw_without_changing_the_backend_the_style_or_pyplot(tmp_path):
    done = _python(SCRIPT, str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["svg", "True", "[]"]
    pngs = sorted(p.name for p in tmp_path.rglob("*.png"))
    assert {"broadcast.png", "loss_wb.png", "paths.png", "fit.png", "boundary.png",
            "curves.png"} <= set(pngs), pngs


def test_importing_groundup_and_drawing_does_not_import_pyplot(tmp_path):
    code = textwrap.dedent("""
        import sys
        import numpy as np
        from groundup.report import figures, images
        from groundup.store.runs import RunFolder
        rows = [dict(epoch=e, train_loss=1 / e, test_loss=1.1 / e, train_accuracy=0.5 + e / 10,
                     test_accuracy=0.5 + e / 11) for e in (1, 2, 3)]
        folder = RunFolder(sys.argv[1])
        folder.save_figure(figures.curves(rows, "t"), "curves.png")
        folder.save_figure(images.weight_images(np.ones((2, 4)), ["a", "b"], (2, 2), "w"), "w.png")
        print("matplotlib.pyplot" in sys.modules)
    """)
    done = _python(code, str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
    assert (tmp_path / "curves.png").stat().st_size > 1000


def test_an_interrupted_runs_figures_say_so(tmp_path, monkeypatch):
    from groundup.core import faults
    from groundup.report import figures

    titles = []
    curves = figures.curves
    monkeypatch.setattr(figures, "curves", lambda rows, title: titles.append(title) or curves(rows, title))
    monkeypatch.setenv("GROUNDUP_FAULT", "epoch-start@3:INT")  # Ctrl-C as epoch 3 starts
    monkeypatch.setattr(faults, "_fault_hits", {})
    code = cli_main("run", "logistic-synthetic", "--impl", "numpy", "--epochs", "50", "--quiet",
                    "--out", str(tmp_path / "run"))
    assert code == 130
    assert len(titles) == 1 and titles[0].endswith("(interrupted after epoch 2)"), titles
    assert (tmp_path / "run" / "curves.png").stat().st_size > 1000
