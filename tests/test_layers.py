"""The package's architecture, read from its source with ``ast``: layers, cycles, private names, size.

Data flows one way: a module may import modules of its own layer or of lower layers, never of a
higher one. Every import counts, wherever it sits: at module level, inside a function, or under
``if TYPE_CHECKING:``, both for the layers and for cycles (an import moved into a function to dodge a
cycle is still the cycle). The layer table below places every module; a new module fails
:func:`test_lower_layers_never_import_higher` until it is placed deliberately.
"""

from __future__ import annotations

import ast
import itertools
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "mtjspice"
MAX_LINES = 400

#: (rank, group, module patterns), lowest layer first. ``pkg.*`` is the package ``pkg`` and every
#: module under it. A module may import ranks <= its own, except across groups of one rank: those
#: are siblings that must not know each other (io and plots).
LAYERS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (0, "leaves", ("mtjspice._version", "mtjspice.errors", "mtjspice.units", "mtjspice.constants", "mtjspice.textio",
                  "mtjspice.budget", "mtjspice.limits", "mtjspice.frame", "mtjspice.runoptions")),
    (1, "parameters", ("mtjspice.device", "mtjspice.params", "mtjspice.stimulus", "mtjspice.variation")),
    (2, "physics", ("mtjspice.physics.*",)),
    (3, "netlist", ("mtjspice.netlist.*",)),
    (4, "results", ("mtjspice.results",)),
    (5, "sim", ("mtjspice.sim", "mtjspice.simoutput", "mtjspice.simprocess")),
    (6, "analysis", ("mtjspice.analysis.*",)),
    (7, "characterize", ("mtjspice.characterize.*",)),
    (8, "circuits", ("mtjspice.circuits.*", "mtjspice.pyspice")),
    (9, "io", ("mtjspice.io.*",)),
    (9, "plots", ("mtjspice.plots.*",)),
    (10, "experiments", ("mtjspice.montecarlo.*", "mtjspice.network.*", "mtjspice.design.*")),
    (11, "cli", ("mtjspice.cli.*",)),
)

#: The public facade and ``python -m mtjspice``: above every layer, free to import any of them. No
#: layered module imports the facade, not even for the version (that is :mod:`mtjspice._version`).
TOP = ("mtjspice", "mtjspice.__main__")


@dataclass(frozen=True)
class Module:
    """One source file of the package."""

    name: str  # dotted module name; a package's __init__.py is named after the package
    path: Path
    is_package: bool

    @property
    def where(self) -> str:
        return str(self.path.relative_to(PACKAGE.parent))

    @property
    def tree(self) -> ast.Module:
        return _parse(self.path)


@dataclass(frozen=True)
class Import:
    """One imported mtjspice module, as one import statement names it."""

    target: str  # the module imported, resolved to its dotted name
    names: tuple[str, ...]  # names taken from it (``from target import a, b``); () for a whole module
    line: int
    in_function: bool


@cache
def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@cache
def modules() -> dict[str, Module]:
    """Every module under mtjspice/, by dotted name."""
    out: dict[str, Module] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        out[".".join(parts)] = Module(".".join(parts), path, is_package)
    return out


