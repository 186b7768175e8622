"""Run a learner's file in a child process and call its functions, receiving only values.

Each submission is first copied into a fresh private folder (its own file, and the helper
modules beside it when the submission is a folder), so that nothing it does can reach the
files it came from. The child (``child.py``) runs there with ``python -I -S``, a clean
environment, one BLAS thread, limits on address space, CPU time and file size, and an audit
hook that records (and, without a sandbox, refuses) what a solution never needs.

Two isolations (``Isolation.mode``):

* ``bwrap``: the child runs inside bubblewrap, in its own user, PID, network, IPC and mount
  namespaces: no network, a read-only view of the system and of the Python installation (the
  standard library and NumPy, torch where the exercise allows it; not the other installed
  packages, not groundup), a private ``/tmp`` and ``/proc``, only its private folder writable,
  no view of groundup's sources, the data sets, anyone's home or other submissions. Every
  process it starts ends with its PID namespace when the check ends.
* ``process``: a plain child process in its own process group. The audit hook refuses and
  flags reading outside its folder and the Python installation, writing outside its folder,
  starting processes, signalling others, the network and ctypes; a submission that works
  around the hook (it runs as the grader's user) could still read what that user can read.

A call may take ``call_limit`` seconds, the whole session ``timeout`` seconds of waiting for
the child (the reference computed here does not count). A call that runs out of time, or a
child that dies, fails that call only: the next call starts a new child from the same private
folder (at most ``MAX_RESTARTS`` times). Requests and replies travel on two private pipes; the
child's stdout and stderr go to a third, drained here and dropped beyond a few kilobytes, so
printing neither blocks nor fails the submission. Replies are decoded without pickle. Every
failure of the child comes back as a ``CallError`` with one line to show.
"""

from __future__ import annotations

import functools
import json
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from groundup.core.signals import deferred_signals
from groundup.exercises import child
from groundup.exercises.child import Unsupported, decode, encode

MEMORY_MB = 2048
FILE_MB = 16
CALL_SECONDS = 10.0  # the least time one call may take (a quarter of the session, if more)
MAX_RESTARTS = 10
COPY_MB = 64  # the most a folder submission's files may hold
OUTPUT_KEEP = 4096  # the last bytes of the child's output kept (for the message of a crash)
OUTPUT_NOTE = 1 << 20  # more output than this is mentioned in the report
INSIDE = "/submission"  # the private folder's path inside bubblewrap
INSIDE_SITE = "/sandbox/site"  # where NumPy (and torch) appear inside bubblewrap
CHILD_SOURCE = Path(child.__file__).read_text(encoding="utf-8")
MODES = ("bwrap", "process")


@dataclass
class CallError(Exception):
    """A call that returned no value. ``kind``: todo, error, refused (a forbidden import), exit,
    memory, timeout, died; ``exception``: the type name of what it raised (error, refused);
    ``not_run``: the call was not made, the box being dead (``Sandbox.dead`` says why)."""

    kind: str
    message: str
    trace: list[str] = field(default_factory=list)
    exception: str = ""
    not_run: bool = False

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Isolation:
    """How a submission is run. ``mode``: bwrap, process, or auto (bwrap where it works).
    ``beside``: what else of the file's folder belongs to the submission: "py" (the ``.py``
    files beside it: ``groundup check``), "all" (the whole folder: a folder submission), or
    "none" (a file among classmates' files)."""

    mode: str = "auto"
    beside: str = "py"


# ------------------------------------------------------------------------------ what to mount

def _installed_roots(name: str, seen: set[str] | None = None) -> dict[Path, set[str]]:
    """site folder -> the top-level entries of distribution ``name`` and of what it requires."""
    from importlib import metadata

    seen = set() if seen is None else seen
    key = re.sub(r"[-_.]+", "-", name).lower()
    if key in seen:
        return {}
    seen.add(key)
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return {}
    site = Path(dist.locate_file("")).resolve()
    roots: dict[Path, set[str]] = {site: set()}
    for f in dist.files or ():
        top = f.parts[0] if f.parts else ".."
        if top not in ("..", "__pycache__") and not top.endswith((".dist-info", ".pth")) \
                and (len(f.parts) > 1 or top.endswith((".py", ".so"))):  # a package or a one-file module
            roots[site].add(top)
    for req in dist.requires or ():
        if "extra ==" not in req:
            for s, tops in _installed_roots(re.match(r"[A-Za-z0-9._-]+", req).group(0), seen).items():
                roots.setdefault(s, set()).update(tops)
    return roots


