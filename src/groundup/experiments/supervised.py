"""Running a model-training experiment: one implementation into a run folder, or all of them
from the same initial parameters and batch order, compared.

An experiment module supplies a ``Task``: the network, how to load its data, and what it
adds to the report. Everything else (training, metrics, figures, summary, report) is here,
once, for every experiment.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from groundup.data import vision
from groundup.data.preprocess import standardize
from groundup.experiments.base import Experiment
from groundup.core.settings import Settings
from groundup.core.metrics import confusion_matrix
from groundup.core.models import predictions, softmax
from groundup.training.registry import build_learner
from groundup.report import figures
from groundup.report.analysis import classification_analysis, instability_warning, training_analysis
from groundup.report.markdown import figure, table
from groundup.core.faults import fault_point
from groundup.store.runs import RunFolder
from groundup.core.torch_common import resolve_device
from groundup.store import checkpoint
from groundup.errors import Interrupted, RunFolderError
from groundup.i18n import described, experiment_title, font_note, ft, silent, t
from groundup.training.train import Diverged, EpochRecord, History, Split, fit, index_batches
from groundup.training.threads import applied


@dataclass
class Data:
    """A loaded data set, ready for every implementation."""

    split: Split
    dataset: str
    classes: list[str] | None = None
    image_shape: tuple[int, int] | None = None
    test_images: np.ndarray | None = None  # for the sample grid
    scaling: tuple[np.ndarray, np.ndarray] | None = None  # (mean, std) if standardised
    summary: dict = field(default_factory=dict)  # extra fields for summary.json


@dataclass
class Outcome:
    """What a finished run hands to the report: the learner's final state and predictions."""

    impl: str
    settings: Settings
    history: History
    params: dict[str, np.ndarray]
    test_outputs: np.ndarray
    test_pred: np.ndarray


@dataclass(frozen=True)
class Task:
    spec: object  # a model spec: see groundup.core.models
    load: Callable[[Settings], Data]
    # extras(outcome, data, folder) -> (figure markdown blocks, analysis paragraphs, summary fields)
    extras: Callable | None = None
    # For image classifiers: the vision data set's name and the function that turns uint8 images
    # (n, 28, 28) into the model's inputs. `load` returns the uint8 images (`image_data`);
    # `load_data` turns the ones a run keeps into inputs, and `groundup predict` new images.
    vision: str | None = None
    features: Callable | None = None
    # batch_source(impl) -> a batch source for `train.fit` (None: index slices)
    batch_source: Callable | None = None
    # For experiments that train several models (rnn-hello's variants): variant(config) -> the
    # Task of the model whose run folder's config.json is given, for `resume`.
    variant: Callable[[dict], "Task"] | None = None


def image_data(name: str, settings: Settings, title: str | None = None) -> Data:
    """A vision data set (``data.vision``) as read: uint8 images, which ``load_data`` limits and
    then turns into inputs with the task's ``features``."""
    d = vision.load(name, settings.data_dir)
    return Data(Split(d.x_train, d.y_train, d.x_test, d.y_test), title or d.spec.title,
                classes=list(d.spec.classes), image_shape=(28, 28), test_images=d.x_test,
                summary={"data_root": str(d.root)})


def load_data(task: Task, settings: Settings) -> Data:
    """The task's data with the settings' limits, its images turned into inputs (only the images
    kept: 5,000 of MNIST's 60,000 for ``train_limit=5000``) and, if asked, standardised."""
    data = task.load(settings)
    s = data.split
    if settings.train_limit:
        s = Split(s.x_train[:settings.train_limit], s.y_train[:settings.train_limit], s.x_test, s.y_test)
    if settings.test_limit:
        s = Split(s.x_train, s.y_train, s.x_test[:settings.test_limit], s.y_test[:settings.test_limit])
        if data.test_images is not None:
            data.test_images = data.test_images[:settings.test_limit]
    if task.features is not None:
        s = Split(task.features(s.x_train), s.y_train, task.features(s.x_test), s.y_test)
    if settings.standardize:
        x_train, x_test, data.scaling = standardize(s.x_train, s.x_test)
        s = Split(x_train, s.y_train, x_test, s.y_test)
    data.split = s
    return data


