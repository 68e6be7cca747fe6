"""The layout's rules, checked on the source: layers point one way, no import circle
inside a package, small modules and functions.

Packages and what each may import (besides itself and third-party code)::

    trajectory   the verification core            -> nothing of ours
    maps         HTML reports of results          -> trajectory
    assessment   the scheme's rules and pages     -> trajectory, maps
    batch        daily runs over many days        -> trajectory, maps
    api          HTTP service, storage, CLI       -> trajectory, maps, assessment, batch

``trajectory.testing`` (generated days for tests and benchmarks) is never imported
by the rest of ``trajectory``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ALLOWED: dict[str, set[str]] = {
    "trajectory": set(),
    "maps": {"trajectory"},
    "assessment": {"trajectory", "maps"},
    "batch": {"trajectory", "maps"},
    "api": {"trajectory", "maps", "assessment", "batch"},
}
OURS = set(ALLOWED)
#: The size rules: a module a reader can hold in mind, a function that fits a screen.
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules(package: str) -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if "migrations" in parts or "vendor" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


ALL_MODULES: dict[str, Path] = {}
for _pkg in ALLOWED:
    ALL_MODULES.update(_modules(_pkg))


def _resolve(name: str) -> str | None:
    """The longest known module that ``name`` names (``a.b.c`` -> ``a.b`` for a symbol c)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in ALL_MODULES:
            return candidate
        parts.pop()
    return None


def _imports(module: str, path: Path) -> set[str]:
    """Modules of ours that ``module`` imports anywhere in its body (functions too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package_parts = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                prefix = ".".join([*base, node.module] if node.module else base)
            else:
                prefix = node.module or ""
            names = [f"{prefix}.{a.name}" for a in node.names] + [prefix]
        else:
            continue
        for name in names:
            if name.split(".")[0] in OURS:
                target = _resolve(name)
                if target is not None and target != module:
                    found.add(target)
    return found


GRAPH = {m: _imports(m, p) for m, p in ALL_MODULES.items()}


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_layers_point_one_way(package: str) -> None:
    bad = [
        f"{m} imports {t}"
        for m, targets in GRAPH.items()
        if m.split(".")[0] == package
        for t in sorted(targets)
        if t.split(".")[0] not in ALLOWED[package] | {package}
    ]
    assert bad == []


def test_core_never_imports_its_test_data() -> None:
    bad = [
        f"{m} imports {t}"
        for m, targets in GRAPH.items()
        if m.startswith("trajectory") and not m.startswith("trajectory.testing")
        for t in targets
        if t.startswith("trajectory.testing")
    ]
    assert bad == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
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
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_cycle_finder_finds_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_no_import_circle_inside_a_package(package: str) -> None:
    """``__init__`` re-exports aside: a package's __init__ imports its modules by design."""
    inside = {
        m: {
            t
            for t in targets
            if t.split(".")[0] == package and ALL_MODULES[t].name != "__init__.py"
        }
        for m, targets in GRAPH.items()
        if m.split(".")[0] == package and ALL_MODULES[m].name != "__init__.py"
    }
    assert _cycles(inside) == []


#: Calls that build shared state: never at a module's top level (import time).
BUILDERS = {"create_app", "FastAPI", "Settings", "make_engine", "create_engine", "lru_cache"}


def _calls_at_import(tree: ast.Module) -> set[str]:
    """Names called by a module's top-level statements (not inside a def or class body),
    and functions decorated with one of :data:`BUILDERS` (an ``lru_cache`` singleton)."""
    found: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            for dec in stmt.decorator_list:
                target = dec.func if isinstance(dec, ast.Call) else dec
                name = getattr(target, "id", getattr(target, "attr", ""))
                if name in BUILDERS:
                    found.add(f"@{name} {stmt.name}")
            continue
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name in BUILDERS:
                    found.add(name)
    return found


def test_import_time_check_finds_builders() -> None:
    tree = ast.parse(
        "from functools import lru_cache\napp = create_app()\n@lru_cache\ndef f(): pass\n"
    )
    assert _calls_at_import(tree) == {"create_app", "@lru_cache f"}
    assert _calls_at_import(ast.parse("def make():\n    return create_app()\n")) == set()


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_nothing_is_built_at_import(package: str) -> None:
    """No app, settings or engine at import and no lru_cache singletons: settings reach
    the service through ``create_app(settings)`` and live on ``app.state``."""
    bad = {
        m: sorted(found)
        for m, path in ALL_MODULES.items()
        if m.split(".")[0] == package
        and (found := _calls_at_import(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert bad == {}


def test_only_the_factory_makes_the_app() -> None:
    makers = [
        m
        for m, path in ALL_MODULES.items()
        if any(
            isinstance(n, ast.Call) and getattr(n.func, "id", "") == "FastAPI"
            for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    ]
    assert makers == ["api.main"]


@pytest.mark.parametrize("module", sorted(ALL_MODULES))
def test_module_and_function_size(module: str) -> None:
    path = ALL_MODULES[module]
    text = path.read_text(encoding="utf-8")
    too_long = []
    lines = len(text.splitlines())
    if lines > MAX_MODULE_LINES:
        too_long.append(f"{module}: {lines} lines")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            n = (node.end_lineno or node.lineno) - node.lineno + 1
            if n > MAX_FUNCTION_LINES:
                too_long.append(f"{module}.{node.name} (line {node.lineno}): {n} lines")
    assert too_long == []


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_each_package_says_what_it_is_for(package: str) -> None:
    doc = ast.get_docstring(ast.parse((ROOT / package / "__init__.py").read_text("utf-8")))
    assert doc, f"{package}/__init__.py has no docstring"
    assert "import" in doc.lower(), f"{package}'s docstring does not say what it may import"


def test_the_core_package_exports_what_it_loads_lazily() -> None:
    import trajectory

    assert sorted(trajectory.__all__) == sorted(trajectory._HOME)
    for name in trajectory.__all__:
        assert getattr(trajectory, name) is not None