@functools.cache
def package_roots(torch: bool) -> tuple[tuple[str, str], ...]:
    """(site folder, top-level entry) of NumPy, and of torch with its requirements when allowed."""
    import numpy

    roots = _installed_roots("numpy")
    if not roots or not any(roots.values()):
        site = Path(numpy.__file__).resolve().parents[1]
        roots = {site: {n for n in ("numpy", "numpy.libs") if (site / n).exists()}}
    if torch:
        for s, tops in _installed_roots("torch").items():
            roots.setdefault(s, set()).update(tops)
    return tuple(sorted((str(s), t) for s, tops in roots.items() for t in tops if (s / t).exists()))


def _python() -> Path:
    """The real interpreter (a venv's python is a link to it)."""
    return Path(getattr(sys, "_base_executable", None) or sys.executable).resolve()


def _site_folders() -> list[str]:
    import site

    found = {*site.getsitepackages(), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    found |= {s for s, _ in package_roots(False)}  # where NumPy is (torch's metadata is slow to read)
    return sorted(str(Path(p).resolve()) for p in found if Path(p).is_dir())


def _groundup_files() -> list[str]:
    """groundup's sources and every installed trace of it (.pth, dist-info, editable finder)."""
    paths = [str(Path(__file__).resolve().parents[1])]  # the groundup package
    for site in _site_folders():
        paths += [os.path.join(site, n) for n in os.listdir(site)  # metadata stays readable (torch scans it)
                  if "groundup" in n.lower() and not n.endswith(".dist-info")]
    return paths


def bwrap_command(folder: Path, tmp: Path, torch: bool) -> list[str]:
    """bubblewrap's arguments: the system and the Python installation read-only, the site
    folders hidden, NumPy (and torch) at INSIDE_SITE, ``folder`` writable at INSIDE."""
    args = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
            "--proc", "/proc", "--dev", "/dev"]
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for name in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime"):
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    base = Path(sys.base_prefix).resolve()
    if not str(base).startswith("/usr/"):
        args += ["--ro-bind", str(base), str(base)]
    if not _python().is_relative_to(base) and not str(_python()).startswith("/usr/"):
        args += ["--ro-bind", str(_python()), str(_python())]
    for site in _site_folders():  # nothing installed is visible but what is mounted below
        if site.startswith(("/usr/", str(base) + "/")):
            args += ["--tmpfs", site]
    for site, top in package_roots(torch):
        args += ["--ro-bind", os.path.join(site, top), f"{INSIDE_SITE}/{top}"]
    args += ["--bind", str(tmp), "/tmp", "--bind", str(folder), INSIDE, "--chdir", INSIDE]
    for key, value in child_env("/tmp").items():
        args += ["--setenv", key, value]
    return args


def child_env(tmp: str) -> dict[str, str]:
    from groundup.training.threads import BLAS_VARIABLES

    return {"PATH": "/usr/bin:/bin", "HOME": tmp, "TMPDIR": tmp, "LANG": "C.UTF-8", **dict.fromkeys(BLAS_VARIABLES, "1")}


