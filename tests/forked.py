"""``python -m MODULE ARGS`` (groundup, or a Jupyter kernel) in a child process that starts in
milliseconds instead of seconds.

A test that kills or interrupts a run needs the run in a process of its own, and a notebook runs in
a kernel of its own; a fresh interpreter spends about two seconds of CPU importing torch, NumPy and
matplotlib before it does anything, and another second and a half importing ``torch._dynamo`` when
it makes its first ``torch.optim`` optimizer (``Optimizer.__init__`` imports it). Here, each worker
of the test suite starts one ``multiprocessing`` fork server that imports those libraries once
(never groundup), and every child is forked from it: a process of its own, with its own pid,
signals, exit status, stdout and stderr, environment and working directory, that runs ``python -m
MODULE`` as a fresh interpreter would (``runpy``, then the interpreter's exit: threads joined,
``atexit`` functions, streams flushed). A child leaves what it inherited out of its garbage
collection (``gc.freeze``), so that the pages it shares with the server stay shared.

What a fresh interpreter reads at its start and a fork cannot change afterwards (``PYTHON*``
other than the ones honoured below, ``MPL*`` other than ``MPLBACKEND``, the loader's ``LD_*``,
thread variables of other libraries) is compared with the server's environment: a child that sets
any of them differently is started the ordinary way, ``python -m MODULE``. What is honoured, the
child applies as loading with its environment would have: ``PYTHONPATH`` (its entries first on
``sys.path``), the stream variables, the thread variables that groundup sets for its children
(``BLAS_VARIABLES``: the threads of the BLAS and of torch), and ``MPLBACKEND`` (matplotlib,
which reads it when imported, is imported again). A program that changes what a library reads
before it imports it names that library in ``reimport``: a Jupyter kernel sets ``MPLBACKEND`` to
its inline backend before the notebook imports matplotlib.

This module imports nothing of groundup: the fork server loads it to unpickle ``_main``.
"""

from __future__ import annotations

import atexit
import gc
import io
import multiprocessing
import multiprocessing.forkserver
import os
import runpy
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
from multiprocessing import reduction
from unittest import mock

PRELOAD = ["torch", "torch._dynamo", "numpy", "matplotlib", "matplotlib.figure"]
HONOURED = ("PYTHONUNBUFFERED", "PYTHONIOENCODING", "PYTHONPATH", "MPLBACKEND")  # applied by _main, as the BLAS variables
STARTUP_PREFIXES = ("PYTHON", "MPL", "OMP_", "MKL_", "OPENBLAS_", "VECLIB_", "NUMEXPR_", "LD_")

SERVER_ENV = dict(os.environ)  # the server's: the suite's, before any test changed it
_context = None


def _startup_variables(env: dict) -> dict:
    from groundup.training.threads import BLAS_VARIABLES  # in this process only: the server never imports groundup

    return {k: v for k, v in env.items()
            if k.startswith(STARTUP_PREFIXES) and k not in HONOURED and k not in BLAS_VARIABLES}


def forkable(env: dict) -> bool:
    """Whether a child with ``env`` can be forked from the server: the variables read at start-up
    equal the server's."""
    return _startup_variables(env) == _startup_variables(SERVER_ENV)


def _server():
    """The fork server of this process, started (once) with SERVER_ENV."""
    global _context
    if _context is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        with mock.patch.dict(os.environ, SERVER_ENV, clear=True):
            multiprocessing.forkserver.ensure_running()
        _context = context
    return _context


class _Fd:
    """A file descriptor handed to the forked child (sent to the fork server with the request)."""

    def __init__(self, fd: int):
        self.fd = fd

    def __reduce__(self):
        return _received, (reduction.DupFd(self.fd),)


def _received(dup) -> int:
    return dup.detach()


def _stream(fd: int, encoding: str, errors: str, unbuffered: bool, line: bool) -> io.TextIOWrapper:
    raw = io.FileIO(fd, "w", closefd=False)
    return io.TextIOWrapper(raw if unbuffered else io.BufferedWriter(raw), encoding=encoding, errors=errors,
                            line_buffering=line, write_through=unbuffered)


