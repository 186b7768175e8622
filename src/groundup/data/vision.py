"""MNIST and Fashion-MNIST: find them on disk, verify them, load them, download them.

Each data set lives in ``<root>/<name>/`` under the four official file names, ``.gz`` or
uncompressed. Roots are searched in a fixed order (see :func:`search_roots`). Checksums are
of the *decompressed* bytes, so recompressed copies (like Debian's) verify too.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from tqdm import tqdm

from groundup.data.idx import read_bytes, read_idx_bytes
from groundup.data.roots import SYSTEM_ROOT, cache_dir, missing_error, search_roots  # noqa: F401  (re-exported)
from groundup.data.tabular import locate_diabetes
from groundup.errors import DataError

DOWNLOAD_TIMEOUT = 30.0
_CHUNK = 1 << 16


@dataclass(frozen=True)
class OfficialFile:
    """One official file: its name (without ``.gz``), SHA-256 and size when decompressed."""

    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class VisionSpec:
    """What identifies a data set: names, classes, official files and where to download them."""

    name: str
    title: str
    classes: tuple[str, ...]
    files: tuple[OfficialFile, ...]  # train images, train labels, test images, test labels
    mirrors: tuple[str, ...]


FILE_NAMES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
_SIZES = (47040016, 60008, 7840016, 10008)


def _files(*shas: str) -> tuple[OfficialFile, ...]:
    return tuple(OfficialFile(n, s, z) for n, s, z in zip(FILE_NAMES, shas, _SIZES))


DATASETS: dict[str, VisionSpec] = {
    "mnist": VisionSpec(
        name="mnist",
        title="MNIST",
        classes=tuple(str(d) for d in range(10)),
        files=_files(
            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        ),
        mirrors=("https://ossci-datasets.s3.amazonaws.com/mnist/",),
    ),
    "fashion-mnist": VisionSpec(
        name="fashion-mnist",
        title="Fashion-MNIST",
        classes=("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                 "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
        files=_files(
            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        ),
        mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
    ),
}


@dataclass
class VisionData:
    """A loaded data set: uint8 images (N, 28, 28) and int64 labels (N,)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    spec: VisionSpec
    root: Path


@dataclass(frozen=True)
class FileCheck:
    """The outcome of verifying one file; ``error`` is set when it could not be read."""

    path: Path
    expected: str
    actual: str
    ok: bool
    size: int
    error: str | None = field(default=None)


# ---------------------------------------------------------------- where data lives


def _missing(spec: VisionSpec, roots: list[Path]) -> DataError:
    ways = (
        f"`groundup data download {spec.name}` (needs internet), "
        f"`--data-dir DIR` / `GROUNDUP_DATA=DIR` pointing at a folder that holds {spec.name}/ "
        "with the four official files,\nor Debian's `dataset-fashion-mnist` package "
        f"(Fashion-MNIST, installs to {SYSTEM_ROOT})."
    )
    return missing_error(spec.title, spec.name, roots, ways)


def get_spec(name: str) -> VisionSpec:
    """The spec for ``name``; DataError listing the choices if unknown."""
    try:
        return DATASETS[name]
    except KeyError:
        raise DataError(f"unknown data set {name!r}; choose from {', '.join(DATASETS)}") from None


def find_files(spec: VisionSpec, root: Path) -> dict[str, Path] | None:
    """Map each official file name to its path under ``root/<name>/`` (plain preferred over .gz)."""
    folder = Path(root) / spec.name
    found: dict[str, Path] = {}
    for f in spec.files:
        plain, gz = folder / f.name, folder / f"{f.name}.gz"
        path = plain if plain.is_file() else gz if gz.is_file() else None
        if path is None:
            return None
        found[f.name] = path
    return found


