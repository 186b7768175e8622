"""Fault injection for the tests: ``$GROUNDUP_FAULT`` names a point of the write sequence at
which this process kills (or interrupts) itself, so that the tests can stop a run at an exact
moment. Read once, at import; a run without the variable pays one comparison per point."""

from __future__ import annotations

import os
import signal

FAULT_ENV = "GROUNDUP_FAULT"  # "POINT[@N][:INT]" (see fault_point)


def _fault_spec() -> tuple[str, int, int] | None:
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return None
    interrupt = spec.endswith(":INT")
    point, _, nth = spec.removesuffix(":INT").partition("@")
    return point, int(nth or 1), signal.SIGINT if interrupt else signal.SIGKILL


_FAULT = _fault_spec()
_fault_hits: dict[str, int] = {}


def fault_point(name: str) -> None:
    """Fault-injection hook for the tests: when ``$GROUNDUP_FAULT`` names this point of the write
    sequence (``POINT@N`` for its N-th passage), send this process SIGKILL (``:INT``: SIGINT)."""
    if _FAULT is None or _FAULT[0] != name:
        return
    _fault_hits[name] = _fault_hits.get(name, 0) + 1
    if _fault_hits[name] == _FAULT[1]:
        os.kill(os.getpid(), _FAULT[2])
