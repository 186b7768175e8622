"""A finished run as a Python object: its numbers, its history and its figures.

``open_run(path)`` reads any folder groundup writes back into a ``Result``: one
implementation's run, an ``--impl all`` parent with its comparison, an experiment that trains
nothing (basics, linear-model, gradient-descent), rnn-hello's variants, or a lab report. It
reads only the run-folder contract (config.json, metrics.csv, summary.json, comparison.json,
*.png, report.md, index.md), never the code that wrote it. In a notebook a result shows itself
as a compact card: the headline numbers and the main figure.
"""

from __future__ import annotations

import base64
import contextlib
import html
import math
from dataclasses import dataclass, field
from pathlib import Path

from groundup.errors import ConfigError, GroundupError, RunFolderError
from groundup.store.folder import FileError, Folder, NotFinished, headline_numbers

# The figure a card shows: the first of these the folder has, else its first PNG.
MAIN_FIGURES = ("comparison.png", "curves.png", "loss.png", "loss_wb.png", "broadcast.png")
# What a card leaves out of an experiment's own summary: bookkeeping, not results.
_BOOKKEEPING = {"experiment", "preset", "status", "impl", "impls", "device", "dtype", "seed"}


class MissingDependency(GroundupError, ImportError):
    """An optional package a method needs (pandas) is not installed."""


class Records(list):
    """A table as a list of rows (dicts), e.g. one row per epoch; ``to_pandas`` if you have pandas."""

    @property
    def columns(self) -> list[str]:
        return list(dict.fromkeys(k for row in self for k in row))

    def column(self, name: str) -> list:
        """One column's values, in row order (None where a row lacks it)."""
        if self and name not in self.columns:
            raise ConfigError(f"no column {name!r}; the columns are: {', '.join(self.columns)}")
        return [row.get(name) for row in self]

    def where(self, **equal) -> "Records":
        """The rows whose columns have the given values, e.g. ``history.where(impl="numpy")``."""
        return Records(row for row in self if all(row.get(k) == v for k, v in equal.items()))

    def to_pandas(self):
        """A ``pandas.DataFrame`` of the rows (pandas is optional: groundup does not install it)."""
        try:
            import pandas
        except ImportError:
            raise MissingDependency("to_pandas() needs pandas, which groundup does not install: "
                                    "pip install pandas (the rows are plain dicts without it)") from None
        return pandas.DataFrame(list(self), columns=self.columns)