def resolve(importer: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute module name that ``from {'.' * level}{name} import ...`` means inside ``importer``.

    A relative import counts from the importer's package: a package's ``__init__`` is its own
    package, a plain module's package is its parent. Beyond the top it resolves to a name that
    is no module (and is reported as such).
    """
    if level == 0:
        return name or ""
    package = importer if is_package else importer.rpartition(".")[0]
    parts = package.split(".") if package else []
    if level - 1 >= len(parts):
        return "." * level + (name or "")
    base = ".".join(parts[: len(parts) - (level - 1)])
    return f"{base}.{name}" if name else base


def _in_package(name: str) -> bool:
    return name == "mtjspice" or name.startswith(("mtjspice.", "."))


class _Collector(ast.NodeVisitor):
    """The mtjspice imports of one module, each marked as inside a function or not."""

    def __init__(self, module: Module, known: set[str]) -> None:
        self.module = module
        self.known = known
        self.depth = 0
        self.found: list[Import] = []

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if _in_package(alias.name):
                self.found.append(Import(alias.name, (), node.lineno, self.depth > 0))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = resolve(self.module.name, self.module.is_package, node.level, node.module)
        if not _in_package(base):
            return
        names = []
        for alias in node.names:
            if f"{base}.{alias.name}" in self.known:  # ``from package import submodule``
                self.found.append(Import(f"{base}.{alias.name}", (), node.lineno, self.depth > 0))
            else:
                names.append(alias.name)
        if names:
            self.found.append(Import(base, tuple(names), node.lineno, self.depth > 0))


def collect(module: Module, tree: ast.Module, known: set[str]) -> tuple[Import, ...]:
    """Every import of an mtjspice module in ``tree`` (the source of ``module``), in source order."""
    collector = _Collector(module, known)
    collector.visit(tree)
    return tuple(collector.found)


@cache
def imports(name: str) -> tuple[Import, ...]:
    """Every import of an mtjspice module in module ``name``, in source order."""
    module = modules()[name]
    return collect(module, module.tree, set(modules()))


def layer(name: str) -> tuple[int, str] | None:
    """(rank, group) of a module, or None when the table does not place it."""
    for rank, group, patterns in LAYERS:
        for pattern in patterns:
            if pattern.endswith(".*"):
                package = pattern[:-2]
                if name == package or name.startswith(package + "."):
                    return rank, group
            elif name == pattern:
                return rank, group
    return None


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _is_private(name: str) -> bool:
    return name.startswith("_") and not _is_dunder(name)


def test_every_package_module_is_found() -> None:
    found = modules()
    for name in ("mtjspice", "mtjspice.__main__", "mtjspice.errors", "mtjspice.physics", "mtjspice.physics.llgs"):
        assert name in found
    assert found["mtjspice.physics"].is_package and not found["mtjspice.physics.llgs"].is_package


def test_relative_imports_resolve_against_the_package() -> None:
    # A plain module's package is its parent; a package's __init__ is its own package.
    assert resolve("mtjspice.cli.common", False, 1, "units") == "mtjspice.cli.units"
    assert resolve("mtjspice.cli.common", False, 2, "units") == "mtjspice.units"
    assert resolve("mtjspice.cli", True, 1, "common") == "mtjspice.cli.common"
    assert resolve("mtjspice.cli", True, 2, None) == "mtjspice"
    assert resolve("mtjspice.units", False, 1, "errors") == "mtjspice.errors"
    assert resolve("mtjspice", True, 1, "errors") == "mtjspice.errors"
    assert resolve("mtjspice.physics.llgs", False, 2, "params") == "mtjspice.params"
    assert resolve("mtjspice.errors", False, 2, "x") == "..x"  # beyond the top: no module
    assert resolve("mtjspice.errors", False, 0, "mtjspice.units") == "mtjspice.units"


def test_imports_are_read_everywhere_in_a_module() -> None:
    source = """
from typing import TYPE_CHECKING
import numpy as np
import mtjspice.physics.llgs as llgs
from . import safe, render as r
from .. import __version__
if TYPE_CHECKING:
    from ..params import Device
class Builder:
    from ..errors import NetlistError
    def build(self):
        from ..sim import run_batch
        f = lambda: __import__("x")
        return f
async def later():
    from ...outside import thing
"""
    module = Module("mtjspice.netlist.mtj", PACKAGE / "netlist" / "mtj.py", False)
    known = {"mtjspice.netlist.safe", "mtjspice.netlist.render", "mtjspice.physics.llgs"}
    found = [(i.target, i.names, i.line, i.in_function) for i in collect(module, ast.parse(source), known)]
    assert found == [
        ("mtjspice.physics.llgs", (), 4, False),
        ("mtjspice.netlist.safe", (), 5, False),
        ("mtjspice.netlist.render", (), 5, False),
        ("mtjspice", ("__version__",), 6, False),
        ("mtjspice.params", ("Device",), 8, False),
        ("mtjspice.errors", ("NetlistError",), 10, False),
        ("mtjspice.sim", ("run_batch",), 12, True),
        ("...outside", ("thing",), 16, True),
    ]


def layer_problems(module: Module, found: tuple[Import, ...], known: dict[str, Module]) -> list[str]:
    """What is wrong with ``module``'s imports ``found``: a higher layer, a sibling group, the facade."""
    here = layer(module.name)
    if here is None:
        return [f"{module.where}: module {module.name} is in no layer; add it to the layer table "
                "(LAYERS in tests/test_layers.py)"]
    problems = []
    for imp in found:
        where = "inside a function" if imp.in_function else "at module level"
        at = f"{module.where}:{imp.line}: {module.name} (layer {here[0]}, {here[1]}), {where},"
        if imp.target in TOP:
            problems.append(f"{at} imports {', '.join(imp.names) or 'the module'} from {imp.target}, the "
                            "package's top; import the module that defines it")
            continue
        if imp.target not in known:
            problems.append(f"{at} imports {imp.target}, which is no module of the package")
            continue
        there = layer(imp.target)
        if there is None:
            continue  # the target's own entry already says it is in no layer
        if there[0] > here[0]:
            problems.append(f"{at} imports {imp.target} (layer {there[0]}, {there[1]}), a higher layer")
        elif there[0] == here[0] and there[1] != here[1]:
            problems.append(f"{at} imports {imp.target} ({there[1]}): {here[1]} and {there[1]} must not "
                            "import each other")
    return problems


def test_lower_layers_never_import_higher() -> None:
    known = modules()
    problems = []
    for module in known.values():
        if module.name not in TOP:
            problems += layer_problems(module, imports(module.name), known)
    assert not problems, "layering violations:\n" + "\n".join(problems)


def _planted(name: str, source: str) -> tuple[Module, tuple[Import, ...]]:
    """A real module of the package with ``source`` appended (parsed, never written or run)."""
    module = modules()[name]
    tree = ast.parse(module.path.read_text(encoding="utf-8") + "\n" + source)
    return module, collect(module, tree, set(modules()))


def test_a_planted_climbing_import_inside_a_function_fails() -> None:
    module, found = _planted("mtjspice.physics.llgs", "def later():\n    from ..circuits.neuron import run_neuron\n")
    assert layer_problems(module, imports(module.name), modules()) == []
    problems = layer_problems(module, found, modules())
    assert len(problems) == 1 and "inside a function" in problems[0]
    assert "imports mtjspice.circuits.neuron (layer 8, circuits), a higher layer" in problems[0]


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with a cycle (Tarjan), each as a list of module names."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph.get(v, ()):
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _path_around(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """One cycle through the component's first module (breadth-first, so a shortest one)."""
    start = component[0]
    members = set(component)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph[v] & members):
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start] if v != start else [start, start]
                if w not in previous:
                    previous[w] = v
                    nxt.append(w)
        frontier = nxt
    raise AssertionError(f"no cycle through {start}")  # pragma: no cover


