"""The command line's layout: a plain start stays lean, and nothing outside tui/cli imports it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT

COMMAND_MODULES = ("tui.cli.library_commands", "tui.cli.tool_commands")

PLAIN_START = """
import sys
from tui.cli import program
program.run_tui = lambda directory, files: print("tui", directory, files) or 0
status = program.main(sys.argv[1:])
print(status, sorted(m for m in ("argparse", *{modules}) if m in sys.modules))
"""


def _start(*args: str) -> str:
    code = PLAIN_START.format(modules=COMMAND_MODULES)
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_plain_start_imports_neither_the_parser_nor_the_commands():
    assert _start() == "tui None []\n0 []\n"
    assert _start("--library", "lib") == "tui lib []\n0 []\n"


def test_a_start_with_files_imports_only_what_it_needs():
    """`papershelf FILE` parses (argparse) but opens the TUI: no tool command is loaded."""
    out = _start("--library", "lib", "page.txt")
    assert out == "tui lib ['page.txt']\n0 ['argparse']\n"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.update([node.module, *(f"{node.module}.{alias.name}" for alias in node.names)])
    return names


def test_only_the_entry_point_imports_the_command_line():
    """Screens and widgets share renderables through tui/render, never through tui/cli."""
    importers = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "tui").rglob("*.py")
        if "cli" not in path.relative_to(ROOT / "tui").parts[:1]
        and any(name == "tui.cli" or name.startswith("tui.cli.") for name in _imports(path))
    }
    assert importers == {"tui/__main__.py"}


def test_only_version_looks_the_version_up(sample_library):
    """importlib.metadata costs ~15 ms: `list` (and every other command) must not pay it."""
    code = (
        "import sys; from tui.cli import program; status = program.main(sys.argv[1:]); "
        "print(status, 'importlib.metadata' in sys.modules)"
    )

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=60)
        return done.stdout.splitlines()[-1]

    assert run("--library", str(sample_library.directory), "list", "--json") == "0 False"
    assert run("--version") == "0 True"
