"""rnn-hello: learn to map "hello" to "ohlol" over the vocabulary {e, h, l, o} (004 §11).

Four variants, each trained with Adam on the one sequence for the same number of epochs:

- ``scratch-cell``: an RNN cell by hand (own weights, tanh, own loss, own Adam), ``scratch``;
- ``nn-rnncell``: ``nn.RNNCell(4, 4)`` stepped by hand, as the course's first version;
- ``nn-rnn``: ``nn.RNN(4, 4)``, the same cell looped inside torch;
- ``nn-embedding``: ``nn.Embedding(4, 10)`` -> ``nn.RNN(10, 8, 2 layers)`` -> ``nn.Linear(8, 4)``.

The three cell variants start from the same parameters, so ``scratch-cell`` and
``nn-rnncell`` (same learning rate) must agree step for step, and ``nn-rnn`` differs from
them only by the course's smaller learning rate. The ``lr`` setting is the cell variants'
rate; the course's nn.RNN and Embedding versions use half of it (0.05 against 0.1), and so
do ours, whatever ``--lr`` says. Losses are the mean over the five characters.
"""

from __future__ import annotations

import csv
import io
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from groundup.experiments.base import Experiment, Settings
from groundup.report import figures  # noqa: F401  (the Agg backend and the project's plot style)
from groundup.report.markdown import figure, table
from groundup.runs import RunFolder, versions
from groundup.torch_common import resolve_device

VOCAB = ("e", "h", "l", "o")
SOURCE, TARGET = "hello", "ohlol"
HIDDEN = 4  # the cell variants' hidden state is their output: one score per character
EMBEDDING, EMB_HIDDEN, EMB_LAYERS = 10, 8, 2  # the course's Embedding version

PRESETS = {
    # The course: 15 epochs (one Adam step on the sequence each), Adam lr 0.1 for RNNCell.
    "seed": dict(epochs=15, lr=0.1),
    "quick": dict(epochs=15, lr=0.1),
    "best": dict(epochs=100, lr=0.1),
}


def ids(text: str) -> np.ndarray:
    return np.array([VOCAB.index(c) for c in text], dtype=np.int64)


def decode(scores: np.ndarray) -> str:
    """The predicted string: the highest-scoring character at every step."""
    return "".join(VOCAB[i] for i in scores.argmax(axis=1))


def tanh_floor(classes: int = len(VOCAB)) -> float:
    """The smallest mean cross-entropy scores in [-1, 1] allow: right class +1, the others -1.

    -log(e / (e + (k-1) e^-1)) = log(1 + (k-1) e^-2); 0.3408 for k = 4.
    """
    return math.log(1 + (classes - 1) * math.exp(-2))


def init_cell(seed: int, vocab: int = len(VOCAB), hidden: int = HIDDEN) -> dict[str, np.ndarray]:
    """``nn.RNNCell``'s default draw in float64: every weight and bias ~ U(-1/sqrt(h), 1/sqrt(h))."""
    rng = np.random.default_rng([seed, 11])
    k = 1 / math.sqrt(hidden)
    return {"weight_ih": rng.uniform(-k, k, (hidden, vocab)), "weight_hh": rng.uniform(-k, k, (hidden, hidden)),
            "bias_ih": rng.uniform(-k, k, hidden), "bias_hh": rng.uniform(-k, k, hidden)}


def init_embedding_net(seed: int) -> dict[str, np.ndarray]:
    """``EmbeddingNet``'s parameters drawn as torch would: N(0, 1) embeddings, U(±1/sqrt(fan)) elsewhere."""
    rng = np.random.default_rng([seed, 12])
    params = {"emb.weight": rng.normal(0.0, 1.0, (len(VOCAB), EMBEDDING))}
    k = 1 / math.sqrt(EMB_HIDDEN)
    for layer in range(EMB_LAYERS):
        fan_in = EMBEDDING if layer == 0 else EMB_HIDDEN
        params[f"rnn.weight_ih_l{layer}"] = rng.uniform(-k, k, (EMB_HIDDEN, fan_in))
        params[f"rnn.weight_hh_l{layer}"] = rng.uniform(-k, k, (EMB_HIDDEN, EMB_HIDDEN))
        params[f"rnn.bias_ih_l{layer}"] = rng.uniform(-k, k, EMB_HIDDEN)
        params[f"rnn.bias_hh_l{layer}"] = rng.uniform(-k, k, EMB_HIDDEN)
    params["fc.weight"] = rng.uniform(-k, k, (len(VOCAB), EMB_HIDDEN))
    params["fc.bias"] = rng.uniform(-k, k, len(VOCAB))
    return params