def test_cycle_finder_reports_each_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a", "d"}, "e": set()}
    assert _cycles(graph) == [["a", "b", "c"], ["d"]]
    assert _path_around(["a", "b", "c"], graph) == ["a", "b", "c", "a"]
    assert _path_around(["d"], graph) == ["d", "d"]


def import_graph(found: dict[str, tuple[Import, ...]]) -> tuple[dict[str, set[str]], dict[tuple[str, str], int]]:
    """Module -> the package modules it imports (anywhere: module level, ``TYPE_CHECKING``, inside a
    function), and the line of each edge's first import."""
    graph: dict[str, set[str]] = {name: set() for name in found}
    lines: dict[tuple[str, str], int] = {}
    for name, imps in found.items():
        for imp in imps:
            if imp.target in found and imp.target != name:
                graph[name].add(imp.target)
                lines.setdefault((name, imp.target), imp.line)
    return graph, lines


def cycle_reports(found: dict[str, tuple[Import, ...]]) -> list[str]:
    """One line per import cycle: a shortest path around it, with the line of each import."""
    graph, lines = import_graph(found)
    reports = []
    for component in _cycles(graph):
        path = _path_around(component, graph)
        steps = [f"{a} (line {lines[(a, b)]})" for a, b in itertools.pairwise(path)]
        reports.append(" -> ".join([*steps, path[-1]]) + f"   [cycle among: {', '.join(component)}]")
    return reports