def run(exp: Experiment, impls: list[str], settings: Settings, out: Path, preset: str,
        quiet: bool = False, say=print) -> dict[str, dict]:
    """Train each implementation in ``impls`` from the same initial parameters.

    One implementation writes its run folder at ``out``; several write ``out/<impl>`` each and
    ``out/comparison.md``, with ``out/config.json`` naming the group (so that ``--resume out``
    finishes every implementation and the comparison). Returns the summaries by implementation.
    """
    settings = settings.with_overrides(device=resolve_device(settings.device))
    with RunFolder(out).lock() as folder:
        if len(impls) > 1 and not folder.has("config.json"):  # (a resume keeps it)
            folder.write_config(exp.name, preset, threads=applied(), impls=list(impls), settings=settings.as_dict())
        return complete(exp, impls, settings, folder.path, preset, quiet, say)


def complete(exp: Experiment, impls: list[str], settings: Settings, out: Path, preset: str,
             quiet: bool, say) -> dict[str, dict]:
    """Bring every implementation's folder to a completed run (starting, resuming or only
    regenerating what is missing), then the comparison of several."""
    task: Task = exp.task
    data = load_data(task, settings)
    params = task.spec.init_params(settings)
    summaries, outcomes = {}, {}
    for impl in impls:
        folder = RunFolder(out if len(impls) == 1 else Path(out) / impl)
        outcomes[impl], summaries[impl] = run_one(exp, impl, settings, data, params, folder, preset, quiet,
                                                  say, resume_target=Path(out))
    if len(impls) > 1:
        write_comparison(exp, RunFolder(out), outcomes, summaries, preset, say)
    return summaries


def restore(folder: RunFolder, exp: Experiment, impl: str, settings: Settings, learner, say=None
            ) -> list[EpochRecord]:
    """The history of the run in ``folder`` after loading its checkpoint into ``learner``.

    The checkpoint is the commit point: rows of metrics.csv beyond its epoch count belong to an
    epoch that never committed and are dropped; no checkpoint means no epoch was saved. A saved
    run whose checkpoint or metrics.csv has gone since is trained again from the start (the
    same epochs give the same numbers), saying so through ``say``; rows that are no longer the
    ones the checkpoint committed, and a checkpoint that cannot be read, are refused by name.
    """
    path = checkpoint.path_for(folder.path, impl)
    metrics = folder.path / "metrics.csv"
    saved = folder.saved_epochs()
    if not os.path.lexists(path):
        if saved:
            (say or print)(f"{exp.name} [{impl}]: {path} is missing, though {saved} epoch(s) of this run were "
                           f"saved; nothing else holds its parameters: training it again from the start "
                           f"to restore it")
        folder.write_metrics([])
        return []
    meta, state = checkpoint.load(folder.path, impl)
    if not checkpoint.belongs(meta, exp.name, impl, settings.as_dict()):
        raise RunFolderError(f"{path} does not belong to the run in {folder.path} (its experiment, "
                             f"implementation or settings differ from config.json)")
    done = meta["epochs_completed"]
    if not os.path.lexists(metrics):
        (say or print)(f"{exp.name} [{impl}]: {metrics} is missing, and with it the history of the {done} "
                       f"saved epoch(s): training the run again from the start to restore it")
        folder.write_metrics([])
        return []
    checkpoint.restore_into(learner, state, path)
    rows = folder.read_metrics(limit=done)
    if len(rows) < done:
        raise RunFolderError(f"{metrics} has {len(rows)} epochs but the checkpoint "
                             f"{done}: the folder is damaged; start the run again")
    checkpoint.check_rows(meta, rows, metrics)
    folder.write_metrics(rows)  # drops whatever an uncommitted epoch appended
    return [EpochRecord(**r) for r in rows]


