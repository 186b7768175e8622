"""``groundup lab``: every experiment with every implementation, one report to hand in.

Runs the experiments in course order into ``OUT/<name>/``, then writes ``OUT/index.md`` and
a self-contained ``OUT/index.html`` after every experiment. An experiment whose data cannot be
found is listed as skipped with the reason; one that fails is listed as failed; the lab still
finishes. Run again (or with ``--resume``), it keeps what completed and finishes the rest.
"""

from __future__ import annotations

import contextlib
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from groundup.errors import ConfigError, DataError, GroundupError, Interrupted, RunFolderError, StorageError
from groundup.experiments import EXPERIMENTS
from groundup.i18n import current, experiment_title, font_note, silent, t
from groundup.app.advice import advised
from groundup.report.html import page
from groundup.report.markdown import fmt, table
from groundup.store.folder import LAB_STATE, Folder
from groundup.store.runs import RunFolder, folder_lock, versions


@dataclass
class Entry:
    name: str
    status: str  # "done", "skipped" or "failed"
    reason: str = ""
    seconds: float = 0.0
    summaries: dict = field(default_factory=dict)


def select(only: list[str] | None) -> list:
    if not only:
        return list(EXPERIMENTS.values())
    unknown = [n for n in only if n not in EXPERIMENTS]
    if unknown:
        raise ConfigError(f"unknown experiment(s) in --only: {', '.join(unknown)}; "
                          f"choose from: {', '.join(EXPERIMENTS)}")
    return [EXPERIMENTS[n] for n in only]


def preset_for(exp, preset: str) -> str:
    """The experiment's own preset of that name, or the one it falls back to (best -> seed)."""
    if preset in exp.presets:
        return preset
    return next(p for p in ("seed", "quick", *exp.presets) if p in exp.presets)


def run_lab(preset: str | None, out: Path, only: list[str] | None = None, data_dir: str | None = None,
            quiet: bool = False, say=print, resume: bool = False, threads: int | str = "auto") -> list[Entry]:
    """Run the selected experiments into ``out/<name>``, writing the index after each one.

    A lab folder that already holds this lab (``resume``, or the same command again) keeps the
    experiments that completed and finishes the others; ``resume`` takes the lab's own preset
    and selection unless given (``preset`` None: the lab's, else quick). Raises before anything
    runs if the preset is unknown to every selected experiment.
    """
    out = Path(out)
    if resume:
        if not (out / LAB_STATE).is_file():
            raise RunFolderError(f"{out} holds no lab to resume (no {LAB_STATE}); start one with --out {out}")
        state = RunFolder(out).read_json(LAB_STATE)
        if not (isinstance(state.get("preset"), str) and (state.get("only") is None or (
                isinstance(state["only"], list) and all(isinstance(n, str) for n in state["only"])))):
            raise RunFolderError(f"{out / LAB_STATE}: damaged ('preset' or 'only'); start the lab again")
        preset = preset or state["preset"]
        only = only or state.get("only")
    preset = preset or "quick"
    exps = select(only)
    known = sorted({p for e in exps for p in e.presets})
    if preset not in known:
        raise ConfigError(f"unknown preset {preset!r}; choose from: {', '.join(known)}")
    with advised(None, "lab"):
        out.mkdir(parents=True, exist_ok=True)
    with advised(None, "lab"), folder_lock(out):
        return _run_locked(exps, preset, out, data_dir, quiet, say, threads, only)


