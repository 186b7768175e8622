"""linear-model: the loss landscape of a line, searched exhaustively (004 §2).

y = w·x on x = [1, 2, 3], y = [2, 4, 6]: the MSE for every w from 0 to 4 in steps of 0.1.
y = w·x + b on y = [3, 5, 7]: the MSE over a (w, b) grid, drawn as a surface and as contours.
Every grid point is evaluated at once with broadcasting: no loop over w, b or samples.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from groundup.experiments.base import Experiment

from groundup.core.settings import Settings
from groundup.i18n import experiment_title, ft, t
from groundup.report.figures import new_figure, styled, subplots
from groundup.report.markdown import figure, table
from groundup.store.runs import RunFolder
from groundup.training.threads import applied

X = np.array([1.0, 2.0, 3.0])
Y_LINE = np.array([2.0, 4.0, 6.0])    # y = 2x
Y_AFFINE = np.array([3.0, 5.0, 7.0])  # y = 2x + 1
W_GRID = np.arange(41) / 10  # 0.0, 0.1, ..., 4.0 exactly (np.arange(0, 4.1, 0.1) drifts: 0.30000000000000004)
B_GRID = np.arange(41) / 10


def mse_w(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """MSE(w) = (1/n) Σ_i (w x_i − y_i)², for every w at once: rows are w, columns samples."""
    return ((w[:, None] * x - y) ** 2).mean(axis=1)


def mse_wb(w: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """MSE(w, b) = (1/n) Σ_i (w x_i + b − y_i)² on the grid w × b: shape (len(w), len(b))."""
    pred = w[:, None, None] * x + b[None, :, None]
    return ((pred - y) ** 2).mean(axis=2)


def curvature(x: np.ndarray) -> dict:
    """The shape of the (w, b) bowl: MSE is quadratic, with Hessian H = (2/n) [[Σx², Σx], [Σx, n]].

    Its eigenvalues are the curvatures along the bowl's axes; their ratio says how long and
    narrow the valley is (gradient descent crawls along a narrow valley).
    """
    features = np.stack([x, np.ones_like(x)], axis=1)
    hessian = 2 * features.T @ features / len(x)
    values, vectors = np.linalg.eigh(hessian)  # ascending
    flat = vectors[:, 0] * np.sign(vectors[0, 0])  # the valley floor's direction, w increasing
    return {"hessian": hessian, "eigenvalues": values, "ratio": values[1] / values[0],
            "valley_direction": flat}


def landscape() -> dict:
    """Both searches: the grids, the MSE at every grid point and the best grid point."""
    line = mse_w(W_GRID, X, Y_LINE)
    surface = mse_wb(W_GRID, B_GRID, X, Y_AFFINE)
    i = int(line.argmin())
    j, k = np.unravel_index(surface.argmin(), surface.shape)
    return {"w": W_GRID, "mse_w": line, "w_min": float(W_GRID[i]), "mse_w_min": float(line[i]),
            "b": B_GRID, "mse_wb": surface, "wb_min": (float(W_GRID[j]), float(B_GRID[k])),
            "mse_wb_min": float(surface[j, k]), "curvature": curvature(X)}


# -------------------------------------------------------------------------------- the figures

@styled
def line_figure(r: dict) -> Figure:
    fig, ax = subplots(figsize=(5.6, 3.9))
    ax.plot(r["w"], r["mse_w"], "-", color="#1f77b4", lw=1.5)
    ax.plot(r["w"], r["mse_w"], "o", color="#1f77b4", ms=3, label=ft("exp.landscape.grid_point"))
    ax.plot([r["w_min"]], [r["mse_w_min"]], "*", color="#d62728", ms=16, ls="none",
            label=ft("run.landscape_min_w", w=r["w_min"], mse=r["mse_w_min"]))
    ax.annotate(f"w = {r['w_min']:.1f}", (r["w_min"], r["mse_w_min"]), (r["w_min"], 8),
                ha="center", arrowprops=dict(arrowstyle="->", color="#d62728"), color="#d62728")
    ax.set_xlabel("w")
    ax.set_ylabel(ft("exp.landscape.mse_axis"))
    ax.set_title(ft("exp.landscape.line_title"), fontsize=10)
    ax.legend(loc="upper center")
    fig.tight_layout()
    return fig


@styled
def surface_figure(r: dict) -> Figure:
    w, b = np.meshgrid(r["w"], r["b"], indexing="ij")
    z = r["mse_wb"]
    (wm, bm), zm = r["wb_min"], r["mse_wb_min"]
    label = ft("exp.landscape.minimum_wb", w=wm, b=bm, mse=zm)
    fig = new_figure(figsize=(10, 4.8))
    ax = fig.add_subplot(1, 2, 1, projection="3d", computed_zorder=False)  # draw in call order
    ax.plot_surface(w, b, z, cmap="viridis", linewidth=0, alpha=0.85, zorder=1)
    ax.plot([wm, wm], [bm, bm], [zm, z.max() / 2], color="#d62728", lw=1.5, zorder=2)
    ax.scatter([wm], [bm], [zm], color="#d62728", s=120, marker="*", depthshade=False, zorder=3)
    ax.set_xlabel("w")
    ax.set_ylabel("b")
    ax.set_zlabel("MSE")
    ax.view_init(elev=28, azim=-125)
    ax.set_title(ft("exp.landscape.surface", w=wm, b=bm), fontsize=10)

    ax = fig.add_subplot(1, 2, 2)
    cs = ax.contour(w, b, z, levels=[0.1, 0.5, 2, 5, 10, 20, 40], cmap="viridis")
    ax.clabel(cs, fontsize=7, fmt="%g")
    d = r["curvature"]["valley_direction"]
    span = np.array([-3.0, 3.0])
    ax.plot(wm + span * d[0], bm + span * d[1], "--", color="gray", lw=1, label=ft("exp.landscape.valley"))
    ax.plot([wm], [bm], "*", color="#d62728", ms=16, ls="none", label=label.replace("\n", ", "))
    ax.set_xlim(r["w"][0], r["w"][-1])
    ax.set_ylim(r["b"][0], r["b"][-1])
    ax.set_xlabel("w")
    ax.set_ylabel("b")
    ax.set_aspect("equal")
    ax.set_title(ft("exp.landscape.contours"), fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=8, ncol=1, frameon=False)
    fig.suptitle(ft("exp.landscape.surface_title"), fontsize=11)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------- terminal and report

def analysis(r: dict) -> list[str]:
    c = r["curvature"]
    steep, flat = c["eigenvalues"][1], c["eigenvalues"][0]
    d = c["valley_direction"]
    a = float((X ** 2).mean())
    return [
        t("exp.landscape.line", n=len(r["w"]), mse=r["mse_w_min"], w=r["w_min"], a=a),
        t("exp.landscape.bowl", nw=len(r["w"]), nb=len(r["b"]), size=r["mse_wb"].size, w=r["wb_min"][0],
          b=r["wb_min"][1], mse=r["mse_wb_min"], steep=steep, flat=flat, ratio=c["ratio"], d0=d[0], d1=d[1]),
        t("exp.landscape.cost", two=41 ** 2, power=7850 * np.log10(41)),
    ]


def run(exp: Experiment, impls: list[str], settings: Settings, out: Path, preset: str,
        quiet: bool = False, say=print) -> dict:
    """Search both grids, print the minima, write the curve, the surface and the report."""
    folder = RunFolder(out)
    folder.write_config(exp.name, preset, threads=applied(), x=X, y_line=Y_LINE, y_affine=Y_AFFINE, w_grid=[0.0, 4.0, 0.1],
                        b_grid=[0.0, 4.0, 0.1], loss="MSE, mean per sample")
    r = landscape()
    shown = np.arange(0, len(r["w"]), 5)  # every 0.5
    say(t("run.header", name=exp.name, title=experiment_title(exp), section=exp.section, folder=folder.path))
    say("")
    say(t("run.landscape_line"))
    say("   w    " + "".join(f"{r['w'][i]:>8.1f}" for i in shown))
    say("   MSE  " + "".join(f"{r['mse_w'][i]:>8.3f}" for i in shown))
    say("   " + t("run.landscape_min_w", w=r["w_min"], mse=r["mse_w_min"]))
    say("")
    say(t("run.landscape_grid", nw=len(r["w"]), nb=len(r["b"])))
    say("   " + t("run.landscape_min_wb", w=r["wb_min"][0], b=r["wb_min"][1], mse=r["mse_wb_min"]))
    text = analysis(r)
    blocks = [figure(folder.save_figure(line_figure(r), "loss_w.png"),
                     t("exp.landscape.line_caption")),
              figure(folder.save_figure(surface_figure(r), "loss_wb.png"),
                     t("exp.landscape.surface_caption"))]
    summary = {"experiment": exp.name, "preset": preset, "status": "completed", "x": X,
               "line": {"y": Y_LINE, "w": r["w"], "mse": r["mse_w"],
                        "minimum": {"w": r["w_min"], "mse": r["mse_w_min"]}},
               "affine": {"y": Y_AFFINE, "w": r["w"], "b": r["b"], "mse": r["mse_wb"],
                          "minimum": {"w": r["wb_min"][0], "b": r["wb_min"][1], "mse": r["mse_wb_min"]},
                          "hessian": r["curvature"]["hessian"], "curvatures": r["curvature"]["eigenvalues"]}}
    folder.write_json("summary.json", summary)
    results = table(t("exp.landscape.head").split("|"), [
        ["y = w·x", "[2, 4, 6]", "w = 0, 0.1, ..., 4", f"w = {r['w_min']:.1f}", r["mse_w_min"]],
        ["y = w·x + b", "[3, 5, 7]", "w, b = 0, 0.1, ..., 4",
         f"(w, b) = ({r['wb_min'][0]:.1f}, {r['wb_min'][1]:.1f})", r["mse_wb_min"]]])
    curve = table(["w"] + [f"{r['w'][i]:.1f}" for i in shown], [["MSE"] + [float(r["mse_w"][i]) for i in shown]])
    report = [f"# {experiment_title(exp)}", "",
              t("exp.landscape.intro", name=exp.name, section=exp.section, preset=preset), "",
              t("report.results"), "", results, "", curve, "",
              t("report.analysis"), ""] + [p + "\n" for p in text] + [t("report.figures"), ""] + [b + "\n" for b in blocks]
    folder.write_text("report.md", "\n".join(report))
    return summary


EXPERIMENTS = [Experiment(
    name="linear-model", title="The linear model's loss landscape", section="004 §2",
    model="y = w·x (+ b)", dataset="x = [1, 2, 3]", impls=(),
    presets={"seed": {}, "quick": {}}, run=run)]
