"""The process a learner's file runs in, and the value-only wire format both sides speak.

The parent starts ``python -I -S -c <this file's source> RFD WFD FILE CONFIG`` (no site, no
PYTHONPATH: only the folders the parent puts on ``sys.path`` are importable) with resource
limits, in the submission's private folder, inside bubblewrap where it works. This module
imports only the standard library and NumPy. It installs an audit hook (``Guard``), loads the
learner's file, then answers call requests: ``{"target": name, "args": [...]}`` -> the
function's return value, or the exception as text. Every message is a frame of JSON plus raw
``.npy`` blobs read back with ``allow_pickle=False``: nothing the child sends can make the
parent run code, and nothing it sends is a verdict, only values (the parent compares them with
its own reference). Each reply also carries the new integrity flags the guard recorded.
"""

from __future__ import annotations

import io
import json
import os
import struct
import sys

import numpy as np

MAX_FRAME = 1 << 30  # a reply larger than 1 GiB is refused by the parent
MAX_ITEMS = 100_000  # longest list or iterator materialised from a return value


# ------------------------------------------------------------------------------ wire format

def encode(obj) -> bytes:
    """obj (None, bool, int, float, str, list, tuple, dict with str keys, ndarray) -> bytes."""
    blobs: list[bytes] = []

    def walk(v, depth=0):
        if depth > 20:
            return {"__unsupported__": "nesting deeper than 20"}
        if v is None or isinstance(v, (bool, str)):
            return v
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return {"__float__": repr(float(v))} if isinstance(v, float) and not np.isfinite(v) else v
        if isinstance(v, np.generic) and v.dtype.kind in "biuf":
            return {"__scalar__": walk(v.item(), depth + 1), "dtype": str(v.dtype)}
        if isinstance(v, np.ndarray):
            if v.dtype.kind not in "biuf":
                return {"__unsupported__": f"an array of dtype {v.dtype}"}
            buf = io.BytesIO()
            np.save(buf, np.ascontiguousarray(v), allow_pickle=False)
            blobs.append(buf.getvalue())
            return {"__array__": len(blobs) - 1}
        if isinstance(v, (list, tuple)):
            return {"__tuple__" if isinstance(v, tuple) else "__list__":
                    [walk(x, depth + 1) for x in v[:MAX_ITEMS]]}
        if isinstance(v, dict) and all(isinstance(k, str) for k in v):
            return {"__dict__": {k: walk(x, depth + 1) for k, x in v.items()}}
        return {"__unsupported__": type(v).__module__ + "." + type(v).__qualname__}

    head = json.dumps(walk(obj), allow_nan=False).encode()
    sizes = [len(b) for b in blobs]
    meta = json.dumps({"blobs": sizes}).encode()
    return b"".join([struct.pack(">II", len(meta), len(head)), meta, head, *blobs])


class Unsupported:
    """A value the wire cannot carry (a torch tensor, a generator, an object): its type name."""

    def __init__(self, what: str):
        self.what = what

    def __repr__(self) -> str:
        return f"<{self.what}>"


def decode(data: bytes):
    """bytes from ``encode`` -> the value; arrays via np.load(allow_pickle=False)."""
    meta_len, head_len = struct.unpack(">II", data[:8])
    meta = json.loads(data[8:8 + meta_len])
    head = json.loads(data[8 + meta_len:8 + meta_len + head_len])
    arrays, pos = [], 8 + meta_len + head_len
    for size in meta["blobs"]:
        arrays.append(np.load(io.BytesIO(data[pos:pos + size]), allow_pickle=False))
        pos += size

    def walk(v):
        if isinstance(v, dict):
            if "__array__" in v:
                return arrays[v["__array__"]]
            if "__float__" in v:
                return float(v["__float__"])
            if "__scalar__" in v:
                dtype = np.dtype(str(v["dtype"]))
                if dtype.kind not in "biuf":
                    return Unsupported(f"a scalar of dtype {dtype}")
                return dtype.type(walk(v["__scalar__"]))
            if "__list__" in v:
                return [walk(x) for x in v["__list__"]]
            if "__tuple__" in v:
                return tuple(walk(x) for x in v["__tuple__"])
            if "__dict__" in v:
                return {k: walk(x) for k, x in v["__dict__"].items()}
            return Unsupported(str(v.get("__unsupported__", "unknown")))
        return v

    return walk(head)


def write_frame(fd: int, payload: bytes) -> None:
    data = struct.pack(">Q", len(payload)) + payload
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def read_exact(fd: int, n: int) -> bytes:
    parts, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def read_frame(fd: int) -> bytes:
    (n,) = struct.unpack(">Q", read_exact(fd, 8))
    return read_exact(fd, n)


# ------------------------------------------------------------------------------ the child side

def learner_trace(tb, path: str) -> list[list]:
    """The frames inside the learner's own file (groundup's left out), the last four, each as
    [file name, line, function, code]: the parent words them (and a notebook's lines are
    named by their cell there)."""
    import traceback

    name = os.path.basename(path)
    return [[name, f.lineno, f.name, (f.line or "").strip()]
            for f in traceback.extract_tb(tb) if f.filename == path][-4:]


