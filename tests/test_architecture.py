"""The architecture the guide asks for, checked from the source: no import cycles, a lifecycle
package that needs only the standard library and boto3 (it is what the Lambda zips hold), and no
module past the size where it should be split by concern."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src"
PACKAGE = "ecs_cluster_manager"
LAMBDA_PACKAGE = f"{PACKAGE}.lifecycle"
LAMBDA_MAY_IMPORT = {"boto3", "botocore"}
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for path in (SRC / PACKAGE).rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _runtime_imports(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """Module-level imports that run on import (not those under `if TYPE_CHECKING:`)."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if "TYPE_CHECKING" not in ast.unparse(node.test):
                yield from _runtime_imports(node.body)
            yield from _runtime_imports(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from _runtime_imports(block)


def _imported_names(name: str, path: Path) -> set[str]:
    """Absolute names of what module `name` imports at run time (`pkg.mod` or `pkg.mod.attr`)."""
    names = set()
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8")).body):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
            continue
        base = package[:len(package) - node.level + 1] if node.level else []
        module = ".".join([*base, *([node.module] if node.module else [])])
        names.update(f"{module}.{alias.name}" for alias in node.names)
        names.add(module)
    return names


def _project_module(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        targets = {_project_module(n) for n in _imported_names(name, path)
                   if n.startswith(PACKAGE)}
        # Importing a module runs its packages' __init__ first: that is not a dependency edge.
        graph[name] = {t for t in targets if t and t != name and not name.startswith(f"{t}.")}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root, targets in graph.items():
        if root in index:
            continue
        work = [(root, iter(sorted(targets)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    graph = _graph()
    assert len(graph) > 100  # the walk saw the project
    assert _cycles(graph) == []


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith(LAMBDA_PACKAGE)))
def test_the_lambda_package_needs_only_the_standard_library_and_boto3(name: str) -> None:
    for imported in _imported_names(name, MODULES[name]):
        top = imported.partition(".")[0]
        if top == PACKAGE:
            assert imported.startswith(LAMBDA_PACKAGE), f"{name} imports {imported}"
        else:
            assert top in sys.stdlib_module_names or top in LAMBDA_MAY_IMPORT or top == "__future__", (
                f"{name} imports {imported}, which the Lambda runtime does not have")


@pytest.mark.parametrize("path", sorted(p for p in SRC.rglob("*.py")), ids=lambda p: p.name)
def test_no_module_is_past_the_size_to_split(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(SRC)} has {lines} lines: split it by concern"
