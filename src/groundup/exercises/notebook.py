"""Exercises written in notebooks: the source of a ``.ipynb`` file, of the functions a running
notebook defines, and of a ``.py`` file in any declared encoding.

``notebook_source(path)`` reads a notebook with nbformat and joins its code cells in order,
leaving out what is not the exercise's Python: IPython magics (``%``, ``%%`` cells), shell
lines (``!``) and the statements that use groundup itself (``import groundup``,
``groundup.check(...)``: the checker, not the learner's work), and says which cell each of
its lines came from (``In [n]``), for the tracebacks. ``namespace_source`` does the
same for a live notebook: the cells IPython has run (its history ``In``) give the definitions
of the exercise's functions, of the helpers and constants they use, and the imports; outside
IPython the functions' own source (``inspect.getsource``) does. ``read_source`` is what
``checking.run_checks`` reads a submission with; ``NotebookCheck`` is what ``groundup.check``
(in ``groundup.api``) returns.

Every message made here is English, as the checking code writes its messages; the report
says it again in the reader's language when it is shown (``i18n.relay``).
"""

from __future__ import annotations

import ast
import html
import inspect
import io
import tokenize
import types
from pathlib import Path

from groundup.i18n import name as say_name, relay, t

MAGIC = ("%", "!")


# --------------------------------------------------------------------------- reading files