def error_reply(exc: BaseException, path: str) -> dict:
    """The reply of a failure: its ``status`` (the sandbox's CallError.kind) and its type name as data."""
    if isinstance(exc, Refused):
        status = "refused"
    elif isinstance(exc, NotImplementedError):
        status = "todo"
    elif isinstance(exc, SystemExit):
        status = "exit"
    elif isinstance(exc, MemoryError):
        status = "memory"
    else:
        status = "error"
    message = str(exc) if not isinstance(exc, SystemExit) else f"sys.exit({exc.code!r})"
    return {"status": status, "type": "ImportError" if status == "refused" else type(exc).__name__,
            "message": message[:300],
            "trace": learner_trace(exc.__traceback__, path)}


class Refused(ImportError):
    """The import of a forbidden package (shown as the ImportError it is)."""


class Forbidden:
    """A meta-path finder that refuses to import the named top-level packages."""

    def __init__(self, names: list[str]):
        self.names = set(names)

    def find_spec(self, fullname, path=None, target=None):
        top = fullname.split(".")[0]
        if top in self.names:
            raise Refused(f"{fullname} may not be imported: " + (
                "groundup's reference solution may not be used in an exercise" if top == "groundup"
                else "this exercise is done by hand, with NumPy only"))
        return None


def materialise(value):
    """Iterators (a generator of batches) become lists, so they can be sent back."""
    if hasattr(value, "__next__") and not isinstance(value, (str, bytes, dict, list, tuple)):
        out = []
        for item in value:
            out.append(item)
            if len(out) >= MAX_ITEMS:
                break
        return out
    return value


def set_limits(memory_mb: int, cpu_seconds: int, file_mb: int) -> None:
    import resource
    import signal

    mb = 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * mb, memory_mb * mb))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_mb * mb, file_mb * mb))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large write raises OSError instead