def _threads_as_loaded(env: dict) -> None:
    """The threads of the BLAS and of torch as a process started with ``env`` would have them
    (each reads its variables when loaded, which in the server was with SERVER_ENV)."""
    import torch

    def wanted(e: dict, *names: str) -> str | None:
        return next((e[n] for n in names if e.get(n)), None)

    blas = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
    if wanted(env, *blas) != wanted(SERVER_ENV, *blas):
        from groundup.training.threads import set_blas_threads

        with mock.patch.dict(os.environ):  # it also sets the variables, which stay as env has them
            set_blas_threads(int(wanted(env, *blas) or os.cpu_count()))
        _forget("groundup")  # the program imports it when it does, as in a fresh interpreter
    if wanted(env, "OMP_NUM_THREADS") != wanted(SERVER_ENV, "OMP_NUM_THREADS"):
        torch.set_num_threads(int(wanted(env, "OMP_NUM_THREADS") or os.cpu_count()))


def _entries(env: dict) -> list[str]:
    return [os.path.abspath(p) for p in (env.get("PYTHONPATH") or "").split(os.pathsep) if p]


def _forget(*packages: str) -> None:
    """Remove ``packages`` from ``sys.modules``: the next import loads them afresh."""
    for name in [m for m in sys.modules if m.split(".")[0] in packages]:
        del sys.modules[name]


def _imports_as_started(env: dict, reimport: tuple[str, ...]) -> None:
    """``sys.path`` and the preloaded libraries as an interpreter started with ``env`` has them."""
    if _entries(env) != _entries(SERVER_ENV):
        rest = [p for p in sys.path[1:] if p not in _entries(SERVER_ENV)]
        sys.path[1:] = _entries(env) + rest
    if env.get("MPLBACKEND") != SERVER_ENV.get("MPLBACKEND"):
        reimport += ("matplotlib",)
    _forget(*reimport, *(("mpl_toolkits",) if "matplotlib" in reimport else ()))


def _main(module: str, args: list[str], cwd: str, env: dict, out: int, err: int, started: int,
          new_session: bool, reimport: tuple[str, ...]) -> None:
    """The child: its session, streams, directory and environment, then ``python -m MODULE ARGS``."""
    # The objects inherited from the server stay out of this process's garbage collection: a
    # collection touches every object it tracks, which copies each page the fork still shares
    # (a third of a second of CPU per child, measured).
    gc.freeze()
    if new_session:
        os.setsid()
    os.close(started)  # the parent returns from Child() only now, as Popen returns after the exec
    os.dup2(out, 1)
    os.dup2(err, 2)
    os.close(out)
    os.close(err)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    _imports_as_started(env, reimport)
    _threads_as_loaded(env)
    tempfile.tempdir = None  # $TMPDIR as this child has it
    encoding, _, errors = (env.get("PYTHONIOENCODING") or "utf-8").partition(":")
    unbuffered = bool(env.get("PYTHONUNBUFFERED"))
    sys.stdout = sys.__stdout__ = _stream(1, encoding, errors or "strict", unbuffered, line=False)
    sys.stderr = sys.__stderr__ = _stream(2, encoding, "backslashreplace", unbuffered, line=True)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    sys.argv = [module, *args]
    code, interrupted = 0, False
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exit:
        if exit.code is None or isinstance(exit.code, int):
            code = exit.code or 0
        else:
            print(exit.code, file=sys.stderr)
            code = 1
    except KeyboardInterrupt:
        traceback.print_exc()
        interrupted = True
    except BaseException:
        traceback.print_exc()
        code = 1
    # What the interpreter does when it exits: join the threads, run atexit, flush the streams.
    threading._shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 120
    if interrupted:  # an uncaught KeyboardInterrupt ends the interpreter by SIGINT
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    os._exit(code)


def _drain(stream, into: list) -> None:
    into.append(stream.read())


