"""Regrading into an existing grades.csv: which rows to keep, and one row merged into the file.

A row of grades.csv is kept (not checked again) when the submission's content is the same
(``sha256``: of the file, or of a folder's files in sorted order), it was checked by the same
groundup version, for the same exercise and with the same checks (``--no-in-use`` leaves out
the in-use ones: a row graded with them is checked again without them, and the other way round).
``--force`` keeps nothing. Everything here is a pure function of rows, names and hashes, except
``content_hash`` (reads the submission) and ``read_rows`` / ``write_rows`` (the CSV).
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import Callable

from groundup.errors import ConfigError
from groundup.store.runs import atomic_write_text

SKIP_PARTS = ("__pycache__",)  # written by Python, not by the learner
LOAD_CHECK = "file loads"  # the first check of every report


def mistake_of(check) -> str | None:
    """The id of the named mistake a failed check recognised, or None."""
    return getattr(check, "mistake", None)


def submission_root(folder: Path, path: Path) -> Path:
    """What was handed in: the file itself, or the sub-folder of ``folder`` that holds it."""
    return path.parent if path.parent.resolve() != folder.resolve() else path


def _hashed_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()
                  and not any(part in SKIP_PARTS or part.startswith(".") for part in p.relative_to(root).parts))


def content_hash(root: Path) -> str:
    """sha256 of a submission: a file's bytes; a folder's relative paths and bytes, in sorted order."""
    h = hashlib.sha256()
    if root.is_file():
        h.update(root.read_bytes())
        return h.hexdigest()
    for p in _hashed_files(root):
        rel = p.relative_to(root).as_posix().encode("utf-8")
        data = p.read_bytes()
        h.update(len(rel).to_bytes(8, "big") + rel + len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


def split(cell: str | None) -> list[str]:
    """A ;-separated cell of grades.csv as a list ('' -> [])."""
    return [part for part in (cell or "").split(";") if part]


def row_checks(row: dict) -> set[str]:
    """The names of every check a row was graded with (passed or failed)."""
    return set(split(row.get("passed_checks"))) | set(split(row.get("failed_checks")))


def plan(old_rows: list[dict], hashes: dict[str, str], version: str, exercise: str,
         checks: set[str], force: bool = False) -> tuple[dict[str, dict], list[str]]:
    """(rows to keep by submission, submissions to check) for the submissions in ``hashes``
    (name -> content hash). ``checks``: the names of the checks this grading runs."""
    if force:
        return {}, sorted(hashes)
    old = {r.get("submission"): r for r in old_rows}
    keep, todo = {}, []
    for name in sorted(hashes):
        row = old.get(name)
        if (row is not None and row.get("sha256") == hashes[name] and row.get("version") == version
                and row.get("exercise") == exercise and row_checks(row) == checks):
            keep[name] = row
        else:
            todo.append(name)
    return keep, todo


def merge(old_rows: list[dict], new_rows: list[dict]) -> list[dict]:
    """The old rows with every new row put in place of the old row of its submission (or
    added), sorted by submission; rows of submissions no longer handed in are kept."""
    rows = {r["submission"]: r for r in old_rows}
    rows.update({r["submission"]: r for r in new_rows})
    return [rows[name] for name in sorted(rows)]


def read_rows(path: Path) -> list[dict]:
    """The rows of a grades.csv; [] if it does not exist. A file that is not a grades.csv
    (no ``submission`` column) is refused rather than overwritten."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read {path}: {err}") from None
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None:
        return []
    if "submission" not in reader.fieldnames:
        raise ConfigError(f"{path} is not a grades.csv (no 'submission' column); choose another --out")
    return [{k: (v if v is not None else "") for k, v in row.items() if k is not None} for row in reader]


def write_rows(path: Path, rows: list[dict], columns: tuple[str, ...]) -> None:
    """grades.csv, atomically: UTF-8 without a BOM, the given columns in order ('' where a row
    has no value: an older row lacks the newer columns)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore", restval="")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(path, buf.getvalue())


def merge_into(path: Path, new_rows: list[dict], columns: tuple[str, ...]) -> list[dict]:
    """Put ``new_rows`` into the grades.csv at ``path`` (each in its submission's row); the rows."""
    rows = merge(read_rows(path), new_rows)
    write_rows(path, rows, columns)
    return rows


def single(path: Path, file_name: str) -> tuple[Path, str]:
    """(class folder, submission name) of one submission's file: ``DIR/NAME.py`` is NAME in DIR;
    the exercise's file in a sub-folder, ``DIR/NAME/<file_name>``, is the folder submission NAME."""
    path = Path(path)
    if path.name == file_name:
        return path.parent.parent, path.parent.name
    return path.parent, path.stem


def select(target: Path, exercise, out: Path, in_use: bool, force: bool,
           submissions: Callable[[Path, str], dict[str, Path]]) -> tuple[Path, set[str] | None, int]:
    """What ``grade TARGET --out OUT`` checks: (class folder, the submissions to check or None for
    all of them, how many rows of OUT are kept). A file is regraded into its row; a folder is
    checked where it changed since OUT was written (all of it without OUT, or with ``force``).
    ``submissions(folder, file_name)``: the grader's name -> file of every submission."""
    from groundup.version import __version__

    if not target.exists():
        raise ConfigError(f"{target}: no such file or folder")
    if target.is_file():
        folder, name = single(target, exercise.file_name)
        return folder, {name}, 0
    files = submissions(target, exercise.file_name)
    old = [r for r in read_rows(out) if r.get("exercise") == exercise.name]
    if not old:  # no grades.csv, or one of another exercise: written anew
        return target, None, 0
    hashes = {name: content_hash(submission_root(target, p)) for name, p in files.items()}
    checks = {LOAD_CHECK} | {c.name for c in exercise.checks if in_use or not c.in_use}
    keep, todo = plan(old, hashes, __version__, exercise.name, checks, force)
    return target, set(todo), len(keep)
