"""rnn-hello: learn to map "hello" to "ohlol" over the vocabulary {e, h, l, o} (004 §11).

Five variants, each trained with Adam on the one sequence (one step per epoch):

- ``numpy-cell``: an RNN cell in NumPy, backpropagation through time and Adam written out;
- ``scratch-cell``: the cell on torch tensors (own weights, tanh, own loss, own Adam), autograd;
- ``nn-rnncell``: ``nn.RNNCell(4, 4)`` stepped by hand, as the course's first version;
- ``nn-rnn``: ``nn.RNN(4, 4)``, the same cell looped inside torch;
- ``nn-embedding``: ``nn.Embedding(4, 10)`` -> ``nn.RNN(10, 8, 2 layers)`` -> ``nn.Linear(8, 4)``.

The first three are one model (``CELL``) in the three implementations, started from the same
parameters, so they must agree step for step; ``nn-rnn`` starts from the same numbers and
differs from them only by the course's smaller learning rate. The ``lr`` setting is the cell
variants' rate; the course's nn.RNN and Embedding versions use half of it (0.05 against 0.1),
and so do ours, whatever ``--lr`` says. Losses are the mean over the five characters.

Every variant is a ``supervised.Task`` trained by ``supervised.run_one`` (run folder,
checkpoints, resume, report); this module adds the predicted string per epoch, the tanh floor
and the table of variants.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from groundup.errors import GroundupError
from groundup.experiments import supervised
from groundup.experiments.base import Experiment
from groundup.core.settings import Settings
from groundup.i18n import experiment_title, ft, t
from groundup.experiments.supervised import Data, Outcome, Task
from groundup.core.models_cnn import n_parameters
from groundup.core.models_rnn import RNNSpec
from groundup.training.registry import build_learner
from groundup.report.figures import new_figure, styled
from groundup.report.markdown import figure, table
from groundup.store.runs import RunFolder
from groundup.core.torch_common import resolve_device
from groundup.training.train import Split, fit
from groundup.training.threads import applied

VOCAB = ("e", "h", "l", "o")
SOURCE, TARGET = "hello", "ohlol"

CELL = RNNSpec(vocab=len(VOCAB), hidden=len(VOCAB))  # the hidden state is the output: one score per character
CELL_RNN = RNNSpec(vocab=len(VOCAB), hidden=len(VOCAB), loop="rnn")
EMBEDDING_NET = RNNSpec(vocab=len(VOCAB), hidden=8, embedding=10, layers=2, classes=len(VOCAB), loop="rnn")

PRESETS = {
    # The course: 15 epochs (one Adam step on the sequence each), Adam lr 0.1 for RNNCell.
    "seed": dict(epochs=15, lr=0.1, batch_size=1),
    "quick": dict(epochs=15, lr=0.1, batch_size=1),
    "best": dict(epochs=100, lr=0.1, batch_size=1),
}


@dataclass(frozen=True)
class Variant:
    name: str
    impl: str
    spec: RNNSpec
    model: str  # for the variants table
    lr_factor: float  # times the ``lr`` setting: the course's ratio between the variants
    folder: str  # its run folder when several run: the cell's by implementation, as in every experiment


VARIANTS = (
    Variant("numpy-cell", "numpy", CELL, "RNN cell 4→4 (tanh) in NumPy; BPTT and Adam by hand", 1.0, "numpy"),
    Variant("scratch-cell", "scratch", CELL, "own RNN cell 4→4 (tanh), unrolled by hand; own Adam", 1.0, "scratch"),
    Variant("nn-rnncell", "nn", CELL, "nn.RNNCell(4, 4) stepped by hand", 1.0, "nn"),
    Variant("nn-rnn", "nn", CELL_RNN, "nn.RNN(4, 4)", 0.5, "nn-rnn"),
    Variant("nn-embedding", "nn", EMBEDDING_NET, "nn.Embedding(4, 10) → nn.RNN(10, 8, 2 layers) → nn.Linear(8, 4)",
            0.5, "nn-embedding"),
)


def ids(text: str) -> np.ndarray:
    return np.array([VOCAB.index(c) for c in text], dtype=np.int64)


def decode(scores: np.ndarray) -> str:
    """The predicted string: the highest-scoring character at every step of scores (classes, T)."""
    return "".join(VOCAB[i] for i in scores.argmax(axis=0))


def tanh_floor(classes: int = len(VOCAB)) -> float:
    """The smallest mean cross-entropy scores in [-1, 1] allow: right class +1, the others -1.

    -log(e / (e + (k-1) e^-1)) = log(1 + (k-1) e^-2); 0.3408 for k = 4.
    """
    return math.log(1 + (classes - 1) * math.exp(-2))


def load(settings: Settings) -> Data:
    """The one sequence, as a batch of one: ids (1, 5) in, ids (1, 5) to predict. There is no
    held-out text, so the "test set" is the same sequence."""
    x, y = ids(SOURCE)[None], ids(TARGET)[None]
    return Data(Split(x, y, x, y), f'"{SOURCE}" → "{TARGET}" (one sequence)', classes=list(VOCAB),
                summary={"source": SOURCE, "target": TARGET, "vocabulary": list(VOCAB)})


def predicted_per_epoch(variant: Variant, settings: Settings, data: Data) -> tuple[list[str], list[float]]:
    """The string the model predicts after each epoch, and the loss then.

    The history of a run keeps numbers only; the strings come from replaying the run through
    the same loop from the same start (deterministic, and milliseconds for this model)."""
    device = "cpu" if variant.impl == "numpy" else settings.device
    learner = build_learner(variant.spec, variant.impl, variant.spec.init_params(settings), settings, device)
    strings: list[str] = []
    history = fit(learner, data.split, epochs=settings.epochs, batch_size=settings.batch_size, seed=settings.seed,
                  lr=settings.lr, schedule=settings.schedule, quiet=True,
                  on_epoch=lambda h: strings.append(decode(learner.outputs(data.split.x_train)[0])))
    return strings, history.column("train_loss")


def extras(variant: Variant, o: Outcome, data: Data, folder: RunFolder):
    """What rnn-hello adds to a variant's report and summary: the strings, the tanh floor."""
    strings, losses = predicted_per_epoch(variant, o.settings, data)
    final = decode(o.test_outputs[0])
    first = next((e for e, s in enumerate(strings, 1) if s == TARGET), None)
    analysis = [t("exp.rnn.after", n=len(strings), final=final, source=SOURCE, target=TARGET)
                + (t("exp.rnn.first_right", first=first) if first else t("exp.rnn.never_right"))
                + t("exp.rnn.no_heldout")]
    if not variant.spec.classes:
        analysis.append(t("exp.rnn.tanh", floor=tanh_floor()))
    if len(strings) <= 30:
        analysis.append(table(t("exp.rnn.epoch_head").split("|"),
                              [[e, f"`{s}`", f"{loss:.4f}"] for e, (s, loss) in enumerate(zip(strings, losses), 1)]))
    fields = {"variant": variant.name, "model": variant.model, "lr": o.settings.lr,
              "optimizer": {"numpy": "Adam by hand (NumPy)", "scratch": "own Adam"}.get(o.impl, "torch.optim.Adam"),
              "n_parameters": n_parameters(o.params), "predicted": strings,
              "final_predicted": final, "first_correct_epoch": first,
              "replay_max_loss_difference": max(abs(a - b) for a, b in zip(losses, o.history.column("train_loss")))}
    return [], analysis, fields


