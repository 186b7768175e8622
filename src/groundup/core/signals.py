"""Signals held for the length of a block: what must be whole (a run's commit, a check's
folder made or removed) is never cut in two by Ctrl-C or a SIGTERM."""

from __future__ import annotations

import contextlib
import os
import signal


@contextlib.contextmanager
def deferred_signals():
    """Hold SIGINT and SIGTERM until the block ends, so that a commit is never cut in two by
    Ctrl-C: a signal that arrives meanwhile is handed to the usual handler right after. (Python
    level, because the OS may deliver a signal to any of torch's or BLAS's threads.) SIGKILL
    cannot be held: resume handles it."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {s: signal.signal(s, lambda signum, frame: caught.append(signum))
                for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if caught:
            handler = previous[caught[0]]
            if callable(handler):
                handler(caught[0], None)
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), caught[0])