def run_one(exp: Experiment, impl: str, settings: Settings, data: Data, params: dict,
            folder: RunFolder, preset: str, quiet: bool, say, resume_target: Path | None = None
            ) -> tuple[Outcome, dict]:
    """Bring one implementation's run in ``folder`` to completion, committing after every epoch.

    A folder without config.json starts a new run; one with it continues from its checkpoint
    (or, if it is already complete, only rewrites what is missing). ``resume_target`` is the
    folder to name in the resume command (the group's, for ``--impl all``).
    """
    task: Task = exp.task
    device = "cpu" if impl == "numpy" else settings.device
    resume_target = resume_target or folder.path
    with folder.lock():
        learner = build_learner(task.spec, impl, params, settings, device)
        history = History()
        if not folder.has("config.json"):
            folder.write_config(exp.name, preset, threads=applied(), impl=impl, model=task.spec.describe(), dataset=data.dataset,
                                n_train=len(data.split.y_train), n_test=len(data.split.y_test),
                                settings=settings.as_dict(), device=device)
            folder.write_metrics([])
        else:
            history.records = restore(folder, exp, impl, settings, learner, say)
            if folder.complete() and len(history.records) >= settings.epochs:
                return _outcome(impl, settings, history, learner, data, task), folder.read_json("summary.json")
        if data.scaling is not None:  # what `predict` needs to prepare new inputs the same way
            folder.write_npz("preprocess.npz", mean=data.scaling[0], std=data.scaling[1])
        if len(history.records) > settings.epochs:  # resumed with a smaller --epochs: stop here
            say(t("run.already", name=exp.name, impl=impl, n=len(history.records), epochs=settings.epochs))
            settings = settings.with_overrides(epochs=len(history.records))
        done = t("run.resuming", n=len(history.records)) if history.records else ""
        say(t("run.start", name=exp.name, impl=impl, model=described(task.spec.describe()), dataset=described(data.dataset),
              epochs=settings.epochs, batch=settings.batch_size, lr=settings.lr, folder=folder.path, resuming=done))
        meta = {"experiment": exp.name, "impl": impl, "preset": preset, "settings": settings.as_dict()}
        committer = checkpoint.Committer(folder, impl, meta, learner, rows=history.as_dicts())

        def on_epoch(h: History) -> None:
            committer.epoch(asdict(h.records[-1]), final=len(h.records) == settings.epochs)

        try:
            with committer:
                fit(learner, data.split, epochs=settings.epochs, batch_size=settings.batch_size,
                seed=settings.seed, lr=settings.lr, schedule=settings.schedule, task=task.spec.task,
                quiet=quiet, history=history, on_epoch=on_epoch,
                batch_source=(task.batch_source and task.batch_source(impl)) or index_batches)
        except Diverged:
            committer.flush()
            folder.write_json("summary.json", _stopped(exp, impl, preset, settings, history, "diverged"))
            raise
        except Interrupted as err:
            committer.flush()
            err.hint = _interrupted(exp, impl, settings, data, folder, history, learner, preset, device,
                                    resume_target)
            raise
        outcome = _outcome(impl, settings, history, learner, data, task)
        try:
            summary = write_run(exp, outcome, data, folder, preset, device)
        except Interrupted as err:
            err.hint = (f"{exp.name} [{impl}] interrupted while writing its report; all {len(history.records)} "
                        f"epochs are saved: finish with: groundup run {exp.name} --resume {resume_target}")
            raise
    last = history.last
    acc = t("run.done_accuracy", acc=last.test_accuracy) if last.test_accuracy is not None else ""
    say(t("run.done", loss=last.test_loss, acc=acc, seconds=summary["train_seconds"]))
    if warning := instability_warning(history, task.spec.loss, outcome.test_outputs):
        say(warning)
    return outcome, summary


def _outcome(impl: str, settings: Settings, history: History, learner, data: Data, task: Task) -> Outcome:
    _, outputs = learner.evaluate(*learner.prepare(data.split.x_test, data.split.y_test))
    return Outcome(impl, settings, history, learner.parameters(), outputs, predictions(outputs, task.spec.loss))


def _stopped(exp: Experiment, impl: str, preset: str, settings: Settings, history: History, status: str) -> dict:
    return {"experiment": exp.name, "impl": impl, "preset": preset, "status": status,
            "epochs": len(history.records), "epochs_completed": len(history.records),
            "epochs_planned": settings.epochs, "seed": settings.seed}


