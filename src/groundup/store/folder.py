"""What a run folder is, answered from its files alone.

groundup writes three kinds of folder: a ``run`` (one implementation's training, or an
experiment that trains nothing: config.json, then summary.json when it ends), a ``group`` of
runs (``--impl all``, rnn-hello's variants: config.json naming its ``impls``, one sub-folder
per run, comparison.json once all are done) and a ``lab`` (lab.json, index.md, one folder per
experiment). ``Folder`` says which one a folder is, whether it is complete, what it can
resume and its headline numbers, and reads each of its files: one reader per file, every
problem one ``FileError``. It never writes (``runs.RunFolder`` adds that) and imports nothing
heavy, so that reading results back stays light.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

from groundup.errors import RunFolderError, StorageError

METRIC_COLUMNS = ("epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "seconds")
LOCK_NAME = ".lock"
LAB_STATE = "lab.json"  # a lab's preset, selection and entries so far
# The numbers that headline a trained model's summary: (label, path of keys into the summary).
HEADLINE = (("test accuracy", ("final", "test_accuracy")), ("best test accuracy", ("best_test_accuracy",)),
            ("test loss", ("final", "test_loss")), ("train loss", ("final", "train_loss")),
            ("predicted", ("final_predicted",)), ("loss", ("final_loss",)), ("accuracy", ("final_accuracy",)),
            ("s / epoch", ("seconds_per_epoch",)), ("epochs completed", ("epochs_completed",)))


class FileError(RunFolderError):
    """A file of a run folder that cannot be used. ``problem`` is ``"missing"``, ``"refused"``
    (the OS said no), ``"unreadable"`` (not JSON, not text) or ``"damaged"`` (``detail``: what
    is wrong with what it holds); ``cause`` names the exception behind the first three."""

    def __init__(self, message: str, path: Path, problem: str, cause: str = "", detail: str = ""):
        super().__init__(message)
        self.path, self.problem, self.cause, self.detail = Path(path), problem, cause, detail


class FolderBusy(RunFolderError):
    """Another process holds the folder's lock: ``pid`` (as its lock file says)."""

    def __init__(self, path: Path, pid: str):
        super().__init__(f"{path} is in use by another groundup run (pid {pid})")
        self.path, self.pid = Path(path), pid


class NotFinished(RunFolderError):
    """A run folder without summary.json: its run did not finish. ``experiment`` (from its
    config.json, if known) and ``resumable`` say whether a resume could finish it."""

    def __init__(self, path: Path, experiment: str | None, resumable: bool):
        super().__init__(f"{path} holds no summary.json: the run did not finish")
        self.path, self.experiment, self.resumable = Path(path), experiment, resumable


def checkpoint_name(impl: str) -> str:
    """The checkpoint file of an implementation's run."""
    return "checkpoint.npz" if impl == "numpy" else "checkpoint.pt"


def headline_numbers(summary: dict) -> dict[str, object]:
    """The ``HEADLINE`` numbers a trained model's summary holds, by label, in that order."""
    numbers = {}
    for label, keys in HEADLINE:
        value = summary
        for k in keys:
            value = value.get(k) if isinstance(value, dict) else None
        if value is not None:
            numbers[label] = value
    return numbers


def orphans(path: Path) -> list[Path]:
    """The temporary files of whole-file writes in ``path`` (``.NAME.*.tmp``): while nobody holds
    the folder's lock, what a killed writer left behind."""
    try:
        return [p for p in Path(path).glob(".*.tmp") if p.is_file() and not p.is_symlink()]
    except OSError:
        return []