class Child:
    """``python -m MODULE ARGS`` as ``subprocess.Popen(..., stdout=PIPE, stderr=PIPE, text=True)``
    answers: ``pid``, ``stdin`` (None), ``stdout``, ``stderr``, ``poll``, ``wait``, ``communicate``,
    ``send_signal``, ``kill``, ``terminate``, ``returncode``. Forked from the server when ``forkable(env)``;
    ``start_new_session`` as Popen's. With ``capture=False`` the child writes to this process's
    stdout and stderr instead (``stdout`` and ``stderr`` are None), as Popen's default.
    ``reimport``: preloaded libraries the child imports afresh (see the module's doc)."""

    def __init__(self, args, cwd=None, env: dict | None = None, start_new_session: bool = False,
                 module: str = "groundup", capture: bool = True, reimport: tuple[str, ...] = ()):
        env = dict(os.environ if env is None else env)
        self._popen, self._module, self.stdin = None, module, None
        if not forkable(env):
            pipe = subprocess.PIPE if capture else None
            self._popen = subprocess.Popen([sys.executable, "-m", module, *args], cwd=cwd, env=env,
                                           stdin=subprocess.DEVNULL, stdout=pipe, stderr=pipe, text=True,
                                           start_new_session=start_new_session)
            self.pid, self.stdout, self.stderr = self._popen.pid, self._popen.stdout, self._popen.stderr
            return
        out_r, out_w = os.pipe() if capture else (None, os.dup(1))
        err_r, err_w = os.pipe() if capture else (None, os.dup(2))
        started_r, started_w = os.pipe()
        self._process = _server().Process(target=_main, daemon=False, args=(
            module, [str(a) for a in args], str(cwd or os.getcwd()), env, _Fd(out_w), _Fd(err_w),
            _Fd(started_w), start_new_session, tuple(reimport)))
        try:
            self._process.start()
        finally:
            os.close(out_w)
            os.close(err_w)
            os.close(started_w)
        # Its session and process group exist once it has closed its end (os.killpg on the pid
        # must not reach this process's group).
        with open(started_r, "rb") as started:
            started.read()
        self.pid = self._process.pid
        self.stdout = open(out_r, encoding="utf-8", errors="replace") if capture else None
        self.stderr = open(err_r, encoding="utf-8", errors="replace") if capture else None

    @property
    def returncode(self) -> int | None:
        return self._popen.returncode if self._popen else self._process.exitcode

    def poll(self) -> int | None:
        return self._popen.poll() if self._popen else self._process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        if self._popen:
            return self._popen.wait(timeout)
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired([self._module], timeout)
        return self._process.exitcode

    def communicate(self, timeout: float | None = None) -> tuple[str, str]:
        if self._popen:
            return self._popen.communicate(timeout=timeout)
        out, err = [], []
        readers = [threading.Thread(target=_drain, args=(s, into), daemon=True)
                   for s, into in ((self.stdout, out), (self.stderr, err))]
        for r in readers:
            r.start()
        for r in readers:
            r.join(timeout)
            if r.is_alive():
                raise subprocess.TimeoutExpired([self._module], timeout)
        self.wait(timeout)
        self.stdout.close()
        self.stderr.close()
        return out[0], err[0]

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def run(args, cwd=None, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """``subprocess.run([python, -m, groundup, *args], capture_output=True, text=True)``, forked."""
    child = Child(args, cwd=cwd, env=env)
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        raise
    return subprocess.CompletedProcess(["groundup", *args], child.returncode, out, err)


def launch_kernel(cmd: list[str], cwd=None, env: dict | None = None, **popen_kwargs) -> Child:
    """``jupyter_client``'s ``launch_kernel`` for a kernel started as ``python -m MODULE ARGS``,
    forked: in a session of its own, writing to this process's stdout and stderr (as jupyter_client
    starts it), importing matplotlib afresh after the kernel has chosen its backend."""
    if cmd[:2] != [sys.executable, "-m"]:
        raise ValueError(f"not a kernel of this interpreter: {cmd}")
    return Child(cmd[3:], cwd=cwd, env=env, start_new_session=True, module=cmd[2], capture=False,
                 reimport=("matplotlib",))