def locate(name: str, data_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """The first search root that holds all four files of ``name``, or None."""
    spec = get_spec(name)
    return next((r for r in search_roots(data_dir) if find_files(spec, r)), None)


def _located(spec: VisionSpec, data_dir: str | os.PathLike[str] | None) -> tuple[Path, dict[str, Path]]:
    roots = search_roots(data_dir)
    for root in roots:
        if files := find_files(spec, root):
            return root, files
    raise _missing(spec, roots)


# ---------------------------------------------------------------- loading and verifying


def _sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _mismatch(path: str | Path, expected: str, actual: str) -> DataError:
    return DataError(
        f"{path}: SHA-256 mismatch (expected {expected[:12]}…, got {actual[:12]}…); "
        "the file is corrupt or not the official one"
    )


def _check_split(x: np.ndarray, y: np.ndarray, x_path: Path, y_path: Path, n_classes: int) -> None:
    """Images must be uint8 (N, 28, 28); labels uint8 (N,) below ``n_classes``."""
    if x.dtype != np.uint8 or x.ndim != 3 or x.shape[1:] != (28, 28):
        raise DataError(f"{x_path}: expected uint8 images of shape (N, 28, 28), got {x.dtype} {x.shape}")
    if y.dtype != np.uint8 or y.shape != (len(x),):
        raise DataError(
            f"{y_path}: expected {len(x)} uint8 labels to match {x_path.name}, got {y.dtype} {y.shape}"
        )
    if len(y) and (top := int(y.max())) >= n_classes:
        raise DataError(f"{y_path}: label {top} out of range 0..{n_classes - 1}")


def load(name: str, data_dir: str | os.PathLike[str] | None = None) -> VisionData:
    """Load, verify (SHA-256 of the decompressed bytes) and shape-check a data set."""
    spec = get_spec(name)
    root, paths = _located(spec, data_dir)
    arrays = []
    for f in spec.files:
        path = paths[f.name]
        raw = read_bytes(path)
        if (actual := _sha256(raw)) != f.sha256:
            raise _mismatch(path, f.sha256, actual)
        arrays.append(read_idx_bytes(raw, str(path)))
    x_train, y_train, x_test, y_test = arrays
    names = [paths[f.name] for f in spec.files]
    _check_split(x_train, y_train, names[0], names[1], len(spec.classes))
    _check_split(x_test, y_test, names[2], names[3], len(spec.classes))
    return VisionData(x_train, y_train.astype(np.int64), x_test, y_test.astype(np.int64), spec, root)


def verify(name: str, data_dir: str | os.PathLike[str] | None = None) -> list[FileCheck]:
    """Hash every file of the located data set; unreadable files come back with ``error`` set."""
    spec = get_spec(name)
    _, paths = _located(spec, data_dir)
    checks = []
    for f in spec.files:
        path = paths[f.name]
        try:
            raw = read_bytes(path)
        except DataError as exc:
            checks.append(FileCheck(path, f.sha256, "", False, 0, str(exc)))
            continue
        actual = _sha256(raw)
        checks.append(FileCheck(path, f.sha256, actual, actual == f.sha256, len(raw)))
    return checks


def info(data_dir: str | os.PathLike[str] | None = None) -> list[dict[str, Any]]:
    """Where each data set (vision ones and diabetes) was found; no hashing, so it is fast."""
    roots = search_roots(data_dir)
    rows: list[dict[str, Any]] = [
        {"name": name, "root": locate(name, data_dir), "searched": roots} for name in DATASETS
    ]
    csv = locate_diabetes(data_dir)
    rows.append({"name": "diabetes", "root": csv.parent.parent if csv else None, "searched": roots})
    return rows


# ---------------------------------------------------------------- downloading


def _urlopen(url: str, timeout: float) -> Any:
    """Open ``url``; a module-level seam so tests can serve bytes without a network."""
    return urllib.request.urlopen(url, timeout=timeout)  # noqa: S310 (fixed https/http mirrors)


def _fetch(url: str, out: BinaryIO, progress: bool) -> None:
    """Stream ``url`` into ``out`` with a progress bar; network failures become DataError."""
    try:
        with _urlopen(url, DOWNLOAD_TIMEOUT) as resp:
            total = int(getattr(resp, "headers", {}).get("Content-Length") or 0) or None
            show = progress and sys.stderr.isatty()
            desc = url.rsplit("/", 1)[-1]
            with tqdm(total=total, unit="B", unit_scale=True, desc=desc, disable=not show) as bar:
                while chunk := resp.read(_CHUNK):
                    out.write(chunk)
                    bar.update(len(chunk))
    except (OSError, http.client.HTTPException) as exc:
        # URLError wraps the cause in .reason; HTTPError's str() already says "HTTP Error 404: ...".
        is_url_error = isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError)
        reason = exc.reason if is_url_error else exc
        raise DataError(
            f"could not download {url}: {reason}; no internet? Use --data-dir or GROUNDUP_DATA instead"
        ) from None


def _download_file(spec: VisionSpec, f: OfficialFile, folder: Path, progress: bool) -> Path:
    """Fetch one file from the first mirror that serves it intact; verify before renaming."""
    final = folder / f"{f.name}.gz"
    errors: list[str] = []
    for mirror in spec.mirrors:
        url = f"{mirror}{f.name}.gz"
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{f.name}.", suffix=".part")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                _fetch(url, out, progress)
            if (actual := _sha256(read_bytes(tmp))) != f.sha256:
                raise _mismatch(url, f.sha256, actual)
            os.replace(tmp, final)
            return final
        except DataError as exc:
            errors.append(str(exc))
        finally:
            tmp.unlink(missing_ok=True)
    raise DataError(" | ".join(errors) if errors else f"{spec.name}: no download mirrors configured")


def download(name: str, cache: str | os.PathLike[str] | None = None, progress: bool = True) -> Path:
    """Download ``name`` into ``<cache>/<name>/`` (default :func:`cache_dir`) and return the root.

    Files already there and intact are kept; each new file is written to a temporary file,
    verified against its SHA-256, and only then renamed to ``<file>.gz``.
    """
    spec = get_spec(name)
    root = Path(cache).expanduser() if cache is not None else cache_dir()
    folder = root / spec.name
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"{folder}: cannot create download folder: {exc.strerror or exc}") from None
    for f in spec.files:
        final = folder / f"{f.name}.gz"
        try:
            if final.is_file() and _sha256(read_bytes(final)) == f.sha256:
                continue
        except DataError:
            pass  # corrupt leftover: download again
        _download_file(spec, f, folder, progress)
    return root
