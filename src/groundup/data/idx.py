"""Read and write IDX files, the format MNIST and Fashion-MNIST ship in.

An IDX file is a 4-byte magic number (two zero bytes, a dtype code, the number of
dimensions), one big-endian uint32 per dimension, then the values in big-endian C order.
Every check raises :class:`DataError` with one line naming the file and the problem, so a
damaged download is reported instead of silently producing garbage.
"""

from __future__ import annotations

import gzip
import math
import os
import tempfile
import zlib
from pathlib import Path

import numpy as np

from groundup.errors import DataError

GZIP_MAGIC = b"\x1f\x8b"

# IDX dtype code -> big-endian numpy dtype.
IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES: dict[str, int] = {dt.str[1:]: code for code, dt in IDX_DTYPES.items()}  # "u1" -> 0x08


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """Return the decompressed content of ``path`` (gunzipped if it is a gzip file)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if path.name.endswith(".gz") or raw.startswith(GZIP_MAGIC):
        try:
            return gzip.decompress(raw)
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise DataError(f"{path}: corrupt gzip stream ({exc or type(exc).__name__})") from None
    return raw


def read_idx_bytes(raw: bytes, name: str) -> np.ndarray:
    """Parse decompressed IDX content; ``name`` is used in error messages only.

    Returns a writable, native-endian array of the header's shape.
    """
    if len(raw) < 4:
        raise DataError(f"{name}: not an IDX file: only {len(raw)} bytes, need a 4-byte magic number")
    zero1, zero2, code, ndim = raw[:4]
    if zero1 or zero2:
        raise DataError(
            f"{name}: not an IDX file: bad magic number 0x{raw[:4].hex()} (must start with two zero bytes)"
        )
    if code not in IDX_DTYPES:
        raise DataError(f"{name}: unknown IDX dtype code 0x{code:02x} (known: 08, 09, 0b, 0c, 0d, 0e)")
    if ndim < 1:
        raise DataError(f"{name}: IDX header declares 0 dimensions")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"{name}: truncated: header needs {header} bytes, file has {len(raw)}")
    dims = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = IDX_DTYPES[code]
    expected = math.prod(dims) * dtype.itemsize
    found = len(raw) - header
    if found < expected:
        raise DataError(
            f"{name}: truncated: expected {expected} payload bytes, found {found} (shape {dims})"
        )
    if found > expected:
        raise DataError(
            f"{name}: {found - expected} trailing bytes after the {expected}-byte payload (shape {dims})"
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header).reshape(dims)
    return data.astype(dtype.newbyteorder("="))  # copies: writable and native-endian


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an IDX file (``.gz`` or plain) into a native-endian array."""
    return read_idx_bytes(read_bytes(path), str(path))


def write_idx(path: str | os.PathLike[str], array: np.ndarray) -> None:
    """Write ``array`` as IDX (gzip if ``path`` ends in ``.gz``), atomically via a temp file."""
    path = Path(path)
    array = np.asarray(array)
    code = _CODES.get(array.dtype.str[1:])
    if code is None:
        raise DataError(
            f"{path}: cannot write dtype {array.dtype} as IDX "
            "(use uint8, int8, int16, int32, float32 or float64)"
        )
    if not 1 <= array.ndim <= 255:
        raise DataError(f"{path}: IDX needs 1..255 dimensions, array has {array.ndim}")
    content = (
        bytes([0, 0, code, array.ndim])
        + np.asarray(array.shape, dtype=">u4").tobytes()
        + np.ascontiguousarray(array, dtype=IDX_DTYPES[code]).tobytes()
    )
    if path.name.endswith(".gz"):
        content = gzip.compress(content, compresslevel=6, mtime=0)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
