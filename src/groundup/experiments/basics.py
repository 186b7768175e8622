"""basics: the lab's three tensor experiments (000 §1).

1. A 1×3 matrix M minus a 2×1 matrix N, three ways: ``M - N``, ``torch.sub(M, N)``, ``M.sub_(N)``.
   The first two broadcast both to 2×3; the in-place one fails, and we show why.
2. P (3×2) and Q (4×2) drawn from N(0, 0.01²), the transpose Qᵀ and the product P·Qᵀ (3×4).
3. y3 = x² + x³ at x = 1 with x³ computed under ``torch.no_grad()``: dy3/dx = 2, not 5.

``lab(seed)`` returns the values (tests and notebooks use it); ``run`` prints each result with
its explanation and writes the run folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from groundup.experiments.base import Experiment

from groundup.core.settings import Settings
from groundup.i18n import experiment_title, ft, t
from groundup.report.figures import styled, subplots
from groundup.report.markdown import figure
from groundup.store.runs import RunFolder
from groundup.training.threads import applied


# ---------------------------------------------------------------------------- the experiments

def subtraction() -> dict:
    """M (1×3) minus N (2×1) three ways; the in-place error is caught and returned."""
    M = torch.tensor([[4, 5, 6]])
    N = torch.tensor([[1], [2]])
    # Broadcasting stretches every size-1 dimension to the other operand's size:
    # M's one row is repeated twice, N's one column three times, so both become 2×3.
    M_wide, N_wide = torch.broadcast_tensors(M, N)
    out = {"M": M.clone(), "N": N, "M_expanded": M_wide.clone(), "N_expanded": N_wide.clone(),
           "minus": M - N, "torch_sub": torch.sub(M, N), "in_place_error": None}
    try:
        M.sub_(N)  # the result would be 2×3, but it must be written into M's 1×3 storage
    except RuntimeError as err:
        out["in_place_error"] = err
    out["M_after"] = M  # unchanged: the check happens before anything is written
    return out


def matrices(seed: int = 0) -> dict:
    """P (3×2), Q (4×2) ~ N(0, 0.01²), Qᵀ (2×4) and P·Qᵀ (3×4)."""
    g = torch.Generator().manual_seed(seed)
    P = torch.normal(0.0, 0.01, (3, 2), generator=g)
    Q = torch.normal(0.0, 0.01, (4, 2), generator=g)
    Qt = Q.T  # a view: the same 8 numbers read with rows and columns swapped, nothing copied
    return {"P": P, "Q": Q, "Qt": Qt, "product": P @ Qt, "Qt_is_view": Qt.data_ptr() == Q.data_ptr()}


def no_grad_gradient(x0: float = 1.0) -> dict:
    """dy3/dx of y3 = x² + x³ when x³ is computed under ``torch.no_grad()``; and when it is not."""
    x = torch.tensor(x0, requires_grad=True)
    y1 = x ** 2
    with torch.no_grad():
        y2 = x ** 3  # a plain number to autograd: requires_grad=False, no grad_fn
    y3 = y1 + y2
    y3.backward()  # follows y1 only: dy3/dx = 2x

    x_tracked = torch.tensor(x0, requires_grad=True)
    (x_tracked ** 2 + x_tracked ** 3).backward()  # both branches: 2x + 3x²
    return {"x": x0, "y1": y1.item(), "y2": y2.item(), "y3": y3.item(),
            "y2_requires_grad": y2.requires_grad, "grad": x.grad.item(),
            "grad_tracked": x_tracked.grad.item()}


def lab(seed: int = 0) -> dict:
    """All three experiments' values: {"subtraction", "matrices", "autograd"}."""
    return {"subtraction": subtraction(), "matrices": matrices(seed), "autograd": no_grad_gradient()}


# ------------------------------------------------------------------- explanations (two lines)

def explanations(values: dict) -> dict[str, list[str]]:
    s, m, a = values["subtraction"], values["matrices"], values["autograd"]
    typical = m["product"].abs().mean().item()
    fields = dict(error=type(s["in_place_error"]).__name__, typical=typical, y2_requires_grad=a["y2_requires_grad"],
                  grad=a["grad"], grad_tracked=a["grad_tracked"])
    return {part: [t(f"exp.basics.{part}.{k}", **fields) for k in (0, 1)]
            for part in ("broadcast", "in_place", "matrices", "autograd")}


