"""Fault injection for the tests: ``$GROUNDUP_FAULT`` names a point of the write sequence at
which this process kills (or interrupts) itself, so that the tests can stop a run at an exact
moment. Read once, at import; a run without the variable pays one comparison per point."""

from __future__ import annotations

import os
import signal

FAULT_ENV = "GROUNDUP_FAULT"  # "POINT[@N][:INT]", or several of them separated by commas


def _fault_spec() -> tuple[str, int, int] | list[tuple[str, int, int]] | None:
    """The points of ``$GROUNDUP_FAULT``: one (point, N, signal), a list of several, or None."""
    specs = []
    for spec in filter(None, os.environ.get(FAULT_ENV, "").split(",")):
        interrupt = spec.endswith(":INT")
        point, _, nth = spec.removesuffix(":INT").partition("@")
        specs.append((point, int(nth or 1), signal.SIGINT if interrupt else signal.SIGKILL))
    return (specs[0] if len(specs) == 1 else specs) or None


_FAULT = _fault_spec()
_fault_hits: dict[str, int] = {}


def fault_point(name: str) -> None:
    """Fault-injection hook for the tests: when ``$GROUNDUP_FAULT`` names this point of the write
    sequence (``POINT@N`` for its N-th passage), send this process SIGKILL (``:INT``: SIGINT).
    Several points are separated by commas (``A:INT,B:INT``: Ctrl-C twice)."""
    if _FAULT is None:
        return
    specs = [_FAULT] if isinstance(_FAULT, tuple) else _FAULT
    if all(point != name for point, _, _ in specs):
        return
    _fault_hits[name] = _fault_hits.get(name, 0) + 1
    for point, nth, signum in specs:
        if point == name and _fault_hits[name] == nth:
            os.kill(os.getpid(), signum)
