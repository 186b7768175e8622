"""The process a learner's file runs in, and the value-only wire format both sides speak.

The parent starts ``python -I -c <this file's source> ...`` (no PYTHONPATH, no user site, so
``groundup`` is not importable unless installed) with resource limits, in a temporary folder.
This module imports only the standard library and NumPy. It loads the learner's file, then
answers call requests: ``{"target": name, "args": [...]}`` -> the function's return value, or
the exception as text. Every message is a frame of JSON plus raw ``.npy`` blobs read back with
``allow_pickle=False``: nothing the child sends can make the parent run code, and nothing it
sends is a verdict, only values (the parent compares them with its own reference).
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

def learner_trace(tb, path: str) -> list[str]:
    """The traceback lines inside the learner's own file (groundup's frames left out)."""
    import traceback

    name = os.path.basename(path)
    return [f"{name}, line {f.lineno}, in {f.name}: {(f.line or '').strip()}"
            for f in traceback.extract_tb(tb) if f.filename == path][-4:]


def error_reply(exc: BaseException, path: str) -> dict:
    if isinstance(exc, NotImplementedError):
        status = "todo"
    elif isinstance(exc, SystemExit):
        status = "exit"
    elif isinstance(exc, MemoryError):
        status = "memory"
    else:
        status = "error"
    message = str(exc) if not isinstance(exc, SystemExit) else f"sys.exit({exc.code!r})"
    return {"status": status, "type": type(exc).__name__, "message": message[:300],
            "trace": learner_trace(exc.__traceback__, path)}


class Forbidden:
    """A meta-path finder that refuses to import the named top-level packages."""

    def __init__(self, names: list[str]):
        self.names = set(names)

    def find_spec(self, fullname, path=None, target=None):
        top = fullname.split(".")[0]
        if top in self.names:
            raise ImportError(f"{fullname} may not be imported: " + (
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


def main(argv: list[str]) -> None:
    rfd, wfd, path, forbidden = int(argv[0]), int(argv[1]), argv[2], [n for n in argv[3].split(",") if n]
    set_limits(int(argv[4]), int(argv[5]), int(argv[6]))
    sys.meta_path.insert(0, Forbidden(forbidden))
    for name in list(sys.modules):  # nothing forbidden is importable from the cache either
        if name.split(".")[0] in forbidden:
            del sys.modules[name]
    send = lambda obj: write_frame(wfd, encode(obj))  # noqa: E731
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
