"""The Pima Indians diabetes table: 759 rows, 8 features scaled to [-1, 1], a 0/1 label.

It lives at ``<root>/diabetes/diabetes.csv`` (or ``.csv.gz``) under the same roots as the
image data sets, and is verified by the SHA-256 of its decompressed content.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from groundup.data.idx import read_bytes
from groundup.data.roots import missing_error, search_roots
from groundup.errors import DataError

DIABETES_SHA256 = "ee2f8a2723e7d5cc7572ce1f5b1ab32bca4c91f9d18d7039599f53d724e0f83e"
FEATURE_NAMES = (
    "pregnancies", "glucose", "blood_pressure", "skin_thickness",
    "insulin", "bmi", "diabetes_pedigree", "age",
)
N_COLUMNS = len(FEATURE_NAMES) + 1  # features, then the label


@dataclass
class TabularData:
    """A loaded table: float64 features (N, 8), int64 0/1 labels (N,)."""

    x: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    path: Path


def locate_diabetes(data_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """The first ``diabetes/diabetes.csv`` (or ``.csv.gz``) in the search roots, or None."""
    for root in search_roots(data_dir):
        for name in ("diabetes.csv", "diabetes.csv.gz"):
            if (path := root / "diabetes" / name).is_file():
                return path
    return None


def _first_bad_line(text: str) -> str:
    """Say which line broke parsing (only called after np.loadtxt failed, so speed is moot)."""
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        cells = line.split(",")
        if len(cells) != N_COLUMNS:
            return f"line {lineno}: expected {N_COLUMNS} comma-separated columns, found {len(cells)}"
        for col, cell in enumerate(cells, 1):
            try:
                float(cell)
            except ValueError:
                return f"line {lineno}, column {col}: {cell.strip()!r} is not a number"
    return "unparseable content"


def parse_diabetes(raw: bytes, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Parse the CSV bytes into float64 features and int64 labels; ``name`` is for errors."""
    try:
        text = raw.decode("utf-8")
        if not text.strip():
            raise DataError(f"{name}: no data rows")
        table = np.loadtxt(io.StringIO(text), delimiter=",", dtype=np.float64, ndmin=2)
    except UnicodeDecodeError as exc:
        raise DataError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    except ValueError:
        raise DataError(f"{name}: malformed CSV: {_first_bad_line(text)}") from None
    if table.shape[1] != N_COLUMNS:
        raise DataError(
            f"{name}: expected {N_COLUMNS} columns (8 features + label), found {table.shape[1]}"
        )
    if not np.isfinite(table).all():
        row = int(np.argwhere(~np.isfinite(table))[0, 0]) + 1
        raise DataError(f"{name}: data row {row} holds a non-finite value")
    x, labels = table[:, :-1], table[:, -1]
    bad = np.flatnonzero((labels != 0) & (labels != 1))
    if bad.size:
        raise DataError(f"{name}: data row {bad[0] + 1}: label {labels[bad[0]]:g} is not 0 or 1")
    return np.ascontiguousarray(x), labels.astype(np.int64)


def load_diabetes(data_dir: str | os.PathLike[str] | None = None) -> TabularData:
    """Locate, verify (SHA-256 of the decompressed CSV) and parse the diabetes table."""
    path = locate_diabetes(data_dir)
    if path is None:
        ways = (
            "`--data-dir DIR` / `GROUNDUP_DATA=DIR` pointing at a folder that holds "
            "diabetes/diabetes.csv or diabetes/diabetes.csv.gz (no download is available)."
        )
        raise missing_error("Diabetes data", "diabetes", search_roots(data_dir), ways)
    raw = read_bytes(path)
    if (actual := hashlib.sha256(raw).hexdigest()) != DIABETES_SHA256:
        raise DataError(
            f"{path}: SHA-256 mismatch (expected {DIABETES_SHA256[:12]}…, got {actual[:12]}…); "
            "the file is corrupt or not the expected version"
        )
    x, y = parse_diabetes(raw, str(path))
    return TabularData(x, y, FEATURE_NAMES, path)
