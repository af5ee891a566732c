"""The dependency rules, checked on the source (ast), not by importing it.

- storage/ never imports Textual or tui;
- no import cycles in storage/ or tui/;
- screens and widgets never import the command line;
- search never imports the files (nor the Library);
- code outside storage/ imports only storage's public surface (`from storage import X`).

Every import counts: at module level, inside functions (lazy) and under TYPE_CHECKING. A lazy
import does not break a cycle, it only hides it until the day someone moves it to the top.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import ROOT

PACKAGES = ("storage", "tui")


# --- the import graph --------------------------------------------------------------------


@dataclass(frozen=True)
class Import:
    """One import statement's target as written: `import a.b` or `from a.b import c, d`."""

    module: str
    names: tuple[str, ...]  # () for `import a.b`
    line: int

    def __str__(self) -> str:
        return f"from {self.module} import {', '.join(self.names)}" if self.names else f"import {self.module}"


def module_files(root: Path, packages: Iterable[str] = PACKAGES) -> dict[str, Path]:
    """Module name -> file, for every .py under the packages; a package's __init__ is the package."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_in(path: Path, module: str) -> list[Import]:
    """Every import in the file, wherever it is (top, function, TYPE_CHECKING block)."""
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [Import(alias.name, (), node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, is_package, node.module, node.level)
            found.append(Import(base, tuple(alias.name for alias in node.names), node.lineno))
    return found


def _absolute(module: str, is_package: bool, name: str | None, level: int) -> str:
    if level == 0:
        return name or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (level - 1)]
    return ".".join([*base, name] if name else base)


def lazy_map(init: Path) -> dict[str, str]:
    """storage/__init__.py's PEP 562 map: public name -> the module that defines it."""
    tables: dict[str, object] = {}
    for node in ast.parse(init.read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in ("_PUBLIC", "_MODULES"):
                tables[node.targets[0].id] = ast.literal_eval(node.value)
    where = {name: module for module, names in tables.get("_PUBLIC", {}).items() for name in names}  # type: ignore[union-attr]
    return where | dict(tables.get("_MODULES", {}))  # type: ignore[arg-type]


def targets(imp: Import, modules: Iterable[str], public: dict[str, str]) -> set[str]:
    """The project modules an import loads: `from x import y` is module x.y when that is a
    module, else x. `from storage import Name` is the module storage's lazy map names for it:
    storage/__init__.py itself imports nothing at module level (its map holds module names as
    strings, imported on first use), so the edge goes where the import really leads, and the
    package `storage` has no edges of its own."""
    modules = set(modules)
    if not imp.names:
        return {imp.module} & modules
    found = set()
    for name in imp.names:
        if f"{imp.module}.{name}" in modules:
            found.add(f"{imp.module}.{name}")
        elif imp.module == "storage" and name in public:
            found.add(public[name])
        elif imp.module in modules:
            found.add(imp.module)
    return found


def import_graph(root: Path, packages: Iterable[str] = PACKAGES) -> dict[str, set[str]]:
    """Module -> the project modules it imports (itself left out)."""
    files = module_files(root, packages)
    init = root / "storage" / "__init__.py"
    public = lazy_map(init) if "storage" in files and init.exists() else {}
    graph = {}
    for module, path in files.items():
        edges = set().union(*(targets(imp, files, public) for imp in imports_in(path, module)))
        graph[module] = edges - {module}
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the components of more than one module, i.e. the import cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def a_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One concrete cycle through the component's first module (shortest, by BFS)."""
    start, members = component[0], set(component)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt_frontier = []
        for node in frontier:
            for nxt in sorted(graph[node] & members):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if nxt not in came_from:
                    came_from[nxt] = node
                    nxt_frontier.append(nxt)
        frontier = nxt_frontier
    raise AssertionError(f"no cycle through {start}")  # a component of 2+ always has one


def cycles(graph: dict[str, set[str]]) -> list[str]:
    return [" -> ".join(a_cycle(graph, c)) + f"  (component: {', '.join(c)})" for c in strongly_connected(graph)]


def reachable(graph: dict[str, set[str]], start: str) -> Iterator[tuple[str, list[str]]]:
    """Every module `start` imports, directly or not, with the path that leads there."""
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        node = frontier.pop()
        for nxt in sorted(graph[node]):
            if nxt not in paths:
                paths[nxt] = [*paths[node], nxt]
                frontier.append(nxt)
                yield nxt, paths[nxt]


def _in(module: str, *prefixes: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(ROOT)


# --- the rules -----------------------------------------------------------------------------


def test_storage_sources_do_not_import_textual_or_tui():
    offenders = [
        f"{module}:{imp.line}: {imp}"
        for module, path in module_files(ROOT, ["storage"]).items()
        for imp in imports_in(path, module)
        if imp.module.split(".")[0] in {"textual", "tui"}
    ]
    assert offenders == []


def test_importing_all_of_storage_loads_no_textual():
    modules = sorted(module_files(ROOT, ["storage"]))
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + "print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_no_import_cycles_in_storage_or_tui(graph):
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle_through_lazy_and_type_checking_imports(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    files = {
        "__init__.py": "",
        "a.py": "from pkg import b\n",  # b is a module: the edge goes to pkg.b, not pkg
        "b.py": "def later():\n    import pkg.c\n",
        "c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import thing\n",
        "d.py": "from pkg.a import thing\n",  # imports into the cycle, is not in it
    }
    for name, text in files.items():
        (package / name).write_text(text)
    graph = import_graph(tmp_path, ["pkg"])
    assert strongly_connected(graph) == [["pkg.a", "pkg.b", "pkg.c"]]
    assert cycles(graph) == ["pkg.a -> pkg.b -> pkg.c -> pkg.a  (component: pkg.a, pkg.b, pkg.c)"]
    (package / "c.py").write_text("")
    assert cycles(import_graph(tmp_path, ["pkg"])) == []


def test_from_storage_import_leads_through_the_lazy_map(graph):
    assert lazy_map(ROOT / "storage" / "__init__.py")["Library"] == "storage.library"
    assert graph["storage"] == set()  # the map imports nothing until a name is asked for
    from_tui = set().union(*(edges for module, edges in graph.items() if _in(module, "tui")))
    assert "storage.library" in from_tui and "storage" not in from_tui


def test_screens_and_widgets_never_import_the_command_line(graph):
    offenders = [
        f"{module} imports {target}"
        for module, edges in sorted(graph.items())
        if _in(module, "tui.screens", "tui.widgets")
        for target in sorted(edges)
        if _in(target, "tui.cli")
    ]
    assert offenders == []


def test_search_never_imports_the_files_or_the_library(graph):
    offenders = [
        " -> ".join(path)
        for module in sorted(graph)
        if _in(module, "storage.search")
        for target, path in reachable(graph, module)
        if _in(target, "storage.files", "storage.library")
    ]
    assert offenders == []


def test_outside_storage_only_the_public_surface_is_imported():
    offenders = [
        f"{module}:{imp.line}: {imp}"
        for module, path in module_files(ROOT, ["tui"]).items()
        for imp in imports_in(path, module)
        if _in(imp.module, "storage") and imp.module != "storage"
    ]
    assert offenders == []


def test_every_import_is_absolute():
    """`from storage.files.paths import …`, never `from .paths import …`: a module reads the same
    wherever it is moved, and a reader sees at once which part it leans on."""
    offenders = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in module_files(ROOT).values()
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.ImportFrom) and node.level > 0
    ]
    assert offenders == []
