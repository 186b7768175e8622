"""How many CPU threads torch and NumPy's BLAS use: ``--threads auto`` (the default) or N.

torch and OpenBLAS start one thread per core, and each parallel operation waits for its
slowest thread. When another program keeps a core busy, that thread is descheduled and every
operation waits for it: on 2 cores with one busy neighbour, mlp-mnist's ``nn`` epoch went from
1.65 s to 11.3 s, logistic regression's from 0.01 s to 0.25 s. ``auto`` therefore runs one
thread for models whose operations are too small to gain from a second (fewer than
``LARGE_WORK`` multiply-adds per sample), and for the larger ones, which do gain on an idle
machine (softmax regression's epoch is 30-40 % slower on one thread of two), as many threads as
there are cores that no other program is using when the run starts (measured over 0.1 s).
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import math
import os
import sys
import time
from dataclasses import dataclass

from groundup.core.settings import parse_setting

# Multiply-adds per sample from which a second thread can pay off: softmax regression (7,840),
# the MNIST MLP (574,080) and CNN (467,200) are above it; logistic and linear regression (2) and
# the diabetes network (76) are far below: their operations are smaller than torch's grain.
LARGE_WORK = 1_000
WINDOW = 0.1  # seconds over which the other programs' CPU use is measured
# What a BLAS loaded later and a child process read for their thread count.
BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class Choice:
    threads: int
    reason: str
    watch: bool = False  # chosen from the machine's load: look again while the run trains


def parse(text: str) -> int | str:
    """The ``--threads`` argument: ``auto`` (any case) or N, checked by the rule the Python API
    shares (``groundup.core.settings.RULES``); a bad value raises its ConfigError."""
    word = text.strip()
    return parse_setting("threads", "auto" if word.lower() == "auto" else word)


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _stat_cpus() -> int:
    """The CPUs /proc/stat's times add up: all the machine's, also those ``cores()`` leaves out."""
    return os.cpu_count() or 1


def _cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat (Linux)."""
    with open("/proc/stat", encoding="ascii") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values[:8]) - idle, sum(values[:8])  # steal counts as busy: another guest's


def busy_cores(window: float = WINDOW) -> float | None:
    """How many cores other programs keep busy now (this process sleeps while it measures);
    the 1-minute load average where /proc/stat does not exist; None if neither is known."""
    try:
        busy0, total0 = _cpu_times()
        time.sleep(window)
        busy1, total1 = _cpu_times()
        return _stat_cpus() * (busy1 - busy0) / max(total1 - total0, 1)
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def _work(experiment) -> int | None:
    """Multiply-adds per sample of an experiment's model (its spec counts them); 0 for
    experiments without one; None when unknown."""
    if experiment is None:
        return None
    return 0 if experiment.task is None else experiment.task.spec.multiply_adds()


def choose(requested: int | str = "auto", experiment=None,
           busy: float | None = None, n_cores: int | None = None) -> Choice:
    """The number of threads for ``requested`` (``auto`` or N) and the reason, in words.
    ``experiment``: the ``Experiment`` to run (its model's size decides), or None."""
    n_cores = n_cores or cores()
    if requested != "auto":
        return Choice(int(requested), "as requested")
    work = _work(experiment)
    if work is not None and work < LARGE_WORK:
        return Choice(1, f"{experiment.name}: {work:,} multiply-adds per sample, too few to share"
                      if work else f"{experiment.name} trains no model")
    if n_cores == 1:
        return Choice(1, "one core")
    busy = busy_cores() if busy is None else busy
    if busy is None:
        return Choice(1, "the other programs' CPU use is unknown")
    free = max(1, min(n_cores, round(n_cores - busy)))
    return Choice(free, f"{busy:.1f} of {n_cores} cores busy with other programs", watch=True)


def set_blas_threads(n: int) -> bool:
    """Limit NumPy's BLAS to ``n`` threads; False if no way to do it was found.

    Environment variables reach a BLAS loaded later and child processes; one already loaded
    is limited through threadpoolctl if installed, else OpenBLAS's own setter.
    """
    for name in BLAS_VARIABLES:
        os.environ[name] = str(n)
    if "numpy" not in sys.modules:
        return True
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return _set_openblas_threads(n)
    threadpool_limits(n, user_api="blas")
    return True


def _openblas_libraries() -> list[str]:
    """Paths of the OpenBLAS libraries this process has loaded (Linux) or NumPy bundles."""
    paths = []
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
            paths = [line.split(None, 5)[-1].strip() for line in f if "openblas" in line.lower()]
    except OSError:
        import numpy

        root = os.path.dirname(os.path.dirname(numpy.__file__))
        for pattern in ("numpy.libs/*openblas*", "numpy/.dylibs/*openblas*"):
            paths += glob.glob(os.path.join(root, pattern))
    return list(dict.fromkeys(p for p in paths if os.path.isfile(p)))


def _openblas(function: str, *args: int) -> list[int]:
    """Call OpenBLAS's ``openblas_<function>`` in every loaded copy; the results."""
    results = []
    for path in _openblas_libraries():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for symbol in (f"scipy_openblas_{function}64_", f"openblas_{function}64_",
                       f"scipy_openblas_{function}", f"openblas_{function}"):
            call = getattr(lib, symbol, None)
            if call is not None:
                results.append(int(call(*(ctypes.c_int(a) for a in args)) or 0))
                break
    return results


def _set_openblas_threads(n: int) -> bool:
    return bool(_openblas("set_num_threads", n))


def blas_threads() -> int | None:
    """The number of threads the loaded OpenBLAS uses (None if not found)."""
    found = _openblas("get_num_threads")
    return found[0] if found else None