def variant_of(config: dict) -> Task:
    """The Task of the variant whose run folder holds ``config`` (for resume)."""
    for v in VARIANTS:
        if (v.impl, v.spec.describe()) == (config.get("impl"), config.get("model")):
            return task(v)
    raise GroundupError(f"no rnn-hello variant has impl {config.get('impl')!r} and model {config.get('model')!r}")


def task(variant: Variant) -> Task:
    return Task(variant.spec, load, partial(extras, variant), variant=variant_of)


def run(exp: Experiment, impls: list[str], settings: Settings, out: Path, preset: str,
        quiet: bool = False, say=print) -> dict:
    """Train every variant of the chosen implementations: one variant writes its run folder at
    ``out``, several write ``out/<folder>`` each, ``out/config.json`` naming the group and an
    overview of all of them at ``out``. Run again on the same ``out`` (``--resume``), it
    finishes what is missing: every variant's run resumes from its own checkpoint.

    Returns one summary per variant in the shape every trained model's has (``final`` metrics,
    ``epochs``, ``train_seconds``), for ``groundup lab``."""
    settings = settings.with_overrides(device=resolve_device(settings.device))
    variants = [v for v in VARIANTS if v.impl in impls]
    data = supervised.load_data(task(variants[0]), settings)
    group = RunFolder(out)
    if len(variants) > 1 and not (group.path / "config.json").is_file():  # (a resume keeps it)
        group.write_config(exp.name, preset, threads=applied(), impls=list(impls), settings=settings.as_dict())
    say(t("run.rnn_header", name=exp.name, source=repr(SOURCE), target=repr(TARGET), epochs=settings.epochs, out=out))
    outcomes, summaries = {}, {}
    for v in variants:
        vs = settings.with_overrides(lr=settings.lr * v.lr_factor)
        folder = RunFolder(out if len(variants) == 1 else out / v.folder)
        outcomes[v.name], summaries[v.name] = supervised.run_one(
            replace(exp, task=task(v)), v.impl, vs, data, v.spec.init_params(vs), folder, preset, quiet, say,
            resume_target=group.path)
        say(t("run.rnn_predicted", variant=v.name, predicted=" ".join(summaries[v.name]["predicted"])))
    if len(variants) > 1:
        _overview(exp, group, variants, outcomes, summaries, settings, preset,
                  "comparison.md" if len(impls) > 1 else "report.md")
    return {name: {"impl": s["impl"], "epochs": s["epochs"], "train_seconds": s["train_seconds"],
                   "final": {"train_loss": s["final"]["train_loss"], "train_accuracy": s["final"]["train_accuracy"]}}
            for name, s in summaries.items()}