def die_with_parent() -> None:
    """Linux: SIGKILL this process when the process that started it ends (its grader)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


# What a solution never needs. Each is recorded as a flag; with ``block`` (no sandbox around
# the process) it is also refused with PermissionError.
PROCESS_EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.spawn", "os.posix_spawn", "os.fork",
                  "os.forkpty", "pty.spawn")
NETWORK_EVENTS = ("socket.__new__", "socket.connect", "socket.bind", "socket.getaddrinfo",
                  "socket.gethostbyname", "socket.sendto")
WRITE_EVENTS = ("os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.link",
                "os.symlink", "os.truncate", "os.utime", "os.chflags", "os.setxattr", "os.removexattr",
                "shutil.rmtree", "shutil.chown")
LIST_EVENTS = ("os.listdir", "os.scandir", "glob.glob")
INTROSPECTION_EVENTS = ("gc.get_objects", "gc.get_referrers", "gc.get_referents")
READ_ALWAYS = ("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random", "/etc/localtime",
               "/usr/share/zoneinfo", "/sys/devices/system/cpu", "/proc/cpuinfo", "/proc/meminfo")


class Guard:
    """The audit hook (``sys.addaudithook``: it sees open, subprocess, socket, kill, ctypes, and
    cannot be removed). ``config``: folder and tmp (writable), read (readable roots), deny
    (never readable, even under a readable root), block (refuse as well as record)."""

    def __init__(self, config: dict, forbidden: list[str]):
        real = os.path.realpath
        self.write = tuple(real(p) for p in (config["folder"], config["tmp"])) + ("/dev/null",)
        self.read = self.write + tuple(real(p) for p in config["read"]) + READ_ALWAYS
        self.deny = tuple(real(p) for p in config["deny"])
        self.trusted = tuple(real(p) for p in config.get("trusted", ()))  # installed packages
        self.stdlib = real(os.path.dirname(os.__file__))
        self.block, self.forbidden, self.pid = bool(config["block"]), set(forbidden), os.getpid()
        self.flags: list[str] = []
        self.sent = 0
        self.busy = False

    @staticmethod
    def under(path: str, roots: tuple) -> bool:
        return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)

    def flag(self, what: str) -> None:
        if what not in self.flags and len(self.flags) < 20:
            self.flags.append(what)
        if self.block:
            raise PermissionError(f"not allowed while being checked: {what}")

    def new_flags(self) -> list[str]:
        new, self.sent = self.flags[self.sent:], len(self.flags)
        return new

    def path_ok(self, path, write: bool) -> str | None:
        """None if the path may be used, else the flag to record."""
        if isinstance(path, int) or path is None:
            return None
        path = os.path.realpath(os.fsdecode(path))
        if path.startswith("/proc/"):
            part = path.split("/")[2]
            if part.isdigit() and int(part) != self.pid:
                return f"read /proc/{part} (another process)"
            if part in ("self", "thread-self") or part == str(self.pid):
                return None if not write else f"wrote {path}"
        if self.under(path, self.deny):
            return f"opened {path} (groundup's own files)"
        if self.under(path, self.write if write else self.read):
            return None
        return f"{'wrote' if write else 'opened'} {path} (outside its folder)"

    def __call__(self, event: str, args: tuple) -> None:
        if self.busy:  # realpath's own calls
            return
        self.busy = True
        try:
            what = self.what(event, args)
        finally:
            self.busy = False
        if what:
            self.flag(what)

    def what(self, event: str, args: tuple) -> str | None:
        if event == "open":
            mode, flags = args[1], args[2] if len(args) > 2 else 0
            write = (isinstance(mode, str) and any(c in mode for c in "wax+")) or bool(
                (flags or 0) & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND))
            return self.path_ok(args[0], write)
        if event in WRITE_EVENTS:
            paths = args[:2] if event in ("os.rename", "os.link") else args[:1]
            return next((w for w in (self.path_ok(p, True) for p in paths) if w), None)
        if event in LIST_EVENTS:
            return self.path_ok(args[0] if args and args[0] is not None else ".", False)
        if event.startswith(PROCESS_EVENTS):
            return "started a process"
        if event in NETWORK_EVENTS:
            return "used the network"
        if event in ("os.kill", "os.killpg"):
            pid = args[0]
            if (event == "os.kill" and pid in (self.pid, 0)) or (event == "os.killpg" and pid == os.getpgid(0)):
                return None
            return f"sent a signal to process {pid}"
        if event.startswith("ctypes.") and not self.from_trusted():
            return "used ctypes (raw memory and C calls)"
        if event in INTROSPECTION_EVENTS:
            return "inspected the interpreter's objects (gc)"
        if event == "import" and args[0].split(".")[0] in self.forbidden \
                and not any(isinstance(f, Forbidden) for f in (args[3] or ())):
            return f"removed the import blocker from sys.meta_path to import {args[0]}"
        return None

    def from_trusted(self) -> bool:
        """Whether the code that caused the event (past the standard library) is an installed
        package's, such as torch loading its libraries with ctypes, not the submission's."""
        frame = sys._getframe(2)
        while frame is not None:
            name = frame.f_code.co_filename
            if not (name.startswith("<") or self.under(name, (self.stdlib,))):
                return self.under(os.path.realpath(name), self.trusted)
            frame = frame.f_back
        return False

    def check_meta_path(self, blocker: "Forbidden") -> None:
        """The import blocker must still be first on sys.meta_path; put it back if not."""
        if not sys.meta_path or sys.meta_path[0] is not blocker:
            if blocker in sys.meta_path:
                sys.meta_path.remove(blocker)
            sys.meta_path.insert(0, blocker)
            what = "edited sys.meta_path (the import blocker)"
            if what not in self.flags:
                self.flags.append(what)


def main(argv: list[str]) -> None:
    rfd, wfd, path, config = int(argv[0]), int(argv[1]), argv[2], json.loads(argv[3])
    forbidden = config["forbidden"]
    set_limits(config["memory_mb"], config["cpu_seconds"], config["file_mb"])
    if config["block"]:
        die_with_parent()
    blocker = Forbidden(forbidden)
    sys.meta_path.insert(0, blocker)
    for name in list(sys.modules):  # nothing forbidden is importable from the cache either
        if name.split(".")[0] in forbidden:
            del sys.modules[name]
    guard = Guard(config, forbidden)
    sys.addaudithook(guard)
    sys.path.insert(0, config["folder"])  # its helper modules import as when run as a script

    def send(obj):
        guard.check_meta_path(blocker)
        obj["flags"] = guard.new_flags()
        write_frame(wfd, encode(obj))

    namespace = {"__name__": "submission", "__file__": path, "__builtins__": __builtins__}
    try:
        with open(path, encoding="utf-8") as f:
            code = compile(f.read(), path, "exec")
        exec(code, namespace)
    except BaseException as exc:  # noqa: BLE001 - everything the import does is the learner's
        send(error_reply(exc, path))
        return
    objects: list = []  # values that cannot cross (a Dataset instance): kept here, named by index
    send({"status": "ok", "names": sorted(k for k in namespace if not k.startswith("_"))})
    while True:
        try:
            request = decode(read_frame(rfd))
        except EOFError:
            return
        try:
            target = request["target"]
            fn = namespace[target] if isinstance(target, str) else getattr(objects[target[0]], target[1])
            calls = request["args"] if request.get("many") else [request["args"]]
            calls = [[objects[a["__object__"]] if isinstance(a, dict) and "__object__" in a else a
                      for a in args] for args in calls]  # a kept object passed back in
            if request.get("strict"):  # overflow and 0/0 raise FloatingPointError
                with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
                    results = [materialise(fn(*args)) for args in calls]
            else:
                results = [materialise(fn(*args)) for args in calls]
            value = results if request.get("many") else results[0]
            if request.get("keep"):
                objects.append(value)
                value = {"__object__": len(objects) - 1, "type": type(value).__name__}
            reply = {"status": "ok", "value": value}
        except BaseException as exc:  # noqa: BLE001
            reply = error_reply(exc, path)
        try:
            send(reply)
        except Exception as exc:  # noqa: BLE001 - e.g. a value too large for the file limits
            send({"status": "error", "type": type(exc).__name__, "message": str(exc)[:300], "trace": []})


if __name__ == "__main__":
    main(sys.argv[1:])
