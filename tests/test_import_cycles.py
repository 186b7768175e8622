"""The package's imports run one way: every import of a groundup module, at the top of a file
or inside a function, through ``importlib.import_module`` / ``__import__``, or implied by a
package's ``__init__`` (importing ``a.b.c`` runs ``a/b/__init__.py``), is an edge; the graph has
no cycle, and no edge runs from a lower layer of ``LAYERS`` up to a higher one."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


# Bottom to top: a module may import its own layer and those below it, never one above.
LAYERS = [
    ("groundup.version", "groundup.errors", "groundup.core", "groundup.gradcheck", "groundup.learner"),
    ("groundup.data", "groundup.i18n"),
    ("groundup.numpy_impl", "groundup.scratch", "groundup.nn"),
    ("groundup.training", "groundup.store"),
    ("groundup.report",),
    ("groundup.experiments",),
    ("groundup.exercises",),
    ("groundup.app",),
    ("groundup", "groundup.api", "groundup.cli", "groundup.datasets", "groundup.__main__"),
]


def layer(module: str) -> int:
    """The index in ``LAYERS`` of the longest prefix naming ``module`` or a package holding it."""
    best, depth = None, -1
    for i, names in enumerate(LAYERS):
        for n in names:
            if (module == n or module.startswith(n + ".")) and n.count(".") > depth:
                best, depth = i, n.count(".")
    assert best is not None, f"{module} is in no layer of LAYERS"
    return best


def _dynamic_targets(node: ast.Call, modules: set[str]) -> list[str]:
    """``import_module("a.b")`` / ``__import__("a.b")``: the module named; an f-string with a
    constant start (``f"a.b.{name}"``) stands for every module it can name."""
    fname = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
    if fname not in ("import_module", "__import__") or not node.args:
        return []
    arg = node.args[0]
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [arg.value]
    if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
        prefix = arg.values[0].value
        return [m for m in modules if m.startswith(prefix)]
    return []


def with_packages(target: str, importer: str, modules: set[str]) -> set[str]:
    """``target`` and the packages whose ``__init__`` importing it runs, less the importer's own
    (they are already running when it imports)."""
    parts = target.split(".")
    found = {target}
    for i in range(1, len(parts)):
        package = ".".join(parts[:i])
        if package in modules and not (importer == package or importer.startswith(package + ".")):
            found.add(package)
    return found


def imports(path: Path, root: Path, modules: set[str]) -> set[str]:
    """The package's modules a file imports anywhere in it (``from a import b`` counts as a.b
    when a.b is a module, else as a); relative imports resolved; dynamic imports and the
    package ``__init__`` files an import runs included."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            targets = _dynamic_targets(node, modules)
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        else:
            continue
        for target in targets:
            if target in modules:
                found |= with_packages(target, name, modules)
    found.discard(name)
    return found


def graph(root: Path = SRC) -> dict[str, set[str]]:
    files = {module_name(p, root): p for p in root.rglob("*.py")}
    return {m: imports(p, root, set(files)) for m, p in files.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a list of modules (first == last), or None: depth-first search."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for n in sorted(edges.get(m, ())):
            if state.get(n) == 1:
                return path[path.index(n):] + [n]
            if n not in state and (cycle := visit(n)):
                return cycle
        path.pop()
        state[m] = 2
        return None

    for m in sorted(edges):
        if m not in state and (cycle := visit(m)):
            return cycle
    return None


def test_no_import_runs_up_a_layer():
    edges = graph()
    upward = sorted(f"{m} -> {n}" for m, targets in edges.items() for n in targets if layer(n) > layer(m))
    assert not upward, "imports that run up a layer:\n" + "\n".join(upward)


def test_the_check_sees_dynamic_imports_and_package_inits(tmp_path):
    pkg = tmp_path / "groundup"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("from groundup import top\n")
    (pkg / "sub" / "leaf.py").write_text("")
    (pkg / "top.py").write_text("import importlib\nimportlib.import_module(f'groundup.sub.{1}')\n")
    (pkg / "low.py").write_text("from groundup.sub import leaf\n")
    edges = graph(tmp_path)
    assert edges["groundup.top"] == {"groundup.sub", "groundup.sub.leaf"}
    assert edges["groundup.low"] == {"groundup.sub", "groundup.sub.leaf"}  # sub/__init__ runs too
    assert find_cycle(edges) == ["groundup.sub", "groundup.top", "groundup.sub"]


def test_the_package_has_no_import_cycle():
    edges = graph()
    assert "groundup.training.registry" in edges and "groundup.core.models" in edges["groundup.training.registry"]
    cycle = find_cycle(edges)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_check_finds_a_cycle_through_an_import_inside_a_function(tmp_path):
    pkg = tmp_path / "groundup"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from groundup.b import f\n")
    (pkg / "b.py").write_text("def f():\n    from . import a\n    return a\n")
    edges = graph(tmp_path)
    assert edges["groundup.a"] == {"groundup.b"} and edges["groundup.b"] == {"groundup.a"}
    assert find_cycle(edges) == ["groundup.a", "groundup.b", "groundup.a"]