@dataclass(frozen=True)
class Variant:
    name: str
    impl: str
    model: str
    lr_factor: float  # times the ``lr`` setting: the course's ratio between the variants
    build: Callable  # (settings, lr, device) -> learner: prepare, train_step, evaluate, parameters


def _scratch_cell(settings, lr, device):
    from groundup.scratch.rnn import ScratchRNNCell

    return ScratchRNNCell(init_cell(settings.seed), lr=lr, dtype=settings.dtype, device=device)


def _nn(model_fn, params_fn):
    def build(settings, lr, device):
        from groundup.nn.rnn import NNSequenceLearner

        return NNSequenceLearner(model_fn(), params_fn(settings.seed), lr=lr, dtype=settings.dtype,
                                 device=device)
    return build


def _cell_net():
    from groundup.nn.rnn import CellNet

    return CellNet(len(VOCAB), HIDDEN)


def _seq_net():
    from groundup.nn.rnn import SeqNet

    return SeqNet(len(VOCAB), HIDDEN)


def _embedding_net():
    from groundup.nn.rnn import EmbeddingNet

    return EmbeddingNet(len(VOCAB), EMBEDDING, EMB_HIDDEN, EMB_LAYERS, len(VOCAB))


VARIANTS = (
    Variant("scratch-cell", "scratch", "own RNN cell 4→4 (tanh), unrolled by hand; own Adam", 1.0, _scratch_cell),
    Variant("nn-rnncell", "nn", "nn.RNNCell(4, 4) stepped by hand", 1.0,
            _nn(_cell_net, lambda s: {f"cell.{k}": v for k, v in init_cell(s).items()})),
    Variant("nn-rnn", "nn", "nn.RNN(4, 4)", 0.5,
            _nn(_seq_net, lambda s: {f"rnn.{k}_l0": v for k, v in init_cell(s).items()})),
    Variant("nn-embedding", "nn", f"nn.Embedding(4, {EMBEDDING}) → nn.RNN({EMBEDDING}, {EMB_HIDDEN}, "
            f"{EMB_LAYERS} layers) → nn.Linear({EMB_HIDDEN}, 4)", 0.5,
            _nn(_embedding_net, init_embedding_net)),
)


def train_variant(variant: Variant, settings: Settings, device: str, say=print) -> tuple[list[dict], dict, object]:
    """Train one variant; per epoch the loss, accuracy and string of the forward pass that
    epoch's step was computed from (what the course prints), then the trained model's."""
    lr = settings.lr * variant.lr_factor
    learner = variant.build(settings, lr, device)
    x, y = learner.prepare(ids(SOURCE), ids(TARGET))
    target = ids(TARGET)
    rows = []
    for epoch in range(1, settings.epochs + 1):
        began = time.perf_counter()
        loss, scores = learner.train_step(x, y)
        seconds = time.perf_counter() - began
        predicted = decode(scores)
        rows.append({"epoch": epoch, "loss": loss, "accuracy": float(np.mean(scores.argmax(1) == target)),
                     "predicted": predicted, "seconds": seconds})
        say(f"  {variant.name:<13} epoch {epoch:>3}/{settings.epochs}  predicted {predicted}  loss {loss:.4f}")
        if not math.isfinite(loss):
            break
    loss, scores = learner.evaluate(x, y)
    final = {"impl": variant.impl, "model": variant.model, "lr": lr,
             "optimizer": "own Adam" if variant.impl == "scratch" else "torch.optim.Adam",
             "parameters": int(sum(v.size for v in learner.parameters().values())),
             "final_loss": loss, "final_predicted": decode(scores),
             "final_accuracy": float(np.mean(scores.argmax(1) == target)),
             "first_correct_epoch": next((r["epoch"] for r in rows if r["predicted"] == TARGET), None),
             "train_seconds": sum(r["seconds"] for r in rows)}
    return rows, final, learner


