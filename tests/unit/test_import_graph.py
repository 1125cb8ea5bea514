"""govctl's import graph has no cycle, and nothing in the library imports the layers above it.

The graph is read from the source with ``ast`` (every ``import``, also those inside functions),
so a cycle hidden behind a lazy import fails too. Two granularities: modules, and the top-level
parts of the package (``govctl.check``, ``govctl.impact``, ``govctl.policy``...).
"""

from __future__ import annotations

import ast
import graphlib
from collections.abc import Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "govctl"


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _owner(name: str, modules: Mapping[str, Path]) -> str | None:
    """The module that ``name`` (a module, or a name inside one) is defined in."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [f"{node.module}.{alias.name}" for alias in node.names]
    assert not (isinstance(node, ast.ImportFrom) and node.level), "relative imports are not used"
    return []


def import_graph() -> dict[str, set[str]]:
    """module → the govctl modules it imports (importing ``a.b.c`` also runs ``a.b``)."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for target in _imported(node):
                owner = _owner(target, modules) if target.startswith("govctl") else None
                while owner and owner != "govctl":
                    if owner != name and not name.startswith(owner + "."):
                        graph[name].add(owner)
                    owner = owner.rpartition(".")[0]
    return graph


def _top(module: str) -> str:
    return ".".join(module.split(".")[:2])


def top_level_graph(graph: Mapping[str, set[str]]) -> dict[str, set[str]]:
    tops: dict[str, set[str]] = {}
    for module, targets in graph.items():
        edges = tops.setdefault(_top(module), set())
        edges.update(_top(t) for t in targets if _top(t) != _top(module))
    return tops


def cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        return list(error.args[1])
    return None


def test_the_module_graph_has_no_cycle() -> None:
    graph = import_graph()
    assert len(graph) > 50 and graph["govctl.check"], "the graph was not read"
    assert cycle(graph) is None, " -> ".join(cycle(graph) or [])


def test_the_top_level_parts_do_not_import_each_other_in_a_circle() -> None:
    tops = top_level_graph(import_graph())
    assert "govctl.impact" in tops["govctl.check"]  # check reads the change set of impact
    assert cycle(tops) is None, " -> ".join(cycle(tops) or [])


@pytest.mark.parametrize("upper, allowed", [
    ("govctl.cli", ("govctl.cli", "govctl.__main__")),
    ("govctl.api", ("govctl.cli",)),
])
def test_the_library_does_not_import_the_layers_above_it(
    upper: str, allowed: tuple[str, ...]
) -> None:
    graph = import_graph()
    offenders = sorted(
        module for module, targets in graph.items()
        if any(t == upper or t.startswith(upper + ".") for t in targets)
        and not any(module == a or module.startswith(a + ".") for a in allowed)
    )
    assert offenders == []


def test_the_checker_sees_a_cycle_and_a_lazy_import() -> None:
    # The test above cannot pass vacuously: a two-module loop and a lazy import are both found.
    assert cycle({"a": {"b"}, "b": {"a"}}) in (["a", "b", "a"], ["b", "a", "b"])
    assert cycle({"a": {"b"}, "b": set()}) is None
    tree = ast.parse("def f():\n    from govctl.api import check\n")
    assert [t for n in ast.walk(tree) for t in _imported(n)] == ["govctl.api.check"]
