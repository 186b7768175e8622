"""The project's errors: each carries one line a user can act on.

The CLI prints ``groundup: error: <message>`` and exits with ``exit_code``; nothing
below the CLI prints tracebacks for these.
"""

from __future__ import annotations


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


class Interrupted(BaseException):
    """Ctrl-C (SIGINT) or SIGTERM during a run. Like KeyboardInterrupt it is not an
    ``Exception``, so no ``except Exception`` swallows it; the exit status is 128 + signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.exit_code = 128 + signum
        self.hint = ""  # filled by the runner: how to resume