def run(exp: Experiment, impls: list[str], settings: Settings, out: Path, preset: str,
        quiet: bool = False, say=print) -> dict:
    """Train every variant of the chosen implementations into one run folder at ``out``.

    Returns one summary per variant in the shape every trained model's has (``final`` metrics,
    ``epochs``, ``train_seconds``), for ``groundup lab``; ``summary.json`` holds the rest."""
    device = resolve_device(settings.device)
    settings = settings.with_overrides(device=device)
    folder = RunFolder(out)
    variants = [v for v in VARIANTS if v.impl in impls]
    folder.write_json("config.json", {
        "experiment": exp.name, "impls": impls, "preset": preset, "source": SOURCE, "target": TARGET,
        "vocabulary": VOCAB, "variants": {v.name: {"impl": v.impl, "model": v.model, "lr": settings.lr * v.lr_factor}
                                          for v in variants},
        "settings": settings.as_dict(), "device": device, "versions": versions(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S")})
    say(f"{exp.name}: {SOURCE!r} -> {TARGET!r}, {settings.epochs} epochs of Adam per variant -> {folder.path}")
    metrics, finals, learners = {}, {}, {}
    for v in variants:
        metrics[v.name], finals[v.name], learners[v.name] = train_variant(v, settings, device, say)
    summary = {"experiment": exp.name, "impls": impls, "preset": preset, "status": "completed",
               "epochs": settings.epochs, "source": SOURCE, "target": TARGET, "variants": finals,
               "device": device, "dtype": settings.dtype, "seed": settings.seed}
    if "scratch-cell" in learners and "nn-rnncell" in learners:
        a, b = learners["scratch-cell"].parameters(), learners["nn-rnncell"].parameters()
        summary["scratch_vs_nn_rnncell_max_param_difference"] = max(
            float(np.abs(a[k] - b[f"cell.{k}"]).max()) for k in a)
    folder.write_text("metrics.csv", _metrics_csv(metrics))
    fig = folder.save_figure(loss_figure(metrics, f"{exp.name} · preset {preset}"), "loss.png")
    folder.write_json("summary.json", summary)
    folder.write_text("report.md", _report(exp, settings, summary, metrics, fig, preset))
    if len(impls) > 1:  # `groundup run` points at comparison.md when several implementations ran
        folder.write_text("comparison.md", _comparison(exp, summary, fig, preset))
    for name, f in finals.items():
        say(f"{name}: final loss {f['final_loss']:.4f}, predicts {f['final_predicted']!r}")
    return {name: {"impl": f["impl"], "epochs": settings.epochs, "train_seconds": f["train_seconds"],
                   "final": {"train_loss": f["final_loss"], "train_accuracy": f["final_accuracy"]}}
            for name, f in finals.items()}


def _metrics_csv(metrics: dict[str, list[dict]]) -> str:
    """One row per variant and epoch: variant,epoch,loss,accuracy,predicted,seconds."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["variant", "epoch", "loss", "accuracy", "predicted", "seconds"])
    for name, rows in metrics.items():
        for r in rows:
            writer.writerow([name, r["epoch"], f"{r['loss']:.6g}", f"{r['accuracy']:.6g}", r["predicted"],
                             f"{r['seconds']:.6g}"])
    return buf.getvalue()


STYLES = {"scratch-cell": ("#ff7f0e", "--"), "nn-rnncell": ("#1f77b4", ":"), "nn-rnn": ("#2ca02c", "-"),
          "nn-embedding": ("#d62728", "-")}


def loss_figure(metrics: dict[str, list[dict]], title: str):
    """Loss per epoch of every variant, and how many of the five characters each gets right."""
    import matplotlib.pyplot as plt

    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10.5, 3.9))
    for name, rows in metrics.items():
        color, style = STYLES.get(name, (None, "-"))
        epochs = [r["epoch"] for r in rows]
        ax.plot(epochs, [r["loss"] for r in rows], style, color=color, lw=2, label=name)
        ax2.plot(epochs, [r["accuracy"] * len(TARGET) for r in rows], style, color=color, lw=2, label=name)
    ax.axhline(tanh_floor(), color="grey", lw=1, ls="-.",
               label=f"floor of tanh scores ({tanh_floor():.3f})")
    ax.set_ylim(bottom=0)
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy (mean per character)")
    ax.set_title("Loss")
    ax.legend(fontsize=8)
    ax2.set_xlabel("epoch")
    ax2.set_ylabel(f"characters right (of {len(TARGET)})")
    ax2.set_ylim(-0.2, len(TARGET) + 0.2)
    ax2.set_title(f"Predicted vs {TARGET!r}")
    ax2.legend(fontsize=8, loc="lower right")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def _results_table(summary) -> str:
    rows = [[name, f["impl"], f["model"], f["parameters"], f"{f['lr']:g}", f["optimizer"], f["final_loss"],
             f"`{f['final_predicted']}`", f["first_correct_epoch"]] for name, f in summary["variants"].items()]
    return table(["variant", "impl", "model", "parameters", "Adam lr", "optimizer", "final loss",
                  "final string", f"first epoch with `{TARGET}`"], rows)


def _parity(summary, dtype) -> str | None:
    if "scratch_vs_nn_rnncell_max_param_difference" not in summary:
        return None
    return (f"`scratch-cell` (own cell, own cross-entropy, own Adam) and `nn-rnncell` started from the "
            f"same parameters with the same learning rate and end "
            f"{summary['scratch_vs_nn_rnncell_max_param_difference']:.3g} apart (largest absolute "
            f"parameter difference, {dtype}): autograd through the hand-written loop computes what "
            "`nn.RNNCell` computes.")


def _comparison(exp, summary, fig, preset) -> str:
    parity = _parity(summary, summary["dtype"])
    return "\n".join([f"# {exp.title}: variants compared", "", f"Preset `{preset}`, {summary['epochs']} epochs.",
                      "", _results_table(summary), ""] + ([parity, ""] if parity else []) +
                     [figure(fig, "Loss and characters right per epoch, every variant."), "",
                      "Full report, with the predicted string of every epoch: [report.md](report.md)", ""])


def _report(exp, settings, summary, metrics, fig, preset) -> str:
    per_epoch = [[e + 1] + [f"`{rs[e]['predicted']}` {rs[e]['loss']:.4f}" for rs in metrics.values()]
                 for e in range(min(len(rs) for rs in metrics.values()))]
    analysis = [
        f"Every variant reads {SOURCE!r} one character at a time (one-hot vectors over "
        f"{{{', '.join(VOCAB)}}}, or ids for the Embedding version) and is scored at each step "
        f"against {TARGET!r} with cross-entropy. An epoch is one Adam step on the whole sequence; "
        "the loss and string per epoch are those of the forward pass that step was computed from, "
        "as the course prints them, and the final ones are the trained model's.",
        "The three cell variants use their 4-dimensional hidden state directly as the four scores. "
        f"A tanh keeps every score in [−1, 1], so the loss can never go below {tanh_floor():.4f} "
        "(right character +1, the others −1): the model can be right but never confident. "
        "The Embedding version puts a Linear layer after the RNN, whose scores are unbounded.",
        "`nn.RNN` computes exactly the loop that `nn-rnncell` writes out; from the same initial "
        "parameters it would follow the same trajectory, and differs here only because the course "
        "gives it half the learning rate. The course's RNNCell loop sums the five characters' "
        "losses where the others average them: with Adam the update is almost independent of the "
        "gradient's scale, so this changes the printed loss (×5) but hardly the training.",
    ]
    if parity := _parity(summary, settings.dtype):
        analysis.append(parity)
    lines = [f"# {exp.title}", "",
             f"Experiment `{exp.name}` (course section {exp.section}), preset `{preset}`: "
             f"{settings.epochs} epochs, seed {settings.seed}, {settings.dtype}, on {summary['device']}.", "",
             "## Results", "",
             _results_table(summary), "",
             "## Analysis", ""] + [p + "\n" for p in analysis] + [
             "## Figures", "",
             figure(fig, "Loss (mean cross-entropy per character) and characters right, per epoch and variant."),
             "", "## Predicted string and loss per epoch", "",
             table(["epoch"] + list(metrics), per_epoch) if settings.epochs <= 30
             else "See `metrics.csv` (columns `predicted` and `loss`).", ""]
    return "\n".join(lines)


EXPERIMENTS = [Experiment(
    name="rnn-hello", title='RNN: "hello" → "ohlol"', section="004 §11",
    model="RNN cell / nn.RNN / Embedding+RNN", dataset='"hello" (one sequence)', impls=("scratch", "nn"),
    presets=PRESETS, run=run)]