@dataclass
class Result:
    """A run folder read back: numbers per implementation, per-epoch history, figures.

    ``kind`` is ``"run"`` (one trained implementation, or rnn-hello's variants),
    ``"comparison"`` (several implementations, each in ``runs``), ``"experiment"`` (trains
    nothing: its ``summary.json`` under the experiment's name) or ``"lab"`` (one result per
    experiment in ``runs``).
    """

    path: Path
    kind: str
    experiment: str | None
    preset: str | None
    status: str
    summary: dict[str, dict]  # per implementation (or variant; per experiment for a lab)
    history: Records  # metrics.csv rows; with an "impl" (or "experiment") column when several
    figures: dict[str, Path]  # relative name ("curves.png", "nn/confusion.png") -> path
    config: dict = field(default_factory=dict)
    runs: dict[str, "Result"] = field(default_factory=dict)
    comparison: dict | None = None  # comparison.json: max_param_difference, summaries
    not_run: dict[str, str] = field(default_factory=dict)  # lab: experiment -> why it has no result
    lang: str | None = None  # the card's and the plot's language (None: ``i18n.choose``'s default)

    def _language(self):
        from groundup.i18n import choose, language

        return language(choose(self.lang))

    @property
    def report(self) -> Path | None:
        """The Markdown (or, for a lab, HTML) report of this folder."""
        names = ("index.html", "index.md") if self.kind == "lab" else ("comparison.md", "report.md")
        return next((self.path / n for n in names if (self.path / n).is_file()), None)

    @property
    def main_figure(self) -> Path | None:
        own = [n for n in self.figures if "/" not in n]
        name = next((n for n in MAIN_FIGURES if n in own), own[0] if own else None)
        return self.figures[name] if name else None

    def read_csv(self, name: str) -> Records:
        """Any other table of the folder, e.g. ``"epochs.csv"`` or ``"nn/test_predictions.csv"``."""
        with _said():
            return Records(Folder(self.path).read_table(name))

    def plot(self, *columns: str, ax=None):
        """Draw history columns (default: the losses) against the epoch, one line per
        implementation or variant; returns the matplotlib Axes."""
        if "epoch" not in self.history.columns:
            raise GroundupError(f"{self.path} has no per-epoch history to plot")
        columns = columns or tuple(c for c in ("train_loss", "test_loss", "loss") if c in self.history.columns)
        group = next((g for g in ("impl", "variant") if g in self.history.columns), None)
        keys = list(dict.fromkeys(self.history.column(group))) if group else [None]
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator

        from groundup import i18n

        with self._language(), plt.rc_context(i18n.figure_rc()):
            if ax is None:
                _, ax = plt.subplots(figsize=(6.4, 3.6))
            for key in keys:
                rows = self.history.where(**{group: key}) if group else self.history
                for c in columns:
                    label = " ".join(str(p) for p in (key, _column_label(c)) if p)
                    ax.plot(rows.column("epoch"), rows.column(c), label=label)
            ax.set_xlabel(i18n.ft("fig.epoch"))
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
            if len(columns) == 1:
                ax.set_ylabel(_column_label(columns[0]))
            ax.set_title(" · ".join(str(p) for p in (self.experiment, self.preset and i18n.ft("card.preset", preset=self.preset)) if p))
            ax.legend(fontsize=8)
        return ax

    def headline(self) -> list[tuple[str, dict[str, object]]]:
        """The numbers a card shows: (implementation or variant, {label: value}) rows; for an
        experiment that trains nothing, one row of its own results; for a lab, each
        experiment's first headline number."""
        if self.kind == "lab":
            return [(name if key == name else f"{name} · {key}", dict(list(numbers.items())[:1]))
                    for name, r in self.runs.items() for key, numbers in r.headline()]
        if self.kind == "experiment":
            settings = self.config.get("settings", {})
            return [(key, {k: v for k, v in list(_flatten(s, skip=set(settings)))[:12]})
                    for key, s in self.summary.items()]
        return [(key, headline_numbers(s)) for key, s in self.summary.items()]

    def __repr__(self) -> str:
        what = " ".join(str(p) for p in (self.kind, self.experiment, self.preset and f"preset={self.preset}") if p)
        numbers = "; ".join(f"{key}: " + ", ".join(f"{k} {_fmt(v)}" for k, v in list(n.items())[:2])
                            for key, n in self.headline()[:4])
        return f"<groundup Result {what} at {self.path} [{self.status}] {numbers}>"

    def _repr_html_(self) -> str:
        with self._language():
            return self._card()

    def _card(self) -> str:
        from groundup.i18n import t

        name = _card_word
        rows = self.headline()
        if self.kind == "experiment":  # one column of named results reads better than one long row
            rows = [(k, {"": v}) for _, numbers in rows for k, v in numbers.items()]
        elif self.kind == "lab":  # each experiment's own headline, in one column
            rows = [(key, {"": " ".join(f"{k} {_fmt(v)}" for k, v in numbers.items())}) for key, numbers in rows]
        labels = list(dict.fromkeys(k for _, n in rows for k in n))
        table = ("<table><tr><th></th>" + "".join(f"<th>{html.escape(name(k))}</th>" for k in labels) + "</tr>"
                 + "".join(f"<tr><th>{html.escape(key)}</th>"
                           + "".join(f"<td>{html.escape(_fmt(n.get(k)))}</td>" for k in labels) + "</tr>"
                           for key, n in rows) + "</table>")
        title = " · ".join(html.escape(str(p)) for p in (self.experiment or self.kind,
                                                          self.preset and t("card.preset", preset=self.preset)) if p)
        notes = []
        if self.status != "completed":
            notes.append(t("card.status", status=f"<b>{html.escape(name(self.status))}</b>"))
        for key, value in (self.comparison or {}).items():  # "max_param_difference" and the like
            if key.endswith("max_param_difference"):
                what = key.removesuffix("max_param_difference").replace("_", " ").strip()
                notes.append(t("card.diff", what=t("card.what", what=what) if what else "",
                               value=f"<b>{html.escape(_fmt(value))}</b>"))
        notes += [f"{html.escape(run)}: {html.escape(why)}" for run, why in self.not_run.items()]
        image = ""
        if (fig := self.main_figure) is not None:
            data = base64.b64encode(fig.read_bytes()).decode("ascii")
            image = (f'<img src="data:image/png;base64,{data}" alt="{html.escape(fig.name)}" '
                     f'style="max-width:560px;height:auto;display:block;margin-top:.4em">')
        report = (" · " + t("card.report", path=f"<code>{html.escape(str(self.report))}</code>")
                  if self.report else "")
        return (f'<div class="groundup-result" style="border:1px solid #ccc;border-radius:6px;padding:.6em .9em;'
                f'max-width:600px"><b>{title}</b> <small>{t("card.kind", kind=html.escape(name(self.kind)))}</small>'
                f"<div><small><code>{html.escape(str(self.path))}</code>{report}</small></div>{table}"
                + "".join(f"<div><small>{n}</small></div>" for n in notes) + f"{image}</div>")