def is_locked(path: Path) -> bool:
    """Whether the folder's lock is held: a run in progress."""
    import fcntl

    try:
        fd = os.open(Path(path) / LOCK_NAME, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


class Folder:
    """A folder groundup wrote (or may write), read: what it is and what its files hold."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.path)!r})"

    def has(self, name: str) -> bool:
        return (self.path / name).is_file()

    # ---- its files, one reader each ------------------------------------------------------

    def read_json(self, name: str, kind: type = dict):
        """A JSON file of the folder, which must hold a ``kind``."""
        path = self.path / name
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as err:
            raise FileError(f"{path}: missing; this is not a complete run folder", path, "missing",
                            type(err).__name__) from None
        except (ValueError, UnicodeDecodeError) as err:
            raise FileError(f"{path}: damaged ({type(err).__name__}); it cannot be read", path, "unreadable",
                            type(err).__name__) from None
        except OSError as err:
            raise FileError(str(StorageError.from_os(err)), path, "refused", type(err).__name__) from None
        if not isinstance(value, kind):
            detail = f"a {type(value).__name__}, not a {kind.__name__}"
            raise FileError(f"{path}: damaged ({detail})", path, "damaged", detail=detail)
        return value

    def config(self) -> dict:
        return self.read_json("config.json")

    def read_metrics(self, limit: int | None = None) -> list[dict]:
        """The first ``limit`` rows of metrics.csv (all without a limit; none without the file),
        numbers exactly as they were written; what lies beyond them (an epoch that never
        committed) is not read."""
        path = self.path / "metrics.csv"
        try:
            with open(path, encoding="utf-8", newline="") as f:
                lines = f.read().split("\n")
        except FileNotFoundError:
            return []
        except OSError as err:
            raise FileError(str(StorageError.from_os(err)), path, "refused", type(err).__name__) from None
        except UnicodeDecodeError as err:
            raise FileError(f"{path}: damaged (not text); move the folder away and start again", path,
                            "unreadable", type(err).__name__) from None
        body = [line for line in lines[1:] if line] if limit is None else lines[1:limit + 1]
        try:
            if lines[0] != ",".join(METRIC_COLUMNS):
                raise ValueError("unexpected header")
            rows = []
            for k, line in enumerate(body, 1):
                cells = line.split(",")
                if len(cells) != len(METRIC_COLUMNS):
                    raise ValueError(f"row {k} has {len(cells)} columns")
                row = {c: (None if v == "" else float(v)) for c, v in zip(METRIC_COLUMNS, cells)}
                if row["epoch"] != k or any(row[c] is None for c in ("train_loss", "test_loss", "seconds")):
                    raise ValueError(f"row {k} is not epoch {k}")
                rows.append({**row, "epoch": k})
            return rows
        except ValueError as err:
            raise FileError(f"{path}: damaged ({err}); move the folder away and start the run again", path,
                            "damaged", detail=str(err)) from None

    def read_table(self, name: str) -> list[dict]:
        """Any other CSV of the folder as rows: numbers as int or float, empty cells as None."""
        path = self.path / name
        try:
            with open(path, newline="", encoding="utf-8") as f:
                rows = list(csv.DictReader(f))
        except (OSError, UnicodeDecodeError, csv.Error) as err:
            problem = "missing" if isinstance(err, FileNotFoundError) else \
                "refused" if isinstance(err, OSError) else "unreadable"
            raise FileError(f"{path}: cannot be read ({type(err).__name__})", path, problem,
                            type(err).__name__) from None
        if any(None in row or None in row.values() for row in rows):
            detail = "a row does not have the header's columns"
            raise FileError(f"{path} is damaged: {detail}", path, "damaged", detail=detail)
        return [{k: _value(v) for k, v in row.items()} for row in rows]

    # ---- what it is ----------------------------------------------------------------------

    @property
    def kind(self) -> str | None:
        """``"group"`` (comparison.json, or a config.json naming ``impls``), ``"lab"`` (index.md
        or lab.json), ``"run"`` (config.json or summary.json of one run), or None: no folder of
        groundup's (which may still hold runs of older versions: ``members``)."""
        if self.has("comparison.json"):
            return "group"
        if self.has("index.md") or self.has(LAB_STATE):
            return "lab"
        if self.has("config.json"):
            try:
                config = self.config()
            except FileError:
                return "run"
            return "group" if "impl" not in config and "impls" in config else "run"
        return "run" if self.has("summary.json") else None

    def members(self) -> list["Folder"]:
        """The run folders inside it (a group's runs, a lab's experiments), by name."""
        try:
            return [Folder(p) for p in sorted(self.path.iterdir()) if (p / "config.json").is_file()]
        except OSError:
            return []

    def empty(self) -> bool:
        """Whether it holds nothing but its lock and temporary files."""
        return not any(p.name != LOCK_NAME and not p.name.endswith(".tmp") for p in self.path.iterdir())

    def holds_runs(self) -> bool:
        """Whether it holds a run or a group (also a group of older versions, with no file of
        its own), so that a new run may replace it."""
        return self.kind in ("run", "group") or bool(self.members())

    def is_group_of(self, experiment: str) -> bool:
        """Whether it holds a group of ``experiment``'s runs (its config.json lists impls)."""
        try:
            config = self.config()
        except RunFolderError:
            return False
        return config.get("experiment") == experiment and "impls" in config

    def status(self) -> str | None:
        """"completed", "interrupted", "diverged", ... as its summary.json says (a group:
        "completed" once comparison.json is written); None before that."""
        if self.has("comparison.json"):
            return "completed"
        try:
            return self.read_json("summary.json").get("status", "completed")
        except RunFolderError:
            return None

    def holds_completed_run(self) -> bool:
        """Whether a completed run (or group) is here: what a new run must not replace unasked."""
        return self.status() == "completed" and (self.has("comparison.json") or self.has("config.json"))

    def report(self) -> Path:
        """Its report: a group's overview is comparison.md when it compares implementations,
        report.md when its members are one implementation's several models (``rnn-hello
        --impl nn``)."""
        if self.kind == "group" and (self.has("comparison.md") or not self.has("report.md")):
            return self.path / "comparison.md"
        return self.path / "report.md"

    def complete(self) -> bool:
        """Whether nothing is left to resume. A run: its summary says completed and every
        output it lists (report.md and curves.png, for a summary from before the list), its
        metrics.csv and its checkpoint are there. A group: completed, with its overview, and
        every member complete."""
        if self.kind == "group":
            return self.status() == "completed" and self.report().is_file() and \
                all(m.complete() for m in self.members())
        if self.status() != "completed":
            return False
        summary = self.read_json("summary.json")
        outputs = summary.get("outputs")
        if not (isinstance(outputs, list) and all(isinstance(n, str) for n in outputs)):
            outputs = ["report.md", "curves.png"]
        from groundup.core.models import IMPLS

        if summary.get("impl") in IMPLS:
            outputs = [*outputs, "metrics.csv", checkpoint_name(summary["impl"])]
        return all(self.has(n) for n in outputs)

    def resumable(self) -> bool:
        """Whether a resume has saved epochs to go on from: a checkpoint here or in a member."""
        try:
            return any(self.path.glob("checkpoint.*")) or any(self.path.glob("*/checkpoint.*"))
        except OSError:
            return False

    def saved_epochs(self) -> int:
        """How many epochs its summary.json says were saved (0 without one)."""
        try:
            saved = self.read_json("summary.json").get("epochs_completed", 0)
        except RunFolderError:
            return 0
        return saved if isinstance(saved, int) and not isinstance(saved, bool) else 0

    def never_started(self) -> bool:
        """Whether it holds only what a run killed before its first rename (its config.json)
        leaves behind: the lock file and temporary files, at least one of them."""
        try:
            left = {p.name for p in self.path.iterdir()}
        except OSError:
            return False
        return bool(left) and left <= {LOCK_NAME, *(p.name for p in orphans(self.path))}

    def experiments(self) -> list["Folder"]:
        """A lab's experiment folders, in the lab's order: as lab.json lists them (a lab written
        before lab.json listed its entries: as its index.md names them)."""
        found = [Folder(p) for p in self.path.iterdir() if p.is_dir() and any(
            (p / n).is_file() for n in ("config.json", "summary.json", "comparison.json"))]
        order = None
        try:
            entries = self.read_json(LAB_STATE).get("entries")
            order = [e["name"] for e in entries if isinstance(e, dict) and isinstance(e.get("name"), str)]
        except (RunFolderError, TypeError):
            pass
        if order:
            return sorted(found, key=lambda f: (order.index(f.path.name) if f.path.name in order else len(order),
                                                f.path.name))
        index = (self.path / "index.md").read_text(encoding="utf-8", errors="replace") if self.has("index.md") else ""
        return sorted(found, key=lambda f: (index.find(f.path.name) % (len(index) + 1), f.path.name))

    def headline(self) -> dict:
        """What ``groundup runs`` shows of it: impl ("all" for a group), status (also
        "running" while its lock is held, "interrupted" if no summary says otherwise), epochs
        done (of planned) and the final test accuracy or loss (a group: per implementation)."""
        if self.kind == "group":
            impls = self.config().get("impls") or []
            parts = {i: Folder(self.path / i)._own_headline() for i in impls if (self.path / i / "config.json").is_file()}
            status = "completed" if self.has("comparison.json") else "running" if is_locked(self.path) else "interrupted"
            return {"impl": "all", "status": status, "epochs": next((h["epochs"] for h in parts.values()), ""),
                    "result": ", ".join(f"{i} {h['result']}" for i, h in parts.items() if h["result"])}
        return {"impl": self.config().get("impl", "-"), **self._own_headline()}

    def _own_headline(self) -> dict:
        try:
            summary = self.read_json("summary.json")
        except RunFolderError:
            summary = {}
        status = summary.get("status") or "interrupted"
        if status != "completed" and is_locked(self.path):
            status = "running"
        numbers = headline_numbers(summary)
        if "test accuracy" in numbers:
            result = f"test acc. {numbers['test accuracy']:.4f}"
        elif "test loss" in numbers:
            result = f"test loss {numbers['test loss']:.4g}"
        else:
            result = ""
        done, planned = summary.get("epochs_completed", summary.get("epochs")), summary.get("epochs_planned")
        epochs = "" if done is None else f"{done}" + (f"/{planned}" if planned and planned != done else "")
        return {"status": status, "result": result, "epochs": epochs}


def _value(text: str):
    if text == "":
        return None
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text