def _run_locked(exps, preset: str, out: Path, data_dir: str | None, quiet: bool, say,
                threads: int | str = "auto", only: list[str] | None = None) -> list[Entry]:
    previous = _previous(out, preset)
    if not (out / LAB_STATE).is_file():  # from the start, so that --resume works from the first experiment on
        RunFolder(out).write_json(LAB_STATE, {"preset": preset, "only": only, "entries": []})
    entries: list[Entry] = []
    try:
        for k, exp in enumerate(exps, 1):
            prefix = f"[{k}/{len(exps)}] {exp.name:<24}"
            own = preset_for(exp, preset)
            if own != preset:
                say(t("lab.line.no_preset", prefix=prefix, preset=repr(preset), own=repr(own)))
            kept = previous.get(exp.name)
            if kept and kept.status == "done" and Folder(out / exp.name).holds_completed_run():
                say(t("lab.line.kept", prefix=prefix, headline=_headline(kept)))
                entries.append(kept)
            else:
                entries.append(_run_one(exp, own, preset, out, data_dir, prefix, say, threads))
            write_index(entries, preset, out, only)
    except Interrupted as stop:
        stop.hint = t("lab.line.interrupted", out=out)
        raise
    return entries


def _run_one(exp, own: str, preset: str, out: Path, data_dir: str | None, prefix: str, say,
             threads: int | str = "auto") -> Entry:
    from groundup.app import launch
    from groundup.training.threads import apply

    apply(threads, exp)  # a small model gets one thread, a large one the free cores
    began = time.perf_counter()
    folder = Folder(out / exp.name)
    note = t("lab.fallback", own=repr(own), name=exp.name, preset=repr(preset)) if own != preset else ""
    try:
        if exp.task is not None and folder.has("config.json") and _preset_of(folder) == own:
            result = launch.resume(folder.path, overrides={"data_dir": data_dir}, quiet=True, say=silent)
        else:
            result = launch.start(exp.name, "all", own, {"data_dir": data_dir}, folder.path, overwrite=True,
                                  quiet=True, say=silent)
        entry = Entry(exp.name, "done", reason=note, seconds=time.perf_counter() - began,
                      summaries=result.summaries)
        say(t("lab.line.done", prefix=prefix, seconds=entry.seconds, headline=_headline(entry)))
    except DataError as err:
        entry = Entry(exp.name, "skipped", reason=str(err).splitlines()[0])
        say(t("lab.line.skipped", prefix=prefix, reason=entry.reason))
    except (GroundupError, OSError) as err:
        reason = str(StorageError.from_os(err) if isinstance(err, OSError) else err).splitlines()[0]
        entry = Entry(exp.name, "failed", reason=reason)
        say(t("lab.line.failed", prefix=prefix, reason=entry.reason))
    return entry


def _preset_of(folder: Folder) -> str | None:
    try:
        return folder.config().get("preset")
    except GroundupError:
        return None


def _previous(out: Path, preset: str) -> dict[str, Entry]:
    """The entries a lab in ``out`` recorded before (none if it ran another preset)."""
    if not (out / LAB_STATE).is_file():
        return {}
    state = RunFolder(out).read_json(LAB_STATE)
    if state.get("preset") != preset:
        raise RunFolderError(f"{out} holds a lab run with preset {state.get('preset')!r}, not {preset!r}; "
                             f"choose another --out")
    entries = {}
    for raw in state.get("entries", []):
        with contextlib.suppress(TypeError, KeyError):
            entries[raw["name"]] = Entry(**raw)
    return entries


def _rows(entry: Entry) -> list[tuple[str, dict]]:
    """(implementation or variant, summary) pairs of the models an experiment trained: the
    summaries with ``final`` metrics (experiments that train nothing return none)."""
    return [(name, s) for name, s in entry.summaries.items() if isinstance(s, dict) and "final" in s]


def _metric(s: dict) -> tuple[str, str]:
    final = s["final"]
    if final.get("test_accuracy") is not None:
        return t("lab.test_accuracy"), fmt(final["test_accuracy"])
    if final.get("test_loss") is not None:
        return t("lab.test_mse"), fmt(final["test_loss"])
    return t("lab.train_accuracy"), fmt(final.get("train_accuracy"))


def _headline(entry: Entry) -> str:
    parts = []
    for impl, s in _rows(entry):
        kind, value = _metric(s)
        parts.append(f"{impl} {value}")
    if parts:
        kind = _metric(_rows(entry)[0][1])[0]
        return f"{kind}: " + ", ".join(parts)
    return ""