def test_no_import_cycles() -> None:
    # Every import counts: one inside a function that would close a cycle is a cycle dodged, not
    # removed (lazy imports of optional third-party packages are not the package's and stay free).
    reports = cycle_reports({name: imports(name) for name in modules()})
    assert not reports, "import cycles:\n" + "\n".join(reports)


def test_a_planted_circling_import_inside_a_function_fails() -> None:
    # render is below deck (deck assembles its text from render's pieces); a function in render
    # that reached back for the deck would close a cycle, even though it runs only when called.
    found = {name: imports(name) for name in modules()}
    _, planted = _planted("mtjspice.netlist.render", "def later():\n    from .deck import Deck\n")
    assert cycle_reports(found) == []
    reports = cycle_reports({**found, "mtjspice.netlist.render": planted})
    assert len(reports) == 1 and "[cycle among: mtjspice.netlist.deck, mtjspice.netlist.render]" in reports[0]


def _module_names(module: Module, known: set[str]) -> dict[str, str]:
    """Local names bound to mtjspice modules anywhere in ``module``: name -> dotted module."""
    bound: dict[str, str] = {}
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _in_package(alias.name):
                    if alias.asname:
                        bound[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        bound[top] = top
        elif isinstance(node, ast.ImportFrom):
            base = resolve(module.name, module.is_package, node.level, node.module)
            for alias in node.names:
                if f"{base}.{alias.name}" in known:
                    bound[alias.asname or alias.name] = f"{base}.{alias.name}"
    return bound


def _denoted_module(node: ast.expr, bound: dict[str, str], known: set[str]) -> str | None:
    """The mtjspice module an expression such as ``safe`` or ``mtjspice.physics.llgs`` denotes."""
    if isinstance(node, ast.Name):
        return bound.get(node.id)
    if isinstance(node, ast.Attribute):
        outer = _denoted_module(node.value, bound, known)
        if outer is not None and f"{outer}.{node.attr}" in known:
            return f"{outer}.{node.attr}"
    return None


def test_no_module_uses_another_modules_private_names() -> None:
    known = modules()
    names = set(known)
    problems = []
    for module in known.values():
        for imp in imports(module.name):
            parts = imp.target.split(".")
            for i, part in enumerate(parts):  # a private module is private to its package
                owner = ".".join(parts[:i])  # the package the private module belongs to, its __init__ included
                if _is_private(part) and module.name != owner and not module.name.startswith(owner + "."):
                    problems.append(f"{module.where}:{imp.line}: {module.name} imports the private module {imp.target}")
            for n in imp.names:
                if _is_private(n) and imp.target != module.name:
                    problems.append(f"{module.where}:{imp.line}: {module.name} imports {n} from {imp.target}, "
                                    "a private name")
        bound = _module_names(module, names)
        if not bound:
            continue
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Attribute) and _is_private(node.attr):
                used = _denoted_module(node.value, bound, names)
                if used is not None and used != module.name:
                    problems.append(f"{module.where}:{node.lineno}: {module.name} uses {used}.{node.attr}, "
                                    "a private name")
    assert not problems, "private names used across modules:\n" + "\n".join(sorted(set(problems)))


def test_modules_are_short() -> None:
    sizes = {m.where: len(m.path.read_text(encoding="utf-8").splitlines()) for m in modules().values()}
    long = [f"{where}: {n} lines" for where, n in sorted(sizes.items(), key=lambda kv: -kv[1]) if n > MAX_LINES]
    assert not long, f"modules over {MAX_LINES} lines (split them):\n" + "\n".join(long)


#: Optional or heavy third-party packages that only the functions needing them import.
HEAVY = ("PySpice", "matplotlib", "dask", "distributed", "optuna", "numba", "sklearn")


def test_import_is_light() -> None:
    # The top level and its three tiers of parts, each in a fresh interpreter.
    for package in ("mtjspice", "mtjspice.physics", "mtjspice.netlist", "mtjspice.analysis", "mtjspice.characterize"):
        code = f"import sys, {package}; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert res.stdout.strip() == "[]", f"importing {package} loads {res.stdout.strip()}"
