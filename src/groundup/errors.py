"""The project's errors: each carries one line a user can act on.

The CLI prints ``groundup: error: <message>`` and exits with ``exit_code``; nothing
below the CLI prints tracebacks for these.
"""

from __future__ import annotations

import errno


class GroundupError(Exception):
    """A user-facing error with a one-line message."""

    exit_code = 2


class DataError(GroundupError):
    """A data set is missing, truncated, malformed or fails its checksum."""


class ConfigError(GroundupError):
    """An invalid setting (learning rate, batch size, experiment name, ...)."""


def check_choice(what: str, value, choices) -> None:
    """A ConfigError naming the choices if ``value`` is not one of them (typos fail loudly)."""
    if value not in choices:
        raise ConfigError(f"unknown {what} {value!r}; choose from: {', '.join(map(str, choices))}")


class Diverged(GroundupError):
    """Training blew up (the loss became non-finite, or grew instead of shrinking): the
    learning rate is probably too high. ``epoch`` and ``history`` say what was kept, when known."""

    exit_code = 1

    def __init__(self, message: str, epoch: int | None = None, history=None):
        super().__init__(message)
        self.epoch, self.history = epoch, history

    @classmethod
    def at_epoch(cls, epoch: int, lr: float, history) -> "Diverged":
        """A training run whose loss became non-finite in ``epoch`` (1-based) at rate ``lr``."""
        return cls(f"the loss became non-finite in epoch {epoch} (lr={lr:g}); "
                   f"the learning rate is probably too high: try --lr {lr / 10:g}", epoch, history)


class RunFolderError(GroundupError):
    """A run folder that is busy, damaged, or holds something a command may not replace."""


class StorageError(GroundupError):
    """The operating system refused to read or write a file (permissions, full disk, ...)."""

    # What each refusal means for a user, and what to do about it.
    REASONS = {
        errno.EACCES: "permission denied: make it writable (or readable) for you, or choose another place",
        errno.EPERM: "operation not permitted: make it writable for you, or choose another place",
        errno.EROFS: "the file system is read-only: choose a folder on a writable disk",
        errno.ENOSPC: "the disk is full: free some space",
        errno.EDQUOT: "your disk quota is used up: free some space",
        errno.EFBIG: "the file is larger than this system allows: free some space or raise the limit",
        errno.ENAMETOOLONG: "a file name is too long (at most 255 bytes per folder name): choose a shorter one",
        errno.ENOTDIR: "a part of this path is a file, not a folder: choose another path",
        errno.EEXIST: "a file of this name is in the way: choose another path",
        errno.EISDIR: "this is a folder where a file was expected: move it away",
        errno.ENOENT: "no such file or folder",
        errno.ELOOP: "too many symbolic links: choose another path",
    }

    @classmethod
    def from_os(cls, err: OSError, then: str = "") -> "StorageError":
        """One line from an OSError: the path, what the OS said in plain words, and ``then``
        (what else to do, e.g. the resume command)."""
        where = err.filename if err.filename is not None else "a file"
        reason = cls.REASONS.get(err.errno, err.strerror or type(err).__name__)
        return cls(f"{where}: {reason}" + (f"; {then}" if then else ""))


class Interrupted(BaseException):
    """Ctrl-C (SIGINT) or SIGTERM during a run. Like KeyboardInterrupt it is not an
    ``Exception``, so no ``except Exception`` swallows it; the exit status is 128 + signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.exit_code = 128 + signum
        self.hint = ""  # filled by the runner: how to resume