def _rebase(markdown: str, prefix: str, demote: int) -> str:
    """Make a report's relative links point from the lab folder, and lower its headings."""
    def link(m):
        target = m.group(2)
        if re.match(r"[a-z]+:|/|#", target):
            return m.group(0)
        return f"{m.group(1)}({prefix}{target})"

    markdown = re.sub(r"(!?\[[^\]]*\])\(([^)]+)\)", link, markdown)
    return re.sub(r"^(#{1,6})", lambda m: "#" * min(6, len(m.group(1)) + demote), markdown, flags=re.M)


def _section(exp, entry: Entry, out: Path) -> str:
    head = t("lab.section", title=experiment_title(exp), name=exp.name, section=exp.section) + "\n"
    if entry.status != "done":
        return head + "\n" + t("lab.not_done", status=t("lab.status." + entry.status).capitalize(),
                                reason=entry.reason) + "\n"
    folder = out / exp.name
    parts = [head]
    if (folder / "comparison.md").exists() and any((folder / i / "report.md").exists() for i in ("nn", "scratch", "numpy")):
        parts.append(_rebase((folder / "comparison.md").read_text(), f"{exp.name}/", 2))
        shown = next((i for i in ("nn", "scratch", "numpy") if (folder / i / "report.md").exists()), None)
        if shown:
            parts.append("\n" + t("lab.in_detail", impl=shown) + "\n")
            parts.append(_rebase((folder / shown / "report.md").read_text(), f"{exp.name}/{shown}/", 3))
    elif (folder / "report.md").exists():
        parts.append(_rebase((folder / "report.md").read_text(), f"{exp.name}/", 2))
    return "\n".join(parts)


def write_index(entries: list[Entry], preset: str, out: Path, only: list[str] | None = None) -> None:
    """OUT/index.md, OUT/index.html and OUT/lab.json (the preset, the selection ``only`` and the
    entries so far, what ``lab --resume`` continues)."""
    v = versions()
    rows = []
    for entry in entries:
        exp = EXPERIMENTS[entry.name]
        if entry.status != "done":
            rows.append([f"[{exp.name}](#{exp.name})", "–", exp.dataset, "–", t("lab.status." + entry.status),
                         "–", "–", "–"])
            continue
        trained = _rows(entry)
        if not trained:
            rows.append([exp.name, "–", exp.dataset, "–", t("lab.status.done"), "–", "–", f"{entry.seconds:.1f}"])
        for impl, s in trained:
            kind, value = _metric(s)
            rows.append([exp.name, impl, exp.dataset, s.get("epochs", "–"), f"{kind} {value}",
                         fmt(s.get("best_test_accuracy")), fmt(s.get("train_seconds"), 2),
                         f"{entry.seconds:.1f}"])
    done = sum(e.status == "done" for e in entries)
    skipped = [e for e in entries if e.status != "done"]
    command = f"groundup lab --preset {preset}" + (f" --lang {current()}" if current() != "en" else "")
    md = [t("lab.title", preset=preset), "",
          t("lab.intro", when=time.strftime("%Y-%m-%d %H:%M"), command=command, done=done, n=len(entries), **v), ""]
    if note := font_note():
        md += [note, ""]
    md += [t("report.results"), "", table(t("lab.head").split("|"), rows), ""]
    if skipped:
        md += [t("lab.not_run"), ""] + [f"- `{e.name}` ({t('lab.status.' + e.status)}): {e.reason}"
                                        for e in skipped] + [""]
    fallbacks = [e for e in entries if e.status == "done" and e.reason]
    if fallbacks:
        md += [t("lab.presets"), ""] + [f"- `{e.name}`: {e.reason}" for e in fallbacks] + [""]
    md += [_section(EXPERIMENTS[e.name], e, out) for e in entries]
    text = "\n".join(md) + "\n"
    folder = RunFolder(out)
    folder.write_json(LAB_STATE, {"preset": preset, "only": only, "entries": [asdict(e) for e in entries]})
    folder.write_text("index.md", text)
    folder.write_text("index.html", page(t("lab.page_title", preset=preset), text, out))
