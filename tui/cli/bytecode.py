"""Bytecode for a Python that may not write it.

With PYTHONDONTWRITEBYTECODE set, Python never caches what it compiles, so every start would
compile Textual and Rich from source again (~300 ms before the first screen). uv no longer
compiles at install time for us (its `compile-bytecode` setting re-checked every file on every
`uv run`, ~100 ms and a "Bytecode compiled" line each time), so papershelf compiles the packages
it starts with, once, the first time it finds them uncompiled. A normal Python writes its own
cache and never gets here.
"""

from __future__ import annotations

import os
import sys
from importlib.util import cache_from_source, find_spec

STARTUP_PACKAGES = ("textual", "rich", "tinydb", "platformdirs", "storage", "tui")


def compile_once() -> None:
    if not sys.flags.dont_write_bytecode:
        return
    folders = [folder for folder in map(_package_folder, STARTUP_PACKAGES) if folder and _uncompiled(folder)]
    if folders:
        import compileall

        for folder in folders:
            compileall.compile_dir(folder, quiet=2)


def _package_folder(name: str) -> str | None:
    spec = find_spec(name)
    if spec is None or not spec.origin or not spec.origin.endswith("__init__.py"):
        return None
    return os.path.dirname(spec.origin)


def _uncompiled(folder: str) -> bool:
    """The package's __init__ has no cached bytecode and we could write one."""
    source = os.path.join(folder, "__init__.py")
    return not os.path.exists(cache_from_source(source)) and os.access(folder, os.W_OK)
