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


class Interrupted(BaseException):
    """Ctrl-C (SIGINT) or SIGTERM during a run. Like KeyboardInterrupt it is not an
    ``Exception``, so no ``except Exception`` swallows it; the exit status is 128 + signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.exit_code = 128 + signum
        self.hint = ""  # filled by the runner: how to resume
