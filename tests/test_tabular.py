"""The diabetes table: the real file (skips without it) and malformed CSVs."""

from __future__ import annotations

import gzip
import hashlib

import numpy as np
import pytest

from groundup.data import tabular
from groundup.errors import DataError

REAL = tabular.locate_diabetes()  # before any monkeypatching
ROW = "-0.29,0.48,0.18,-0.29,0,0.001,-0.53,-0.03,0\n"


@pytest.fixture
def env(isolated_roots):
    """No real roots: HOME and the system root point into tmp_path, GROUNDUP_DATA unset."""
    return isolated_roots


def write_csv(root, text: str, gz: bool = False, monkeypatch=None):
    """Write ``root/diabetes/diabetes.csv[.gz]`` and make the expected checksum match it."""
    path = root / "diabetes" / ("diabetes.csv.gz" if gz else "diabetes.csv")
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = text.encode()
    path.write_bytes(gzip.compress(raw) if gz else raw)
    if monkeypatch is not None:
        monkeypatch.setattr(tabular, "DIABETES_SHA256", hashlib.sha256(raw).hexdigest())
    return path


@pytest.mark.realdata
@pytest.mark.skipif(REAL is None, reason="diabetes.csv not found; set GROUNDUP_DATA")
def test_real_diabetes():
    data = tabular.load_diabetes(REAL.parent.parent)
    # The README says 759 rows; the checksummed file actually holds 758.
    assert data.x.shape == (758, 8) and data.x.dtype == np.float64
    assert data.y.dtype == np.int64 and set(np.unique(data.y)) == {0, 1}
    assert data.x.min() >= -1 and data.x.max() <= 1
    assert data.feature_names[1] == "glucose" and len(data.feature_names) == 8


@pytest.mark.parametrize("gz", [False, True])
def test_small_table_loads(env, monkeypatch, gz):
    path = write_csv(env / "data", ROW * 3 + ROW.replace(",0\n", ",1\n"), gz, monkeypatch)
    data = tabular.load_diabetes(env / "data")
    assert data.path == path and data.x.shape == (4, 8)
    np.testing.assert_array_equal(data.y, [0, 0, 0, 1])


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (ROW + ROW[:-3] + "\n", "line 2: expected 9 comma-separated columns, found 8"),
        (ROW + ROW.replace("0.48", "abc"), "line 2, column 2: 'abc' is not a number"),
        (ROW.replace(",0\n", ",2\n"), "data row 1: label 2 is not 0 or 1"),
        (ROW * 2 + ROW.replace(",0\n", ",0.5\n"), "data row 3: label 0.5 is not 0 or 1"),
        ("1,2,3\n4,5,6\n", "expected 9 columns (8 features + label), found 3"),
        ("", "no data rows"),
        (ROW.replace("0.18", "nan"), "non-finite"),
    ],
)
def test_malformed_csv(env, monkeypatch, text, problem):
    path = write_csv(env / "data", text, monkeypatch=monkeypatch)
    with pytest.raises(DataError) as info:
        tabular.load_diabetes(env / "data")
    message = str(info.value)
    assert message.startswith(f"{path}: ") and problem in message and "\n" not in message


def test_checksum_mismatch(env):
    path = write_csv(env / "data", ROW)
    with pytest.raises(DataError, match="SHA-256 mismatch"):
        tabular.load_diabetes(env / "data")
    assert tabular.locate_diabetes(env / "data") == path


def test_missing_lists_roots(env):
    with pytest.raises(DataError) as info:
        tabular.load_diabetes(env / "data")
    message = str(info.value)
    assert message.startswith("Diabetes data not found.")
    for root in (env / "data", env / "home" / ".cache" / "groundup", env / "system"):
        assert f"{root}/diabetes" in message
    assert "GROUNDUP_DATA=DIR" in message
