"""The package's layers point one way: story -> analytics -> data, and no module imports itself back.

Read from the source (module-level and function-level imports alike), so a lazy
import inside a function cannot hide a wrong-way dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "rotation_utils"
#: modules that word or draw: analytics must not need them
PRESENTATION = (
    "rotation_utils.story",
    "rotation_utils.narrative",
    "rotation_utils.charts",
    "rotation_utils.notebook",
    "rotation_utils.style",
    "rotation_utils.tables",
    "rotation_utils.claim_values",
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Package modules ``path`` imports (relative imports resolved; ``from x import y``
    counts ``x.y`` when that is a module of the package, else ``x``)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("rotation_utils")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if not target.startswith("rotation_utils"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in MODULES else target)
    return found - {name}


FILES = sorted(PACKAGE.rglob("*.py"))
MODULES = {module_name(p) for p in FILES}
GRAPH = {module_name(p): imports_of(p) for p in FILES}


def find_cycle(edges: dict) -> list[str] | None:
    """One import cycle of ``edges`` (``{module: {modules it imports}}``) as a path, or None."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(m):
        state[m] = 1
        path.append(m)
        for t in sorted(edges.get(m, ())):
            if state.get(t) == 1:
                return [*path[path.index(t) :], t]
            if t not in state and (found := visit(t)):
                return found
        path.pop()
        state[m] = 2
        return None

    for m in sorted(edges):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_the_graph_is_read_and_a_cycle_would_be_found():
    assert "rotation_utils.analytics.rate_beta" in GRAPH["rotation_utils.analytics.rate_data"]
    assert "rotation_utils.analytics.earnings" in GRAPH["rotation_utils.story.earnings"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("name", sorted(m for m in MODULES if m.startswith("rotation_utils.analytics")))
def test_analytics_import_no_presentation_code(name):
    wrong = sorted(m for m in GRAPH[name] if m.startswith(PRESENTATION))
    assert not wrong, f"{name} imports presentation modules {wrong}"


def test_data_layer_imports_neither_analytics_nor_presentation():
    for name in (m for m in MODULES if m.startswith("rotation_utils.data")):
        wrong = sorted(m for m in GRAPH[name] if m.startswith(("rotation_utils.analytics", *PRESENTATION)))
        assert not wrong, f"{name} imports {wrong}"


def test_no_import_cycle_between_modules():
    """Between two different modules, ignoring a package's ``__init__`` re-exporting its children."""
    edges = {
        m: {t for t in targets if t in GRAPH and not (m == t.rpartition(".")[0] and m in MODULES)}
        for m, targets in GRAPH.items()
    }
    cycle = find_cycle(edges)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])