def _interrupted(exp, impl, settings, data, folder: RunFolder, history: History, learner, preset, device,
                 resume_target: Path) -> str:
    """After Ctrl-C: the report and figures of the epochs that committed, marked interrupted;
    returns the line to print (how to resume, or that nothing was saved)."""
    path = checkpoint.path_for(folder.path, impl)
    if path.exists():  # the learner stopped mid-epoch: back to the last commit
        history.records = restore(folder, exp, impl, settings, learner, say=silent)
    if not path.exists() or not history.records:  # (or metrics.csv went meanwhile: restore starts afresh)
        del history.records[:]
        folder.write_json("summary.json", _stopped(exp, impl, preset, settings, history, "interrupted"))
        return (f"{exp.name} [{impl}] interrupted during epoch 1, before any epoch was complete: "
                f"nothing was saved")
    outcome = _outcome(impl, settings, history, learner, data, exp.task)
    write_run(exp, outcome, data, folder, preset, device, status="interrupted")
    return (f"{exp.name} [{impl}] interrupted after {len(history.records)} complete epoch(s) of "
            f"{settings.epochs}; report so far: {folder.path / 'report.md'}; resume with: "
            f"groundup run {exp.name} --resume {resume_target}")


def write_run(exp: Experiment, o: Outcome, data: Data, folder: RunFolder, preset: str, device: str,
              status: str = "completed") -> dict:
    """The figures, report.md and, last of all, summary.json of a run: a folder whose summary
    says "completed" has every other file."""
    task: Task = exp.task
    first = len(folder.written)
    h, last = o.history, o.history.last
    best = h.best()
    rows = h.as_dicts()
    title = ft("fig.run_title", name=exp.name, impl=o.impl, preset=preset)
    summary = {"experiment": exp.name, "impl": o.impl, "preset": preset, "status": status,
               "epochs": len(rows), "epochs_completed": len(rows), "epochs_planned": o.settings.epochs,
               "final": {"train_loss": last.train_loss, "train_accuracy": last.train_accuracy,
                         "test_loss": last.test_loss, "test_accuracy": last.test_accuracy},
               "best_test_accuracy": best.test_accuracy, "best_epoch": best.epoch,
               "train_seconds": sum(h.column("seconds")),
               "seconds_per_epoch": sum(h.column("seconds")) / len(rows),
               "device": device, "seed": o.settings.seed, **data.summary}
    if status != "completed":
        title += ft("fig.interrupted", n=len(rows))
    blocks = [figure(folder.save_figure(figures.curves(rows, title), "curves.png"),
                     t("cap.curves"))]
    analysis = training_analysis(h, task.spec.loss, o.test_outputs)
    if task.spec.task == "classification":
        classes = data.classes or [str(i) for i in range(int(o.test_outputs.shape[1]) if task.spec.loss == "ce" else 2)]
        cm = confusion_matrix(data.split.y_test, o.test_pred, len(classes))
        blocks.append(figure(folder.save_figure(figures.confusion(cm, classes, title), "confusion.png"),
                             t("cap.confusion")))
        summary["confusion_matrix"] = cm
        folder.write_text("test_predictions.csv", "index,true,predicted\n" + "".join(
            f"{i},{t},{p}\n" for i, (t, p) in enumerate(zip(data.split.y_test, o.test_pred))))
        analysis += classification_analysis(h, cm, classes)
    if task.extras:
        extra_blocks, extra_analysis, extra_summary = task.extras(o, data, folder)
        blocks += extra_blocks
        analysis += extra_analysis
        summary.update(extra_summary)
    report = _report(exp, o, data, summary, blocks, analysis, preset)
    if status != "completed":
        head, _, rest = report.partition("\n")
        report = (f"{head}\n\n" + t("report.interrupted", n=len(rows), total=o.settings.epochs, name=exp.name,
                                      folder=folder.path) + f"\n{rest}")
    folder.write_text("report.md", report)
    summary["outputs"] = sorted(set(folder.written[first:]))  # what a resume regenerates if one is missing
    fault_point("report-written")
    folder.write_json("summary.json", summary)
    return summary


