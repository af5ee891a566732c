"""Small builders shared by tests (no fixtures: import what you need)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from storage.imported import ImportedPaper

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seeds" / "trending-papers.txt"


def papers(n: int, prefix: str = "Paper") -> list[ImportedPaper]:
    return [ImportedPaper(f"{prefix} number {i}", f"Abstract of {prefix.lower()} {i}.") for i in range(n)]


def run_cli(*args: str, library: Path | None = None, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """Run `papershelf` in a subprocess, as a user would."""
    cmd = [sys.executable, "-m", "tui"]
    if library is not None:
        cmd += ["--library", str(library)]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"}
    done = subprocess.run([*cmd, *args], input=stdin, capture_output=True, cwd=ROOT, env=env, timeout=60)
    done.stdout, done.stderr = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    return done


def snapshot_dir(directory: Path) -> dict[str, bytes]:
    """Every file under a directory, by relative path, with its bytes."""
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}