@functools.cache
def bwrap_works() -> bool:
    """Whether bubblewrap runs here with NumPy inside (one probe per process)."""
    if shutil.which("bwrap") is None:
        return False
    with tempfile.TemporaryDirectory(prefix="groundup-probe-") as d:
        (Path(d) / "f").mkdir()
        (Path(d) / "t").mkdir()
        code = f"import sys; sys.path.insert(0, {INSIDE_SITE!r}); import numpy; numpy.ones(2).sum()"
        try:
            done = subprocess.run([*bwrap_command(Path(d) / "f", Path(d) / "t", False), str(_python()),
                                   "-I", "-S", "-c", code], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return False
    return done.returncode == 0


def resolve(mode: str) -> str:
    """auto -> bwrap where it works, else process; bwrap -> ConfigError where it does not."""
    from groundup.errors import ConfigError

    if mode not in ("auto", *MODES):
        raise ConfigError(f"isolation must be one of auto, bwrap, process; got {mode!r}")
    if mode == "process":
        return mode
    if bwrap_works():
        return "bwrap"
    if mode == "bwrap":
        raise ConfigError("--isolation bwrap: bubblewrap does not work here (install the 'bubblewrap' "
                          "package; it needs unprivileged user namespaces), or use --isolation process")
    return "process"


# --------------------------------------------------------------------------- the private copy

def private_copy(path: Path, dest: Path, beside: str, source: str | None = None) -> Path:
    """Copy the submission into ``dest`` (regular files only, never through a link); its file there.
    With ``source`` (the text that was read and checked: a notebook's code cells, a file decoded
    from its declared encoding), that text is written as ``<stem>.py`` in UTF-8 instead."""
    from groundup.errors import ConfigError

    if path.is_symlink() and beside != "py":
        raise ConfigError(f"{path.name} is a symbolic link: a submission must be the file itself")
    target = dest / (path.stem + ".py")
    if source is None:
        shutil.copyfile(path, target)
    else:
        target.write_text(source, encoding="utf-8")
    folder, budget = path.parent, COPY_MB << 20
    mine = (Path(path.name), Path(target.name))  # the submission's own names in its folder
    if beside == "py":
        extra = [p for p in folder.glob("*.py") if p.relative_to(folder) not in mine]
    elif beside == "all":
        extra = [p for p in sorted(folder.rglob("*")) if p.relative_to(folder) not in mine and not any(
            part.startswith(".") or part == "__pycache__" for part in p.relative_to(folder).parts)]
    else:
        extra = []
    for p in extra:
        if p.is_symlink() or not p.is_file():
            continue
        size = p.stat().st_size
        if size > budget:
            continue
        budget -= size
        beside_copy = dest / p.relative_to(folder)
        beside_copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, beside_copy)
    return target


# ---------------------------------------------------------------------------------- the box

