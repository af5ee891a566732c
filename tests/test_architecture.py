"""The dependency rule: storage/ never imports Textual or tui."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.helpers import ROOT


def test_storage_sources_do_not_import_textual_or_tui():
    offenders = []
    for path in (ROOT / "storage").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in {"textual", "tui"}]
    assert offenders == []


def test_importing_all_of_storage_loads_no_textual():
    modules = sorted(p.stem for p in (ROOT / "storage").glob("*.py") if p.stem != "__init__")
    code = "import sys\n" + "".join(f"import storage.{m}\n" for m in modules) + "print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
