"""Fault injection for the tests: ``$GROUNDUP_FAULT`` names a point of the write sequence at
which this process kills (or interrupts) itself, so that the tests can stop a run at an exact
moment. Read when a point is reached (a run without the variable pays one look-up per point),
so that it holds from the moment it is set."""

from __future__ import annotations

import os
import signal

FAULT_ENV = "GROUNDUP_FAULT"  # "POINT[@N][:INT]", or several of them separated by commas


def _fault_specs(text: str) -> list[tuple[str, int, int]]:
    """The points of a ``$GROUNDUP_FAULT`` value: (point, N, signal) each."""
    specs = []
    for spec in filter(None, text.split(",")):
        interrupt = spec.endswith(":INT")
        point, _, nth = spec.removesuffix(":INT").partition("@")
        specs.append((point, int(nth or 1), signal.SIGINT if interrupt else signal.SIGKILL))
    return specs


_fault_hits: dict[str, int] = {}  # passages of each point named


def fault_point(name: str) -> None:
    """Fault-injection hook for the tests: when ``$GROUNDUP_FAULT`` names this point of the write
    sequence (``POINT@N`` for its N-th passage), send this process SIGKILL (``:INT``: SIGINT).
    Several points are separated by commas (``A:INT,B:INT``: Ctrl-C twice)."""
    text = os.environ.get(FAULT_ENV)
    if not text:
        return
    specs = _fault_specs(text)
    if all(point != name for point, _, _ in specs):
        return
    _fault_hits[name] = _fault_hits.get(name, 0) + 1
    for point, nth, signum in specs:
        if point == name and _fault_hits[name] == nth:
            os.kill(os.getpid(), signum)