# ---------------------------------------------------------------------------- reading a folder

def open_run(path: str | Path, lang: str | None = None, explain=str) -> Result:
    """Read a finished run folder (any kind groundup writes) into a ``Result``; ``lang``: the
    language of its card and plots (default: ``$GROUNDUP_LANG``, else the locale, else English);
    ``explain``: how a lab's ``not_run`` says why an experiment's folder could not be read.

    Raises ``GroundupError`` with one line if the folder is missing, is not a run folder, or
    is damaged (unreadable JSON or CSV, a file the contract requires missing); ``NotFinished``
    if its run did not finish.
    """
    if lang is not None:
        from groundup.i18n import choose

        result = open_run(path, explain=explain)
        result.lang = choose(lang)
        for inner in result.runs.values():
            inner.lang = result.lang
        return result
    path = Path(path)
    if not path.is_dir():
        raise GroundupError(f"{path}: no such folder" if not path.exists() else f"{path} is not a folder")
    folder = Folder(path)
    with _said():
        if folder.kind == "group" and folder.has("comparison.json"):
            return _open_comparison(folder)
        if folder.kind == "lab":
            return _open_lab(folder, explain)
        if folder.kind is not None:
            return _open_single(folder)
    raise GroundupError(f"{path} is not a run folder (no summary.json, comparison.json or index.md)")


@contextlib.contextmanager
def _said():
    """A file that cannot be used, said as a reader of results says it: ``path: cannot be read
    (why)`` or ``path is damaged: what``."""
    try:
        yield
    except FileError as err:
        if err.problem != "damaged":
            raise RunFolderError(f"{err.path}: cannot be read ({err.cause})") from None
        what = "expected a JSON object" if err.path.suffix == ".json" else err.detail
        raise RunFolderError(f"{err.path} is damaged: {what}") from None


def _open_single(folder: Folder) -> Result:
    path = folder.path
    config = folder.config() if folder.has("config.json") else {}
    if not folder.has("summary.json"):
        raise NotFinished(path, config.get("experiment"), folder.resumable())
    summary = folder.read_json("summary.json")
    experiment = summary.get("experiment") or config.get("experiment")
    if "impl" in summary or "variants" in summary:
        kind = "run"
        per = {summary["impl"]: summary} if "impl" in summary else dict(summary["variants"])
        if not folder.has("metrics.csv"):
            raise GroundupError(f"{path} is damaged: summary.json is there but metrics.csv is missing")
    else:
        kind, per = "experiment", {experiment or path.name: summary}
    return Result(path, kind, experiment, summary.get("preset") or config.get("preset"),
                  summary.get("status", "completed"), per, Records(folder.read_metrics()), _figures(path), config)