@contextlib.contextmanager
def blas_limited(n: int):
    """NumPy's BLAS on ``n`` threads inside the block; the threads and the variables as they
    were after it."""
    saved_env = {k: os.environ.get(k) for k in BLAS_VARIABLES}
    before = blas_threads()
    set_blas_threads(n)
    try:
        yield
    finally:
        if before and before != n:
            set_blas_threads(before)
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class Guard:
    """``auto`` while a run trains: every ``PERIOD`` seconds, how many cores the other programs
    used since the last look (all CPU time but this process's own), and the threads set again
    by the rule of the start (with a program counted from a smaller share of a core: it
    competes with this run's threads). A program that starts beside a two-thread run would
    otherwise stall every parallel operation until the run ends; fewer threads are taken at
    once, more again only when two looks in a row agree. If anything else has set torch's
    threads since (the user, a notebook cell, a test), the guard stands down.
    """

    PERIOD = 0.25  # seconds between looks: 25 clock ticks per core, a 0.04-core resolution
    # Beside this run's own threads, a program that keeps a core busy gets only its fair share
    # (3 threads on 2 cores: 2/3 of a core; 0.58 measured): from this share on it counts as one.
    SHARE = 0.35

    def __init__(self, threads: int, n_cores: int, set_threads=None, get_threads=None):
        self.threads, self.n_cores = threads, n_cores
        self.set_threads, self.get_threads = set_threads or _set_threads, get_threads or _get_threads
        self.next_check = time.perf_counter() + self.PERIOD
        self._last = _sample()
        self._wanted_more = False

    def check(self) -> None:
        """Look at the CPU use since the last look; change the threads if the rule says so."""
        now = _sample()
        self.next_check = time.perf_counter() + self.PERIOD
        if self.get_threads() != self.threads:  # someone else chose: theirs to keep
            self.next_check = math.inf
            return
        if now is None or self._last is None:
            return
        (busy0, total0, own0), (busy1, total1, own1) = self._last, now
        self._last = now
        per_core = (total1 - total0) / _stat_cpus()  # clock ticks that passed
        if per_core <= 0:
            return
        others = max(0.0, (busy1 - busy0) - (own1 - own0) * _TICKS) / per_core
        want = max(1, min(self.n_cores, self.n_cores - math.floor(others + 1 - self.SHARE)))
        if want < self.threads or (want > self.threads and self._wanted_more):
            self.threads = want
            self.set_threads(want)
        self._wanted_more = want > self.threads


try:
    _TICKS = os.sysconf("SC_CLK_TCK")  # the unit of /proc/stat
except (AttributeError, ValueError, OSError):
    _TICKS = 100


def _sample() -> tuple[int, int, float] | None:
    """(busy, total) clock ticks of all CPUs and this process's CPU seconds; None off Linux."""
    try:
        busy, total = _cpu_times()
    except (OSError, ValueError, IndexError):
        return None
    t = os.times()
    return busy, total, t.user + t.system


def _get_threads() -> int:
    import torch

    return torch.get_num_threads()


def _set_threads(n: int) -> None:
    import torch

    torch.set_num_threads(n)
    set_blas_threads(n)


@dataclass(frozen=True)
class Applied:
    """What ``apply`` set: the threads and why, what it was asked for, and auto's guard."""

    choice: Choice
    requested: int | str
    guard: Guard | None = None  # auto's watch over the other programs while a run trains


# The threads torch and the BLAS use belong to the process (torch.set_num_threads has no other
# scope), and so does this record of them: set by ``apply`` (and ``resume_with``), where a command
# or an API call begins, and read through ``applied()`` (a run's config.json), ``guard()`` (fit)
# and ``resume_with`` (a resume). Handing it down instead would take one more argument through
# the launch, every experiment's run and fit, for a value that cannot differ between them.
_current: Applied | None = None


def guard() -> Guard | None:
    """The active ``Guard`` (None unless ``apply`` chose auto's threads from the machine's load)."""
    return None if _current is None else _current.guard


def apply(requested: int | str = "auto", experiment=None) -> Choice:
    """Choose the number of threads and set it for torch and NumPy's BLAS."""
    global _current
    choice = choose(requested, experiment)
    _set_threads(choice.threads)
    _current = Applied(choice, requested, Guard(choice.threads, cores()) if choice.watch else None)
    return choice


def resume_with(started: int | None) -> str | None:
    """For a run that resumes after starting with ``started`` threads (its config.json's count).

    The thread count decides how torch and BLAS split their sums, so another count changes the
    last digits of every epoch from there on (1.5e-7 after a resume from 2 threads to 1 beside a
    busy program): under ``auto`` (or when nothing was chosen) the run continues with the count
    it started with, and no guard changes it while it trains. An N asked for is kept; if it
    differs, the returned note says what it costs (None otherwise).
    """
    global _current
    if not isinstance(started, int) or isinstance(started, bool) or not 1 <= started <= 1024:
        return None
    if _current is None or _current.requested == "auto":
        _set_threads(started)
        _current = Applied(Choice(started, "as the run started, so that it resumes exactly"), "auto")
        return None
    if _current.choice.threads != started:
        return (f"{_current.choice.threads} thread(s) as requested, but the run started with {started}: from here its "
                f"numbers may differ in their last digits from those of an uninterrupted run "
                f"(--threads {started}, or auto, keeps them identical)")
    return None


def applied() -> dict | None:
    """The threads this process's runs use and why (None if ``apply`` was not called)."""
    return None if _current is None else {"count": _current.choice.threads, "why": _current.choice.reason}
