"""Small builders shared by tests (no fixtures: import what you need)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from storage.model.imported import ImportedPaper

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SAMPLE_PAGE = DATA / "trending-sample.txt"  # the project's own page: 48 papers, see tests/data/README.md
SAMPLE_COUNT = 48
# The real page, present only beside the checkout on the dev machines.
SEED = ROOT.parent / "shared" / "seeds" / "trending-papers.txt"
NO_SEED = f"seed page not found: {SEED} (only present beside the papershelf checkout on the dev machines)"
needs_seed = pytest.mark.skipif(not SEED.exists(), reason=NO_SEED)


@cache
def _sample_answers() -> tuple[dict, ...]:
    return tuple(json.loads((DATA / "trending-sample.json").read_text(encoding="utf-8"))["papers"])


def sample_answers() -> list[dict]:
    """What the sample page holds, from its answer key (not from the parser): per paper its
    title, abstract, listed (date heading) and links."""
    return [dict(paper) for paper in _sample_answers()]


def sample_pairs() -> list[tuple[str, str]]:
    """(title, abstract) of every paper of the sample page, in page order."""
    return [(paper["title"], paper["abstract"]) for paper in _sample_answers()]


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


def synced_pair(tmp_path: Path, papers: int = 5) -> tuple[Path, Path]:
    """Two machines' libraries (`a`, `b`) of `papers` papers, synced through one bare repository
    on local disk (`remote.git`). Needs git, and the git_without_user_config fixture."""
    from storage.library import Library
    from storage.sync.engine import sync_library

    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    a, b = tmp_path / "a", tmp_path / "b"
    library = Library.open(a)
    library.import_papers([ImportedPaper(f"Shared paper {n}", "An abstract.") for n in range(papers)], "page.txt")
    library.close()
    sync_library(a, str(remote))
    sync_library(b, str(remote))
    return a, b
