"""The package's import graph: no circles, and every layer imports only the layers below it.

Walks every ``import`` in ``zoo/`` (function-level ones too) with ``ast``; nothing is imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "zoo"

# Lowest first. A module may import its own layer and the layers below; zoo.core.io (atomic
# writes) sits at the bottom so that the forecasters can save their files with it.
LAYERS = [
    ("zoo.errors", "zoo.backend", "zoo.core.io"),
    ("zoo.datasets",),
    ("zoo.models",),
    ("zoo.text", "zoo.saved_models", "zoo.forecasting"),
    ("zoo.core",),
    ("zoo.tasks",),
    ("zoo.tuning", "zoo.deploy"),
    ("zoo.applications",),
    ("zoo.cli", "zoo.__main__", "zoo"),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def imports_of(name: str) -> set[str]:
    """The zoo modules ``name`` imports anywhere in its source (a package, or the submodule named)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target.startswith("zoo") and target != name:
                found.add(target)
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def layer(name: str) -> int:
    best = None
    for rank, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if name == prefix or (name.startswith(prefix + ".") and prefix != "zoo"):
                if best is None or len(prefix) > best[1]:
                    best = (rank, len(prefix))
    assert best is not None, f"{name} is in no layer of tests/test_layers.py: add it"
    return best[0]


def is_package_of(a: str, b: str) -> bool:
    return b.startswith(a + ".")


def test_walk_sees_the_package():
    assert {"zoo.core.runner", "zoo.tasks.image.task", "zoo.applications.sentiment"} <= set(MODULES)
    assert "zoo.core.rundir" in GRAPH["zoo.core.runner"]


def test_no_import_circles():
    # A package's __init__ re-exporting its own submodules is not a circle.
    edges = {a: {b for b in bs if not is_package_of(a, b) and not is_package_of(b, a)} for a, bs in GRAPH.items()}
    state, stack, cycles = {}, [], []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert not cycles, "import circles:\n" + "\n".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_only_lower_layers(name):
    upward = sorted(t for t in GRAPH[name] if layer(t) > layer(name))
    assert not upward, f"{name} (layer {layer(name)}) imports higher layers: {upward}"


def test_nothing_below_applications_imports_them():
    offenders = sorted(n for n, targets in GRAPH.items() if layer(n) < layer("zoo.applications")
                       and any(t.startswith(("zoo.applications", "zoo.cli")) for t in targets))
    assert not offenders
