"""``$GROUNDUP_FAULT`` is read when a fault point is reached, not when groundup is imported."""

from __future__ import annotations

import signal

from groundup.core import faults


def test_a_fault_set_after_import_fires_at_its_nth_passage(monkeypatch):
    sent = []
    monkeypatch.setattr(faults.os, "kill", lambda pid, signum: sent.append(signum))
    monkeypatch.setattr(faults, "_fault_hits", {})
    monkeypatch.delenv(faults.FAULT_ENV, raising=False)
    faults.fault_point("epoch-start")
    monkeypatch.setenv(faults.FAULT_ENV, "epoch-start@2:INT,before-rename:a.json")
    for name in ("epoch-start", "other", "epoch-start", "epoch-start", "before-rename:a.json"):
        faults.fault_point(name)
    assert sent == [signal.SIGINT, signal.SIGKILL]
