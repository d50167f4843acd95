"""The shape of the house: which way imports go, and no cycles (docs/ARCHITECTURE.md).

Imports are read from the source with `ast`; nothing is imported. Every ``import`` and
``from ... import`` counts wherever it stands (a function's imports run when it is called),
except those under ``if TYPE_CHECKING:``: type checkers read them, the interpreter never runs
them, so they cannot make a cycle at run time. Names loaded by `importlib` are not seen.

An import names the deepest project module it reaches: ``from experiments.store import
manifest`` is an arrow to ``experiments.store.manifest`` when that is a module, else to
``experiments.store``; a parent package's ``__init__`` that runs on the way is not an arrow.

The rules: the model imports nothing above it (``experiments``, ``dashboards``, ``tools``);
the product (the model, the agents, ``experiments``, ``dashboards``, ``run.py``) imports no
tool; ``dashboards`` and ``experiments`` use no private name of the model (``_name``, imported or
read from an imported model module); no module is in an import cycle; and no package is in a
cycle with its siblings (every package's direct children, modules and subpackages, import each
other one way only, the top-level packages included).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("agents", "model", "experiments", "dashboards", "classroom", "tools")
TOP_MODULES = ("run",)


@dataclass(frozen=True)
class Import:
    """One import statement's arrow: who imports what, where, and the names it takes."""

    source: str
    target: str
    names: tuple[str, ...]
    line: int


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def project_modules() -> dict[str, Path]:
    """Dotted name -> file of every module of the project (packages by their __init__)."""
    files = [ROOT / f"{name}.py" for name in TOP_MODULES]
    for package in PACKAGES:
        files += sorted((ROOT / package).rglob("*.py"))
    return {_module_name(path): path for path in files if path.exists()}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _run_time_nodes(tree: ast.AST):
    """Every node that the interpreter may run (the bodies of ``if TYPE_CHECKING:`` left out)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _deepest(name: str) -> str | None:
    """The deepest project module that `name` (a dotted path) starts with."""
    modules = project_modules()
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in modules:
            return ".".join(parts[:end])
    return None


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    is_package = project_modules()[module].name == "__init__.py"
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


@cache
def imports() -> tuple[Import, ...]:
    """Every run-time import between project modules."""
    found = []
    modules = project_modules()
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in _run_time_nodes(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    target = _deepest(alias.name)
                    if target:
                        found.append(Import(module, target, (), node.lineno))
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(module, node)
                by_target: dict[str, list[str]] = defaultdict(list)
                for alias in node.names:
                    target = _deepest(f"{base}.{alias.name}")
                    if target == f"{base}.{alias.name}":
                        by_target[target].append("")
                    elif target := _deepest(base):
                        by_target[target].append(alias.name)
                for target, names in by_target.items():
                    found.append(Import(module, target, tuple(n for n in names if n), node.lineno))
    return tuple(found)


def _package(module: str) -> str:
    return module.split(".")[0]


def _where(imp: Import) -> str:
    path = project_modules()[imp.source].relative_to(ROOT)
    names = f" ({', '.join(imp.names)})" if imp.names else ""
    return f"{path}:{imp.line}: {imp.source} -> {imp.target}{names}"


# ------------------------------------------------------------------------------------------
# The reader itself
# ------------------------------------------------------------------------------------------


def test_the_reader_sees_the_project_and_its_imports():
    modules = project_modules()
    assert {"run", "model", "model.model", "experiments.runner", "dashboards.app"} <= set(modules)
    arrows = {(i.source, i.target) for i in imports()}
    assert ("run", "experiments.errors") in arrows  # an import inside a function counts
    assert all(i.target in modules for i in imports())  # numpy, mesa, ... are not arrows


def test_imports_under_type_checking_are_not_arrows():
    tree = ast.parse(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import a\nimport b\n"
    )
    ran = [n.names[0].name for n in _run_time_nodes(tree) if isinstance(n, ast.Import)]
    assert ran == ["b"]


# ------------------------------------------------------------------------------------------
# Which way imports go
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("above", ["experiments", "dashboards", "classroom", "tools"])
def test_the_model_imports_nothing_above_it(above):
    wrong = [
        _where(i)
        for i in imports()
        if _package(i.source) == "model" and _package(i.target) == above
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    "package", ["agents", "model", "experiments", "dashboards", "classroom", "run"]
)
def test_the_product_imports_no_tool(package):
    wrong = [
        _where(i)
        for i in imports()
        if _package(i.source) == package and _package(i.target) == "tools"
    ]
    assert not wrong, "\n".join(wrong)


def _private_uses(package: str) -> list[str]:
    """Private names of the model that modules of `package` import or read."""
    found = []
    for imp in imports():
        if _package(imp.source) != package or _package(imp.target) != "model":
            continue
        private = [n for n in imp.names if n.startswith("_")]
        if private or any(part.startswith("_") for part in imp.target.split(".")):
            found.append(_where(imp))
    modules = project_modules()
    for module, path in modules.items():
        if _package(module) != package:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bound = {}  # local name -> model module
        for node in _run_time_nodes(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if _package(alias.name) == "model" and alias.asname:
                        bound[alias.asname] = alias.name
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(module, node)
                for alias in node.names:
                    if f"{base}.{alias.name}" in modules and _package(base) == "model":
                        bound[alias.asname or alias.name] = f"{base}.{alias.name}"
        for node in _run_time_nodes(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in bound
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                where = path.relative_to(ROOT)
                found.append(f"{where}:{node.lineno}: {bound[node.value.id]}.{node.attr}")
    return found


@pytest.mark.parametrize("package", list(("dashboards", "experiments")))
def test_no_private_name_of_the_model_is_used_above_it(package):
    found = _private_uses(package)
    assert not found, "\n".join(found)


# ------------------------------------------------------------------------------------------
# No cycles
# ------------------------------------------------------------------------------------------


def _graph(level) -> nx.DiGraph:
    graph = nx.DiGraph()
    for imp in imports():
        a, b = level(imp.source), level(imp.target)
        if a is not None and b is not None and a != b:
            graph.add_edge(a, b)
    return graph


def _cycles(graph: nx.DiGraph) -> list[set[str]]:
    return [set(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]


@pytest.mark.parametrize("package", list((*PACKAGES, *TOP_MODULES)))
def test_no_module_is_in_an_import_cycle(package):
    cycles = [c for c in _cycles(_graph(lambda m: m)) if any(_package(m) == package for m in c)]
    assert not cycles, f"modules importing each other in a loop: {cycles}"


def _children(parent: str):
    """Collapse a module to the child of `parent` it lies in ('' is the project's root)."""
    depth = parent.count(".") + 1 if parent else 0

    def level(module: str) -> str | None:
        if parent and not module.startswith(parent + "."):
            return None
        return ".".join(module.split(".")[: depth + 1])

    return level


def _packages() -> list[str]:
    modules = project_modules()
    return [name for name, path in modules.items() if path.name == "__init__.py"]


@pytest.mark.parametrize("package", list((*PACKAGES, *TOP_MODULES)))
def test_no_package_is_in_a_cycle_with_its_siblings(package):
    found = []
    for parent in ["", *_packages()]:
        for cycle in _cycles(_graph(_children(parent))):
            if any(_package(child) == package for child in cycle):
                arrows = [
                    _where(i)
                    for i in imports()
                    if _children(parent)(i.source) in cycle
                    and _children(parent)(i.target) in cycle
                    and _children(parent)(i.source) != _children(parent)(i.target)
                ]
                found.append(f"{sorted(cycle)}:\n  " + "\n  ".join(arrows[:12]))
    assert not found, "packages importing each other:\n" + "\n".join(found)