# -------------------------------------------------------------------------------- the figures

def _matrix(ax, values, x0: float, title: str, fmt: str = "{:g}", faded=None, colour=False) -> float:
    """Draw a matrix as a grid of unit cells from x = x0, centred on y = 0; return its right edge.

    ``faded`` marks broadcast copies (hatched, grey); ``colour`` fills cells by sign and size.
    """
    values = np.asarray(values, dtype=float)
    rows, cols = values.shape
    top, lim = -rows / 2, np.abs(values).max() or 1.0
    for i, j in np.ndindex(rows, cols):
        v, copy = values[i, j], faded is not None and faded[i][j]
        face = colormaps["RdBu_r"](0.5 + 0.42 * v / lim) if colour else ("#eeeeee" if copy else "#cfe2f3")
        ax.add_patch(Rectangle((x0 + j, top + i), 1, 1, facecolor=face, edgecolor="#555555",
                               hatch="//" if copy else None, lw=1))
        ink = "white" if colour and abs(v) > 0.6 * lim else "#888888" if copy else "black"
        ax.text(x0 + j + 0.5, top + i + 0.5, fmt.format(v), ha="center", va="center", fontsize=10, color=ink)
    ax.text(x0 + cols / 2, top - 0.15, f"{title}\n{rows}×{cols}", ha="center", va="bottom", fontsize=10)
    return x0 + cols


def _equation(panels: list, signs: list[str], height: int, note: str, **style) -> Figure:
    """Matrices side by side with an operator sign between neighbours, on one set of axes."""
    width = sum(np.shape(p[0])[1] for p in panels) + 1.4 * len(signs)
    fig, ax = subplots(figsize=(0.62 * width + 0.4, 0.62 * height + 1.5))
    x = 0.0
    for k, (values, title, kw) in enumerate(panels):
        x = _matrix(ax, values, x, title, **(style | kw))
        if k < len(signs):
            ax.text(x + 0.7, 0, signs[k], ha="center", va="center", fontsize=20)
            x += 1.4
    ax.set_xlim(-0.1, x + 0.1)
    ax.set_ylim(height / 2 + 0.1, -height / 2 - 1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.text(0.5, 0.02, note, ha="center", va="bottom", fontsize=9)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.98, bottom=0.14)
    return fig


@styled
def broadcast_figure(s: dict) -> Figure:
    """M, N, their broadcast 2×3 forms (copies hatched) and M − N."""
    err = s["in_place_error"]
    return _equation(
        [(s["M"], "M", {}), (s["N"], "N", {}),
         (s["M_expanded"], ft("exp.basics.broadcast_of", name="M"), {"faded": [[False] * 3, [True] * 3]}),
         (s["N_expanded"], ft("exp.basics.broadcast_of", name="N"), {"faded": [[False, True, True]] * 2}),
         (s["minus"], "M − N", {})],
        ["−", "→", "−", "="], height=2,
        note=ft("exp.basics.broadcast_note", error=type(err).__name__, message=err))


@styled
def matmul_figure(m: dict) -> Figure:
    """P (3×2) · Qᵀ (2×4) = P·Qᵀ (3×4), in units of 1e-2 and 1e-4, coloured by sign and size."""
    return _equation(
        [(m["P"] * 100, "P  (×10⁻²)", {}), (m["Qt"] * 100, "Qᵀ  (×10⁻²)", {}),
         (m["product"] * 1e4, "P·Qᵀ  (×10⁻⁴)", {})],
        ["@", "="], height=3, fmt="{:.2f}", colour=True,
        note=ft("exp.basics.matmul_note"))


# ------------------------------------------------------------------------- terminal and report

def _t(t: torch.Tensor) -> str:
    return str(t.tolist())


def _shape(t: torch.Tensor) -> str:
    return "×".join(map(str, t.shape))


def _mat(t: torch.Tensor, digits: int = 3) -> str:
    return "[" + ", ".join("[" + ", ".join(f"{v:.{digits}e}" for v in row) + "]" for row in t.tolist()) + "]"