STYLES = {"numpy-cell": ("#9467bd", "-."), "scratch-cell": ("#ff7f0e", "--"), "nn-rnncell": ("#1f77b4", ":"),
          "nn-rnn": ("#2ca02c", "-"), "nn-embedding": ("#d62728", "-")}


@styled
def loss_figure(outcomes: dict[str, Outcome], title: str) -> Figure:
    """Loss per epoch of every variant, and how many of the five characters each gets right."""
    fig = new_figure(figsize=(10.5, 3.9))
    ax, ax2 = fig.subplots(1, 2)
    for name, o in outcomes.items():
        color, style = STYLES.get(name, (None, "-"))
        epochs = o.history.column("epoch")
        ax.plot(epochs, o.history.column("train_loss"), style, color=color, lw=2, label=name)
        ax2.plot(epochs, [a * len(TARGET) for a in o.history.column("train_accuracy")], style, color=color, lw=2,
                 label=name)
    ax.axhline(tanh_floor(), color="grey", lw=1, ls="-.", label=ft("exp.rnn.floor", floor=tanh_floor()))
    ax.set_ylim(bottom=0)
    ax.set_xlabel(ft("fig.epoch"))
    ax.set_ylabel(ft("exp.rnn.ce_axis"))
    ax.set_title(ft("fig.loss"))
    ax.legend(fontsize=8)
    ax2.set_xlabel(ft("fig.epoch"))
    ax2.set_ylabel(ft("exp.rnn.chars_right", n=len(TARGET)))
    ax2.set_ylim(-0.2, len(TARGET) + 0.2)
    ax2.set_title(ft("exp.rnn.predicted_vs", target=repr(TARGET)))
    ax2.legend(fontsize=8, loc="lower right")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def _cell_parity(outcomes: dict[str, Outcome], dtype: str) -> tuple[float | None, str | None]:
    """How far apart the implementations of the one cell end (same start, same learning rate)."""
    cells = {v.name: outcomes[v.name] for v in VARIANTS if v.spec == CELL and v.name in outcomes}
    if len(cells) < 2:
        return None, None
    diff = supervised.max_param_difference(cells)
    names = ", ".join(f"`{n}`" for n in cells)
    return diff, t("exp.rnn.parity", names=names, n=len(cells), diff=diff, dtype=dtype)


def _overview(exp: Experiment, folder: RunFolder, variants: list[Variant], outcomes: dict[str, Outcome],
              summaries: dict[str, dict], settings: Settings, preset: str, name: str) -> None:
    """The variants side by side: table, parity, figure, the predicted strings per epoch."""
    fig = folder.save_figure(loss_figure(outcomes, ft("fig.compare_title", name=exp.name, preset=preset)), "loss.png")
    diff, parity = _cell_parity(outcomes, settings.dtype)
    rows = [[f"[{v.name}]({v.folder}/report.md)", v.impl, v.model, summaries[v.name]["n_parameters"],
             f"{summaries[v.name]['lr']:g}", summaries[v.name]["optimizer"], summaries[v.name]["final"]["train_loss"],
             f"`{summaries[v.name]['final_predicted']}`", summaries[v.name]["first_correct_epoch"]] for v in variants]
    epochs = min(len(s["predicted"]) for s in summaries.values())
    per_epoch = [[e + 1] + [f"`{s['predicted'][e]}`" for s in summaries.values()] for e in range(epochs)]
    analysis = [
        t("exp.rnn.reads", source=repr(SOURCE), vocab="{" + ", ".join(VOCAB) + "}", target=repr(TARGET)),
        t("exp.rnn.cells", floor=tanh_floor()),
        t("exp.rnn.nn_rnn"),
    ] + ([parity] if parity else [])
    lines = [t("exp.rnn.title", title=experiment_title(exp)), "",
             t("exp.rnn.intro", name=exp.name, section=exp.section, preset=preset, epochs=settings.epochs,
               seed=settings.seed, dtype=settings.dtype, device=settings.device), "",
             table(t("exp.rnn.head", target=TARGET).split("|"), rows), "",
             t("report.analysis"), ""] + [p + "\n" for p in analysis] + [
             figure(fig, t("exp.rnn.caption")), "",
             t("exp.rnn.per_epoch"), "",
             table([t("exp.rnn.epoch_head").split("|")[0]] + list(summaries), per_epoch) if epochs <= 30
             else t("exp.rnn.see_summary"), ""]
    folder.write_text(name, "\n".join(lines))
    folder.write_json("comparison.json", {"experiment": exp.name, "preset": preset, "status": "completed",
                                          "cell_max_param_difference": diff, "summaries": summaries})


EXPERIMENTS = [Experiment(
    name="rnn-hello", title='RNN: "hello" → "ohlol"', section="004 §11",
    model="RNN cell (NumPy, scratch, nn.RNNCell) / nn.RNN / Embedding+RNN", dataset='"hello" (one sequence)',
    impls=("numpy", "scratch", "nn"), presets=PRESETS, run=run, task=task(VARIANTS[0]))]