class Sandbox:
    """One learner file in one child process (restarted after a lost call); ``call`` its
    functions until ``close``."""

    def __init__(self, path: Path, forbidden: list[str], timeout: float, memory_mb: int = MEMORY_MB,
                 isolation: Isolation | None = None, source: str | None = None,
                 origin: dict[int, tuple[str, int]] | None = None):
        self.path, self.forbidden, self.memory_mb = Path(path).absolute(), forbidden, memory_mb
        self.source = source  # the text to run (None: the file as it is)
        self.origin = origin or {}  # a line of source -> (where it was written, its line there)
        self.isolation = isolation or Isolation()
        self.timeout = timeout
        self.call_limit = min(timeout, max(CALL_SECONDS, timeout / 4))
        self.left = timeout  # seconds the submission may still take (only waiting for it counts)
        self.proc: subprocess.Popen | None = None
        self.dead: CallError | None = None  # set: nothing more is run
        self.names: list[str] = []
        self.flags: list[str] = []
        self.restarts = 0
        self.output_bytes = 0
        self.output_tail = b""
        self.mode = ""

    # ----------------------------------------------------------------------- life cycle
    def start(self) -> None:
        """Copy the submission, start the child and load the file; raises CallError if loading
        fails. Whatever happens (Ctrl-C included), nothing is left behind on the way out."""
        try:
            mode = self.isolation.mode  # resolved by the caller (one probe per process), or auto
            self.mode = mode if mode == "process" or (mode == "bwrap" and shutil.which("bwrap")) else resolve(mode)
            with deferred_signals():  # a SIGTERM now would leave the folder made and not yet known
                self.workdir = tempfile.TemporaryDirectory(prefix="groundup-check-", ignore_cleanup_errors=True)
            root = Path(self.workdir.name)
            (root / "submission").mkdir()
            (root / "tmp").mkdir()
            try:
                self.copy = private_copy(self.path, root / "submission", self.isolation.beside, self.source)
            except OSError as err:
                raise CallError("error", f"cannot copy {self.path.name}: {err.strerror or err}") from None
            except Exception as err:  # noqa: BLE001 - ConfigError: a link
                raise CallError("error", str(err)) from None
            self._launch()
            self.names = self._loaded("loading the file")
        except BaseException:
            self.close()
            raise

    def _launch(self) -> None:
        root = Path(self.workdir.name)
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()
        self.output, output_w = os.pipe()
        os.set_blocking(self.output, False)
        torch = "torch" not in self.forbidden
        if self.mode == "bwrap":
            folder, tmp, sites = INSIDE, "/tmp", [INSIDE_SITE]
            trusted = [f"{INSIDE_SITE}/{t}" for _, t in package_roots(torch)]
            read, prefix = [str(Path(sys.base_prefix).resolve()), INSIDE_SITE, "/usr", "/lib", "/lib64", "/etc"], \
                bwrap_command(root / "submission", root / "tmp", torch)
            deny, env = [], {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}  # bwrap's own: nothing to read
        else:
            folder, tmp = str(root / "submission"), str(root / "tmp")
            sites = sorted({s for s, _ in package_roots(torch)})
            read = [str(Path(sys.base_prefix).resolve()), *sites,
                    *(os.path.join(s, t) for s, t in package_roots(torch))]
            deny, prefix, env = _groundup_files(), [], child_env(tmp)
            trusted = [os.path.join(s, t) for s, t in package_roots(torch)]
        config = {"forbidden": self.forbidden, "memory_mb": self.memory_mb, "file_mb": FILE_MB,
                  "cpu_seconds": int(self.timeout) + 5, "folder": folder, "tmp": tmp, "read": read,
                  "deny": deny, "trusted": trusted, "block": self.mode == "process"}
        future = "from __future__ import annotations\n"  # must stay first: the path goes after it
        source = CHILD_SOURCE.replace(future, f"{future}import sys\nsys.path[:0] = {sites!r}\n", 1)
        inside_file = f"{folder}/{self.copy.name}"
        self.proc = subprocess.Popen(
            [*prefix, str(_python()), "-I", "-S", "-B", "-c", source, str(to_child_r), str(from_child_w),
             inside_file, json.dumps(config)],
            cwd=root / "submission", env=env, stdin=subprocess.DEVNULL, stdout=output_w, stderr=output_w,
            pass_fds=(to_child_r, from_child_w), start_new_session=True)
        for fd in (to_child_r, from_child_w, output_w):
            os.close(fd)

    def _loaded(self, what: str) -> list[str]:
        reply = self._receive(what, self.left)
        if reply.get("status") != "ok":
            raise self._error(reply, what)
        return reply.get("names", [])

    def _restart(self) -> None:
        """A new child for the next call, after the last one was lost (time, crash)."""
        if self.restarts >= MAX_RESTARTS:
            self.dead = CallError("died", f"the submission's process was lost {MAX_RESTARTS} times")
            raise CallError("died", f"not run: {self.dead.message}", not_run=True)
        self.restarts += 1
        try:
            self._launch()
            self._loaded("loading the file again")
        except CallError as err:
            self.dead = err
            raise CallError(err.kind, f"not run: {err.message}", not_run=True) from None

    def close(self) -> None:
        self._stop()
        if hasattr(self, "workdir"):
            with deferred_signals():  # removed whole, even when the worker is told to stop meanwhile
                self.workdir.cleanup()
                del self.workdir

    def _stop(self) -> None:
        """Kill the child with everything it started and close its pipes (the folder stays)."""
        self._kill()
        self._drain()
        for fd in ("to_child", "from_child", "output"):
            if hasattr(self, fd):
                try:
                    os.close(getattr(self, fd))
                except OSError:
                    pass
                delattr(self, fd)
        self.proc = None

    def _kill(self) -> int | None:
        """Kill the child's whole process group (under bubblewrap its PID namespace goes with
        it) and reap the child; its exit status. Only before the child is reaped: until then
        its pid, which names the group, cannot belong to anyone else."""
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

    # ----------------------------------------------------------------------------- output
    def _drain(self) -> None:
        """Read what the child printed so far: counted, the last few kilobytes kept."""
        if not hasattr(self, "output"):
            return
        while True:
            try:
                chunk = os.read(self.output, 1 << 16)
            except (BlockingIOError, OSError):
                return
            if not chunk:
                return
            self.output_bytes += len(chunk)
            self.output_tail = (self.output_tail + chunk)[-OUTPUT_KEEP:]

    def output_note(self) -> str:
        """One line if the submission printed a lot, else ''."""
        if self.output_bytes <= OUTPUT_NOTE:
            return ""
        return (f"the file printed {self.output_bytes / 1e6:.1f} MB to stdout and stderr "
                f"(dropped: printing does not change the checks)")

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
            raise CallError(self.dead.kind, f"not run: {self.dead.message}", not_run=True)
        if self.proc is None:
            self._restart()
        try:
            child.write_frame(self.to_child, encode(request))
        except (BrokenPipeError, OSError):
            raise self._died(what) from None
        reply = self._receive(what, min(self.call_limit, self.left))
        if reply.get("status") != "ok":
            raise self._error(reply, what)
        value = reply.get("value")
        if isinstance(value, Unsupported):
            raise CallError("error", f"{what} returned {value.what}, which is not a NumPy array or a number")
        return value

    def _trace(self, reply: dict) -> list[str]:
        """The child's frames worded as ``msg.trace`` (the check's English, relayed into the
        reader's language), each line named where the learner wrote it (``origin``: a notebook's
        cell); anything else the child sent, as text."""
        from groundup.i18n import t

        frames = reply.get("trace")
        lines = []
        for frame in frames[:4] if isinstance(frames, list) else []:
            if isinstance(frame, list) and len(frame) == 4 and isinstance(frame[1], int):
                where, line = self.origin.get(frame[1], (frame[0], frame[1]))
                lines.append(t("msg.trace", "en", where=where, line=line, function=frame[2], code=frame[3])[:300])
            else:
                lines.append(str(frame)[:300])
        return lines

    def _error(self, reply: dict, what: str) -> CallError:
        kind = reply.get("status", "error")
        if kind == "todo":
            return CallError("todo", f"not written yet: {what} raises NotImplementedError")
        if kind == "exit":
            return CallError("exit", f"{what} called {reply.get('message')}: the submission must not exit",
                             self._trace(reply))
        if kind == "memory":
            return CallError("memory", f"{what} ran out of memory (limit {self.memory_mb} MB)", self._trace(reply))
        return CallError("refused" if kind == "refused" else "error",
                         f"{what} raised {reply.get('type')}: {reply.get('message')}",
                         self._trace(reply), str(reply.get("type", "")))

    def _receive(self, what: str, limit: float) -> dict:
        try:
            (n,) = struct.unpack(">Q", self._read(8, what, limit))
            if n > child.MAX_FRAME:
                self.dead = CallError("error", f"{what} returned more than {child.MAX_FRAME >> 20} MB")
                self._stop()
                raise self.dead
            reply = decode(self._read(n, what, limit))
        except (ValueError, KeyError, struct.error, UnicodeDecodeError) as exc:
            self.dead = CallError("error", f"{what}: the submission wrote garbage on the result channel ({exc})")
            self._stop()
            raise self.dead from None
        if not isinstance(reply, dict):
            return {"status": "error", "message": "bad reply"}
        for flag in reply.get("flags") or ():
            if isinstance(flag, str) and flag not in self.flags and len(self.flags) < 20:
                self.flags.append(flag[:200])
        return reply

    def _read(self, n: int, what: str, limit: float) -> bytes:
        parts, left = [], n
        while left:
            began = time.monotonic()
            ready, _, _ = select.select([self.from_child, self.output], [], [], max(0.0, limit))
            spent = time.monotonic() - began
            self.left -= spent
            limit -= spent
            if self.output in ready:
                self._drain()
            if self.from_child not in ready:
                if limit > 0:
                    continue
                self._stop()
                if self.left <= 0:
                    self.dead = CallError("timeout", f"the submission's time limit of {self.timeout:g} s is used up")
                raise CallError("timeout", f"{what} did not finish within the time limit of "
                                           f"{min(self.call_limit, self.timeout):g} s (an endless loop?)")
            chunk = os.read(self.from_child, min(left, 1 << 20))
            if not chunk:
                raise self._died(what)
            parts.append(chunk)
            left -= len(chunk)
        return b"".join(parts)

    def _exit_status(self) -> int | None:
        """The child's exit status once it has ended on its own (EOF on its pipe), then killed
        with its group; a signal it died of shows as a negative status (bubblewrap reports
        one as 128 + the signal)."""
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
        code = status if status is not None else code
        if self.mode == "bwrap" and code is not None and 128 < code < 128 + signal.NSIG:
            code = 128 - code
        return code

    def _died(self, what: str) -> CallError:
        code = self._exit_status()
        self._drain()
        lines = [ln for ln in self.output_tail.decode("utf-8", "replace").splitlines() if ln.strip()]
        tail = lines[-1][:200] if lines else ""
        if code is not None and code < 0:
            try:
                sig = signal.Signals(-code).name
            except ValueError:
                sig = f"signal {-code}"
            why = {"SIGXCPU": "stopped by the CPU-time limit", "SIGSEGV": "stopped by a crash (SIGSEGV)",
                   "SIGKILL": "killed (the memory limit, or it closed its result channel)"}.get(sig, f"stopped by {sig}")
            reason = f"the submission's process was {why} during {what}"
        else:
            reason = f"the submission's process ended (exit code {code}) during {what}: it must not exit"
        err = CallError("died", reason + (f" [{tail}]" if tail else ""))
        self._stop()
        return err