def _open_comparison(folder: Folder) -> Result:
    path = folder.path
    comparison = folder.read_json("comparison.json")
    summaries = comparison.get("summaries")
    if not isinstance(summaries, dict) or not summaries:
        raise GroundupError(f"{path / 'comparison.json'} is damaged: it lists no implementations")
    runs = {}
    for key, summary in summaries.items():
        # One sub-folder per implementation (or model variant), named after it; a variant may
        # live in its implementation's folder.
        impl = summary.get("impl") if isinstance(summary, dict) else None
        member = next((path / n for n in (key, impl) if n and (path / n).is_dir()), None)
        if member is None:
            raise GroundupError(f"{path} is damaged: comparison.json lists {key!r} but {path / key} is missing")
        runs[key] = _open_single(Folder(member))
    history = Records({"impl": impl, **row} for impl, r in runs.items() for row in r.history)
    figures = _figures(path) | {f"{r.path.name}/{n}": p for r in runs.values() for n, p in r.figures.items()}
    status = next((r.status for r in runs.values() if r.status != "completed"), "completed")
    return Result(path, "comparison", comparison.get("experiment"), comparison.get("preset"), status,
                  {key: summaries[key] for key in runs}, history, figures,
                  runs=runs, comparison=comparison)


def _open_lab(folder: Folder, explain) -> Result:
    runs, not_run = {}, {}
    for experiment in folder.experiments():
        name = experiment.path.name
        try:
            runs[name] = open_run(experiment.path, explain=explain)
        except GroundupError as err:
            not_run[name] = explain(err)
    history = Records({"experiment": name, **row} for name, r in runs.items() for row in r.history)
    preset = next((r.preset for r in runs.values() if r.preset), None)
    return Result(folder.path, "lab", None, preset, "completed", {n: r.summary for n, r in runs.items()},
                  history, _figures(folder.path), runs=runs, not_run=not_run)


def _figures(path: Path) -> dict[str, Path]:
    return {p.name: p for p in sorted(path.glob("*.png"))}


def _flatten(value, prefix: str = "", skip: set = frozenset()):
    """(dotted key, scalar) pairs of an experiment's own summary, bookkeeping and ``skip``
    (its settings) left out; lists of records are labelled by their name (up to a colon) or
    method, other lists left out (they are curves, not headlines)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if not (prefix == "" and (k in _BOOKKEEPING or k in skip)) and k not in ("name", "method"):
                yield from _flatten(v, f"{prefix}{k}." if isinstance(v, (dict, list)) else prefix + k)
    elif isinstance(value, list):
        if value and all(isinstance(v, dict) and ("name" in v or "method" in v) for v in value):
            for v in value:
                label = str(v.get("name", v.get("method"))).split(":")[0]
                yield from _flatten(v, f"{prefix}{label}.")
    elif isinstance(value, (int, float, str, bool)) and value is not None:
        yield prefix.rstrip("."), value


# The card's words: a headline label, a kind or a status -> its catalogue key.
CARD_WORDS = {"test accuracy": "metric.test_accuracy", "test loss": "metric.test_loss",
              "train loss": "metric.train_loss", "loss": "col.loss", "accuracy": "col.accuracy"}


def _card_word(word: str) -> str:
    """A word of the card in the current language: its catalogue entry (``CARD_WORDS`` or
    ``card.word.<word>``) where there is one, else the word as the folder holds it."""
    from groundup import i18n

    key = CARD_WORDS.get(word, "card.word." + word)
    return i18n.t(key) if key in i18n.CATALOGUES["en"] else word


def _column_label(column: str) -> str:
    """A history column as a plot shows it: the course's words where the catalogue has them
    (in the figure's language), else the column's name."""
    from groundup import i18n

    key = "metric." + column
    return i18n.ft(key) if key in i18n.CATALOGUES["en"] else column


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}" if math.isfinite(value) else str(value)
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"
