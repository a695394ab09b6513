"""Imports point one way: cli > output > experiment > analysis > model > policies > network >
scenario > (errors, the package itself).

Read from the source with :mod:`ast`, so every import counts: module level, inside functions
(the lazy ones) and under ``TYPE_CHECKING``. A module may import its own sub-package and any
sub-package below it, never one above. And no two files import each other, directly or round a
loop, when they run: an annotation under ``TYPE_CHECKING`` may name the object that owns it
(the model's processes name their ``ReplicationModel``), as long as it does not go up a layer.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "simulator"

#: Sub-packages from the bottom up; a module may import its own layer and the ones before it.
LAYERS = ("scenario", "network", "policies", "model", "analysis", "experiment", "output", "cli")
#: Top-level modules and their layer: errors and the package itself (``__version__``) are below
#: everything; ``python -m simulator`` is the CLI.
TOP_LEVEL = {"simulator": -1, "simulator.errors": -1, "simulator.__main__": LAYERS.index("cli")}
#: The documented exceptions, both the same design choice: a policy kind lives in ONE module of
#: ``simulator/policies/`` (its spec, its strategy and its own checks), so the scenario layer reads
#: the policy registry instead of repeating it. The schema's union of sourcing and inventory specs
#: is made of those spec classes; the cross-reference checks ask each kind which suppliers it uses
#: and run its own checks. See docs/ARCHITECTURE.md ("one home for a policy kind").
EXCEPTIONS = {
    "simulator.scenario.schema": "simulator.policies",
    "simulator.scenario.checks": "simulator.policies.sourcing",
}
#: Imports that go the wrong way in model, policies, network or scenario, as (importer,
#: imported) module names, left as they are while being moved. None.
BEING_MOVED: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Edge:
    importer: str
    imported: str
    names: tuple[str, ...]  # what ``from imported import ...`` takes; () for ``import imported``
    where: str  # file:line
    typing_only: bool = False  # under ``if TYPE_CHECKING:``

    def __str__(self) -> str:
        return f"{self.where}: {self.importer} imports {self.imported}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _known(name: str) -> str:
    """The module a dotted name lives in (``simulator.errors.UsageError`` → simulator.errors)."""
    while name not in MODULES:
        name = name.rsplit(".", 1)[0]
    return name


def _walk(node: ast.AST, typing_only: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    """Every node below ``node``, and whether it is inside an ``if TYPE_CHECKING:`` block."""
    for child in ast.iter_child_nodes(node):
        yield child, typing_only
        test = child.test if isinstance(child, ast.If) else None
        if test is not None and "TYPE_CHECKING" in ast.unparse(test):
            for part in child.body:
                yield part, True
                yield from _walk(part, True)
            for part in child.orelse:
                yield part, typing_only
                yield from _walk(part, typing_only)
        else:
            yield from _walk(child, typing_only)


def imports(module: str) -> Iterator[Edge]:
    """Every import of another module of the package made anywhere in ``module``."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node, typing_only in _walk(ast.parse(path.read_text(encoding="utf-8"))):
        where = f"{path.relative_to(PACKAGE.parent)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            targets = [(a.name, ()) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            # `from pkg import mod` imports the module pkg.mod; `from mod import name` imports mod.
            grouped: dict[str, tuple[str, ...]] = {}
            for a in node.names:
                sub = f"{base}.{a.name}"
                if sub in MODULES:
                    grouped.setdefault(sub, ())
                else:
                    grouped[base] = (*grouped.get(base, ()), a.name)
            targets = list(grouped.items())
        else:
            continue
        for target, names in targets:
            if target.split(".")[0] != "simulator":
                continue
            target = _known(target)
            if target != module:
                yield Edge(module, target, names, where, typing_only)


EDGES = [e for m in MODULES for e in imports(m)]


def layer(module: str) -> int:
    if module in TOP_LEVEL:
        return TOP_LEVEL[module]
    sub = module.split(".")[1]
    assert sub in LAYERS, f"{module} is in no layer: add its sub-package to LAYERS"
    return LAYERS.index(sub)


def wrong_way(edge: Edge) -> bool:
    """An import of a layer above the importer's (the package facade itself excepted)."""
    if edge.importer == "simulator":
        return False  # the public API (simulator/__init__.py) reaches every layer, lazily
    if edge.imported == "simulator":
        return set(edge.names) != {"__version__"}  # the package itself: only its version
    allowed = EXCEPTIONS.get(edge.importer)
    if allowed and (edge.imported == allowed or edge.imported.startswith(allowed + ".")):
        return False
    return layer(edge.imported) > layer(edge.importer)


def test_every_module_is_in_a_layer():
    for m in MODULES:
        layer(m)


def test_imports_point_down_the_layers():
    bad = [e for e in EDGES if wrong_way(e) and (e.importer, e.imported) not in BEING_MOVED]
    assert not bad, "imports that go up the layers:\n" + "\n".join(map(str, bad))


def test_the_allowlist_names_lower_layers_only():
    for importer, imported in BEING_MOVED:
        assert importer.split(".")[1] in ("model", "policies", "network", "scenario"), importer
        assert imported.startswith("simulator."), imported


def cycles(edges: list[Edge]) -> list[list[str]]:
    """Groups of modules that import each other round a loop (strongly connected components of
    more than one module, Tarjan's algorithm)."""
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for e in edges:
        graph[e.importer].add(e.imported)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_two_files_import_each_other():
    # The facade imports lazily what it exports; modules may take ``__version__`` from it.
    loops = cycles([e for e in EDGES if e.importer != "simulator" and not e.typing_only])
    assert not loops, "import cycles:\n" + "\n".join(" ↔ ".join(c) for c in loops)


def test_the_checker_sees_function_local_and_type_checking_imports():
    seen = {(e.importer, e.imported) for e in EDGES}
    # inside cmd_run (function-local), and under TYPE_CHECKING in the plots
    assert ("simulator.cli.run", "simulator.experiment.runner") in seen
    assert ("simulator.output.plots", "simulator.output.loading") in seen
    typing = {(e.importer, e.imported) for e in EDGES if e.typing_only}
    assert ("simulator.output.plots", "simulator.output.loading") in typing
    assert ("simulator.output.plots", "simulator.output.style") not in typing
    upward = Edge("simulator.experiment.runner", "simulator.output.files", (), "example")
    assert wrong_way(upward)
    assert not wrong_way(Edge("simulator.scenario.schema", "simulator.policies.x", (), "example"))
    assert wrong_way(Edge("simulator.scenario.loader", "simulator.policies.x", (), "example"))
    assert cycles([Edge("simulator.output.plots", "simulator.output.render", (), "a")]) == []
    loop = [
        Edge("simulator.output.plots", "simulator.output.render", (), "a"),
        Edge("simulator.output.render", "simulator.output.plots", (), "b"),
    ]
    assert cycles(loop) == [["simulator.output.plots", "simulator.output.render"]]
