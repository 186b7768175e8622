"""Grading on a Dask cluster: ``groundup grade DIR --scheduler tcp://HOST:PORT``.

``distributed.Client(address).get_executor()`` is a ``concurrent.futures.Executor``; the grader
submits to it the same module-level check function (``grading._check_one``) it submits to its
local process pool, so each worker checks a submission exactly as a local worker does: in a
limited child process with the same time limit. Dask re-runs the tasks of a worker that dies on
another worker (and ``retries`` re-runs a task that raised); a submission that kills every
worker it runs on ends as one row saying so, like a lost local worker.

The workers need groundup installed (the same version: checked before grading), the data sets
where ``GROUNDUP_DATA`` or the other data roots say, and the submission folder at the same path
as here (a shared file system, as for the data).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from groundup.errors import ConfigError

CONNECT_TIMEOUT = 10.0  # seconds to reach the scheduler and to see a first worker


def worker_version() -> str:
    """groundup's version on a worker (run there by ``Client.run``)."""
    from groundup.version import __version__

    return __version__


@contextlib.contextmanager
def cluster_executor(address: str, retries: int = 2, timeout: float = CONNECT_TIMEOUT, sees: Path | None = None):
    """An Executor whose tasks run on the Dask cluster at ``address``; the client is closed after.
    One clear ConfigError if dask.distributed is missing, the scheduler cannot be reached, it has
    no worker, a worker runs another groundup version (or none), or does not see the folder
    ``sees`` (the submissions) at the same path."""
    try:
        import distributed
    except ImportError:
        raise ConfigError("--scheduler needs dask.distributed: pip install 'groundup[cluster]'") from None
    from groundup.version import __version__

    try:
        client = distributed.Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as err:
        raise ConfigError(f"cannot reach the Dask scheduler at {address}: {err}".rstrip(": ")) from None
    try:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except (TimeoutError, OSError):
            raise ConfigError(f"the Dask scheduler at {address} has no worker (waited {timeout:g} s)") from None
        try:
            versions = client.run(worker_version)
        except Exception as err:  # noqa: BLE001 - a worker without groundup raises ImportError there
            raise ConfigError(f"a Dask worker of {address} cannot run groundup: {type(err).__name__}: {err}") from None
        other = {w: v for w, v in versions.items() if v != __version__}
        if other:
            worker, version = next(iter(other.items()))
            raise ConfigError(f"the Dask worker {worker} runs groundup {version}, this is {__version__}; "
                              f"install the same version on every worker")
        if sees is not None:
            where = str(Path(sees).resolve())
            blind = [w for w, seen in client.run(os.path.isdir, where).items() if not seen]
            if blind:
                raise ConfigError(f"the Dask worker {blind[0]} does not see {where}: the workers need the "
                                  f"submissions at the same path (a shared file system)")
        yield client.get_executor(retries=retries, pure=False)
    finally:
        client.close()