def result_lines(values: dict) -> dict[str, list[str]]:
    """The printed results of each experiment (terminal and report share them)."""
    s, m, a = values["subtraction"], values["matrices"], values["autograd"]
    err = s["in_place_error"]
    return {
        "subtraction": [
            f"M = {_t(s['M'])} (1×3),  N = {_t(s['N'])} (2×1)",
            f"broadcast: M -> {_t(s['M_expanded'])},  N -> {_t(s['N_expanded'])}  (both 2×3)",
            f"M - N           = {_t(s['minus'])}  ({_shape(s['minus'])})",
            f"torch.sub(M, N) = {_t(s['torch_sub'])}  ({_shape(s['torch_sub'])})",
            f"M.sub_(N)       -> {type(err).__name__}: {err}   (M is still {_t(s['M_after'])})",
        ],
        "matrices": [
            f"P   ({_shape(m['P'])}) = {_mat(m['P'])}",
            f"Q   ({_shape(m['Q'])}) = {_mat(m['Q'])}",
            f"Qᵀ  ({_shape(m['Qt'])}) = {_mat(m['Qt'])}   (a view of Q: {m['Qt_is_view']})",
            f"P·Qᵀ ({_shape(m['product'])}) = {_mat(m['product'])}",
        ],
        "autograd": [
            f"x = {a['x']:g}:  y1 = x² = {a['y1']:g},  y2 = x³ = {a['y2']:g} (under no_grad),  "
            f"y3 = y1 + y2 = {a['y3']:g}",
            f"dy3/dx = {a['grad']:g}   (with x³ tracked: {a['grad_tracked']:g})",
        ],
    }


PARTS = ("subtraction", "matrices", "autograd")  # their titles: exp.basics.title.<part>
EXPLAINED_BY = {"subtraction": ["broadcast", "in_place"], "matrices": ["matrices"], "autograd": ["autograd"]}


def _plain(obj):
    """Tensors to nested lists, recursively, for summary.json."""
    if isinstance(obj, torch.Tensor):
        return obj.tolist()
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    return obj


def summary_of(values: dict, settings: Settings, preset: str) -> dict:
    s, m, a = values["subtraction"], values["matrices"], values["autograd"]
    err = s["in_place_error"]
    return _plain({
        "experiment": "basics", "preset": preset, "status": "completed", "seed": settings.seed,
        "subtraction": s | {"in_place_error": {"type": type(err).__name__, "message": str(err)}},
        "matrices": m | {"shapes": {k: list(m[k].shape) for k in ("P", "Q", "Qt", "product")}},
        "autograd": a,
    })


def run(exp: Experiment, impls: list[str], settings: Settings, out: Path, preset: str,
        quiet: bool = False, say=print) -> dict:
    """Run the three experiments, print them with their explanations, write the run folder."""
    folder = RunFolder(out)
    folder.write_config(exp.name, preset, threads=applied(), seed=settings.seed)
    values = lab(settings.seed)
    results, why = result_lines(values), explanations(values)
    say(t("run.header", name=exp.name, title=experiment_title(exp), section=exp.section, folder=folder.path))
    report = [f"# {experiment_title(exp)}", "", t("exp.basics.intro", name=exp.name, section=exp.section,
                                                  preset=preset, seed=settings.seed), ""]
    for key in PARTS:
        title = t("exp.basics.title." + key)
        say("")
        say(title)
        report += [f"## {title}", "", "```"] + results[key] + ["```", ""]
        for line in results[key]:
            say("   " + line)
        for part in EXPLAINED_BY[key]:
            say("   " + t("exp.basics.why") + why[part][0])
            say("        " + why[part][1])
            report += [t("exp.basics.join").join(why[part]), ""]
        if key == "subtraction":
            report.append(figure(folder.save_figure(broadcast_figure(values["subtraction"]), "broadcast.png"),
                                 t("exp.basics.broadcast_caption")) + "\n")
        if key == "matrices":
            report.append(figure(folder.save_figure(matmul_figure(values["matrices"]), "matmul.png"),
                                 t("exp.basics.matmul_caption")) + "\n")
    summary = summary_of(values, settings, preset)
    folder.write_json("summary.json", summary)
    folder.write_text("report.md", "\n".join(report))
    return summary


EXPERIMENTS = [Experiment(
    name="basics", title="Tensor basics: broadcasting, matrices, autograd", section="000 §1",
    model="tensor operations", dataset="none", impls=(),
    presets={"seed": dict(seed=0), "quick": dict(seed=0)},  # the seed draws P and Q
    run=run)]
