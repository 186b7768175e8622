"""``groundup lab``: every experiment with every implementation, one report to hand in.

Runs the experiments in course order into ``OUT/<name>/``, then writes ``OUT/index.md`` and
a self-contained ``OUT/index.html``. An experiment whose data cannot be found is listed as
skipped with the reason; one that fails is listed as failed; the lab still finishes.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from groundup.errors import ConfigError, DataError, GroundupError
from groundup.experiments import EXPERIMENTS
from groundup.report.html import page
from groundup.report.markdown import fmt, table
from groundup.runs import RunFolder, versions


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


def run_lab(preset: str, out: Path, only: list[str] | None = None, data_dir: str | None = None,
            quiet: bool = False, say=print) -> list[Entry]:
    exps = select(only)
    entries = []
    for k, exp in enumerate(exps, 1):
        prefix = f"[{k}/{len(exps)}] {exp.name:<24}"
        began = time.perf_counter()
        try:
            settings = exp.settings(preset, data_dir=data_dir)
            summaries = exp.run(exp, list(exp.impls), settings, out / exp.name, preset,
                                quiet=True, say=lambda *a, **kw: None)
            entry = Entry(exp.name, "done", seconds=time.perf_counter() - began, summaries=summaries or {})
            say(f"{prefix} done in {entry.seconds:5.1f} s  {_headline(entry)}")
        except DataError as err:
            entry = Entry(exp.name, "skipped", reason=str(err).splitlines()[0])
            say(f"{prefix} skipped: {entry.reason}")
        except GroundupError as err:
            entry = Entry(exp.name, "failed", reason=str(err).splitlines()[0])
            say(f"{prefix} FAILED: {entry.reason}")
        entries.append(entry)
    write_index(entries, preset, out)
    return entries


def _rows(entry: Entry) -> list[tuple[str, dict]]:
    """(implementation or variant, summary) pairs of the models an experiment trained: the
    summaries with ``final`` metrics (experiments that train nothing return none)."""
    return [(name, s) for name, s in entry.summaries.items() if isinstance(s, dict) and "final" in s]


def _metric(s: dict) -> tuple[str, str]:
    final = s["final"]
    if final.get("test_accuracy") is not None:
        return "test accuracy", fmt(final["test_accuracy"])
    if final.get("test_loss") is not None:
        return "test MSE", fmt(final["test_loss"])
    return "train accuracy", fmt(final.get("train_accuracy"))


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
    head = f"## {exp.title} (`{exp.name}`, course {exp.section})\n"
    if entry.status != "done":
        return head + f"\n**{entry.status.capitalize()}:** {entry.reason}\n"
    folder = out / exp.name
    parts = [head]
    if (folder / "comparison.md").exists() and any((folder / i / "report.md").exists() for i in ("nn", "scratch", "numpy")):
        parts.append(_rebase((folder / "comparison.md").read_text(), f"{exp.name}/", 2))
        shown = next((i for i in ("nn", "scratch", "numpy") if (folder / i / "report.md").exists()), None)
        if shown:
            parts.append(f"\n#### The `{shown}` run in detail\n")
            parts.append(_rebase((folder / shown / "report.md").read_text(), f"{exp.name}/{shown}/", 3))
    elif (folder / "report.md").exists():
        parts.append(_rebase((folder / "report.md").read_text(), f"{exp.name}/", 2))
    return "\n".join(parts)


def write_index(entries: list[Entry], preset: str, out: Path) -> None:
    v = versions()
    rows = []
    for entry in entries:
        exp = EXPERIMENTS[entry.name]
        if entry.status != "done":
            rows.append([f"[{exp.name}](#{exp.name})", "–", exp.dataset, "–", entry.status, "–", "–", "–"])
            continue
        trained = _rows(entry)
        if not trained:
            rows.append([exp.name, "–", exp.dataset, "–", "done", "–", "–", f"{entry.seconds:.1f}"])
        for impl, s in trained:
            kind, value = _metric(s)
            rows.append([exp.name, impl, exp.dataset, s.get("epochs", "–"), f"{kind} {value}",
                         fmt(s.get("best_test_accuracy")), fmt(s.get("train_seconds"), 2),
                         f"{entry.seconds:.1f}"])
    done = sum(e.status == "done" for e in entries)
    skipped = [e for e in entries if e.status != "done"]
    md = [f"# groundup lab report: preset `{preset}`", "",
          f"Generated {time.strftime('%Y-%m-%d %H:%M')} by `groundup lab --preset {preset}` "
          f"(groundup {v['groundup']}, torch {v['torch']}, numpy {v['numpy']}, Python {v['python']}). "
          f"{done} of {len(entries)} experiments ran. Losses are means per sample; every experiment "
          f"was trained by each implementation from the same initial parameters on the same batches.", "",
          "## Results", "",
          table(["experiment", "impl", "data", "epochs", "final", "best test acc.", "train s",
                 "experiment s"], rows), ""]
    if skipped:
        md += ["Not run:", ""] + [f"- `{e.name}` ({e.status}): {e.reason}" for e in skipped] + [""]
    md += [_section(EXPERIMENTS[e.name], e, out) for e in entries]
    text = "\n".join(md) + "\n"
    folder = RunFolder(out)
    folder.write_text("index.md", text)
    folder.write_text("index.html", page(f"groundup lab report ({preset})", text, out))
