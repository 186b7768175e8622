"""What to do next: the storage layer says what is wrong with a folder (its errors carry the
fields), this module adds what a user does about it, in the command line's words."""

from __future__ import annotations

import contextlib
from pathlib import Path

from groundup.errors import GroundupError, RunFolderError, StorageError
from groundup.store.folder import Folder, FolderBusy, NotFinished


def said(err: GroundupError) -> str:
    """The line a user reads for ``err``: a busy folder says how to get past it, a run that did
    not finish names the command that finishes it; any other error as it is."""
    if isinstance(err, FolderBusy):
        return f"{err}; wait for it to finish, or choose another --out"
    if isinstance(err, NotFinished) and err.experiment and err.resumable:
        return f"{err}; continue it with: groundup run {err.experiment} --resume {err.path}"
    return str(err)


@contextlib.contextmanager
def advised(folder: Path | None, name: str):
    """Say the store's errors and the OS's refusals inside the block with what to do next: an
    OSError names the path in plain words and, if the run in ``folder`` has saved epochs, the
    command that resumes it (``name``: its experiment)."""
    try:
        yield
    except (FolderBusy, NotFinished) as err:
        raise RunFolderError(said(err)) from None
    except OSError as err:
        then = ""
        if folder is not None and Folder(folder).resumable():
            then = f"the run is saved up to its last epoch: resume with: groundup run {name} --resume {folder}"
        raise StorageError.from_os(err, then) from None
