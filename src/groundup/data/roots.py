"""Where data sets live, shared by every loader (vision and tabular): the roots searched in
order and the "not found" error that lists them."""

from __future__ import annotations

import os
from pathlib import Path

from groundup.errors import DataError

SYSTEM_ROOT = Path("/usr/share/datasets")  # where Debian's dataset-fashion-mnist installs


def cache_dir() -> Path:
    """The per-user cache root: ``$XDG_CACHE_HOME/groundup`` or ``~/.cache/groundup``."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "groundup"


def search_roots(data_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """Roots to search, in order: ``data_dir``, ``$GROUNDUP_DATA``, the cache, the system root."""
    env = os.environ.get("GROUNDUP_DATA")
    candidates = [data_dir, env or None, cache_dir(), SYSTEM_ROOT]
    roots: list[Path] = []
    for c in candidates:
        if c is not None and (p := Path(c).expanduser()) not in roots:
            roots.append(p)
    return roots


def missing_error(title: str, what: str, roots: list[Path], ways: str) -> DataError:
    """The 'not found' error shared by every data set: where we looked and how to get it."""
    looked = ", ".join(str(r / what) for r in roots)
    return DataError(f"{title} not found. Looked in: {looked}.\nGet it with one of: {ways}")