def image_prediction_figures(o: Outcome, data: Data, folder: RunFolder, title: str) -> list[str]:
    """For image classifiers: the first test images and the most confident mistakes."""
    from groundup.report import images

    y = data.split.y_test
    probs = softmax(o.test_outputs.astype(np.float64))
    return [
        figure(folder.save_figure(images.samples(data.test_images, y, o.test_pred, data.classes,
                                                 title + ft("fig.first_test_images"), probs=probs),
                                  "samples.png"),
               t("cap.samples")),
        figure(folder.save_figure(images.mistakes(data.test_images, y, o.test_pred, probs, data.classes,
                                                  title + ft("fig.most_confident_mistakes")),
                                  "mistakes.png"),
               t("cap.mistakes")),
    ]


def _report(exp: Experiment, o: Outcome, data: Data, summary: dict, blocks, analysis, preset) -> str:
    s = o.settings
    final = summary["final"]
    lines = [t("report.title", title=experiment_title(exp), impl=o.impl), "",
             t("report.intro", name=exp.name, section=exp.section, impl=o.impl, preset=preset,
               model=described(exp.task.spec.describe()), dataset=described(data.dataset), n_train=len(data.split.y_train),
               n_test=len(data.split.y_test)), ""]
    if note := font_note():
        lines += [note, ""]
    lines += [t("report.settings"), "",
              table(t("report.settings_head").split("|"),
                    [[s.epochs, s.batch_size, f"{s.lr:g}", f"{s.momentum:g}", f"{s.weight_decay:g}", s.schedule,
                      t("yes") if s.standardize else t("no"), s.init, s.seed, s.dtype]]), "",
              t("report.results"), "",
              table(["", t("col.loss"), t("col.accuracy")],
                    [[t("row.train_final"), final["train_loss"], final["train_accuracy"]],
                     [t("row.test_final"), final["test_loss"], final["test_accuracy"]]]), "",
              t("report.timing", seconds=summary["train_seconds"], per_epoch=summary["seconds_per_epoch"],
                device=summary["device"]), ""]
    if analysis:
        lines += [t("report.analysis"), ""] + [p + "\n" for p in analysis]
    lines += [t("report.figures"), ""] + [b + "\n" for b in blocks]
    return "\n".join(lines)


def max_param_difference(outcomes: dict[str, Outcome]) -> float:
    ref = next(iter(outcomes.values())).params
    return max(float(np.abs(o.params[k] - ref[k]).max()) for o in outcomes.values() for k in ref)


def write_comparison(exp: Experiment, folder: RunFolder, outcomes: dict[str, Outcome],
                     summaries: dict[str, dict], preset: str, say) -> None:
    """comparison.md and comparison.png: the proof that the implementations agree."""
    diff = max_param_difference(outcomes)
    dtype = next(iter(outcomes.values())).settings.dtype
    rows = [[impl, s["final"]["test_accuracy"], s["best_test_accuracy"], s["final"]["train_loss"],
             s["final"]["test_loss"], s["seconds_per_epoch"]] for impl, s in summaries.items()]
    name = folder.save_figure(figures.compare_curves({i: o.history.as_dicts() for i, o in outcomes.items()},
                                                     ft("fig.compare_title", name=exp.name, preset=preset)),
                            "comparison.png")
    impls = t("sep").join(f"`{i}`" for i in outcomes)
    text = [t("compare.title", title=experiment_title(exp), impls=impls), "",
            t("compare.agree", diff=diff, dtype=dtype)
            + (t("compare.float32") if dtype == "float32" and diff > 1e-5 else ""), "",
            table(t("compare.head").split("|"), rows), "",
            figure(name, t("cap.compare")), "",
            t("compare.folders") + ", ".join(f"[{i}]({i}/report.md)" for i in outcomes), ""]
    folder.write_text("comparison.md", "\n".join(text))
    folder.write_json("comparison.json", {"experiment": exp.name, "preset": preset,
                                          "max_param_difference": diff, "summaries": summaries})
    say(t("run.diff", diff=diff, path=folder.path / "comparison.md"))

