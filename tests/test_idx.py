"""IDX reading/writing: round trips, and one clear DataError per kind of damage."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from groundup.data.idx import read_bytes, read_idx, read_idx_bytes, write_idx
from groundup.errors import DataError


@pytest.mark.parametrize(
    ("dtype", "shape"),
    [("u1", (5, 28, 28)), ("i1", (7,)), (">i2", (3, 4)),
     ("<i4", (2, 3, 4)), ("f4", (6, 1)), ("f8", (2, 2, 2, 2))],
)
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_round_trip(tmp_path, dtype, shape, suffix):
    rng = np.random.default_rng(0)
    array = (rng.standard_normal(shape) * 100).astype(dtype)
    path = tmp_path / f"data-idx{suffix}"
    write_idx(path, array)
    back = read_idx(path)
    assert back.shape == shape and back.dtype == array.dtype.newbyteorder("=")
    np.testing.assert_array_equal(back, array)
    assert back.flags.writeable
    assert list(tmp_path.iterdir()) == [path]  # the temp file was renamed, nothing left over
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == (suffix == ".gz")


def test_gzip_detected_by_content(tmp_path):
    plain = tmp_path / "a-idx1-ubyte"
    write_idx(plain, np.arange(10, dtype=np.uint8))
    disguised = tmp_path / "b-idx1-ubyte"
    disguised.write_bytes(gzip.compress(plain.read_bytes()))
    np.testing.assert_array_equal(read_idx(disguised), np.arange(10))
    assert read_bytes(disguised) == plain.read_bytes()


def _idx(code: int, dims: tuple[int, ...], payload: bytes) -> bytes:
    return bytes([0, 0, code, len(dims)]) + struct.pack(f">{len(dims)}I", *dims) + payload


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "only 0 bytes"),
        (b"\x00\x00", "only 2 bytes"),
        (b"\x12\x34\x08\x01" + b"\x00" * 8, "bad magic number 0x12340801"),
        (_idx(0x07, (3,), b"abc"), "unknown IDX dtype code 0x07"),
        (bytes([0, 0, 8, 0]), "0 dimensions"),
        (bytes([0, 0, 8, 3, 0, 0, 0, 5]), "truncated: header needs 16 bytes"),
        (_idx(0x08, (4, 5), b"x" * 19), "truncated: expected 20 payload bytes, found 19"),
        (_idx(0x08, (1000,), b"x" * 10), "truncated: expected 1000 payload bytes, found 10"),
        (_idx(0x0C, (2,), b"x" * 9), "1 trailing bytes"),
    ],
)
def test_damaged_file(tmp_path, content, problem):
    path = tmp_path / "damaged-idx"
    path.write_bytes(content)
    with pytest.raises(DataError) as info:
        read_idx(path)
    message = str(info.value)
    assert str(path) in message and problem in message and "\n" not in message


def test_truncated_real_looking_file(tmp_path):
    path = tmp_path / "imgs-idx3-ubyte"
    write_idx(path, np.zeros((10, 28, 28), np.uint8))
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DataError, match="truncated: expected 7840 payload bytes, found 7740"):
        read_idx(path)


@pytest.mark.parametrize("cut", [5, 30, -10])
def test_corrupt_gzip(tmp_path, cut):
    path = tmp_path / "labels-idx1-ubyte.gz"
    write_idx(path, np.arange(200, dtype=np.uint8))
    path.write_bytes(path.read_bytes()[:cut])
    with pytest.raises(DataError) as info:
        read_idx(path)
    assert str(path) in str(info.value) and "corrupt gzip" in str(info.value)


def test_garbage_gzip(tmp_path):
    path = tmp_path / "x.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00" + b"\xff" * 40)
    with pytest.raises(DataError, match="corrupt gzip"):
        read_bytes(path)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="cannot read"):
        read_idx(tmp_path / "nope")


def test_read_idx_bytes_names_the_source():
    with pytest.raises(DataError, match="^somewhere/file: "):
        read_idx_bytes(b"\x00\x00\x08", "somewhere/file")


def test_write_rejects_unsupported_dtype(tmp_path):
    with pytest.raises(DataError, match="cannot write dtype uint16"):
        write_idx(tmp_path / "x", np.zeros(3, np.uint16))
    assert list(tmp_path.iterdir()) == []