def _is_groundup(stmt: ast.stmt, tainted: set[str] | None = None) -> bool:
    """A statement that imports or uses groundup (the checker, not the exercise), or a name
    in ``tainted`` (what such statements bound: ``result = groundup.check(...)``, ``result``);
    the names it binds join ``tainted``."""
    tainted = set() if tainted is None else tainted
    uses = False
    for node in ast.walk(stmt):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "groundup" for a in node.names):
            uses = True
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "groundup":
            uses = True
        elif isinstance(node, ast.Name) and (node.id == "groundup" or node.id in tainted):
            uses = True
    if uses and not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        tainted.update(n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
        tainted.update((a.asname or a.name).split(".")[0] for n in ast.walk(stmt)
                       if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names)
    return uses


def cell_python(cell: str, tainted: set[str] | None = None) -> tuple[list[tuple[int, str]], list[str]]:
    """A code cell as numbered Python lines, and the lines left out (magics, shell lines,
    statements that use groundup or what it returned: ``tainted``, carried from cell to
    cell). A cell that does not parse is kept whole: the syntax error is the learner's to see."""
    lines = cell.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        return [], [ln for ln in lines if ln.strip()]
    kept = [(i, ln) for i, ln in enumerate(lines) if not ln.lstrip().startswith(MAGIC)]
    skipped = [ln for ln in lines if ln.lstrip().startswith(MAGIC)]
    text = "\n".join(ln for _, ln in kept)
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return kept, skipped
    drop: set[int] = set()
    for stmt in tree.body:
        if _is_groundup(stmt, tainted):
            drop.update(range(stmt.lineno - 1, (stmt.end_lineno or stmt.lineno)))
    skipped += [ln for j, (_, ln) in enumerate(kept) if j in drop]
    return [pair for j, pair in enumerate(kept) if j not in drop], skipped


Origin = tuple[tuple[str, int], ...]  # per line of a piece of source: (the cell it was written in, its line there)


def _cell(number: int) -> str:
    """A cell as Jupyter labels one that ran."""
    return f"In [{number}]"


def _joined(pieces: list[tuple[str, Origin | None]], sep: str,
            head: str = "") -> tuple[str, dict[int, tuple[str, int]]]:
    """``head``, then the pieces joined by ``sep``, as one source ending in a newline; and line
    -> (cell, line there) for the lines of the pieces whose origin is known."""
    text, origin, line = head, {}, head.count("\n") + 1
    for i, (piece, where) in enumerate(pieces):
        if i:
            text, line = text + sep, line + sep.count("\n")
        origin.update({line + j: w for j, w in enumerate(where or ())})
        text, line = text + piece, line + piece.count("\n")
    return text + "\n", origin


def notebook_source(path: str | Path) -> tuple[str, list[str], dict[int, tuple[str, int]]]:
    """The notebook's code cells in order as one Python source, the lines left out (IPython
    magics, ``!`` shell lines, groundup's own calls), and where the source's lines were written:
    line -> (``In [n]``, line in that cell) for the cells that ran (a cell never run has no
    number to name it by). Raises ValueError with one line if nbformat cannot read the file."""
    import nbformat

    path = Path(path)
    try:
        book = nbformat.read(path, as_version=4)
    except Exception as err:  # noqa: BLE001 - nbformat raises many kinds for a broken file
        raise ValueError(t("msg.not_notebook", "en", file=path.name,
                           error=f"{type(err).__name__}: {err}".splitlines()[0][:200])) from None
    parts, skipped, tainted = [], [], set()
    for cell in book.cells:
        if cell.cell_type != "code":
            continue
        kept, left = cell_python(cell.source, tainted)
        skipped += left
        if kept:
            count = cell.get("execution_count")
            parts.append(("\n".join(ln for _, ln in kept), count and tuple((_cell(count), i + 1) for i, _ in kept)))
    source, origin = _joined(parts, "\n\n")
    return source, skipped, origin


def decode_python(data: bytes, file_name: str) -> str:
    """A ``.py`` file's text in the encoding it declares (PEP 263: ``# -*- coding: gbk -*-``),
    else UTF-8; ValueError with one line saying what is wrong with the encoding."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding).removeprefix("\ufeff")
    except (SyntaxError, LookupError, UnicodeDecodeError) as err:
        reason = getattr(err, "msg", None) or str(err)
        raise ValueError(t("msg.encoding", "en", file=file_name, error=reason.splitlines()[0][:160])) from None


def read_source(path: Path, source: str | None = None) -> tuple[str | None, str, str | None, dict]:
    """(source, note, problem, origin) of a submission: a notebook's code cells, a ``.py`` file
    in its declared encoding, or ``source`` itself when given. ``note`` says what was left out
    (empty if nothing); ``problem`` is the one line saying why it cannot be read, or None;
    ``origin`` names a notebook's cell for its lines (``notebook_source``)."""
    skipped: list[str] = []
    origin: dict = {}
    try:
        if source is None and path.suffix == ".ipynb":
            source, skipped, origin = notebook_source(path)
        elif source is None:
            source = decode_python(path.read_bytes(), path.name)
    except ValueError as err:
        return None, "", str(err), {}
    except OSError as err:
        return None, "", t("msg.cannot_read", "en", file=path.name, error=err.strerror or err), {}
    return source, skipped_note(skipped), None, origin


class private_copy:
    """``source`` written as ``<stem>.py`` (UTF-8) in a private temporary folder, so the child
    runs exactly the text that was checked, whatever file it came from; ``cleanup`` removes it."""

    def __init__(self, source: str, path: Path):
        import tempfile

        self.folder = tempfile.TemporaryDirectory(prefix="groundup-source-")
        self.path = Path(self.folder.name) / (Path(path).stem + ".py")
        self.path.write_text(source, encoding="utf-8")

    def cleanup(self) -> None:
        self.folder.cleanup()


def skipped_note(skipped: list[str]) -> str:
    if not skipped:
        return ""
    shown = "; ".join(ln.strip() for ln in skipped[:3]) + ("; ..." if len(skipped) > 3 else "")
    return t("msg.skipped", "en", n=len(skipped), lines=shown)


# ------------------------------------------------------------------------- a live notebook

def _definitions(cells: list[str]) -> tuple[list[str], dict[str, tuple[int, str, Origin]]]:
    """From cells run in order (``In``: cell k is ``In [k]``): the ``import *`` lines
    (groundup's left out) and, per name, the last top-level statement that binds it (an import,
    def, class or assignment) as (order, source, where each of its lines was written): only what
    the exercise's functions use goes to the check (an ``import torch`` in another cell does not
    fail a NumPy exercise)."""
    imports: list[str] = []
    defs: dict[str, tuple[int, str, Origin]] = {}
    order, tainted = 0, set()
    for k, cell in enumerate(cells):
        kept, _ = cell_python(cell, tainted)
        lines = [ln for _, ln in kept]
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError:
            continue
        for stmt in tree.body:
            order += 1
            if _is_groundup(stmt, tainted):
                continue
            span = slice(min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", []))]) - 1,
                         stmt.end_lineno)
            segment = "\n".join(lines[span])
            where = tuple((_cell(k), i + 1) for i, _ in kept[span])
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                for alias in stmt.names:
                    if alias.name == "*":
                        imports += [segment] if segment not in imports else []
                    else:
                        defs[(alias.asname or alias.name).split(".")[0]] = (order, segment, where)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                defs[stmt.name] = (order, segment, where)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    for node in ast.walk(target):
                        if isinstance(node, ast.Name):
                            defs[node.id] = (order, segment, where)
    return imports, defs


def _used_names(source: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def _closure(wanted: list[str], defs: dict[str, tuple[int, str, Origin]]) -> list[tuple[str, Origin]]:
    """The definitions of ``wanted`` and of every notebook name they use, in notebook order,
    each with where its lines were written."""
    seen: set[str] = set()
    todo = [n for n in wanted if n in defs]
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        todo += [m for m in _used_names(defs[n][1]) if m in defs and m not in seen]
    segments = sorted({defs[n] for n in seen})
    return [(seg, where) for _, seg, where in segments]


def _object_source(name: str, obj) -> str | None:
    """The source of a function or class defined outside IPython's history (a script, a REPL
    with files), or a constant written as Python; None if it has none."""
    if isinstance(obj, (types.FunctionType, type)):
        try:
            return inspect.getsource(obj)
        except (OSError, TypeError):
            return None
    if isinstance(obj, (int, float, str, bool, tuple, type(None))):
        text = repr(obj)
        try:
            if ast.literal_eval(text) == obj:
                return f"{name} = {text}"
        except (ValueError, SyntaxError):
            return None
    return None


def _import_line(key: str, value) -> str | None:
    """The import that binds ``key`` to ``value`` (a module, or a function of a module), or None."""
    if isinstance(value, types.ModuleType):
        module = value.__name__
        if module.split(".")[0] == "groundup":
            return None
        return f"import {module}" if key == module.split(".")[0] and "." not in module else f"import {module} as {key}"
    module = getattr(value, "__module__", None)
    if callable(value) and module and module not in ("__main__", "builtins") \
            and not module.startswith("groundup") and hasattr(value, "__name__"):
        return f"from {module} import {value.__name__}" + ("" if value.__name__ == key else f" as {key}")
    return None


class SourceUnreadable(ValueError):
    """Functions the notebook defines whose source cannot be read (made by ``exec``, or in a
    compiled module): checking them without it would call them "not defined"."""

    def __init__(self, names: list[str]):
        super().__init__(", ".join(names))
        self.names = names


def _from_objects(functions: tuple[str, ...], namespace: dict) -> str:
    """Outside IPython: the functions' own source (``inspect.getsource``), and that of every
    helper, class and constant they use, each looked up where the function was defined."""
    import builtins

    unreadable = [f for f in functions if isinstance(namespace.get(f), (types.FunctionType, type))
                  and _object_source(f, namespace[f]) is None]
    if unreadable:
        raise SourceUnreadable(unreadable)

    defs: dict[str, tuple[tuple, str]] = {}
    imports: list[str] = []
    todo = [(f, namespace[f], namespace) for f in functions if f in namespace]
    while todo:
        key, obj, scope = todo.pop()
        if key in defs or key in vars(builtins):
            continue
        text = _object_source(key, obj)
        if text is None:
            if (line := _import_line(key, obj)) and line not in imports:
                imports.append(line)
            continue
        try:
            where = (0, inspect.getsourcefile(obj) or "", inspect.getsourcelines(obj)[1])
        except (OSError, TypeError):
            where = (-1, "", 0)  # constants first
        defs[key] = (where, inspect.cleandoc(text) if text[:1] in " \t" else text)
        names = getattr(obj, "__globals__", None) or vars(inspect.getmodule(obj) or types.ModuleType("_")) or scope
        todo += [(n, names[n], names) for n in _used_names(text) if n in names and n not in defs]
    body = [text for _, text in sorted(defs.values())]
    return "\n".join(imports) + "\n\n\n" + "\n\n\n".join(body) + "\n"


def namespace_source(functions: tuple[str, ...], namespace: dict) -> tuple[str, dict[int, tuple[str, int]]]:
    """Python source defining ``functions`` as the notebook (``namespace``) defines them, with
    the imports, helpers and constants they need, and where its lines were written (line ->
    (``In [k]``, line in that cell), for the tracebacks). In IPython the definitions come from
    the cells it has run (``In``), the last definition of each name winning as it does in the
    kernel; elsewhere from ``inspect.getsource`` and the functions' own modules (no origin:
    their tracebacks name the file)."""
    cells = namespace.get("In")
    if isinstance(cells, list) and all(isinstance(c, str) for c in cells):
        imports, defs = _definitions(cells)
        present = [f for f in functions if f in namespace]
        if all(f in defs for f in present):
            return _joined(_closure(present, defs), "\n\n\n", head="\n".join(imports) + "\n\n\n")
    return _from_objects(functions, namespace), {}


# --------------------------------------------------------------------------- the result

class NotebookCheck:
    """What ``groundup.check`` returns: ``passed``, ``score``, ``checks`` (name, passed,
    message, hint each) and the full ``report``. Shown as HTML in Jupyter (``_repr_html_``),
    as the text ``groundup check`` prints elsewhere; both in the language of the call."""

    def __init__(self, report, lang: str):
        self.report, self.lang = report, lang
        self.passed, self.score, self.checks = report.passed, report.score, report.checks

    def text(self) -> str:
        from groundup.i18n import language

        with language(self.lang):
            return self.report.text()

    def __repr__(self) -> str:
        return self.text()

    __str__ = __repr__

    def _repr_html_(self) -> str:
        from groundup.i18n import language

        esc = html.escape
        with language(self.lang):
            rows = []
            for c in self.checks:
                mark = ('<span style="color:#1a7f37">✓</span>' if c.passed
                        else '<span style="color:#cf222e">✗</span>')
                detail = "<br>".join(esc(relay(part.strip())) for part in c.message.splitlines() if part.strip())
                if not c.passed and c.hint:
                    detail += (f'<div style="margin-top:.3em;padding:.3em .5em;background:#fff8c5">'
                               f'{esc(t("check.hint", hint=c.hint_text()))}</div>')
                rows.append(f'<tr><td style="text-align:center;font-size:1.2em">{mark}</td>'
                            f'<td style="text-align:left"><b>{esc(say_name(c.name))}</b></td>'
                            f'<td style="text-align:left">{detail}</td></tr>')
            r = self.report
            summary = r.summary()
            head = t("check.header", exercise=r.exercise, file=r.file)
        return (f'<div class="groundup-check"><p><b>{esc(head)}</b></p>'
                f'<table>{"".join(rows)}</table><p><b>{esc(summary)}</b></p></div>')
