"""What regrading needs to know of a submission and of grades.csv: the hash of what was handed
in, the submission a single file belongs to, and reading and writing the CSV's rows.

The grader (``grading.py``) keeps a row, instead of checking it again, when the hash of the
submission and the grading settings (groundup's version, the exercise, whether the in-use run
is checked, the isolation) are those it was graded with; ``--force`` keeps nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from groundup.errors import ConfigError
from groundup.store.runs import atomic_write_text

SKIP_PARTS = ("__pycache__",)  # written by Python, not by the learner


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



def single(path: Path, file_name: str) -> tuple[Path, str]:
    """(class folder, submission name) of one submission's file: ``DIR/NAME.py`` is NAME in DIR;
    the exercise's file in a sub-folder, ``DIR/NAME/<file_name>``, is the folder submission NAME."""
    path = Path(path)
    if path.name == file_name:
        return path.parent.parent, path.parent.name
    return path.parent, path.stem
