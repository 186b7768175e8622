"""Run a learner's file in a child process and call its functions, receiving only values.

The child (``child.py``) runs with ``python -I`` in a fresh temporary folder, a clean
environment, one BLAS thread, and limits on address space, CPU time and file size; the whole
session has a wall-clock budget (the time spent waiting for the child's replies: the
reference computed here does not count), after which the child's process group is killed. Requests
and replies travel on two private pipes (the child's stdout and stderr go elsewhere, so
printing cannot corrupt them); replies are decoded without pickle. Every failure of the child
(an exception, ``sys.exit``, ``os._exit``, a crash, the time or memory limit) comes back as a
``CallError`` with one line to show, never as an exception the grader did not expect.
"""

from __future__ import annotations

import os
import select
import signal
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from groundup.exercises import child
from groundup.exercises.child import Unsupported, decode, encode

MEMORY_MB = 2048
FILE_MB = 16
CHILD_SOURCE = Path(child.__file__).read_text(encoding="utf-8")


@dataclass
class CallError(Exception):
    """A call that returned no value. ``kind``: todo, error, exit, memory, timeout, died."""

    kind: str
    message: str
    trace: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message


class Sandbox:
    """One learner file in one child process; ``call`` its functions until ``close``."""

    def __init__(self, path: Path, forbidden: list[str], timeout: float, memory_mb: int = MEMORY_MB):
        self.path, self.forbidden, self.memory_mb = Path(path).resolve(), forbidden, memory_mb
        self.timeout = timeout
        self.left = timeout  # seconds the submission may still take (only waiting for it counts)
        self.proc: subprocess.Popen | None = None
        self.dead: CallError | None = None
        self.names: list[str] = []

    # ----------------------------------------------------------------------- life cycle
    def start(self) -> None:
        """Start the child and load the file; raises CallError if loading fails."""
        self.workdir = tempfile.TemporaryDirectory(prefix="groundup-check-")
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.workdir.name,
               "TMPDIR": self.workdir.name, "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        cpu = int(self.timeout) + 5
        self.stderr = open(Path(self.workdir.name) / ".stderr", "w+b")
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-c", CHILD_SOURCE, str(to_child_r), str(from_child_w), str(self.path),
             ",".join(self.forbidden), str(self.memory_mb), str(cpu), str(FILE_MB)],
            cwd=self.workdir.name, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=self.stderr, pass_fds=(to_child_r, from_child_w), start_new_session=True)
        os.close(to_child_r)
        os.close(from_child_w)
        reply = self._receive("loading the file")
        if reply.get("status") != "ok":
            raise self._error(reply, "loading the file")
        self.names = reply.get("names", [])

    def close(self) -> None:
        self._kill()
        for fd in ("to_child", "from_child"):
            if hasattr(self, fd):
                try:
                    os.close(getattr(self, fd))
                except OSError:
                    pass
                delattr(self, fd)
        if hasattr(self, "workdir"):
            self.stderr.close()
            self.workdir.cleanup()
            del self.workdir

    def _kill(self) -> int | None:
        """Kill the child's whole process group (anything the submission started goes with it)
        and reap the child; its exit status. Only before the child is reaped: until then its
        pid, which names the group, cannot belong to anyone else."""
        if self.proc is None:
            return None
        if self.proc.returncode is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        return self.proc.wait()

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ----------------------------------------------------------------------------- calls
    def call(self, name: str | tuple, *args, keep: bool = False, strict: bool = False):
        """The value of ``name(*args)`` in the child; raises CallError. ``strict``: NumPy's
        overflow, invalid-value and divide warnings raise FloatingPointError in the child."""
        return self._request({"target": list(name) if isinstance(name, tuple) else name,
                              "args": list(args), "keep": keep, "strict": strict}, self._what(name))

    def call_many(self, name: str, arg_lists: list) -> list:
        """[name(*args) for args in arg_lists] in one round trip."""
        return self._request({"target": name, "args": [list(a) for a in arg_lists], "many": True},
                             self._what(name))

    @staticmethod
    def _what(name) -> str:
        return f"{name[1]} of the object" if isinstance(name, tuple) else name

    def _request(self, request: dict, what: str):
        if self.dead is not None:
            raise CallError(self.dead.kind, f"not run: {self.dead.message}")
        try:
            child.write_frame(self.to_child, encode(request))
        except (BrokenPipeError, OSError):
            raise self._died(what) from None
        reply = self._receive(what)
        if reply.get("status") != "ok":
            raise self._error(reply, what)
        value = reply.get("value")
        if isinstance(value, Unsupported):
            raise CallError("error", f"{what} returned {value.what}, which is not a NumPy array or a number")
        return value

    def _error(self, reply: dict, what: str) -> CallError:
        kind = reply.get("status", "error")
        if kind == "todo":
            return CallError("todo", f"not written yet: {what} raises NotImplementedError")
        if kind == "exit":
            return CallError("exit", f"{what} called {reply.get('message')}: the submission must not exit",
                             reply.get("trace", []))
        if kind == "memory":
            return CallError("memory", f"{what} ran out of memory (limit {self.memory_mb} MB)",
                             reply.get("trace", []))
        return CallError("error", f"{what} raised {reply.get('type')}: {reply.get('message')}",
                         reply.get("trace", []))

    def _receive(self, what: str) -> dict:
        try:
            (n,) = struct.unpack(">Q", self._read(8, what))
            if n > child.MAX_FRAME:
                self.close()
                raise CallError("error", f"{what} returned more than {child.MAX_FRAME >> 20} MB")
            reply = decode(self._read(n, what))
        except CallError as err:
            self.dead = err
            raise
        except (ValueError, KeyError, struct.error, UnicodeDecodeError) as exc:
            self.dead = CallError("error", f"{what}: the submission wrote garbage on the result channel ({exc})")
            self.close()
            raise self.dead from None
        return reply if isinstance(reply, dict) else {"status": "error", "message": "bad reply"}

    def _read(self, n: int, what: str) -> bytes:
        parts, left = [], n
        while left:
            began = time.monotonic()
            ready, _, _ = select.select([self.from_child], [], [], max(0.0, self.left))
            self.left -= time.monotonic() - began
            if not ready:
                self.close()
                raise CallError("timeout", f"{what} did not finish within the time limit of "
                                           f"{self.timeout:g} s (an endless loop?)")
            chunk = os.read(self.from_child, min(left, 1 << 20))
            if not chunk:
                raise self._died(what)
            parts.append(chunk)
            left -= len(chunk)
        return b"".join(parts)

    def _exit_status(self) -> int | None:
        """The child's exit status once it has ended on its own (EOF on its pipe), then killed
        with its group; a signal it died of shows as a negative status."""
        if self.proc is None:
            return None
        status = None
        for _ in range(50):  # up to 1 s for it to finish exiting; it may also just have closed the pipe
            try:
                info = os.waitid(os.P_PID, self.proc.pid, os.WEXITED | os.WNOWAIT | os.WNOHANG)  # not reaped
            except ChildProcessError:
                break
            if info is not None:
                status = info.si_status if info.si_code == os.CLD_EXITED else -info.si_status
                break
            time.sleep(0.02)
        code = self._kill()
        return status if status is not None else code

    def _died(self, what: str) -> CallError:
        code = self._exit_status()
        tail = ""
        if hasattr(self, "stderr"):
            self.stderr.seek(0)
            lines = [ln for ln in self.stderr.read().decode("utf-8", "replace").splitlines() if ln.strip()]
            tail = lines[-1][:200] if lines else ""
        if code is not None and code < 0:
            sig = signal.Signals(-code).name
            why = {"SIGXCPU": "stopped by the CPU-time limit", "SIGSEGV": "stopped by a crash (SIGSEGV)",
                   "SIGKILL": "killed (the memory limit, or it closed its result channel)"}.get(sig, f"stopped by {sig}")
            reason = f"the submission's process was {why} during {what}"
        else:
            reason = f"the submission's process ended (exit code {code}) during {what}: it must not exit"
        err = CallError("died", reason + (f" [{tail}]" if tail else ""))
        self.dead = err
        self.close()
        return err
