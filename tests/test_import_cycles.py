"""No module of lib/lia imports itself back, not even through an import inside a function.

Two modules that import each other work only as long as one of them defers its import
into a function, and break the day someone moves that import up; they also cannot be
understood, tested or split one without the other. The graph is built with ``ast`` from
every ``import`` statement in lib/lia, at module level and inside functions and classes
alike (``if TYPE_CHECKING:`` blocks are left out: they never run). An edge goes to the
module an import names; ``from package import name`` goes to the submodule when ``name``
is one. A package's ``__init__`` is reached only when a statement names the package.
"""

from __future__ import annotations

import ast
from pathlib import Path

LIB = Path(__file__).resolve().parents[1] / "lib"
PACKAGE = "lia"

#: Cycles known in other areas, each as the sorted tuple of its modules, with why it is left.
#: Empty: there is none. Add one only with an issue that removes it.
KNOWN_CYCLES: dict[tuple[str, ...], str] = {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(LIB).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((LIB / PACKAGE).rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except those under ``if TYPE_CHECKING:``."""
    out: list[ast.Import | ast.ImportFrom] = []

    def walk(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    walk(sub)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                out.append(child)
            walk(child)

    walk(tree)
    return out


def import_graph() -> dict[str, set[str]]:
    """Module -> the lia modules it imports (anywhere in its code)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_pkg = path.name == "__init__.py"
        here = name.split(".") if is_pkg else name.split(".")[:-1]
        edges: set[str] = set()
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                if node.level:
                    base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
                    mod = ".".join(base + ([node.module] if node.module else []))
                else:
                    mod = node.module or ""
                targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in modules else mod for a in node.names]
            for t in targets:
                while t and t not in modules and "." in t:  # `import lia.x.y` of a name inside a module
                    t = t.rsplit(".", 1)[0]
                if t in modules and t != name:
                    edges.add(t)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[tuple[str, ...]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(tuple(sorted(comp)))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)


def _path_in(comp: tuple[str, ...], graph: dict[str, set[str]]) -> list[str]:
    """One closed path through a component (start -> ... -> start), to show in the failure."""
    start, members = comp[0], set(comp)
    prev: dict[str, str | None] = {start: None}
    todo = [start]
    while todo:
        v = todo.pop(0)
        for w in sorted(graph[v] & members):
            if w == start:
                chain = [v]
                while prev[chain[-1]] is not None:
                    chain.append(prev[chain[-1]])  # type: ignore[arg-type]
                return [*reversed(chain), start]
            if w not in prev:
                prev[w] = v
                todo.append(w)
    return list(comp)


def test_the_graph_sees_imports_inside_functions() -> None:
    """The walk must see deferred imports, or it would miss the cycles that hide best."""
    graph = import_graph()
    # lia.reports.render imports the warm engine inside render_many only
    assert "lia.reports.engine" in graph["lia.reports.render"]
    # lia.cli loads its commands inside functions
    assert any(m.startswith("lia.commands") for m in graph["lia.cli"])


def test_no_import_cycle_in_lib_lia() -> None:
    graph = import_graph()
    found = [c for c in cycles(graph) if c not in KNOWN_CYCLES]
    assert not found, "import cycles in lib/lia:\n" + "\n".join(
        "  " + " -> ".join(_path_in(c, graph)) + f"  ({len(c)} modules: {', '.join(c)})" for c in found)


def test_the_reports_package_has_its_flow_in_one_direction() -> None:
    """Provenance is below both rendering and signing: neither reaches the other through it."""
    graph = import_graph()

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for w in graph.get(todo.pop(), ()):
                if w not in seen:
                    seen.add(w)
                    todo.append(w)
        return seen

    assert not reach("lia.reports.provenance") & {"lia.reports.render", "lia.reports.signing", "lia.reports.status"}
    assert "lia.reports.render" not in reach("lia.reports.signing")
